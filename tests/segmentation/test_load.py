"""Loading exports: formats, encodings, dates, column aliases and every kind of bad file."""

from __future__ import annotations

import gzip
import io
import zipfile

import pandas as pd
import pytest

from segmentation.errors import ExportError
from segmentation.load import load_export

TINY = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
    "536366,71053,WHITE METAL LANTERN,2,12/13/2010 9:01,3.39,17850.0,United Kingdom\n"
    "C536367,71053,WHITE METAL LANTERN,-1,12/14/2010 9:01,3.39,17850.0,United Kingdom\n"
    "536368,22752,SET 7 BABUSHKA,4,12/2/2010 10:00,7.65,13047.0,France\n"
)


def frame_of(export) -> pd.DataFrame:
    t = export.transactions
    return pd.DataFrame(
        {
            "customer_id": t["customer_id"].astype(str),
            "invoice": t["invoice"].astype(str),
            "timestamp": t["timestamp"],
            "amount": t["amount"].round(2),
        }
    )


def test_uci_csv_is_read_with_month_first_dates_and_integer_customer_ids():
    export = load_export(TINY.encode(), name="orders.csv")
    assert export.rows_read == 4
    assert export.date_order.order == "month-first" and not export.date_order.assumed
    assert export.mapping == {
        "customer": "CustomerID",
        "invoice": "InvoiceNo",
        "date": "InvoiceDate",
        "quantity": "Quantity",
        "price": "UnitPrice",
        "country": "Country",
        "product": "StockCode",
        "product_name": "Description",
    }
    got = frame_of(export)
    assert got["customer_id"].tolist() == ["17850", "17850", "17850", "13047"]
    assert got["timestamp"].tolist()[1] == pd.Timestamp("2010-12-13 09:01")
    assert got["amount"].tolist() == [15.3, 6.78, -3.39, 30.6]


@pytest.mark.parametrize(
    ("wrap", "name"),
    [
        (lambda b: b, "orders.csv"),
        (lambda b: b.replace(b",", b";"), "orders.csv"),
        (lambda b: b.replace(b",", b"\t"), "orders.tsv"),
        (lambda b: b.replace(b",", b"|"), "orders.txt"),
        (lambda b: b"\xef\xbb\xbf" + b, "bom.csv"),
        (gzip.compress, "orders.csv.gz"),
        (lambda b: _zipped("inner/orders.csv", b), "orders.zip"),
        (lambda b: _zipped("orders.csv", gzip.compress(b)), "nested.zip"),
    ],
)
def test_text_formats_round_trip(wrap, name):
    expected = frame_of(load_export(TINY.encode(), name="orders.csv"))
    got = frame_of(load_export(wrap(TINY.encode()), name=name))
    pd.testing.assert_frame_equal(got, expected)


def test_latin1_and_cp1252_files_are_read():
    text = TINY.replace("France", "Côte d’Ivoire")
    for encoding in ("latin-1", "cp1252"):
        data = (
            text.replace("’", "'").encode(encoding)
            if encoding == "latin-1"
            else text.encode(encoding)
        )
        export = load_export(data, name="x.csv")
        assert "Côte" in export.transactions["country"].astype(str).iloc[3]


@pytest.mark.parametrize(
    ("encoding", "header"),
    [
        ("cp1252", "Note"),
        ("latin-1", "Note"),  # \x81 and the like: undefined in cp1252
        ("cp1252", "Année"),  # a header that is not ASCII: the file is transcoded whole
    ],
)
def test_a_single_byte_file_reads_as_its_utf8_twin(encoding, header):
    """Every column read, ids, names and dates alike, equals the UTF-8 file's; the text
    outside ASCII is in the columns read and in one the reader skips."""
    lines = TINY.replace("France", "Côte d'Ivoire").splitlines()
    lines = [f"{lines[0]},{header}", *(f"{line},Noël \x81" for line in lines[1:])]
    if encoding == "cp1252":
        lines = [line.replace(" \x81", " €") for line in lines]
    text = "\n".join(lines) + "\n"
    single = load_export(text.encode(encoding), name="x.csv")
    twin = load_export(text.encode("utf-8"), name="x.csv")
    assert single.record.rows_read == twin.record.rows_read
    assert single.table.to_pylist() == twin.table.to_pylist()
    assert "Côte d'Ivoire" in single.table["country"].to_pylist()
    assert single.encoding == encoding


