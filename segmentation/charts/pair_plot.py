"""The pair plot: every pair of features, customers coloured by segment."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure

from segmentation.charts.style import (
    DPI,
    FIGSIZE,
    LABELS,
    SMALL,
    TEXT,
    TITLE,
    AxisGrid,
    axis_grid,
    log_note,
    segment_colors,
    segment_legend,
    use_grid,
    wrap,
)
from segmentation.result import SegmentationResult
from segmentation.summary import FEATURES


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
    grids = {f: axis_grid(values[f], f) for f in FEATURES}
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
    segment_legend(fig, result)
    fig.suptitle(
        "How the segments differ: recency, frequency and spend per customer",
        fontsize=TITLE, x=0.07, ha="left",
    )  # fmt: skip
    fig.text(
        0.07, 0.935,
        f"Each dot is a customer: a random sample of {len(shown):,} of {len(customers):,}. "
        "Diagonal: how each segment's customers are spread (all customers).\n"
        + log_note({f: g.scale for f, g in grids.items()}),
        fontsize=SMALL + 1, color="#444444", va="top",
    )  # fmt: skip
    return fig


def _pair_axes(ax: Axes, x: AxisGrid, y: AxisGrid, *, bottom: bool, left: bool) -> None:
    """Scales, limits and grid of one panel; ticks only on the outer edge.

    The grid is two line collections rather than tick gridlines, so inner panels
    keep it without having any ticks.
    """
    use_grid(ax, "x", x, labelled=bottom)
    use_grid(ax, "y", y, labelled=left)
    ax.spines[["top", "right"]].set_visible(False)
    lines = [[(f, 0), (f, 1)] for f in x.fractions()] + [[(0, f), (1, f)] for f in y.fractions()]
    grid = LineCollection(lines, colors="#e5e5e5", linewidths=0.8, zorder=0, transform=ax.transAxes)
    ax.add_collection(grid, autolim=False)


def _diagonal(
    ax: Axes, values: np.ndarray, segment: np.ndarray, colors: dict, grid: AxisGrid
) -> None:
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
