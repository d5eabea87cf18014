"""Campaigns and their members as drawn: stored once, in one transaction, never drawn again.

Every read takes a ``Scope``: a campaign of another channel (or its members) is never found.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import sqlite_utils

from storage.records import Scope
from storage.sql import changed, first, from_json, to_json, utc_now, write_transaction

IN_SCOPE = "team_id = ? AND channel_id = ?"
MEMBER_COLUMNS = ("customer_id", "holdout", "lifecycle", "total_spend")


@dataclass(frozen=True, kw_only=True)
class NewCampaign:
    """A campaign as it starts: the run and segment (and lifecycle ``state``, None: all) its
    members came from, the dataset and line of history then read (``source``: the connected
    source's name, None for stored data), the share held out, the window in days after
    ``start`` (ISO date), the draw's seed, group sizes, and what it can detect (``baseline``:
    the expected share who buy in the window; ``detectable_lift``: in points of that share,
    as a fraction)."""

    name: str
    run_id: int
    dataset_id: int
    line: int
    source: str | None
    segment: int
    segment_name: str
    state: str | None
    holdout: float
    window_days: int
    seed: int
    start: str
    members: int
    treated: int
    held_out: int
    baseline: float
    detectable_lift: float
    created_by: str | None


@dataclass(frozen=True, kw_only=True)
class Campaign(NewCampaign):
    """A stored campaign of ``team_id``/``channel_id``, with its latest read-out (``report``,
    JSON as ``workflows.campaigns`` made it; None before the first)."""

    id: int
    team_id: str
    channel_id: str
    created_at: str
    report: dict[str, Any] | None = None
    reported_at: str | None = None
    final_posted_at: str | None = None  # when the read-out at the window's end was posted


def save_campaign(
    db: sqlite_utils.Database, scope: Scope, campaign: NewCampaign, members: pd.DataFrame
) -> int | None:
    """Store the campaign and its ``members`` (columns ``MEMBER_COLUMNS``; ``holdout`` bool) in
    one transaction; returns its id, or None when the channel has a campaign of that name
    already (two starts at once: exactly one is stored)."""
    row = asdict(campaign) | {
        "team_id": scope.team_id, "channel_id": scope.channel_id, "created_at": utc_now(),
    }  # fmt: skip
    columns = [members[name].astype(object).tolist() for name in MEMBER_COLUMNS[1:]]
    try:
        with write_transaction(db):
            campaign_id = db["campaigns"].insert(row).last_pk
            db.conn.executemany(
                "INSERT INTO campaign_members (campaign_id, customer_id, holdout, lifecycle, "
                "total_spend) VALUES (?, ?, ?, ?, ?)",
                zip(
                    [campaign_id] * len(members), members["customer_id"].astype(str).tolist(),
                    [int(bool(h)) for h in columns[0]], *columns[1:], strict=True,
                ),
            )  # fmt: skip
    except sqlite3.IntegrityError:
        return None
    return campaign_id


def campaign_named(db: sqlite_utils.Database, scope: Scope, name: str) -> Campaign | None:
    """The scope's campaign called ``name``, or None."""
    row = first(
        db["campaigns"].rows_where(
            f"{IN_SCOPE} AND name = ?", [scope.team_id, scope.channel_id, name]
        )
    )
    return None if row is None else _campaign(row)


def campaigns_for(db: sqlite_utils.Database, scope: Scope, limit: int = 50) -> list[Campaign]:
    """The scope's campaigns, newest first."""
    rows = db["campaigns"].rows_where(
        IN_SCOPE, [scope.team_id, scope.channel_id], order_by="id DESC", limit=limit
    )
    return [_campaign(row) for row in rows]


def campaign_members(db: sqlite_utils.Database, campaign_id: int, scope: Scope) -> pd.DataFrame:
    """The campaign's members as drawn (``MEMBER_COLUMNS``, ``holdout`` bool), in customer
    order; empty when the campaign is not this scope's."""
    cursor = db.execute(
        "SELECT m.customer_id, m.holdout, m.lifecycle, m.total_spend FROM campaign_members m "
        "JOIN campaigns c ON c.id = m.campaign_id AND c.team_id = ? AND c.channel_id = ? "
        "WHERE m.campaign_id = ? ORDER BY m.customer_id",
        (scope.team_id, scope.channel_id, campaign_id),
    )
    frame = pd.DataFrame.from_records(cursor.fetchall(), columns=list(MEMBER_COLUMNS))
    return frame.astype({"customer_id": "str", "holdout": "bool", "total_spend": "float64"})


def save_report(
    db: sqlite_utils.Database, campaign_id: int, scope: Scope, report: dict[str, Any]
) -> bool:
    """Keep ``report`` as the campaign's latest read-out; False if it is not this scope's."""
    with write_transaction(db):
        cursor = db.execute(
            f"UPDATE campaigns SET report = ?, reported_at = ? WHERE id = ? AND {IN_SCOPE}",
            [to_json(report), utc_now(), campaign_id, scope.team_id, scope.channel_id],
        )
        return cursor.rowcount == 1


def campaigns_ended(db: sqlite_utils.Database, today: dt.date) -> list[Campaign]:
    """Every channel's campaigns whose window ended before ``today`` (its last day is
    ``start`` + ``window_days`` - 1) and whose last read-out was not posted yet."""
    rows = db.query(
        "SELECT * FROM campaigns WHERE final_posted_at IS NULL "
        "AND date(start, '+' || window_days || ' days') <= ? ORDER BY id",
        [today.isoformat()],
    )
    return [_campaign(row) for row in rows]


def claim_final_post(db: sqlite_utils.Database, campaign_id: int) -> bool:
    """Claim the posting of a campaign's last read-out (one statement: of two bots, or two
    ticks, exactly one gets True)."""
    return changed(
        db,
        "UPDATE campaigns SET final_posted_at = ? WHERE id = ? AND final_posted_at IS NULL",
        (utc_now(), campaign_id),
    )


def _campaign(row: dict) -> Campaign:
    return Campaign(**(row | {"report": from_json(row["report"])}))