def test_parquet_and_xlsx_round_trip(tmp_path):
    frame = pd.read_csv(io.StringIO(TINY))
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"], format="%m/%d/%Y %H:%M")
    expected = frame_of(load_export(TINY.encode(), name="orders.csv"))
    frame.to_parquet(tmp_path / "x.parquet")
    frame.to_excel(tmp_path / "x.xlsx", index=False)
    for path in (tmp_path / "x.parquet", tmp_path / "x.xlsx"):
        got = frame_of(load_export(path))
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    renamed = tmp_path / "spreadsheet.csv"  # recognised by content, not extension
    renamed.write_bytes((tmp_path / "x.xlsx").read_bytes())
    assert load_export(renamed).file_format == "xlsx"


def test_xlsx_number_cells_then_text_cells_keep_every_value(tmp_path):
    # Spreadsheets store 536365 as a number and C536379 as text in the same column; the
    # text may first appear thousands of rows down.
    rows = 1_500
    frame = pd.DataFrame(
        {
            "InvoiceNo": [536_365 + i for i in range(rows)] + ["C536379"],
            "Quantity": [2] * rows + [-2],
            "InvoiceDate": pd.Timestamp("2011-01-03 10:00"),
            "UnitPrice": 1.5,
            "CustomerID": [17_850] * rows + ["VIP-1"],
        },
        dtype=object,
    )
    frame.to_excel(tmp_path / "mixed.xlsx", index=False)
    transactions = load_export(tmp_path / "mixed.xlsx").transactions
    assert transactions["invoice"].iloc[0] == "536365"
    assert transactions["invoice"].iloc[-1] == "C536379"
    assert transactions["customer_id"].iloc[0] == "17850"
    assert transactions["customer_id"].iloc[-1] == "VIP-1"


def test_excel_serial_dates_are_converted(tmp_path):
    frame = pd.DataFrame({"Customer": ["a", "b"], "Date": [40513.35, 40514.5], "Amount": [10, 20]})
    frame.to_excel(tmp_path / "serial.xlsx", index=False)
    got = (
        load_export(tmp_path / "serial.xlsx").transactions["timestamp"].dt.date.astype(str).tolist()
    )
    assert got == ["2010-12-01", "2010-12-02"]


def test_day_first_dates_are_detected():
    data = "customer,date,amount\na,13/01/2011 08:26,5\nb,02/03/2011 10:00,6\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.date_order.order == "day-first"
    assert export.transactions["timestamp"].tolist() == [
        pd.Timestamp("2011-01-13 08:26"),
        pd.Timestamp("2011-03-02 10:00"),
    ]


def test_ambiguous_dates_say_which_order_was_assumed():
    data = "customer,date,amount\na,01/02/2011,5\nb,03/04/2011,6\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.date_order.assumed
    assert any("assumed month-first" in note for note in export.notes)


def test_iso_dates_with_offsets():
    data = "customer,created at,total\na,2023-05-01 10:22:33 -0400,5\nb,2023-05-02T10:00:00Z,6\n"
    stamps = load_export(data.encode(), name="x.csv").transactions["timestamp"].tolist()
    assert stamps == [pd.Timestamp("2023-05-01 14:22:33"), pd.Timestamp("2023-05-02 10:00")]


def test_online_retail_ii_names():
    data = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country\n1,A,2,2010-12-01 08:00,3.5,12345,UK\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.mapping["customer"] == "Customer ID" and export.mapping["price"] == "Price"
    assert export.mapping["invoice"] == "Invoice"


