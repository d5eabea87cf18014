"""Files sources (DuckDB): a file, a folder, a glob, CSV, an http URL on an allowed host, and
the columns a source's own names map to."""

from __future__ import annotations

import datetime as dt
import http.server
import tempfile

import ibis
import pandas as pd
import pytest

from sources import Source, SourceError, load_catalog, prepare_source
from sources.columns import normalise_table
from tests.http_serving import serving

LINES = pd.DataFrame(
    {
        "Client Ref": [" 17850.0 ", "17850", "13047", "", "13047", "C-9"],
        "Order": ["1", "1", "2", "3", "C4", "5"],
        "Paid At": pd.to_datetime(
            ["2011-01-03 10:00"] * 2 + [f"2011-01-0{d} 09:00" for d in (4, 5, 6, 7)]
        ),
        "qty": [2.0, 1.0, 3.0, 1.0, -1.0, 1.0],
        "Unit Price": [1.5, 4.0, 2.0, 9.0, 2.0, 10.0],
    }
)


def normalised(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    table = normalise_table(ibis.memtable(frame), columns or {}, what="The test table")
    return table.execute()


def test_columns_become_the_engine_s_columns():
    out = normalised(LINES, {"customer": "Client Ref", "date": "Paid At"})
    assert list(out.columns) == [
        "customer_id", "invoice", "timestamp", "product", "quantity", "price", "amount",
    ]  # fmt: skip
    assert out["customer_id"].tolist()[:3] == ["17850", "17850", "13047"]
    assert pd.isna(out["customer_id"][3]) and out["customer_id"][5] == "C-9"
    assert out["invoice"].tolist() == ["1", "1", "2", "3", "C4", "5"]
    assert out["product"].isna().all()
    assert out["amount"].tolist() == [3.0, 4.0, 6.0, 9.0, -2.0, 10.0]


def test_float_ids_lose_their_decimal_point():
    frame = pd.DataFrame(
        {
            "CustomerID": [17850.0, 12.5, None],
            "InvoiceDate": ["2011-01-03"] * 3,
            "Amount": [1.0] * 3,
        }
    )
    out = normalised(frame.astype({"InvoiceDate": "datetime64[us]"}))
    assert out["customer_id"].tolist()[:2] == ["17850", "12.5"] and pd.isna(out["customer_id"][2])


def test_missing_columns_are_named():
    frame = pd.DataFrame({"who": ["a"], "amount": [1.0]})
    with pytest.raises(SourceError) as e:
        normalised(frame)
    assert str(e.value) == (
        "The test table has no customer or date column (its columns are who, amount): return "
        "them under those names, or map them in the source's [columns] section."
    )


def write_sources(tmp_path, body: str):
    (tmp_path / "segbot.toml").write_text(body)
    return {s.name: s for s in load_catalog(tmp_path / "segbot.toml").sources}


def test_a_folder_a_glob_and_csv_read_the_same_lines(tmp_path):
    (tmp_path / "exports").mkdir()
    LINES.iloc[:3].to_parquet(tmp_path / "exports" / "jan.parquet")
    LINES.iloc[3:].to_parquet(tmp_path / "exports" / "feb.parquet")
    LINES.to_csv(tmp_path / "all.csv", index=False)
    mapping = '[sources.{}.columns]\ncustomer = "Client Ref"\ndate = "Paid At"\n'
    sources = write_sources(
        tmp_path,
        '[sources.folder]\npath = "exports"\n' + mapping.format("folder")
        + '[sources.glob]\npath = "exports/*.parquet"\n' + mapping.format("glob")
        + '[sources.csv]\npath = "all.csv"\n' + mapping.format("csv"),
    )  # fmt: skip
    results = [prepare_source(s, as_of=None, timeout_s=30) for s in sources.values()]
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0].customers, other.customers)
    assert results[0].customers.index.tolist() == ["13047", "17850", "C-9"]
    assert results[0].customers.loc["13047", "returns_value"] == 2.0
    assert results[0].as_of == dt.date(2011, 1, 8)


