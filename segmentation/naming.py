"""Segment names whose every word holds for the customers in the segment.

A name is "[Recency] [frequency] buyers with [spending][, mix]", e.g. "Lapsed one-time buyers
with low spending" or "Repeat buyers with high spending, 41% lapsed". Each word is chosen by a
rule over the segment's ``Evidence`` and the same rules, kept as data in ``WORD_RULES``, check
any name afterwards (``violations``): the quality tests run them over every segment of every
export they try. "High" spending needs the segment's median customer at ``WELL_ABOVE`` times
the store's median or more (``evidence.Evidence.level``).

The mix note is the name's only qualifier; what is left, its core (``core``), is never shared
by two segments of a run: where two would share it, each states the median that tells them
apart ("Recent frequent buyers with high spending who last ordered a median 9 days ago").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from segmentation.evidence import WELL_ABOVE, Evidence
from segmentation.formatting import money, number

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


MIX_PATTERN = r", (\d+)% (lapsed|at risk)"


def _mix_matches(name: str, e: Evidence) -> bool:
    """A ", 41% lapsed" note states the segment's own share, rounded."""
    for pct, state in re.findall(MIX_PATTERN, name):
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
    WordRule(r"\bhigh spending\b", f"total spend high among all customers and at least {WELL_ABOVE}x their median", lambda e: e.level("total_spend") == "high" and e.ratio("total_spend") >= WELL_ABOVE),
    WordRule(r"\bhigh total spending\b", f"total spend high among all customers and at least {WELL_ABOVE}x their median", lambda e: e.level("total_spend") == "high" and e.ratio("total_spend") >= WELL_ABOVE),
    WordRule(r"\bhigh average spending\b", f"spend per order high among all customers and at least {WELL_ABOVE}x their median", lambda e: e.level("average_spend") == "high" and e.ratio("average_spend") >= WELL_ABOVE),
    WordRule(r"\blow spending\b", "total spend low among all customers and below their median", lambda e: e.level("total_spend") == "low"),
    WordRule(r"\bmoderate spending\b", "total spend neither high nor low", lambda e: e.level("total_spend") == "moderate"),
    WordRule(r", \d+% (lapsed|at risk)", "the share stated is the segment's own", _mix_matches, needs_name=True),
    WordRule(r"\bwho (last ordered|placed|spent) a median\b", "the median stated is the segment's own", lambda name, e: any(d(e) in name for d in DETAILS.values()), needs_name=True),
    WordRule(r"\bin a group of [\d,]+", "the size stated is the segment's own", lambda name, e: f"in a group of {e.customers:,}" in name, needs_name=True),
)  # fmt: skip

# Words that say the same thing: two names of one run that differ only by these clash (``core``).
SYNONYMS = {"frequent": "repeat", "regular": "repeat", "first-time": "one-time"}


def violations(name: str, evidence: Evidence) -> list[str]:
    """The claims ``name`` makes that do not hold for ``evidence`` (empty when all hold)."""
    return [r.claim for r in WORD_RULES if r.used_in(name) and not r.check(name, evidence)]


def name_segments(evidence: list[Evidence]) -> dict[int, str]:
    """A true name per segment id whose core (``core``) no other segment of the run shares.

    Segments whose cores clash are told apart by what differs most between them: the feature
    whose medians lie furthest apart on the model's scale, stated in each name in absolute
    terms ("… who last ordered a median 9 days ago"), before any mix note.
    """
    names = {e.segment_id: base_name(e) for e in evidence}
    groups: dict[str, list[Evidence]] = {}
    for e in evidence:
        groups.setdefault(core(names[e.segment_id]), []).append(e)
    for group in (g for g in groups.values() if len(g) > 1):
        details = _telling_details(group)
        for e in group:
            names[e.segment_id] = base_name(e, details[e.segment_id])
    return names


def _telling_details(group: list[Evidence]) -> dict[int, str]:
    """Per segment, the detail that tells the group apart: features tried from the one whose
    medians differ most (z on the model's scale) down, until the phrases all differ; the
    segment's size when no median does (a true fact, if a weak one)."""
    spread = {f: _spread(group, f) for f in DETAILS}
    for feature in sorted(DETAILS, key=lambda f: -spread[f]):
        phrases = {e.segment_id: DETAILS[feature](e) for e in group}
        if len(set(phrases.values())) == len(group):
            return phrases
    return {e.segment_id: f"in a group of {e.customers:,}" for e in group}


def _spread(group: list[Evidence], feature: str) -> float:
    z = [getattr(e.profile, "recency" if feature == "recency_days" else feature) for e in group]
    return max(z) - min(z)


# How each feature's median is said when it is what tells two segments apart.
DETAILS: dict[str, Callable[[Evidence], str]] = {
    "recency_days": lambda e: f"who last ordered a median {e.median.recency_days:,.0f} days ago",
    "frequency": lambda e: f"who placed a median {number(e.median.frequency)} orders",
    "average_spend": lambda e: f"who spent a median {money(e.median.average_spend, e.currency)} per order",
    "total_spend": lambda e: f"who spent a median {money(e.median.total_spend, e.currency)} in all",
}  # fmt: skip


def core(name: str) -> str:
    """The name without its qualifier (the mix note, ", 41% lapsed"), synonyms folded and in
    lower case: two segments of one run never share it."""
    words = re.sub(MIX_PATTERN, "", name).lower().split()
    return " ".join(SYNONYMS.get(w, w) for w in words)


def base_name(e: Evidence, detail: str = "") -> str:
    """ "[Recency] [frequency] buyers with [spending][ detail][, mix]" for one segment."""
    recency = _recency_word(e)
    frequency = _frequency_word(e)
    lead = " ".join(w for w in (recency, frequency, "buyers") if w)
    name = f"{lead[0].upper()}{lead[1:]} with {_spend_phrase(e)}"
    return name + (f" {detail}" if detail else "") + _mix_note(e, recency)


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
