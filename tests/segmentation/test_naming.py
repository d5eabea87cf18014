"""Names and actions on small hand-made customer tables, checked against their numbers.

Each table is built so that one rule is at its edge: a segment a few percent above the median
customer on a store whose orders are all alike, two segments with the same words but for one
feature, a large segment whose twenty largest customers hold little of its revenue.
"""

from __future__ import annotations

import pandas as pd

from segmentation.describe import describe_segments, segment_evidence
from segmentation.evidence import WELL_ABOVE
from segmentation.lifecycle import Lifecycle, lifecycle_states
from segmentation.naming import core, violations
from segmentation.strategies import CALL_LIST, CALL_SHARE, STRATEGIES

LIFECYCLE = Lifecycle(typical_gap_days=30, new_days=30, at_risk_days=60, lapsed_days=120)


def customers(*groups: dict) -> pd.DataFrame:
    """One row per customer: each group gives ``n`` and its customers' features (a feature
    may be a list, cycled over the group's customers)."""
    rows = []
    for segment, group in enumerate(groups):
        n = group["n"]
        for i in range(n):
            row = {k: v[i % len(v)] if isinstance(v, list) else v for k, v in group.items()}
            frequency = row.get("frequency", 1)
            average = row["average_spend"]
            rows.append(
                {
                    "recency_days": float(row["recency_days"]),
                    "frequency": float(frequency),
                    "average_spend": float(average),
                    "total_spend": float(average * frequency),
                    "tenure_days": float(row["recency_days"] + 30 * (frequency - 1)),
                    "returns_value": 0.0,
                    "segment": segment,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.assign(lifecycle=lifecycle_states(frame, LIFECYCLE))


def test_a_few_percent_above_the_median_is_neither_high_nor_premium() -> None:
    """Orders all alike: 104 per order stands out by half a standard deviation and more, but
    is 1.02x the median customer's 102, not well above it."""
    table = customers(
        {"n": 40, "recency_days": [5, 10, 15], "frequency": 3, "average_spend": [99, 100, 101]},
        {"n": 40, "recency_days": [5, 10, 15], "frequency": 3, "average_spend": [103, 104, 105]},
    )
    evidence = segment_evidence(table, LIFECYCLE)
    assert evidence[1].profile.level("average_spend") == "high"  # the relative level alone
    assert evidence[1].ratio("average_spend") < WELL_ABOVE
    segments = describe_segments(table, LIFECYCLE)
    for s in segments:
        assert "high" not in s.name and "premium_lines" not in s.strategy_keys, s
        assert "vip_care" not in s.strategy_keys and "personal_call" not in s.strategy_keys, s


def test_well_above_the_median_is_high_and_premium() -> None:
    table = customers(
        {"n": 40, "recency_days": [5, 10, 15], "frequency": 3, "average_spend": [60, 70, 80]},
        {"n": 40, "recency_days": [5, 10, 15], "frequency": 3, "average_spend": [150, 160, 170]},
    )
    evidence = segment_evidence(table, LIFECYCLE)
    assert evidence[1].ratio("average_spend") >= WELL_ABOVE
    segments = describe_segments(table, LIFECYCLE)
    assert segments[1].name == "Repeat buyers with high spending"
    assert "premium_lines" in segments[1].strategy_keys
    assert "Premium lines first: they spend a median 160.00 per order (1.39× the store's" in (
        " ".join(segments[1].strategies)
    )


def test_names_that_would_clash_say_what_differs() -> None:
    """Two groups of new one-time low spenders, alike but for how recent their order is."""
    table = customers(
        {"n": 30, "recency_days": [2, 3, 4], "average_spend": [20, 21, 22]},
        {"n": 30, "recency_days": [13, 14, 15], "average_spend": [20, 21, 22]},
        {"n": 60, "recency_days": [5, 10, 200], "average_spend": [80, 90, 100], "frequency": 2},
    )
    segments = describe_segments(table, LIFECYCLE)
    names = [s.name for s in segments]
    assert names[:2] == [
        "New one-time buyers with low spending who last ordered a median 3 days ago",
        "New one-time buyers with low spending who last ordered a median 14 days ago",
    ]
    assert len({core(n) for n in names}) == len(names)
    for e, s in zip(segment_evidence(table, LIFECYCLE), segments, strict=True):
        assert violations(s.name, e) == [], s.name
    # a stated median that is not the segment's own is caught
    assert violations(names[0].replace("3 days", "4 days"), segment_evidence(table, LIFECYCLE)[0])


def test_core_drops_the_mix_note_and_folds_synonyms() -> None:
    assert core("Frequent buyers with high spending, 41% lapsed") == core(
        "repeat buyers with high spending"
    )
    assert core("Recent repeat buyers with low spending") != core("Repeat buyers with low spending")


def test_segments_alike_but_for_spend_per_order_get_different_actions() -> None:
    """Two lapsed one-time groups: the same words would bring the same actions; the one that
    spends little per order gets bundles."""
    table = customers(
        {"n": 30, "recency_days": [300, 310], "average_spend": [100, 110]},
        {"n": 30, "recency_days": [300, 310], "average_spend": [30, 35]},
        {"n": 30, "recency_days": [5, 10], "average_spend": [60, 70], "frequency": 4},
    )
    segments = describe_segments(table, LIFECYCLE)
    sets = [frozenset(s.strategy_keys) for s in segments]
    assert len(set(sets)) == len(sets), [s.strategy_keys for s in segments]
    assert "bundle" in segments[1].strategy_keys and "bundle" not in segments[0].strategy_keys


def test_calls_only_where_twenty_customers_hold_a_real_share() -> None:
    """500 big spenders who spend alike: their 20 largest hold 4 % of the segment, too
    little for calls; 30 who spend alike: 20 of them hold two thirds."""
    big = {"recency_days": [5, 10], "frequency": 6, "average_spend": [400, 410]}
    small = {"recency_days": [5, 10, 15], "frequency": 2, "average_spend": [40, 50, 60]}
    many = describe_segments(customers({"n": 500, **big}, {"n": 500, **small}), LIFECYCLE)
    few = describe_segments(customers({"n": 30, **big}, {"n": 500, **small}), LIFECYCLE)
    assert many[0].facts.top_net_share < CALL_SHARE
    assert "personal_call" not in many[0].strategy_keys
    assert few[0].facts.top_net_share >= CALL_SHARE
    call = dict(zip(few[0].strategy_keys, few[0].strategies, strict=True))["personal_call"]
    assert call.startswith(f"Call the {CALL_LIST} largest customers by net spend (67% of")


def test_every_rule_says_its_threshold() -> None:
    rules = {s.key: s.when for s in STRATEGIES}
    assert f"{WELL_ABOVE}x the store's median" in rules["premium_lines"]
    assert f"{CALL_SHARE:.0%} of its net revenue" in rules["personal_call"]
