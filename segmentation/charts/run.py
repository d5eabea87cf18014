"""The four charts of a run: how k was chosen, how segments differ, how big they are.

Every chart function takes the result and an optional ``ax``/``fig`` and returns the
Figure; nothing here touches pyplot's global state, so charts can be drawn from
worker threads. ``chart_pngs`` turns the four into PNG bytes (``png.render_png``), the pair
plot in a forked copy of the process.
The pair plot lives in ``pair_plot.py``; the shared look in ``style.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from segmentation.charts.pair_plot import pair_plot
from segmentation.charts.png import drawn, encoded, render_png
from segmentation.charts.style import (
    CHART_FILES,
    DPI,
    FIGSIZE,
    LABELS,
    PALETTE,
    SMALL,
    TEXT,
    TITLE,
    axis_grid,
    log_note,
    new_axes,
    segment_colors,
    set_title,
    style_axes,
    use_grid,
    wrap,
)
from segmentation.forked import forked
from segmentation.k_rule import MIN_SEGMENT_SHARE, KChoice, choose_k
from segmentation.result import SegmentationResult
from segmentation.summary import FEATURES, KScore, RunSummary
from segmentation.threads import meanwhile


def k_choice_chart(result: SegmentationResult, ax: Axes | None = None) -> Figure:
    """Inertia (elbow) and silhouette against k on twin axes, the elbow and the chosen k marked.

    The subtitle is the run's reason, then why the k that separates best was not taken (or,
    when k was forced, what segbot would have chosen).
    """
    ax = new_axes(ax, left=0.08, right=0.92, bottom=0.14, top=0.84)
    summary = result.summary
    scores = sorted(summary.k_scores, key=lambda s: s.k)
    ks = np.array([s.k for s in scores])
    style_axes(ax)
    (inertia,) = ax.plot(ks, [s.inertia for s in scores], "o-", color=PALETTE[0], lw=2.5, ms=8)
    ax.set_xlabel("Number of segments (k)", fontsize=TEXT)
    ax.set_ylabel("Inertia: spread within segments (lower = tighter)", fontsize=TEXT)
    ax.set_xticks(ks)
    right, sil, ok = _silhouette_axis(ax, scores)
    line = ax.axvline(summary.k, color="#444444", lw=2, ls=":", gid="chosen-k")
    chosen = next((s.silhouette for s in scores if s.k == summary.k), None)
    if chosen is not None:
        right.annotate(
            f"chosen: k = {summary.k}\nsilhouette {chosen:.2f}", (summary.k, chosen),
            xytext=(16, -28), textcoords="offset points", fontsize=TEXT, fontweight="bold",
            va="top", arrowprops={"arrowstyle": "->", "color": "#444444"},
            bbox={"boxstyle": "round", "fc": "white", "ec": "#444444", "alpha": 0.9},
        )  # fmt: skip
    handles = [inertia, sil, line]
    chose = _given(summary).capitalize() if summary.k_forced else "Chosen"
    labels = ["Inertia (elbow curve)", "Silhouette", f"{chose}: k = {summary.k}"]
    # The run's own rule, replayed on its scores: the elbow is not stored in the summary.
    choice = choose_k(scores, forced=summary.k if summary.k_forced else None) if scores else None
    if choice is not None and choice.elbow is not None:
        handles.append(_mark_elbow(ax, scores, choice))
        labels.append(
            f"{'Elbow' if choice.knee_found else 'No clear elbow; mid-range'}: k = {choice.elbow}"
        )
    if (~ok).any():
        handles.append(
            Line2D([], [], marker="s", ls="", color="white", mec=PALETTE[3], mew=2, ms=9)
        )
        labels.append(f"Some segment < {MIN_SEGMENT_SHARE:.0%} of customers")
    if len(ks) == 1:
        _say_no_curve(ax, right, int(ks[0]), given=_given(summary) if summary.k_forced else None)
    # Below the plot: inside it, the legend hid the curves wherever they peaked.
    ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=min(len(handles), 3),
        fontsize=TEXT, frameon=False,
    )  # fmt: skip
    reason = " ".join(filter(None, [summary.k_reason, _not_taken(scores, summary, choice)]))
    set_title(ax, f"Choosing the number of segments: k = {summary.k}", wrap(reason, 120))
    return ax.figure


def _silhouette_axis(ax: Axes, scores: list[KScore]) -> tuple[Axes, Line2D, np.ndarray]:
    """Silhouette on a twin axis; hollow squares where some segment is under the minimum share."""
    ks = np.array([s.k for s in scores])
    right = ax.twinx()
    right.tick_params(labelsize=SMALL)
    right.spines["top"].set_visible(False)
    right.set_ylabel("Silhouette: separation (higher = clearer)", fontsize=TEXT)
    ok = np.array([s.smallest_share >= MIN_SEGMENT_SHARE for s in scores])
    silhouette = np.array([np.nan if s.silhouette is None else s.silhouette for s in scores])
    (sil,) = right.plot(ks, silhouette, "s--", color=PALETTE[3], lw=2.5, ms=9)
    right.plot(ks[~ok], silhouette[~ok], "s", color="white", mec=PALETTE[3], mew=2, ms=9)
    return right, sil, ok


def _mark_elbow(ax: Axes, scores: list[KScore], choice: KChoice) -> Line2D:
    """A ring around the elbow on the inertia curve."""
    at = next(s.inertia for s in scores if s.k == choice.elbow)
    (ring,) = ax.plot(
        [choice.elbow], [at], "o", ms=20, mfc="none", mec="#444444", mew=2.5, gid="elbow"
    )
    return ring


def _not_taken(scores: list[KScore], summary: RunSummary, choice: KChoice | None) -> str:
    """Why the best-separating k is not the run's k ("" when it is, or nothing was measured)."""
    measured = [s for s in scores if s.silhouette is not None]
    if choice is None or not measured:
        return ""
    if summary.k_forced:
        auto = choose_k(scores)
        return "" if auto.k == summary.k else f"Left to choose, segbot would take k = {auto.k}."
    best = max(measured, key=lambda s: (s.silhouette, -s.k))
    taken = next((s.silhouette for s in scores if s.k == summary.k), None)
    if best.k == summary.k or (taken is not None and best.silhouette <= taken):
        return ""
    lead = f"k = {best.k} separates best (silhouette {best.silhouette:.2f})"
    if best.smallest_share < MIN_SEGMENT_SHARE:
        return (
            f"{lead} but its smallest segment holds {best.smallest_share:.0%} of customers, "
            f"under {MIN_SEGMENT_SHARE:.0%}."
        )
    if best.k not in choice.candidates:
        return f"{lead} but is not near the elbow (k = {choice.elbow})."
    return ""


