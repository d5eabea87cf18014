"""Files to and from Slack.

* ``download`` fetches ``url_private_download`` with the bot token from Slack's own URLs only
  (``allowed``: https on the default port, or exactly a configured ``http(s)://host:port``
  origin, checked again on every redirect, no other scheme and no proxy), within one deadline
  (a stalled or trickling download is stopped), compares what arrived with the declared length
  and Slack's ``size`` (a cut-off file is never used), retries a dropped connection or a 5xx
  twice, stops past the size limit, and rejects the HTML sign-in page Slack serves instead.
* ``upload_files`` sends any number of files in ONE ``files_upload_v2`` call.
* ``send_to_user`` uploads one file into the bot's DM with a user.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from slack_sdk import WebClient

from bot.errors import UserError
from bot.errors import quote as quoted
from bot.slack.posting import in_channel
from segmentation.formatting import size_label

CHUNK = 1024 * 1024
RETRY_DELAYS = (1.0, 4.0)  # a dropped connection or a 5xx from Slack's file servers is retried
MAX_REDIRECTS = 5
DEFAULT_PORTS = {"https": 443, "http": 80}
_URL_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Limits:
    """How long a download may take: ``idle`` seconds without a byte is a stall; after
    ``grace`` seconds it must have averaged ``min_rate`` bytes/s; ``total`` caps it all."""

    idle: float = 10.0
    grace: float = 10.0
    min_rate: float = 64 * 1024
    total: float = 900.0


LIMITS = Limits()


class _Clock:
    """One download's deadline, shared by its retries and redirects."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.start = limits, time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def timeout(self, received: int = 0) -> float:
        """Seconds the next read may wait; 0 when the download is already out of time."""
        lim, now = self.limits, self.elapsed()
        rate_ends = lim.grace + received / lim.min_rate
        return max(0.0, min(lim.idle, lim.total - now, rate_ends - now))


class _Transient(Exception):
    """A dropped connection, a cut-off body or a 5xx: worth another try."""

    def __init__(self, error: UserError) -> None:
        self.error = error


def allowed(url: str, hosts: tuple[str, ...]) -> tuple[str, str, int]:
    """(scheme, host, port) of ``url`` if it is one of Slack's own URLs, else UserError.

    A ``hosts`` entry is a host name (https on port 443 only) or an exact origin such as
    ``http://127.0.0.1:8080`` (the local Slack and tests).
    """
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        port = -1
    origin = (scheme, host, port)
    clean = url.isprintable() and " " not in parts.netloc and not parts.username
    if clean and any(origin == _origin(entry) for entry in hosts):
        return origin
    shown = f"a {scheme}: link" if scheme not in DEFAULT_PORTS else (host or "no host")
    if scheme in DEFAULT_PORTS and host and port != DEFAULT_PORTS[scheme]:
        shown = f"{host} port {port}"
    raise UserError(
        f"I only download files from Slack ({', '.join(hosts)}), and this one is on "
        f"{shown}. Upload the export to Slack directly."
    )


def _origin(entry: str) -> tuple[str, str, int]:
    if "://" not in entry:
        return ("https", entry.lower(), 443)
    parts = urlsplit(entry)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme, 0))


def download(
    url: str,
    *,
    token: str,
    hosts: tuple[str, ...],
    max_bytes: int,
    name: str,
    size: int | None = None,
    limits: Limits = LIMITS,
) -> bytes:
    """The file's bytes; UserError for a URL not Slack's, a file too large, cut off, stalled or
    too slow, or a sign-in page. ``size`` is Slack's own ``size`` of the file, when known."""
    allowed(url, hosts)
    clock = _Clock(limits)
    for delay in (*RETRY_DELAYS, None):
        try:
            data, kind = _fetch(url, token, hosts, max_bytes, name, size, clock)
            break
        except _Transient as e:
            if delay is None or clock.timeout() <= delay:
                raise e.error from None
            time.sleep(delay)
    if kind.startswith("text/html") or data[:200].lstrip().lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        raise UserError(
            f"Slack sent me a sign-in page instead of `{quoted(name)}`: the app is missing the "
            "`files:read` scope. Add it under OAuth & Permissions, reinstall the app and share the file again."
        )
    return data


