"""The estimator contract and the silhouette shortcut."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.metrics import pairwise_distances, silhouette_score

from segmentation.model import SegmentModel, euclidean_distances32, silhouette_from_distances


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
    assert "k = 3" in model.k_reason_


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
