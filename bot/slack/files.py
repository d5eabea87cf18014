"""Files to and from Slack.

* ``download`` fetches ``url_private_download`` with the bot token from an allowed host only,
  retries a dropped connection or a 5xx twice, stops past the size limit, and rejects the HTML
  sign-in page Slack serves instead of a file.
* ``upload_files`` sends any number of files in ONE ``files_upload_v2`` call.
* ``send_to_user`` uploads one file into the bot's DM with a user.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from slack_sdk import WebClient

from bot.errors import UserError
from bot.slack.posting import in_channel
from segmentation.formatting import size_label

CHUNK = 1024 * 1024
RETRY_DELAYS = (1.0, 4.0)  # a dropped connection or a 5xx from Slack's file servers is retried


def check_host(url: str, hosts: tuple[str, ...]) -> None:
    """UserError unless ``url`` is https/http on one of ``hosts``."""
    host = (urlsplit(url).hostname or "").lower()
    if host not in hosts:
        raise UserError(
            f"I only download files from Slack ({', '.join(hosts)}), and this one is on "
            f"{host or 'no host'}. Upload the export to Slack directly."
        )


class _SameHostsRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects only within the allowed hosts (the token travels with them)."""

    def __init__(self, hosts: tuple[str, ...]) -> None:
        self.hosts = hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        check_host(newurl, self.hosts)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, *, token: str, hosts: tuple[str, ...], max_bytes: int, name: str) -> bytes:
    """The file's bytes; UserError for a host not allowed, a file too large or a sign-in page."""
    check_host(url, hosts)
    for delay in (*RETRY_DELAYS, None):
        try:
            data, kind = _fetch(url, token=token, hosts=hosts, max_bytes=max_bytes, name=name)
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            transient = not isinstance(e, urllib.error.HTTPError) or e.code >= 500
            if delay is None or not transient:
                raise _unreachable(name, e) from e
            time.sleep(delay)
    if kind.startswith("text/html") or data[:200].lstrip().lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        raise UserError(
            f"Slack sent me a sign-in page instead of `{name}`: the app is missing the "
            "`files:read` scope. Add it under OAuth & Permissions, reinstall the app and share the file again."
        )
    return data


def _fetch(
    url: str, *, token: str, hosts: tuple[str, ...], max_bytes: int, name: str
) -> tuple[bytes, str]:
    """One authenticated GET: the body (at most ``max_bytes``) and its Content-Type."""
    opener = urllib.request.build_opener(_SameHostsRedirect(hosts))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with opener.open(request, timeout=60) as resp:
        kind = resp.headers.get("Content-Type", "")
        declared = int(resp.headers.get("Content-Length") or 0)
        if declared > max_bytes:
            raise too_large(name, declared, max_bytes)
        chunks, total = [], 0
        while chunk := resp.read(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise too_large(name, total, max_bytes)
            chunks.append(chunk)
    return b"".join(chunks), kind


def _unreachable(name: str, error: Exception) -> UserError:
    if isinstance(error, urllib.error.HTTPError):
        return UserError(
            f"Slack would not give me `{name}` (HTTP {error.code}). Try sharing it again."
        )
    reason = getattr(error, "reason", error)
    return UserError(
        f"I couldn't reach Slack to download `{name}` ({reason}). Try again in a minute."
    )


def too_large(name: str, size: int, max_bytes: int) -> UserError:
    return UserError(
        f"`{name}` is {size_label(size)}, over my limit of {size_label(max_bytes)}. "
        "Share a shorter export (fewer months), or compress it as .gz or .zip."
    )


def upload_files(
    client: WebClient,
    *,
    channel: str,
    files: dict[str, bytes],
    thread_ts: str | None = None,
    comment: str | None = None,
) -> None:
    """Upload every file in ``files`` (name → bytes) in one ``files_upload_v2`` call."""
    uploads = [
        {
            "content": data,
            "filename": name,
            "title": name.rsplit(".", 1)[0].replace("-", " ").capitalize(),
        }
        for name, data in files.items()
    ]
    in_channel(
        client,
        channel,
        lambda: client.files_upload_v2(
            file_uploads=uploads, channel=channel, thread_ts=thread_ts, initial_comment=comment
        ),
    )


def send_to_user(client: WebClient, *, user_id: str, name: str, data: bytes, comment: str) -> None:
    """Upload one file into the bot's DM with ``user_id``."""
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        content=data, filename=name, title=name, channel=dm, initial_comment=comment
    )
