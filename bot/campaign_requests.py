"""``/segment campaign …`` parsed into small typed requests (pure; unit-tested).

``parse_campaign(["start", "spring", "segment=2", "holdout=10%"])`` →
``StartCampaign(name="spring", segment="2", holdout=0.1)``. Mistakes raise ``UserError``
saying in plain words how to write it; the ranges (holdout, days, names) are checked once,
by the workflow.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.errors import UserError, quote

USAGE = (
    "Write `/segment campaign start NAME segment=S [holdout=10%] [days=30] [state=at_risk]`, "
    "`/segment campaign NAME`, `/segment campaign export NAME [as meta|google|email]` or "
    "`/segment campaign list`."
)
OPTIONS = ("segment", "holdout", "days", "state")
# Parse errors are escaped once, by the listener that acks them: quoted here unescaped.
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class StartCampaign:
    """Start a campaign called ``name`` from ``segment`` (an id or a name) of the latest run."""

    name: str
    segment: str
    holdout: float = 0.1
    days: int = 30
    state: str | None = None


@dataclass(frozen=True)
class CampaignReport:
    """The read-out of the campaign called ``name`` (None: the newest)."""

    name: str | None = None


@dataclass(frozen=True)
class ListCampaigns:
    """Every campaign of the channel, open and ended, with its verdict."""


@dataclass(frozen=True)
class ExportCampaign:
    """``export NAME [as meta|google|email]``: the members CSV (``is_holdout`` marked), or an ad
    platform's customer list of the treated group only."""

    name: str
    audience: str | None = None


CampaignCommand = StartCampaign | CampaignReport | ListCampaigns | ExportCampaign
AUDIENCES = ("meta", "google", "email")


def parse_campaign(text: str) -> CampaignCommand:
    """What follows ``campaign``: ``start NAME options…``, ``list``, or a name (or nothing)."""
    try:
        words = shlex.split(text.translate(QUOTES))
    except ValueError:
        raise UserError(f"A quote is not closed in `{quote(text.strip())}`. {USAGE}") from None
    if not words:
        return CampaignReport()
    if words[0].lower() == "list" and len(words) == 1:
        return ListCampaigns()
    if words[0].lower() == "export":
        return _export(words[1:])
    if words[0].lower() != "start":
        return CampaignReport(" ".join(words))
    name = " ".join(w for w in words[1:] if "=" not in w)
    options = dict(_option(w) for w in words[1:] if "=" in w)
    if "segment" not in options:
        raise UserError(f"Say which segment the campaign is for, e.g. `segment=2`. {USAGE}")
    return StartCampaign(
        name=name,
        segment=options["segment"],
        holdout=_share(options["holdout"]) if "holdout" in options else 0.1,
        days=_days(options["days"]) if "days" in options else 30,
        state=options.get("state"),
    )


def _export(words: list[str]) -> ExportCampaign:
    audience = None
    if len(words) >= 2 and words[-2].lower() == "as":
        audience, words = words[-1].lower(), words[:-2]
        if audience not in AUDIENCES:
            raise UserError(
                f"I can export audiences for `meta`, `google` or `email`, not `{quote(audience, 20)}`: "
                "e.g. `/segment campaign export autumn as meta`."
            )
    if not words:
        raise UserError("Name the campaign, e.g. `/segment campaign export autumn as meta`.")
    return ExportCampaign(" ".join(words), audience)


def _option(word: str) -> tuple[str, str]:
    key, _, value = word.partition("=")
    key = key.strip().lower()
    if key not in OPTIONS:
        raise UserError(f"I don't understand `{quote(word)}`. {USAGE}")
    return key, value.strip()


def _share(value: str) -> float:
    """``10%``, ``10`` (a percentage) or ``0.1`` (a fraction)."""
    text = value.removesuffix("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise UserError(
            f"`holdout={quote(value, 20)}` is not a share: write it as a percentage, e.g. "
            "`holdout=10%`."
        ) from None
    return number / 100 if value.endswith("%") or number >= 1 else number


def _days(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 4):
        raise UserError(
            f"`days={quote(value, 20)}` is not a number of days: write it as e.g. `days=30`."
        )
    return int(value)
