"""The bot's use cases: what an upload, a command or a click does, Slack I/O included.

Listeners call one method each; methods raise UserError (or ExportError) for problems the
user can fix, which the one error path turns into a plain reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient

import storage
from bot import queries, render
from bot.commands import Command, Customer, Datasets, Export, History, Run, Show, parse_k
from bot.digest.schedule_parse import DigestNow, ScheduleOff, SetSchedule, ShowSchedule
from bot.digest.service import DigestService
from bot.errors import UserError, describe
from bot.export import export_csv, pick_segment
from bot.jobs import Job, JobQueue, new_job_id
from bot.queries import Reply
from bot.settings import Settings
from bot.slack_io import INVITE, in_channel, send_to_user, too_large, upload_files
from bot.worker import Outcome, RunTask, UploadTask, Where

log = logging.getLogger("segbot")
DATA_TYPES = ("csv", "tsv", "txt", "xlsx", "parquet", "gz", "zip")


@dataclass(frozen=True)
class Place:
    """Where a request came from: a channel never sees another channel's data."""

    team_id: str
    channel_id: str
    user_id: str


def is_data_file(file: dict) -> bool:
    """CSV/TSV/TXT/XLSX/Parquet/GZ/ZIP by extension (Slack's filetype is unreliable)."""
    name = str(file.get("name") or "").lower()
    return name.rsplit(".", 1)[-1] in DATA_TYPES if "." in name else False


