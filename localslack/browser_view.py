"""What the browser page reads: its own static files and the workspace as its user sees it.

Kept apart from ``browser.py``, whose routes turn the user's gestures into the requests Slack
would send; everything here only reads (files on disk, workspace state) and changes nothing.
"""

from __future__ import annotations

import struct
from pathlib import Path

from .objects import Channel
from .server import HttpReply
from .state import Workspace

PAGE_DIR = Path(__file__).with_name("page")
_PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/page/app.css": ("app.css", "text/css; charset=utf-8"),
    "/page/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/page/viewer.js": ("viewer.js", "text/javascript; charset=utf-8"),
    "/page/surfaces.js": ("surfaces.js", "text/javascript; charset=utf-8"),
}


def page_file(path: str) -> HttpReply:
    """One of the page's files for ``path``, or a 404 for anything else."""
    if path not in _PAGE_FILES:
        return HttpReply(404, b"not found")
    name, content_type = _PAGE_FILES[path]
    headers = {"Cache-Control": "no-cache"}
    return HttpReply(200, (PAGE_DIR / name).read_bytes(), content_type, headers)


def page_state(
    ws: Workspace, *, user_id: str, title: str, has_sample: bool, people: list[str] | None = None
) -> dict:
    """Channels, users, messages (each with ``replies``), ephemeral, the user's App Home and
    open modal (with the app's inline errors), in one consistent read.

    ``user_id`` is the user the page plays: it sees its own DMs only, private channels only as
    a member, and only its ephemeral messages. ``people`` are the users it may switch to.
    """
    with ws.lock:
        channels = [
            {
                "id": ch.id,
                "name": ch.name,
                "is_private": ch.is_private,
                "is_im": ch.is_im,
                "is_member": user_id in ch.members,
                "bot_member": ws.bot_user_id in ch.members,
            }
            for ch in ws.channels.values()
            if _visible(ch, user_id)
        ]
        for c in channels:
            c["members"] = sorted(ws.channels[c["id"]].members)
        messages = {c["id"]: _channel_messages(ws, c["id"]) for c in channels}
        ephemeral = [_browser_message(ws, m) for m in ws.ephemeral(user_id=user_id)]
        users = {
            uid: {"name": u["name"], "real_name": u["real_name"], "is_bot": u["is_bot"]}
            for uid, u in ws.users.items()
        }
        return {
            "ok": True,
            "revision": ws.revision,
            "title": title,
            "me": user_id,
            "bot_user_id": ws.bot_user_id,
            "has_sample": has_sample,
            "channels": channels,
            "users": users,
            "messages": messages,
            "ephemeral": ephemeral,
            "people": people or [user_id],
            "home": ws.views.home(user_id),
            "modal": _modal(ws, user_id),
        }


def _visible(ch: Channel, user_id: str) -> bool:
    """A user sees their own DMs, public channels and the private channels they are in."""
    if ch.is_im:
        return ch.user == user_id
    return user_id in ch.members or not ch.is_private


def _modal(ws: Workspace, user_id: str) -> dict | None:
    """The user's open modal, its stack depth and the inline errors of its last submission."""
    view = ws.views.top(user_id)
    if view is None:
        return None
    depth = len(ws.views.stacks.get(user_id, []))
    return {"view": view, "depth": depth, "errors": ws.views.errors.get(view["id"], {})}


def _channel_messages(ws: Workspace, channel_id: str) -> list[dict]:
    out = []
    for msg in ws.messages(channel_id):
        msg = _browser_message(ws, msg)
        if msg.get("reply_count"):
            replies = ws.messages(channel_id, thread_ts=msg["ts"])
            msg["replies"] = [_browser_message(ws, r) for r in replies]
        out.append(msg)
    return out


def _browser_message(ws: Workspace, msg: dict) -> dict:
    """A message with each file's browser URLs (the page has no token for ``url_private``).

    Images also get ``original_w``/``original_h``, as Slack gives them, read from the PNG or
    GIF header: the page reserves each image's box before it loads, so nothing jumps.
    """
    for f in msg.get("files", []):
        f["local_url"] = f"/local/files/{f['id']}"
        f["local_download"] = f"/local/files/{f['id']}?download=1"
        stored = ws.files.get(f["id"])
        size = image_size(stored.content) if stored is not None and stored.content else None
        if size and "original_w" not in f:
            f["original_w"], f["original_h"] = size
    return msg


def image_size(content: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG or GIF from its header; ``None`` for anything else."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR" and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    return None
