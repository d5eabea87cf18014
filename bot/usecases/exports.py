"""The per-customer CSV of a run (all segments or one), sent to the asking user by DM."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import storage
from bot.errors import UserError, quote
from bot.slack.files import send_to_user
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.runs import run_of
from segmentation.report import customers_csv
from segmentation.summary import Segment


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


# The column header each platform's customer-list upload reads e-mail addresses from: Meta
# Custom Audiences ("email") and Google Ads Customer Match ("Email"). Both take SHA-256 hex of
# the address trimmed and lower-cased; Google also drops the dots before the domain of
# gmail.com and googlemail.com addresses (Gmail ignores them), else its hashes never match.
AUDIENCE_HEADERS = {"meta": "email", "google": "Email"}
AUDIENCE_NAMES = {"meta": "Meta Custom Audiences", "google": "Google Customer Match"}
NO_EMAILS = "This export has no e-mail addresses, so there is nothing an ad platform can match."
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


def normalised_email(value: object, platform: str = "meta") -> str | None:
    """``value`` as ``platform`` hashes it when it is an e-mail address (trimmed and
    lower-cased; for Google, a Gmail address's dots dropped), else None."""
    text = str(value).strip().lower()
    if not _EMAIL.fullmatch(text):
        return None
    local, _, domain = text.rpartition("@")
    if platform == "google" and domain in GMAIL_DOMAINS:
        return f"{local.replace('.', '')}@{domain}"
    return text


def audience_csv(customer_ids: Iterable[object], platform: str) -> tuple[bytes, int]:
    """The platform's customer-list CSV of the ids that are e-mail addresses (normalised,
    SHA-256 hashed, each once) and how many rows it has."""
    hashed = dict.fromkeys(
        hashlib.sha256(email.encode("utf-8")).hexdigest()
        for email in (normalised_email(value, platform) for value in customer_ids)
        if email is not None
    )
    lines = [AUDIENCE_HEADERS[platform], *hashed]
    return ("\n".join(lines) + "\n").encode("utf-8"), len(hashed)


def export_audience(
    deps: Deps, place: Place, run_id: str | None, segment: str | None, platform: str
) -> Reply:
    """A run's customers (all or one segment) as a Meta or Google customer list, by DM.

    Customers are matched on e-mail: the customer ids must be e-mail addresses. Without any
    nothing is sent and the answer says why.
    """
    if platform not in AUDIENCE_HEADERS:
        raise UserError("I can export audiences for `meta` or `google` only.")
    with storage.connect(deps.settings.db_path) as db:
        run = run_of(db, place, run_id)
        customers = storage.assignments_for(db, run.id, place.scope)
    picked = None if segment is None else pick_segment(run.summary.segments, segment)
    if picked is not None:
        customers = customers[customers["segment"] == picked.id]
    data, rows = audience_csv(customers.index, platform)
    if rows == 0:
        raise UserError(NO_EMAILS)
    label = "all segments" if picked is None else picked.name
    name = f"audience-{platform}-run-{run.id}.csv"
    left_out = len(customers) - rows
    skipped = f" ({left_out:,} customers without an e-mail left out)" if left_out else ""
    send_to_user(
        deps.client,
        user_id=place.user_id,
        name=name,
        data=data,
        comment=f"{rows:,} hashed e-mails of {label} (run #{run.id}) for "
        f"{AUDIENCE_NAMES[platform]}{skipped}.",
    )
    return Reply(
        f"I've sent you `{name}` ({rows:,} SHA-256 hashed e-mails, {label}) in a direct "
        f"message: upload it as a customer list in {AUDIENCE_NAMES[platform]}.{skipped}"
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
