"""Charts for the weekly digest: who moved between segments, and segment sizes over time.

Like ``segmentation.charts``: each function takes data and an optional ``ax`` and
returns the Figure, never touching pyplot's global state; ``render_png`` makes bytes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from segmentation.chart_style import PALETTE, SMALL, TEXT, TITLE, wrap

FIGSIZE, DPI = (14.0, 9.0), 100


def colors_for(ids: list[int]) -> dict[int, str]:
    """The colour of each segment id, as in every other chart (it follows the id)."""
    return {i: PALETTE[i % len(PALETTE)] for i in ids}


def _axes(ax: Axes | None, **margins: float) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(**margins)
    return fig.add_subplot()


def migration_chart(
    flows: pd.DataFrame,
    previous_names: dict[int, str],
    current_names: dict[int, str],
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of customer counts: rows last run's segments, columns this run's.

    ``flows`` is ``Movement.flows`` (index previous ids, columns current ids). The
    diagonal is who stayed; every other cell is a movement, labelled with its count.
    """
    ax = _axes(ax, left=0.28, right=0.97, bottom=0.3, top=0.9)
    counts = flows.to_numpy(dtype=float)
    shown = np.where(
        counts > 0, np.log1p(counts), np.nan
    )  # log: one big "stayed" cell hides the rest
    ax.imshow(shown, cmap="Blues", aspect="auto", vmin=0)
    for (r, c), n in np.ndenumerate(counts):
        if n:
            dark = shown[r, c] > 0.6 * np.nanmax(shown)
            ax.text(c, r, f"{int(n):,}", ha="center", va="center", fontsize=TEXT,
                    color="white" if dark else "black")  # fmt: skip
    ax.set_xticks(range(len(flows.columns)))
    ax.set_xticklabels([wrap(current_names.get(int(i), str(i)), 22) for i in flows.columns],
                       fontsize=SMALL, rotation=30, ha="right")  # fmt: skip
    ax.set_yticks(range(len(flows.index)))
    ax.set_yticklabels([wrap(previous_names.get(int(i), str(i)), 30) for i in flows.index],
                       fontsize=SMALL)  # fmt: skip
    ax.set_xlabel("This run", fontsize=TEXT)
    ax.set_ylabel("Last run", fontsize=TEXT)
    ax.set_title("Where customers went since the last run", fontsize=TITLE, loc="left")
    return ax.figure


def sizes_over_time(history: pd.DataFrame, names: dict[int, str], ax: Axes | None = None) -> Figure:
    """Customers per segment across runs: one line per segment id, coloured by id.

    ``history`` has one row per run (index: a label such as the as-of date, oldest
    first) and one column per segment id; a missing value means the segment did not exist.
    """
    ax = _axes(ax, left=0.08, right=0.7, bottom=0.12, top=0.9)
    colors = colors_for([int(c) for c in history.columns])
    x = np.arange(len(history))
    for column in history.columns:
        ax.plot(x, history[column].to_numpy(dtype=float), "o-", lw=2.5, ms=7,
                color=colors[int(column)], label=wrap(names.get(int(column), f"Segment {column}"), 34))  # fmt: skip
    ax.set_xticks(x)
    ax.set_xticklabels([str(i) for i in history.index], fontsize=SMALL, rotation=30, ha="right")
    ax.tick_params(labelsize=SMALL)
    ax.set_ylabel("Customers", fontsize=TEXT)
    ax.set_ylim(bottom=0)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=SMALL, frameon=False)
    ax.set_title("Segment sizes over time", fontsize=TITLE, loc="left")
    return ax.figure
