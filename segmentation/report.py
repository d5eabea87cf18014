"""The report folder: charts, a Markdown report a marketer can read, and a per-customer CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.facts import PREDICTED
from segmentation.formatting import neutralise, number
from segmentation.offers import products_line
from segmentation.result import PRODUCT_COLUMNS, SegmentationResult
from segmentation.summary import FEATURES
from segmentation.wording import (
    amount,
    facts_line,
    prediction_sentence,
    spend_sentence,
    stability_sentence,
)

CSV_COLUMNS = (
    "customer_id", "segment_id", "segment_name", *FEATURES, "returns_value", "net_spend",
    "tenure_days", "lifecycle", *PREDICTED, *PRODUCT_COLUMNS,
)  # fmt: skip
DATE_ORDERS = {
    "native": "stored as dates in the file",
    "ISO": "written year-month-day",
    "day-first": "read day first (e.g. 03/04 is 3 April)",
    "month-first": "read month first (e.g. 03/04 is 4 March)",
}
CHART_CAPTIONS = {
    "choosing-k.png": "How the number of segments was chosen",
    "pair-plot.png": "How the segments differ on recency, frequency and spend",
    "box-plots.png": "A typical customer of each segment",
    "segment-overview.png": "Share of customers and of revenue per segment",
}


def segments_csv(result: SegmentationResult, *, segment_ids: Iterable[int] | None = None) -> str:
    """One row per customer of a result (optionally only some segments); see ``customers_csv``."""
    return customers_csv(
        result.customers, {s.id: s.name for s in result.summary.segments}, segment_ids=segment_ids
    )


def customers_csv(
    customers: pd.DataFrame,
    names: Mapping[int, str],
    *,
    segment_ids: Iterable[int] | None = None,
    leading: Mapping[str, Sequence] | None = None,
) -> str:
    """One row per customer, safe to open in a spreadsheet.

    ``customers`` is indexed by customer_id with ``segment``, the four features,
    ``returns_value``, ``tenure_days``, ``lifecycle`` and the ``PREDICTED`` columns (as
    ``result.customers`` or a stored run's assignments; all but the first six may be empty
    for runs stored before they existed, the predictions also when the run had none).
    ``names`` maps segment id to name. ``leading`` adds columns in front (e.g. where movers
    came from). Columns: [leading…,] ``CSV_COLUMNS`` (net_spend = total_spend − returns_value;
    missing predictions are empty cells). Text cells (ids, names) that start like a formula
    are neutralised; number columns are written as numbers.
    """
    if segment_ids is not None:
        keep = customers["segment"].isin(list(segment_ids)).to_numpy()
        customers = customers[keep]
        leading = {k: np.asarray(v, dtype=object)[keep] for k, v in (leading or {}).items()}
    spend = ["average_spend", "total_spend", "returns_value"]
    text = {
        column: [neutralise(str(v)) for v in values] for column, values in (leading or {}).items()
    }
    table = pd.DataFrame(
        {
            **text,
            "customer_id": [neutralise(str(c)) for c in customers.index],
            "segment_id": customers["segment"].to_numpy(),
            "segment_name": [neutralise(names.get(s, "")) for s in customers["segment"]],
            **{f: customers[f].to_numpy() for f in ("recency_days", "frequency")},
            **{f: customers[f].round(2).to_numpy() for f in spend},
            "net_spend": (customers["total_spend"] - customers["returns_value"])
            .round(2)
            .to_numpy(),
            "tenure_days": customers["tenure_days"].to_numpy(),
            "lifecycle": customers["lifecycle"].astype("string").fillna("").to_numpy(),
            **_predicted_cells(customers),
            **_product_cells(customers),
        },
        columns=[*text, *CSV_COLUMNS],
    )
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def _product_cells(customers: pd.DataFrame) -> dict[str, list[str]]:
    """What to offer each customer, names and ids as the file wrote them (a name that starts
    like a formula neutralised); empty for runs stored before products."""
    return {
        column: [neutralise(str(v)) for v in customers[column].fillna("")]
        if column in customers.columns
        else [""] * len(customers)
        for column in PRODUCT_COLUMNS
    }


def _predicted_cells(customers: pd.DataFrame) -> dict[str, np.ndarray]:
    """The prediction columns, rounded (a chance to 3 places, orders and money to 2); NaN,
    written as an empty cell, when the table has none (e.g. a run stored before them)."""
    places = {"p_active": 3, "expected_orders_90d": 2, "expected_value_90d": 2}
    return {
        column: (
            customers[column].astype(float).round(places[column]).to_numpy()
            if column in customers.columns
            else np.full(len(customers), np.nan)
        )
        for column in PREDICTED
    }


def report_markdown(result: SegmentationResult, chart_files: Sequence[str | Path]) -> str:
    """The report as Markdown; charts are embedded by file name, relative to the report."""
    sections = [
        ["# Customer segments", "", _headline(result)],
        _data_section(result),
        _k_section(result),
        _segment_section(result),
        _strategy_section(result),
        _chart_section(chart_files),
        ["## Files", "", "- `segments.csv`: every customer with their segment and features."],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def write_report(
    result: SegmentationResult,
    out_dir: str | Path,
    *,
    charts: Callable[[], Mapping[str, bytes]] | None = None,
) -> list[Path]:
    """Write the four chart PNGs, report.md and segments.csv into ``out_dir`` (created if needed).

    ``charts`` gives the PNGs by file name (``chart_pngs`` of ``result``) when they are being
    drawn elsewhere; the table is written while they are. Without it they are drawn here.
    Returns the written paths, charts first.
    """
    if charts is None:
        from segmentation.charts.run import chart_pngs  # matplotlib: only when drawn here

        charts = partial(chart_pngs, result)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "segments.csv").write_text(segments_csv(result), encoding="utf-8")
    written = []
    for name, png in charts().items():
        (out / name).write_bytes(png)
        written.append(out / name)
    names = [p.name for p in written]
    (out / "report.md").write_text(report_markdown(result, names), encoding="utf-8")
    return [*written, out / "report.md", out / "segments.csv"]


def _headline(result: SegmentationResult) -> str:
    a = result.summary
    lifecycle = f" {a.lifecycle.describe()}" if a.lifecycle else ""
    return (
        f"{a.customers:,} customers fall into **{a.k} segments**. {spend_sentence(a)} "
        f"Recency is measured to {a.as_of.isoformat()}.{lifecycle}"
    )


def _data_section(result: SegmentationResult) -> list[str]:
    a = result.summary
    period = ""
    if a.first_purchase is not None and a.last_purchase is not None:
        period = f" Purchases run from {a.first_purchase[:10]} to {a.last_purchase[:10]}."
    lines = [
        "## The data",
        "",
        f"Read {a.rows_read:,} rows and kept {a.rows_kept:,} purchase lines.{period}",
        "",
        "| Dropped because | Rows |",
        "|---|---:|",
        *[f"| {_cell(reason)} | {n:,} |" for reason, n in a.dropped.items()],
    ]
    if not a.dropped:
        lines[-2:] = ["Nothing was dropped."]
    lines += [
        "",
        f"- {a.cancellations:,} cancelled invoices ({a.cancelled_lines:,} lines) are returns, not "
        "purchases; their value per customer is `returns_value` in segments.csv.",
        f"- {a.duplicate_lines:,} lines repeat an earlier line exactly; they were kept, since "
        "genuine repeat scans look the same.",
        f"- Dates: {DATE_ORDERS.get(result.summary.date_order, result.summary.date_order)}.",
        *[f"- {_cell(note)}" for note in result.summary.notes],
    ]
    if result.summary.mapping:
        lines += ["", "| Field | Column in the file |", "|---|---|"]
        lines += [f"| {_cell(f)} | {_cell(c)} |" for f, c in result.summary.mapping.items()]
    return lines


def _k_section(result: SegmentationResult) -> list[str]:
    lines = ["## Number of segments", "", _cell(result.summary.k_reason), ""]
    lines.append(_cell(stability_sentence(result.summary)))
    lines += ["", "| k | Inertia | Silhouette | Smallest segment |", "|---:|---:|---:|---:|"]
    for s in result.summary.k_scores:
        mark = " **(chosen)**" if s.k == result.summary.k else ""
        sil = "–" if s.silhouette is None else f"{s.silhouette:.2f}"
        lines.append(f"| {s.k}{mark} | {s.inertia:,.0f} | {sil} | {s.smallest_share:.0%} |")
    return lines


def _segment_section(result: SegmentationResult) -> list[str]:
    lines = [
        "## Segments",
        "",
        "Medians per customer: half the segment is above, half below.",
        "",
        "| Segment | Customers | Share | Revenue share | Recency (days) | Orders | Avg spend | Total spend |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    summary = result.summary
    for s in summary.segments:
        m = s.median
        lines.append(
            f"| {_cell(s.name)} | {s.customers:,} | {s.share:.0%} | {s.revenue_share:.0%} | "
            f"{m.recency_days:,.0f} | {number(m.frequency)} | "
            f"{amount(m.average_spend, summary)} | {amount(m.total_spend, summary)} |"
        )
    lines += ["", _cell(prediction_sentence(summary))]
    lines += ["", "What is true of each segment's customers:", ""]
    lines += [
        f"- **{_cell(s.name)}**: {_cell(facts_line(s.facts, summary))}"
        for s in summary.segments
        if s.facts is not None
    ]
    return lines


def _strategy_section(result: SegmentationResult) -> list[str]:
    lines = ["## What to do with each segment"]
    for s in result.summary.segments:
        lines += ["", f"### {_cell(s.name)}", ""]
        lines += [f"{_literal(line)}", ""] if (line := products_line(s.products)) else []
        lines += [f"- {_literal(text)}" for text in s.strategies] or ["- No specific action."]
    return lines


def _chart_section(chart_files: Sequence[str | Path]) -> list[str]:
    lines = ["## Charts"]
    for file in chart_files:
        name = Path(file).name
        caption = CHART_CAPTIONS.get(name, name)
        lines += ["", f"### {caption}", "", f"![{caption}]({name})"]
    return lines


def _cell(text: object) -> str:
    """Text safe inside a Markdown table row: pipes escaped, one line."""
    return " ".join(str(text).split()).replace("|", "\\|")


# Markdown's formatting characters, and HTML's opening bracket: in text that names products
# (an export's own words, "*FREE* gift"), each stands for itself.
_MARKDOWN = str.maketrans(
    {**{c: "\\" + c for c in "\\`*_~[]#"}, "<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


def _literal(text: object) -> str:
    """``_cell`` for text with no formatting of the report's own (strategies, what a segment
    buys): nothing in it is bold, code, a link or HTML."""
    return _cell(str(text).translate(_MARKDOWN))
