"""The report folder: report.md, segments.csv (spreadsheet-safe) and the charts."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from segmentation.load import load_export
from segmentation.pipeline import segment_export
from segmentation.report import neutralise, report_markdown, segments_csv, write_report
from segmentation.result import SegmentationResult
from segmentation.sample import sample_export
from segmentation.wording import stability_sentence

EVIL = ['=HYPERLINK("http://x.example","click")', "+1", "@x", "-2", "=1+1"]


@pytest.fixture(scope="module")
def result():
    """A small run where five customers have ids a spreadsheet would run as formulas."""
    frame, _ = sample_export(rows=8000, seed=1)
    ids = frame["CustomerID"].dropna().unique()[: len(EVIL)]
    customer = frame["CustomerID"].astype(object)
    for old, new in zip(ids, EVIL, strict=True):
        customer = customer.mask(frame["CustomerID"] == old, new)
    frame = frame.assign(CustomerID=customer)
    return segment_export(load_export(frame.to_csv(index=False).encode(), name="x.csv"))


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("12346", "12346"),
        ("Loyal buyers", "Loyal buyers"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe


def test_segments_csv_columns_and_rows(result):
    table = rows(segments_csv(result))
    assert list(table[0]) == [
        "customer_id",
        "segment_id",
        "segment_name",
        "recency_days",
        "frequency",
        "average_spend",
        "total_spend",
        "returns_value",
        "net_spend",
        "tenure_days",
        "lifecycle",
        "p_active",
        "expected_orders_90d",
        "expected_value_90d",
        "next_products",
        "usual_products",
        "next_product_ids",
        "usual_product_ids",
    ]
    assert len(table) == len(result.customers)
    assert {row["lifecycle"] for row in table} <= {"new", "active", "at_risk", "lapsed"}
    names = {s.id: s.name for s in result.summary.segments}
    for row in table:
        assert row["segment_name"] == names[int(row["segment_id"])]
    first = result.customers.iloc[0]
    assert float(table[0]["total_spend"]) == pytest.approx(first["total_spend"], abs=0.005)
    assert int(table[0]["recency_days"]) == first["recency_days"]


def test_segments_csv_neutralises_formula_ids(result):
    ids = {row["customer_id"] for row in rows(segments_csv(result))}
    assert {"'" + evil for evil in EVIL} <= ids
    assert not any(i.startswith(("=", "+", "-", "@", "\t", "\r")) for i in ids)


def test_segments_csv_neutralises_names_but_not_numbers(result):
    renamed = tuple(dataclasses.replace(s, name=f"-{s.name}") for s in result.summary.segments)
    tricky = SegmentationResult(
        summary=dataclasses.replace(result.summary, segments=renamed),
        customers=result.customers.assign(returns_value=-1.5),
    )
    table = rows(segments_csv(tricky))
    assert all(row["segment_name"].startswith("'-") for row in table)
    assert {row["returns_value"] for row in table} == {"-1.5"}  # a real number stays a number


def test_segments_csv_for_some_segments(result):
    table = rows(segments_csv(result, segment_ids=[0]))
    assert len(table) == result.summary.segments[0].customers
    assert {row["segment_id"] for row in table} == {"0"}


def test_report_markdown_covers_audit_k_segments_strategies_and_charts(result):
    text = report_markdown(result, ["choosing-k.png", "pair-plot.png"])
    a = result.summary
    assert text.startswith("# Customer segments\n")
    assert f"Read {a.rows_read:,} rows and kept {a.rows_kept:,} purchase lines." in text
    for reason, n in a.dropped.items():
        assert f"| {reason} | {n:,} |" in text
    assert f"{a.cancellations:,} cancelled invoices" in text
    assert f"{a.duplicate_lines:,} lines repeat" in text
    assert "| customer | CustomerID |" in text
    assert result.summary.k_reason in text
    assert stability_sentence(result.summary) in text
    assert result.summary.lifecycle.describe() in text
    assert f"| {result.summary.k} **(chosen)** |" in text
    for s in result.summary.segments:
        assert f"| {s.name} | {s.customers:,} | {s.share:.0%} | {s.revenue_share:.0%} |" in text
        assert f"### {s.name}" in text
        assert all(f"- {strategy}" in text for strategy in s.strategies)
    assert "![How the number of segments was chosen](choosing-k.png)" in text
    assert "](pair-plot.png)" in text and "box-plots.png" not in text


def test_report_markdown_escapes_table_cells(result):
    odd = SegmentationResult(
        summary=dataclasses.replace(result.summary, mapping={"customer": "Client | Ref\nNo"}),
        customers=result.customers,
    )
    assert "| customer | Client \\| Ref No |" in report_markdown(odd, [])


def test_write_report_writes_every_file(result, tmp_path):
    out = tmp_path / "nested" / "report"
    written = write_report(result, out)
    assert [p.name for p in written] == [
        "choosing-k.png",
        "pair-plot.png",
        "box-plots.png",
        "segment-overview.png",
        "report.md",
        "segments.csv",
    ]
    assert all(p.parent == out and p.stat().st_size > 0 for p in written)
    report = (out / "report.md").read_text(encoding="utf-8")
    for png in written[:4]:
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert f"]({png.name})" in report
    assert (out / "segments.csv").read_text(encoding="utf-8") == segments_csv(result)
