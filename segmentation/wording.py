"""Sentences about a run that every reply shares: stability, lifecycle, money, predictions.

The Slack summary, the CLI, report.md and the digest all say these the same way.
"""

from __future__ import annotations

from segmentation.facts import LIKELY_GONE, SegmentFacts
from segmentation.formatting import count, money
from segmentation.lifecycle import STATE_WORDS, STATES
from segmentation.summary import RunSummary

# Stability is the share of customers a refit on resampled customers puts in the same segment.
STABLE, FAIRLY_STABLE = 0.9, 0.75
# ``clv.ASSUMPTIONS`` cut to fit a one-line summary.
SHORT_ASSUMPTIONS = (
    "the model assumes each customer buys at a steady personal rate until they silently drop "
    "out, and order values around a personal mean"
)


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


def k_phrase(summary: RunSummary) -> str:
    """How the run got its k, in a few words: kept from an earlier run, set by hand, or chosen."""
    if summary.k_kept_from is not None:
        return f"k = {summary.k}, kept from the previous run (#{summary.k_kept_from})"
    if summary.k_forced:
        return f"k = {summary.k}, set by hand"
    if len(summary.k_scores) == 1:
        return f"k = {summary.k}, the only k that could be scored"
    return f"k = {summary.k}, chosen by segbot from the elbow and silhouette"


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


def prediction_sentence(summary: RunSummary) -> str:
    """What the lifetime-value model expects of the run's customers and, shortened from
    ``clv.ASSUMPTIONS``, what it assumes, in one sentence, followed by the sentence saying how
    the predictions were checked on the export's own history (when the run has it); or why
    predictions are left out."""
    if not summary.predicted:
        return f"Predictions are left out: {_lower_first(summary.predictions or '')}"
    gone = sum(s.facts.likely_gone or 0 for s in summary.segments if s.facts is not None)
    sentence = (
        f"Predicted for the next 90 days: {amount(summary.expected_revenue_90d or 0.0, summary)} "
        f"from these customers, {count(gone, 'customer')} likely gone (under {LIKELY_GONE:.0%} "
        f"chance of still being active); {SHORT_ASSUMPTIONS}."
    )
    return f"{sentence} {summary.prediction_check}" if summary.prediction_check else sentence


def facts_line(facts: SegmentFacts, summary: RunSummary) -> str:
    """One line of a segment's facts: one-time share, lifecycle mix, net revenue, returns; with
    predictions also who is likely gone and what the segment is expected to spend."""
    line = (
        f"{facts.one_time_share:.0%} bought once · {lifecycle_mix(facts)} · net "
        f"{amount(facts.net_revenue, summary)} after {facts.return_rate:.0%} returned"
    )
    if facts.likely_gone is None or facts.expected_revenue_90d is None:
        return line
    return (
        f"{line} · {facts.likely_gone:,} likely gone ({facts.likely_gone_share or 0:.0%} of its "
        f"net revenue) · {amount(facts.expected_revenue_90d, summary)} expected in 90 days"
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
