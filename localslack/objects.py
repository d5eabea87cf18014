"""Pure builders of the shapes Slack returns: users, channels, files, and the sign-in page.

Kept apart from the workspace state so the state module only deals with storing and locking;
these functions turn stored records into exactly the dicts Slack puts in API responses and
events (``users.info``, ``conversations.info``, ``files.info``, ``file_share`` events).
"""

from __future__ import annotations

import mimetypes
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

# Slack's ``filetype`` is its own short name, not the extension and not the mimetype.
_TYPES: dict[str, tuple[str, str, str]] = {
    "csv": ("csv", "text/csv", "CSV"),
    "tsv": ("tsv", "text/tab-separated-values", "TSV"),
    "txt": ("text", "text/plain", "Plain Text"),
    "json": ("json", "application/json", "JSON"),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel Spreadsheet",
    ),
    "xls": ("xls", "application/vnd.ms-excel", "Excel Spreadsheet"),
    "png": ("png", "image/png", "PNG"),
    "jpg": ("jpg", "image/jpeg", "JPEG"),
    "jpeg": ("jpg", "image/jpeg", "JPEG"),
    "gif": ("gif", "image/gif", "GIF"),
    "pdf": ("pdf", "application/pdf", "PDF"),
    "zip": ("zip", "application/zip", "Zip"),
    "parquet": ("binary", "application/octet-stream", "Binary"),
}

# Long names for the labels Slack shows; zoneinfo only knows the abbreviations.
_TZ_LABELS = {
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
}

SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en-US" class="">
<head>
<meta charset="utf-8">
<title>Slack</title>
<meta name="robots" content="noindex, nofollow">
</head>
<body class="sign_in">
<div id="page"><div id="page_contents">
<h1>Sign in to your workspace</h1>
<p>Enter your workspace's Slack URL.</p>
<form id="signin_form" action="/signin" method="post">
<input type="text" name="domain" placeholder="your-workspace.slack.com">
<button type="submit" id="submit_team_domain">Continue</button>
</form>
</div></div>
</body>
</html>
"""


def guess_types(name: str) -> tuple[str, str, str]:
    """Return ``(filetype, mimetype, pretty_type)`` for a file name, the way Slack labels it."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in _TYPES:
        return _TYPES[ext]
    mimetype = mimetypes.guess_type(name, strict=True)[0] or "application/octet-stream"
    return (ext or "binary", mimetype, ext.upper() or "Binary")


@dataclass
class StoredFile:
    """One file in the workspace: its metadata, bytes (``None`` until uploaded) and shares."""

    id: str
    name: str
    title: str
    user: str
    created: int
    filetype: str
    mimetype: str
    pretty_type: str
    declared_length: int | None = None
    content: bytes | None = None
    # channel id -> list of (message ts, thread ts or None), in share order
    shares: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    @property
    def uploaded(self) -> bool:
        """True once the bytes have arrived (uploads happen before completeUploadExternal)."""
        return self.content is not None


def file_object(f: StoredFile, *, base_url: str, team_id: str, private_channels: set[str]) -> dict:
    """Build the Slack file object for ``f``.

    ``private_channels`` lists the ids of shared-in channels that Slack files under
    ``shares.private`` (private channels and DMs) rather than ``shares.public``.
    """
    prefix = f"{base_url}/files-pri/{team_id}-{f.id}"
    public: dict[str, list[dict]] = {}
    private: dict[str, list[dict]] = {}
    for channel_id, entries in f.shares.items():
        target = private if channel_id in private_channels else public
        target[channel_id] = [
            {"ts": ts, **({"thread_ts": thread} if thread else {}), "reply_count": 0}
            for ts, thread in reversed(entries)  # Slack lists the newest share first
        ]
    shares = {k: v for k, v in (("public", public), ("private", private)) if v}
    return {
        "id": f.id,
        "created": f.created,
        "timestamp": f.created,
        "name": f.name,
        "title": f.title,
        "mimetype": f.mimetype,
        "filetype": f.filetype,
        "pretty_type": f.pretty_type,
        "user": f.user,
        "user_team": team_id,
        "editable": False,
        "size": len(f.content) if f.content is not None else (f.declared_length or 0),
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": bool(public),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": f"{prefix}/{quote(f.name)}",  # quoted as Slack does: spaces, non-ASCII
        "url_private_download": f"{prefix}/download/{quote(f.name)}",
        "permalink": f"{base_url}/files/{f.user}/{f.id}/{quote(f.name)}",
        "permalink_public": f"{base_url}/{team_id}-{f.id}-public",
        "channels": sorted(c for c in f.shares if c.startswith("C") and c not in private_channels),
        "groups": sorted(c for c in f.shares if c in private_channels and not c.startswith("D")),
        "ims": sorted(c for c in f.shares if c.startswith("D")),
        "shares": shares,
        "comments_count": 0,
        "has_rich_preview": False,
    }


def user_object(*, user_id: str, team_id: str, name: str, tz: str, is_bot: bool) -> dict:
    """Build the ``users.info`` user, with ``tz_label``/``tz_offset`` as of now."""
    now = datetime.now(ZoneInfo(tz))
    abbrev = now.tzname() or "UTC"
    offset = now.utcoffset()
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "real_name": name.replace(".", " ").title(),
        "deleted": False,
        "is_bot": is_bot,
        "is_admin": False,
        "tz": tz,
        "tz_label": _TZ_LABELS.get(abbrev, abbrev),
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {"real_name": name, "display_name": name, "team": team_id},
    }


@dataclass
class Channel:
    """A conversation: public/private channel, DM (``is_im``) or group DM (``is_mpim``)."""

    id: str
    name: str
    created: int
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    user: str | None = None  # the other party of a DM
    members: set[str] = field(default_factory=set)

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` Slack puts in message events: channel, group, im or mpim."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"


def channel_object(ch: Channel, *, bot_user_id: str) -> dict:
    """Build the ``conversations.info`` channel as the bot sees it."""
    return {
        "id": ch.id,
        "name": ch.name,
        "created": ch.created,
        "is_channel": ch.channel_type == "channel",
        "is_group": ch.channel_type == "group",
        "is_im": ch.is_im,
        "is_mpim": ch.is_mpim,
        "is_private": ch.is_private,
        "is_archived": ch.is_archived,
        "is_general": ch.name == "general",
        "is_member": bot_user_id in ch.members,
        "num_members": len(ch.members),
        **({"user": ch.user} if ch.is_im else {}),
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def channel_to_json(ch: Channel) -> dict:
    """A channel as JSON-ready data (members as a sorted list)."""
    return {**asdict(ch), "members": sorted(ch.members)}


def channel_from_json(data: dict) -> Channel:
    return Channel(**{**data, "members": set(data.get("members", ()))})


def file_to_json(f: StoredFile) -> dict:
    """A file's record without its bytes (those are kept beside it, one file each)."""
    return {**asdict(f), "content": None, "has_content": f.content is not None}


def file_from_json(data: dict, content: bytes | None) -> StoredFile:
    fields = {k: v for k, v in data.items() if k != "has_content"}
    shares = {c: [(ts, thread) for ts, thread in entries] for c, entries in data["shares"].items()}
    return StoredFile(**{**fields, "content": content, "shares": shares})
