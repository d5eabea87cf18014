"""The Web API methods the local Slack implements, as ``(workspace, args) -> response`` functions.

``args`` is the parsed request body, read with the helpers in ``webapi_args``. Errors are
raised as ``SlackError`` and become ``{"ok": false, "error": ...}`` in the server. The checks
mirror real Slack where a bot could trip over them: channel membership, unknown ids, missing
required arguments.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import SlackError
from .objects import Channel, channel_object
from .state import Workspace
from .webapi_args import (
    bot_message,
    checked_blocks,
    json_list,
    message_text,
    postable_channel,
    readable_channel,
    required,
)
from .webapi_views import VIEW_METHODS

Method = Callable[[Workspace, dict], dict]
METHODS: dict[str, Method] = dict(VIEW_METHODS)  # views.open/push/update/publish


def method(name: str) -> Callable[[Method], Method]:
    """Register a Web API method under its Slack name."""

    def register(fn: Method) -> Method:
        METHODS[name] = fn
        return fn

    return register


def call(ws: Workspace, name: str, args: dict) -> dict:
    """Run one method; raise ``SlackError("unknown_method")`` for names Slack would reject."""
    if name not in METHODS:
        raise SlackError("unknown_method")
    return METHODS[name](ws, args)


# identity, users, conversations -------------------------------------------------------------


@method("auth.test")
def auth_test(ws: Workspace, args: dict) -> dict:
    return {
        "ok": True,
        "url": f"{ws.base_url}/",
        "team": "Local Workspace",
        "user": ws.users[ws.bot_user_id]["name"],
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


@method("users.info")
def users_info(ws: Workspace, args: dict) -> dict:
    return {"ok": True, "user": ws.user(required(args, "user"))}


@method("conversations.info")
def conversations_info(ws: Workspace, args: dict) -> dict:
    ch = ws.channel(required(args, "channel"))
    if ch.is_private and ws.bot_user_id not in ch.members:
        raise SlackError("channel_not_found")
    return {"ok": True, "channel": channel_object(ch, bot_user_id=ws.bot_user_id)}


@method("conversations.join")
def conversations_join(ws: Workspace, args: dict) -> dict:
    ch = ws.channel(required(args, "channel"))
    if ch.is_private:
        raise SlackError("method_not_supported_for_channel_type")
    if ch.is_archived:
        raise SlackError("is_archived")
    joined = ws.join(ch.id, ws.bot_user_id)
    out = {"ok": True, "channel": channel_object(ch, bot_user_id=ws.bot_user_id)}
    if not joined:
        out["warning"] = "already_in_channel"
        out["response_metadata"] = {"warnings": ["already_in_channel"]}
    return out


@method("conversations.open")
def conversations_open(ws: Workspace, args: dict) -> dict:
    if args.get("channel"):
        ch = ws.channel(str(args["channel"]))
    else:
        users = [u for u in required(args, "users").split(",") if u]
        if len(users) != 1:
            raise SlackError("not_enough_users" if not users else "too_many_users")
        ch = ws.open_dm(users[0])
    return {"ok": True, "channel": channel_object(ch, bot_user_id=ws.bot_user_id)}


@method("conversations.members")
def conversations_members(ws: Workspace, args: dict) -> dict:
    ch = ws.channel(required(args, "channel"))
    if ch.is_private and ws.bot_user_id not in ch.members:
        raise SlackError("channel_not_found")
    members, cursor = page(sorted(ch.members), args)
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": cursor}}


@method("users.conversations")
def users_conversations(ws: Workspace, args: dict) -> dict:
    """The conversations of the bot (or of ``user``: only public ones the bot can see)."""
    user = str(args.get("user") or ws.bot_user_id)
    ws.user(user)
    types = set(str(args.get("types") or "public_channel").split(","))
    kinds = {"channel": "public_channel", "group": "private_channel", "im": "im", "mpim": "mpim"}
    archived_too = str(args.get("exclude_archived", "false")).lower() not in ("true", "1")
    with ws.lock:
        found = [
            ch for ch in ws.channels.values()
            if user in ch.members and kinds[ch.channel_type] in types
            and (archived_too or not ch.is_archived)
            and (user == ws.bot_user_id or ws.bot_user_id in ch.members or not ch.is_private)
        ]  # fmt: skip
    shown, cursor = page([channel_object(c, bot_user_id=ws.bot_user_id) for c in found], args)
    return {"ok": True, "channels": shown, "response_metadata": {"next_cursor": cursor}}


def page(items: list, args: dict) -> tuple[list, str]:
    """One page of ``items`` after ``cursor`` (``limit`` long) and the next cursor ("" at the end)."""
    start = int(str(args.get("cursor") or "offset_0").removeprefix("offset_") or 0)
    limit = max(1, min(int(args.get("limit") or 100), 1000))
    rest = items[start : start + limit]
    more = start + limit < len(items)
    return rest, f"offset_{start + limit}" if more else ""


@method("conversations.history")
def conversations_history(ws: Workspace, args: dict) -> dict:
    ch = readable_channel(ws, required(args, "channel"))
    limit = int(args.get("limit") or 100)
    msgs = list(reversed(ws.messages(ch.id)))[:limit]  # Slack returns newest first
    return {"ok": True, "messages": msgs, "has_more": False, "pin_count": 0}


@method("conversations.replies")
def conversations_replies(ws: Workspace, args: dict) -> dict:
    ch = readable_channel(ws, required(args, "channel"))
    ts = required(args, "ts")
    try:
        parent = ws.message(ch.id, ts)
    except SlackError:
        raise SlackError("thread_not_found") from None
    thread = parent.get("thread_ts", ts)
    head = parent if thread == ts else ws.message(ch.id, thread)
    return {
        "ok": True,
        "messages": [head, *ws.messages(ch.id, thread_ts=thread)],
        "has_more": False,
    }


# chat -------------------------------------------------------------------------------------


@method("chat.postMessage")
def chat_post_message(ws: Workspace, args: dict) -> dict:
    ch = postable_channel(ws, required(args, "channel"))
    blocks = checked_blocks(args)
    msg = bot_message(ws, message_text(args, blocks), blocks)
    if args.get("metadata"):
        msg["metadata"] = args["metadata"]
    posted = ws.post(ch.id, msg, thread_ts=str(args.get("thread_ts") or "") or None)
    return {"ok": True, "channel": ch.id, "ts": posted["ts"], "message": posted}


def own_message(ws: Workspace, args: dict, error: str) -> tuple[Channel, str]:
    """The channel and ts of a message the bot posted; ``error`` when it is someone else's."""
    ch = ws.channel(required(args, "channel"))
    ts = required(args, "ts")
    if ws.message(ch.id, ts).get("bot_id") != ws.bot_id:
        raise SlackError(error)
    return ch, ts


