"""Which connected source a channel reads (its stored binding, resolved against the catalog),
and reading it.

Used wherever a channel's data is fetched (``/segment run``, the scheduled digest), so a
channel bound to a source the sources file no longer gives it is told so in one sentence, and
a source that cannot be read is a ``UserError`` naming what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlite_utils

import storage
from segmentation.engine import Prepared
from segmentation.pipeline import Provenance, segment_prepared
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams
from sources import Catalog, Source, SourceError, prepare_source, source_products
from storage import Dataset, Scope
from workflows.errors import UserError


def source_gone_text(name: str) -> str:
    """The channel is bound to a source the sources file no longer gives it. ``name`` was a
    valid source name when stored (letters, digits, - and _), so it needs no escaping."""
    return (
        f"This channel reads source `{name}`, which the bot's sources file no longer gives "
        "it: ask the bot's operator to add it back, or use `/segment source off` to segment the "
        "exports shared here."
    )


def bound_source(db: sqlite_utils.Database, catalog: Catalog, scope: Scope) -> Source | None:
    """The source the channel reads, or None when it segments its uploads.

    Raises UserError when it is bound to a source the catalog no longer has, or no longer
    gives this channel (the operator edited the sources file since).
    """
    binding = storage.channel_source(db, scope)
    if binding is None:
        return None
    source = catalog.get(binding.source)
    if source is None or not source.allowed_in(scope.channel_id):
        raise UserError(source_gone_text(binding.source))
    return source


def read_source(source: Source, *, as_of: dt.date | None) -> Prepared:
    """The source's audit and per-customer features (the query runs where the data lives),
    within the source's time limit. A source that fails raises UserError with its one
    sentence naming what to fix (``SourceError`` never holds a secret)."""
    try:
        return prepare_source(source, as_of=as_of, timeout_s=source.timeout_s)
    except SourceError as e:
        raise UserError(str(e)) from None


def source_row(
    db: sqlite_utils.Database, scope: Scope, source: Source, user_id: str | None
) -> Dataset:
    """The channel's dataset row for ``source``: what its runs are recorded against."""
    return storage.source_dataset(
        db, scope, source=source.name, kind=source.kind, user_id=user_id,
        mapping=dict(source.columns),
    )  # fmt: skip


def segment_source(
    source: Source,
    params: RunParams,
    *,
    currency: str | None,
    on_step: Callable[[str], None] = lambda _step: None,
) -> SegmentationResult:
    """Read ``source`` (``read_source``) and segment it with ``params`` (its as-of: the day
    recency is measured to, None: the day after the newest purchase)."""
    return segment_prepared(
        read_source(source, as_of=params.as_of),
        k=params.k,
        random_state=params.random_state,
        on_step=on_step,
        provenance=Provenance(mapping=dict(source.columns), currency=currency),
        basket=lambda labels, as_of: source_products(source, labels, as_of=as_of),
    )
