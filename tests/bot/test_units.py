"""Pure parts of the bot: the command parser, the renderers and the settings."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import render
from bot.commands import Customer, Datasets, Export, Help, History, Run, Show, parse
from bot.errors import UserError
from bot.settings import Settings, SettingsError

SUMMARY = {
    "rows_read": 10,
    "rows_kept": 8,
    "customers": 6,
    "total_spend": 100.0,
    "dropped": {"no customer id": 2},
    "as_of": "2011-12-10",
    "k": 2,
    "k_reason": "Two is best.",
    "notes": [],
    "segments": [
        {
            "id": i,
            "name": f"Seg {i}",
            "customers": 3,
            "share": 0.5,
            "revenue_share": 0.5,
            "median": {"recency_days": 5, "frequency": 2, "average_spend": 10, "total_spend": 20},
            "strategies": ["Say hi"],
        }
        for i in range(2)
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("run", Run()),
        ("RUN k=4 as_of=2011-12-01", Run(k=4, as_of=dt.date(2011, 12, 1))),
        ("show", Show()),
        ("customer 12347", Customer("12347")),
        ("export", Export()),
        ("export all", Export()),
        ("export Loyal big spenders", Export("Loyal big spenders")),
        ("history", History()),
        ("datasets", Datasets()),
        ("payload", Help(unknown="payload")),
        ("show me everything", Help(unknown="show me everything")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text", ["run k=1", "run k=11", "run k=x", "run as_of=12/1/2011", "run fast", "customer"]
)
def test_parse_rejects_with_a_plain_message(text: str) -> None:
    with pytest.raises(UserError):
        parse(text)


def test_results_blocks_respect_slack_limits() -> None:
    blocks = render.results_blocks(SUMMARY, run_id=7)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Customer segments"},
    }
    assert len(blocks) <= 50
    for block in blocks:
        assert len(block.get("fields", [])) <= 10
        assert len(block.get("text", {}).get("text", "")) <= 3000
    controls = blocks[-1]
    assert [e["action_id"] for e in controls["elements"]] == [
        "export_csv",
        "rerun_k",
        "schedule_digest",
    ]
    assert [o["value"] for o in controls["elements"][1]["options"]] == [
        f"7:{k}" for k in range(2, 11)
    ]
    assert "Read 10 rows, kept 8 (dropped: 2 no customer id)" in render.results_text(SUMMARY)


def test_progress_and_queue_texts() -> None:
    assert (
        render.progress_text("orders.csv", 45 * 1024 * 1024, "reading")
        == "Reading `orders.csv` (45 MB)…"
    )
    assert "2 jobs are ahead" in render.progress_text("a.csv", None, "queued", position=2)


def test_customer_and_lists() -> None:
    features = {"recency_days": 3, "frequency": 4, "average_spend": 12.5, "total_spend": 50}
    text = render.customer_text("12347", SUMMARY["segments"][1], features)
    assert text.startswith("Customer `12347` is in *Seg 1*.")
    assert render.datasets_text([]) == render.NO_DATASET
    assert "#3 2024" in render.history_text(
        [{"id": 3, "when": "2024-01-01 09:00 UTC", "dataset": "a.csv", "k": 2, "sizes": [3, 3]}]
    )


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


@pytest.mark.parametrize(("frequency", "shown"), [(1.0, "1 order"), (3.0, "3 orders")])
def test_segment_fields_say_order_or_orders(frequency: float, shown: str) -> None:
    segment = {
        "customers": 46,
        "share": 0.35,
        "revenue_share": 0.0,
        "median": {
            "recency_days": 276,
            "frequency": frequency,
            "average_spend": 43.48,
            "total_spend": 50.42,
        },
    }
    assert f"*Median frequency*\n{shown}" in render.segment_fields(segment)