@method("chat.update")
def chat_update(ws: Workspace, args: dict) -> dict:
    ch, ts = own_message(ws, args, "cant_update_message")
    blocks = checked_blocks(args)
    changes: dict = {"text": str(args.get("text") or "")}
    if blocks is not None:
        changes["blocks"] = blocks
    updated = ws.update(ch.id, ts, changes)
    return {"ok": True, "channel": ch.id, "ts": ts, "text": updated["text"], "message": updated}


@method("chat.delete")
def chat_delete(ws: Workspace, args: dict) -> dict:
    ch, ts = own_message(ws, args, "cant_delete_message")
    ws.delete(ch.id, ts)
    return {"ok": True, "channel": ch.id, "ts": ts}


@method("chat.postEphemeral")
def chat_post_ephemeral(ws: Workspace, args: dict) -> dict:
    ch = postable_channel(ws, required(args, "channel"))
    user = required(args, "user")
    ws.user(user)
    if user not in ch.members:
        raise SlackError("user_not_in_channel")
    blocks = checked_blocks(args)
    msg = bot_message(ws, message_text(args, blocks), blocks)
    del msg["user"]  # an ephemeral's "user" is the one who sees it, set by add_ephemeral
    msg["source"] = "chat.postEphemeral"
    if args.get("thread_ts"):
        msg["thread_ts"] = str(args["thread_ts"])
    stored = ws.add_ephemeral(ch.id, user, msg)
    return {"ok": True, "message_ts": stored["ts"]}


@method("chat.getPermalink")
def chat_get_permalink(ws: Workspace, args: dict) -> dict:
    ch = ws.channel(required(args, "channel"))
    ts = required(args, "message_ts")
    ws.message(ch.id, ts)
    return {"ok": True, "channel": ch.id, "permalink": f"{ws.base_url}/archives/{ch.id}/p{ts}"}


# files --------------------------------------------------------------------------------------


@method("files.getUploadURLExternal")
def files_get_upload_url(ws: Workspace, args: dict) -> dict:
    name = required(args, "filename")
    length = required(args, "length")
    if not length.isdigit():
        raise SlackError("invalid_arguments")
    fid = ws.new_file(name=name, user=ws.bot_user_id, declared_length=int(length))
    return {"ok": True, "upload_url": f"{ws.base_url}/upload/{fid}", "file_id": fid}


@method("files.completeUploadExternal")
def files_complete_upload(ws: Workspace, args: dict) -> dict:
    items = json_list(args, "files")
    if not items or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise SlackError("invalid_arguments")
    targets = [str(args["channel_id"])] if args.get("channel_id") else []
    targets += [c for c in str(args.get("channels") or "").split(",") if c and c not in targets]
    thread_ts = str(args.get("thread_ts") or "") or None
    if thread_ts and len(targets) != 1:
        raise SlackError("invalid_arguments")
    channels = [
        postable_channel(ws, t) for t in targets
    ]  # check every target before changing anything
    for item in items:
        if not ws.stored_file(str(item["id"])).uploaded:
            raise SlackError("file_not_found")
    with ws.lock:
        for item in items:
            if item.get("title"):
                ws.stored_file(str(item["id"])).title = str(item["title"])
    comment = str(args.get("initial_comment") or "")
    blocks = None if comment else checked_blocks(args)
    for ch in channels:
        msg = bot_message(ws, comment, blocks)
        msg.update(files=[{"id": str(i["id"])} for i in items], upload=True, display_as_bot=False)
        ws.post(ch.id, msg, thread_ts=thread_ts)
    return {"ok": True, "files": [ws.file_object(str(i["id"])) for i in items]}


@method("files.info")
def files_info(ws: Workspace, args: dict) -> dict:
    return {
        "ok": True,
        "file": ws.file_object(required(args, "file")),
        "comments": [],
        "response_metadata": {"next_cursor": ""},
    }
