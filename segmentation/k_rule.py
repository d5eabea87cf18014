"""The rule for k: from each k's scores (``KScore``) to the k a run takes, and why, in words.

Kept apart from ``segmentation.model``, which fits the K-Means the scores come from, so that
what only replays the rule (the k chart) does not load scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

from segmentation.elbow import elbow as find_elbow

MIN_SEGMENT_SHARE = 0.05


@dataclass(frozen=True)
class KChoice:
    """How k was chosen, as data (``explain_k`` words it).

    ``how``: "forced" (set by hand), "only" (one k scored), "elbow" (best silhouette among the
    ``candidates``, the elbow and its neighbours, that keep every segment at least
    ``min_share`` of customers), "wider" (no candidate does: best among all scored k that do)
    or "small" (no scored k does: best among the candidates). ``pool``: the k picked from;
    ``unmeasured``: those without a silhouette (they count below any measured one, so with none
    measured the smallest is taken). ``elbow``: where the inertia curve bends (mid-range if not
    ``knee_found``; None with one k). ``silhouette`` and ``all_large`` are the chosen k's.
    """

    k: int
    how: str  # "forced", "only", "elbow", "wider", "small"
    elbow: int | None = None
    knee_found: bool = False
    candidates: tuple[int, ...] = ()
    pool: tuple[int, ...] = ()
    unmeasured: tuple[int, ...] = ()
    silhouette: float | None = None
    all_large: bool = True
    min_share: float = MIN_SEGMENT_SHARE


def choose_k(scores, *, min_share: float = MIN_SEGMENT_SHARE, forced: int | None = None) -> KChoice:
    """``SegmentModel``'s rule for k applied to ``KScore``s (``forced``: a k set by hand, scored too)."""
    by_k = {s.k: s for s in sorted(scores, key=lambda s: s.k)}
    ks = list(by_k)
    large = tuple(k for k in ks if by_k[k].smallest_share >= min_share)
    elbow, knee, candidates = None, None, tuple(ks)
    if len(ks) > 1:
        inertia = [by_k[k].inertia for k in ks]
        knee = find_elbow(ks, inertia)  # kneed's KneeLocator, convex and decreasing
        elbow = int(knee) if knee is not None else ks[len(ks) // 2]
        candidates = tuple(k for k in ks if abs(k - elbow) <= 1)
    near = tuple(k for k in candidates if k in large)
    pool = (forced,) if forced is not None else near or large or candidates
    how = "elbow" if near else "wider" if large else "small"
    if forced is not None or len(ks) == 1:
        how = "forced" if forced is not None else "only"
    # An unmeasured silhouette counts below any measured one (-1 at worst); ties go to the smaller k.
    k = max(pool, key=lambda k: (-2.0 if by_k[k].silhouette is None else by_k[k].silhouette, -k))
    unmeasured = tuple(k for k in pool if by_k[k].silhouette is None)
    return KChoice(k, how, elbow, knee is not None, candidates, pool, unmeasured,
                   by_k[k].silhouette, k in large, min_share)  # fmt: skip


def explain_k(choice: KChoice) -> str:
    """Why the run has ``choice.k`` segments, in one sentence true to the branch taken."""
    k, share = choice.k, f"{choice.min_share:.0%}"
    if choice.how == "forced":
        return f"k = {k} was set by hand."
    if choice.how == "only":
        return f"Only k = {k} was scored, so there was nothing to choose from."
    bend = f"the inertia curve bends at k = {choice.elbow}"
    if not choice.knee_found:
        bend = f"the inertia curve has no clear bend, so mid-range k = {choice.elbow} stands for it"
    near, under = f"k = {k_list(choice.candidates)}", f"a segment under {share} of customers"
    left_out = [c for c in choice.candidates if c not in choice.pool]
    where = {
        "elbow": f", and among {near}"
        + (f" (leaving out k = {k_list(left_out)}, with {under})" if left_out else ""),
        "wider": f", but each of {near} has {under}, so among the k that keep every segment "
        f"at least that large (k = {k_list(choice.pool)})",
        "small": f", but every k scored has {under}, so among {near}",
    }[choice.how]
    if choice.silhouette is None:
        pick = f" no silhouette could be measured and the smallest, k = {k}, was taken"
    else:
        pick = f" k = {k} separates customers best (silhouette {choice.silhouette:.2f})"
        if choice.unmeasured:
            pick += f" of those with a measurable silhouette (not k = {k_list(choice.unmeasured)})"
    tail = f", with every segment at least {share} of customers" if choice.all_large else ""
    return f"k = {k}: {bend}{where}{pick}{tail}."


def k_list(ks) -> str:
    """A set of k in words: "4–6" for three or more in a row, else "2, 3 and 5" or "4"."""
    ks = sorted(ks)
    if len(ks) > 2 and ks[-1] - ks[0] == len(ks) - 1:
        return f"{ks[0]}–{ks[-1]}"
    head = ", ".join(map(str, ks[:-1]))
    return f"{head} and {ks[-1]}" if head else str(ks[-1])
