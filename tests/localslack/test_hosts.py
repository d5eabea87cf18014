"""The local Slack answers only its own host names (no DNS rebinding, no cross-site posts), and
serves files whose names have spaces or accents."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from localslack import LocalSlack


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack() as s:
        yield s


def request(slack: LocalSlack, path: str, headers: dict, method: str = "POST") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", slack.port, timeout=5)
    conn.putrequest(method, path, skip_host=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders(b"" if method == "POST" else None)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


AUTH = {"Authorization": "Bearer xoxb-local-token", "Content-Length": "0"}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_its_own_names_are_answered(slack: LocalSlack, host: str) -> None:
    status, body = request(slack, "/api/auth.test", {**AUTH, "Host": f"{host}:{slack.port}"})
    assert status == 200 and json.loads(body)["ok"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", ""])
def test_other_host_names_are_refused_unrecorded(slack: LocalSlack, host: str) -> None:
    headers = {**AUTH, "Host": host} if host else AUTH
    status, body = request(slack, "/api/auth.test", headers)
    assert (status, json.loads(body)["error"]) == (403, "unknown_host")
    # a rebinding page that also sends a matching Origin is refused all the same
    evil = {**AUTH, "Host": "evil.example", "Origin": "http://evil.example"}
    assert request(slack, "/api/chat.postMessage", evil)[0] == 403
    assert slack.calls() == []


def test_posts_from_other_sites_are_refused(slack: LocalSlack) -> None:
    own = {**AUTH, "Host": f"127.0.0.1:{slack.port}"}
    for origin in ("http://evil.example", "null", "file://"):
        status, body = request(slack, "/api/auth.test", {**own, "Origin": origin})
        assert (status, json.loads(body)["error"]) == (403, "cross_origin")
    ok = request(slack, "/api/auth.test", {**own, "Origin": f"http://localhost:{slack.port}"})
    assert ok[0] == 200
    assert [c.method for c in slack.calls()] == ["auth.test"]


@pytest.mark.parametrize(
    "name", ["my orders.csv", "Ventes été 2024.csv", "注文 (1).csv", "a#b?.csv"]
)
def test_file_names_are_quoted_in_urls_and_served(slack: LocalSlack, name: str) -> None:
    user = slack.add_user("ana")
    file = slack.add_file(name=name, content=b"a,b\n1,2\n", user=user)
    url = file["url_private_download"]
    assert url.isascii() and " " not in url and unquote(url).endswith("/" + name)
    path = url[len(slack.url) :]
    conn = http.client.HTTPConnection("127.0.0.1", slack.port, timeout=5)
    conn.request("GET", path, headers={"Authorization": "Bearer xoxb-local-token"})
    resp = conn.getresponse()
    assert (resp.status, resp.read()) == (200, b"a,b\n1,2\n")
    disposition = resp.getheader("Content-Disposition") or ""
    assert unquote(disposition.split("UTF-8''", 1)[1]) == name
    conn.close()
