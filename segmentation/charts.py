"""Charts of a segmentation result: how k was chosen, how segments differ, how big they are.

Every chart function takes the result and an optional ``ax``/``fig`` and returns the
Figure; nothing here touches pyplot's global state, so charts can be drawn from
worker threads. Only ``render_png``/``chart_pngs`` turn figures into PNG bytes.
"""

from __future__ import annotations

import io
import itertools
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
from PIL import Image

from segmentation.features import FEATURES
from segmentation.model import MIN_SEGMENT_SHARE
from segmentation.result import SegmentationResult

# Okabe–Ito, ordered so the biggest-revenue segments get the most distinct hues; the
# yellow and black come last (yellow is faint on white). Beyond 8 segments, two Tol
# "muted" colours keep hues distinct instead of cycling back to segment 0's colour.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
    "#56B4E9", "#F0E442", "#000000", "#882255", "#999933",
)  # fmt: skip
FIGSIZE, DPI = (16.0, 10.0), 100  # 1600×1000 px: what a Slack preview shows at full width
TEXT, SMALL, TITLE = 13, 12, 17  # points; SMALL is the floor for any text
LABELS = {
    "recency_days": "Recency (days since last purchase)",
    "frequency": "Frequency (orders)",
    "average_spend": "Average spend per order",
    "total_spend": "Total spend",
}
LOG_FEATURES = ("frequency", "average_spend", "total_spend")  # heavy-tailed: a few wholesalers
CHART_FILES = ("choosing-k.png", "pair-plot.png", "box-plots.png", "segment-overview.png")


def segment_colors(result: SegmentationResult) -> dict[int, str]:
    """Hex colour per segment id, the same in every chart (and for the bot and the digest)."""
    return {s.id: PALETTE[s.id % len(PALETTE)] for s in result.segments}


def wrap(text: str, width: int = 28) -> str:
    """Break a long segment name over lines so labels stay narrow."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _new_axes(ax: Axes | None, **margins: float) -> Axes:
    """The caller's axes, or one on a new Slack-sized figure with fixed margins.

    Fixed margins rather than constrained layout: layout passes re-measure every
    text and made a one-panel chart about 40% slower to render.
    """
    if ax is not None:
        return ax
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(**margins)
    return fig.add_subplot()


def _style(ax: Axes) -> None:
    # Explicit sizes rather than rcParams: ticks are created lazily at draw time.
    ax.tick_params(labelsize=SMALL)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _scale(values: np.ndarray, feature: str) -> str:
    return "log" if feature in LOG_FEATURES and len(values) and values.min() > 0 else "linear"


def _log_note(scales: dict[str, str]) -> str:
    """'Log scale: frequency, total spend.' for a caption."""
    logs = [LABELS[f].split(" (")[0].lower() for f, scale in scales.items() if scale == "log"]
    return f"Log scale: {', '.join(logs)}." if logs else "All scales linear."


def _number(value: float, _pos: object = None) -> str:
    """Tick label: 1, 10, 100, 1k, 10k, 1M (plain numbers read faster than 10³ in a preview)."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def k_choice_chart(result: SegmentationResult, ax: Axes | None = None) -> Figure:
    """Inertia (elbow) and silhouette against k on twin axes, the chosen k marked."""
    ax = _new_axes(ax, left=0.08, right=0.92, bottom=0.14, top=0.84)
    scores = pd.DataFrame(result.k_scores).sort_values("k")
    ks = scores["k"].to_numpy()
    _style(ax)
    (inertia,) = ax.plot(ks, scores["inertia"], "o-", color=PALETTE[0], lw=2.5, ms=8)
    ax.set_xlabel("Number of segments (k)", fontsize=TEXT)
    ax.set_ylabel("Inertia: spread within segments (lower = tighter)", fontsize=TEXT)
    ax.set_xticks(ks)
    right = ax.twinx()
    right.tick_params(labelsize=SMALL)
    right.spines["top"].set_visible(False)
    right.set_ylabel("Silhouette: separation (higher = clearer)", fontsize=TEXT)
    ok = scores["smallest_share"].to_numpy() >= MIN_SEGMENT_SHARE
    silhouette = scores["silhouette"].to_numpy(dtype=float)
    (sil,) = right.plot(ks, silhouette, "s--", color=PALETTE[3], lw=2.5, ms=9)
    right.plot(ks[~ok], silhouette[~ok], "s", color="white", mec=PALETTE[3], mew=2, ms=9)
    line = ax.axvline(result.k, color="#444444", lw=2, ls=":", gid="chosen-k")
    chosen = scores[scores["k"] == result.k]
    if len(chosen) and not np.isnan(chosen["silhouette"].iloc[0]):
        s = chosen["silhouette"].iloc[0]
        right.annotate(
            f"chosen: k = {result.k}\nsilhouette {s:.2f}", (result.k, s), xytext=(16, -28),
            textcoords="offset points", fontsize=TEXT, fontweight="bold", va="top",
            arrowprops={"arrowstyle": "->", "color": "#444444"},
            bbox={"boxstyle": "round", "fc": "white", "ec": "#444444", "alpha": 0.9},
        )  # fmt: skip
    handles = [inertia, sil, line]
    labels = ["Inertia (elbow curve)", "Silhouette", f"Chosen k = {result.k}"]
    if (~ok).any():
        handles.append(
            Line2D([], [], marker="s", ls="", color="white", mec=PALETTE[3], mew=2, ms=9)
        )
        labels.append(f"Some segment < {MIN_SEGMENT_SHARE:.0%} of customers")
    if len(ks) == 1:
        # Only one k was fitted: there is no curve to read, and the chart says so.
        ax.set_xlim(ks[0] - 2, ks[0] + 2)
        right.set_ylim(0, 1)  # on its own scale, so the two single points do not overlap
        why = "it was set by hand" if result.k_forced else "no other k was possible"
        ax.text(
            0.5, 0.3, f"Only k = {ks[0]} was scored ({why}),\nso there is no curve to compare.",
            transform=ax.transAxes, ha="center", va="center", fontsize=TEXT + 2, color="#444444",
        )  # fmt: skip
    # Below the plot: inside it, the legend hid the curves wherever they peaked.
    ax.legend(
        handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=len(handles),
        fontsize=TEXT, frameon=False,
    )  # fmt: skip
    _title(ax, f"Choosing the number of segments: k = {result.k}", wrap(result.k_reason, 120))
    return ax.figure


