"""segbot's elbow is kneed's KneeLocator (convex, decreasing), without kneed's imports."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from segmentation.elbow import elbow

kneed = pytest.importorskip("kneed", reason="kneed is the reference the elbow is checked against")


def kneed_elbow(ks, inertia):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a flat curve divides by zero in both
        return kneed.KneeLocator(ks, inertia, curve="convex", direction="decreasing").knee


def curves(count: int = 4000):
    """Decreasing power laws with noise, sorted random values, plateaus and ties, zig-zags."""
    rng = np.random.default_rng(0)
    for trial in range(count):
        ks = list(range(2, 2 + int(rng.integers(2, 12))))
        n = len(ks)
        yield (
            ks,
            [
                list(1000 / np.array(ks) ** rng.uniform(0.2, 3) + rng.normal(0, 5, n)),
                list(np.sort(rng.random(n))[::-1] * 1000),
                list(rng.integers(0, 5, n).astype(float)),
                list(rng.random(n) * 100),
            ][trial % 4],
        )


def test_the_same_elbow_as_kneed_on_every_kind_of_curve():
    for ks, inertia in curves():
        assert elbow(ks, inertia) == kneed_elbow(ks, inertia), (ks, inertia)


def test_the_same_elbow_as_kneed_on_the_real_data(real_result):
    scores = real_result.summary.k_scores
    ks, inertia = [s.k for s in scores], [s.inertia for s in scores]
    assert elbow(ks, inertia) == kneed_elbow(ks, inertia) is not None


def test_a_bend_and_none():
    assert elbow(range(2, 11), [100, 60, 30, 25, 21, 18, 16, 14, 13]) == 4
    assert elbow([2, 3, 4], [3.0, 2.0, 1.0]) is None  # a straight line has no bend
