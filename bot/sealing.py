"""Signed ``private_metadata``: what a modal's submission carries back is what the bot put
in the modal it opened, for the user it opened it for.

``seal`` writes the values as ``v1.<base64 JSON>.<HMAC-SHA256>`` with a key derived from the
signing secret (``Settings.metadata_key``); ``unseal`` gives them back, or raises ``Unsealed``
for metadata the bot never signed, changed on the way, or sealed for another user.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

VERSION = "v1"


class Unsealed(ValueError):
    """The metadata is not what the bot sealed for this user."""


def seal(key: bytes, values: dict, *, user_id: str) -> str:
    """``values`` (JSON-able) signed for ``user_id``."""
    body = json.dumps({**values, "user": user_id}, separators=(",", ":"), sort_keys=True)
    packed = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{VERSION}.{packed}.{_sign(key, packed)}"


def unseal(key: bytes, metadata: str | None, *, user_id: str) -> dict:
    """The values ``seal`` signed for ``user_id`` (without the user); Unsealed otherwise."""
    version, _, rest = (metadata or "").partition(".")
    packed, _, signature = rest.partition(".")
    if version != VERSION or not hmac.compare_digest(_sign(key, packed), signature):
        raise Unsealed("not signed by this bot")
    try:
        values = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    except (ValueError, binascii.Error):
        raise Unsealed("not readable") from None
    if not isinstance(values, dict) or values.pop("user", None) != user_id:
        raise Unsealed("sealed for another user")
    return values


def _sign(key: bytes, packed: str) -> str:
    return hmac.new(key, f"{VERSION}.{packed}".encode(), hashlib.sha256).hexdigest()
