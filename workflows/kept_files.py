"""A shared file's bytes, kept while its question waits (which column is which), so that
answering reads them again instead of downloading the file a second time.

Kept under the data folder's ``uploads/`` (written under a temporary name, then renamed: a
crash never leaves a half-written file under the real name); removed once the answer read
them, or when a newer question in the channel replaces the request (``storage.mappings``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from segmentation.errors import MappingNeeded
from segmentation.load import Export, ReadLimits, load_export
from workflows.runs import Where

FOLDER = "uploads"


def load_shared(
    w: Where,
    data: bytes,
    *,
    name: str,
    mapping: dict[str, str] | None,
    currency: str | None,
    limits: ReadLimits,
    kept: str | None = None,
) -> Export:
    """``load_export`` for a shared file (its bytes ``kept`` already, or not): when its columns
    must be asked for, its bytes are kept (once) and the ``MappingNeeded`` raised says where;
    once read, or refused for another reason, the kept copy goes."""
    try:
        export = load_export(data, name=name, mapping=mapping, currency=currency, limits=limits)
    except MappingNeeded as needed:
        needed.kept = kept or keep(w, data)
        raise
    except BaseException:
        if kept is not None:
            forget(w, kept)
        raise
    if kept is not None:
        forget(w, kept)
    return export


def keep(w: Where, data: bytes) -> str:
    """Write ``data`` under the data folder; its path relative to that folder."""
    relative = Path(FOLDER) / f"{uuid.uuid4().hex}.upload"
    path = Path(w.data_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return relative.as_posix()


def kept_bytes(w: Where, kept: str) -> bytes | None:
    """The kept bytes, or None when they are gone (removed by hand, another machine)."""
    path = Path(w.data_dir) / kept
    if Path(kept).is_absolute() or ".." in Path(kept).parts:  # only ever our own relative paths
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def forget(w: Where, kept: str) -> None:
    """Remove kept bytes an answer has read."""
    if not Path(kept).is_absolute() and ".." not in Path(kept).parts:
        (Path(w.data_dir) / kept).unlink(missing_ok=True)
