"""Segment matching: names and ids stay put week to week unless a profile really changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from segmentation.load import load_export
from segmentation.matching import align_to_previous, carry_names, match_segments, new_ids
from segmentation.pipeline import segment_transactions
from segmentation.summary import FEATURES, Medians, Segment

LEVELS_A = {
    "recency": "recent",
    "frequency": "high",
    "average_spend": "high",
    "total_spend": "high",
}
LEVELS_B = {"recency": "lapsed", "frequency": "low", "average_spend": "low", "total_spend": "low"}


def _segment(id_: int, name: str, medians: tuple, levels: dict) -> Segment:
    """A segment with these medians and levels; matching reads nothing else."""
    return Segment(
        id=id_,
        name=name,
        customers=1,
        share=0.0,
        revenue=0.0,
        revenue_share=0.0,
        median=Medians(**dict(zip(FEATURES, medians, strict=True))),
        levels=levels,
    )


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "recency_days": [2, 5, 200, 300],
            "frequency": [20, 15, 1, 1],
            "average_spend": [300.0, 250.0, 20.0, 15.0],
            "total_spend": [6000.0, 3750.0, 20.0, 15.0],
        }
    )


def test_swapped_ids_are_matched_back_and_names_carried() -> None:
    previous = [
        _segment(0, "Champions", (3, 18, 280, 5000), LEVELS_A),
        _segment(1, "Gone quiet", (250, 1, 18, 18), LEVELS_B),
    ]
    current = [
        _segment(0, "Lapsed one-time buyers", (260, 1, 17, 17), LEVELS_B),
        _segment(1, "High-frequency buyers", (4, 17, 270, 4800), LEVELS_A),
    ]
    matches = match_segments(previous, current, _customers())
    assert matches == {0: 1, 1: 0}
    assert carry_names(previous, current, matches) == {0: "Gone quiet", 1: "Champions"}
    assert new_ids(matches, [0, 1]) == {0: 1, 1: 0}


def test_a_changed_profile_gets_its_new_name_and_far_segments_stay_unmatched() -> None:
    previous = [_segment(0, "Champions", (3, 18, 280, 5000), LEVELS_A)]
    changed = {**LEVELS_A, "recency": "moderate"}
    current = [
        _segment(0, "Frequent buyers", (30, 17, 270, 4800), changed),
        _segment(1, "Lapsed", (300, 1, 15, 15), LEVELS_B),
    ]
    matches = match_segments(previous, current, _customers())
    assert matches == {0: 0}
    assert carry_names(previous, current, matches) == {0: "Frequent buyers", 1: "Lapsed"}
    assert match_segments(previous, current[1:], _customers()) == {}  # too far to be the same
    assert new_ids({}, [0, 1]) == {0: 0, 1: 1}
    assert new_ids({0: 2}, [0, 1, 2]) == {0: 2, 1: 0, 2: 1}


def test_a_carried_name_that_clashes_with_a_fresh_one_gives_way() -> None:
    """The carried name and the new segment's fresh one would differ only by the mix note:
    both segments show their fresh names, which differ in their core."""
    previous = [_segment(0, "Lapsed buyers, 41% at risk", (250, 1, 18, 18), LEVELS_B)]
    current = [
        _segment(
            0, "Lapsed buyers who last ordered a median 260 days ago", (260, 1, 17, 17), LEVELS_B
        ),
        _segment(1, "Lapsed buyers", (3, 18, 280, 5000), LEVELS_A),
    ]
    matches = match_segments(previous, current, _customers())
    assert matches == {0: 0}
    assert carry_names(previous, current, matches) == {
        0: "Lapsed buyers who last ordered a median 260 days ago",
        1: "Lapsed buyers",
    }
    # without the clash the name is carried
    assert carry_names(previous, current[:1], matches) == {0: "Lapsed buyers, 41% at risk"}


def test_a_week_later_the_same_data_keeps_every_name_and_colour(sample_csv_bytes: bytes) -> None:
    export = load_export(sample_csv_bytes, name="orders.csv")
    first = segment_transactions(export.transactions, as_of=dt.date(2011, 12, 10))
    later = segment_transactions(
        export.transactions, k=first.summary.k, as_of=dt.date(2011, 12, 17)
    )
    previous = [Segment.from_json(s.to_json()) for s in first.summary.segments]
    aligned, matched = align_to_previous(later, previous, previous_customers=first.customers)
    assert sorted(matched) == sorted(matched.values()) == [s.id for s in first.summary.segments]
    assert [s.name for s in aligned.summary.segments] == [s.name for s in first.summary.segments]
    assert [s.customers for s in aligned.summary.segments] == [
        s.customers for s in first.summary.segments
    ]
    # customers are renumbered with their segments
    assert (aligned.customers["segment"] == first.customers["segment"]).all()


def test_months_later_profiles_still_match(sample_csv_bytes: bytes) -> None:
    """Recency grows for everyone when an old export is refreshed; profiles still pair up."""
    export = load_export(sample_csv_bytes, name="orders.csv")
    first = segment_transactions(export.transactions, as_of=dt.date(2011, 12, 10))
    later = segment_transactions(export.transactions, k=first.summary.k, as_of=dt.date(2012, 3, 10))
    previous = [Segment.from_json(s.to_json()) for s in first.summary.segments]
    aligned, matched = align_to_previous(later, previous, previous_customers=first.customers)
    assert len(matched) == first.summary.k
    assert sorted(s.id for s in aligned.summary.segments) == [s.id for s in first.summary.segments]