def _given(summary: RunSummary) -> str:
    """How a k the model was given came about: "set by hand" or "kept from run #N"."""
    kept = summary.k_kept_from
    return "set by hand" if kept is None else f"kept from run #{kept}"


def _say_no_curve(ax: Axes, right: Axes, k: int, *, given: str | None) -> None:
    """Only one k was fitted: there is no curve to read, and the chart says so."""
    ax.set_xlim(k - 2, k + 2)
    right.set_ylim(0, 1)  # on its own scale, so the two single points do not overlap
    why = f"it was {given}" if given else "no other k was possible"
    ax.text(
        0.5, 0.3, f"Only k = {k} was scored ({why}),\nso there is no curve to compare.",
        transform=ax.transAxes, ha="center", va="center", fontsize=TEXT + 2, color="#444444",
    )  # fmt: skip


def box_plots(result: SegmentationResult, fig: Figure | None = None) -> Figure:
    """One panel per feature, one horizontal box per segment; whiskers 5th–95th percentile, no fliers."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI) if fig is None else fig
    customers = result.customers
    colors = segment_colors(result)
    segments = result.summary.segments
    axes = fig.subplots(1, len(FEATURES), sharey=True, squeeze=False)[0]
    fig.subplots_adjust(left=0.2, right=0.98, bottom=0.1, top=0.84, wspace=0.12)
    by_segment = customers.groupby("segment")
    positions = np.arange(len(segments))[::-1]  # segment 0 (most revenue) on top
    for ax, feature in zip(axes, FEATURES, strict=True):
        style_axes(ax)
        data = [by_segment.get_group(s.id)[feature].to_numpy(dtype=float) for s in segments]
        # Fliers off: thousands of outlier dots would hide the boxes; whiskers show the 5–95% range.
        boxes = ax.boxplot(
            data, positions=positions, orientation="horizontal", whis=(5, 95), showfliers=False,
            patch_artist=True, widths=0.6, medianprops={"color": "black", "lw": 2},
        )  # fmt: skip
        for patch, s in zip(boxes["boxes"], segments, strict=True):
            patch.set_facecolor(colors[s.id])
            patch.set_alpha(0.85)
        # Axis range from the whisker ends, as the drawn boxes span no further.
        use_grid(
            ax,
            "x",
            axis_grid(np.array([w.get_xdata() for w in boxes["whiskers"]]).ravel(), feature),
        )
        ax.set_title(wrap(LABELS[feature], 24), fontsize=TEXT + 1, y=1.0, pad=8)
        ax.grid(False, axis="y")
    axes[0].set_yticks(positions, [wrap(s.name, 26) for s in segments], fontsize=TEXT)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    logs = log_note({f: ax.get_xscale() for f, ax in zip(FEATURES, axes, strict=True)})
    fig.suptitle(
        "What a typical customer of each segment looks like", fontsize=TITLE, x=0.02, ha="left"
    )
    fig.text(
        0.02, 0.935,
        "Box: middle 50% of the segment's customers; black line: median; whiskers: 5th–95th "
        f"percentile (outliers beyond are not drawn).\n{logs}",
        fontsize=SMALL + 1, color="#444444", va="top",
    )  # fmt: skip
    return fig


def segment_overview(result: SegmentationResult, ax: Axes | None = None) -> Figure:
    """Share of customers next to share of revenue per segment, as grouped horizontal bars."""
    ax = new_axes(ax, left=0.21, right=0.97, bottom=0.08, top=0.87)
    style_axes(ax)
    ax.grid(False, axis="y")
    colors = [segment_colors(result)[s.id] for s in result.summary.segments]
    y = np.arange(len(result.summary.segments))[::-1].astype(float)
    height = 0.38
    customers = [100 * s.share for s in result.summary.segments]
    revenue = [100 * s.revenue_share for s in result.summary.segments]
    people = ax.barh(
        y + height / 2, customers, height, color=colors, alpha=0.35, hatch="//", edgecolor=colors
    )
    money = ax.barh(y - height / 2, revenue, height, color=colors, edgecolor=colors)
    for bars, values in ((people, customers), (money, revenue)):
        labels = [f"{v:.0f}%" if v >= 0.5 or v == 0 else "<1%" for v in values]
        ax.bar_label(bars, labels=labels, padding=4, fontsize=TEXT)
    ax.set_yticks(y, [wrap(s.name, 30) for s in result.summary.segments], fontsize=TEXT)
    ax.set_xlim(0, max(customers + revenue) * 1.15)
    ax.set_xlabel("Share (%)", fontsize=TEXT)
    ax.legend(
        [people[0], money[0]], ["Share of customers (hatched)", "Share of revenue (solid)"],
        loc="lower right", fontsize=TEXT, framealpha=0.9,
    )  # fmt: skip
    set_title(
        ax,
        "Who the customers are and where the revenue comes from",
        f"Share of all {result.summary.customers:,} customers (hatched) and of their total spend (solid), per segment.",
    )
    return ax.figure


def chart_pngs(result: SegmentationResult) -> dict[str, bytes]:
    """The four charts as PNG bytes by file name, in reading order.

    The pair plot, the longest to draw, is drawn by a forked copy of this process
    (``segmentation.forked``) while this one draws the other three: each is encoded on a
    thread while the next is drawn.
    """
    figures = dict(zip(CHART_FILES, (k_choice_chart, pair_plot, box_plots, segment_overview),
                       strict=True))  # fmt: skip
    apart = CHART_FILES[1]
    with (
        forked(partial(_png, figures.pop(apart), result)) as pairs,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="png") as pool,
    ):
        encoding = {}
        for name, draw in figures.items():
            image = drawn(draw(result))  # the next is drawn while this one is encoded
            encoding[name] = meanwhile(pool, encoded, image) or partial(encoded, image)
        pngs = {name: png() for name, png in encoding.items()}
        pngs[apart] = pairs()
    return {name: pngs[name] for name in CHART_FILES}


def _png(draw: Callable[[SegmentationResult], Figure], result: SegmentationResult) -> bytes:
    return render_png(draw(result))
