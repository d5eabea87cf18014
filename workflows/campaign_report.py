"""A campaign's read-out, from the channel's own transactions: what each group bought within
the window after the start, the lift the campaign caused with its 95 % interval, and whether
the groups started alike.

Only what is fair counts: purchases dated from the start to the window's end, by the members
drawn at the start (customers who appear only in newer data are not members); returns count
against net revenue as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

import storage
from segmentation.engine.outcomes import campaign_outcomes
from segmentation.lift import (
    IMBALANCE_SMD,
    detectable_lift,
    interval,
    mean_difference,
    proportion_difference,
    standardised_difference,
)
from sources import Catalog, Source, SourceError, source_outcomes
from storage import Campaign
from workflows.bindings import source_gone_text
from workflows.campaign_words import day, relative, verdict
from workflows.errors import NO_DATASET, UserError
from workflows.runs import Where

NO_SOURCES = Catalog()
# Reads a campaign's members' outcomes: ``(members, start=, end=)`` → (per-customer rows,
# the data's last purchase).
Read = Callable[..., tuple[pd.DataFrame, pd.Timestamp | None]]


@dataclass(frozen=True)
class Group:
    """One group's figures within the window: ``rate`` is ``converted / customers``."""

    customers: int
    converted: int
    rate: float
    orders_per_customer: float
    revenue_per_customer: float


@dataclass(frozen=True, kw_only=True)
class Report:
    """The read-out; ``to_json`` is the contract the CLI prints and Slack renders."""

    campaign: str
    treated: Group
    holdout: Group
    lift: dict[str, float | None]
    revenue_lift: dict[str, float]
    verdict: str
    balance: str | None  # a sentence when the groups did not start alike
    window_ends: dt.date
    data_end: dt.date
    ended: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {
            "window_ends": self.window_ends.isoformat(), "data_end": self.data_end.isoformat(),
        }  # fmt: skip


def campaign_report(w: Where, name: str | None, *, catalog: Catalog = NO_SOURCES) -> Report:
    """Read out the campaign called ``name`` (None: the channel's newest) from the channel's
    data — its stored transactions, or the connected source it started on (of ``catalog``),
    queried where it lives — and keep it as its latest. ``UserError`` when there is no such
    campaign, the channel's data were replaced or its source switched since the start, the
    source can't be read, or no data reach the start yet."""
    with storage.connect(w.db_path) as db:
        campaign = _campaign(db, w, name)
        members = storage.campaign_members(db, campaign.id, w.scope)
        read, currency = _reader(db, w, campaign, catalog)
    start = dt.datetime.fromisoformat(campaign.start)
    end = start + dt.timedelta(days=campaign.window_days)
    window_ends = (end - dt.timedelta(days=1)).date()
    rows, last = read(members["customer_id"].tolist(), start=start, end=end)
    if last is None or last < start:
        raise UserError(
            f"Nothing to read yet: the data end before the campaign's start on "
            f"{day(start.date())}, and its window ends on {day(window_ends)}."
        )
    report = _read(campaign, members, rows, currency=currency, last=last.date())
    with storage.connect(w.db_path) as db:
        storage.save_report(db, campaign.id, w.scope, report.to_json())
    return report


def open_campaign_lines(w: Where, *, catalog: Catalog = NO_SOURCES) -> tuple[tuple[str, str], ...]:
    """``(name, sentence)`` for each campaign not yet read out on data that cover its whole
    window (a line each in a digest, or when new data arrive), oldest first: its verdict read
    out now, or why it can't be read yet. The read-out that covers the window is its last."""
    lines = []
    for campaign in _campaigns_of(w):
        if campaign.report is not None and campaign.report.get("ended"):
            continue
        try:
            lines.append(
                (campaign.name, campaign_report(w, campaign.name, catalog=catalog).verdict)
            )
        except UserError as exc:
            lines.append((campaign.name, str(exc)))
    return tuple(reversed(lines))


def _campaigns_of(w: Where) -> list[Campaign]:
    with storage.connect(w.db_path) as db:
        return storage.campaigns_for(db, w.scope)


