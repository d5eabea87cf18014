"""The estimator contract, the rule for k and its words, stability, and the silhouette shortcut."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import pairwise_distances, silhouette_score

from segmentation.k_rule import KChoice, choose_k, explain_k, k_list
from segmentation.model import SegmentModel, euclidean_distances32, silhouette_scores
from segmentation.summary import KScore

# Inertia with a clear bend at k = 4 (kneedle finds it), for k = 2..10.
BENT = [100, 60, 30, 25, 21, 18, 16, 14, 13]


def blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.array([[5, 1, 20, 20], [200, 1, 300, 300], [20, 15, 100, 1500]])
    return np.vstack([rng.lognormal(np.log(c), 0.15, size=(150, 4)) for c in centres])


def scores(silhouettes, shares=None, inertia=BENT) -> list[KScore]:
    """KScores for k = 2..: one silhouette (None = not measured) and smallest share per k."""
    shares = shares or [0.2] * len(silhouettes)
    return [
        KScore(k=k, inertia=i, silhouette=s, smallest_share=share)
        for k, i, s, share in zip(range(2, 11), inertia, silhouettes, shares, strict=False)
    ]


def test_estimator_contract():
    model = SegmentModel(k=None, random_state=3)
    assert clone(model).get_params() == model.get_params()
    assert model.fit(blobs()) is model
    assert model.labels_.shape == (450,)
    assert model.predict(blobs()[:5]).tolist() == model.labels_[:5].tolist()


def test_chooses_the_true_number_of_groups_whatever_the_seed():
    for seed in range(4):
        model = SegmentModel(random_state=seed).fit(blobs())
        assert model.k_ == 3
        assert model.stability_ > 0.95
        assert explain_k(model.k_choice_).startswith("k = 3: the inertia curve bends at k = 3")


def test_stability_is_the_share_of_customers_refits_keep_together():
    separated = SegmentModel(k=3, random_state=0).fit(blobs())
    assert separated.stability_ == 1.0  # three far-apart groups: every refit agrees on everyone
    noise = np.random.default_rng(0).uniform(1, 100, size=(400, 4))
    shaky = SegmentModel(k=6, random_state=0).fit(noise)
    assert 0.3 < shaky.stability_ < 0.95
    assert np.isnan(SegmentModel(random_state=0, n_bootstrap=0).fit(blobs()).stability_)


def test_forced_k_still_scores_the_whole_range():
    model = SegmentModel(k=4, random_state=0).fit(blobs())
    assert [s.k for s in model.k_scores_] == list(range(2, 11))
    assert (model.k_, model.k_choice_.how, model.k_choice_.elbow) == (4, "forced", 3)
    assert explain_k(model.k_choice_) == "k = 4 was set by hand."
    assert [s.k for s in SegmentModel(k=12, random_state=0).fit(blobs()).k_scores_][-1] == 12


def test_silhouettes_match_scikit_learn():
    X = np.log1p(blobs())
    labelings = [SegmentModel(k=k, random_state=0).fit(blobs()).labels_ for k in (2, 4)]
    distances = pairwise_distances(X)
    expected = [silhouette_score(distances, labels, metric="precomputed") for labels in labelings]
    assert np.allclose(silhouette_scores(distances, labelings), expected)
    assert np.allclose(silhouette_scores(euclidean_distances32(X), labelings), expected, atol=1e-4)
    assert np.isnan(silhouette_scores(distances, [np.zeros(len(X), dtype=int)])[0])


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
        {"order_by": 3, "scoring_n_init": 1},
    ],
    ids=["plain", "order_by", "scoring-sample", "forced-k-scoring-sample", "one-start-refit"],
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


def test_elbow_then_best_silhouette_with_every_segment_large():
    choice = choose_k(scores([0.6, 0.3, 0.35, 0.32, 0.2, 0.2, 0.2, 0.2, 0.2]))
    assert (choice.k, choice.how, choice.elbow, choice.candidates) == (4, "elbow", 4, (3, 4, 5))
    assert explain_k(choice) == (
        "k = 4: the inertia curve bends at k = 4, and among k = 3–5 k = 4 separates customers "
        "best (silhouette 0.35), with every segment at least 5% of customers."
    )


def test_a_neighbour_with_a_tiny_segment_is_left_out_and_named():
    choice = choose_k(scores([0.6, 0.3, 0.35, 0.4] + [0.2] * 5, [0.2, 0.2, 0.2, 0.01] + [0.2] * 5))
    assert (choice.k, choice.pool) == (4, (3, 4))
    assert explain_k(choice) == (
        "k = 4: the inertia curve bends at k = 4, and among k = 3–5 (leaving out k = 5, with a "
        "segment under 5% of customers) k = 4 separates customers best (silhouette 0.35), with "
        "every segment at least 5% of customers."
    )


def test_no_neighbour_large_enough_takes_k_from_the_wider_set_and_says_so():
    shares = [0.3, 0.01, 0.02, 0.03, 0.2, 0.01, 0.01, 0.01, 0.01]
    choice = choose_k(scores([0.6, 0.5, 0.5, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2], shares))
    assert (choice.k, choice.how, choice.pool, choice.all_large) == (2, "wider", (2, 6), True)
    assert explain_k(choice) == (
        "k = 2: the inertia curve bends at k = 4, but each of k = 3–5 has a segment under 5% of "
        "customers, so among the k that keep every segment at least that large (k = 2 and 6) "
        "k = 2 separates customers best (silhouette 0.60), with every segment at least 5% of "
        "customers."
    )


def test_no_k_large_enough_anywhere_stays_at_the_elbow_and_says_so():
    choice = choose_k(scores([0.6, 0.3, 0.35, 0.32, 0.2, 0.2, 0.2, 0.2, 0.2], [0.01] * 9))
    assert (choice.k, choice.how, choice.all_large) == (4, "small", False)
    assert explain_k(choice) == (
        "k = 4: the inertia curve bends at k = 4, but every k scored has a segment under 5% of "
        "customers, so among k = 3–5 k = 4 separates customers best (silhouette 0.35)."
    )


def test_a_straight_inertia_curve_says_it_has_no_bend():
    straight = [100 - 10 * i for i in range(9)]
    choice = choose_k(scores([0.3] * 9, inertia=straight))
    assert (choice.k, choice.elbow, choice.knee_found) == (5, 6, False)
    assert explain_k(choice).startswith(
        "k = 5: the inertia curve has no clear bend, so mid-range k = 6 stands for it, and among "
        "k = 5–7 k = 5 separates"
    )


def test_unmeasured_silhouettes_are_named_or_the_smallest_k_is_taken():
    some = choose_k(scores([0.6, 0.3, 0.35, None, 0.2, 0.2, 0.2, 0.2, 0.2]))
    assert (some.k, some.unmeasured) == (4, (5,))
    assert "k = 4 separates customers best (silhouette 0.35) of those with a measurable " \
        "silhouette (not k = 5)" in explain_k(some)  # fmt: skip
    none = choose_k(scores([0.6] + [None] * 8))
    assert (none.k, none.silhouette, none.unmeasured) == (3, None, (3, 4, 5))
    assert "among k = 3–5 no silhouette could be measured and the smallest, k = 3, was taken" in (
        explain_k(none)
    )


@pytest.mark.filterwarnings("ignore")  # K-Means warns that identical customers form one cluster
def test_identical_customers_give_a_true_reason():
    model = SegmentModel(random_state=0).fit(np.ones((12, 4)))
    reason = explain_k(model.k_choice_)
    assert model.k_choice_.silhouette is None and not model.k_choice_.all_large
    assert "no silhouette could be measured" in reason and "every k scored has a segment" in reason


def test_only_one_possible_k_and_forced_k():
    only = SegmentModel(random_state=0).fit(
        np.array([[1, 2, 3, 4], [50, 6, 7, 8], [9, 90, 9, 9.0]])
    )
    assert (only.k_, only.k_choice_.how) == (2, "only")
    assert (
        explain_k(only.k_choice_) == "Only k = 2 was scored, so there was nothing to choose from."
    )
    forced = choose_k(scores([0.6, 0.3, 0.35, 0.32, 0.2, 0.2, 0.2, 0.2, 0.2]), forced=7)
    assert (forced.k, forced.how, forced.elbow, forced.silhouette) == (7, "forced", 4, 0.2)
    assert explain_k(KChoice(k=7, how="forced")) == "k = 7 was set by hand."


def test_k_list():
    assert [k_list(ks) for ks in ([4], [2, 3], [4, 5, 6], [2, 3, 5])] == [
        "4",
        "2 and 3",
        "4–6",
        "2, 3 and 5",
    ]
