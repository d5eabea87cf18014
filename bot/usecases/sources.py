"""``/segment source [use NAME|off]``, and segmenting a channel from the source it reads.

The catalog of sources is the operator's (``Deps.sources``, loaded once at start); a channel
stores only the name of the one it reads (``storage.channel_sources``). A channel reading a
source is segmented from it, in a worker, at ``/segment run``: recency is measured to the
day of the run (the data is live), and the query's row counts are the audit's.
"""

from __future__ import annotations

import datetime as dt

import storage
from bot.errors import UserError
from bot.jobs.queue import new_job_id
from bot.jobs.tasks import SourceTask
from bot.render import sources as render
from bot.render.blocks import echo
from bot.requests import ShowSources, SourceOff, UseSource
from bot.slack.posting import post
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.currency import channel_currency
from bot.usecases.uploads import enqueue, where
from segmentation.summary import RunParams
from sources import Source, SourceError
from storage import Dataset
from workflows.bindings import bound_source, source_row


def show_sources(deps: Deps, place: Place, _request: ShowSources) -> Reply:
    """The sources this channel may use, with their descriptions, and the one it reads."""
    with storage.connect(deps.settings.db_path) as db:
        binding = storage.channel_source(db, place.scope)
    available = deps.sources.for_channel(place.channel_id)
    used = None if binding is None else binding.source
    usable = used is None or any(s.name.lower() == used.lower() for s in available)
    return Reply(render.sources_text(available, used, usable=usable))


def use_source(deps: Deps, place: Place, request: UseSource) -> Reply:
    """Read the source called ``request.name`` in this channel from now on."""
    try:
        source = deps.sources.require(request.name, place.channel_id)
    except SourceError as e:  # unknown, or not given to this channel: names the choices
        raise UserError(str(e)) from None
    with storage.connect(deps.settings.db_path) as db:
        storage.bind_source(db, place.scope, source.name, user_id=place.user_id)
        # The dataset row the source's runs are recorded against: the channel has data now.
        source_row(db, place.scope, source, place.user_id)
    return Reply(render.source_used_text(source))


def source_off(deps: Deps, place: Place, _request: SourceOff) -> Reply:
    """Stop reading a source: the channel's uploads are segmented again."""
    with storage.connect(deps.settings.db_path) as db:
        binding = storage.channel_source(db, place.scope)
        storage.unbind_source(db, place.scope)
        uploads = storage.latest_upload(db, place.scope) is not None
    was = None if binding is None else binding.source
    return Reply(render.source_off_text(was, has_uploads=uploads))


def source_of(deps: Deps, place: Place, dataset: Dataset) -> Source:
    """The source a source's dataset row stands for, if this channel may still read it."""
    assert dataset.source is not None
    source = deps.sources.get(dataset.source)
    if source is None or not source.allowed_in(place.channel_id):
        raise UserError(render.source_gone_text(dataset.source))
    return source


def channel_dataset(deps: Deps, place: Place) -> Dataset | None:
    """What ``/segment run`` segments: the dataset row of the source the channel reads, else
    its latest uploaded export (None: neither). UserError when its source is gone."""
    with storage.connect(deps.settings.db_path) as db:
        source = bound_source(db, deps.sources, place.scope)
        if source is None:
            return storage.latest_upload(db, place.scope)
        return source_row(db, place.scope, source, place.user_id)


def start_source(
    deps: Deps,
    place: Place,
    dataset: Dataset,
    params: RunParams,
    *,
    trigger: str,
    thread_ts: str | None = None,
) -> None:
    """Say the source is being read, then query and segment it in a worker; the results (or
    the one sentence naming what to fix) follow in that message's thread, or ``thread_ts``."""
    source = source_of(deps, place, dataset)
    today = deps.scheduler.clock().astimezone(dt.UTC).date()
    params = RunParams(
        k=params.k, as_of=params.as_of or today, random_state=params.random_state
    )  # live data: recency to the day of the run unless asked otherwise
    k = f" with k={params.k}" if params.k else ""
    status = post(
        deps.client,
        place.channel_id,
        f"<@{place.user_id}> asked me to segment source `{echo(source.name)}`{k}: "
        f"reading it now, recency measured to {params.as_of.isoformat()}.",
        thread_ts=thread_ts,
    )
    task = SourceTask(
        job_id=new_job_id(), where=where(deps, place), dataset_id=dataset.id, source=source,
        params=params, trigger=trigger, currency=channel_currency(deps, place),
    )  # fmt: skip
    enqueue(
        deps, place, task, name=source.name, size=None, status=status,
        thread_ts=thread_ts or status, title=f"Segments from source {source.name}",
    )  # fmt: skip


ROUTES = {ShowSources: show_sources, UseSource: use_source, SourceOff: source_off}
