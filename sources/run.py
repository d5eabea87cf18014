"""Segment-ready data from a source: the engine's aggregate runs where the data lives.

``prepare_source`` connects, maps the source's columns to the engine's and runs
``segmentation.engine.prepare_table`` on the source's own backend, so only the audit and one
row per customer come back. The whole of it (connecting included) runs in a worker thread
with a deadline; past it the running query is interrupted (Postgres also stops it on its own
with ``statement_timeout``) until its thread has closed the connection and ended; then the
caller gets the timeout sentence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import ibis
import ibis.expr.types as ir
import pandas as pd

from segmentation.engine import Prepared, contacts_table, prepare_table
from segmentation.engine.outcomes import table_outcomes
from segmentation.products import Products, products_of_table
from sources.catalog import Source
from sources.columns import normalise_table
from sources.connect import Session, open_session, raw_table, session
from sources.errors import SourceError
from sources.explain import explain, timed_out

T = TypeVar("T")
GRACE_S = 5.0  # how long an interrupted query may take to stop before we stop waiting
INTERRUPT_EVERY_S = 0.02
log = logging.getLogger(__name__)


def prepare_source(source: Source, *, as_of: dt.date | None, timeout_s: float) -> Prepared:
    """Audit and per-customer features of ``source``'s transactions, as of ``as_of`` (None:
    the day after the newest purchase), within ``timeout_s`` seconds.

    Raises SourceError with one sentence naming what to fix (never a secret).
    """

    def work(opened: Session) -> Prepared:
        table = _normalised(opened, source)
        return prepare_table(table, as_of=as_of)

    prepared = _within(source, timeout_s, work)
    _check_rows(prepared, source)
    return prepared


def source_outcomes(
    source: Source, members: list[str], *, start: dt.datetime, end: dt.datetime
) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """A campaign's members' purchases before ``start`` and from it to ``end``, aggregated
    on the source's own backend within its time limit (``segmentation.engine.outcomes``); only
    the members' rows come back. Raises SourceError."""

    def work(opened: Session) -> tuple[pd.DataFrame, pd.Timestamp | None]:
        return table_outcomes(_normalised(opened, source), members, start=start, end=end)

    return _within(source, source.timeout_s, work)


def source_contacts(source: Source) -> pd.DataFrame:
    """Each customer's latest contact details in ``source`` (the columns its mapping names),
    one row per customer, aggregated on the source's own backend within its time limit
    (``segmentation.engine.contacts``). Raises SourceError."""
    return _within(
        source, source.timeout_s, lambda opened: contacts_table(_normalised(opened, source))
    )


def source_products(source: Source, labels: pd.Series, *, as_of: dt.date) -> Products:
    """What the segments of ``labels`` (segment per customer id) buy more than the rest and
    what to offer each customer, computed by the source's own backend within its time limit:
    the labels go to it as a temporary table, and only rows per product, per segment and
    product, and per customer and product come back. Raises SourceError."""
    frame = pd.DataFrame({"customer_id": labels.index.astype(str).to_numpy(dtype=object),
                          "segment": labels.to_numpy(dtype="int64")})  # fmt: skip

    def work(opened: Session) -> Products:
        return products_of_table(_normalised(opened, source), ibis.memtable(frame), as_of=as_of)

    return _within(source, source.timeout_s, work)


def open_table(source: Source, *, timeout_s: float | None = None) -> ir.Table:
    """The source's transactions as an ibis table of ``segmentation.engine.NORMALISED``
    columns, on the source's backend (its connection stays open with the table).

    Connecting is bounded by ``timeout_s`` (default: the source's); queries run on the
    table are not, unlike ``prepare_source``'s. Raises SourceError.
    """
    timeout_s = timeout_s or source.timeout_s
    opened = None
    try:
        opened = open_session(source, timeout_s=timeout_s)
        return _normalised(opened, source)
    except Exception as e:
        if opened is not None:
            opened.close()
        raise explain(e, source, timeout_s=timeout_s) from None


def _normalised(opened: Session, source: Source) -> ir.Table:
    raw = raw_table(opened, source)
    return normalise_table(raw, dict(source.columns), what=_what(source).capitalize())


def _what(source: Source) -> str:
    if source.query is not None:
        return f"the query of source '{source.name}'"
    if source.table is not None:
        return f"the table {source.table} of source '{source.name}'"
    return f"the files of source '{source.name}'"


def _check_rows(prepared: Prepared, source: Source) -> None:
    audit = prepared.audit
    if audit.rows_read == 0:
        fix = "check its filters" if source.query is not None else "load transactions into it"
        raise SourceError(f"{_what(source).capitalize()} returned no rows: {fix}.")
    if audit.rows_kept == 0:
        raise SourceError(
            f"None of the {audit.rows_read:,} lines of {_what(source)} is a purchase with a "
            "customer, a date and a positive amount: check its column mapping."
        )


def _within(source: Source, timeout_s: float, work: Callable[[Session], T]) -> T:
    """``work`` on an open session of ``source``, in a thread, for at most ``timeout_s``.

    Past the deadline the query is interrupted until its thread has ended (and closed its
    connection), so nothing keeps running for a reader that has gone."""
    outcome: dict[str, object] = {}
    stop = threading.Event()
    holder: list[Session] = []

    def run() -> None:
        try:
            with session(source, timeout_s=timeout_s) as opened:
                holder.append(opened)
                if not stop.is_set():  # connecting took the whole deadline
                    outcome["value"] = work(opened)
        except BaseException as e:  # noqa: BLE001 (handed to the waiting thread)
            outcome["error"] = e

    thread = threading.Thread(target=run, name=f"source-{source.name}", daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        stop.set()
        _stop(thread, holder, source)
        raise timed_out(source, timeout_s)
    if "error" in outcome:
        error = explain(outcome["error"], source, timeout_s=timeout_s)
        # The server ends a session at the same limit (statement and idle-in-transaction
        # timeouts), and its drivers word that as a closed connection: past the deadline,
        # whatever ended the read, it is the deadline.
        raise (
            timed_out(source, timeout_s) if time.monotonic() - started >= timeout_s else error
        ) from None
    return outcome["value"]


def _stop(thread: threading.Thread, holder: list[Session], source: Source) -> None:
    """Interrupt ``thread``'s query until the thread ends: an interrupt sent before the query
    started (while connecting, between two statements) is lost, so it is sent again."""
    ends = time.monotonic() + GRACE_S
    while thread.is_alive() and time.monotonic() < ends:
        for opened in list(holder):
            with contextlib.suppress(Exception):  # the connection may be closing already
                opened.interrupt()
        thread.join(INTERRUPT_EVERY_S)
    if thread.is_alive():  # a backend that cannot be interrupted is left to finish alone
        log.warning("source %s: its query did not stop within %g s", source.name, GRACE_S)
