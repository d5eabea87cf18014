"""Answers to ``/segment help|history|datasets|customer``: plain mrkdwn text from typed rows."""

from __future__ import annotations

import math

import segmentation.offers as offers
from bot.errors import NO_DATASET
from bot.render.blocks import clip, echo, literal
from segmentation.choices import K_MAX, K_MIN
from segmentation.formatting import money, number, utc_label
from segmentation.lifecycle import STATE_WORDS
from segmentation.summary import Segment
from storage import CustomerRow, Dataset, RunRecord

HELP = f"""*`/segment`* works on the latest export shared in this channel:
• `/segment run [k=N] [as_of=YYYY-MM-DD]`: segment it again (k from {K_MIN} to {K_MAX}), results posted here
• `/segment show`: the latest results again
• `/segment customer ID`: a customer's segment and how they compare with its medians
• `/segment export [all|SEGMENT]`: the segments as a CSV, sent to you
• `/segment export [all|SEGMENT] as meta|google|email`: an ad audience of hashed contacts, or an e-mail tool's import file when the operator allows it, sent to you
• `/segment map field=Column …`: the columns to use when I can't guess them, e.g. `customer="Client Ref"`
• `/segment history`: recent runs
• `/segment datasets`: exports this channel has shared
• `/segment currency [CODE|auto]`: the currency of this channel's amounts (e.g. GBP), or read it from each export
• `/segment schedule weekly <day> <HH:MM> [Area/City]`: a weekly digest of what changed, posted here
• `/segment schedule` shows it, `/segment schedule off` stops it, `/segment digest now` posts one now
• `/segment source`: the databases and files this channel may read instead of exports; `/segment source use NAME` reads one at every run and digest, `/segment source off` goes back to exports
• `/segment campaign start NAME segment=S [holdout=10%] [days=30] [state=at_risk]`: a campaign for a segment, with a random holdout to measure it by
• `/segment campaign [NAME]`: the lift a campaign caused, from the transactions shared since; `/segment campaign list` lists them
• `/segment campaign export NAME [as meta|google|email]`: its members (is_holdout marked), or the treated group as an ad audience, sent to you
• `/segment help`: this message
To start, share a CSV, TSV, TXT, XLSX, Parquet, GZ or ZIP export of your transactions in this channel."""


def help_text(unknown: str | None = None) -> str:
    """The help, preceded by what was not understood."""
    if unknown:
        return f"I don't know `{echo(unknown)}`.\n{HELP}"
    return HELP


def history_text(runs: list[tuple[RunRecord, list[int]]]) -> str:
    """Recent runs, newest first: when, dataset, k and segment sizes (``(run, sizes)`` pairs)."""
    if not runs:
        return "No runs yet in this channel. Share an export, or try `/segment run`."
    lines = ["*Recent runs*"]
    for run, sizes in runs:
        listed = ", ".join(f"{n:,}" for n in sizes)
        detail = f"k={run.k}, sizes {listed}" if run.status == "done" else run.status
        when = utc_label(run.finished_at or run.created_at)
        lines.append(f"• #{run.id} {when}: `{echo(run.file_name)}`, {detail}")
    return clip("\n".join(lines))


def datasets_text(datasets: list[Dataset]) -> str:
    """What this channel has uploaded, newest first."""
    if not datasets:
        return NO_DATASET
    lines = ["*Datasets shared in this channel*"]
    lines += [
        f"• `{echo(d.file_name)}` ({d.rows_read or 0:,} rows), {utc_label(d.created_at)}"
        for d in datasets
    ]
    return clip("\n".join(lines))


def customer_text(
    customer_id: str, segment: Segment, customer: CustomerRow, currency: str | None = None
) -> str:
    """A customer's segment, lifecycle state and features next to the segment's medians, and
    what the lifetime-value model expects of them when the run has predictions."""
    m = segment.median
    rows = [
        ("Recency", f"{customer.recency_days:,.0f} days", f"{m.recency_days:,.0f} days"),
        ("Orders", f"{customer.frequency:,.0f}", number(m.frequency)),
        (
            "Average spend",
            money(customer.average_spend, currency),
            money(m.average_spend, currency),
        ),
        ("Total spend", money(customer.total_spend, currency), money(m.total_spend, currency)),
        ("Returned", money(customer.returns_value, currency), ""),
    ]
    state = STATE_WORDS.get(customer.lifecycle or "", "")
    where = f", and is {state}" if state else ""
    lines = [f"Customer `{echo(customer_id)}` is in *{segment.name}*{where}.", "```"]
    lines += [f"{'':14} {'customer':>14} {'segment median':>16}"]
    lines += [f"{label:14} {mine:>14} {median:>16}" for label, mine, median in rows]
    lines.append("```")
    return "\n".join([*lines, *_prediction_line(customer, currency), *_product_lines(customer)])


def _product_lines(customer: CustomerRow) -> list[str]:
    """ "Offer next: A, B, C" and "Usually buys: D, E": names from the file, each cut and
    shown as written (none for runs stored before products, or a customer without any)."""
    said = []
    for label, joined in (
        ("Offer next", customer.next_products),
        ("Usually buys", customer.usual_products),
    ):
        names = [literal(offers.name(n)) for n in offers.split(joined)]
        if names:
            said.append(f"{label}: {', '.join(names)}")
    return said


def _prediction_line(customer: CustomerRow, currency: str | None) -> list[str]:
    """ "Likely still active: 87% · expected 1.4 orders worth £312.40 in the next 90 days"."""
    values = (customer.p_active, customer.expected_orders_90d, customer.expected_value_90d)
    if any(v is None or math.isnan(v) for v in values):
        return []
    p_active, orders, value = values
    return [
        f"Likely still active: {p_active:.0%} · expected {orders:,.1f} orders worth "
        f"{money(value, currency)} in the next 90 days"
    ]