def test_shopify_orders_export():
    data = (
        "Name,Email,Created at,Lineitem quantity,Lineitem price,Total,Billing Country\n"
        "#1001,ann@example.com,2023-05-01 10:00:00 +0000,2,10.00,25.00,GB\n"
        "#1001,ann@example.com,2023-05-01 10:00:00 +0000,1,5.00,,GB\n"
        "#1002,bob@example.com,2023-05-03 11:00:00 +0000,1,7.50,7.50,US\n"
    )
    export = load_export(data.encode(), name="orders_export.csv")
    assert export.mapping == {
        "customer": "Email",
        "invoice": "Name",
        "date": "Created at",
        "quantity": "Lineitem quantity",
        "price": "Lineitem price",
        "country": "Billing Country",
        "email": "Email",  # the customer column is the e-mail: contacts read it too
    }
    # line value = quantity × price: the order's Total (with shipping and tax) is not read
    assert export.transactions["amount"].tolist() == [20.0, 5.0, 7.5]


def test_generic_names_and_amount_only():
    data = "Client,Order Date,Revenue\nx,2023-01-01,5\nx,2023-01-01,7\ny,2023-02-01,9\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.mapping == {"customer": "Client", "date": "Order Date", "amount": "Revenue"}
    assert export.transactions["invoice"].isna().all()


def test_explicit_mapping_overrides_the_guess():
    data = "Client Ref,Email,When,Value\nR1,a@x,2023-01-01,5\n"
    export = load_export(data.encode(), name="x.csv", mapping={"customer": "client ref"})
    assert export.mapping["customer"] == "Client Ref"
    assert export.transactions["customer_id"].astype(str).tolist() == ["R1"]


def test_messy_numbers_are_read():
    data = 'customer,date,quantity,price\na,2023-01-01,2,"£1,234.50"\nb,2023-01-02, 3 ,€2.5\nc,2023-01-03,N/A,1\n'
    export = load_export(data.encode(), name="x.csv")
    amounts = export.transactions["amount"].tolist()
    assert amounts[:2] == [2469.0, 7.5] and pd.isna(amounts[2])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-Feb-17", "2017-02-11"),
        ("1-Feb-2017", "2017-02-01"),
        ("09-feb-17", "2017-02-09"),
        ("28-FEB-2019 14:30", "2019-02-28 14:30"),
        ("3 Mar 17", "2017-03-03"),
    ],
)
def test_excel_day_month_name_year_dates(text, expected):
    data = f"customer,date,amount\na,{text},5\nb,12-Dec-16,6\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.transactions["timestamp"].tolist()[0] == pd.Timestamp(expected)
    assert export.date_order.order == "day-first" and not export.date_order.assumed


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("CUSTOMERNAME", "customer"),
        ("Customer Name", "customer"),
        ("Customer ID", "customer"),
        ("cust_no", "customer"),
        ("trans_date", "date"),
        ("Order Date", "date"),
        ("tran_amount", "amount"),
        ("Sales", "amount"),
        ("txnAmt", "amount"),
        ("Country/Region", "country"),
        ("Order ID", "invoice"),
        ("Transaction No.", "invoice"),
        ("Product ID", "product"),
        ("Unit Price", "price"),
        ("Qty Ordered", "quantity"),
    ],
)
def test_column_names_are_matched_on_their_words(header, field):
    # Every other column has a plainly aliased name, so only ``header`` is left to the words.
    columns = {"customer": "Client", "date": "When", "amount": "Total", field: header}
    values = {"customer": "a", "date": "2023-01-01"}
    data = ",".join(columns.values()) + "\n" + ",".join(values.get(f, "5") for f in columns)
    export = load_export(data.encode(), name="x.csv")
    assert export.mapping[field] == header


def test_superstore_export_maps_ids_not_names():
    data = (
        "Row ID,Order ID,Order Date,Ship Date,Customer ID,Customer Name,Segment,"
        "Country/Region,City,Postal Code,Region,Product ID,Category,Product Name,"
        "Sales,Quantity,Discount,Profit\n"
        "1,CA-2019-152156,11/8/2019,11/11/2019,CG-12520,Claire Gute,Consumer,"
        "United States,Henderson,42420,South,FUR-BO-10001798,Furniture,Bush Somerset,"
        "261.96,2,0,41.91\n"
    )
    export = load_export(data.encode(), name="superstore.csv")
    assert export.mapping == {
        "customer": "Customer ID",
        "invoice": "Order ID",
        "date": "Order Date",
        "quantity": "Quantity",
        "amount": "Sales",
        "product": "Product ID",
        "product_name": "Product Name",
        "category": "Category",
        "country": "Country/Region",
        "full_name": "Customer Name",  # a contact, now that the id is another column
        "postcode": "Postal Code",
    }
    assert export.transactions["amount"].tolist() == [261.96]


