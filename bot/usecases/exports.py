"""The per-customer CSV of a run (all segments or one) and its audiences (Meta, Google, an
e-mail tool), sent to the asking user by DM."""

from __future__ import annotations

from collections.abc import Sequence

import storage
from bot.errors import UserError, quote
from bot.slack.files import send_to_user
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.runs import run_of
from bot.usecases.uploads import where
from segmentation.audiences import AudienceList
from segmentation.report import customers_csv
from segmentation.summary import Segment
from workflows.audiences import PLATFORMS, left_out_text, run_audience


def pick_segment(segments: Sequence[Segment], wanted: str) -> Segment:
    """The segment whose id is ``wanted`` or whose name contains it (case-insensitive)."""
    text = wanted.strip().lower()
    for s in segments:
        if text == str(s.id) or text == s.name.lower():
            return s
    matches = [s for s in segments if text in s.name.lower()]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f"{s.id} ({s.name})" for s in segments)
    raise UserError(f"Which segment is `{quote(wanted)}`? Use `all` or one of: {names}.")


EMAIL_TOOL_OFF = (
    "The e-mail tool export is off on this bot: it holds raw e-mail addresses and names, so "
    "only the bot's operator can turn it on (SEGBOT_EMAIL_TOOL_EXPORT=true)."
)


def check_platform(deps: Deps, platform: str) -> None:
    """Refuse a list nobody can ask for: an unknown platform, or the e-mail tool's when the
    operator has not turned it on."""
    if platform not in PLATFORMS:
        raise UserError("I can export audiences for `meta`, `google` or `email` only.")
    if platform == "email" and not deps.settings.email_tool_export:
        raise UserError(EMAIL_TOOL_OFF)


def what_was_sent(made: AudienceList, platform: str) -> str:
    """What the list holds, in words: hashed contacts for an ad platform, raw e-mails for an
    e-mail tool. Counts only."""
    who = f"{made.rows:,} customer{'' if made.rows == 1 else 's'}"
    if platform == "email":
        return f"{who}: e-mail, first and last name, their segment as a tag"
    return f"{who}, contacts SHA-256 hashed as {PLATFORMS[platform]} asks"


def export_audience(
    deps: Deps, place: Place, run_id: str | None, segment: str | None, platform: str
) -> Reply:
    """A run's customers (all or one segment) as a customer list for ``platform`` (Meta,
    Google or an e-mail tool), sent by DM to the person who asked; the channel's answer says
    so, with counts and never a contact."""
    check_platform(deps, platform)
    with storage.connect(deps.settings.db_path) as db:
        run = run_of(db, place, run_id)
    picked = None if segment is None else pick_segment(run.summary.segments, segment)
    made = run_audience(
        where(deps, place), run, None if picked is None else picked.id, platform,
        catalog=deps.sources,
    )  # fmt: skip
    label = "all segments" if picked is None else picked.name
    name = f"audience-{platform}-run-{run.id}.csv"
    sent = what_was_sent(made, platform)
    left_out = left_out_text(made)
    send_to_user(
        deps.client,
        user_id=place.user_id,
        name=name,
        data=made.data,
        comment=f"{label} (run #{run.id}), for {PLATFORMS[platform]}: {sent}.{left_out}",
    )
    return Reply(
        f"I've sent you `{name}` privately, in a direct message ({label}: {sent}): upload it "
        f"as a customer list in {PLATFORMS[platform]}.{left_out}"
    )


def export_run(deps: Deps, place: Place, run_id: str | None, segment: str | None) -> Reply:
    """The spreadsheet-safe CSV of a run (``run_id`` None: the latest), uploaded by DM."""
    with storage.connect(deps.settings.db_path) as db:
        run = run_of(db, place, run_id)
        customers = storage.assignments_for(db, run.id, place.scope)
    segments = run.summary.segments
    picked = None if segment is None else pick_segment(segments, segment)
    names = {s.id: s.name for s in segments}
    ids = None if picked is None else [picked.id]
    data = customers_csv(customers, names, segment_ids=ids).encode("utf-8-sig")
    label = "all segments" if picked is None else picked.name
    name = f"segments-run-{run.id}.csv"
    send_to_user(
        deps.client,
        user_id=place.user_id,
        name=name,
        data=data,
        comment=f"Customers of {label} (run #{run.id}).",
    )
    return Reply(f"I've sent you `{name}` ({label}) in a direct message.")
