"""What the offers say of a segment's products, on a real run of a small export (re-described
with chosen figures where a test needs them): lifts that never read as 1.0× when they are more,
in Slack, the CLI text and report.md alike; and, for a segment that buys no product markedly
more than the rest, strategies that say so and point to each customer's products in the CSV."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.render.results import results_blocks
from cli.text import text_summary
from segmentation.affinity import PairLift, ProductLift, SegmentProducts
from segmentation.describe import describe_segments, segment_evidence
from segmentation.formatting import lift_label
from segmentation.offers import NONE_MORE, PER_CUSTOMER
from segmentation.report import report_markdown
from segmentation.result import PRODUCT_COLUMNS, SegmentationResult
from segmentation.strategies import BY_KEY

# A lift as the offers write it: before "the store's rate", "more often than chance",
# "chance)", or closing a product's "(share of them, lift)".
LIFTS = re.compile(r"(\d[\d.,]*×|over 1×)(?= the store's rate| more often| chance\)|\))")


@pytest.fixture(scope="module")
def small_run(sample_csv_bytes: bytes) -> SegmentationResult:
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export

    return segment_export(load_export(sample_csv_bytes, name="small.csv"))


def redescribed(
    run: SegmentationResult, products: dict[int, SegmentProducts]
) -> SegmentationResult:
    """``run`` with its segments described again as buying ``products`` more than the rest."""
    s = run.summary
    segments = describe_segments(run.customers, s.lifecycle, currency=s.currency, products=products)
    return SegmentationResult(summary=s.with_segments(tuple(segments)), customers=run.customers)


def bought(lift: float) -> SegmentProducts:
    """A teapot bought ``lift`` times as often here, and a cup bought with it ``lift`` times
    as often as chance."""
    teapot, cup = ProductLift("P1", "Teapot", 12, 0.3, lift), ProductLift("P2", "Cup", 15, 0.4, 0)
    pair = PairLift(a=teapot, b=cup, customers=10, support=0.25, confidence=0.8, lift=lift)
    return SegmentProducts(products=(teapot,), pairs=(pair,))


@pytest.mark.parametrize(("lift", "shown"), [(1.004, "1.004×"), (1.04, "1.04×"), (1.26, "1.3×"), (3.1, "3.1×")])  # fmt: skip
def test_a_lift_above_one_never_reads_as_one_in_slack_cli_or_report(
    small_run: SegmentationResult, lift: float, shown: str
) -> None:
    assert lift_label(lift) == shown
    result = redescribed(small_run, {s.id: bought(lift) for s in small_run.summary.segments})
    slack = " ".join(
        str(b.get("text", "")) + str(b.get("elements", ""))
        for b in results_blocks(result.summary, run_id=1)
    )
    for said in (slack, text_summary(result.summary), report_markdown(result, [])):
        found = LIFTS.findall(said)
        # Per segment: the products line's product and pair, and the strategies naming them.
        assert len(found) >= 3 * len(result.summary.segments), said
        assert set(found) == {shown}
        assert "1.0×" not in said


def test_a_lift_closer_to_one_than_six_places_is_said_as_over_one() -> None:
    assert lift_label(1 + 1e-9) == "over 1×" and lift_label(1 - 1e-9) == "under 1×"
    assert lift_label(1.0) == "1.0×" and lift_label(0.96) == "0.96×"
    assert lift_label(1.0999) == "1.1×" and lift_label(24.35) == "24.4×"


# Where the products are known, strategies of a segment that buys none markedly more than the
# rest say so and point to each customer's products in the CSV.
PRODUCT_SPEAKING = ("win_back", "subscription", "reorder_reminder", "personalised_offers", "bundle")
GENERIC = (
    "most-bought category",
    "favourite items",
    "their usual items at",
    "their usual items as",
)


def test_a_segment_buying_nothing_markedly_more_points_to_each_customers_products(
    small_run: SegmentationResult,
) -> None:
    run = small_run
    assert all(s.products is None for s in run.summary.segments)  # none over the floor here
    assert (run.customers["usual_product_ids"] != "").all()  # and every customer has products
    said = [t for s in run.summary.segments for t in s.strategies]
    speaking = [t for t in said if "listed per customer in the CSV" in t]
    assert len(speaking) >= 4
    assert all(NONE_MORE in t for t in speaking)
    assert not any(g in t for g in GENERIC for t in said)
    assert not any("PRODUCT " in t for t in said)  # no product is named (sample names)
    s = run.summary
    evidence = segment_evidence(run.customers, s.lifecycle, currency=s.currency)[0]
    known = replace(evidence, listed=15)
    for key in PRODUCT_SPEAKING:
        text = BY_KEY[key].write(known)
        assert NONE_MORE in text and PER_CUSTOMER in text, text


def test_without_products_the_general_wording_stays(small_run: SegmentationResult) -> None:
    run, s = small_run, small_run.summary
    plain = run.customers.drop(columns=list(PRODUCT_COLUMNS))
    segments = describe_segments(plain, s.lifecycle, currency=s.currency)
    said = [t for segment in segments for t in segment.strategies]
    assert any("a time-limited offer on their most-bought category;" in t for t in said)
    assert not any("CSV" in t or NONE_MORE in t for t in said)
    evidence = segment_evidence(plain, s.lifecycle, currency=s.currency)[0]
    assert evidence.listed == 0
    assert "recommend what is bought with their favourite items" in BY_KEY[
        "personalised_offers"
    ].write(evidence)


def test_a_segment_over_indexing_names_its_products_not_the_general_pointer(
    small_run: SegmentationResult,
) -> None:
    result = redescribed(small_run, {s.id: bought(2.0) for s in small_run.summary.segments})
    said = [t for s in result.summary.segments for t in s.strategies]
    assert any("Teapot (bought by 12 customers here, 2.0× the store's rate)" in t for t in said)
    assert not any(NONE_MORE in t for t in said)


def test_product_names_in_the_report_are_written_literally(small_run: SegmentationResult) -> None:
    """report.md is Markdown: a name's own stars, underscores, backticks and tags must not
    format (a Markdown viewer shows the name as the export wrote it)."""
    odd = ProductLift("P9", "*FREE* _gift_ `tin` <b>box</b> [x](y)", 12, 0.3, 2.0)
    result = redescribed(small_run, {s.id: SegmentProducts(products=(odd,)) for s in small_run.summary.segments})  # fmt: skip
    report = report_markdown(result, [])
    written = r"\*FREE\* \_gift\_ \`tin\` &lt;b&gt;box&lt;/b&gt; \[x\](y)"
    assert report.count(written) >= len(result.summary.segments)
    assert "*FREE*" not in report.replace(r"\*FREE\*", "") and "<b>" not in report
