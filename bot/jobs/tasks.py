"""What a worker process is asked to do, and what it hands back (small, picklable, frozen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from segmentation.summary import RunParams
from sources import Source
from workflows.appends import AlreadyStored, AppendQuestion
from workflows.runs import Outcome, Where

__all__ = [
    "AlreadyStored", "AppendQuestion", "AppendTask", "CallTask", "Outcome", "RunTask", "SourceTask", "Task",
    "UploadTask", "Where",
]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class UploadTask:
    """Download, load, store and segment a file shared in Slack."""

    job_id: str
    where: Where
    file_id: str
    name: str
    url: str
    token: str = field(repr=False)
    hosts: tuple[str, ...]
    max_bytes: int
    currency: str | None = None  # the channel's setting; None: read it from the export
    mapping: dict[str, str] | None = None  # field -> column chosen in Slack; None: guess
    kept: str | None = None  # the file's bytes kept by its mapping question (read, not fetched)


@dataclass(frozen=True, kw_only=True)
class RunTask:
    """Segment a stored dataset again (``/segment run``, the Re-run select)."""

    job_id: str
    where: Where
    dataset_id: int
    params: RunParams
    trigger: str = "command"
    currency: str | None = None  # the channel's setting; None: the one found in the export


@dataclass(frozen=True, kw_only=True)
class SourceTask:
    """Query a connected source and segment it (a channel reading a source: ``/segment run``,
    the Re-run select). ``dataset_id`` is the channel's dataset row for the source; ``source``
    carries its password to the worker (never shown: ``Source`` hides it)."""

    job_id: str
    where: Where
    dataset_id: int
    source: Source
    params: RunParams  # as_of set: recency is measured to the day of the run
    trigger: str = "command"
    currency: str | None = None  # the channel's setting; None: not known


@dataclass(frozen=True, kw_only=True)
class CallTask:
    """Run a picklable call (a module-level function with its arguments bound) in a worker."""

    job_id: str
    call: Callable[[], Any]


@dataclass(frozen=True, kw_only=True)
class AppendTask:
    """Answer to the add/replace question: store and segment a pending upload (``choice``
    "add": the channel's lines and its new ones; "replace": the upload alone)."""

    job_id: str
    where: Where
    append_id: int
    choice: str
    currency: str | None = None  # the channel's setting; None: the one found in the export


Task = UploadTask | RunTask | CallTask | AppendTask | SourceTask
