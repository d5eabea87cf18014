"""Every hour: each campaign whose window has ended gets its last read-out in its channel."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from slack_sdk import WebClient

from bot.render.campaigns import ending_blocks, ending_text
from bot.scheduling.posting import reason
from sources import Catalog
from workflows.campaign_endings import ended_campaigns

log = logging.getLogger("segbot.campaigns")
EVERY = dt.timedelta(hours=1)


def post_endings(
    client: WebClient, db_path: Path, data_dir: Path, today: dt.date, *, catalog: Catalog
) -> int:
    """Post the last read-out of each campaign whose window ended before ``today`` (each
    once: claimed before it is read); returns how many were posted."""
    posted = 0
    for ending in ended_campaigns(db_path, data_dir, today, catalog=catalog):
        channel = ending.campaign.channel_id
        try:
            client.chat_postMessage(
                channel=channel, text=ending_text(ending), blocks=ending_blocks(ending)
            )
            posted += 1
        except Exception as e:  # claimed: never posted twice, so the failure is logged
            log.error("campaign %s: last read-out not posted in %s: %s", ending.campaign.id,
                      channel, reason(e))  # fmt: skip
    return posted
