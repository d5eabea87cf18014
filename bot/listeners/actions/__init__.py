"""Buttons and selects: on the results (Export CSV, Re-run with k =, Schedule weekly digest,
Export audience), on the digest (Export CSV of the movers) and on the column-mapping
question (its selects and *Segment*) and on the add/replace question of a new upload."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.listeners.actions.append import append_choice
from bot.listeners.actions.audience import audience
from bot.listeners.actions.campaign import start_campaign
from bot.listeners.actions.export_csv import export_csv
from bot.listeners.actions.export_movers import export_movers_csv
from bot.listeners.actions.mapping import column_mapping
from bot.listeners.actions.rerun import rerun
from bot.listeners.actions.schedule_digest import schedule_digest
from bot.render.appends import ADD_ACTION, REPLACE_ACTION
from bot.render.campaign_form import CAMPAIGN_ACTION
from bot.render.digest import MOVERS_ACTION
from bot.render.mapping import MAP_COLUMN_ACTION, MAP_SEGMENT_ACTION
from bot.render.results import AUDIENCE_ACTION, EXPORT_ACTION, RERUN_ACTION
from bot.render.schedule import SCHEDULE_ACTION


def register(app: App) -> None:
    app.action(EXPORT_ACTION)(export_csv)
    app.action(RERUN_ACTION)(rerun)
    app.action(SCHEDULE_ACTION)(schedule_digest)
    app.action(MOVERS_ACTION)(export_movers_csv)
    app.action(AUDIENCE_ACTION)(audience)
    app.action(CAMPAIGN_ACTION)(start_campaign)
    mapping = f"^({MAP_COLUMN_ACTION}_[a-z]+|{MAP_SEGMENT_ACTION})$"
    app.action(re.compile(mapping))(column_mapping)
    app.action(re.compile(f"^({ADD_ACTION}|{REPLACE_ACTION})$"))(append_choice)
