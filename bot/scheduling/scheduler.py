"""The digest scheduler: SQLite holds the schedules, APScheduler fires them in-process.

Each enabled schedule becomes a cron job in its own timezone (``slots.trigger``, so DST moves
the UTC time, not the local one). Whatever fires — a cron tick, a second tick, a restart's
catch-up — goes through ``post_slot``, which claims the slot (schedule, slot time) in the
database BEFORE posting: only the first claim posts. The slot is worked out from the injected
``clock``, never from APScheduler's own idea of the time.

Cron ticks run on the "default" executor; one-off work (``digest now``, start-up DMs and the
catch-up) on "now", with no misfire limit: a burst of requests waits for a thread instead of
being dropped by APScheduler as too late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

import storage
from bot.render.blocks import error_text
from bot.render.digest import failure_dm_text
from bot.scheduling import campaign_ends, posting
from sources import Catalog
from storage import Schedule
from workflows.bindings import bound_source
from workflows.digest import slots
from workflows.digest.compare import Digest
from workflows.digest.refresh import RefreshRequest, refresh

log = logging.getLogger("segbot.digest")
INTERRUPTED = "segbot stopped while preparing it"
# Runs a refresh (a picklable zero-argument call) and returns its Digest: the app runs it in
# a worker process, in line with uploads; by default it runs on the calling thread.
Refresher = Callable[[Callable[[], Digest]], Digest]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_here(call: Callable[[], Digest]) -> Digest:
    """The default ``Refresher``: run the refresh on the calling thread."""
    return call()


def _created(schedule: Schedule) -> dt.datetime:
    created = dt.datetime.fromisoformat(schedule.created_at)
    return created if created.tzinfo else created.replace(tzinfo=dt.UTC)


def job_id(schedule_id: int) -> str:
    """The APScheduler job id of a schedule's cron job."""
    return f"digest-{schedule_id}"


