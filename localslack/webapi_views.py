"""The ``views.*`` Web API methods: modals (open, push, update) and the App Home (publish).

Registered into ``webapi.METHODS`` by ``webapi``. Views are checked the way Slack rejects them
before anything is shown: a known type, at most 100 typed blocks, a modal's title, submit and
close texts as plain_text of at most 24 characters, ``submit`` when there is an input block,
input blocks with a label and an element, unique block ids, private_metadata of at most 3,000
characters. A problem answers ``invalid_arguments`` with Slack-style messages.
"""

from __future__ import annotations

import json

from .errors import SlackError
from .state import Workspace
from .views import MAX_BLOCKS, MAX_ID, MAX_METADATA, MAX_TITLE
from .webapi_args import required


def checked_view(args: dict, *, kinds: tuple[str, ...]) -> dict:
    """The ``view`` argument (JSON string or object), checked; ``invalid_arguments`` if wrong."""
    value = args.get("view")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            problem = _messages(["view is not JSON"])
            raise SlackError("invalid_arguments", response_metadata=problem) from None
    if not isinstance(value, dict):
        raise SlackError("invalid_arguments", response_metadata=_messages(["missing view"]))
    problems = view_problems(value, kinds)
    if problems:
        raise SlackError("invalid_arguments", response_metadata=_messages(problems))
    return value


def view_problems(view: dict, kinds: tuple[str, ...]) -> list[str]:
    """What Slack would say is wrong with ``view`` (empty when it is fine)."""
    if view.get("type") not in kinds:
        return [f"must be one of {', '.join(kinds)} [json-pointer:/view/type]"]
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return ["missing required field: blocks [json-pointer:/view/blocks]"]
    problems = _block_problems(blocks)
    if view["type"] == "modal":
        problems += _modal_problems(view, blocks)
    if len(str(view.get("private_metadata", ""))) > MAX_METADATA:
        problems.append("must be less than 3001 characters [json-pointer:/view/private_metadata]")
    for name in ("callback_id", "external_id"):
        if len(str(view.get(name, ""))) > MAX_ID:
            problems.append(f"must be less than 256 characters [json-pointer:/view/{name}]")
    return problems


def _block_problems(blocks: list) -> list[str]:
    problems = []
    if len(blocks) > MAX_BLOCKS:
        problems.append("no more than 100 items allowed [json-pointer:/view/blocks]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/view/blocks/{i}]"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"missing required field: type {where}")
            continue
        block_id = block.get("block_id")
        if block_id is not None and block_id in seen:
            problems.append(f"duplicate block_id {block_id!r} {where}")
        seen.add(block_id)
        if block["type"] == "input":
            if not _plain_text(block.get("label"), 2000):
                problems.append(f"input needs a plain_text label {where}")
            if not isinstance(block.get("element"), dict) or "type" not in block["element"]:
                problems.append(f"input needs an element {where}")
    return problems


def _modal_problems(view: dict, blocks: list) -> list[str]:
    problems = []
    if not _plain_text(view.get("title"), MAX_TITLE):
        problems.append(
            "title must be plain_text of at most 24 characters [json-pointer:/view/title]"
        )
    for name in ("submit", "close"):
        if view.get(name) is not None and not _plain_text(view[name], MAX_TITLE):
            problems.append(
                f"must be plain_text of at most 24 characters [json-pointer:/view/{name}]"
            )
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and view.get("submit") is None:
        problems.append("submit is required when a view has input blocks [json-pointer:/view]")
    return problems


def _plain_text(obj: object, limit: int) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("type") == "plain_text"
        and isinstance(obj.get("text"), str)
        and 0 < len(obj["text"]) <= limit
    )


def _messages(problems: list[str]) -> dict:
    return {"messages": [f"[ERROR] {p}" for p in problems]}


def views_open(ws: Workspace, args: dict) -> dict:
    trigger = required(args, "trigger_id")
    view = checked_view(args, kinds=("modal",))
    user = ws.views.exchange_trigger(trigger)
    return {"ok": True, "view": ws.views.open(user, view)}


def views_push(ws: Workspace, args: dict) -> dict:
    trigger = required(args, "trigger_id")
    view = checked_view(args, kinds=("modal",))
    user = ws.views.exchange_trigger(trigger)
    return {"ok": True, "view": ws.views.open(user, view, push=True)}


def views_publish(ws: Workspace, args: dict) -> dict:
    user = required(args, "user_id")
    ws.user(user)
    view = checked_view(args, kinds=("home",))
    return {"ok": True, "view": ws.views.publish(user, view, str(args.get("hash") or "") or None)}


def views_update(ws: Workspace, args: dict) -> dict:
    view_id = str(args.get("view_id") or "") or None
    external_id = str(args.get("external_id") or "") or None
    if not view_id and not external_id:
        raise SlackError("invalid_arguments", response_metadata=_messages(["missing view_id"]))
    view = checked_view(args, kinds=("modal", "home"))
    hash_ = str(args.get("hash") or "") or None
    return {"ok": True, "view": ws.views.update(view_id, external_id, view, hash_)}


VIEW_METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.publish": views_publish,
    "views.update": views_update,
}
