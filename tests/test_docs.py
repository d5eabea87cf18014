"""Meta-tests: what users can type and set is documented and wired, everywhere it should be."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from bot.render.lookups import HELP
from bot.requests import SUBCOMMANDS, Command, Help
from bot.settings import Settings
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


def code_defaults() -> dict[str, str]:
    """What the code uses for each setting left unset, as the documentation writes it."""
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert settings is not None
    return {
        "PORT": str(settings.port),
        "SLACK_API_URL": settings.api_url,
        "SEGBOT_FILE_HOSTS": ",".join(settings.file_hosts),
        "SEGBOT_MAX_UPLOAD_MB": str(settings.max_upload_mb),
        "SEGBOT_WORKERS": str(settings.workers),
        "SEGBOT_QUEUE_SIZE": str(settings.queue_size),
        "SEGBOT_DB": str(settings.db_path),
        "SEGBOT_DATA_DIR": str(settings.data_dir),
        "SEGBOT_DIGEST_GRACE_HOURS": str(settings.digest_grace_hours),
        "SEGBOT_EMAIL_TOOL_EXPORT": str(settings.email_tool_export).lower(),
    }


def readme_defaults() -> dict[str, str]:
    """The README's configuration table: variable -> its Default cell, backticks removed."""
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \|", README, re.M)
    return {name: cell.strip().replace("`", "") for name, cell in rows}


def env_example_entries() -> dict[str, tuple[str, str]]:
    """.env.example: variable -> (the comment lines just above it, the value after ``=``)."""
    entries, comment = {}, []
    for line in ENV_EXAMPLE.splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif "=" in line:
            name, _, value = line.partition("=")
            entries[name] = (" ".join(comment), value)
            comment = []
        else:
            comment = []
    return entries


def test_documented_defaults_are_the_codes():
    readme, example = readme_defaults(), env_example_entries()
    for name, default in code_defaults().items():
        assert readme[name] == default, (name, readme[name], default)
        comment, value = example[name]
        assert value in ("", default), (name, value, default)
        said = re.search(r"\(default ([^\s,);]+)", comment)
        assert said is None or said[1] == default, (name, said and said[1], default)
        assert said or value, f"{name}: .env.example gives no default"


def test_documented_worker_memory_is_the_codes():
    mb = 1024 * 1024
    floor = Settings(bot_token="xoxb-1", max_upload_mb=1).worker_memory_bytes // mb
    factor = Settings(bot_token="xoxb-1", max_upload_mb=10_000).worker_memory_bytes // mb // 10_000
    pattern = r"(\d+) ?× ?SEGBOT_MAX_UPLOAD_MB, at least (\d+)"
    readme = re.search(pattern, readme_defaults()["SEGBOT_WORKER_MEMORY_MB"])
    example = re.search(pattern, env_example_entries()["SEGBOT_WORKER_MEMORY_MB"][0])
    for found in (readme, example):
        assert found is not None and (int(found[1]), int(found[2])) == (factor, floor)


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
