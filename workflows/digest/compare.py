"""What a digest says (pure): what changed in the data, per-segment change, segments gone, the
largest flows, actions.

Inputs are typed: this run's and the previous run's ``Segment``s, ``{current id: previous id}``
from ``segmentation.matching.align_to_previous``, a ``Movement`` and each run's per-customer
data (``storage.customer_data``). ``Digest`` is the whole of one digest, as the refresh
returns it and the renderer and poster read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from segmentation.formatting import count
from segmentation.movement import INTO_LAPSING, Movement, describe_flow, lapsing_ids
from segmentation.summary import Segment
from storage import Scope

MAX_ACTIONS = 3
NOTABLE_SHARE = 0.05  # a change of 5% of all customers is worth an action…
NOTABLE_MIN = 3  # …and never fewer than this many customers


@dataclass(frozen=True, kw_only=True)
class SegmentRow:
    """One current segment in the digest: customers now and before (None if the segment is new),
    the change, its revenue share, and its previous name when that was different."""

    id: int
    name: str
    customers: int
    before: int | None
    revenue_share: float
    was: str | None = None
    strategy_key: str = ""  # the segment's first recommended strategy ("" if none)…
    strategy: str = ""  # …written for it

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.customers - self.before


@dataclass(frozen=True, kw_only=True)
class DataChange:
    """What changed in the data between the last digest's run and this one, per customer:
    ``changed`` were in both with different purchases, returns or spend, ``new`` are only in
    this run's data, ``gone`` only in the earlier run's (ids sorted); ``newest_before`` is the
    earlier data's newest transaction."""

    changed: tuple[str, ...]
    new: tuple[str, ...]
    gone: tuple[str, ...]
    newest_before: dt.date | None


@dataclass(frozen=True, kw_only=True)
class Digest:
    """Everything one digest shows, for the channel (``scope``) it belongs to.

    ``date`` is the digest's date, ``as_of`` the day the run measured recency to (the day after
    the newest transaction unless the channel is ``live``), ``newest`` the day of the newest
    transaction. ``previous_run_id`` is the run the last digest reported (None on the
    channel's first, and when its data were ``replaced`` since); ``nothing_new`` says the data is the same as that run's, and then there
    is no ``movement`` or ``data_change``. ``skipped`` holds the stored keys of slots missed
    while the bot was down; ``charts`` maps file names to PNG bytes for the thread.
    """

    scope: Scope
    run_id: int
    previous_run_id: int | None
    dataset_name: str
    date: dt.date
    as_of: dt.date
    newest: dt.date | None = None
    live: bool = False
    k: int
    k_phrase: str = ""  # how the run got its k (``segmentation.wording.k_phrase``)
    stability: str  # the stability sentence of the run
    rows: tuple[SegmentRow, ...]
    nothing_new: bool = False
    data_change: DataChange | None = None
    moved_with_new_data: int = 0  # of the customers who moved, those whose own data changed
    gone: tuple[str, ...] = ()
    movement: Movement | None = None
    flows: tuple[str, ...] = ()
    # ``(what happened, the strategy for it)``: the first is mrkdwn with segment names in bold,
    # the second a strategy's text, which may name products (the file's text, shown as written).
    actions: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()
    charts: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    # The data the last digest reported, when the channel's data were replaced since: another
    # line of history, never compared with this one.
    replaced: str | None = None
    # ``(name, sentence)`` per campaign open on the digest's date: its verdict, or why not yet.
    campaigns: tuple[tuple[str, str], ...] = ()

    @property
    def channel_id(self) -> str:
        return self.scope.channel_id

    @property
    def moved(self) -> int:
        """Customers who changed segment since the last digest's run (0 without movement)."""
        return 0 if self.movement is None else self.movement.moved


def data_change(
    before: pd.DataFrame, now: pd.DataFrame, newest_before: dt.date | None
) -> DataChange:
    """Compare two runs' per-customer data (``storage.customer_data`` frames)."""
    both = before.index.intersection(now.index)
    differs = (before.loc[both] != now.loc[both]).any(axis=1)
    return DataChange(
        changed=tuple(sorted(both[differs.to_numpy()])),
        new=tuple(sorted(now.index.difference(before.index))),
        gone=tuple(sorted(before.index.difference(now.index))),
        newest_before=newest_before,
    )


def segment_rows(
    segments: Sequence[Segment], previous: Sequence[Segment], matched: Mapping[int, int]
) -> tuple[SegmentRow, ...]:
    """One row per current segment, compared with the previous segment it was matched to."""
    before = {p.id: p for p in previous}
    rows = []
    for s in segments:
        old = before.get(matched.get(s.id, -1))
        rows.append(
            SegmentRow(
                id=s.id,
                name=s.name,
                customers=s.customers,
                before=None if old is None else old.customers,
                revenue_share=s.revenue_share,
                was=old.name if old is not None and old.name != s.name else None,
                strategy_key=s.strategy_keys[0] if s.strategy_keys else "",
                strategy=s.strategies[0] if s.strategies else "",
            )
        )
    return tuple(rows)


