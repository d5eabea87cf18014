"""Campaigns in a real SQLite file: stored with their members in one transaction, one per
name, and never seen from another channel."""

from __future__ import annotations

import pandas as pd

import storage
from storage import NewCampaign

from .conftest import ELSEWHERE, HERE

MEMBERS = pd.DataFrame(
    {
        "customer_id": ["b", "a", "c"],
        "holdout": [True, False, False],
        "lifecycle": ["active", None, "lapsed"],
        "total_spend": [10.0, 20.5, 0.0],
    }
)


def campaign(**changes) -> NewCampaign:
    values = dict(
        name="winback", run_id=1, dataset_id=1, line=1, source=None, segment=2,
        segment_name="Lapsed", state=None, holdout=0.1, window_days=30, seed=0,
        start="2024-01-01", members=3, treated=2, held_out=1, baseline=0.2,
        detectable_lift=0.3, created_by="U1",
    )  # fmt: skip
    return NewCampaign(**(values | changes))


def test_a_campaign_and_its_members_round_trip_in_their_channel_only(db):
    campaign_id = storage.save_campaign(db, HERE, campaign(), MEMBERS)
    stored = storage.campaign_named(db, HERE, "winback")
    assert stored is not None and stored.id == campaign_id
    assert (stored.team_id, stored.channel_id, stored.report) == ("T1", "C1", None)
    assert storage.campaigns_for(db, HERE) == [stored]
    members = storage.campaign_members(db, campaign_id, HERE)
    assert members.fillna({"lifecycle": "?"}).to_dict("list") == {
        "customer_id": ["a", "b", "c"],
        "holdout": [False, True, False],
        "lifecycle": ["?", "active", "lapsed"],
        "total_spend": [20.5, 10.0, 0.0],
    }
    assert storage.save_report(db, campaign_id, HERE, {"verdict": "No effect can be seen yet."})
    assert storage.campaign_named(db, HERE, "winback").report == {
        "verdict": "No effect can be seen yet."
    }
    for scope in ELSEWHERE:
        assert storage.campaign_named(db, scope, "winback") is None
        assert storage.campaigns_for(db, scope) == []
        assert storage.campaign_members(db, campaign_id, scope).empty
        assert not storage.save_report(db, campaign_id, scope, {"verdict": "forged"})


def test_a_name_is_taken_once_per_channel_and_a_failed_write_leaves_nothing(db):
    assert storage.save_campaign(db, HERE, campaign(), MEMBERS) is not None
    assert storage.save_campaign(db, HERE, campaign(seed=1), MEMBERS) is None
    assert storage.save_campaign(db, ELSEWHERE[0], campaign(), MEMBERS) is not None
    # A member twice breaks the members' key: the campaign row goes too.
    doubled = pd.concat([MEMBERS, MEMBERS.iloc[:1]])
    assert storage.save_campaign(db, HERE, campaign(name="again"), doubled) is None
    assert storage.campaign_named(db, HERE, "again") is None
    assert db.execute("SELECT COUNT(*) FROM campaign_members").fetchone()[0] == 6
