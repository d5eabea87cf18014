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
            "trigger_id": trigger_id(),
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
    channel: dict,
    container: dict,
    message: dict | None,
    action: dict,
    state: dict,
    response_url: str,
) -> dict:
    """The ``block_actions`` payload (``message`` is omitted for ephemeral messages)."""
    payload = {
        "type": "block_actions",
        "user": {
            "id": user["id"],
            "username": user["name"],
            "name": user["name"],
            "team_id": team_id,
        },
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id(),
        "team": {"id": team_id, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": channel,
        "state": state,
        "response_url": response_url,
        "actions": [action],
    }
    if message is not None:
        payload["message"] = message
    return payload


def form_payload(payload: dict) -> str:
    """``payload=<url-encoded JSON>``: how Slack posts interactivity payloads."""
    return "payload=" + quote(json.dumps(payload))
