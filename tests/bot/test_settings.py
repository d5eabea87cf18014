"""Settings read once from an environment mapping, failing in one line naming the variable."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError


def test_settings_modes_and_defaults() -> None:
    assert Settings.from_env({}) is None
    http = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert http is not None and not http.socket_mode and http.port == 3000 and http.workers == 1
    assert http.api_url == "https://slack.com/api/" and http.file_hosts == ("files.slack.com",)
    socket = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SEGBOT_WORKERS": "3"}
    )
    assert socket is not None and socket.socket_mode and socket.workers == 3


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "PORT"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SEGBOT_WORKERS": "0"},
            "SEGBOT_WORKERS",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack"},
            "SLACK_API_URL",
        ),
    ],
)
def test_settings_errors_name_the_variable(env: dict, variable: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    message = str(err.value)
    assert message.startswith(variable) and "\n" not in message