def _title(ax: Axes, title: str, subtitle: str = "") -> None:
    """Left-aligned title with an optional smaller subtitle under it.

    An explicit ``y`` turns off matplotlib's automatic title placement, which
    measures every tick label and cost a fifth of a chart's drawing time.
    """
    lines = subtitle.count("\n") + 1 if subtitle else 0
    ax.set_title(title, loc="left", fontsize=TITLE, y=1.0, pad=12 + 20 * lines)
    if subtitle:
        ax.annotate(
            subtitle, (0, 1), xycoords="axes fraction", xytext=(0, 8), textcoords="offset points",
            fontsize=TEXT, color="#444444", va="bottom",
        )  # fmt: skip


def _sample(customers: pd.DataFrame, size: int, random_state: int) -> pd.DataFrame:
    """A seeded random sample, in random order so no segment is always drawn on top."""
    rng = np.random.default_rng(random_state)
    return customers.iloc[rng.permutation(len(customers))[: min(size, len(customers))]]


def pair_plot(
    result: SegmentationResult,
    *,
    sample_size: int = 1500,
    random_state: int = 0,
    fig: Figure | None = None,
) -> Figure:
    """Scatter matrix of the four features coloured by segment, per-segment distributions on the diagonal.

    Dots are a seeded random sample of ``sample_size`` customers (one ``scatter`` per
    panel); the diagonal histograms use every customer.
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI) if fig is None else fig
    customers = result.customers
    colors = segment_colors(result)
    shown = _sample(customers, sample_size, random_state)
    # One RGBA array for all 12 panels: hex strings would be parsed 18,000 times.
    point_colors = to_rgba_array([colors[i] for i in range(max(colors) + 1)], alpha=0.65)[
        shown["segment"].to_numpy()
    ]
    axes = fig.subplots(len(FEATURES), len(FEATURES), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.79, bottom=0.09, top=0.87, wspace=0.08, hspace=0.08)
    values = {f: customers[f].to_numpy(dtype=float) for f in FEATURES}
    grids = {f: _grid(values[f], f) for f in FEATURES}
    for (row, fy), (col, fx) in itertools.product(enumerate(FEATURES), repeat=2):
        ax = axes[row, col]
        _pair_axes(ax, grids[fx], grids[fy], bottom=row == len(FEATURES) - 1, left=col == 0)
        if row == col:
            _diagonal(ax, values[fx], customers["segment"].to_numpy(), colors, grids[fx])
        else:
            ax.scatter(shown[fx], shown[fy], c=point_colors, s=9, linewidths=0)
    for i, feature in enumerate(FEATURES):
        axes[-1, i].set_xlabel(wrap(LABELS[feature], 22), fontsize=TEXT)
        axes[i, 0].set_ylabel(wrap(LABELS[feature], 22), fontsize=TEXT)
    _segment_legend(fig, result)
    fig.suptitle(
        "How the segments differ: recency, frequency and spend per customer",
        fontsize=TITLE, x=0.07, ha="left",
    )  # fmt: skip
    fig.text(
        0.07, 0.935,
        f"Each dot is a customer: a random sample of {len(shown):,} of {len(customers):,}. "
        "Diagonal: how each segment's customers are spread (all customers).\n"
        + _log_note({f: g.scale for f, g in grids.items()}),
        fontsize=SMALL + 1, color="#444444", va="top",
    )  # fmt: skip
    return fig


@dataclass(frozen=True)
class _Grid:
    """One feature's scale, limits and tick positions, shared by its row and column."""

    scale: str
    limits: tuple[float, float]
    ticks: np.ndarray

    def fractions(self) -> np.ndarray:
        """Where the ticks sit along the axis, from 0 to 1."""
        f = np.log10 if self.scale == "log" else np.asarray
        low, high = f(np.asarray(self.limits, dtype=float))
        return (f(self.ticks) - low) / (high - low)


