"""Fetch a files source's URL to a temporary folder, from its allowed hosts only.

Every redirect is checked against ``allowed_hosts`` before it is followed (and must stay on
https, or plain http on this machine); no proxy from the environment is used; the whole
transfer is bounded by the source's timeout: each read waits at most the time left, so a
server trickling bytes cannot keep the reading thread past it. DuckDB then reads the local
copy; the caller removes the folder (and any partial file in it) when the download fails.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from sources.catalog import Source
from sources.errors import SourceError, scrub

CHUNK = 1 << 20
MAX_BYTES = 20 << 30  # a day's export can be big; a URL that never ends is not an export
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def download(source: Source, folder: Path, *, timeout_s: float) -> Path:
    """The source's URL saved under ``folder`` (its file name kept for the format)."""
    deadline = time.monotonic() + timeout_s
    name = PurePosixPath(urlsplit(source.url).path).name or "download"
    target = folder / name
    sockets: list[socket.socket] = []
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _Redirects(source), *_handlers(sockets)
    )
    try:
        with (
            opener.open(source.url, timeout=min(timeout_s, 30)) as response,
            target.open("wb") as out,
        ):
            written = 0
            while chunk := _read(response, sockets, deadline):
                written += len(chunk)
                out.write(chunk)
                if written > MAX_BYTES:
                    raise SourceError(
                        f"The file of source '{source.name}' is over {MAX_BYTES >> 30} GB: "
                        "point the source at a smaller export or a folder of Parquet files."
                    )
    except urllib.error.HTTPError as e:
        raise SourceError(
            f"The file of source '{source.name}' could not be fetched (HTTP {e.code}): "
            "check its url in the sources file."
        ) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, SourceError):
            raise e.reason from None
        if isinstance(e.reason, TimeoutError):
            raise TimeoutError from None
        raise SourceError(
            f"I couldn't reach the host of source '{source.name}': ask the bot's operator to "
            "check its url (`segbot sources FILE --check` shows why).",
            operator=f"I couldn't reach the host of source '{source.name}' "
            f"({scrub(str(e.reason), source.secrets)}): check its url in the sources file.",
        ) from None
    return target


def _read(response, sockets: list[socket.socket], deadline: float) -> bytes:
    """What has arrived (at most CHUNK bytes), waiting no longer than the time left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    for sock in sockets:
        sock.settimeout(left)
    return response.read1(CHUNK)


def _handlers(sockets: list[socket.socket]) -> list[urllib.request.BaseHandler]:
    """http and https handlers whose connections note their sockets in ``sockets``."""

    def noting(kind: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Noting(kind):
            def connect(self) -> None:
                super().connect()
                sockets.append(self.sock)

        return Noting

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(noting(http.client.HTTPConnection), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(noting(http.client.HTTPSConnection), req, context=self.context)

        context = ssl.create_default_context()

    return [Http(), Https()]


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed host, over https (or http on this machine)."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parts = urlsplit(newurl)
        host = (parts.hostname or "").lower()
        secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
        if host not in self.source.allowed_hosts or not secure:
            raise SourceError(
                f"The url of source '{self.source.name}' redirects to a host that is not in its "
                "allowed_hosts: ask the bot's operator to check it (`segbot sources FILE "
                "--check` shows why).",
                operator=f"The url of source '{self.source.name}' redirects to "
                f"{host or 'another place'}, which is not in its allowed_hosts: add it there if "
                "it is trusted.",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)
