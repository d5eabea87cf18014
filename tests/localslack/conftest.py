"""Fixtures for the local Slack tests: a clean environment and a running LocalSlack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localslack import LocalSlack

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(autouse=True)
def offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No OAuth mode and no proxies: Bolt and slack_sdk must talk to 127.0.0.1 directly.

    With SLACK_CLIENT_ID/SECRET set, Bolt switches to OAuth and ignores the token; with a
    proxy variable set, WebClient sends 127.0.0.1 traffic to the proxy.
    """
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", *PROXY_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    """A started LocalSlack on a free port, stopped after the test."""
    with LocalSlack() as local:
        yield local


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium driven by Playwright, one per test module (skips or fails without it)."""
    from .test_page_browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