def _grid(values: np.ndarray, feature: str) -> _Grid:
    """Log scale for heavy-tailed features, a little padding, and a few round ticks."""
    scale = _scale(values, feature)
    low, high = float(values.min()), float(values.max())
    if scale == "log":
        limits = (low / 1.25, high * 1.25)
        locators = [LogLocator(numticks=8), LogLocator(subs=(1.0, 2.0, 5.0), numticks=12)]
    else:
        pad = (high - low) * 0.04 or 1.0
        limits = (low - pad, high + pad)
        locators = [MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])]
    for locator in locators:  # decades only, unless that leaves fewer than three ticks
        ticks = locator.tick_values(*limits)
        ticks = ticks[(ticks >= limits[0]) & (ticks <= limits[1])]
        if len(ticks) >= 3:
            break
    return _Grid(scale, limits, ticks)


def _use_grid(ax: Axes, which: str, grid: _Grid, *, labelled: bool = True) -> None:
    """Scale, limits and plain-number ticks ("1k", not "10³") on the x or y axis.

    An unlabelled axis is hidden instead: it then never creates Tick objects, the
    costliest artists, which in 16 panels doubled the pair plot's drawing time.
    """
    if grid.scale != "linear":  # linear is the default; setting it again costs a reset
        getattr(ax, f"set_{which}scale")(grid.scale)
    getattr(ax, f"set_{which}lim")(grid.limits)
    axis = getattr(ax, f"{which}axis")
    if not labelled:
        axis.set_visible(False)
        return
    axis.set_ticks(grid.ticks)
    axis.set_minor_locator(NullLocator())  # dozens of minor ticks per log axis: slow and busy
    axis.set_major_formatter(FuncFormatter(_number))
    axis.set_tick_params(labelsize=SMALL)


def _pair_axes(ax: Axes, x: _Grid, y: _Grid, *, bottom: bool, left: bool) -> None:
    """Scales, limits and grid of one panel; ticks only on the outer edge.

    The grid is two line collections rather than tick gridlines, so inner panels
    keep it without having any ticks.
    """
    _use_grid(ax, "x", x, labelled=bottom)
    _use_grid(ax, "y", y, labelled=left)
    ax.spines[["top", "right"]].set_visible(False)
    lines = [[(f, 0), (f, 1)] for f in x.fractions()] + [[(0, f), (1, f)] for f in y.fractions()]
    grid = LineCollection(lines, colors="#e5e5e5", linewidths=0.8, zorder=0, transform=ax.transAxes)
    ax.add_collection(grid, autolim=False)


def _diagonal(ax: Axes, values: np.ndarray, segment: np.ndarray, colors: dict, grid: _Grid) -> None:
    """Per-segment histograms as outlines, each normalised to its segment's size.

    Heights are drawn in axes fractions (y from 0 to 0.95 of the panel), so the
    panel's y axis keeps the row feature's scale and ticks like the rest of the row.
    """
    edges = (np.geomspace if grid.scale == "log" else np.linspace)(*grid.limits, 31)
    shares = {}
    for segment_id in colors:
        counts, _ = np.histogram(values[segment == segment_id], bins=edges)
        shares[segment_id] = counts / max(counts.sum(), 1)
    top = max((float(v.max(initial=0)) for v in shares.values()), default=0.0) or 1.0
    for segment_id, share in shares.items():
        ax.stairs(
            0.95 * share / top, edges, color=colors[segment_id], lw=2, fill=False,
            transform=ax.get_xaxis_transform(),
        )  # fmt: skip


