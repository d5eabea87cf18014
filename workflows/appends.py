"""Appended exports: keep an upload into a channel that has data until it is answered
(``question_for``), then build what was chosen (``chosen_upload``) and store it (``store``).

*Add* stores a new dataset: the stored lines, then the upload's lines that no stored line
equals in every column (``workflows.appending.new_lines``). *Replace* stores the upload
alone, as a first upload is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

import storage
from segmentation.load import Export
from segmentation.pipeline import Provenance
from segmentation.summary import RunSummary
from storage import Dataset
from storage.appends import (
    PendingUpload,
    has_dataset_with_hash,
    open_pending_upload,
    pending_transactions,
    pending_upload,
    remove_pending_file,
)
from workflows.appending import Overlap, added_note, combine, compare, line_span, new_lines
from workflows.errors import UserError
from workflows.runs import Where

GONE = "That upload is not waiting any more: share the file again to start over."
BASE_GONE = "This channel's stored data is not available any more, so I can't add to it."


@dataclass(frozen=True)
class AppendQuestion:
    """An upload into a channel that has data, loaded and kept (``append_id``), not segmented:
    ask whether it adds to the stored ``stored_name`` or replaces it (``overlap`` suggests)."""

    append_id: int
    file_name: str
    lines: int
    stored_name: str
    stored_lines: int
    overlap: Overlap


@dataclass(frozen=True)
class Chosen:
    """The lines to segment and store, and how to describe them."""

    transactions: pd.DataFrame
    rows_read: int
    provenance: Provenance
    name: str
    sha256: str
    file_id: str | None
    file_format: str | None


def question_for(
    w: Where, export: Export, *, name: str, sha256: str, file_id: str | None
) -> AppendQuestion | None:
    """Keep ``export`` (the file ``name``, Slack's ``file_id``) as a pending upload and return
    the question to ask; None when the upload goes on as before (the channel's first dataset,
    or bytes it stored already)."""
    with storage.connect(w.db_path) as db:
        base = storage.latest_upload(db, w.scope)
        if base is None or has_dataset_with_hash(db, w.scope, sha256):
            return None
        try:
            stored = storage.load_transactions(db, base.id, w.scope, data_dir=w.data_dir)
        except FileNotFoundError:  # nothing left to add to: store the upload as today
            return None
    if stored is None:
        return None
    overlap = compare(
        dict(export.mapping), base.mapping, line_span(export.transactions), line_span(stored)
    )
    with storage.connect(w.db_path) as db:
        append_id = open_pending_upload(
            db,
            w.scope,
            transactions=export.transactions,
            data_dir=w.data_dir,
            user_id=w.user_id,
            base_dataset_id=base.id,
            file_name=name,
            slack_file_id=file_id,
            sha256=sha256,
            file_format=export.file_format,
            mapping=export.mapping,
            currency=export.currency,
            date_order=export.date_order.order,
            notes=export.notes,
            rows_read=export.rows_read,
            suggested=overlap.suggested,
        )
    lines = len(export.transactions)
    return AppendQuestion(append_id, name, lines, base.file_name, len(stored), overlap)


def chosen_upload(w: Where, append_id: int, choice: str, currency: str | None) -> Chosen:
    """The lines the answer stands for: the upload alone (``choice`` "replace"), or the stored
    lines and its new ones ("add"); ``currency`` is the channel's setting, None: the export's."""
    with storage.connect(w.db_path) as db:
        pending = pending_upload(db, w.scope, append_id)
        lines = pending_transactions(db, w.scope, append_id, data_dir=w.data_dir)
        base = (
            None if pending is None else storage.dataset_for(db, pending.base_dataset_id, w.scope)
        )
        stored = None
        if base is not None and choice == "add":
            stored = storage.load_transactions(db, base.id, w.scope, data_dir=w.data_dir)
    if pending is None or lines is None:
        raise UserError(GONE)
    read = Provenance(
        mapping=pending.mapping,
        date_order=pending.date_order,
        notes=pending.notes,
        currency=currency or pending.currency,
    )
    if choice == "replace":
        return Chosen(lines, pending.rows_read, read, pending.file_name, pending.sha256,
                      pending.slack_file_id, pending.file_format)  # fmt: skip
    if base is None or stored is None:
        raise UserError(BASE_GONE)
    return _added(currency, pending, lines, base, stored)


def _added(
    currency: str | None,
    pending: PendingUpload,
    lines: pd.DataFrame,
    base: Dataset,
    stored: pd.DataFrame,
) -> Chosen:
    """The stored lines, then the upload's lines no stored line equals; the note says how many."""
    new = new_lines(stored, lines)
    added = int(new.sum())
    skipped = pending.rows_read - pending.lines  # lines the reader could not split: read, not kept
    same_money = pending.currency == base.currency
    provenance = Provenance(
        mapping=pending.mapping,
        date_order=pending.date_order,
        notes=(added_note(added, len(lines) - added),),
        currency=currency or (pending.currency if same_money else None),
    )
    both = hashlib.sha256(f"{base.sha256}+{pending.sha256}".encode()).hexdigest()
    return Chosen(
        combine(stored, lines[new]),
        (base.rows_read or len(stored)) + added + skipped,
        provenance,
        f"{base.file_name} + {pending.file_name}",
        both,
        pending.slack_file_id,
        pending.file_format,
    )


def store(w: Where, append_id: int, chosen: Chosen, summary: RunSummary) -> int:
    """Store the chosen lines as the channel's new dataset; the pending file goes. Its id."""
    with storage.connect(w.db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db,
            w.scope,
            user_id=w.user_id,
            file_name=chosen.name,
            sha256=chosen.sha256,
            transactions=chosen.transactions,
            summary=summary,
            slack_file_id=chosen.file_id,
            file_format=chosen.file_format,
            data_dir=w.data_dir,
        )
        remove_pending_file(db, w.scope, append_id, data_dir=w.data_dir)
    return dataset_id
