"""The elbow of a decreasing, convex curve (the inertia per k): the Kneedle rule, in numpy.

Satopää et al., "Finding a 'Kneedle' in a Haystack" (2011), exactly as kneed 0.9's
``KneeLocator(x, y, curve="convex", direction="decreasing").knee`` computes it (S = 1,
offline, no smoothing), without kneed's imports: it loads scipy.signal and matplotlib, over
a second of a command line's start for a dozen numbers. tests/segmentation/test_elbow.py
checks the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def elbow(x: Sequence[float], y: Sequence[float], sensitivity: float = 1.0) -> float | None:
    """The x where the decreasing, convex curve ``y(x)`` bends most; None if it has no bend.

    ``x`` ascending. Both are scaled to [0, 1], y is flipped (``max - y``) and the difference
    curve ``y - x`` is walked from its first local maximum: the knee is the last maximum
    passed before the curve drops below that maximum's threshold (its value less
    ``sensitivity`` × the mean x step), unless a local minimum came in between.
    """
    xs, ys = np.array(x), np.array(y).astype(float)
    x_norm, y_norm = _normalise(xs), _normalise(ys)
    difference = (y_norm.max() - y_norm) - x_norm
    maxima = _extrema(difference, np.greater_equal)
    minima = _extrema(difference, np.less_equal)
    if not maxima.size:
        return None
    thresholds = difference[maxima] - sensitivity * np.abs(np.diff(x_norm).mean())
    passed, threshold, at, active = 0, 0.0, 0, True
    for i in range(int(maxima[0]), len(difference) - 1):
        if (maxima == i).any():
            threshold, at, active = thresholds[passed], i, True
            passed += 1
        if (minima == i).any():
            threshold, active = 0.0, False
        if active and difference[i + 1] < threshold:
            return xs[at]
    return None


def _normalise(a: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):  # a flat curve: NaN, and no elbow
        return (a - min(a)) / (max(a) - min(a))


def _extrema(values: np.ndarray, compare) -> np.ndarray:
    """Indices where ``compare(value, neighbour)`` holds for both neighbours; an end compares
    with itself on its open side (``scipy.signal.argrelextrema``, order 1, mode "clip")."""
    before = np.concatenate([values[:1], values[:-1]])
    after = np.concatenate([values[1:], values[-1:]])
    return np.flatnonzero(compare(values, before) & compare(values, after))
