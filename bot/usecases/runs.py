"""Segmenting a stored dataset again: ``/segment run`` and the **Re-run with k =** select."""

from __future__ import annotations

import storage
from bot.errors import GONE, NO_DATASET, UserError
from bot.jobs.queue import new_job_id
from bot.jobs.tasks import RunTask
from bot.render.blocks import echo
from bot.requests import Run, parse_id, parse_k
from bot.slack.posting import post
from bot.usecases import sources
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.currency import channel_currency
from bot.usecases.uploads import enqueue, where
from segmentation.summary import RunParams
from storage import Dataset, RunRecord


def run(deps: Deps, place: Place, request: Run) -> None:
    """Segment the channel's source, or its latest export again; status and results in the
    channel."""
    dataset = sources.channel_dataset(deps, place)  # the source it reads, else its latest export
    if dataset is None:
        raise UserError(NO_DATASET)
    params = RunParams(k=request.k, as_of=request.as_of)
    start(deps, place, dataset, params, trigger="command", asked="again")


def rerun(
    deps: Deps, place: Place, run_id: str, k: str, thread_ts: str | None = None
) -> Reply | None:
    """The **Re-run with k =** select: the run's own dataset, segmented again with ``k``.

    With ``thread_ts`` (the results' thread) the notice goes to the user first, then status
    and results follow in that thread; nothing is answered after the job is queued.
    """
    with storage.connect(deps.settings.db_path) as db:
        shown = run_of(db, place, run_id)
        dataset = storage.dataset_for(db, shown.dataset_id, place.scope)
    if dataset is None:
        raise UserError(GONE)
    params = RunParams(k=parse_k(k), random_state=shown.params.random_state)
    notice = f"Re-running with k={params.k}; the results will appear in "
    if thread_ts is None:
        start(deps, place, dataset, params, trigger="button", asked="again")
        return Reply(notice + "the channel.")
    deps.client.chat_postEphemeral(
        channel=place.channel_id, user=place.user_id, text=notice + "the thread.",
        thread_ts=thread_ts,
    )  # fmt: skip
    start(deps, place, dataset, params, trigger="button", asked="again", thread_ts=thread_ts)
    return None


def start(
    deps: Deps,
    place: Place,
    dataset: Dataset,
    params: RunParams,
    *,
    trigger: str,
    asked: str,
    thread_ts: str | None = None,
) -> None:
    """Say what is being re-run, then queue it; the results follow in that message's thread
    (or in ``thread_ts``, the thread of the results it was asked from), titled as a re-run."""
    if dataset.source is not None:  # a connected source: queried again, in a worker
        sources.start_source(deps, place, dataset, params, trigger=trigger, thread_ts=thread_ts)
        return
    name = dataset.file_name
    k = f" with k={params.k}" if params.k else ""
    status = post(
        deps.client,
        place.channel_id,
        f"<@{place.user_id}> asked me to segment `{echo(name)}` {asked}{k}.",
        thread_ts=thread_ts,
    )
    task = RunTask(
        job_id=new_job_id(),
        where=where(deps, place),
        dataset_id=dataset.id,
        params=params,
        trigger=trigger,
        currency=channel_currency(deps, place),
    )
    title = f"Re-run of {name}" + (f" with k = {params.k}" if params.k else "")
    enqueue(
        deps, place, task, name=name, size=None, status=status, thread_ts=thread_ts or status,
        title=title,
    )  # fmt: skip


def latest_done_run(db: object, place: Place) -> RunRecord:
    """The channel's latest finished run; UserError saying what to do when there is none."""
    run_record = storage.latest_run(db, place.scope)
    if run_record is None:
        if storage.latest_dataset(db, place.scope) is None:
            raise UserError(NO_DATASET)
        raise UserError("No finished segmentation yet in this channel: try `/segment run`.")
    return run_record


def run_of(db: object, place: Place, run_id: str | None) -> RunRecord:
    """The run a button refers to (its id), or the latest one; never another channel's."""
    if run_id is None:
        return latest_done_run(db, place)
    found = storage.run_for(db, parse_id(run_id), place.scope)
    if found is None or found.summary is None:  # another channel's run, or a deleted one
        raise UserError(GONE)
    return found
