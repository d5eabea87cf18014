"""How big a file may become once read: bounds checked before anything large is allocated.

A compressed upload (``.gz``, ``.zip``, an xlsx's XML, a Parquet file's pages) can expand far
past the upload limit, which counts the bytes sent. ``ReadLimits.for_upload`` derives the
bounds from that limit and from the memory the process may use (its RLIMIT_AS, which the bot
sets for each worker):

- inflated size: at most 8× the upload limit (compression may fit a larger export through
  the upload limit), and at most a quarter of the memory cap, as a loaded table takes ~3× its
  text; 1 GB for the bot's defaults (1 GB uploads, 4 GB workers);
- rows: one per 64 bytes of that (the real export has 83 bytes a line): 16.7 M for 1 GB;
- spreadsheet cells (the declared grid, and shared strings): as many as rows;
- containers: an export may be wrapped twice (a .csv.gz in a .zip), no deeper.
"""

from __future__ import annotations

import resource
import zipfile
import zlib
from dataclasses import dataclass

from segmentation.errors import ExportError
from segmentation.formatting import size_label

DEFAULT_UPLOAD_BYTES = 1024 * 1024 * 1024  # the bot's SEGBOT_MAX_UPLOAD_MB default
EXPANSION = 8
BYTES_PER_ROW = 64
MAX_DEPTH = 2
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what reading one upload may produce (see the module docstring)."""

    inflated_bytes: int
    rows: int
    cells: int
    depth: int = MAX_DEPTH

    @classmethod
    def for_upload(
        cls, max_upload_bytes: int = DEFAULT_UPLOAD_BYTES, memory_bytes: int | None = None
    ) -> ReadLimits:
        """Limits for uploads of at most ``max_upload_bytes`` in a process that may use
        ``memory_bytes`` (default: this process's RLIMIT_AS, if it has one)."""
        inflated = EXPANSION * max_upload_bytes
        memory = memory_bytes or memory_cap()
        if memory:
            inflated = min(inflated, memory // 4)
        rows = max(inflated // BYTES_PER_ROW, 1)
        return cls(inflated_bytes=inflated, rows=rows, cells=rows)

    def expands(self, name: str) -> ExportError:
        return ExportError(
            f"`{name}` expands to more than {size_label(self.inflated_bytes)} when unpacked, "
            "which is over my limit. Upload a smaller export (fewer months, or only the "
            "columns I need)."
        )

    def check_rows(self, name: str, rows: int, what: str = "rows") -> None:
        limit = self.cells if what == "cells" else self.rows
        if rows > limit:
            raise ExportError(
                f"`{name}` has {rows:,} {what}, more than the {limit:,} I can segment. "
                "Upload a smaller export (fewer months, or only the columns I need)."
            )

    def check_depth(self, name: str, depth: int) -> None:
        if depth > self.depth:
            raise ExportError(
                f"`{name}` is compressed inside compressed files more than {self.depth} deep. "
                "Unpack it and upload the export itself (or zipped once)."
            )


def memory_cap() -> int | None:
    """This process's address-space limit (RLIMIT_AS), None when it has none."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def inflate_gzip(data: bytes, name: str, limits: ReadLimits) -> bytearray:
    """Every member of a gzip file, stopping as soon as the output passes the limit.

    Output comes at most ``CHUNK`` bytes at a time, so a bomb never holds more than the
    limit plus one chunk. Raises ExportError past the limit, EOFError/zlib.error if damaged.
    """
    out, view, pos = bytearray(), memoryview(data), 0
    while pos < len(view) and any(view[pos : pos + 4096]):  # zero padding ends the file
        inflater = zlib.decompressobj(wbits=31)
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif pos < len(view):
                chunk, pos = view[pos : pos + CHUNK], pos + CHUNK
            else:
                raise EOFError("the file ends inside a gzip member")
            out += inflater.decompress(chunk, min(CHUNK, limits.inflated_bytes - len(out) + 1))
            if len(out) > limits.inflated_bytes:
                raise limits.expands(name)
        pos = min(pos, len(view)) - len(inflater.unused_data)
    return out


def read_member(archive: zipfile.ZipFile, member: str, name: str, limits: ReadLimits) -> bytes:
    """One member of a zip, refused before reading when it declares more than the limit.

    zipfile never returns more than a member declares (it stops there and checks the CRC),
    so the declared size bounds what is read even when it lies.
    """
    if archive.getinfo(member).file_size > limits.inflated_bytes:
        raise limits.expands(name)
    return archive.read(member)
