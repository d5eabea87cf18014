"""K-Means segmentation with k chosen by elbow and silhouette, as a scikit-learn estimator."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from segmentation.choices import K_MAX, K_MIN
from segmentation.k_rule import MIN_SEGMENT_SHARE, choose_k
from segmentation.scale import fit_scale, on_scale
from segmentation.summary import KScore, finite_or_none
from segmentation.threads import one_thread


class SegmentModel(ClusterMixin, BaseEstimator):
    """log1p → standardise → K-Means, choosing k from ``k_range`` unless ``k`` is given.

    Every k of ``k_range`` (and a forced ``k``) is scored by the best of ``scoring_n_init``
    k-means++ starts: a single start lands in a worse local optimum often enough (29% of
    starts at k = 5 on the real data) to move the elbow. Rule for k (``choose_k``): find the
    elbow of the inertia curve; among the elbow and its two neighbours, take the k with the
    best silhouette whose smallest segment holds at least ``min_share`` of customers (a
    segment of a handful of people is not actionable). Silhouettes are computed on
    ``silhouette_sample`` customers (all when there are no more). The chosen k keeps its
    scoring fit, or is refitted with ``n_init`` starts if that is more. For large data, k are
    scored on ``scoring_sample`` customers and only the chosen k is fitted on everyone.

    ``stability_`` (in [0, 1]; NaN when ``n_bootstrap`` is 0): the chosen k is refitted
    (``n_init`` starts) ``n_bootstrap`` times, each on a bootstrap sample of up to
    ``bootstrap_sample`` customers; each refit and the model label the same up to
    ``bootstrap_sample`` customers, the refit's segments are paired one-to-one with the
    model's to agree on the most of them (Hungarian matching), and ``stability_`` is the
    mean share of customers a refit puts in the same segment: 0.93 means refits on
    resampled customers put 93% of customers in the same segment.

    With ``order_by`` (a column index), labels are numbered by that column's total per
    cluster, largest first; ``labels_`` and ``predict`` use the same numbering. Fitted:
    ``labels_``, ``k_``, ``k_choice_`` (a ``KChoice``), ``k_scores_`` (a ``KScore`` per scored
    k), ``stability_``, ``cluster_centers_`` (label order; model scale if ``log_transform``).
    """

    def __init__(
        self,
        k: int | None = None,
        *,
        k_range: tuple[int, int] = (K_MIN, K_MAX),
        log_transform: bool = True,
        min_share: float = MIN_SEGMENT_SHARE,
        n_init: int = 3,
        scoring_n_init: int = 3,
        silhouette_sample: int = 2500,
        scoring_sample: int = 5_000,
        n_bootstrap: int = 5,
        bootstrap_sample: int = 5000,
        order_by: int | None = None,
        random_state: int | None = 0,
    ):
        self.k = k
        self.k_range = k_range
        self.log_transform = log_transform
        self.min_share = min_share
        self.n_init = n_init
        self.scoring_n_init = scoring_n_init
        self.silhouette_sample = silhouette_sample
        self.scoring_sample = scoring_sample
        self.n_bootstrap = n_bootstrap
        self.bootstrap_sample = bootstrap_sample
        self.order_by = order_by
        self.random_state = random_state

    def fit(self, X, y=None):
        """Fit on a (customers × features) array of non-negative values; returns self."""
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        # Thousands of 4-d points gain nothing from OpenMP threads, and on a busy machine
        # spinning threads make K-Means 10-100× slower.
        with one_thread():
            return self._fit(X)

    def _fit(self, X: np.ndarray):
        rng = check_random_state(self.random_state)
        self.scaler_ = fit_scale(X) if self.log_transform else None
        Z = self._scaled(X)
        if self.k is not None and not 2 <= self.k <= len(Z) - 1:
            raise ValueError(f"k must be between 2 and {len(Z) - 1} for {len(Z)} customers")
        scoring = Z[self._sample_rows(len(Z), self.scoring_sample, rng)]
        seed = rng.randint(np.iinfo(np.int32).max)
        models, self.k_scores_ = self._score_candidates(len(Z), scoring, seed, rng)
        self.k_choice_ = choose_k(self.k_scores_, min_share=self.min_share, forced=self.k)
        self.k_ = self.k_choice_.k
        chosen = models[self.k_]
        if self.scoring_n_init < self.n_init:
            chosen = KMeans(n_clusters=self.k_, n_init=self.n_init, random_state=seed).fit(scoring)
        if len(scoring) < len(Z):
            chosen = KMeans(self.k_, init=chosen.cluster_centers_, n_init=1).fit(Z)
        self.kmeans_ = chosen
        self.order_ = self._label_order(X, chosen.labels_)
        self.labels_ = self.order_[chosen.labels_]
        self.cluster_centers_ = chosen.cluster_centers_[np.argsort(self.order_)]
        self.stability_ = self._stability(Z, chosen, rng)
        return self

    def _score_candidates(self, n: int, scoring, seed, rng) -> tuple[dict[int, KMeans], list]:
        """A K-Means per k on ``scoring`` (n customers in all), with its ``KScore``."""
        low, high = self.k_range
        ks = set(range(low, max(low, min(high, n - 1)) + 1)) | ({self.k} - {None})
        models = {
            k: KMeans(n_clusters=k, n_init=self.scoring_n_init, random_state=seed).fit(scoring)
            for k in sorted(ks)
        }
        sample = self._sample_rows(len(scoring), self.silhouette_sample, rng)
        distances = euclidean_distances32(scoring[sample])
        silhouettes = silhouette_scores(distances, [m.labels_[sample] for m in models.values()])
        return models, [
            KScore(
                k,
                float(m.inertia_) * n / len(scoring),
                finite_or_none(silhouette),
                float(np.bincount(m.labels_, minlength=k).min() / len(scoring)),
            )
            for (k, m), silhouette in zip(models.items(), silhouettes, strict=True)
        ]

    def _label_order(self, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """``order[kmeans label]`` = the label segbot shows (by ``order_by`` total, largest first)."""
        k = self.k_  # not labels.max() + 1: identical customers can leave a cluster empty
        if self.order_by is None:
            return np.arange(k)
        totals = np.bincount(labels, weights=X[:, self.order_by], minlength=k)
        return np.argsort(np.argsort(-totals, kind="stable"))  # each label's rank

    def predict(self, X):
        """Segment index for each row of X (the numbering of ``labels_``)."""
        check_is_fitted(self, "kmeans_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.order_[self.kmeans_.predict(self._scaled(X))]

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        return X if self.scaler_ is None else on_scale(self.scaler_, X)

    def _stability(self, Z: np.ndarray, chosen: KMeans, rng) -> float:
        """The mean matched share of the class docstring (``chosen`` was fitted on ``Z``)."""
        if self.n_bootstrap <= 0:
            return float("nan")
        evaluation = self._sample_rows(len(Z), self.bootstrap_sample, rng)
        reference, k = chosen.labels_[evaluation], chosen.n_clusters
        shares = []
        for _ in range(self.n_bootstrap):
            picks = rng.randint(0, len(Z), size=min(len(Z), self.bootstrap_sample))
            # A fresh seed per refit, so the refits' k-means++ starts differ too.
            refit = KMeans(k, n_init=self.n_init, random_state=rng.randint(2**31 - 1))
            labels = refit.fit(Z[picks]).predict(Z[evaluation])
            counts = np.bincount(reference * k + labels, minlength=k * k).reshape(k, k)
            rows, cols = linear_sum_assignment(counts, maximize=True)
            shares.append(counts[rows, cols].sum() / len(evaluation))
        return float(np.mean(shares))

    @staticmethod
    def _sample_rows(n: int, size: int, rng) -> np.ndarray:
        return np.arange(n) if n <= size else np.sort(rng.choice(n, size=size, replace=False))


def euclidean_distances32(points: np.ndarray) -> np.ndarray:
    """Square matrix of Euclidean distances between rows, in float32: for standardised
    features the error (~1e-3 at most) is far below what moves a silhouette score, and
    half-width numbers make the scoring twice as fast."""
    points = np.asarray(points, dtype=np.float32)
    squared = np.einsum("ij,ij->i", points, points)[:, None]
    ones = np.ones_like(squared)
    # |a|² + |b|² - 2a·b as one product of augmented rows: no n×n temporaries to add up.
    distances = np.hstack([points * -2, squared, ones]) @ np.hstack([points, ones, squared]).T
    np.maximum(distances, 0, out=distances)
    np.fill_diagonal(distances, 0)
    return np.sqrt(distances, out=distances)


def silhouette_scores(distances: np.ndarray, labelings) -> list[float]:
    """Mean silhouette of each labeling of the points behind a square distance matrix, as
    ``sklearn.metrics.silhouette_score(metric="precomputed")`` (singletons 0; NaN for one
    cluster); one matrix product serves every labeling, reading the matrix once, not per k."""
    inverse = [np.unique(labels, return_inverse=True)[1] for labels in labelings]
    starts = np.cumsum([0] + [int(labels.max()) + 1 for labels in inverse])
    onehot = np.zeros((len(distances), starts[-1]), dtype=distances.dtype)
    for start, labels in zip(starts[:-1], inverse, strict=True):
        onehot[np.arange(len(labels)), start + labels] = 1
    sums = (distances @ onehot).astype(np.float64)  # row i: total distance to each cluster
    return [
        _silhouette(sums[:, start:end], labels)
        for start, end, labels in zip(starts[:-1], starts[1:], inverse, strict=True)
    ]


def _silhouette(sums: np.ndarray, labels: np.ndarray) -> float:
    if sums.shape[1] < 2:
        return float("nan")
    rows, sizes = np.arange(len(labels)), np.bincount(labels).astype(np.float64)
    own_size = sizes[labels]
    a = sums[rows, labels] / np.maximum(own_size - 1, 1)  # mean distance within own cluster
    means = sums / sizes
    means[rows, labels] = np.inf
    b = means.min(axis=1)  # mean distance to the nearest other cluster
    s = (b - a) / np.maximum(a, b)
    s[own_size == 1] = 0.0
    return float(np.nan_to_num(s).mean())