def gone(previous: Sequence[Segment], matched: Mapping[int, int]) -> tuple[str, ...]:
    """Names of last run's segments that have no counterpart now."""
    kept = set(matched.values())
    return tuple(p.name for p in previous if p.id not in kept)


def flow_sentences(
    movement: Movement, segments: Sequence[Segment], previous: Sequence[Segment]
) -> tuple[str, ...]:
    """The largest flows in words, biggest first."""
    now = {s.id: s.name for s in segments}
    then = {p.id: p.name for p in previous}
    lapsing = lapsing_ids(segments)
    return tuple(
        describe_flow(
            f,
            then.get(f.source, f"segment {f.source}"),
            now.get(f.target, f"segment {f.target}"),
            into_lapsing=f.target in lapsing,
        )
        for f in movement.largest
    )


def actions(
    rows: Sequence[SegmentRow], segments: Sequence[Segment], movement: Movement | None
) -> tuple[tuple[str, str], ...]:
    """One recommended action per notable change (at most three), from the strategy library:
    ``(what happened, the strategy)``.

    Customers slipping into a lapsing segment come first, then new segments and the largest
    changes; a strategy is recommended once.
    """
    picks: list[tuple[str, str, str]] = []  # (strategy key, what happened, the strategy)
    if movement is not None and movement.revenue_at_risk > 0:
        risk = _at_risk_pick(movement, segments)
        if risk is not None:
            picks.append(risk)
    for r in _notable(rows, first_run=movement is None):
        change = r.change
        what = (
            f"*{r.name}* is a new segment ({r.customers:,} customers)"
            if change is None
            else f"*{r.name}* {'grew' if change > 0 else 'shrank'} by {abs(change):,}"
        )
        picks.append((r.strategy_key, r.strategy, what))
    seen: set[str] = set()
    lines = []
    for key, strategy, what in picks:
        if key and key not in seen:
            seen.add(key)
            lines.append((what, strategy))
    return tuple(lines[:MAX_ACTIONS])


def _at_risk_pick(movement: Movement, segments: Sequence[Segment]) -> tuple[str, str, str] | None:
    """The action for revenue at risk: the first strategy of the segment the customers at risk
    slipped into (or, with predictions, where most of the newly likely-gone are)."""
    n = movement.at_risk_customers
    who, spent = f"{count(n, 'customer')} who spent", f"{movement.revenue_at_risk:,.0f}"
    if movement.at_risk_basis == INTO_LAPSING:
        target = _main_lapsing_target(movement, segments)
        what = f"{who} {spent} slipped into *{target.name if target else ''}*"
    else:
        target = next((s for s in segments if s.id == movement.at_risk_segment), None)
        what = (
            f"{who} {spent} net {'is' if n == 1 else 'are'} now likely gone, most in "
            f"*{target.name if target else ''}*"
        )
    return None if target is None else (*_first_strategy(target), what)


def _notable(rows: Sequence[SegmentRow], *, first_run: bool) -> list[SegmentRow]:
    """Rows worth an action, largest change first: new segments (unless nothing came before)
    and changes of at least ``NOTABLE_SHARE`` of all customers (``NOTABLE_MIN`` at least)."""
    total = sum(r.customers for r in rows) or 1
    threshold = max(NOTABLE_MIN, NOTABLE_SHARE * total)
    notable = [
        r
        for r in rows
        if (r.change is None and not first_run)
        or (r.change is not None and abs(r.change) >= threshold)
    ]
    return sorted(notable, key=lambda r: -(r.customers if r.change is None else abs(r.change)))


def _first_strategy(segment: Segment) -> tuple[str, str]:
    """The segment's first recommended strategy: its key and its text (empty if none)."""
    if not segment.strategy_keys:
        return "", ""
    return segment.strategy_keys[0], segment.strategies[0]


def _main_lapsing_target(movement: Movement, segments: Sequence[Segment]) -> Segment | None:
    """The lapsing segment that received the most customers."""
    lapsing = {s.id: s for s in segments if s.is_lapsing}
    if not lapsing or movement.flows.empty:
        return None
    columns = [c for c in movement.flows.columns if int(c) in lapsing]
    if not columns:
        return None
    received = {
        int(c): int(movement.flows[c].drop(index=c, errors="ignore").sum()) for c in columns
    }
    return lapsing[max(received, key=received.__getitem__)]
