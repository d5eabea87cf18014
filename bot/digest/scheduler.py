"""The digest scheduler: SQLite holds the schedules, APScheduler fires them in-process.

Each enabled schedule becomes a cron job in its own timezone (so DST moves the UTC time,
not the local one). Whatever fires — a cron tick, a second tick, a restart's catch-up —
goes through ``post_slot``, which claims the slot (schedule, slot time) in the database
BEFORE posting: only the first claim posts. The slot is worked out from the injected
``clock``, never from APScheduler's own idea of the time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient

import storage
from bot.digest import blocks, posting, slots
from bot.digest.refresh import Digest, refresh
from storage.digests import digest_post, fail_interrupted_digests, skipped_since_last_sent

log = logging.getLogger("segbot.digest")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


INTERRUPTED = "segbot stopped while preparing it"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def trigger_for(schedule: dict) -> CronTrigger:
    """The cron trigger of a schedule row, in the schedule's timezone."""
    hour, minute = (int(p) for p in schedule["time"].split(":"))
    return CronTrigger(
        day_of_week=DAYS[schedule["weekday"]],
        hour=hour,
        minute=minute,
        timezone=ZoneInfo(schedule["timezone"]),
    )


def _created(schedule: dict) -> dt.datetime:
    created = dt.datetime.fromisoformat(schedule["created_at"])
    return created if created.tzinfo else created.replace(tzinfo=dt.UTC)


class DigestScheduler:
    """Posts each schedule's digest once per slot; ``start()`` loads schedules and catches up."""

    def __init__(
        self,
        *,
        db_path: Path,
        data_dir: Path,
        client: WebClient,
        grace: dt.timedelta = dt.timedelta(hours=6),
        clock: Callable[[], dt.datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        delays: Sequence[float] = posting.DELAYS,
        refresher: Callable[..., Digest] = refresh,
    ) -> None:
        self.db_path = db_path
        self.refresher = refresher  # the app passes one that runs in a worker process
        self.data_dir = data_dir
        self.client = client
        self.grace = grace
        self.clock = clock
        self.sleep = sleep
        self.delays = delays
        self._aps = BackgroundScheduler(timezone=dt.UTC)

    # lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start firing: one cron job per enabled schedule, then catch up in the background."""
        with storage.connect(self.db_path) as db:
            interrupted = fail_interrupted_digests(db, INTERRUPTED)
            schedules = storage.all_enabled_schedules(db)
        for schedule in schedules:
            self.sync(schedule)
        self._aps.start()
        self._aps.add_job(self.catch_up, id="digest-catch-up")
        for row in interrupted:
            log.error("digest %s for %s: %s", row["schedule_id"], row["slot_time"], INTERRUPTED)
            if row["created_by"]:
                text = blocks.failure_dm_text(row["channel_id"], row["slot_time"], INTERRUPTED)
                self._aps.add_job(posting.send_dm, args=[self.client, row["created_by"], text])

    def close(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def sync(self, schedule: dict) -> None:
        """Add, replace or (when disabled) remove the cron job of a schedule row."""
        job_id = f"digest-{schedule['id']}"
        if not schedule.get("enabled"):
            if self._aps.get_job(job_id):
                self._aps.remove_job(job_id)
            return
        self._aps.add_job(
            self.fire,
            trigger_for(schedule),
            args=[schedule["id"]],
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(self.grace.total_seconds()),
        )

    def submit(self, work: Callable[[], object]) -> None:
        """Run ``work`` once, now, on the scheduler's threads (for ``digest now``)."""
        self._aps.add_job(work)

    # firing ---------------------------------------------------------------------------------

    def fire(self, schedule_id: int) -> str:
        """A cron tick: post the schedule's latest slot (see ``post_slot``); returns what happened."""
        with storage.connect(self.db_path) as db:
            schedule = next(
                (s for s in storage.all_enabled_schedules(db) if s["id"] == schedule_id), None
            )
        if schedule is None:
            return "none"
        now = self.clock()
        slot = slots.last_slot(schedule["weekday"], schedule["time"], schedule["timezone"], now)
        if slot < _created(schedule):
            return "none"
        if now - slot > self.grace:
            return self.skip_slot(schedule, slot)
        return self.post_slot(schedule, slot)

    def catch_up(self) -> dict[int, str]:
        """At start-up: post each schedule's missed slot if within the grace, else record it skipped."""
        now = self.clock()
        with storage.connect(self.db_path) as db:
            schedules = storage.all_enabled_schedules(db)
        done = {}
        for schedule in schedules:
            slot = slots.last_slot(schedule["weekday"], schedule["time"], schedule["timezone"], now)
            with storage.connect(self.db_path) as db:
                recorded = digest_post(db, schedule["id"], slot) is not None
            decision = slots.catch_up(
                slot, now, grace=self.grace, created_at=_created(schedule), recorded=recorded
            )
            if decision == "post":
                done[schedule["id"]] = self.post_slot(schedule, slot)
            elif decision == "skip":
                done[schedule["id"]] = self.skip_slot(schedule, slot)
        return done

    def skip_slot(self, schedule: dict, slot: dt.datetime) -> str:
        """Record a slot too late to post as 'skipped' (the next digest mentions it)."""
        with storage.connect(self.db_path) as db:
            if not storage.claim_digest_slot(db, schedule["id"], slot):
                return "duplicate"
            storage.mark_digest(db, schedule["id"], slot, "skipped", error="missed while offline")
        log.info("digest %s for %s skipped: too late", schedule["id"], slots.slot_key(slot))
        return "skipped"

    def post_slot(self, schedule: dict, slot: dt.datetime) -> str:
        """Claim the slot, refresh, post; 'sent', 'failed' (creator DM'd) or 'duplicate'.

        The claim is committed before anything is posted, so two ticks, a restart or a
        retry never post twice; 'sent' is recorded only after Slack accepted the message.
        """
        sid = schedule["id"]
        with storage.connect(self.db_path) as db:
            if not storage.claim_digest_slot(db, sid, slot):
                return "duplicate"
            skipped = skipped_since_last_sent(db, sid)
        try:
            digest = self.refresher(
                db_path=self.db_path,
                data_dir=self.data_dir,
                team_id=schedule["team_id"],
                channel_id=schedule["channel_id"],
                as_of=slots.local_date(slot, schedule["timezone"]),
                k_mode=schedule.get("k_mode") or "keep",
                trigger="schedule",
                requested_by=schedule.get("created_by"),
                skipped=skipped,
            )
            ts = posting.post_digest(self.client, digest, sleep=self.sleep, delays=self.delays)
        except Exception as e:
            why = posting.reason(e)
            log.error("digest %s for %s failed: %s", sid, slots.slot_key(slot), why, exc_info=e)
            with storage.connect(self.db_path) as db:
                storage.mark_digest(db, sid, slot, "failed", error=why)
            if schedule.get("created_by"):
                text = blocks.failure_dm_text(schedule["channel_id"], slots.slot_key(slot), why)
                posting.send_dm(self.client, schedule["created_by"], text)
            return "failed"
        with storage.connect(self.db_path) as db:
            storage.mark_digest(db, sid, slot, "sent", message_ts=ts)
        return "sent"
