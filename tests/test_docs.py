"""Meta-tests: what users can type and set is documented and wired, everywhere it should be."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from bot.render.lookups import HELP
from bot.requests import SUBCOMMANDS, Command, Help
from bot.usecases.commands import ROUTES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
MANIFEST = (ROOT / "manifest.yml").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()


def settings_read_by_the_bot() -> set[str]:
    source = (ROOT / "bot" / "settings.py").read_text()
    return set(re.findall(r'"((?:SLACK|SEGBOT)_[A-Z_]+|PORT)"', source)) - {"SLACK_CLIENT_ID"}


def test_every_subcommand_is_in_the_readme_and_the_help():
    for word in SUBCOMMANDS:
        assert f"/segment {word}" in README, word
        assert f"/segment {word}" in HELP, word
    for phrase in (
        "/segment schedule off",
        "/segment digest now",
        "/segment run [k=N] [as_of=YYYY-MM-DD]",
    ):
        assert phrase in README and phrase in HELP


def test_every_setting_is_documented():
    names = settings_read_by_the_bot()
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SEGBOT_DB"} <= names
    for name in names:
        assert f"`{name}`" in README, name
        assert re.search(rf"^{name}=", ENV_EXAMPLE, re.M), name


def test_manifest_command_is_the_one_the_bot_registers():
    commands = re.findall(r"- command: (/\S+)", MANIFEST)
    assert commands == ["/segment"]
    listeners = (ROOT / "bot" / "listeners" / "commands" / "__init__.py").read_text()
    assert '"/segment"' in listeners
    assert "socket_mode_enabled: true" in MANIFEST and "interactivity" in MANIFEST
    for scope in ("commands", "chat:write", "files:read", "files:write", "channels:join"):
        assert f"- {scope}\n" in MANIFEST, scope


def test_readme_quick_start_is_two_commands():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[0:2] for line in block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]


def test_every_request_has_exactly_one_use_case():
    requests = set(typing.get_args(Command)) - {Help}  # help is answered in the ack itself
    assert requests == set(ROUTES)