def _segment_legend(fig: Figure, result: SegmentationResult) -> None:
    colors = segment_colors(result)
    handles = [
        Line2D([], [], marker="o", ls="", ms=11, color=colors[s.id]) for s in result.segments
    ]
    fig.legend(
        handles, [wrap(s.name, 24) for s in result.segments], loc="upper left",
        bbox_to_anchor=(0.8, 0.87), fontsize=TEXT, title="Segments", title_fontsize=TEXT,
        frameon=False, labelspacing=1.1,
    )  # fmt: skip


def box_plots(result: SegmentationResult, fig: Figure | None = None) -> Figure:
    """One panel per feature, one horizontal box per segment; whiskers 5th–95th percentile, no fliers."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI) if fig is None else fig
    customers = result.customers
    colors = segment_colors(result)
    segments = result.segments
    axes = fig.subplots(1, len(FEATURES), sharey=True, squeeze=False)[0]
    fig.subplots_adjust(left=0.2, right=0.98, bottom=0.1, top=0.84, wspace=0.12)
    by_segment = customers.groupby("segment")
    positions = np.arange(len(segments))[::-1]  # segment 0 (most revenue) on top
    for ax, feature in zip(axes, FEATURES, strict=True):
        _style(ax)
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
        _use_grid(
            ax, "x", _grid(np.array([w.get_xdata() for w in boxes["whiskers"]]).ravel(), feature)
        )
        ax.set_title(wrap(LABELS[feature], 24), fontsize=TEXT + 1, y=1.0, pad=8)
        ax.grid(False, axis="y")
    axes[0].set_yticks(positions, [wrap(s.name, 26) for s in segments], fontsize=TEXT)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    logs = _log_note({f: ax.get_xscale() for f, ax in zip(FEATURES, axes, strict=True)})
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
    ax = _new_axes(ax, left=0.21, right=0.97, bottom=0.08, top=0.87)
    _style(ax)
    ax.grid(False, axis="y")
    colors = [segment_colors(result)[s.id] for s in result.segments]
    y = np.arange(len(result.segments))[::-1].astype(float)
    height = 0.38
    customers = [100 * s.share for s in result.segments]
    revenue = [100 * s.revenue_share for s in result.segments]
    people = ax.barh(
        y + height / 2, customers, height, color=colors, alpha=0.35, hatch="//", edgecolor=colors
    )
    money = ax.barh(y - height / 2, revenue, height, color=colors, edgecolor=colors)
    for bars, values in ((people, customers), (money, revenue)):
        labels = [f"{v:.0f}%" if v >= 0.5 or v == 0 else "<1%" for v in values]
        ax.bar_label(bars, labels=labels, padding=4, fontsize=TEXT)
    ax.set_yticks(y, [wrap(s.name, 30) for s in result.segments], fontsize=TEXT)
    ax.set_xlim(0, max(customers + revenue) * 1.15)
    ax.set_xlabel("Share (%)", fontsize=TEXT)
    ax.legend(
        [people[0], money[0]], ["Share of customers (hatched)", "Share of revenue (solid)"],
        loc="lower right", fontsize=TEXT, framealpha=0.9,
    )  # fmt: skip
    _title(
        ax,
        "Who the customers are and where the revenue comes from",
        f"Share of all {result.audit.customers:,} customers (hatched) and of their total spend (solid), per segment.",
    )
    return ax.figure


def render_png(fig: Figure) -> bytes:
    """PNG bytes of a figure drawn with Agg; identical figures give identical bytes. Closes it.

    The image is reduced to a 256-colour palette (charts use a handful of colours
    plus anti-aliasing): a third of the size of full colour, faster to encode, and
    no timestamp or software version is written.
    """
    if fig.canvas.manager is not None:  # made by pyplot: release it from pyplot's registry
        import matplotlib.pyplot as plt

        plt.close(fig)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(buf, "png")
    return buf.getvalue()


def chart_pngs(result: SegmentationResult) -> dict[str, bytes]:
    """The four charts as PNG bytes by file name, in reading order."""
    figures = (k_choice_chart, pair_plot, box_plots, segment_overview)
    return {name: render_png(draw(result)) for name, draw in zip(CHART_FILES, figures, strict=True)}
