"""``message`` with subtype ``file_share``: each data file in it is segmented in its thread.

Slack sends message/file_share AND file_shared for one upload: both lead to
``handle_upload``, which claims each file id once.
"""

from __future__ import annotations

from slack_bolt import BoltContext

from bot.listeners.answer import deps_of
from bot.usecases.context import Place
from bot.usecases.uploads import handle_upload


def message(event: dict, body: dict, context: BoltContext) -> None:
    if event.get("subtype") != "file_share" or event.get("user") == context.bot_user_id:
        return
    place = Place(body["team_id"], event["channel"], event.get("user", ""))
    for file in event.get("files") or []:
        handle_upload(deps_of(context), place, file, event.get("thread_ts") or event["ts"])
