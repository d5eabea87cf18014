"""Compiled SQL found by a query's name: dates bound as parameters, never a stale statement."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import segmentation.engine.compiled as compiled
from segmentation.engine.compiled import Query, query_sql
from segmentation.engine.local import database

SALES = pa.table({
    "ts": pa.array([dt.datetime(2024, 1, d) for d in (1, 5, 9, 20)], pa.timestamp("us")),
    "amount": [1.0, 2.0, 4.0, 8.0],
})  # fmt: skip
HERE = "tests.segmentation.test_compiled"
BUILT: Counter[str] = Counter()  # how often each builder here was called
ROOT = Path(__file__).resolve().parents[2]


def before(sales, *, as_of: dt.date):
    """Spend before ``as_of``."""
    kept = sales.filter(sales.ts < dt.datetime.combine(as_of, dt.time()))
    return kept.aggregate(spend=kept.amount.sum())


def week_before(sales, *, as_of: dt.date):
    """Spend in the seven days before ``as_of``: the date is worked on, not only compared."""
    BUILT["week_before"] += 1
    start = dt.datetime.combine(as_of - dt.timedelta(days=7), dt.time())
    kept = sales.filter((sales.ts >= start) & (sales.ts < dt.datetime.combine(as_of, dt.time())))
    return kept.aggregate(spend=kept.amount.sum())


def above(sales, limits):
    """Spend on lines above the first of ``limits``."""
    kept = sales.filter(sales.amount > float(limits[0]))
    return kept.aggregate(spend=kept.amount.sum())


@pytest.fixture(autouse=True)
def own_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    yield tmp_path / f"segbot-sql-{os.getuid()}"


def spend(query: Query, *args, **kwargs) -> tuple[float, compiled.CompiledQuery]:
    with database().cursor() as con:
        con.register("sales", SALES)
        compiled_query = query_sql(query, {"sales": SALES.schema}, *args, **kwargs)
        return compiled_query.on(con).fetchall()[0][0], compiled_query


def test_a_date_is_a_parameter_and_other_dates_read_the_same_statement(own_folder):
    first, one = spend(Query(HERE, "before"), as_of=dt.date(2024, 1, 6))
    second, other = spend(Query(HERE, "before"), as_of=dt.date(2024, 1, 10))
    assert (first, second) == (3.0, 7.0)
    assert "$as_of" in one.text and one.text == other.text
    assert len(list(own_folder.glob("*.sql"))) == 1


def test_a_date_the_builder_works_on_is_written_in_and_kept_by_value(own_folder):
    first, one = spend(Query(HERE, "week_before"), as_of=dt.date(2024, 1, 10))
    second, other = spend(Query(HERE, "week_before"), as_of=dt.date(2024, 1, 21))
    assert (first, second) == (6.0, 8.0)  # 5 and 9 January; then 20 January
    assert "$" not in one.text and one.text != other.text and not one.params
    # The query's name says "by value"; then a statement per date.
    assert len(list(own_folder.glob("*.sql"))) == 3
    built = BUILT["week_before"]
    assert spend(Query(HERE, "week_before"), as_of=dt.date(2024, 1, 10)) == (first, one)
    assert BUILT["week_before"] == built  # read, not built again
    spend(Query(HERE, "week_before"), as_of=dt.date(2024, 2, 1))
    assert BUILT["week_before"] == built + 1  # built once, by value: no stand-ins any more


def test_an_argument_that_cannot_be_written_out_is_compiled_each_time_and_never_kept(own_folder):
    assert spend(Query(HERE, "above"), np.array([1.5]))[0] == 14.0
    assert spend(Query(HERE, "above"), np.array([4.5]))[0] == 8.0
    assert not list(own_folder.glob("*.sql"))


def test_the_code_digest_changes_with_the_code(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(compiled, "CODE", tmp_path)
    compiled._versions.cache_clear()
    try:
        before_change = compiled._versions()
        (tmp_path / "a.py").write_text("x = 2\n")
        compiled._versions.cache_clear()
        assert compiled._versions() != before_change
    finally:
        compiled._versions.cache_clear()


def test_a_full_folder_forgets_its_older_half_and_keeps_the_new(own_folder):
    spend(Query(HERE, "before"), as_of=dt.date(2024, 1, 6))  # makes the folder
    for i in range(compiled.MOST_KEPT):
        old = own_folder / f"old-{i}.sql"
        old.write_text("SELECT 1")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    compiled._READ.clear()
    assert spend(Query(HERE, "above"), (2.5,))[0] == 12.0
    kept = {p.name for p in own_folder.glob("*.sql")}
    assert len(kept) <= compiled.MOST_KEPT // 2 + 2
    assert "old-0.sql" not in kept and f"old-{compiled.MOST_KEPT - 1}.sql" in kept
    spend(Query(HERE, "above"), (2.5,))
    assert len(list(own_folder.glob("*.sql"))) == len(kept)  # found again, not written again


def test_a_query_has_one_name_in_every_process_and_another_for_other_arguments(own_folder):
    script = (
        "import datetime as dt, pyarrow as pa;"
        "from segmentation.engine.compiled import Query, query_sql;"
        "from tests.segmentation.test_compiled import HERE, SALES;"
        "query_sql(Query(HERE, 'above'), {'sales': SALES.schema}, (2.5,));"
        "query_sql(Query(HERE, 'before'), {'sales': SALES.schema}, as_of=dt.date(2024, 3, 1))"
    )
    env = {**os.environ, "TMPDIR": str(own_folder.parent)}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT)
    written = {p.name for p in own_folder.glob("*.sql")}
    assert len(written) == 2
    spend(Query(HERE, "above"), (2.5,))
    spend(Query(HERE, "before"), as_of=dt.date(2024, 1, 6))  # another date: the same statement
    assert {p.name for p in own_folder.glob("*.sql")} == written
    spend(Query(HERE, "above"), (2.5000001,))  # one argument a hair apart: a statement of its own
    assert len(list(own_folder.glob("*.sql"))) == 3
