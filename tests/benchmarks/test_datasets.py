"""The hand-written .xlsx writer (benchmarks.datasets.as_xlsx) against xlsxwriter.

xlsxwriter is the reference: ``load_export`` and fastexcel must read the same thing from
both files, dtypes and categories included.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pandas as pd
import pytest

from benchmarks.datasets import as_xlsx
from segmentation.load import load_export


def xlsxwriter_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """The previous writer, verbatim, kept as the reference: xlsxwriter's streaming mode."""
    import xlsxwriter

    columns = []  # (kind, Python values with None where missing), one per column
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            kind, cells = "date", pd.Series(values.dt.to_pydatetime(), dtype=object)
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            kind, cells = "number", values.astype("float64").astype(object)
        else:
            kind, cells = "text", values.astype(str).astype(object)
        columns.append((kind, cells.where(values.notna().to_numpy(), None).tolist()))
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, [str(name) for name in frame.columns])
    write_string, write_number, write_datetime = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
    )
    for row in range(len(frame)):  # row by row: the streaming mode cannot go back a row
        for col, (kind, cells) in enumerate(columns):
            value = cells[row]
            if value is None:  # missing: leave the cell blank
                continue
            if kind == "text":
                write_string(row + 1, col, value)
            elif kind == "number":
                write_number(row + 1, col, value)
            else:
                write_datetime(row + 1, col, value, date_format)
    workbook.close()
    return path


@pytest.fixture(scope="module")
def awkward(real_frame: pd.DataFrame) -> pd.DataFrame:
    """400 real rows (a quarter without customer id) with text that needs escaping."""
    frame = pd.concat(
        [real_frame[real_frame["CustomerID"].isna()].head(100), real_frame.iloc[5000:5300]],
        ignore_index=True,
    )
    awkward_text = [
        "CRÈME BRÛLÉE SET <&> “QUOTES”",
        "  leading and trailing  ",
        "a < b & c > d",
        "tab\tand\x01control _x0041_",
        "日本語 ünïcödé",
        "",
    ]
    frame.loc[: len(awkward_text) - 1, "Description"] = awkward_text
    frame.loc[100:104, "Country"] = ["Réunion", "Côte d'Ivoire", "A&B", "<none>", "Ærø"]
    frame.loc[200:201, "InvoiceDate"] = [pd.Timestamp("2011-02-28 23:59:59.5"), pd.NaT]
    return frame


def test_load_export_reads_both_writers_alike(awkward: pd.DataFrame, tmp_path: Path) -> None:
    assert awkward["CustomerID"].isna().sum() == 100
    reference = load_export(xlsxwriter_xlsx(awkward, tmp_path / "reference.xlsx"))
    written = load_export(as_xlsx(awkward, tmp_path / "written.xlsx"))
    pd.testing.assert_frame_equal(written.transactions, reference.transactions, check_exact=True)
    assert isinstance(written.transactions["customer_id"].dtype, pd.CategoricalDtype)
    for field in ("rows_read", "mapping", "notes", "date_order", "file_format"):
        assert getattr(written, field) == getattr(reference, field), field


def test_fastexcel_sees_the_same_sheet(awkward: pd.DataFrame, tmp_path: Path) -> None:
    tables = [
        fastexcel.read_excel(write(awkward, tmp_path / f"{i}.xlsx").read_bytes())
        .load_sheet(0, schema_sample_rows=None)
        .to_arrow()
        for i, write in enumerate((xlsxwriter_xlsx, as_xlsx))
    ]
    assert tables[1].schema == tables[0].schema
    assert tables[1].equals(tables[0])
    descriptions = tables[1].column("Description").to_pylist()
    assert descriptions[:6] == [
        "CRÈME BRÛLÉE SET <&> “QUOTES”",
        "  leading and trailing  ",
        "a < b & c > d",
        "tab\tand\x01control _x0041_",
        "日本語 ünïcödé",
        "",
    ]
