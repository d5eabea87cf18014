"""Charts for the weekly digest: who moved between segments, and segment sizes over time.

Like the run's charts: each function takes data and an optional ``ax`` and returns the
Figure, never touching pyplot's global state; ``segmentation.charts.png.render_png``
makes the bytes. Segment colours follow the id, as in every other chart.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from segmentation.charts.style import SMALL, TEXT, TITLE, colors_for, new_axes, style_axes, wrap

FIGSIZE = (14.0, 9.0)  # inches at the shared DPI; smaller than a run's charts: two per digest


def migration_chart(
    flows: pd.DataFrame,
    previous_names: Mapping[int, str],
    current_names: Mapping[int, str],
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of customer counts: rows last run's segments, columns this run's.

    ``flows`` is ``Movement.flows`` (index previous ids, columns current ids); the names
    map segment id to name (the id is shown where a name is missing). The diagonal is
    who stayed; every other cell is a movement, labelled with its count.
    """
    ax = new_axes(ax, figsize=FIGSIZE, left=0.28, right=0.97, bottom=0.3, top=0.9)
    counts = flows.to_numpy(dtype=float)
    # Log colour scale: one big "stayed" cell would otherwise wash out every movement.
    shown = np.where(counts > 0, np.log1p(counts), np.nan)
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


def sizes_over_time(
    history: pd.DataFrame, names: Mapping[int, str], ax: Axes | None = None
) -> Figure:
    """Customers per segment across runs: one line per segment id, coloured by id.

    ``history`` has one row per run (index: a label such as the as-of date, oldest
    first) and one column per segment id; a missing value means the segment did not
    exist then. ``names`` maps segment id to name ("Segment <id>" where missing).
    """
    ax = new_axes(ax, figsize=FIGSIZE, left=0.08, right=0.7, bottom=0.12, top=0.9)
    style_axes(ax)
    colors = colors_for(int(c) for c in history.columns)
    x = np.arange(len(history))
    for column in history.columns:
        ax.plot(x, history[column].to_numpy(dtype=float), "o-", lw=2.5, ms=7,
                color=colors[int(column)], label=wrap(names.get(int(column), f"Segment {column}"), 34))  # fmt: skip
    ax.set_xticks(x)
    ax.set_xticklabels([str(i) for i in history.index], fontsize=SMALL, rotation=30, ha="right")
    ax.set_ylabel("Customers", fontsize=TEXT)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=SMALL, frameon=False)
    ax.set_title("Segment sizes over time", fontsize=TITLE, loc="left")
    return ax.figure
