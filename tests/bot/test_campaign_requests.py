"""``/segment campaign …`` parsed: typed requests, or one plain sentence on how to write it."""

from __future__ import annotations

import pytest

from bot.campaign_requests import CampaignReport, ListCampaigns, StartCampaign
from bot.errors import UserError
from bot.requests import parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("campaign", CampaignReport()),
        ("campaign list", ListCampaigns()),
        ("campaign spring sale", CampaignReport("spring sale")),
        ("campaign start spring segment=2", StartCampaign("spring", "2")),
        (
            "campaign start spring sale segment=“Lapsed one-time buyers” holdout=20% days=45 "
            "state=at_risk",
            StartCampaign("spring sale", "Lapsed one-time buyers", 0.2, 45, "at_risk"),
        ),
        ("campaign start x segment=1 holdout=0.15", StartCampaign("x", "1", 0.15)),
        ("campaign start x segment=1 holdout=10", StartCampaign("x", "1", 0.1)),
        (
            "campaign start x segment=1 holdout=100%",
            StartCampaign("x", "1", 1.0),
        ),  # the workflow says no
        ("campaign start x segment= state=", StartCampaign("x", "", state="")),
    ],
)
def test_campaign_requests(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("campaign start x segment=1 holdout=abc", "`holdout=abc` is not a share"),
        ("campaign start x segment=1 days=a`b", "`days=aˋb` is not a number of days"),
        ("campaign start x holdout=10%", "Say which segment the campaign is for"),
        ("campaign start x segment=1 colour=red", "I don't understand `colour=red`"),
        ('campaign start "x segment=1', "A quote is not closed"),
    ],
)
def test_campaign_mistakes_say_how_to_write_it(text, said):
    with pytest.raises(UserError, match=said) as raised:
        parse(text)
    assert "\n" not in str(raised.value)


def test_campaign_exports():
    from bot.campaign_requests import ExportCampaign

    assert parse("campaign export autumn sale") == ExportCampaign("autumn sale")
    assert parse("campaign export autumn as META") == ExportCampaign("autumn", "meta")
    with pytest.raises(UserError, match="not `tiktok`"):
        parse("campaign export autumn as tiktok")
    with pytest.raises(UserError, match="Name the campaign"):
        parse("campaign export")
