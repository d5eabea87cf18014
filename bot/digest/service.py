"""What ``/segment schedule …``, ``/segment digest now`` and the digest buttons do.

Each method takes the asking ``Place`` and returns a ``Reply`` (UserError for problems the
user can fix). Schedules are saved in SQLite first, then handed to the scheduler.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from pathlib import Path

import pandas as pd
from slack_sdk import WebClient

import storage
from bot import render
from bot.digest import blocks, posting, slots
from bot.digest.schedule_parse import (
    DigestCommand,
    DigestNow,
    ScheduleOff,
    SetSchedule,
    ShowSchedule,
)
from bot.digest.scheduler import DigestScheduler
from bot.errors import UserError, describe
from bot.queries import Reply
from bot.slack_io import send_to_user
from segmentation.movement import movers
from segmentation.report import customers_csv

log = logging.getLogger("segbot.digest")
DEFAULT_SLOT = SetSchedule(weekday=0, time="09:00")  # what the results button sets up


class DigestService:
    """Schedules and on-demand digests for the channels of one workspace client."""

    def __init__(
        self, *, db_path: Path, data_dir: Path, client: WebClient, scheduler: DigestScheduler
    ) -> None:
        self.db_path = db_path
        self.data_dir = data_dir
        self.client = client
        self.scheduler = scheduler

    def handle(self, place, request: DigestCommand) -> Reply:  # noqa: ANN001 (bot.services.Place)
        """Answer one parsed digest command."""
        if isinstance(request, SetSchedule):
            return self.set_schedule(place, request)
        if isinstance(request, ScheduleOff):
            return self.schedule_off(place)
        if isinstance(request, DigestNow):
            return self.digest_now(place)
        if isinstance(request, ShowSchedule):
            return self.show_schedule(place)
        raise TypeError(f"not a digest command: {request!r}")

    def _user_timezone(self, user_id: str) -> str | None:
        try:
            tz = self.client.users_info(user=user_id)["user"].get("tz")
        except Exception as e:
            log.info("no timezone for %s (%s); using UTC", user_id, posting.reason(e))
            return None
        return tz if tz in zoneinfo.available_timezones() else None

    def set_schedule(self, place, request: SetSchedule) -> Reply:  # noqa: ANN001
        """Save (or replace) the channel's weekly digest and tell when the first one comes."""
        with storage.connect(self.db_path) as db:
            if storage.latest_dataset(db, place.team_id, place.channel_id) is None:
                raise UserError(render.NO_DATASET)
        timezone = request.timezone or self._user_timezone(place.user_id) or "UTC"
        with storage.connect(self.db_path) as db:
            storage.save_schedule(
                db,
                team_id=place.team_id,
                channel_id=place.channel_id,
                created_by=place.user_id,
                weekday=request.weekday,
                time=request.time,
                timezone=timezone,
                k_mode=request.k_mode,
            )
            schedule = storage.schedule_for(db, place.team_id, place.channel_id)
        self.scheduler.sync(schedule)
        nxt = self._next(schedule)
        text = blocks.schedule_set_text(schedule, nxt, from_profile=request.timezone is None)
        return Reply(text)

    def _next(self, schedule: dict) -> dt.datetime:
        return slots.next_slot(
            schedule["weekday"], schedule["time"], schedule["timezone"], self.scheduler.clock()
        )

    def show_schedule(self, place) -> Reply:  # noqa: ANN001
        with storage.connect(self.db_path) as db:
            schedule = storage.schedule_for(db, place.team_id, place.channel_id)
        on = schedule is not None and schedule.get("enabled")
        return Reply(blocks.schedule_text(schedule, self._next(schedule) if on else None))

    def schedule_off(self, place) -> Reply:  # noqa: ANN001
        with storage.connect(self.db_path) as db:
            was_on = storage.disable_schedule(db, place.team_id, place.channel_id)
            schedule = storage.schedule_for(db, place.team_id, place.channel_id)
        if schedule is not None:
            self.scheduler.sync(schedule)
        return Reply(blocks.schedule_off_text(was_on))

    def digest_now(self, place) -> Reply:  # noqa: ANN001
        """Refresh and post the digest in the background; failures come back as a DM."""
        with storage.connect(self.db_path) as db:
            if storage.latest_dataset(db, place.team_id, place.channel_id) is None:
                raise UserError(render.NO_DATASET)
            schedule = storage.schedule_for(db, place.team_id, place.channel_id)
        timezone = schedule["timezone"] if schedule else "UTC"
        k_mode = (schedule or {}).get("k_mode") or "keep"
        as_of = slots.local_date(self.scheduler.clock(), timezone)

        def work() -> None:
            try:
                digest = self.scheduler.refresher(
                    db_path=self.db_path, data_dir=self.data_dir, team_id=place.team_id,
                    channel_id=place.channel_id, as_of=as_of, k_mode=k_mode,
                    trigger="command", requested_by=place.user_id,
                )  # fmt: skip
                posting.post_digest(
                    self.client, digest, sleep=self.scheduler.sleep, delays=self.scheduler.delays
                )
            except Exception as e:
                text = describe(e, context="posting the digest now")
                posting.send_dm(self.client, place.user_id, f"I couldn't post the digest: {text}")

        self.scheduler.submit(work)
        return Reply(
            f"Re-segmenting as of {as_of.isoformat()}; the digest will appear here in a moment."
        )

    def schedule_from_results(self, place, run_id: str) -> Reply:  # noqa: ANN001
        """The **Schedule weekly digest** button: Mondays 09:00 in the user's timezone."""
        del run_id  # the schedule follows the channel's latest dataset, whichever run was shown
        reply = self.set_schedule(place, DEFAULT_SLOT)
        change = "Change it with `/segment schedule weekly <day> <HH:MM> [timezone]`."
        return Reply(f"{reply.text} {change}")

    def export_movers(self, place, value: str) -> Reply:  # noqa: ANN001
        """The digest's **Export CSV**: customers who changed segment, sent to the user by DM."""
        previous_id, _, run_id = value.partition(":")
        scope = {"team_id": place.team_id, "channel_id": place.channel_id}
        with storage.connect(self.db_path) as db:
            run = storage.run_for(db, int(run_id), **scope)
            if run is None or storage.run_for(db, int(previous_id), **scope) is None:
                raise UserError("Those results are not available in this channel any more.")
            before = storage.assignments_for(db, int(previous_id), **scope)
            now = storage.assignments_for(db, int(run_id), **scope)
            segments = storage.segments_for(db, int(run_id), **scope)
            previous = storage.segments_for(db, int(previous_id), **scope)
        moved = movers(before, now)
        rows = now.loc[moved.index].assign(previous_segment=moved["from_segment"])
        data = movers_csv(rows, previous, segments).encode("utf-8-sig")
        name = f"movers-run-{run_id}.csv"
        send_to_user(
            self.client, user_id=place.user_id, name=name, data=data,
            comment=f"{len(rows):,} customers who changed segment since run #{previous_id}.",
        )  # fmt: skip
        return Reply(f"I've sent you `{name}` ({len(rows):,} customers) in a direct message.")


def movers_csv(rows: pd.DataFrame, previous: list[dict], segments: list[dict]) -> str:
    """CSV of movers: where each customer was (leading columns), where they are now, features."""
    before = {int(s["id"]): s["name"] for s in previous}
    came_from = rows["previous_segment"].astype(int).tolist()
    return customers_csv(
        rows,
        {int(s["id"]): s["name"] for s in segments},
        leading={
            "previous_segment_id": came_from,
            "previous_segment_name": [before.get(s, "") for s in came_from],
        },
    )
