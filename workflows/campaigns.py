"""Campaigns: a run's segment (optionally one lifecycle state) split at random into a treated
group and a holdout, stored once and never drawn again; what it can detect said at the start.

``start_campaign`` checks everything before storing anything, then stores the campaign and
its members in one transaction (two starts of one name at once: one is stored, the other is
told the name is taken). ``campaign_list`` gives every campaign with its latest verdict. The
read-out is ``workflows.campaign_report``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import storage
from segmentation.campaign_draw import expected_buying_share, stratified_holdout
from segmentation.formatting import neutralise
from segmentation.lifecycle import STATES
from segmentation.lift import detectable_lift, split
from storage import Campaign, NewCampaign, RunRecord
from workflows.campaign_words import (
    MIN_GROUP,
    day,
    group_too_small,
    name_problem,
    power_sentence,
    segment_problem,
    state_problem,
)
from workflows.errors import UserError
from workflows.runs import Where

MAX_DAYS = 365
CAMPAIGNS_FOLDER = "campaigns"


@dataclass(frozen=True, kw_only=True)
class StartRequest:
    """A campaign to start: ``segment`` an id or a name of the run's segments (``run_id``
    None: the channel's latest finished run), ``state`` one of ``lifecycle.STATES`` (None:
    every member), ``holdout`` the share kept back, the window in ``days`` from ``start``."""

    name: str
    segment: str
    run_id: int | None = None
    state: str | None = None
    holdout: float = 0.1
    days: int = 30
    seed: int = 0
    start: dt.date


@dataclass(frozen=True)
class Started:
    """A stored campaign, the sentence on what it can detect (with a suggestion when the
    holdout is too small), and its members CSV (``is_holdout`` marked)."""

    campaign: Campaign
    power: str
    members_csv: Path


def start_campaign(w: Where, request: StartRequest) -> Started:
    """Draw and store a campaign of ``request``; raises ``UserError`` (nothing stored) for a
    name taken, empty or with formatting, a run or segment not this channel's, an empty state,
    a holdout outside (0, 1), a window outside 1-365 days, or a group under 20 customers."""
    name = request.name.strip()
    if problem := name_problem(name):
        raise UserError(problem)
    if not 0 < request.holdout < 1:
        raise UserError("The holdout is the share kept back: more than 0 % and less than 100 %.")
    if not 1 <= request.days <= MAX_DAYS:
        raise UserError(f"The window is a number of days from 1 to {MAX_DAYS}.")
    state = _state(request.state)
    with storage.connect(w.db_path) as db:
        if storage.campaign_named(db, w.scope, name) is not None:
            raise UserError(f"A campaign called “{name}” exists already here: choose another name.")
        run = _run(db, w, request.run_id, request.start)
        segments = storage.segments_for(db, run.id, w.scope)
        chosen = _segment(segments, request.segment, run.id)
        customers = storage.assignments_for(db, run.id, w.scope)
        dataset = storage.dataset_for(db, run.dataset_id, w.scope)
    members = customers[customers["segment"] == chosen.id]
    if state is not None:
        members = members[members["lifecycle"] == state]
    treated, held_out = split(len(members), request.holdout) if len(members) > 1 else (0, 0)
    if min(treated, held_out) < MIN_GROUP:
        raise UserError(group_too_small(len(members), request.holdout, treated, held_out))
    drawn = members.reset_index()[["customer_id", "lifecycle", "total_spend"]]
    drawn["holdout"] = stratified_holdout(drawn, request.holdout, random_state=request.seed)
    treated, held_out = int((~drawn["holdout"]).sum()), int(drawn["holdout"].sum())
    baseline = expected_buying_share(members, request.days)
    new = NewCampaign(
        name=name, run_id=run.id, dataset_id=run.dataset_id, line=run.line,
        source=None if dataset is None else dataset.source, segment=chosen.id,
        segment_name=chosen.name, state=state, holdout=request.holdout,
        window_days=request.days, seed=request.seed, start=request.start.isoformat(),
        members=len(drawn), treated=treated, held_out=held_out, baseline=baseline,
        detectable_lift=detectable_lift(baseline, treated, held_out), created_by=w.user_id,
    )  # fmt: skip
    drawn["lifecycle"] = drawn["lifecycle"].astype(object).where(drawn["lifecycle"].notna(), None)
    with storage.connect(w.db_path) as db:
        campaign_id = storage.save_campaign(db, w.scope, new, drawn)
        if campaign_id is None:
            raise UserError(f"A campaign called “{name}” exists already here: choose another name.")
        campaign = storage.campaign_named(db, w.scope, name)
    assert campaign is not None and campaign.id == campaign_id
    return Started(campaign, power_sentence(campaign), _write_members(w, campaign, drawn))


def campaign_list(w: Where) -> list[Campaign]:
    """The channel's campaigns, newest first, each with its latest read-out (if any)."""
    with storage.connect(w.db_path) as db:
        return storage.campaigns_for(db, w.scope)


def campaign_members(w: Where, name: str) -> tuple[Campaign, pd.DataFrame]:
    """The campaign called ``name`` and its members as drawn (``holdout`` marks the held out:
    an audience to contact is the others); ``UserError`` when the channel has no such one."""
    with storage.connect(w.db_path) as db:
        campaign = storage.campaign_named(db, w.scope, name.strip())
        if campaign is None:
            raise UserError(f"There is no campaign called “{name.strip()[:60]}” here.")
        return campaign, storage.campaign_members(db, campaign.id, w.scope)


def members_csv(drawn: pd.DataFrame) -> str:
    """The members as CSV, safe to open in a spreadsheet: ``customer_id``, ``is_holdout``
    (true/false), ``lifecycle``, ``total_spend`` at the start; the audience to contact is the
    rows not held out."""
    frame = drawn.assign(
        customer_id=[neutralise(str(c)) for c in drawn["customer_id"]],
        is_holdout=drawn["holdout"].map({True: "true", False: "false"}),
    )
    columns = ["customer_id", "is_holdout", "lifecycle", "total_spend"]
    return frame[columns].sort_values("customer_id").to_csv(index=False)


def _write_members(w: Where, campaign: Campaign, drawn: pd.DataFrame) -> Path:
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", campaign.name).strip("-") or "campaign"
    path = Path(w.data_dir) / CAMPAIGNS_FOLDER / f"{campaign.id}-{slug}-members.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(members_csv(drawn), encoding="utf-8")
    return path


def _state(given: str | None) -> str | None:
    if given is None:
        return None
    key = given.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in STATES:
        raise UserError(state_problem(given))
    return key


def _run(db, w: Where, run_id: int | None, start: dt.date) -> RunRecord:
    """The finished run the members come from; its data end before the start, so nobody's
    purchases after the start helped choose them."""
    if run_id is None:
        run = storage.latest_run(db, w.scope)
    else:
        run = storage.run_for(db, run_id, w.scope)
    if run is None or run.status != "done" or run.summary is None:
        if run_id is None:
            raise UserError("This channel has no finished run yet: segment its data first.")
        raise UserError(f"Run {run_id} is not one of this channel's finished runs.")
    last = run.summary.last_purchase
    if last is not None and start < dt.date.fromisoformat(last[:10]):
        raise UserError(
            f"A campaign starts after the data its members come from: run {run.id}'s data go to "
            f"{day(dt.date.fromisoformat(last[:10]))}, so start on that day or later."
        )
    return run


def _segment(segments, given: str, run_id: int):
    text = given.strip()
    for segment in segments:
        if text == str(segment.id) or text.casefold() == segment.name.casefold():
            return segment
    raise UserError(segment_problem(text, segments, run_id))
