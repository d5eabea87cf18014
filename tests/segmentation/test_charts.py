"""Charts: what they show (artists, not pixels), and the PNGs the bot uploads."""

from __future__ import annotations

import struct
from dataclasses import replace

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from segmentation.charts.pair_plot import pair_plot
from segmentation.charts.png import render_png
from segmentation.charts.run import box_plots, chart_pngs, k_choice_chart, segment_overview
from segmentation.charts.style import CHART_FILES, PALETTE, segment_colors
from segmentation.k_rule import choose_k
from segmentation.load import load_export
from segmentation.pipeline import segment_export
from segmentation.result import SegmentationResult
from segmentation.sample import sample_export
from segmentation.summary import KScore

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _result(k: int | None = None):
    frame, _ = sample_export(rows=8000, seed=1)
    return segment_export(load_export(frame.to_csv(index=False).encode(), name="x.csv"), k=k)


@pytest.fixture(scope="module")
def result():
    return _result()


@pytest.fixture(scope="module")
def forced():
    return _result(k=3)


@pytest.fixture(scope="module")
def pngs(result):
    return chart_pngs(result)


def names(result) -> list[str]:
    return [s.name for s in result.summary.segments]


def unwrap(text: str) -> str:
    return " ".join(text.split())


def texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_segment_colors_are_okabe_ito_and_distinct(result):
    colors = segment_colors(result)
    assert list(colors) == [s.id for s in result.summary.segments]
    assert len(set(colors.values())) == len(colors)
    assert set(colors.values()) <= set(PALETTE)
    assert colors[0] == "#0072B2"


def subtitle(fig: Figure) -> str:
    """The chart's subtitle (the annotation above the axes), unwrapped."""
    return unwrap(next(t.get_text() for t in fig.axes[0].texts if getattr(t, "xy", None) == (0, 1)))


def with_scores(result, scores, *, k: int, reason: str = "Because.", forced: bool = False):
    summary = replace(result.summary, k=k, k_forced=forced, k_reason=reason, k_scores=scores)
    return SegmentationResult(summary=summary, customers=result.customers)


def marker_x(ax, gid: str) -> list[float]:
    return [x for line in ax.get_lines() if line.get_gid() == gid for x in line.get_xdata()]


def test_k_choice_chart_marks_the_chosen_k_the_elbow_and_gives_the_reason(result):
    fig = k_choice_chart(result)
    ax = fig.axes[0]
    k = result.summary.k
    assert marker_x(ax, "chosen-k") == [k, k]
    assert ax.get_title(loc="left") == f"Choosing the number of segments: k = {k}"
    assert subtitle(fig).startswith(unwrap(result.summary.k_reason))
    inertia = ax.get_lines()[0]
    assert list(inertia.get_xdata()) == [s.k for s in result.summary.k_scores]
    assert f"chosen: k = {k}" in "\n".join(t.get_text() for t in texts(fig))
    (elbow,) = marker_x(ax, "elbow")  # the ring sits where the reason says the curve bends
    assert f"the inertia curve bends at k = {elbow}" in result.summary.k_reason
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:4] == [
        "Inertia (elbow curve)",
        "Silhouette",
        f"Chosen: k = {k}",
        f"Elbow: k = {elbow}",
    ]
    assert fig.axes[1].get_ylabel().startswith("Silhouette")


def test_k_choice_chart_says_why_a_better_separated_k_was_not_taken(result):
    scores = [
        KScore(k=k, inertia=i, silhouette=s, smallest_share=share)
        for k, i, s, share in zip(
            range(2, 11),
            [100, 60, 30, 25, 21, 18, 16, 14, 13],
            [0.6, 0.3, 0.35, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2],
            [0.3, 0.2, 0.2, 0.01, 0.2, 0.2, 0.2, 0.2, 0.2],
            strict=True,
        )
    ]
    far = k_choice_chart(with_scores(result, scores, k=4))
    assert subtitle(far) == (
        "Because. k = 2 separates best (silhouette 0.60) but is not near the elbow (k = 4)."
    )
    assert marker_x(far.axes[0], "elbow") == [4]
    tiny = [replace(s, silhouette=0.1) if s.k == 2 else s for s in scores]
    assert subtitle(k_choice_chart(with_scores(result, tiny, k=4))) == (
        "Because. k = 5 separates best (silhouette 0.50) but its smallest segment holds 1% of "
        "customers, under 5%."
    )
    best = [replace(s, silhouette=0.9) if s.k == 4 else s for s in scores]
    assert subtitle(k_choice_chart(with_scores(result, best, k=4))) == "Because."


def test_k_choice_chart_shows_the_whole_curve_when_k_was_forced(forced):
    assert [s.k for s in forced.summary.k_scores] == list(range(2, 11))
    fig = k_choice_chart(forced)
    ax = fig.axes[0]
    assert marker_x(ax, "chosen-k") == [3, 3]
    assert len(marker_x(ax, "elbow")) == 1
    assert len(ax.get_lines()[0].get_xdata()) == 9
    assert subtitle(fig).startswith("k = 3 was set by hand.")
    auto = choose_k(forced.summary.k_scores).k
    assert ("Left to choose, segbot would take" in subtitle(fig)) == (auto != 3)
    assert "Set by hand: k = 3" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_k_choice_chart_is_honest_when_one_k_was_scored(forced):
    (three,) = [s for s in forced.summary.k_scores if s.k == 3]
    fig = k_choice_chart(
        with_scores(forced, (three,), k=3, reason="k = 3 was set by hand.", forced=True)
    )
    said = "\n".join(t.get_text() for t in texts(fig))
    assert "Only k = 3 was scored (it was set by hand)" in said
    assert marker_x(fig.axes[0], "elbow") == []


