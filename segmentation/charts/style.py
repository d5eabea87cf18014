"""Shared look of segbot's charts: palette, sizes, labels, titles and legends."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

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


def colors_for(ids: Iterable[int]) -> dict[int, str]:
    """Hex colour per segment id: it follows the id, so a segment keeps its colour everywhere."""
    return {i: PALETTE[i % len(PALETTE)] for i in ids}


def segment_colors(result: SegmentationResult) -> dict[int, str]:
    """Hex colour per segment of a result, in the order of ``result.summary.segments``."""
    return colors_for(s.id for s in result.summary.segments)


def wrap(text: str, width: int = 28) -> str:
    """Break a long segment name over lines so labels stay narrow."""
    return "\n".join(textwrap.wrap(text, width)) or text


def new_axes(ax: Axes | None, *, figsize: tuple[float, float] = FIGSIZE, **margins: float) -> Axes:
    """The caller's axes, or one on a new figure of ``figsize`` inches with fixed margins.

    Fixed margins rather than constrained layout: layout passes re-measure every
    text and made a one-panel chart about 40% slower to render.
    """
    if ax is not None:
        return ax
    fig = Figure(figsize=figsize, dpi=DPI)
    fig.subplots_adjust(**margins)
    return fig.add_subplot()


def style_axes(ax: Axes) -> None:
    """segbot's look on one axes: readable tick labels, a light grid behind the data, no top/right frame."""
    # Explicit sizes rather than rcParams: ticks are created lazily at draw time.
    ax.tick_params(labelsize=SMALL)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def axis_scale(values: np.ndarray, feature: str) -> str:
    """'log' for a heavy-tailed feature whose values are all positive, else 'linear'."""
    return "log" if feature in LOG_FEATURES and len(values) and values.min() > 0 else "linear"


def log_note(scales: dict[str, str]) -> str:
    """'Log scale: frequency, total spend.' for a caption."""
    logs = [LABELS[f].split(" (")[0].lower() for f, scale in scales.items() if scale == "log"]
    return f"Log scale: {', '.join(logs)}." if logs else "All scales linear."


def short_number(value: float, _pos: object = None) -> str:
    """Tick label: 1, 10, 100, 1k, 10k, 1M (plain numbers read faster than 10³ in a preview)."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def set_title(ax: Axes, title: str, subtitle: str = "") -> None:
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


def segment_legend(fig: Figure, result: SegmentationResult) -> None:
    """A figure legend to the right: one coloured dot and (wrapped) name per segment."""
    colors = segment_colors(result)
    handles = [
        Line2D([], [], marker="o", ls="", ms=11, color=colors[s.id])
        for s in result.summary.segments
    ]
    fig.legend(
        handles, [wrap(s.name, 24) for s in result.summary.segments], loc="upper left",
        bbox_to_anchor=(0.8, 0.87), fontsize=TEXT, title="Segments", title_fontsize=TEXT,
        frameon=False, labelspacing=1.1,
    )  # fmt: skip


@dataclass(frozen=True)
class AxisGrid:
    """One feature's scale, limits and tick positions, shared by its row and column."""

    scale: str
    limits: tuple[float, float]
    ticks: np.ndarray

    def fractions(self) -> np.ndarray:
        """Where the ticks sit along the axis, from 0 to 1."""
        f = np.log10 if self.scale == "log" else np.asarray
        low, high = f(np.asarray(self.limits, dtype=float))
        return (f(self.ticks) - low) / (high - low)


def axis_grid(values: np.ndarray, feature: str) -> AxisGrid:
    """Log scale for heavy-tailed features, a little padding, and a few round ticks."""
    scale = axis_scale(values, feature)
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
    return AxisGrid(scale, limits, ticks)


def use_grid(ax: Axes, which: str, grid: AxisGrid, *, labelled: bool = True) -> None:
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
    axis.set_major_formatter(FuncFormatter(short_number))
    axis.set_tick_params(labelsize=SMALL)
