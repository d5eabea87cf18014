"""A channel's runs, one function per way its data arrive; each ends in ``segment_and_record``.

- ``segment_upload``: a loaded export — the channel's first data (segmented, then stored), or
  kept as the add/replace question when the channel has data already; ``store_segmented``
  stores an export already segmented (``segbot segment --db`` too);
- ``segment_chosen``: the answer to that question, built, stored and segmented;
- ``segment_stored``: a stored dataset again (``/segment run``, the Re-run select);
- ``segment_bound_source``: the connected source a channel reads, queried where it lives.

``on_step`` hears the stages ("cleaning", "clustering", "charts") for whoever shows progress.
"""

from __future__ import annotations

import time

import pyarrow as pa

import storage
from segmentation.load import Export
from segmentation.pipeline import Provenance, segment_export, segment_transactions
from segmentation.result import SegmentationResult
from segmentation.summary import RunParams
from sources import Source
from storage import Dataset
from workflows import appends
from workflows.appends import AlreadyStored, AppendQuestion
from workflows.bindings import segment_source
from workflows.errors import UserError
from workflows.runs import Outcome, Step, Where, quietly, segment_and_record

STORED_GONE = "That dataset is not available in this channel any more."


def segment_upload(
    w: Where,
    export: Export,
    *,
    file_id: str | None = None,
    job_id: str | None = None,
    on_step: Step = quietly,
    timings: dict[str, float] | None = None,
) -> Outcome | AppendQuestion | AlreadyStored:
    """Segment a loaded export and store it as the channel's dataset, or — in a channel that
    has data — keep it and return the question whether it adds to that data or replaces it.
    Bytes the channel stored before change nothing (``AlreadyStored``).

    The dataset is stored only once the export segmented: a file that cannot be used leaves
    the channel as it was. Whether the channel has data is asked again once it segmented, so
    of two exports shared at once into an empty channel the second to finish is asked about.
    """
    known = appends.already_stored(w, export)
    if known is not None:
        return known
    question = appends.question_for(w, export, file_id=file_id)
    if question is not None:
        return question
    params = RunParams()
    timings = dict(timings or {})
    started = time.perf_counter()
    result = segment_export(
        export, k=params.k, as_of=params.as_of, random_state=params.random_state, on_step=on_step
    )
    timings["segment"] = time.perf_counter() - started
    # Another export may have become the channel's first while this one was segmented (two
    # shared at once): then this one is asked about too, rather than stored as a second first.
    question = appends.question_for(w, export, file_id=file_id)
    if question is not None:
        return question
    return store_segmented(
        w, export, result, params=params, trigger="upload", file_id=file_id, job_id=job_id,
        on_step=on_step, timings=timings,
    )  # fmt: skip


def store_segmented(
    w: Where,
    export: Export,
    result: SegmentationResult,
    *,
    params: RunParams,
    trigger: str,
    file_id: str | None = None,
    job_id: str | None = None,
    on_step: Step = quietly,
    timings: dict[str, float] | None = None,
    draw: bool = True,
) -> Outcome:
    """Store an export already segmented as ``result`` (the same bytes stored twice are one
    dataset) and record its run; charts drawn when ``draw``."""
    with storage.connect(w.db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db, w.scope, export.record, user_id=w.user_id, transactions=export.table,
            summary=result.summary, slack_file_id=file_id, data_dir=w.data_dir,
        )  # fmt: skip
    return segment_and_record(
        w, dataset_id=dataset_id, trigger=trigger, params=params, segment=lambda: result,
        draw=draw, job_id=job_id, on_step=on_step, timings=timings,
    ).outcome  # fmt: skip


