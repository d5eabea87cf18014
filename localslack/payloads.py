"""Pure builders of what Slack sends to an app: slash command bodies, event envelopes and
block_actions payloads, field for field as Slack sends them (see slack-api.md §2).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from urllib.parse import quote, urlencode

VERIFICATION_TOKEN = "local-verification-token"  # Slack's deprecated per-app token
APP_ID = "A0LOCAL"


def new_event_id() -> str:
    """A globally unique-looking event id such as ``Ev0LK3J9Q2XZ``."""
    return "Ev0L" + secrets.token_hex(5).upper()


def trigger_id() -> str:
    """A trigger id in Slack's ``<digits>.<digits>.<hex>`` shape."""
    return f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def command_body(
    *,
    team_id: str,
    channel_id: str,
    channel_name: str,
    user_id: str,
    user_name: str,
    command: str,
    text: str,
    response_url: str,
    trigger: str | None = None,
) -> str:
    """The form-encoded body of a slash command, fields in Slack's order."""
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": "local",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger or trigger_id(),
        }
    )


def event_envelope(event: dict, *, team_id: str, bot_user_id: str, event_id: str) -> dict:
    """Wrap ``event`` in the ``event_callback`` envelope of the Events API."""
    now = int(time.time())
    context = base64.urlsafe_b64encode(f"{team_id}:{event_id}".encode()).decode().rstrip("=")
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{context}",
    }


def find_element(blocks: list[dict], action_id: str) -> tuple[str, dict] | None:
    """``(block_id, element)`` of the interactive element with ``action_id``, if any."""
    for block in blocks:
        candidates = list(block.get("elements", []))
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        if isinstance(block.get("element"), dict):  # input blocks
            candidates.append(block["element"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None


def block_actions(
    *,
    team_id: str,
    user: dict,
    channel: dict | None,
    container: dict,
    message: dict | None,
    action: dict,
    state: dict,
    response_url: str | None,
    trigger: str | None = None,
    view: dict | None = None,
) -> dict:
    """The ``block_actions`` payload (``message`` is omitted for ephemeral messages).

    A click in a view (App Home, modal) has ``view`` and neither channel nor response_url.
    """
    payload = {
        "type": "block_actions",
        "user": _user(user, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger or trigger_id(),
        "team": {"id": team_id, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": state,
        "actions": [action],
    }
    if channel is not None:
        payload["channel"] = channel
    if response_url is not None:
        payload["response_url"] = response_url
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    return payload


def view_submission(*, team_id: str, user: dict, view: dict, trigger: str) -> dict:
    """The ``view_submission`` payload: the submitted view with its ``state.values``."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "local"},
        "user": _user(user, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(*, team_id: str, user: dict, view: dict, is_cleared: bool) -> dict:
    """The ``view_closed`` payload, sent only for views opened with ``notify_on_close``."""
    return {
        "type": "view_closed",
        "team": {"id": team_id, "domain": "local"},
        "user": _user(user, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def app_home_opened(*, user_id: str, dm_channel: str, tab: str, view: dict | None, ts: str) -> dict:
    """The ``app_home_opened`` event; ``view`` is the published home, once there is one."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": dm_channel,
        "tab": tab,
        "event_ts": ts,
    }
    if view is not None:
        event["view"] = view
    return event


def input_state(element: dict, value: str | None) -> dict:
    """What ``state.values`` says of an input element set to ``value`` (None: its initial value)."""
    kind = element.get("type")
    if kind in ("static_select", "external_select"):
        options = element.get("options") or [
            o for g in element.get("option_groups", []) for o in g.get("options", [])
        ]
        if value is None:
            return {"type": kind, "selected_option": element.get("initial_option")}
        picked = next((o for o in options if o.get("value") == value), None)
        picked = picked or {"text": {"type": "plain_text", "text": value}, "value": value}
        return {"type": kind, "selected_option": picked}
    if kind == "timepicker":
        return {
            "type": kind,
            "selected_time": value if value is not None else element.get("initial_time"),
        }
    if kind == "datepicker":
        return {
            "type": kind,
            "selected_date": value if value is not None else element.get("initial_date"),
        }
    return {"type": kind, "value": value if value is not None else element.get("initial_value")}


def form_payload(payload: dict) -> str:
    """``payload=<url-encoded JSON>``: how Slack posts interactivity payloads."""
    return "payload=" + quote(json.dumps(payload))


def _user(user: dict, team_id: str) -> dict:
    """The clicking user as interactivity payloads carry it."""
    return {"id": user["id"], "username": user["name"], "name": user["name"], "team_id": team_id}
