"""The frozen records storage hands out: whose data (``Scope``) and what a stored row says.

Every read that answers a user takes a ``Scope``; rows of another scope are never
returned. Timestamps are ISO 8601 UTC text, as stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from segmentation.load.record import ExportRecord
from segmentation.summary import RunParams, RunSummary


@dataclass(frozen=True)
class Scope:
    """Whose data: a Slack workspace (``team_id``) and channel. A channel never sees another's rows."""

    team_id: str
    channel_id: str


# Where the command line keeps its datasets and runs in a database it may share with the bot.
CLI_SCOPE = Scope("cli", "local")


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """One stored export: who uploaded what, its audit counts and the column ``mapping`` used;
    or, with ``source`` set, the connected source a channel reads (counts of its latest read)."""

    id: int
    team_id: str
    channel_id: str
    user_id: str | None
    created_at: str
    file_name: str
    slack_file_id: str | None
    sha256: str
    rows_read: int | None
    rows_kept: int | None
    customers: int | None
    first_purchase: str | None
    last_purchase: str | None
    mapping: dict[str, str]
    file_format: str | None
    currency: str | None = None  # ISO code found in the export (None: unknown)
    source: str | None = None  # the connected source it stands for (no file): storage.sources
    export: ExportRecord | None = None  # how the export was read (None: a source, or older rows)
    # Its line of history: the dataset the line started from (a first upload, a *Replace* or a
    # source starts one; *Add* continues its base's). 0: stored before lines were kept.
    line: int = 0


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """One run of a dataset, in any status ('running', 'done', 'failed'; 'queued' in old files).

    ``params`` is what was asked for; ``k`` and ``as_of`` (ISO date) what the run used.
    ``file_name`` and ``customers`` are the dataset's. ``summary`` is the run's summary when
    it is done and was read one at a time (``run_for``, ``latest_run``), else None.
    ``fingerprint`` says what data the run saw (``storage.fingerprints``; None until done).
    """

    id: int
    dataset_id: int
    team_id: str
    channel_id: str
    trigger: str
    status: str
    error: str | None
    params: RunParams
    k: int | None
    as_of: str | None
    requested_by: str | None
    created_at: str
    finished_at: str | None
    file_name: str
    customers: int | None
    summary: RunSummary | None
    fingerprint: str | None = None
    line: int = 0  # the dataset's line of history (``Dataset.line``)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """A channel's weekly digest: ``weekday`` 0 = Monday, ``time`` "HH:MM" in ``timezone`` (IANA).

    ``k_mode`` is "keep" (the last run's k), "auto" (choose) or a number "2".."10".
    """

    id: int
    team_id: str
    channel_id: str
    created_by: str | None
    weekday: int
    time: str
    timezone: str
    k_mode: str
    enabled: bool
    created_at: str

    @property
    def scope(self) -> Scope:
        return Scope(self.team_id, self.channel_id)


@dataclass(frozen=True, kw_only=True)
class CustomerRow:
    """One customer's segment and features in a run, and their lifetime-value predictions
    (None when the run has none)."""

    customer_id: str
    segment: int
    recency_days: int
    frequency: int
    average_spend: float
    total_spend: float
    returns_value: float
    tenure_days: int | None = None  # None for runs stored before these were kept
    lifecycle: str | None = None
    p_active: float | None = None
    expected_orders_90d: float | None = None
    expected_value_90d: float | None = None
    # Names and ids as ``segmentation.offers.joined`` writes them ("" when none; ``offers.split``
    # reads them); None for runs stored before products.
    next_products: str | None = None
    usual_products: str | None = None
    next_product_ids: str | None = None
    usual_product_ids: str | None = None


@dataclass(frozen=True, kw_only=True)
class InterruptedDigest:
    """A digest slot a stopped process left half-posted: who to tell and where it was for."""

    schedule_id: int
    slot_time: str
    channel_id: str
    created_by: str | None
