"""Movement between two runs on a hand-built example: every number checked by hand."""

from __future__ import annotations

import pandas as pd

from segmentation.charts.digest import migration_chart, sizes_over_time
from segmentation.charts.style import colors_for
from segmentation.movement import Flow, describe_flow, lapsing_ids, movement, movers
from segmentation.summary import Medians, Segment

# Segments: 0 = "Loyal", 1 = "Occasional", 2 = "Lapsing" (recency level lapsed in both runs).
PREVIOUS = pd.DataFrame(
    {
        "segment": [0, 0, 0, 0, 1, 1, 1, 2, 2],
        "total_spend": [900.0, 800, 700, 600, 100, 90, 80, 10, 20],
    },
    index=pd.Index(["a", "b", "c", "d", "e", "f", "g", "h", "i"], name="customer_id"),
)
# a, b stay loyal; c, d slip to lapsing; e moves up to loyal; f, g slip to lapsing;
# h comes back to occasional; i stays lapsing; j and k are new; z (below) is lost.
CURRENT = pd.DataFrame(
    {
        "segment": [0, 0, 2, 2, 0, 2, 2, 1, 2, 1, 2],
        "total_spend": [950.0, 800, 700, 640, 180, 90, 80, 35, 20, 40, 5],
    },
    index=pd.Index(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"], name="customer_id"),
)
PREVIOUS_WITH_LOST = pd.concat(
    [PREVIOUS, pd.DataFrame({"segment": [1], "total_spend": [55.0]}, index=pd.Index(["z"]))]
)


def _segment(id_: int, recency: str) -> Segment:
    """A segment whose only telling fact is its recency level."""
    median = Medians(recency_days=0.0, frequency=0.0, average_spend=0.0, total_spend=0.0)
    return Segment(
        id=id_,
        name=f"Segment {id_}",
        customers=1,
        share=0.0,
        revenue=0.0,
        revenue_share=0.0,
        median=median,
        levels={"recency": recency},
    )


SEGMENTS = [_segment(0, "recent"), _segment(1, "moderate"), _segment(2, "lapsed")]


def test_movement_numbers_are_exact() -> None:
    m = movement(PREVIOUS_WITH_LOST, CURRENT, previous_lapsing={2}, current_lapsing={2})
    expected = pd.DataFrame(
        [[2, 0, 2], [1, 0, 2], [0, 1, 1]],
        index=pd.Index([0, 1, 2], name="previous"),
        columns=pd.Index([0, 1, 2], name="current"),
    )
    pd.testing.assert_frame_equal(m.flows, expected)
    assert (m.moved, m.stayed, m.new_customers, m.lost_customers) == (6, 3, 2, 1)
    # c (700) + d (640) from Loyal, f (90) + g (80) from Occasional; i was lapsing already
    assert m.at_risk_customers == 4
    assert m.revenue_at_risk == 1510.0
    assert m.largest == [Flow(0, 2, 2, 1340.0), Flow(1, 2, 2, 170.0), Flow(1, 0, 1, 180.0)]
    assert m.to_dict()["flows"] == [
        [0, 0, 2],
        [0, 2, 2],
        [1, 0, 1],
        [1, 2, 2],
        [2, 1, 1],
        [2, 2, 1],
    ]


def test_movers_lists_who_changed_segment() -> None:
    moved = movers(PREVIOUS, CURRENT)
    assert moved.index.tolist() == ["c", "d", "e", "f", "g", "h"]
    assert moved.loc["e"].to_dict() == {"from_segment": 1, "to_segment": 0, "total_spend": 180.0}


def test_lapsing_ids_and_flow_in_words() -> None:
    assert lapsing_ids(SEGMENTS) == {2}
    text = describe_flow(
        Flow(0, 2, 212, 1.0), "High-frequency buyers", "Lapsed buyers", into_lapsing=True
    )
    assert text == "212 customers slipped from High-frequency buyers to Lapsed buyers"
    assert (
        describe_flow(Flow(1, 0, 1, 1.0), "A", "B", into_lapsing=False)
        == "1 customer moved from A to B"
    )


def test_digest_charts_show_counts_names_and_one_line_per_segment() -> None:
    m = movement(PREVIOUS, CURRENT, previous_lapsing={2}, current_lapsing={2})
    names = {0: "Loyal", 1: "Occasional", 2: "Lapsing"}
    ax = migration_chart(m.flows, names, names).axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "2", "2", "2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Loyal", "Occasional", "Lapsing"]
    history = pd.DataFrame({0: [4, 3], 1: [3, 2], 2: [2, 6]}, index=["2011-12-10", "2011-12-17"])
    ax = sizes_over_time(history, names).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Loyal", "Occasional", "Lapsing"]
    assert [line.get_color() for line in ax.get_lines()] == list(colors_for([0, 1, 2]).values())
