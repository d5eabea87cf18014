"""Quality: every name and strategy holds for its segment, on the real data and on very different
stores (``segmentation.sample.store_export``).

Each run is segmented once (``Runs`` caches it for the module); every check then reads the
segments of a run next to the ``Evidence`` they were built from (``describe.segment_evidence``).
A check that fails because a rule in ``naming``/``strategies`` is wrong is marked
``xfail(strict=True)`` for that run alone, naming the issue, until the rule is fixed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from segmentation.describe import segment_evidence
from segmentation.evidence import WELL_ABOVE, Evidence
from segmentation.formatting import count
from segmentation.load import Export, load_export
from segmentation.naming import MOST, WORD_RULES, core, violations
from segmentation.pipeline import segment_export
from segmentation.result import SegmentationResult
from segmentation.sample import STORES, store_export
from segmentation.strategies import BY_KEY, CALL_LIST, CALL_SHARE
from segmentation.summary import Segment

REAL = ("real-0", "real-1", "real-2")  # the real data, random_state 0, 1 and 2
RUNS = (*REAL, *STORES)  # each store kind with seed 0 and random_state 0
CALL = re.compile(r"\bcall the ([\d,]+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Run:
    name: str
    result: SegmentationResult
    evidence: dict[int, Evidence]

    def pairs(self) -> list[tuple[Segment, Evidence]]:
        return [(s, self.evidence[s.id]) for s in self.result.summary.segments]


class Runs:
    """Each run segmented on first use, then kept."""

    def __init__(self, real_path: Path, real_result: SegmentationResult) -> None:
        self._real_path = real_path
        self._real_export: Export | None = None
        self._results = {"real-0": real_result}
        self._runs: dict[str, Run] = {}

    def __getitem__(self, name: str) -> Run:
        if name not in self._runs:
            result = self._results.get(name) or self._segment(name)
            summary = result.summary
            evidence = segment_evidence(
                result.customers, summary.lifecycle, currency=summary.currency
            )
            self._runs[name] = Run(name, result, {e.segment_id: e for e in evidence})
        return self._runs[name]

    def _segment(self, name: str) -> SegmentationResult:
        if name in REAL:
            if self._real_export is None:
                self._real_export = load_export(self._real_path)
            return segment_export(self._real_export, random_state=int(name[-1]))
        data = store_export(name, seed=0).to_csv(index=False).encode()
        return segment_export(load_export(data, name="x.csv"), random_state=0)


@pytest.fixture(scope="module")
def runs(real_path: Path, real_result: SegmentationResult) -> Runs:
    return Runs(real_path, real_result)


def runs_except(raises: type[Exception] | None = None, **known: str) -> list:
    """Every run; those named (run → the issue) are expected to fail (with ``raises``), strictly."""
    unknown = set(known) - set(RUNS)
    assert not unknown, unknown
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=known[name], raises=raises, strict=True))
        if name in known
        else name
        for name in RUNS
    ]


def said(run: Run, segment: Segment, e: Evidence) -> str:
    """A failing segment, precisely: run, name, strategies, medians and facts."""
    return (
        f"{run.name}: {segment.name!r} strategies={list(segment.strategy_keys)} "
        f"median={e.median} facts={e.facts.to_json()} lifecycle={e.lifecycle}"
    )


@pytest.mark.parametrize("name", runs_except())
def test_every_word_of_every_name_holds(runs: Runs, name: str) -> None:
    run = runs[name]
    wrong = {said(run, s, e): violations(s.name, e) for s, e in run.pairs()}
    assert not {k: v for k, v in wrong.items() if v}


@pytest.mark.parametrize("name", runs_except())
def test_every_word_rule_holds_one_by_one(runs: Runs, name: str) -> None:
    """The same claims as ``violations``, checked rule by rule (so the runs its crash hides
    are still checked)."""
    run = runs[name]
    for s, e in run.pairs():
        wrong = [r.claim for r in WORD_RULES if r.used_in(s.name) and not r.check(s.name, e)]
        assert not wrong, f"{wrong} — {said(run, s, e)}"


@pytest.mark.parametrize("name", runs_except())
def test_names_differ_in_their_core(runs: Runs, name: str) -> None:
    """Not only by a qualifier (", 41% lapsed"), nor by a synonym."""
    names = [s.name for s in runs[name].result.summary.segments]
    clashes = Counter(core(n) for n in names)
    assert all(c == 1 for c in clashes.values()), names


@pytest.mark.parametrize("name", runs_except())
def test_no_two_segments_get_the_same_set_of_actions(runs: Runs, name: str) -> None:
    segments = runs[name].result.summary.segments
    sets = Counter(frozenset(s.strategy_keys) for s in segments)
    assert all(n == 1 for n in sets.values()), [s.strategy_keys for s in segments]


def _medians(run: Run, feature: str) -> tuple[float, dict[int, float]]:
    """The store's median customer and each segment's, straight from the customer table."""
    customers = run.result.customers
    return float(customers[feature].median()), customers.groupby("segment")[feature].median()


@pytest.mark.parametrize("name", runs_except())
def test_premium_and_high_spending_only_well_above_the_median_customer(
    runs: Runs, name: str
) -> None:
    run = runs[name]
    store_avg, segment_avg = _medians(run, "average_spend")
    store_total, segment_total = _medians(run, "total_spend")
    for s, e in run.pairs():
        if "premium_lines" in s.strategy_keys or "high average spending" in s.name:
            assert segment_avg[s.id] >= WELL_ABOVE * store_avg, said(run, s, e)
        if re.search(r"\bhigh (total )?spending\b", s.name) or "vip_care" in s.strategy_keys:
            assert segment_total[s.id] >= WELL_ABOVE * store_total, said(run, s, e)


@pytest.mark.parametrize("name", runs_except())
def test_calls_only_where_the_call_list_holds_a_real_share_of_revenue(
    runs: Runs, name: str
) -> None:
    run = runs[name]
    customers = run.result.customers
    net = customers["total_spend"] - customers["returns_value"]
    for s, e in run.pairs():
        mine = net[customers["segment"] == s.id]
        top = float(mine.nlargest(CALL_LIST).sum()) / float(mine.sum())
        assert ("personal_call" in s.strategy_keys) <= (top >= CALL_SHARE), said(run, s, e)


@pytest.mark.parametrize("name", runs_except())
def test_every_chosen_strategy_applies(runs: Runs, name: str) -> None:
    run = runs[name]
    for s, e in run.pairs():
        assert s.strategy_keys, said(run, s, e)
        for key in s.strategy_keys:
            assert BY_KEY[key].applies(e), f"{key} for {said(run, s, e)}"


@pytest.mark.parametrize("name", runs_except())
def test_strategies_fit_the_lifecycle(runs: Runs, name: str) -> None:
    run = runs[name]
    for s, e in run.pairs():
        keys, f = set(s.strategy_keys), e.facts
        if e.active_share > MOST:
            assert "win_back" not in keys, said(run, s, e)
        if f.share("lapsed") > MOST:
            assert "vip_care" not in keys, said(run, s, e)
        if "second_order" in keys:
            assert f.one_time_share > MOST, said(run, s, e)


@pytest.mark.parametrize("name", runs_except())
def test_personal_outreach_never_names_more_than_a_call_list(runs: Runs, name: str) -> None:
    run = runs[name]
    for s, e in run.pairs():
        texts = dict(zip(s.strategy_keys, s.strategies, strict=True))
        if "personal_call" in texts:
            assert CALL.search(texts["personal_call"]), texts["personal_call"]
        for text in texts.values():
            for n in CALL.findall(text):
                assert int(n.replace(",", "")) <= CALL_LIST, f"{text} — {said(run, s, e)}"


@pytest.mark.parametrize("name", runs_except())
def test_name_words_match_the_facts(runs: Runs, name: str) -> None:
    run = runs[name]
    for s, e in run.pairs():
        once = e.facts.one_time_share > MOST
        if re.search(r"\bone-time\b", s.name, re.IGNORECASE):
            assert once, said(run, s, e)
        if once:
            assert not re.search(r"\b(frequent|repeat)\b", s.name, re.IGNORECASE), said(run, s, e)
        if e.median.recency_days > e.lifecycle.lapsed_days:
            assert not re.search(r"\brecent\b", s.name, re.IGNORECASE), said(run, s, e)


def test_a_launch_gets_the_welcome_series(runs: Runs) -> None:
    run = runs["new-only"]
    for s, e in run.pairs():
        assert e.facts.share("new") == 1.0 and e.facts.one_time_share == 1.0, said(run, s, e)
        assert s.strategy_keys[0] == "welcome_series", said(run, s, e)


def test_canadian_superstore_orders_are_not_cancellations(runs: Runs) -> None:
    summary = runs["superstore"].result.summary
    assert summary.mapping["invoice"] == "Order ID"
    assert (summary.cancellations, summary.cancelled_lines, summary.returned_value) == (0, 0, 0)
    assert all(s.facts.returned_value == 0 for s in summary.segments)


def test_high_returners_are_said_where_they_are(runs: Runs) -> None:
    run = runs["returns-heavy"]
    assert sum(e.facts.high_returners for e in run.evidence.values()) >= 20
    for s, e in run.pairs():
        if e.facts.high_returners:
            who = f"{count(e.facts.high_returners, 'customer')} who returned at least half"
            assert any(who in text for text in s.strategies), said(run, s, e)
