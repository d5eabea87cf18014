"""Listeners on views: the scheduling and campaign modals' submissions and the App Home's buttons."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.listeners.views.campaign_submitted import campaign_submitted
from bot.listeners.views.home_button import home_button
from bot.listeners.views.schedule_submitted import schedule_submitted
from bot.render.campaign_form import CAMPAIGN_MODAL
from bot.render.home import HOME_ACTIONS
from bot.render.schedule import SCHEDULE_MODAL


def register(app: App) -> None:
    app.view(SCHEDULE_MODAL)(schedule_submitted)
    app.view(CAMPAIGN_MODAL)(campaign_submitted)
    app.action(re.compile("^(" + "|".join(HOME_ACTIONS) + ")$"))(home_button)