def test_k_choice_chart_draws_on_a_given_axes(result):
    fig = Figure()
    ax = fig.add_subplot()
    assert k_choice_chart(result, ax=ax) is fig


def test_pair_plot_shows_the_sample_coloured_by_segment(result):
    fig = pair_plot(result, sample_size=100, random_state=3)
    scatters = fig.findobj(PathCollection)
    assert len(scatters) == 12  # one per off-diagonal panel
    assert {len(c.get_offsets()) for c in scatters} == {100}
    colors = segment_colors(result)
    legend = fig.legends[0]
    assert [unwrap(t.get_text()) for t in legend.get_texts()] == names(result)
    handle_colors = [h.get_color() for h in legend.legend_handles]
    assert handle_colors == [colors[s.id] for s in result.summary.segments]
    assert fig.get_suptitle().startswith("How the segments differ")
    assert "random sample of 100 of 130" in "\n".join(t.get_text() for t in texts(fig))
    axes = np.array(fig.axes).reshape(4, 4)
    assert axes[3, 1].get_xscale() == "log" and axes[0, 0].get_xscale() == "linear"
    assert axes[3, 0].get_xlabel() == "Recency (days since\nlast purchase)"
    assert len(axes[0, 0].patches) == len(result.summary.segments)  # one histogram per segment


def test_pair_plot_caps_the_sample_at_the_number_of_customers(result):
    fig = pair_plot(result, sample_size=10_000)
    offsets = {len(c.get_offsets()) for c in fig.findobj(PathCollection)}
    assert offsets == {len(result.customers)}


def test_pair_plot_sample_is_seeded(result):
    def first_points(seed):
        fig = pair_plot(result, sample_size=50, random_state=seed)
        return fig.findobj(PathCollection)[0].get_offsets().tolist()

    assert first_points(1) == first_points(1) != first_points(2)


def test_box_plots_one_panel_per_feature_one_box_per_segment(result):
    fig = box_plots(result)
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes] == [
        "Recency (days since last\npurchase)",
        "Frequency (orders)",
        "Average spend per order",
        "Total spend",
    ]
    labels = [unwrap(t.get_text()) for t in fig.axes[0].get_yticklabels()]
    assert labels == names(result)
    colors = segment_colors(result)
    for ax in fig.axes:
        assert len(ax.patches) == len(result.summary.segments)
        assert not [line for line in ax.get_lines() if line.get_marker() not in ("None", "", None)]
    facecolors = [p.get_facecolor()[:3] for p in fig.axes[0].patches]
    assert facecolors == [pytest.approx(to_rgb(colors[s.id])) for s in result.summary.segments]
    assert "outliers beyond are not drawn" in "\n".join(t.get_text() for t in texts(fig))


def test_segment_overview_shares_per_segment(result):
    fig = segment_overview(result)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Who the customers are and where the revenue comes from"
    assert [unwrap(t.get_text()) for t in ax.get_yticklabels()] == names(result)
    widths = [p.get_width() for p in ax.patches]
    k = len(result.summary.segments)
    assert widths[:k] == pytest.approx([100 * s.share for s in result.summary.segments])
    assert widths[k:] == pytest.approx([100 * s.revenue_share for s in result.summary.segments])
    labels = {t.get_text() for t in texts(fig)}
    shares = [100 * s.revenue_share for s in result.summary.segments]
    assert {f"{v:.0f}%" if v >= 0.5 else "<1%" for v in shares} <= labels
    assert min(shares) < 0.5 and "0%" not in labels  # a tiny share reads "<1%", not "0%"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Share of customers (hatched)",
        "Share of revenue (solid)",
    ]


@pytest.mark.parametrize("draw", [k_choice_chart, pair_plot, box_plots, segment_overview])
def test_no_text_smaller_than_the_floor(result, draw):
    fig = draw(result)
    FigureCanvasAgg(fig).draw()  # tick labels exist only once drawn
    small = [(t.get_text(), t.get_fontsize()) for t in texts(fig) if t.get_fontsize() < 10]
    assert small == []


def test_chart_pngs_are_slack_sized_small_and_in_order(pngs):
    assert list(pngs) == [
        "choosing-k.png",
        "pair-plot.png",
        "box-plots.png",
        "segment-overview.png",
    ]
    for data in pngs.values():
        assert png_size(data) == (1600, 1000)
        assert len(data) < 400_000


def test_chart_pngs_are_byte_identical_across_runs(result, pngs):
    assert chart_pngs(result) == pngs


def test_render_png_closes_pyplot_figures(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    segment_overview(result, ax=ax)
    data = render_png(fig)
    assert png_size(data) == (800, 500)
    assert not plt.fignum_exists(fig.number)


def test_real_data_charts_are_small(real_result):
    # Speed is checked by benchmarks/bench_charts.py, not here.
    pngs = chart_pngs(real_result)
    assert list(pngs) == list(CHART_FILES)
    assert max(len(p) for p in pngs.values()) < 400_000


def test_the_pair_plot_drawn_by_a_copy_of_the_process_is_the_one_drawn_here(result, pngs):
    assert pngs["pair-plot.png"] == render_png(pair_plot(result))
    assert pngs["box-plots.png"] == render_png(box_plots(result))
