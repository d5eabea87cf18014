"""The estimator contract and the silhouette shortcut."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import pairwise_distances, silhouette_score

from segmentation.model import (
    SegmentModel,
    euclidean_distances32,
    explain_k,
    silhouette_from_distances,
)


def blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.array([[5, 1, 20, 20], [200, 1, 300, 300], [20, 15, 100, 1500]])
    return np.vstack([rng.lognormal(np.log(c), 0.15, size=(150, 4)) for c in centres])


def test_estimator_contract():
    model = SegmentModel(k=None, random_state=3)
    assert clone(model).get_params() == model.get_params()
    assert model.fit(blobs()) is model
    assert model.labels_.shape == (450,)
    assert model.predict(blobs()[:5]).tolist() == model.labels_[:5].tolist()


def test_chooses_the_true_number_of_groups():
    model = SegmentModel(random_state=0).fit(blobs())
    assert model.k_ == 3
    assert model.stability_ > 0.95
    assert "k = 3" in explain_k(model.k_choice_)


def test_silhouette_matches_scikit_learn():
    X = blobs()
    labels = SegmentModel(k=4, random_state=0).fit(X).labels_
    distances = pairwise_distances(np.log1p(X))
    assert np.isclose(
        silhouette_from_distances(distances, labels),
        silhouette_score(distances, labels, metric="precomputed"),
    )
    assert np.isclose(
        silhouette_from_distances(euclidean_distances32(np.log1p(X)), labels),
        silhouette_score(distances, labels, metric="precomputed"),
        atol=1e-4,
    )


def test_float32_distances_match_scikit_learn():
    points = np.log1p(blobs())
    assert np.allclose(euclidean_distances32(points), pairwise_distances(points), atol=1e-3)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"order_by": 3},
        {"order_by": 3, "scoring_sample": 100},
        {"k": 4, "order_by": 3, "scoring_sample": 100},
    ],
    ids=["plain", "order_by", "scoring-sample", "forced-k-scoring-sample"],
)
def test_predict_on_the_training_data_gives_labels(params):
    X = blobs(1)
    model = SegmentModel(random_state=2, n_bootstrap=0, **params).fit(X)
    assert model.predict(X).tolist() == model.labels_.tolist()


def test_order_by_numbers_labels_by_that_column_total_largest_first():
    X = blobs()
    model = SegmentModel(k=3, order_by=3, random_state=0, n_bootstrap=0).fit(X)
    totals = np.bincount(model.labels_, weights=X[:, 3])
    assert totals.tolist() == sorted(totals, reverse=True)
