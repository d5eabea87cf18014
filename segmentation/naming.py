"""Segment names whose every word holds for the customers in the segment.

A name is "[Recency] [frequency] buyers with [spending][, mix]", e.g. "Lapsed one-time buyers
with low spending" or "Repeat buyers with high spending, 41% lapsed". Each word is chosen by a
rule over the segment's ``Evidence`` and the same rules, kept as data in ``WORD_RULES``, check
any name afterwards (``violations``): the quality tests run them over every segment of every
export they try.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from segmentation.evidence import Evidence
from segmentation.formatting import money

MOST = 0.5  # "most customers": strictly more than half
MIX_NOTE = 0.3  # a state this common, not already in the name, is said after a comma
FREQUENT_ORDERS = 3  # "frequent" needs a median of at least this many orders…
# …and a frequency that stands out among all customers (level "high").


@dataclass(frozen=True)
class WordRule:
    """A word (or phrase) a name may use, what it claims, and the check of that claim."""

    pattern: str  # a regular expression, matched case-insensitively against the name
    claim: str
    holds: Callable[[Evidence], bool] | Callable[[str, Evidence], bool]
    needs_name: bool = False  # the check reads the name too (a stated share, say)

    def used_in(self, name: str) -> bool:
        return re.search(self.pattern, name, re.IGNORECASE) is not None

    def check(self, name: str, evidence: Evidence) -> bool:
        """Whether the claim holds for this segment."""
        return self.holds(name, evidence) if self.needs_name else self.holds(evidence)


def _mix_matches(name: str, e: Evidence) -> bool:
    """A ", 41% lapsed" note states the segment's own share, rounded."""
    for pct, state in re.findall(r", (\d+)% (lapsed|at risk)", name):
        key = "at_risk" if state == "at risk" else state
        if round(100 * e.facts.share(key)) != int(pct):
            return False
    return True


WORD_RULES: tuple[WordRule, ...] = (
    WordRule(r"^new\b", "most customers placed their first order recently", lambda e: e.facts.share("new") > MOST),
    WordRule(r"^lapsed\b", "most customers are lapsed", lambda e: e.facts.share("lapsed") > MOST),
    WordRule(
        r"^slipping\b",
        "most customers are at risk or lapsed, and no more than half are lapsed",
        lambda e: e.slipping_share > MOST and e.facts.share("lapsed") <= MOST,
    ),
    WordRule(
        r"^recent\b",
        "the median customer ordered within the active window and more recently than most",
        lambda e: e.median.recency_days <= e.lifecycle.at_risk_days
        and e.level("recency_days") == "low",
    ),
    WordRule(r"\b(one-time|first-time)\b", "most customers bought once", lambda e: e.facts.one_time_share > MOST),
    WordRule(r"\b(repeat|frequent|regular)\b", "most customers bought more than once", lambda e: e.facts.one_time_share < MOST),
    WordRule(
        r"\bfrequent\b",
        f"frequency stands out and the median customer placed at least {FREQUENT_ORDERS} orders",
        lambda e: e.level("frequency") == "high" and e.median.frequency >= FREQUENT_ORDERS,
    ),
    WordRule(r"\bhigh spending\b", "total spend high among all customers and above their median", lambda e: e.level("total_spend") == "high"),
    WordRule(r"\bhigh total spending\b", "total spend high among all customers and above their median", lambda e: e.level("total_spend") == "high"),
    WordRule(r"\bhigh average spending\b", "spend per order high among all customers and above their median", lambda e: e.level("average_spend") == "high"),
    WordRule(r"\blow spending\b", "total spend low among all customers and below their median", lambda e: e.level("total_spend") == "low"),
    WordRule(r"\bmoderate spending\b", "total spend neither high nor low", lambda e: e.level("total_spend") == "moderate"),
    WordRule(r", \d+% (lapsed|at risk)", "the share stated is the segment's own", _mix_matches, needs_name=True),
)  # fmt: skip

# Words that say the same thing: two names of one run that differ only by these clash.
SYNONYMS = {"frequent": "repeat", "regular": "repeat", "first-time": "one-time"}


def violations(name: str, evidence: Evidence) -> list[str]:
    """The claims ``name`` makes that do not hold for ``evidence`` (empty when all hold)."""
    return [r.claim for r in WORD_RULES if r.used_in(name) and not r.check(name, evidence)]


def name_segments(evidence: list[Evidence]) -> dict[int, str]:
    """A true, unique name per segment id (see the module docstring).

    Names that clash (the same, or the same up to ``SYNONYMS``) get the median total spend
    of their segment after them, which tells them apart.
    """
    names = {e.segment_id: base_name(e) for e in evidence}
    keys = {sid: _key(name) for sid, name in names.items()}
    for e in evidence:
        if list(keys.values()).count(keys[e.segment_id]) > 1:
            names[e.segment_id] += f" (median spend {money(e.median.total_spend, e.currency)})"
    seen: dict[str, int] = {}
    for sid in sorted(names):  # identical medians too: number them, which is always true
        key = _key(names[sid])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            names[sid] += f" #{seen[key]}"
    return names


def base_name(e: Evidence) -> str:
    """ "[Recency] [frequency] buyers with [spending][, mix]" for one segment."""
    recency = _recency_word(e)
    frequency = _frequency_word(e)
    lead = " ".join(w for w in (recency, frequency, "buyers") if w)
    name = f"{lead[0].upper()}{lead[1:]} with {_spend_phrase(e)}"
    return name + _mix_note(e, recency)


def _recency_word(e: Evidence) -> str:
    if e.facts.share("new") > MOST:
        return "new"
    if e.facts.share("lapsed") > MOST:
        return "lapsed"
    if e.slipping_share > MOST:
        return "slipping"
    if e.median.recency_days <= e.lifecycle.at_risk_days and e.level("recency_days") == "low":
        return "recent"
    return ""


def _frequency_word(e: Evidence) -> str:
    if e.facts.one_time_share > MOST:
        return "one-time"
    if e.facts.one_time_share == MOST:
        return ""  # exactly half bought once: neither word would be true
    if e.level("frequency") == "high" and e.median.frequency >= FREQUENT_ORDERS:
        return "frequent"
    return "repeat"


def _spend_phrase(e: Evidence) -> str:
    """Total spend's level, or the one spend measure that is high when the two differ."""
    avg, total = e.level("average_spend"), e.level("total_spend")
    if total != "high" and avg == "high":
        return "high average spending"
    return f"{total} spending"


def _mix_note(e: Evidence, recency: str) -> str:
    """ ", 41% lapsed" when a good share of the segment is lapsed (or at risk) and the name's
    recency word does not already say so."""
    for state, word in (("lapsed", "lapsed"), ("at_risk", "at risk")):
        share = e.facts.share(state)
        if share >= MIX_NOTE and recency not in ("lapsed", "slipping"):
            return f", {round(100 * share)}% {word}"
    return ""


def _key(name: str) -> str:
    """The name with synonyms folded, for spotting near-duplicates."""
    words = name.lower().split()
    return " ".join(SYNONYMS.get(w, w) for w in words)