def _open(url: str, token: str, hosts: tuple[str, ...], name: str, clock: _Clock):  # noqa: ANN202
    """GET ``url`` with the token, following redirects to allowed URLs only: the response."""
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port = allowed(url, hosts)
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = kind(host, port, timeout=clock.timeout() or 0.01)
        parts = urlsplit(url)
        target = quote(parts.path or "/", safe=_URL_SAFE)
        target += f"?{quote(parts.query, safe=_URL_SAFE + '?')}" if parts.query else ""
        try:
            conn.request("GET", target, headers={"Authorization": f"Bearer {token}"})
            sock = conn.sock  # the response keeps it even when the connection lets go of it
            resp = conn.getresponse()
        except BaseException:
            conn.close()
            raise
        if resp.status in (301, 302, 303, 307, 308) and resp.getheader("Location"):
            url = urljoin(url, resp.getheader("Location", ""))
            _close(conn, resp)
            continue
        if resp.status >= 400:
            _close(conn, resp)
            error = UserError(
                f"Slack would not give me `{quoted(name)}` (HTTP {resp.status}). Try sharing it again."
            )
            raise _Transient(error) if resp.status >= 500 else error
        return conn, sock, resp
    raise UserError(
        f"Slack redirected the download of `{quoted(name)}` too many times. Try again later."
    )


def _close(conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> None:
    """Close the socket now: a response the server will close after (HTTP/1.0) holds it
    apart from the connection, and an error's traceback would keep it open until collected."""
    resp.close()
    conn.close()


def _fetch(
    url: str,
    token: str,
    hosts: tuple[str, ...],
    max_bytes: int,
    name: str,
    size: int | None,
    clock: _Clock,
) -> tuple[bytes, str]:
    """One authenticated GET: the whole body (at most ``max_bytes``) and its Content-Type."""
    try:
        conn, sock, resp = _open(url, token, hosts, name, clock)
    except TimeoutError:
        raise _stalled(name, 0, clock) from None
    except (OSError, http.client.HTTPException) as e:
        raise _Transient(_unreachable(name, e)) from None
    try:
        declared = int(resp.getheader("Content-Length") or 0) or None
        if (declared or 0) > max_bytes:
            raise too_large(name, declared or 0, max_bytes)
        data, complete = _read(sock, resp, max_bytes, name, clock)
    finally:
        _close(conn, resp)
    expected = max(declared or 0, size or 0)
    if not complete or len(data) < expected:
        raise _Transient(_cut_off(name, len(data), expected))
    return data, resp.getheader("Content-Type", "")


def _read(
    sock: socket.socket,
    resp: http.client.HTTPResponse,
    max_bytes: int,
    name: str,
    clock: _Clock,
) -> tuple[bytes, bool]:
    """The body as it arrives within the clock's deadline; False when the connection dropped."""
    chunks, total = [], 0
    while True:
        wait = clock.timeout(total)
        if wait <= 0:
            raise _stalled(name, total, clock)
        sock.settimeout(wait)
        try:
            chunk = resp.read1(CHUNK)
        except TimeoutError:
            raise _stalled(name, total, clock) from None
        except (OSError, http.client.HTTPException):
            return b"".join(chunks), False
        if not chunk:
            return b"".join(chunks), True
        total += len(chunk)
        if total > max_bytes:
            raise too_large(name, total, max_bytes)
        chunks.append(chunk)


def _stalled(name: str, received: int, clock: _Clock) -> UserError:
    seconds = clock.elapsed()
    got = f"only {size_label(received)} arrived" if received else "nothing arrived"
    return UserError(
        f"Slack was too slow sending `{quoted(name)}`: {got} in {seconds:.0f} seconds, so I stopped "
        "rather than hold up other files. Share it again in a few minutes."
    )


def _cut_off(name: str, received: int, expected: int) -> UserError:
    of = f" of {size_label(expected)}" if expected else ""
    return UserError(
        f"The download of `{quoted(name)}` was cut off: I received {size_label(received)}{of}, and I "
        "don't segment part of a file. Share it again."
    )


def _unreachable(name: str, error: Exception) -> UserError:
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return UserError(
        f"I couldn't reach Slack to download `{quoted(name)}` ({reason}). Try again in a minute."
    )


def too_large(name: str, size: int, max_bytes: int) -> UserError:
    return UserError(
        f"`{quoted(name)}` is {size_label(size)}, over my limit of {size_label(max_bytes)}. "
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