class Services:
    """Use cases bound to one workspace client, settings and job queue."""

    digests: DigestService | None = None  # schedules and digests, set by ``create_bot``

    def __init__(self, *, settings: Settings, client: WebClient, jobs: JobQueue) -> None:
        self.settings = settings
        self.client = client
        self.jobs = jobs

    def _where(self, place: Place) -> Where:
        s = self.settings
        return Where(
            team_id=place.team_id,
            channel_id=place.channel_id,
            user_id=place.user_id,
            db_path=s.db_path,
            data_dir=s.data_dir,
        )

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is seen (across threads, processes and restarts)."""
        with storage.connect(self.settings.db_path) as db:
            return storage.claim_event(db, key)

    # uploads ------------------------------------------------------------------------------

    def handle_upload(self, place: Place, file: dict, thread_ts: str) -> None:
        """Reply in the file's thread, then segment it in the background."""
        if not is_data_file(file) or not self.claim(f"file:{place.team_id}:{file['id']}"):
            return
        name, size = str(file.get("name")), int(file.get("size") or 0)
        status = self._post(
            place.channel_id, render.progress_text(name, size, "reading"), thread_ts
        )
        try:
            if size > self.settings.max_upload_bytes:
                raise too_large(name, size, self.settings.max_upload_bytes)
            task = UploadTask(
                job_id=new_job_id(),
                where=self._where(place),
                file_id=file["id"],
                name=name,
                url=str(file.get("url_private_download") or file.get("url_private") or ""),
                token=self.settings.bot_token,
                hosts=self.settings.file_hosts,
                max_bytes=self.settings.max_upload_bytes,
            )
            self._enqueue(task, place, name, size, status, thread_ts)
        except Exception as e:
            self._update(
                place.channel_id,
                status,
                render.failure_text(name, describe(e, context=f"queueing {name}")),
            )

    def run(
        self, place: Place, request: Run, *, dataset_id: int | None = None, trigger: str = "command"
    ) -> None:
        """Segment the channel's latest dataset (or ``dataset_id``) again; results in the channel."""
        with storage.connect(self.settings.db_path) as db:
            if dataset_id is None:
                dataset = storage.latest_dataset(db, place.team_id, place.channel_id)
            else:
                dataset = storage.dataset_for(
                    db, dataset_id, team_id=place.team_id, channel_id=place.channel_id
                )
        if dataset is None:
            raise UserError(render.NO_DATASET)
        name = dataset["file_name"]
        k = f" with k={request.k}" if request.k else ""
        status = self._post(
            place.channel_id, f"<@{place.user_id}> asked me to segment `{name}` again{k}.", None
        )
        task = RunTask(
            job_id=new_job_id(),
            where=self._where(place),
            dataset_id=dataset["id"],
            name=name,
            k=request.k,
            as_of=request.as_of,
            rows_read=dataset.get("rows_read"),
            trigger=trigger,
        )
        self._enqueue(task, place, name, None, status, status)

    def _enqueue(
        self, task, place: Place, name: str, size: int | None, status: str, thread_ts: str
    ) -> None:  # noqa: ANN001
        channel = place.channel_id

        def progress(stage: str) -> None:
            self._update(channel, status, render.progress_text(name, size, stage))

        def done(outcome: Outcome | None, error: BaseException | None) -> None:
            if error is not None:
                text = render.failure_text(name, describe(error, context=f"segmenting {name}"))
                self._update(channel, status, text)
                return
            self._update(
                channel,
                status,
                render.progress_text(name, size, "done").rstrip("…") + ": results below.",
            )
            self.post_results(channel, outcome, thread_ts=thread_ts, title=f"Segments of {name}")

        position = self.jobs.submit(Job(task=task, name=name, on_progress=progress, on_done=done))
        if position:
            self._update(
                channel, status, render.progress_text(name, size, "queued", position=position)
            )

    def post_results(self, channel: str, outcome: Outcome, *, thread_ts: str, title: str) -> None:
        """The summary (Block Kit + text fallback), then the four charts in ONE upload call."""
        self._post(
            channel,
            render.results_text(outcome.summary, title=title),
            thread_ts,
            blocks=render.results_blocks(outcome.summary, run_id=outcome.run_id, title=title),
        )
        if outcome.charts:
            upload_files(self.client, channel=channel, files=outcome.charts, thread_ts=thread_ts)

    # slack helpers --------------------------------------------------------------------------

    def _post(
        self, channel: str, text: str, thread_ts: str | None, blocks: list | None = None
    ) -> str:
        call: Callable = lambda: self.client.chat_postMessage(  # noqa: E731
            channel=channel, text=text, thread_ts=thread_ts, blocks=blocks
        )
        return in_channel(self.client, channel, call)["ts"]

    def _update(self, channel: str, ts: str, text: str) -> None:
        self.client.chat_update(channel=channel, ts=ts, text=text)

    def check_member(self, channel_id: str) -> None:
        """UserError saying how to invite the bot when it is not in ``channel_id``."""
        if channel_id.startswith("D"):
            return
        try:
            info = self.client.conversations_info(channel=channel_id)["channel"]
        except Exception as e:
            raise UserError(INVITE) from e
        if not info.get("is_member") and not info.get("is_im"):
            raise UserError(INVITE)

    # commands and buttons -------------------------------------------------------------------

    def command(self, place: Place, request: Command) -> Reply | None:
        """Answer a parsed ``/segment`` request (help is answered in the ack itself)."""
        self.check_member(place.channel_id)
        if isinstance(request, Run):
            self.run(place, request)
            return None
        if isinstance(request, Export):
            return self.export_run(place, None, request.segment)
        if isinstance(request, SetSchedule | ShowSchedule | ScheduleOff | DigestNow):
            return self.digests.handle(place, request)
        with storage.connect(self.settings.db_path) as db:
            if isinstance(request, Show):
                return queries.show(db, place.team_id, place.channel_id)
            if isinstance(request, Customer):
                return queries.customer(db, place.team_id, place.channel_id, request.customer_id)
            if isinstance(request, History):
                return queries.history(db, place.team_id, place.channel_id)
            if isinstance(request, Datasets):
                return queries.datasets(db, place.team_id, place.channel_id)
        return Reply(render.help_text())

    def _run_of(self, db: object, place: Place, run_id: str | None) -> dict:
        if run_id is None:
            return queries.latest_done_run(db, place.team_id, place.channel_id)
        run = storage.run_for(db, int(run_id), team_id=place.team_id, channel_id=place.channel_id)
        if run is None:  # another channel's run, or a deleted one: never shown here
            raise UserError("Those results are not available in this channel any more.")
        return run

    def rerun(self, place: Place, run_id: str, k: str) -> Reply:
        """The **Re-run with k =** select: the run's own dataset, segmented again with ``k``."""
        with storage.connect(self.settings.db_path) as db:
            run = self._run_of(db, place, run_id)
        self.run(place, Run(k=parse_k(k)), dataset_id=run["dataset_id"], trigger="button")
        return Reply(f"Re-running with k={k}; the results will appear in the channel.")

    def export_run(self, place: Place, run_id: str | None, segment: str | None) -> Reply:
        """The safe CSV of a run (all segments or one), uploaded to the user in a DM."""
        with storage.connect(self.settings.db_path) as db:
            run = self._run_of(db, place, run_id)
            summary = queries.decoded(run["summary"])
            ids = None if segment is None else [pick_segment(summary["segments"], segment)["id"]]
            customers = storage.assignments_for(
                db, run["id"], team_id=place.team_id, channel_id=place.channel_id
            )
        data = export_csv(customers, summary["segments"], ids).encode("utf-8-sig")
        label = (
            "all segments" if ids is None else pick_segment(summary["segments"], segment)["name"]
        )
        name = f"segments-run-{run['id']}.csv"
        send_to_user(
            self.client,
            user_id=place.user_id,
            name=name,
            data=data,
            comment=f"Customers of {label} (run #{run['id']}).",
        )
        return Reply(f"I've sent you `{name}` ({label}) in a direct message.")
