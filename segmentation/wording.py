"""Sentences about a run that every reply shares: stability, lifecycle thresholds, money.

The Slack summary, the CLI, report.md and the digest all say these the same way.
"""

from __future__ import annotations

from segmentation.facts import SegmentFacts
from segmentation.formatting import money
from segmentation.lifecycle import STATE_WORDS, STATES
from segmentation.summary import RunSummary

# Stability is the share of customers a refit on resampled customers puts in the same segment.
STABLE, FAIRLY_STABLE = 0.9, 0.75


def stability_sentence(summary: RunSummary) -> str:
    """How far the segments can be trusted, in plain words, with the measured share."""
    s = summary.stability
    if s is None:
        return "Stability was not measured (too few customers to resample)."
    agree = f"refits on resampled customers put {s:.0%} of customers in the same segment"
    if s >= STABLE:
        return f"Stable: {agree}."
    if s >= FAIRLY_STABLE:
        return f"Fairly stable: {agree}; read small differences between segments with care."
    return (
        f"Unstable: {agree}. Treat these as rough groups and try another number of segments "
        "(`k=N`)."
    )


def amount(value: float, summary: RunSummary) -> str:
    """Money in the run's currency when it is known."""
    return money(value, summary.currency)


def spend_sentence(summary: RunSummary) -> str:
    """Gross spend, what came back, and net, in one sentence."""
    gross = amount(summary.total_spend, summary)
    if summary.returned_value <= 0:
        return f"Total spend {gross}; nothing was returned."
    share = summary.returned_value / summary.total_spend if summary.total_spend else 0.0
    return (
        f"Total spend {gross} gross; {amount(summary.returned_value, summary)} ({share:.1%}) "
        f"was cancelled or returned, {amount(summary.net_spend, summary)} net."
    )


def lifecycle_mix(facts: SegmentFacts) -> str:
    """ "12% new, 38% active, 28% at risk, 23% lapsed" (states with customers only)."""
    parts = [
        f"{facts.share(state):.0%} {STATE_WORDS[state]}" for state in STATES if facts.count(state)
    ]
    return ", ".join(parts)


def facts_line(facts: SegmentFacts, summary: RunSummary) -> str:
    """One line of a segment's facts: one-time share, lifecycle mix, net revenue, returns."""
    return (
        f"{facts.one_time_share:.0%} bought once · {lifecycle_mix(facts)} · net "
        f"{amount(facts.net_revenue, summary)} after {facts.return_rate:.0%} returned"
    )
