"""Hostile files: bombs are refused before they inflate, one bad value is dropped and counted,
and every refusal is a plain sentence. The corpus is made by code (tests/segmentation/hostile.py).

Bombs are loaded in a subprocess whose peak RSS (``ru_maxrss``) is measured, under limits
for a 4 MB upload so each stops within tens of MB (the same code path as the bot's 1 GB).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from segmentation.errors import ExportError, NotEnoughCustomersError
from segmentation.load import ReadLimits, load_export
from segmentation.pipeline import segment_export
from tests.segmentation import hostile as h

ROOT = Path(__file__).resolve().parents[2]
G = 1024**3
UPLOAD = 4 * h.MB  # unpacking stops at 32 MB, 524,288 rows
JARGON = ("straddl", "Arrow", "UTF8", "codec", "Traceback", "nan", "errno", "0x")
BOMBS = {
    "bomb.csv.gz": lambda: h.gz_bomb(2 * G),
    "bomb.zip": lambda: h.zip_bomb(2 * G),
    "bomb.csv.gz.gz.gz": lambda: h.nested_gz_bomb(2 * G),
    "zip-in.zip": lambda: h.zip_in_zip_bomb(2 * G),
    "rows.parquet": lambda: h.parquet_rows(1_000_000),
    "strings.xlsx": lambda: h.xlsx_shared_strings_bomb(2 * G),
    "whole-sheet.xlsx": h.xlsx_whole_sheet,
}
MEASURE = """
import json, resource, sys
from segmentation.load import ReadLimits, load_export
data = open(sys.argv[1], "rb").read()
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_export(data, name=sys.argv[2], limits=ReadLimits.for_upload(int(sys.argv[3])))
    message = None
except Exception as exc:
    message = f"{type(exc).__name__}: {exc}"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"message": message, "start_mb": start / 1024, "peak_mb": peak / 1024}))