def test_no_file_at_the_path_is_one_sentence(tmp_path):
    sources = write_sources(tmp_path, '[sources.gone]\npath = "nowhere/*.parquet"\n')
    with pytest.raises(SourceError) as e:
        prepare_source(sources["gone"], as_of=None, timeout_s=30)
    assert str(e.value) == (  # said in the channel: no server path
        "No Parquet or CSV file was found at the path of source 'gone': ask the bot's operator "
        "to check its path (`segbot sources FILE --check` shows why)."
    )
    assert e.value.operator == (
        "No Parquet or CSV file was found at the path of source 'gone' "
        f"({tmp_path}/nowhere/*.parquet): check path in the sources file."
    )


@pytest.fixture
def file_server(tmp_path):
    """Serves tmp_path over http on 127.0.0.1; /elsewhere redirects to another host."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self):
            if self.path.startswith("/elsewhere"):
                self.send_response(302)
                self.send_header("Location", "https://files.example.org/x.csv")
                self.end_headers()
                return
            super().do_GET()

    with serving(Handler) as served:
        yield served


def test_a_url_on_an_allowed_host_is_fetched_and_read(tmp_path, file_server, monkeypatch):
    LINES.to_csv(tmp_path / "export.csv", index=False)
    sources = write_sources(
        tmp_path,
        f'[sources.feed]\nurl = "{file_server}/export.csv"\nallowed_hosts = ["127.0.0.1"]\n'
        '[sources.feed.columns]\ncustomer = "Client Ref"\ndate = "Paid At"\n'
        f'[sources.hop]\nurl = "{file_server}/elsewhere.csv"\nallowed_hosts = ["127.0.0.1"]\n',
    )
    prepared = prepare_source(sources["feed"], as_of=None, timeout_s=30)
    assert prepared.customers.index.tolist() == ["13047", "17850", "C-9"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where downloads are kept
    with pytest.raises(SourceError) as e:
        prepare_source(sources["hop"], as_of=None, timeout_s=30)
    assert str(e.value) == (  # said in the channel: no host
        "The url of source 'hop' redirects to a host that is not in its allowed_hosts: ask the "
        "bot's operator to check it (`segbot sources FILE --check` shows why)."
    )
    assert e.value.operator == (
        "The url of source 'hop' redirects to files.example.org, which is not in its "
        "allowed_hosts: add it there if it is trusted."
    )
    assert list(scratch.iterdir()) == []  # the failed download's folder and file are gone


def test_a_source_bound_to_a_channel_list_is_plain_data():
    source = Source(
        name="x", kind="files", description="d", path="/tmp/x.parquet", channels=("C1",)
    )
    assert source.allowed_in("C1") and not source.allowed_in("C2")


def test_open_table_gives_the_engine_s_columns_on_the_source_s_backend(tmp_path, real_path):
    from segmentation.engine import NORMALISED
    from sources import open_table

    table = open_table(Source(name="r", kind="files", description="d", path=str(real_path)))
    assert table.get_backend().name == "duckdb"
    assert set(NORMALISED) <= set(table.columns)
    assert table.count().execute() == 541_909


def test_a_source_s_contacts_come_back_one_row_per_customer(tmp_path):
    from sources import source_contacts

    lines = LINES.assign(
        **{
            "E-mail": ["a@example.com", None, "b@example.com", None, None, "c@example.com"],
            "Tel": ["+44 7700 900123", None, "+44 7700 900111", None, "+44 7700 900222", None],
        }
    )
    lines.to_parquet(tmp_path / "shop.parquet")
    source = Source(
        name="shop", kind="files", description="d", path=str(tmp_path / "shop.parquet"),
        columns=(("customer", "Client Ref"), ("date", "Paid At"), ("phone", "Tel")),
    )  # fmt: skip
    # The e-mail is guessed from its header, the phone mapped; each customer's latest value.
    assert source_contacts(source).to_dict("index") == {
        "13047": {"email": "b@example.com", "phone": "+44 7700 900222"},
        "17850": {"email": "a@example.com", "phone": "+44 7700 900123"},
        "C-9": {"email": "c@example.com", "phone": None},
    }