def segment_chosen(
    w: Where,
    append_id: int,
    choice: str,
    *,
    currency: str | None = None,
    job_id: str | None = None,
    on_step: Step = quietly,
) -> Outcome:
    """Build what *Add* or *Replace* stands for, segment it, then store it as the channel's
    dataset (the pending upload goes) and record the run."""
    params = RunParams()
    started = time.perf_counter()
    if choice == "replace":  # another line of history: the setting was for the data it replaces
        currency = None
    chosen = appends.chosen_upload(w, append_id, choice, currency)
    if choice == "replace":
        chosen = appends.forget_channel_currency(w, chosen)
    timings = {"read": time.perf_counter() - started}
    started = time.perf_counter()
    result = segment_transactions(
        chosen.transactions, rows_read=chosen.export.rows_read, k=params.k, as_of=params.as_of,
        random_state=params.random_state, on_step=on_step, provenance=chosen.provenance,
    )  # fmt: skip
    timings["segment"] = time.perf_counter() - started
    dataset_id = appends.store(w, append_id, chosen, result.summary)
    return segment_and_record(
        w, dataset_id=dataset_id, trigger="upload", params=params, segment=lambda: result,
        job_id=job_id, on_step=on_step, timings=timings,
    ).outcome  # fmt: skip


def segment_stored(
    w: Where,
    dataset_id: int,
    params: RunParams,
    *,
    trigger: str,
    currency: str | None = None,
    job_id: str | None = None,
    on_step: Step = quietly,
) -> Outcome:
    """Segment a stored dataset of the channel again with ``params``; ``currency`` is the
    channel's setting (None: the export's own)."""
    started = time.perf_counter()
    with storage.connect(w.db_path) as db:
        dataset = storage.dataset_for(db, dataset_id, w.scope)
        transactions = storage.transactions_table(db, dataset_id, w.scope, data_dir=w.data_dir)
    if dataset is None or transactions is None:
        raise UserError(STORED_GONE)
    timings = {"read": time.perf_counter() - started}

    def segment() -> SegmentationResult:
        return segment_dataset(dataset, transactions, params, currency=currency, on_step=on_step)

    return segment_and_record(
        w, dataset_id=dataset_id, trigger=trigger, params=params, segment=segment,
        job_id=job_id, on_step=on_step, timings=timings,
    ).outcome  # fmt: skip


def segment_dataset(
    dataset: Dataset,
    transactions: pa.Table,
    params: RunParams,
    *,
    currency: str | None,
    on_step: Step = quietly,
) -> SegmentationResult:
    """Segment a stored dataset's ``transactions`` with ``params``, said as its export was read
    (``currency``: the channel's setting, None: the export's own)."""
    return segment_transactions(
        transactions, rows_read=dataset.rows_read, k=params.k, as_of=params.as_of,
        random_state=params.random_state, on_step=on_step,
        provenance=provenance_of(dataset, currency),
    )  # fmt: skip


def provenance_of(dataset: Dataset, currency: str | None) -> Provenance:
    """How a stored dataset's export was read, for its run's words; ``currency`` (the
    channel's setting) first. Datasets stored before their record was kept: mapping and
    currency only."""
    if dataset.export is not None:
        return Provenance.of(dataset.export, currency=currency)
    return Provenance(mapping=dataset.mapping, currency=currency or dataset.currency)


def segment_bound_source(
    w: Where,
    dataset_id: int,
    source: Source,
    params: RunParams,
    *,
    trigger: str,
    currency: str | None = None,
    job_id: str | None = None,
    on_step: Step = quietly,
) -> Outcome:
    """Query ``source`` (the aggregate runs where the data lives) and segment what comes back.

    The run is recorded before the query, so a source that fails (unreachable, wrong password,
    missing table or columns, no rows, too slow) is a failed run whose error is the sentence
    naming what to fix; the channel's previous results stay as they were.
    """

    def segment() -> SegmentationResult:
        return segment_source(source, params, currency=currency, on_step=on_step)

    outcome = segment_and_record(
        w, dataset_id=dataset_id, trigger=trigger, params=params, segment=segment,
        job_id=job_id, on_step=on_step,
    ).outcome  # fmt: skip
    with storage.connect(w.db_path) as db:
        storage.update_source_dataset(db, dataset_id, w.scope, outcome.summary)
    return outcome
