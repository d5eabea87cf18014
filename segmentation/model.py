"""K-Means segmentation with k chosen by elbow and silhouette, as a scikit-learn estimator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from kneed import KneeLocator
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from segmentation.scale import fit_scale, on_scale
from segmentation.summary import KScore, finite_or_none

K_MIN, K_MAX = 2, 10  # the numbers of segments segbot offers, everywhere
K_RANGE = range(K_MIN, K_MAX + 1)

MIN_SEGMENT_SHARE = 0.05


@dataclass(frozen=True)
class KChoice:
    """How k was chosen: by hand, the only possibility, or elbow then silhouette.

    ``elbow`` is the k where the inertia curve bends (mid-range when ``knee_found`` is
    False); ``candidates`` the k weighed around it; ``all_large`` whether the chosen k
    keeps every segment at least ``min_share`` of customers.
    """

    k: int
    how: str  # "forced", "only", "elbow"
    elbow: int | None = None
    knee_found: bool = False
    candidates: tuple[int, ...] = ()
    silhouette: float | None = None
    all_large: bool = True
    min_share: float = MIN_SEGMENT_SHARE


class SegmentModel(ClusterMixin, BaseEstimator):
    """log1p → standardise → K-Means, choosing k from ``k_range`` unless ``k`` is given.

    Rule for k: find the elbow of the inertia curve; among the elbow and its two
    neighbours, take the k with the best silhouette whose smallest segment holds
    at least ``min_share`` of customers (a segment of a handful of people is not
    actionable). Silhouette is computed on a sample of ``silhouette_sample`` rows.
    Candidate k are scored with ``scoring_n_init`` k-means++ starts each (one, as in
    scikit-learn's default); the chosen k is fitted again with ``n_init`` starts. For
    large data, candidates are scored on ``scoring_sample`` customers and only the
    chosen k is fitted on everyone.
    Stability is the mean adjusted Rand index between the chosen labels and
    ``n_bootstrap`` refits on bootstrap samples.
    With ``order_by`` (a column index), labels are numbered by that column's total per
    cluster, largest first; ``labels_`` and ``predict`` use the same numbering.

    Fitted: ``labels_``, ``k_``, ``k_choice_`` (a ``KChoice``; ``explain_k`` words it),
    ``k_scores_`` (a ``KScore`` per candidate k), ``stability_`` (NaN when
    ``n_bootstrap`` is 0) and ``cluster_centers_`` (in label order; on the model's scale
    unless ``log_transform`` is False).
    """

    def __init__(
        self,
        k: int | None = None,
        *,
        k_range: tuple[int, int] = (K_MIN, K_MAX),
        log_transform: bool = True,
        min_share: float = MIN_SEGMENT_SHARE,
        n_init: int = 3,
        scoring_n_init: int = 1,
        silhouette_sample: int = 2000,
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
        with threadpool_limits(limits=1):
            return self._fit(X)

    def _fit(self, X: np.ndarray):
        rng = check_random_state(self.random_state)
        self.scaler_ = fit_scale(X) if self.log_transform else None
        Z = self._scaled(X)
        if self.k is not None and not 2 <= self.k <= len(Z) - 1:
            raise ValueError(f"k must be between 2 and {len(Z) - 1} for {len(Z)} customers")
        scoring = Z[self._sample_rows(len(Z), self.scoring_sample, rng)]
        seed = rng.randint(np.iinfo(np.int32).max)
        models, self.k_scores_ = self._score_candidates(Z, scoring, seed, rng)
        self.k_choice_ = self._choose_k(self.k_scores_)
        self.k_ = self.k_choice_.k
        chosen = models[self.k_]
        if self.k is None and self.scoring_n_init < self.n_init:
            chosen = KMeans(n_clusters=self.k_, n_init=self.n_init, random_state=seed).fit(scoring)
        if len(scoring) < len(Z):
            chosen = KMeans(
                n_clusters=self.k_, init=chosen.cluster_centers_, n_init=1, random_state=seed
            ).fit(Z)
        self.kmeans_ = chosen
        self.order_ = self._label_order(X, chosen.labels_)
        self.labels_ = self.order_[chosen.labels_]
        self.cluster_centers_ = chosen.cluster_centers_[np.argsort(self.order_)]
        self.stability_ = self._stability(Z, chosen, seed, rng)
        return self

    def _score_candidates(self, Z, scoring, seed, rng) -> tuple[dict[int, KMeans], list[KScore]]:
        """One K-Means per candidate k on ``scoring``, with inertia, silhouette and smallest share."""
        low, high = self.k_range
        high = min(high, len(Z) - 1)
        ks = [self.k] if self.k is not None else list(range(low, max(low, high) + 1))
        sample = self._sample_rows(len(scoring), self.silhouette_sample, rng)
        distances = euclidean_distances32(scoring[sample])
        n_init = self.n_init if self.k is not None else self.scoring_n_init
        models, scores = {}, []
        for k in ks:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(scoring)
            models[k] = model
            silhouette = silhouette_from_distances(distances, model.labels_[sample])
            scores.append(
                KScore(
                    k=k,
                    inertia=float(model.inertia_) * len(Z) / len(scoring),
                    silhouette=finite_or_none(silhouette),
                    smallest_share=float(
                        np.bincount(model.labels_, minlength=k).min() / len(scoring)
                    ),
                )
            )
        return models, scores

    def _label_order(self, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """``order[kmeans label]`` = the label segbot shows (by ``order_by`` total, largest first)."""
        k = int(labels.max()) + 1
        if self.order_by is None:
            return np.arange(k)
        totals = np.bincount(labels, weights=X[:, self.order_by], minlength=k)
        ranking = np.argsort(-totals, kind="stable")
        order = np.empty(k, dtype=np.int64)
        order[ranking] = np.arange(k)
        return order

    def predict(self, X):
        """Segment index for each row of X (the numbering of ``labels_``)."""
        check_is_fitted(self, "kmeans_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.order_[self.kmeans_.predict(self._scaled(X))]

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        if self.scaler_ is None:
            return X
        return on_scale(self.scaler_, X)

    def _choose_k(self, scores: list[KScore]) -> KChoice:
        """The rule of the class docstring, applied to the candidates' scores."""
        if self.k is not None:
            return KChoice(k=self.k, how="forced")
        ks = [s.k for s in scores]
        if len(ks) == 1:
            return KChoice(k=ks[0], how="only")
        inertia = [s.inertia for s in scores]
        knee = KneeLocator(ks, inertia, curve="convex", direction="decreasing").knee
        elbow = int(knee) if knee is not None else ks[len(ks) // 2]
        candidates = [s for s in scores if abs(s.k - elbow) <= 1]
        usable = [s for s in candidates if s.smallest_share >= self.min_share]
        pool = usable or [s for s in scores if s.smallest_share >= self.min_share] or candidates
        # An unmeasured silhouette counts as the worst possible one, -1.
        best = max(pool, key=lambda s: (-1.0 if s.silhouette is None else s.silhouette, -s.k))
        return KChoice(
            k=best.k,
            how="elbow",
            elbow=elbow,
            knee_found=knee is not None,
            candidates=tuple(c.k for c in candidates),
            silhouette=best.silhouette,
            all_large=bool(usable),
            min_share=self.min_share,
        )

    def _stability(self, Z: np.ndarray, chosen: KMeans, seed: int, rng) -> float:
        if self.n_bootstrap <= 0:
            return float("nan")
        evaluation = self._sample_rows(len(Z), self.bootstrap_sample, rng)
        reference = chosen.labels_[evaluation]
        scores = []
        for _ in range(self.n_bootstrap):
            picks = rng.randint(0, len(Z), size=min(len(Z), self.bootstrap_sample))
            refit = KMeans(n_clusters=chosen.n_clusters, n_init=self.n_init, random_state=seed)
            refit.fit(Z[picks])
            scores.append(adjusted_rand_score(reference, refit.predict(Z[evaluation])))
        return float(np.mean(scores))

    @staticmethod
    def _sample_rows(n: int, size: int, rng) -> np.ndarray:
        if n <= size:
            return np.arange(n)
        return np.sort(rng.choice(n, size=size, replace=False))


def explain_k(choice: KChoice) -> str:
    """Why the run has ``choice.k`` segments, in one or two sentences."""
    k = choice.k
    if choice.how == "forced":
        return f"k = {k} was set by hand."
    if choice.how == "only":
        return f"Only k = {k} is possible with this few customers."
    where = (
        "the inertia curve bends"
        if choice.knee_found
        else "the inertia curve has no clear bend; mid-range"
    )
    silhouette = "not measured" if choice.silhouette is None else f"{choice.silhouette:.2f}"
    reason = (
        f"k = {k}: {where} at k = {choice.elbow}, and among k = {min(choice.candidates)}–"
        f"{max(choice.candidates)} k = {k} separates customers best (silhouette {silhouette})"
    )
    if choice.all_large:
        return reason + f" with every segment at least {choice.min_share:.0%} of customers."
    return reason + f"; some segment is smaller than {choice.min_share:.0%} of customers."


def euclidean_distances32(points: np.ndarray) -> np.ndarray:
    """Square matrix of Euclidean distances between rows, in float32.

    For standardised features the error (~1e-3 at most) is far below what moves a
    silhouette score, and half-width numbers make the per-k scoring twice as fast.
    """
    points = np.asarray(points, dtype=np.float32)
    squared = np.einsum("ij,ij->i", points, points)
    # In place on the Gram matrix: each extra 2000×2000 temporary costs as much as the product.
    distances = points @ points.T
    distances *= -2
    distances += squared[:, None]
    distances += squared[None, :]
    np.maximum(distances, 0, out=distances)
    np.fill_diagonal(distances, 0)
    return np.sqrt(distances, out=distances)


def silhouette_from_distances(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a square distance matrix, via one matrix product per call.

    Same definition as ``sklearn.metrics.silhouette_score(metric="precomputed")``
    (singletons score 0), but ~10× faster when scoring many k on one sample.
    """
    clusters, labels = np.unique(labels, return_inverse=True)
    if len(clusters) < 2:
        return float("nan")
    rows = np.arange(len(labels))
    onehot = np.zeros((len(labels), len(clusters)), dtype=distances.dtype)
    onehot[rows, labels] = 1
    sizes = np.bincount(labels).astype(np.float64)
    sums = (distances @ onehot).astype(np.float64)  # row i: total distance to each cluster
    own_size = sizes[labels]
    a = sums[rows, labels] / np.maximum(own_size - 1, 1)
    means = sums / sizes
    means[rows, labels] = np.inf
    b = means.min(axis=1)
    s = (b - a) / np.maximum(a, b)
    s[own_size == 1] = 0.0
    return float(np.nan_to_num(s).mean())
