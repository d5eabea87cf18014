"""Telling segbot which columns to use: the mapping selects, their *Segment* button and
``/segment map field=Column …``.

The pick of each select is stored as it is made (Slack sends the other selects' state only
on some surfaces), so *Segment* runs the upload with what the message shows. A mapping is
checked against the file's columns before anything is stored or queued; once it is used it
is remembered for the channel's uploads with the same header.
"""

from __future__ import annotations

import storage
from bot.errors import UserError, quote
from bot.jobs.queue import new_job_id
from bot.jobs.tasks import UploadTask
from bot.render.blocks import echo, section
from bot.render.mapping import MAP_COLUMN_ACTION, mapped_text
from bot.render.progress import progress_text
from bot.requests import Map, parse_id
from bot.slack.posting import post
from bot.usecases.ask_mapping import column_in
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.currency import channel_currency
from bot.usecases.uploads import enqueue, where
from segmentation.load.columns import FIELDS
from storage.mappings import (
    ANY_HEADER,
    MappingRequest,
    choose_column,
    mapping_request,
    remember_mapping,
    set_mapping_request_state,
)

GONE = "That file is not waiting for its columns any more: share it again to start over."
USED = "That file is already being segmented again with the columns picked."


def choose(deps: Deps, place: Place, value: str) -> None:
    """A select of the mapping message: keep the column picked for its field."""
    request_id, field, index = _parse_option(value)
    with storage.connect(deps.settings.db_path) as db:
        found = mapping_request(db, place.scope, request_id)
        if found is None or not 0 <= index < len(found.headers):
            raise UserError(GONE)
        choose_column(db, place.scope, request_id, field, found.headers[index])


def segment(deps: Deps, place: Place, value: str, state: dict) -> None:
    """*Segment*: run the upload again with the columns picked (stored picks, then any the
    payload's state carries)."""
    with storage.connect(deps.settings.db_path) as db:
        found = mapping_request(db, place.scope, parse_id(value))
    if found is None:
        raise UserError(GONE)
    picks = {**found.choices, **_state_picks(state, found)}
    restart(deps, place, found, picks)


def map_command(deps: Deps, place: Place, request: Map) -> Reply:
    """``/segment map``: for the channel's upload waiting for columns, or the next one."""
    given = dict(request.columns)
    unknown = [f for f in given if f not in FIELDS]
    if unknown:
        raise UserError(
            f"`{quote(unknown[0])}` is not a field I use. Fields are: {', '.join(FIELDS)}."
        )
    with storage.connect(deps.settings.db_path) as db:
        waiting = mapping_request(db, place.scope)
        if waiting is None:
            remember_mapping(db, place.scope, ANY_HEADER, given, user_id=place.user_id)
    if waiting is None:
        listed = ", ".join(f"{f} = `{echo(c)}`" for f, c in given.items())
        return Reply(
            f"No upload here is waiting for its columns. I'll use {listed} for the next export "
            "shared in this channel whose columns I can't guess."
        )
    columns = {}
    for field, column in given.items():
        found = column_in(waiting.headers, column)
        if found is None:
            raise UserError(
                f"`{quote(waiting.file_name)}` has no column `{quote(column)}`: its columns are "
                f"{_listing(waiting.headers)}."
            )
        columns[field] = found
    restart(deps, place, waiting, {**waiting.choices, **columns})
    return Reply(f"Segmenting `{echo(waiting.file_name)}` again with those columns, in its thread.")


def restart(deps: Deps, place: Place, waiting: MappingRequest, mapping: dict[str, str]) -> None:
    """Queue the waiting upload with ``mapping`` and remember it for this header.

    The request is claimed first (a double click queues once) and given back if queueing
    fails, so nothing is left half done.
    """
    left = [f for f in waiting.missing if f not in mapping]
    if left:
        raise UserError(f"Pick a column for {', '.join(left)} first.")
    scope, settings = place.scope, deps.settings
    with storage.connect(settings.db_path) as db:
        if not set_mapping_request_state(db, scope, waiting.id, "used", was="open"):
            raise UserError(USED if waiting.state == "used" else GONE)
    try:
        _queue(deps, place, waiting, mapping)
    except BaseException:
        with storage.connect(settings.db_path) as db:
            set_mapping_request_state(db, scope, waiting.id, "open", was="used")
        raise
    with storage.connect(settings.db_path) as db:
        remember_mapping(db, scope, waiting.header_hash, mapping, user_id=place.user_id)
    if waiting.question_ts:
        text = mapped_text(waiting.file_name, mapping)
        deps.client.chat_update(
            channel=place.channel_id, ts=waiting.question_ts, text=text, blocks=[section(text)]
        )


def _queue(deps: Deps, place: Place, waiting: MappingRequest, mapping: dict[str, str]) -> None:
    settings, name = deps.settings, waiting.file_name
    task = UploadTask(
        job_id=new_job_id(),
        where=where(deps, place),
        file_id=waiting.file_id,
        name=name,
        url=waiting.url,
        token=settings.bot_token,
        hosts=settings.file_hosts,
        max_bytes=settings.max_upload_bytes,
        currency=channel_currency(deps, place),
        mapping=mapping,
        kept=waiting.kept,
    )
    status = post(
        deps.client,
        place.channel_id,
        progress_text(name, waiting.size, "reading"),
        thread_ts=waiting.thread_ts,
    )
    enqueue(
        deps, place, task, name=name, size=waiting.size, status=status,
        thread_ts=waiting.thread_ts,
    )  # fmt: skip


def _parse_option(value: str) -> tuple[int, str, int]:
    request_id, field, index = (value.split(":") + ["", "", ""])[:3]
    if field not in FIELDS:
        raise UserError(GONE)
    return parse_id(request_id), field, parse_id(index)


def _state_picks(state: dict, waiting: MappingRequest) -> dict[str, str]:
    """Columns the payload's ``state.values`` shows for this request's selects."""
    picks = {}
    for block in (state or {}).get("values", {}).values():
        for action_id, element in block.items():
            option = (element or {}).get("selected_option") or {}
            if not action_id.startswith(MAP_COLUMN_ACTION) or not option.get("value"):
                continue
            request_id, field, index = _parse_option(option["value"])
            if request_id == waiting.id and index < len(waiting.headers):
                picks[field] = waiting.headers[index]
    return picks


def _listing(headers: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{quote(h)}`" for h in headers[:20])
    return shown + (f" and {len(headers) - 20} more" if len(headers) > 20 else "")
