"""Campaigns whose window has ended: each one's last read-out, claimed once to be posted.

The scheduler asks every hour; a campaign is claimed (``storage.claim_final_post``) before
it is read out, so two bots, or a tick and a restart, never post the same ending twice. A
read-out that cannot be made (the data do not reach the start, a source that fails) is
still the campaign's ending: its sentence says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import storage
from segmentation.errors import ExportError
from sources import Catalog
from storage import Campaign
from workflows.campaign_report import Report, campaign_report
from workflows.errors import UserError
from workflows.runs import Where


@dataclass(frozen=True)
class Ending:
    """A campaign's last read-out (``report``), or the sentence saying why there is none."""

    campaign: Campaign
    report: Report | None
    reason: str | None = None


def ended_campaigns(
    db_path: Path, data_dir: Path, today: dt.date, *, catalog: Catalog
) -> list[Ending]:
    """The campaigns (of every channel) whose window ended before ``today``, each claimed
    and read out once: what to post."""
    with storage.connect(db_path) as db:
        due = [c for c in storage.campaigns_ended(db, today) if storage.claim_final_post(db, c.id)]
    endings = []
    for campaign in due:
        where = Where(
            scope=storage.Scope(campaign.team_id, campaign.channel_id), user_id=None,
            db_path=db_path, data_dir=data_dir,
        )  # fmt: skip
        try:
            endings.append(Ending(campaign, campaign_report(where, campaign.name, catalog=catalog)))
        except (UserError, ExportError) as e:
            endings.append(Ending(campaign, None, str(e)))
    return endings