def _read(
    campaign: Campaign, members: pd.DataFrame, rows: pd.DataFrame, *, currency: str | None,
    last: dt.date,
) -> Report:  # fmt: skip
    """The figures of ``members`` (as drawn) given their per-customer ``rows``."""
    frame = members.set_index("customer_id").join(rows, how="left").fillna(
        {name: 0 for name in ("orders_before", "revenue_before", "orders", "revenue")}
    )  # fmt: skip
    held = frame["holdout"].to_numpy(dtype=bool)
    t, h = frame[~held], frame[held]
    bought_t, bought_h = int((t["orders"] > 0).sum()), int((h["orders"] > 0).sum())
    lift = interval(proportion_difference(bought_t, len(t), bought_h, len(h)))
    rev = interval(
        mean_difference(
            t["revenue"].mean(), t["revenue"].var(ddof=1), len(t),
            h["revenue"].mean(), h["revenue"].var(ddof=1), len(h),
        )
    )  # fmt: skip
    base = bought_h / len(h)
    detectable = detectable_lift(min(max(base, 0.01), 0.99), len(t), len(h))
    window_ends = dt.date.fromisoformat(campaign.start) + dt.timedelta(
        days=campaign.window_days - 1
    )
    ended = last >= window_ends
    words = verdict(
        lift, rev, treated=len(t), detectable=detectable, window_ends=window_ends, ended=ended,
        days=campaign.window_days, currency=currency,
    )  # fmt: skip
    return Report(
        campaign=campaign.name, treated=_group(t), holdout=_group(h),
        lift={"absolute": lift.estimate, "ci_low": lift.low, "ci_high": lift.high,
              "relative": relative(lift.estimate, base)},
        revenue_lift={"per_customer": rev.estimate, "ci_low": rev.low, "ci_high": rev.high,
                      "total": rev.estimate * len(t)},
        verdict=words, balance=_balance(t, h), window_ends=window_ends, data_end=last, ended=ended,
    )  # fmt: skip


def _group(rows: pd.DataFrame) -> Group:
    n = len(rows)
    converted = int((rows["orders"] > 0).sum())
    return Group(
        customers=n, converted=converted, rate=converted / n,
        orders_per_customer=float(rows["orders"].mean()),
        revenue_per_customer=float(rows["revenue"].mean()),
    )  # fmt: skip


def _balance(t: pd.DataFrame, h: pd.DataFrame) -> str | None:
    """A sentence when the groups' figures before the start differ by more than
    ``IMBALANCE_SMD`` standard deviations (orders or net revenue per customer), else None."""
    for column, what in (("orders_before", "orders"), ("revenue_before", "net revenue")):
        a, b = t[column].to_numpy(dtype=float), h[column].to_numpy(dtype=float)
        if abs(standardised_difference(a, b)) > IMBALANCE_SMD:
            return (
                f"The groups did not start alike: before the start the treated averaged "
                f"{np.mean(a):,.2f} {what} per customer and the holdout {np.mean(b):,.2f}; "
                "read the lift with care."
            )
    return None


def _campaign(db, w: Where, name: str | None) -> Campaign:
    if name is None:
        found = storage.campaigns_for(db, w.scope, limit=1)
        if not found:
            raise UserError("There are no campaigns here yet: start one from a segment.")
        return found[0]
    campaign = storage.campaign_named(db, w.scope, name.strip())
    if campaign is None:
        raise UserError(f"There is no campaign called “{name.strip()[:60]}” here.")
    return campaign


def _reader(db, w: Where, campaign: Campaign, catalog: Catalog) -> tuple[Read, str | None]:
    """How to read the campaign's outcomes from the data it started on, and the currency to
    say money in; ``UserError`` when the channel reads other data now."""
    binding = storage.channel_source(db, w.scope)
    if (None if binding is None else binding.source) != campaign.source:
        raise UserError(
            "This channel reads other data than when the campaign started (its source "
            "changed), so the campaign can't be read from them."
        )
    currency = storage.channel_currency(db, w.scope)
    if campaign.source is not None:
        source = catalog.get(campaign.source)
        if source is None or not source.allowed_in(w.scope.channel_id):
            raise UserError(source_gone_text(campaign.source))
        return functools.partial(_from_source, source), currency
    dataset = storage.latest_upload(db, w.scope)
    if dataset is not None and dataset.line != campaign.line:
        raise UserError(
            "This channel's data were replaced since the campaign started, so the campaign "
            "can't be read from them: add newer transactions to the data it started on."
        )
    table = None
    if dataset is not None:
        table = storage.transactions_table(db, dataset.id, w.scope, data_dir=w.data_dir)
    if dataset is None or table is None:
        raise UserError(NO_DATASET)
    return functools.partial(campaign_outcomes, table), currency or dataset.currency


def _from_source(source: Source, members: list[str], *, start: dt.datetime, end: dt.datetime):
    try:
        return source_outcomes(source, members, start=start, end=end)
    except SourceError as e:  # one sentence naming what to fix, never a secret
        raise UserError(str(e)) from None
