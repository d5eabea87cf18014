"""Appended exports: keep an upload into a channel that has data until it is answered
(``question_for``), then build what was chosen (``chosen_upload``) and store it (``store``).

*Add* stores a new dataset: the stored lines, then the upload's lines that no stored line
equals in every column (``workflows.appending.new_lines``). *Replace* stores the upload
alone, as a first upload is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import pyarrow as pa

import storage
from segmentation.load import Export, ExportRecord
from segmentation.pipeline import Provenance
from segmentation.summary import RunSummary
from storage import Dataset
from storage.appends import (
    PendingUpload,
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
class AlreadyStored:
    """An export whose bytes the channel stored before: nothing changes. ``stored_as`` is the
    dataset holding them (``added`` to it, or stored as it), ``current`` the channel's data now
    and ``stored_at`` when that dataset was stored."""

    file_name: str
    stored_as: str
    added: bool
    stored_at: str
    current: str


@dataclass(frozen=True)
class Chosen:
    """The lines to segment and store, the ``export`` they are stored as, how to describe them
    (``provenance``: the channel's currency setting applied) and Slack's ``file_id``."""

    transactions: pa.Table
    export: ExportRecord
    provenance: Provenance
    file_id: str | None
    line: int | None = None  # the line of history it continues (*Add*); None: a new one
    forget_currency: bool = False  # the channel's currency setting goes when it is stored


def already_stored(w: Where, export: Export) -> AlreadyStored | None:
    """Whether the channel holds these bytes already (shared before, alone or added): then the
    upload changes nothing, whatever the channel's data are now."""
    with storage.connect(w.db_path) as db:
        holding = storage.holding_bytes(db, w.scope, export.sha256)
        current = storage.latest_upload(db, w.scope)
    if holding is None:
        return None
    now = holding.file_name if current is None else current.file_name
    added = holding.sha256 != export.sha256
    return AlreadyStored(export.file_name, holding.file_name, added, holding.created_at, now)


def question_for(w: Where, export: Export, *, file_id: str | None) -> AppendQuestion | None:
    """Keep ``export`` (Slack's ``file_id``) as a pending upload and return the question to
    ask; None when the upload goes on as the channel's first dataset. (Bytes the channel
    holds already never get here: ``already_stored`` answers them.)"""
    name = export.file_name
    with storage.connect(w.db_path) as db:
        base = storage.latest_upload(db, w.scope)
        if base is None:
            return None
        try:
            stored = storage.transactions_table(db, base.id, w.scope, data_dir=w.data_dir)
        except FileNotFoundError:  # nothing left to add to: store the upload as today
            return None
    if stored is None:
        return None
    overlap = compare(
        dict(export.mapping), base.mapping, line_span(export.table), line_span(stored)
    )
    with storage.connect(w.db_path) as db:
        append_id = open_pending_upload(
            db, w.scope, export.record, transactions=export.table, data_dir=w.data_dir,
            user_id=w.user_id, base_dataset_id=base.id, slack_file_id=file_id,
            suggested=overlap.suggested,
        )  # fmt: skip
    lines = export.table.num_rows
    return AppendQuestion(append_id, name, lines, base.file_name, stored.num_rows, overlap)


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
            stored = storage.transactions_table(db, base.id, w.scope, data_dir=w.data_dir)
    if pending is None or lines is None:
        raise UserError(GONE)
    if choice == "replace":
        read = Provenance.of(pending.export, currency=currency)
        return Chosen(lines, pending.export, read, pending.slack_file_id)
    if base is None or stored is None:
        raise UserError(BASE_GONE)
    return _added(currency, pending, lines, base, stored)


def _added(
    currency: str | None,
    pending: PendingUpload,
    lines: pa.Table,
    base: Dataset,
    stored: pa.Table,
) -> Chosen:
    """The stored lines, then the upload's lines no stored line equals; the note says how many."""
    new = new_lines(stored, lines)
    added = int(new.sum())
    upload = pending.export
    skipped = upload.rows_read - pending.lines  # lines the reader could not split: read, not kept
    both = replace(
        upload,
        file_name=f"{base.file_name} + {upload.file_name}",
        sha256=hashlib.sha256(f"{base.sha256}+{upload.sha256}".encode()).hexdigest(),
        notes=(added_note(added, lines.num_rows - added),),
        currency=upload.currency if upload.currency == base.currency else None,
        rows_read=(base.rows_read or stored.num_rows) + added + skipped,
    )
    provenance = Provenance.of(both, currency=currency)
    return Chosen(
        combine(stored, lines.filter(new)),
        both,
        provenance,
        pending.slack_file_id,
        line=base.line,
    )


def forget_channel_currency(w: Where, chosen: Chosen) -> Chosen:
    """*Replace* starts a new line of history: a currency the channel set was said of the data
    it replaces, so it is forgotten when the replacement is stored (``store``) and the results
    say so (``chosen`` with that note)."""
    with storage.connect(w.db_path) as db:
        setting = storage.channel_currency(db, w.scope)
    if setting is None:
        return chosen
    found = chosen.export.currency
    read = f"the amounts of this file are in {found}" if found else "this file does not say"
    note = (
        f"This channel's currency setting ({setting}) was for the data this file replaced, so "
        f"I read the currency from the file again: {read}. Set it with `/segment currency CODE`."
    )
    notes = (*chosen.provenance.notes, note)
    provenance = replace(chosen.provenance, notes=notes)
    return replace(chosen, provenance=provenance, forget_currency=True)


def store(w: Where, append_id: int, chosen: Chosen, summary: RunSummary) -> int:
    """Store the chosen lines as the channel's new dataset; the pending file goes. Its id."""
    with storage.connect(w.db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db, w.scope, chosen.export, user_id=w.user_id, transactions=chosen.transactions,
            summary=summary, slack_file_id=chosen.file_id, data_dir=w.data_dir,
            line=chosen.line,
        )  # fmt: skip
        if chosen.forget_currency:
            storage.set_channel_currency(db, w.scope, None, user_id=w.user_id)
        remove_pending_file(db, w.scope, append_id, data_dir=w.data_dir, stored_as=dataset_id)
    return dataset_id
