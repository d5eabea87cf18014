"""The sources file is read once at the edge (``python -m bot``): a wrong one stops the bot
with its one line, as a wrong setting does."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import load_sources, main
from bot.settings import SettingsError


def test_no_sources_file_means_no_sources() -> None:
    assert load_sources(None) is None


def test_a_wrong_sources_file_is_one_line(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[sources.shop]\nurl = "postgresql://segbot@db/shop"\n'
                    'password_env = "SEGBOT_TEST_NO_SUCH_VARIABLE"\ntable = "public.sales"\n')  # fmt: skip
    monkeypatch.delenv("SEGBOT_TEST_NO_SUCH_VARIABLE", raising=False)
    with pytest.raises(SettingsError) as caught:
        load_sources(path)
    assert str(caught.value) == (
        "Source 'shop' in the sources file: the environment variable SEGBOT_TEST_NO_SUCH_VARIABLE "
        "(password_env) is not set: set it to the database password."
    )
    monkeypatch.setenv("SEGBOT_TEST_NO_SUCH_VARIABLE", "pw-from-the-environment")
    (shop,) = load_sources(path).sources
    assert shop.password.reveal() == "pw-from-the-environment"
    assert "pw-from-the-environment" not in repr(shop)


def test_the_local_workspace_reads_the_sources_file_too(tmp_path: Path, monkeypatch, capsys):
    """Without Slack settings (the local workspace) a wrong sources file still stops the bot
    with its one line before anything starts."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("SEGBOT_SOURCES", str(tmp_path / "missing.toml"))
    assert main() == 2
    assert capsys.readouterr().err == (
        f"segbot: The sources file {tmp_path / 'missing.toml'} does not exist: fix SEGBOT_SOURCES.\n"
    )
