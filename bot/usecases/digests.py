"""``/segment digest now`` and the digest's **Export CSV** (customers who changed segment).

Each function takes the ``Deps``, the asking ``Place`` and what was asked, returns a ``Reply``
and raises ``UserError`` for what the user can fix. ``ROUTES`` maps the request type of
``/segment digest now`` to its function.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

import storage
from bot.errors import GONE, NO_DATASET, UserError
from bot.render.digest import digest_now_text
from bot.requests import parse_id
from bot.schedule_requests import DigestNow
from bot.slack.files import send_to_user
from bot.usecases.context import Deps, Place, Reply
from segmentation.movement import movers
from segmentation.report import customers_csv
from segmentation.summary import Segment
from workflows.digest import slots
from workflows.digest.refresh import RefreshRequest


def digest_now(deps: Deps, place: Place, request: DigestNow) -> Reply:
    """Refresh and post the channel's digest in the background; failures come back as a DM.

    Dated today in the schedule's timezone (UTC without a schedule), with its k mode.
    """
    del request  # nothing to choose: ``digest now`` has no options
    with storage.connect(deps.settings.db_path) as db:
        if storage.latest_dataset(db, place.scope) is None:
            raise UserError(NO_DATASET)
        schedule = storage.schedule_for(db, place.scope)
    timezone = schedule.timezone if schedule else "UTC"
    refresh = RefreshRequest(
        db_path=deps.settings.db_path,
        data_dir=deps.settings.data_dir,
        scope=place.scope,
        as_of=slots.local_date(deps.scheduler.clock(), timezone),
        k_mode=(schedule.k_mode if schedule else None) or "keep",
        trigger="command",
        requested_by=place.user_id,
    )
    deps.scheduler.post_now(refresh, place.user_id)
    return Reply(digest_now_text())


def export_movers(deps: Deps, place: Place, value: str) -> Reply:
    """The digest's **Export CSV** (``value`` "<previous run>:<run>"): movers, sent by DM."""
    previous_id, run_id = _run_ids(value)
    scope = place.scope
    with storage.connect(deps.settings.db_path) as db:
        if None in (storage.run_for(db, run_id, scope), storage.run_for(db, previous_id, scope)):
            raise UserError(GONE)
        before = storage.assignments_for(db, previous_id, scope)
        now = storage.assignments_for(db, run_id, scope)
        segments = storage.segments_for(db, run_id, scope)
        previous = storage.segments_for(db, previous_id, scope)
    moved = movers(before, now)
    if moved.empty:
        return Reply(
            f"Nobody changed segment between run #{previous_id} and run #{run_id}: no CSV."
        )
    rows = now.loc[moved.index].assign(previous_segment=moved["from_segment"])
    data = movers_csv(rows, previous, segments).encode("utf-8-sig")
    name = f"movers-run-{run_id}.csv"
    send_to_user(
        deps.client, user_id=place.user_id, name=name, data=data,
        comment=f"{len(rows):,} customers who changed segment since run #{previous_id}.",
    )  # fmt: skip
    return Reply(f"I've sent you `{name}` ({len(rows):,} customers) in a direct message.")


def _run_ids(value: str) -> tuple[int, int]:
    """ "6:7" → (6, 7); anything else is results this channel cannot have."""
    previous_id, _, run_id = value.partition(":")
    return parse_id(previous_id), parse_id(run_id)


def movers_csv(rows: pd.DataFrame, previous: Sequence[Segment], segments: Sequence[Segment]) -> str:
    """CSV of movers: where each customer was (leading columns), where they are now, features."""
    before = {s.id: s.name for s in previous}
    came_from = rows["previous_segment"].astype(int).tolist()
    return customers_csv(
        rows,
        {s.id: s.name for s in segments},
        leading={
            "previous_segment_id": came_from,
            "previous_segment_name": [before.get(s, "") for s in came_from],
        },
    )


ROUTES = {DigestNow: digest_now}
