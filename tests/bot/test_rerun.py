"""Re-runs from the results' **Re-run with k =** select, end to end: the notice first, then the
re-run's results, titled as a re-run, in the thread the select was in."""

from __future__ import annotations

import json

from tests.bot.conftest import Running
from tests.bot.helpers import wait_results


def test_rerun_from_the_select_answers_in_the_original_thread_notice_first(
    segmented: Running,
) -> None:
    env, slack = segmented, segmented.slack
    thread = next(m for m in slack.messages(env.channel) if m.get("reply_count"))
    results = next(
        m
        for m in slack.messages(env.channel, thread_ts=thread["ts"])
        if "rerun_k" in json.dumps(m.get("blocks", []))
    )
    rerun = next(e for e in results["blocks"][-1]["elements"] if e["action_id"] == "rerun_k")
    six = next(o["value"] for o in rerun["options"] if o["text"]["text"] == "6")
    slack.choose_option(
        channel_id=env.channel,
        user_id=env.user,
        message_ts=results["ts"],
        action_id="rerun_k",
        selected_value=six,
    )
    (again,) = wait_results(slack, env.channel)
    assert again["thread_ts"] == thread["ts"]
    assert again["blocks"][0]["text"]["text"] == "Re-run of small.csv with k = 6"
    assert again["text"].startswith("Re-run of small.csv with k = 6: 6 segments.")
    calls = slack.calls()
    notice = next(
        i for i, c in enumerate(calls) if "Re-running with k=6" in json.dumps(c.body, default=str)
    )
    posted = next(i for i, c in enumerate(calls) if c.body is again)
    assert notice < posted
    assert slack.ephemeral(env.channel, env.user)[-1]["text"].startswith("Re-running with k=6")
    # No reply to the select after the fact.
    assert not [c for c in slack.calls("hook") if "Re-running" in json.dumps(c.body, default=str)]
