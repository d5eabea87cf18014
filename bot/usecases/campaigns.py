"""``/segment campaign start|list|NAME``: the campaign workflows, answered in the channel's
own scope (a campaign, its members and its runs are never another channel's)."""

from __future__ import annotations

import datetime as dt

from bot.campaign_requests import CampaignReport, ExportCampaign, ListCampaigns, StartCampaign
from bot.render import campaigns as render
from bot.render.blocks import echo
from bot.slack.files import send_to_user
from bot.usecases.context import Deps, Place, Reply
from bot.usecases.exports import check_platform, what_was_sent
from bot.usecases.uploads import where
from workflows.audiences import PLATFORMS, campaign_audience, left_out_text
from workflows.campaign_report import campaign_report
from workflows.campaigns import (
    Started,
    StartRequest,
    campaign_list,
    campaign_members,
    members_csv,
    start_campaign,
)


def start(deps: Deps, place: Place, request: StartCampaign) -> Reply:
    """Draw the holdout of the latest run's segment and say what the campaign can detect."""
    started = start_campaign(
        where(deps, place),
        StartRequest(
            name=request.name, segment=request.segment, state=request.state,
            holdout=request.holdout, days=request.days, start=today(),
        ),
    )  # fmt: skip
    send_members(deps, place, started)
    return Reply(render.started_text(started), render.started_blocks(started))


def send_members(deps: Deps, place: Place, started: Started) -> None:
    """The members CSV (``is_holdout`` marked) to the user who started it, by DM: the audience
    to contact is the rows not held out."""
    c = started.campaign
    send_to_user(
        deps.client, user_id=place.user_id, name=started.members_csv.name,
        data=started.members_csv.read_bytes(),
        comment=f"Members of campaign `{echo(c.name)}`: contact the {c.treated:,} rows with "
        f"is_holdout false; the {c.held_out:,} held out get nothing.",
    )  # fmt: skip


def report(deps: Deps, place: Place, request: CampaignReport) -> Reply:
    """The campaign's read-out from the channel's stored data (the newest without a name)."""
    found = campaign_report(where(deps, place), request.name, catalog=deps.sources)
    return Reply(render.report_text(found), render.report_blocks(found))


def listing(deps: Deps, place: Place, _request: ListCampaigns) -> Reply:
    return Reply(render.list_text(campaign_list(where(deps, place)), today()))


def export(deps: Deps, place: Place, request: ExportCampaign) -> Reply:
    """The members CSV by DM, or the treated group (never the holdout) as a customer list for
    an ad platform (hashed contacts) or an e-mail tool."""
    campaign, members = campaign_members(where(deps, place), request.name)
    if request.audience is None:
        name = f"campaign-{campaign.id}-members.csv"
        send_to_user(
            deps.client, user_id=place.user_id, name=name, data=members_csv(members).encode(),
            comment=f"Members of campaign `{echo(campaign.name)}` (is_holdout marked).",
        )  # fmt: skip
        return Reply(
            f"I've sent you `{name}` (every member, is_holdout marked) in a direct message."
        )
    check_platform(deps, request.audience)
    made = campaign_audience(
        where(deps, place), campaign, members, request.audience, catalog=deps.sources
    )
    name = f"campaign-{campaign.id}-{request.audience}.csv"
    sent = what_was_sent(made, request.audience)
    left_out = left_out_text(made)
    send_to_user(
        deps.client, user_id=place.user_id, name=name, data=made.data,
        comment=f"Campaign `{echo(campaign.name)}`'s treated group for "
        f"{PLATFORMS[request.audience]}: {sent}; the {campaign.held_out:,} held out are not "
        f"in it.{left_out}",
    )  # fmt: skip
    return Reply(
        f"I've sent you `{name}` privately, in a direct message (the treated group only: "
        f"{sent}): upload it as a customer list in {PLATFORMS[request.audience]}.{left_out}"
    )


def today() -> dt.date:
    # The edge reads the clock; campaigns start on the day they are asked for (UTC).
    return dt.datetime.now(dt.UTC).date()


ROUTES = {
    StartCampaign: start, CampaignReport: report, ListCampaigns: listing, ExportCampaign: export,
}  # fmt: skip