def test_two_equally_good_columns_get_the_mapping_question():
    with pytest.raises(ExportError) as caught:
        load_export(b"customer,Start Date,End Date,amount\na,2023-01-01,2023-01-02,5\n")
    message = str(caught.value)
    assert "couldn't find these columns: date" in message
    assert "'Start Date' or 'End Date' could each be the date" in message
    assert 'date="Start Date"' in message


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "is empty"),
        (b"   \n\n", "blank.csv", "is empty"),
        (b"CustomerID,InvoiceDate,Quantity,UnitPrice\n", "header.csv", "no rows"),
        (bytes(range(256)) * 40, "binary.csv", "not a text export"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "old.xls", "old-style Excel"),
        (b"PK\x03\x04garbage", "broken.zip", "damaged"),
        (b"name,city\nann,paris\n", "people.csv", "couldn't find these columns"),
        (
            b"customer,date,quantity,price\na,2023-01-01,abc,1\nb,2023-01-01,xyz,2\n",
            "words.csv",
            "should hold numbers",
        ),
        (b"customer,date,amount\na,someday,1\nb,never,2\n", "dates.csv", "None of the dates"),
    ],
)
def test_bad_exports_get_plain_messages(data, name, words):
    with pytest.raises(ExportError) as caught:
        load_export(data, name=name)
    assert words in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_missing_columns_message_lists_columns_and_how_to_map():
    with pytest.raises(ExportError) as caught:
        load_export(b"Ref,Day,Amount\nx,2023-01-01,1\n", name="x.csv")
    message = str(caught.value)
    assert "customer" in message and "'Ref'" in message and 'customer="' in message


def test_mapping_to_a_column_that_does_not_exist():
    with pytest.raises(ExportError, match="no such column"):
        load_export(TINY.encode(), name="x.csv", mapping={"customer": "Nope"})


def test_zip_with_several_files_is_refused():
    with pytest.raises(ExportError, match="exactly one data file"):
        load_export(_zipped("a.csv", b"x", "b.csv", b"y"), name="two.zip")


def test_malformed_lines_are_skipped_and_counted():
    data = TINY + "1,2,3\n"
    export = load_export(data.encode(), name="x.csv")
    assert export.malformed_lines == 1 and export.rows_read == 5


def _zipped(*name_and_bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in zip(name_and_bytes[::2], name_and_bytes[1::2], strict=True):
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_real_data_as_its_latin1_csv_reports_the_money_the_file_states(real_frame, tmp_path):
    """The widely shared copy of the real data is a latin-1 CSV: read undecoded and decoded
    value by value, it must give the customers and the spend the file itself gives (lines
    with a customer, a positive quantity and a positive price; amount = quantity × price)."""
    from benchmarks.datasets import as_uci_csv
    from segmentation.pipeline import segment_export

    path = as_uci_csv(real_frame, tmp_path / "Online Retail.csv")
    assert not path.read_bytes().isascii()  # the names the file writes outside ASCII
    file = pd.read_csv(path, encoding="latin-1", dtype={"CustomerID": str, "InvoiceNo": str})
    kept = file[file["CustomerID"].notna() & (file["Quantity"] > 0) & (file["UnitPrice"] > 0)]
    export = load_export(path)
    assert export.encoding in ("cp1252", "latin-1")
    summary = segment_export(export).summary
    assert summary.rows_kept == len(kept)
    assert summary.customers == kept["CustomerID"].nunique()
    assert summary.total_spend == round(float((kept["Quantity"] * kept["UnitPrice"]).sum()), 2)
    names = set(export.table["product_name"].to_pylist())  # stripped, as ids are
    written = {d.strip() for d in file["Description"].dropna()} - {""}
    assert names >= written and any(not n.isascii() for n in written)
