"""What each segment buys more than the rest, and what each customer is offered: every figure
checked against pandas working from the real file itself."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from segmentation.formatting import lift_label
from segmentation.offers import joined, split

# The real data's lines that are a service or a correction, by their description.
SERVICE = {"POSTAGE", "Discount", "CARRIAGE", "DOTCOM POSTAGE", "Manual", "Bank Charges",
           "SAMPLES", "AMAZON FEE", "Adjust bad debt", "adjustment"}  # fmt: skip


@pytest.fixture(scope="module")
def facts(real_frame: pd.DataFrame, real_result):
    """Purchases as pandas reads the file: a customer's line, positive quantity and price,
    not a "C" invoice, not a service line; per customer and product, the lines bought."""
    f = real_frame.assign(Description=real_frame["Description"].str.strip())  # as the loader
    kept = f[
        f["CustomerID"].notna()
        & (f["Quantity"] > 0)
        & (f["UnitPrice"] > 0)
        & ~f["InvoiceNo"].astype(str).str.match(r"^[Cc]\d+$")
        & ~f["Description"].isin(SERVICE)
    ]
    kept = kept.assign(customer_id=kept["CustomerID"].astype(int).astype(str),
                       product=kept["StockCode"].astype(str).str.strip())  # fmt: skip
    lines = kept.groupby(["customer_id", "product"]).size().rename("lines").reset_index()
    labels = real_result.customers["segment"]
    named = kept.groupby(["product", "Description"]).size().rename("n").reset_index()
    named = named.sort_values(["product", "n", "Description"], ascending=[True, False, True])
    names = named.drop_duplicates("product").set_index("product")["Description"]
    return lines.join(labels, on="customer_id", how="inner"), labels, names


def expected_top(bought: pd.DataFrame, labels: pd.Series, segment: int) -> pd.DataFrame:
    size, everyone = int((labels == segment).sum()), len(labels)
    mine = bought[bought["segment"] == segment].groupby("product").size()
    overall = bought.groupby("product").size()
    table = pd.DataFrame({"buyers": mine, "all": overall.reindex(mine.index)})
    table["share"] = table["buyers"] / size
    table["lift"] = table["share"] / (table["all"] / everyone)
    table = table[(table["buyers"] >= 10) & (table["share"] >= 0.05) & (table["lift"] > 1)]
    return table.reset_index().sort_values(["lift", "buyers", "product"],
                                           ascending=[False, False, True]).head(5)  # fmt: skip


def test_each_segments_products_are_its_top_lifts_over_the_floor(facts, real_result):
    bought, labels, names = facts
    listed = 0
    for s in real_result.summary.segments:
        expected = expected_top(bought, labels, s.id)
        got = s.products.products if s.products else ()
        assert [p.id for p in got] == expected["product"].tolist()
        for p, row in zip(got, expected.itertuples(), strict=True):
            assert (p.customers, p.name) == (row.buyers, names[row.product])
            assert p.share == pytest.approx(row.share) and p.lift == pytest.approx(row.lift)
        listed += len(got)
    assert listed >= 10  # the real data: three segments with five products each


def test_pairs_are_bought_together_above_chance(facts, real_result):
    bought, labels, _ = facts
    pairs = [(s, p) for s in real_result.summary.segments if s.products for p in s.products.pairs]
    assert len(pairs) >= 6
    for s, pair in pairs:
        mine = bought[bought["segment"] == s.id]
        who = mine.groupby("product")["customer_id"].agg(set)
        a, b = who[pair.a.id], who[pair.b.id]
        size = int((labels == s.id).sum())
        assert (pair.customers, pair.a.customers, pair.b.customers) == (len(a & b), len(a), len(b))
        assert pair.confidence == pytest.approx(len(a & b) / len(a))
        assert pair.lift == pytest.approx(len(a & b) * size / (len(a) * len(b))) and pair.lift > 1
        assert len(a) <= len(b)


FIGURES = re.compile(
    r"(?:on|as|whole) ([A-Z0-9][^()]*?) \(bought by ([\d,]+) customers here, ([\d.]+)×"
)


def test_strategies_name_only_over_indexed_products_with_true_figures(facts, real_result):
    bought, labels, names = facts
    by_name = {name: product for product, name in names.items()}
    checked = 0
    for s in real_result.summary.segments:
        top = expected_top(bought, labels, s.id).set_index("product")
        for text in s.strategies:
            for name, n, lift in FIGURES.findall(text):
                product = by_name[name]
                assert product in top.index  # the segment over-indexes on it
                assert int(n.replace(",", "")) == top.loc[product, "buyers"]
                assert f"{lift}×" == lift_label(top.loc[product, "lift"])
                checked += 1
    assert checked >= 3


def test_next_products_are_new_to_the_customer_and_usual_ones_their_most_bought(facts, real_result):
    bought, _, names = facts
    customers = real_result.customers
    per = bought.groupby("customer_id")
    sample = customers.index[:: max(1, len(customers) // 300)]
    for customer in sample:
        mine = per.get_group(customer).set_index("product")["lines"]
        offered = split(customers.at[customer, "next_product_ids"])
        usual = split(customers.at[customer, "usual_product_ids"])
        assert len(offered) == 5 and not set(offered) & set(mine.index)
        assert len(usual) == min(5, len(mine)) and set(usual) <= set(mine.index)
        assert mine[usual].tolist() == sorted(mine[usual].tolist(), reverse=True)
        rest = mine.drop(usual)
        assert rest.empty or mine[usual].min() >= rest.max()
        shown = split(customers.at[customer, "usual_products"])
        assert shown == [names.get(p, p) for p in usual]


def test_a_summary_without_each_customers_offers_reads_as_with_them(facts, real_path, real_result):
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export
    from segmentation.products import products_of_frame
    from segmentation.result import PRODUCT_COLUMNS

    export = load_export(str(real_path))
    lean = segment_export(export, offers=False)

    assert lean.summary.to_json() == real_result.summary.to_json()
    assert (lean.customers[list(PRODUCT_COLUMNS)] == "").all().all()
    # What the strategies count as listed is who bought a product, as pandas reads the file,
    # and as the customers' own columns say when the offers are worked out.
    bought, labels, _ = facts
    expected = bought.groupby("segment")["customer_id"].nunique().to_dict()
    counted = products_of_frame(export.table, labels, as_of=real_result.summary.as_of,
                                per_customer=False).listed  # fmt: skip
    assert counted == expected
    has_usual = real_result.customers["usual_product_ids"] != ""
    assert has_usual.groupby(real_result.customers["segment"]).sum().to_dict() == expected


NAMES = ["Tea; green", "Cup", "ends;", "; starts", "a\\b", "back\\", "x\\; y", ";;", "Mug"]


def test_a_cell_of_names_reads_back_whatever_a_name_holds():
    cell = joined(NAMES)
    assert split(cell) == NAMES
    assert cell.startswith("Tea\\; green; Cup; ends\\;; ")  # still readable in the CSV
    assert split(joined(["P1", "P2"])) == ["P1", "P2"] and joined(["P1", "P2"]) == "P1; P2"
    assert split("") == [] and split(None) == [] and split(joined([])) == []
    assert split("A; B; C") == ["A", "B", "C"]  # a cell stored before names were escaped


def test_a_name_with_the_separator_is_one_product_in_the_customer_columns():
    from segmentation.products import products_of_frame

    frame = hostile_export().rename(columns={"Customer": "customer_id", "Invoice": "invoice",
                                             "Date": "timestamp", "SKU": "product",
                                             "Item Name": "product_name", "Quantity": "quantity",
                                             "Price": "price"})  # fmt: skip
    frame["product_name"] = frame["product_name"].replace("Item 7", "Tea; green \\ mint")
    frame["amount"] = frame["quantity"] * frame["price"]
    customers = frame["customer_id"].unique()
    labels = pd.Series(np.arange(len(customers)) % 2, index=customers)
    found = products_of_frame(frame, labels, as_of=pd.Timestamp("2024-01-01").date()).customers
    for column in ("next", "usual"):
        names, ids = (
            found[f"{column}_products"].map(split),
            found[f"{column}_product_ids"].map(split),
        )
        assert (names.map(len) == ids.map(len)).all()
        assert any("Tea; green \\ mint" in n for n in names)
        assert not any("Tea" in item and "mint" not in item for n in names for item in n)


def test_an_export_without_products_says_so_once(sample_csv_bytes, tmp_path):
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export
    from segmentation.products import NO_PRODUCTS

    frame = pd.read_csv(pd.io.common.BytesIO(sample_csv_bytes))
    without = frame.drop(columns=["StockCode", "Description"])
    plain = segment_export(load_export(without.to_csv(index=False).encode(), name="x.csv"))
    full = segment_export(load_export(sample_csv_bytes, name="y.csv"))
    assert plain.summary.notes.count(NO_PRODUCTS) == 1
    assert all(s.products is None for s in plain.summary.segments)
    assert (plain.customers["next_products"] == "").all()
    features = ["recency_days", "frequency", "average_spend", "total_spend", "segment"]
    pd.testing.assert_frame_equal(plain.customers[features], full.customers[features])
    assert [s.name for s in plain.summary.segments] == [s.name for s in full.summary.segments]


def hostile_export(n_products: int = 40, seed: int = 0) -> pd.DataFrame:
    """Customers who each buy a few of ``n_products``, some with hostile names."""
    rng = np.random.default_rng(seed)
    hostile = ["<!channel> *FREE* _now_", '=HYPERLINK("http://x")', "+1 SALE", "@home", "L" * 1000]
    names = [hostile[i] if i < len(hostile) else f"Item {i}" for i in range(n_products)]
    rows = []
    for c in range(300):
        for _ in range(rng.integers(2, 6)):
            day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
            for p in rng.choice(min(n_products, 8 + c % 5), size=3, replace=False):
                rows.append((f"C{c}", f"I{c}-{day:%j}", day, f"P{p}", names[p], 2, 5.0 + c % 7))
    return pd.DataFrame(rows, columns=["Customer", "Invoice", "Date", "SKU", "Item Name",
                                       "Quantity", "Price"])  # fmt: skip


def test_hostile_names_are_escaped_in_slack_neutralised_in_csv_and_cut_in_text():
    from bot.render.results import results_blocks
    from cli.text import text_summary
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export
    from segmentation.report import segments_csv

    export = load_export(hostile_export().to_csv(index=False).encode(), name="h.csv")
    result = segment_export(export, k=2)
    assert any(s.products for s in result.summary.segments)
    blocks = str(results_blocks(result.summary, run_id=1))
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks
    assert "L" * 61 not in blocks and "L" * 61 not in text_summary(result.summary)
    table = pd.read_csv(
        pd.io.common.StringIO(segments_csv(result)), dtype=str, keep_default_na=False
    )
    cells = [c for column in ("next_products", "usual_products") for c in table[column]]
    assert cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(
        c.startswith("'=HYPERLINK") or c.startswith("'+1") or c.startswith("'@") for c in cells
    )


def test_a_product_id_with_two_names_is_shown_under_its_most_frequent_once():
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export

    frame = hostile_export()
    first = frame["SKU"] == "P6"
    frame.loc[first & (frame.index % 4 == 0), "Item Name"] = "Old name"
    expected = frame[first]["Item Name"].value_counts().idxmax()
    result = segment_export(load_export(frame.to_csv(index=False).encode(), name="t.csv"), k=2)
    notes = [n for n in result.summary.notes if "more than one name" in n]
    assert notes == [
        "1 product id has more than one name; each is shown under its most frequent name."
    ]
    shown = {
        p.id: p.name for s in result.summary.segments if s.products for p in s.products.products
    }
    assert shown.get("P6", expected) == expected and "Old name" not in str(result.customers)


def test_a_fifty_thousand_product_catalogue_gets_every_customer_five_offers():
    """(How long it takes is ``benchmarks.bench_products``' to say.)"""
    from benchmarks.datasets import wide_catalogue
    from segmentation.products import products_of_frame

    frame, labels = wide_catalogue()
    assert frame["product"].nunique() > 45_000
    found = products_of_frame(frame, labels, as_of=pd.Timestamp("2024-01-01").date())
    assert len(found.customers) == 20_000
    assert found.customers["next_product_ids"].map(lambda cell: len(split(cell))).max() == 5


def test_usual_products_rank_by_lines_then_buyers_then_id_at_any_size():
    import datetime as dt

    import pyarrow as pa

    from segmentation.products.recommend import baskets, usual_products

    def usual(pairs: list[tuple[str, str, int]]) -> dict[str, list[str]]:
        table = pa.table({
            "customer_id": [c for c, _, _ in pairs], "product": [p for _, p, _ in pairs],
            "lines": [n for _, _, n in pairs],
            "last_bought": pa.array([dt.datetime(2024, 1, 1)] * len(pairs), pa.timestamp("us")),
        })  # fmt: skip
        b = baskets(table, dt.date(2024, 1, 2))
        chosen = usual_products(b, top=5)
        return {
            c: [b.products[j] for j in row if j >= 0]
            for c, row in zip(b.customers, chosen, strict=True)
        }

    # "a": B and C tie on lines, C has more buyers; D and E tie on both, D has the lower id.
    small = [("a", "B", 2), ("a", "C", 2), ("a", "D", 1), ("a", "E", 1), ("a", "A", 5),
             ("b", "C", 1), ("c", "C", 1), ("b", "A", 1), ("c", "E", 1), ("d", "D", 1)]  # fmt: skip
    assert usual(small)["a"] == ["A", "C", "B", "D", "E"]
    assert usual(small)["b"] == ["C", "A"]
    # Past two million lines on one product the packed sort key does not fit: same rule.
    huge = [("a", "A", 3_000_000), ("a", "B", 5_000_000), ("a", "C", 3_000_000), ("b", "C", 1)]
    assert usual(huge)["a"] == ["B", "C", "A"]