class DigestScheduler:
    """Posts each schedule's digest once per slot; ``start()`` loads schedules and catches up.

    ``refresher`` runs each refresh (see ``Refresher``); ``threads`` is how many one-off jobs
    (``digest now``) run at once, the rest waiting their turn.
    """

    def __init__(
        self,
        *,
        db_path: Path,
        data_dir: Path,
        client: WebClient,
        grace: dt.timedelta = dt.timedelta(hours=6),
        clock: Callable[[], dt.datetime] = utc_now,
        refresher: Refresher = run_here,
        threads: int = 8,
        sources: Catalog | None = None,
    ) -> None:
        self.db_path = db_path
        self.data_dir = data_dir
        self.client = client
        self.grace = grace
        self.clock = clock
        self.refresher = refresher
        self.sources = sources or Catalog()  # a channel reading one is refreshed from it
        self._aps = BackgroundScheduler(
            timezone=dt.UTC,
            executors={"default": ThreadPoolExecutor(4), "now": ThreadPoolExecutor(threads)},
        )

    # lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start firing: one cron job per enabled schedule, then catch up in the background.

        Slots a crash left 'posting' are marked failed first (never posted twice: they may
        have reached Slack) and their creators DM'd.
        """
        with storage.connect(self.db_path) as db:
            interrupted = storage.fail_interrupted_digests(db, INTERRUPTED)
            schedules = storage.all_enabled_schedules(db)
        for schedule in schedules:
            self.sync(schedule)
        self._aps.add_job(
            self.post_campaign_endings, "interval", seconds=campaign_ends.EVERY.total_seconds(),
            id="campaign-endings", next_run_time=self.clock(), coalesce=True, max_instances=1,
        )  # fmt: skip
        self._aps.start()
        self.submit(self.catch_up)
        for row in interrupted:
            log.error("digest %s for %s: %s", row.schedule_id, row.slot_time, INTERRUPTED)
            if row.created_by:
                text = failure_dm_text(row.channel_id, row.slot_time, INTERRUPTED)
                self.submit(lambda user=row.created_by, text=text: self.dm(user, text))

    def close(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def sync(self, schedule: Schedule) -> None:
        """Add, replace or (when disabled) remove the cron job of a schedule."""
        if not schedule.enabled:
            if self._aps.get_job(job_id(schedule.id)):
                self._aps.remove_job(job_id(schedule.id))
            return
        self._aps.add_job(
            self.fire,
            slots.trigger(schedule.weekday, schedule.time, schedule.timezone),
            args=[schedule.id],
            id=job_id(schedule.id),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(self.grace.total_seconds()),
        )

    def submit(self, work: Callable[[], object]) -> None:
        """Run ``work`` once, as soon as a "now" thread is free, however long that takes."""
        self._aps.add_job(work, executor="now", misfire_grace_time=None)

    def next_slot(self, schedule: Schedule) -> dt.datetime:
        """The schedule's next slot after the scheduler's clock."""
        return slots.next_slot(schedule.weekday, schedule.time, schedule.timezone, self.clock())

    # firing ---------------------------------------------------------------------------------

    def fire(self, schedule_id: int) -> str:
        """A cron tick: post the schedule's latest slot (see ``post_slot``); returns what happened."""
        with storage.connect(self.db_path) as db:
            schedule = storage.schedule_by_id(db, schedule_id)
        if schedule is None or not schedule.enabled:
            return "none"
        now = self.clock()
        slot = slots.last_slot(schedule.weekday, schedule.time, schedule.timezone, now)
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
            slot = slots.last_slot(schedule.weekday, schedule.time, schedule.timezone, now)
            with storage.connect(self.db_path) as db:
                recorded = storage.digest_post(db, schedule.id, slot) is not None
            decision = slots.catch_up(
                slot, now, grace=self.grace, created_at=_created(schedule), recorded=recorded
            )
            if decision == "post":
                done[schedule.id] = self.post_slot(schedule, slot)
            elif decision == "skip":
                done[schedule.id] = self.skip_slot(schedule, slot)
        return done

    def skip_slot(self, schedule: Schedule, slot: dt.datetime) -> str:
        """Record a slot too late to post as 'skipped' (the next digest mentions it)."""
        with storage.connect(self.db_path) as db:
            if not storage.claim_digest_slot(db, schedule.id, slot):
                return "duplicate"
            storage.mark_digest(db, schedule.id, slot, "skipped", error="missed while offline")
        log.info("digest %s for %s skipped: too late", schedule.id, slots.slot_key(slot))
        return "skipped"

    def post_slot(self, schedule: Schedule, slot: dt.datetime) -> str:
        """Claim the slot, refresh, post; 'sent', 'failed' (creator DM'd) or 'duplicate'.

        The claim is committed before anything is posted, so two ticks, a restart or a
        retry never post twice; 'sent' is recorded only after Slack accepted the message.
        """
        sid = schedule.id
        with storage.connect(self.db_path) as db:
            if not storage.claim_digest_slot(db, sid, slot):
                return "duplicate"
            skipped = storage.skipped_since_last_sent(db, sid)
        request = RefreshRequest(
            db_path=self.db_path, data_dir=self.data_dir, scope=schedule.scope,
            as_of=slots.local_date(slot, schedule.timezone), k_mode=schedule.k_mode or "keep",
            trigger="schedule", requested_by=schedule.created_by, skipped=tuple(skipped),
        )  # fmt: skip
        try:
            ts = self.deliver(self.refresher(partial(refresh, self.live(request))))
        except Exception as e:
            why = posting.reason(e)
            log.error("digest %s for %s failed: %s", sid, slots.slot_key(slot), why, exc_info=e)
            with storage.connect(self.db_path) as db:
                storage.mark_digest(db, sid, slot, "failed", error=why)
            if schedule.created_by:
                self.dm(
                    schedule.created_by,
                    failure_dm_text(schedule.channel_id, slots.slot_key(slot), why),
                )
            return "failed"
        with storage.connect(self.db_path) as db:
            storage.mark_digest(db, sid, slot, "sent", message_ts=ts)
        return "sent"

    # on demand ------------------------------------------------------------------------------

    def post_now(self, request: RefreshRequest, user_id: str) -> None:
        """Refresh and post in the background; a failure is told to ``user_id`` by DM."""

        def work() -> None:
            try:
                self.deliver(self.refresher(partial(refresh, self.live(request))))
            except Exception as e:
                text = error_text(e, context="posting the digest now")
                self.dm(user_id, f"I couldn't post the digest: {text}")

        self.submit(work)

    def deliver(self, digest: Digest) -> str:
        """Post the digest; once it is in the channel, its run is the one the next digest
        compares with. Returns the message ts."""
        ts = posting.post_digest(self.client, digest)
        with storage.connect(self.db_path) as db:
            storage.mark_digested(db, digest.run_id, digest.scope)
        return ts

    def live(self, request: RefreshRequest) -> RefreshRequest:
        """The request, reading the connected source its channel is bound to (if any).

        Raises UserError when that source is no longer given to the channel: the digest fails
        with that sentence rather than quietly segmenting an old upload.
        """
        with storage.connect(self.db_path) as db:
            source = bound_source(db, self.sources, request.scope)
        return request if source is None else replace(request, live=True, source=source)

    def post_campaign_endings(self) -> int:
        """Each campaign whose window ended gets its last read-out in its channel, once."""
        today = self.clock().date()
        return campaign_ends.post_endings(
            self.client, self.db_path, self.data_dir, today, catalog=self.sources
        )

    def dm(self, user_id: str, text: str) -> bool:
        """A direct message to ``user_id`` (False, logged, if it could not be sent)."""
        return posting.send_dm(self.client, user_id, text)
