"""Keep segments recognisable week to week: match a new run's segments to the previous run's.

Segments are compared by their medians on the scale the model clusters on (log1p, then
standardised over the current customers), and paired one-to-one with the Hungarian
algorithm. A matched segment takes the previous segment's id (so its colour, which follows
the id, stays) and its name, unless its profile really changed (its levels differ).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from segmentation.naming import core
from segmentation.result import SegmentationResult
from segmentation.scale import fit_scale, on_scale
from segmentation.summary import FEATURES, Segment

# Two segments further apart than this (in standard deviations of log1p features, over
# all four features) are different segments, even if nothing closer is left to pair with.
MAX_DISTANCE = 1.5


def _points(segments: Sequence[Segment], customers: pd.DataFrame) -> np.ndarray:
    """One row per segment: its medians on the model's scale fitted over ``customers``."""
    medians = [[getattr(s.median, f) for f in FEATURES] for s in segments]
    return on_scale(fit_scale(customers[list(FEATURES)]), medians)


def match_segments(
    previous: Sequence[Segment],
    current: Sequence[Segment],
    customers: pd.DataFrame,
    *,
    previous_customers: pd.DataFrame | None = None,
    max_distance: float = MAX_DISTANCE,
) -> dict[int, int]:
    """``{current id: previous id}`` for the pairs that are the same segment.

    Each run's medians are standardised
    over its own customers (``customers`` now, ``previous_customers`` then; the current
    ones when not given), so a week in which everyone's recency grew by seven days
    compares profiles, not calendars. One-to-one, minimising the total distance; pairs
    further apart than ``max_distance`` stay unmatched.
    """
    if not previous or not current:
        return {}
    then = (
        customers if previous_customers is None or previous_customers.empty else previous_customers
    )
    a = _points(current, customers)
    b = _points(previous, then)
    distances = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(distances)
    return {
        current[r].id: previous[c].id
        for r, c in zip(rows, cols, strict=True)
        if distances[r, c] <= max_distance
    }


def carry_names(
    previous: Sequence[Segment], current: Sequence[Segment], matches: dict[int, int]
) -> dict[int, str]:
    """The name each current segment should show: the previous one when its levels held.

    A name is carried only if the profile (recency, frequency and spend levels) is the
    same; otherwise the fresh name says what changed. A carried name whose core
    (``naming.core``) another segment's name shares gives way to its fresh name: fresh names
    differ in their core, so no two names end up told apart by a qualifier alone.
    """
    before = {s.id: s for s in previous}
    fresh = {s.id: s.name for s in current}
    names: dict[int, str] = dict(fresh)
    kept: set[int] = set()
    for s in current:
        old = before.get(matches.get(s.id, -1))
        if old is not None and dict(old.levels) == dict(s.levels):
            names[s.id] = old.name
            kept.add(s.id)
    while True:
        cores = [core(name) for name in names.values()]
        clashing = {sid for sid in kept if cores.count(core(names[sid])) > 1}
        if not clashing:
            return names
        for sid in clashing:
            names[sid] = fresh[sid]
        kept -= clashing


def new_ids(matches: dict[int, int], current_ids: list[int]) -> dict[int, int]:
    """``{current id: id to use}``: matched segments take the previous id, others the lowest free."""
    taken = set(matches.values())
    free = (i for i in range(len(current_ids) + len(taken) + 1) if i not in taken)
    return {c: matches[c] if c in matches else next(free) for c in sorted(current_ids)}


def align_to_previous(
    result: SegmentationResult,
    previous: Sequence[Segment],
    *,
    previous_customers: pd.DataFrame | None = None,
    max_distance: float = MAX_DISTANCE,
) -> tuple[SegmentationResult, dict[int, int]]:
    """The result renumbered and renamed to follow ``previous``; also ``{new id: previous id}``.

    ``previous_customers`` is the previous run's customer table (see ``match_segments``).
    Returns a new result (the input is not changed) whose matched segments carry the
    previous ids and names; ``customers["segment"]`` is renumbered the same way.
    """
    current = result.summary.segments
    matches = match_segments(
        previous,
        current,
        result.customers,
        previous_customers=previous_customers,
        max_distance=max_distance,
    )
    names = carry_names(previous, current, matches)
    ids = new_ids(matches, [s.id for s in current])
    segments = tuple(dataclasses.replace(s, id=ids[s.id], name=names[s.id]) for s in current)
    customers = result.customers.assign(segment=result.customers["segment"].map(ids))
    aligned = SegmentationResult(
        summary=result.summary.with_segments(segments), customers=customers
    )
    return aligned, {ids[c]: p for c, p in matches.items()}
