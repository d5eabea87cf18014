"""`segbot segment --db`, `history`, `show` and `export`, end to end through the CLI."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import storage
from cli import main
from segmentation.report import customers_csv


@pytest.fixture
def orders(tmp_path, sample_csv_bytes):
    path = tmp_path / "orders.csv"
    path.write_bytes(sample_csv_bytes)
    return path


def test_segment_then_history_show_export(tmp_path, orders, capsys):
    db = str(tmp_path / "shop.db")
    assert main(["segment", str(orders), "--k", "3", "--db", db]) == 0
    printed = capsys.readouterr()
    assert "Stored as run 1" in printed.err
    assert main(["segment", str(orders), "--db", db]) == 0
    capsys.readouterr()

    assert main(["history", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["Run", "When", "(UTC)"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "1"]
    assert all("done" in line and "orders.csv" in line for line in lines[1:])

    assert main(["show", "1", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Run 1, ")
    assert shown.split("\n", 2)[2] == printed.out  # the same summary `segment` printed

    out = tmp_path / "run1.csv"
    assert main(["export", "1", "--db", db, "-o", str(out)]) == 0
    frame = pd.read_csv(out, dtype={"customer_id": str})
    assert list(frame.columns[:3]) == ["customer_id", "segment_id", "segment_name"]
    with storage.connect(db) as conn:
        stored = storage.assignments_for(conn, 1, storage.CLI_SCOPE)
        assert len(storage.datasets_for(conn, storage.CLI_SCOPE)) == 1  # same file, one dataset
    assert sorted(frame["customer_id"]) == sorted(stored.index)
    assert frame["segment_id"].nunique() == 3

    capsys.readouterr()
    assert main(["export", "1", "--db", db, "--segment", "0"]) == 0
    assert set(pd.read_csv(io.StringIO(capsys.readouterr().out))["segment_id"]) == {0}


def test_database_from_the_environment(tmp_path, orders, capsys, monkeypatch):
    monkeypatch.setenv("SEGBOT_DB", str(tmp_path / "env.db"))
    assert main(["history"]) == 2
    assert "no database" in capsys.readouterr().err
    assert main(["segment", str(orders), "--db", str(tmp_path / "env.db")]) == 0
    capsys.readouterr()
    assert main(["history"]) == 0
    assert "orders.csv" in capsys.readouterr().out


def test_unknown_run_is_a_plain_error(tmp_path, orders, capsys):
    db = str(tmp_path / "shop.db")
    assert main(["segment", str(orders), "--db", db]) == 0
    capsys.readouterr()
    assert main(["show", "99", "--db", db]) == 2
    assert main(["export", "99", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "no finished run 99" in err and "Traceback" not in err


def test_export_neutralises_formulas():
    customers = pd.DataFrame(
        {
            "recency_days": [1, 2, 3],
            "frequency": [1, 1, 1],
            "average_spend": [1.0, 2.0, 3.0],
            "total_spend": [1.0, 2.0, 3.0],
            "returns_value": [0.0, -1.5, 0.0],
            "segment": [0, 0, 1],
            "tenure_days": [10, 20, 30],
            "lifecycle": ["active", "active", "new"],
        },
        index=pd.Index(['=HYPERLINK("x")', "-2+3", "12345"], name="customer_id"),
    )
    segments = [{"id": 0, "name": "@everyone", "customers": 2}, {"id": 1, "name": "Loyal"}]
    names = {s["id"]: s["name"] for s in segments}
    rows = pd.read_csv(io.StringIO(customers_csv(customers, names)), dtype=str).to_dict("records")
    assert [r["customer_id"] for r in rows] == ['\'=HYPERLINK("x")', "'-2+3", "12345"]
    assert [r["segment_name"] for r in rows] == ["'@everyone", "'@everyone", "Loyal"]
    assert rows[1]["returns_value"] == "-1.5"  # numbers stay numbers