"""


def plain(message: str) -> str:
    assert not any(word in message for word in JARGON), message
    return message


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_refused_before_it_inflates(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(BOMBS[name]())
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), name, str(UPLOAD)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(run.stdout.strip().splitlines()[-1])
    message = found["message"] or ""
    assert message.startswith("ExportError: "), message
    refusals = ("expands to more than 32 MB", "more than the 524,288", "more than 2 deep")
    assert any(words in message for words in refusals), message
    plain(message)
    grew = found["peak_mb"] - found["start_mb"]
    size = path.stat().st_size / 1e6
    print(f"{name}: {size:.2f} MB file, peak RSS {found['peak_mb']:.0f} MB (+{grew:.0f} MB)")
    assert grew < 100, f"{name} grew the process by {grew:.0f} MB"


def test_limits_follow_the_upload_limit() -> None:
    bot = ReadLimits.for_upload(1024 * h.MB, memory_bytes=6 * G)  # the bot's defaults
    assert bot.inflated_bytes == 1536 * h.MB  # a quarter of the worker's cap
    assert bot.rows == bot.cells == 25_165_824
    assert ReadLimits.for_upload(1024 * h.MB).inflated_bytes == 8 * G  # no memory cap here
    assert ReadLimits.for_upload(UPLOAD).rows == 524_288


def test_an_export_within_the_limits_still_loads_from_gzip_and_zip() -> None:
    rows = 4 * h.rows_block().count(b"\n")
    limits = ReadLimits.for_upload(UPLOAD)
    for data, name in ((h.gz_bomb(4 * h.MB), "ok.csv.gz"), (h.zip_bomb(4 * h.MB), "ok.zip")):
        assert load_export(data, name=name, limits=limits).rows_read == rows


def test_nesting_deeper_than_twice_is_refused_in_a_sentence() -> None:
    with pytest.raises(ExportError, match="more than 2 deep") as caught:
        load_export(h.nested_gz_bomb(h.MB), name="x.csv.gz.gz.gz")
    plain(str(caught.value))


@pytest.fixture(scope="module")
def base() -> bytes:
    return h.base_csv(3000)


def _dropped(data: bytes, name: str = "orders.csv") -> dict[str, int]:
    return dict(segment_export(load_export(data, name=name)).summary.dropped)


LINE = "536999,85123A,WHITE MUG,2,{date},{price},12345,United Kingdom"


@pytest.mark.parametrize(
    ("date", "price", "reason"),
    [
        ("9999-12-31 10:00", "3.5", "date out of range"),
        ("1600-01-01 10:00", "3.5", "date out of range"),
        ("2200-01-01 10:00", "3.5", "date out of range"),
        ("2011-05-01 10:00", "inf", "number too large"),
        ("2011-05-01 10:00", "1e308", "number too large"),
    ],
)
def test_one_bad_value_drops_its_line_with_a_count(base, date, price, reason) -> None:
    clean = _dropped(base)
    dropped = _dropped(h.with_line(base, LINE.format(date=date, price=price)))
    assert dropped == {**clean, reason: 1}


def test_month_first_dates_out_of_range_are_dropped_too() -> None:
    frame = h.base_frame(3000)
    frame["InvoiceDate"] = frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M")
    csv = frame.to_csv(index=False).encode()
    line = LINE.format(date="12/31/9999 10:00", price="3.5")
    assert _dropped(h.with_line(csv, line))["date out of range"] == 1


def test_utf16_is_read_with_or_without_a_bom_and_when_cut_off(base) -> None:
    rows = load_export(base, name="a.csv").rows_read
    text = base.decode()
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        assert load_export(data, name="u.csv").rows_read == rows
    cut = codecs.BOM_UTF16_LE + text.encode("utf-16-le")[:-1]
    export = load_export(cut, name="cut.csv")
    assert export.rows_read == rows - 1
    assert any("cut off" in n for n in export.notes)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\xff\xfe" + bytes(range(256)) * 40, "junk.csv", "not valid UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", "Save it as .xlsx or CSV"),
        (h.zip_archive([]), "empty.zip", "empty zip"),
        (h.gz_bomb(1)[:30], "cut.csv.gz", "damaged"),
    ],
)
def test_unusable_files_get_one_plain_sentence(data, name, words) -> None:
    with pytest.raises(ExportError, match=words) as caught:
        load_export(data, name=name)
    plain(str(caught.value))


def test_a_field_of_megabytes_is_said_plainly(base) -> None:
    lines = base.split(b"\n")
    long = lines[2000].rsplit(b",", 2)[0] + b"," + b"9" * 3_000_000 + b",UK"
    with pytest.raises(ExportError, match="line over 1 MB long") as caught:
        load_export(b"\n".join([*lines[:2000], long, *lines[2001:]]), name="long.csv")
    plain(str(caught.value))


def _formula_rows(amount_only: bool) -> list[list]:
    header = ["CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "Amount"]
    rows = [header]
    for i in range(40):
        date = f"2011-0{1 + i % 9}-1{i % 9} 10:00"
        rows.append([10000 + i % 13, date, 1 + i % 4, 2.5, f"=C{i + 2}*D{i + 2}"])
    return [[r[0], r[1], r[4]] for r in rows] if amount_only else rows


def test_xlsx_amounts_that_are_unsaved_formulas_are_refused_plainly() -> None:
    with pytest.raises(ExportError, match="formulas whose results were never saved") as caught:
        load_export(h.xlsx(h.sheet(_formula_rows(amount_only=True))), name="f.xlsx")
    plain(str(caught.value))
    # Quantity × price is there, so an Amount column of formulas does not matter.
    export = load_export(h.xlsx(h.sheet(_formula_rows(amount_only=False))), name="g.xlsx")
    assert export.transactions["amount"].notna().all()


def _same_customers(kinds: int) -> bytes:
    lines = [f"5{i:05d},A1,{2 + i % kinds},2011-03-01 10:00,3.5,{10000 + i},UK" for i in range(60)]
    return h.HEADER + "\n".join(lines).encode() + b"\n"


def test_identical_customers_get_a_plain_answer() -> None:
    with pytest.raises(NotEnoughCustomersError, match="All 60 customers look the same"):
        segment_export(load_export(_same_customers(1), name="same.csv"))
    with pytest.raises(NotEnoughCustomersError, match="only 2 different kinds"):
        segment_export(load_export(_same_customers(2), name="two.csv"), k=5)


@pytest.mark.parametrize(
    ("as_of", "words"),
    [(dt.date(1, 1, 1), "Nobody had bought anything before"), (dt.date(9999, 12, 31), "50 years")],
)
def test_absurd_as_of_dates_are_refused_in_a_sentence(base, as_of, words) -> None:
    with pytest.raises(NotEnoughCustomersError, match=words) as caught:
        segment_export(load_export(base, name="a.csv"), as_of=as_of)
    plain(str(caught.value))
