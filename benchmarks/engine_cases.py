"""The code bench_engine.py measures, each run with ``python -c`` in a fresh process.

Every script reads its parameters as JSON from ``sys.argv[1]``, starts the clock after its
imports and warm-up (a running bot's worker has both behind it), and prints one JSON line:
``seconds`` (wall), ``cpu`` (user + system seconds of the process, DuckDB's threads
included: steadier than wall time on a shared machine), ``rss_mb`` (the process's peak
resident memory, imports included) and what it computed, so runs can be compared.
"""

from __future__ import annotations

PROLOGUE = """
import hashlib, json, resource, sys, time
args = json.loads(sys.argv[1])


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table_file(frame):
    # The per-customer table goes to a file the parent compares (floats within 1e-9).
    frame.sort_index().to_parquet(args["dump"])
    return args["dump"]


def report(**fields):
    print(json.dumps(fields, default=str))
"""

# load_export -> segment_export -> chart_pngs on one file; run in today's tree or in a
# checkout of the commit before the engine (the same code works in both).
REAL = """
import segmentation
from segmentation.charts import chart_pngs
from segmentation.load import load_export
from segmentation.pipeline import segment_export, warm_up

chart_pngs(warm_up())
import gc
gc.freeze()  # as the bot's worker does after its warm-up (bot.jobs.worker.warm_up)
start, cpu0 = time.perf_counter(), cpu()
export = load_export(args["path"])
result = segment_export(export)
pngs = chart_pngs(result)
seconds = time.perf_counter() - start
s = result.summary
report(seconds=seconds, cpu=cpu() - cpu0, rss_mb=rss_mb(), customers=s.customers, k=s.k,
       figures=[s.rows_read, s.rows_kept, s.customers, s.total_spend, s.duplicate_lines,
                s.cancellations, s.returned_value, [(g.name, g.customers, g.revenue) for g in s.segments]],
       table=table_file(result.customers[["recency_days", "frequency", "average_spend",
                                       "total_spend", "tenure_days", "returns_value"]]),
       module=segmentation.__file__)
"""

# Per-customer features of a Parquet folder through the engine on DuckDB with a memory
# limit, then the rest of the segmentation (k search, fit, naming) and the charts.
SCALED_ENGINE = """
import ibis
from segmentation.charts import chart_pngs
from segmentation.engine import prepare_table
from segmentation.pipeline import segment_prepared, warm_up

chart_pngs(warm_up())
start, cpu0 = time.perf_counter(), cpu()
con = ibis.duckdb.connect(memory_limit=args["memory_limit"], threads=args["threads"])
prepared = prepare_table(con.read_parquet(args["glob"]))
features, features_cpu, features_rss = time.perf_counter() - start, cpu() - cpu0, rss_mb()
result = segment_prepared(prepared)
pngs = chart_pngs(result)
report(seconds=features, cpu=features_cpu, rss_mb=features_rss,
       whole=time.perf_counter() - start, whole_cpu=cpu() - cpu0, whole_rss_mb=rss_mb(),
       customers=len(prepared.customers), k=result.summary.k,
       rows_kept=prepared.audit.rows_kept, duplicates=prepared.audit.duplicate_lines,
       table=table_file(prepared.customers))
"""

# The pandas path segbot had before the engine (commit 5990ce0's clean_transactions,
# customer_features and returns_by_customer) on the same Parquet folder, read with pandas
# and typed as its loader types a normalised table (text columns categorical).
SCALED_PANDAS = """
import pandas as pd
from segmentation.clean import clean_transactions
from segmentation.features import customer_features, default_as_of, returns_by_customer

start, cpu0 = time.perf_counter(), cpu()
frame = pd.read_parquet(args["folder"])
frame = frame.astype({c: "category" for c in ("customer_id", "invoice", "product", "country")})
clean, audit = clean_transactions(frame)
as_of = default_as_of(clean)
features = customer_features(clean, as_of=as_of)
features = features.assign(returns_value=returns_by_customer(frame, as_of=as_of)
                           .reindex(features.index).fillna(0.0))
report(seconds=time.perf_counter() - start, cpu=cpu() - cpu0, rss_mb=rss_mb(),
       customers=len(features), rows_kept=audit.rows_kept, duplicates=audit.duplicate_lines,
       table=table_file(features))
"""

# Postgres does the work: the engine's expression compiled for the server, only the audit
# and one row per customer come back.
PG_PUSHDOWN = """
import ibis
from segmentation.engine import prepare_table

start, cpu0 = time.perf_counter(), cpu()
con = ibis.postgres.connect(**args["connect"])
prepared = prepare_table(con.table(args["table"]))
report(seconds=time.perf_counter() - start, cpu=cpu() - cpu0, rss_mb=rss_mb(),
       customers=len(prepared.customers), rows_kept=prepared.audit.rows_kept,
       duplicates=prepared.audit.duplicate_lines, table=table_file(prepared.customers))
"""

# Every row comes to the bot: COPY … TO STDOUT as CSV (psycopg's fastest way out of
# Postgres), parsed by pyarrow into a pandas frame, then the engine in-process.
PG_PULL = """
import io
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from segmentation.engine import prepare_frame
from segmentation.pipeline import warm_up

warm_up()
TYPES = {"customer_id": pa.string(), "invoice": pa.string(), "timestamp": pa.timestamp("us"),
         "product": pa.string(), "quantity": pa.float64(), "price": pa.float64(),
         "amount": pa.float64(), "country": pa.string()}
start, cpu0 = time.perf_counter(), cpu()
buffer = io.BytesIO()
with psycopg.connect(**args["connect"]) as con, con.cursor() as cur:
    with cur.copy(f"COPY {args['table']} TO STDOUT (FORMAT csv, HEADER)") as copy:
        for chunk in copy:
            buffer.write(chunk)
buffer.seek(0)
table = pacsv.read_csv(buffer, convert_options=pacsv.ConvertOptions(
    column_types=TYPES, strings_can_be_null=True, quoted_strings_can_be_null=False))
del buffer
frame = table.to_pandas()
del table
prepared = prepare_frame(frame)
report(seconds=time.perf_counter() - start, cpu=cpu() - cpu0, rss_mb=rss_mb(),
       customers=len(prepared.customers), rows_kept=prepared.audit.rows_kept,
       duplicates=prepared.audit.duplicate_lines, table=table_file(prepared.customers))
"""

# What a notebook does to get the rows: pandas.read_sql of the whole table, then the engine
# in-process (the same cleaning and features, so only the pull differs).
PG_READ_SQL = """
import pandas as pd
import psycopg
from segmentation.engine import prepare_frame
from segmentation.pipeline import warm_up

warm_up()
start, cpu0 = time.perf_counter(), cpu()
with psycopg.connect(**args["connect"]) as con:
    frame = pd.read_sql(f"SELECT * FROM {args['table']}", con)
prepared = prepare_frame(frame)
report(seconds=time.perf_counter() - start, cpu=cpu() - cpu0, rss_mb=rss_mb(),
       customers=len(prepared.customers), rows_kept=prepared.audit.rows_kept,
       duplicates=prepared.audit.duplicate_lines, table=table_file(prepared.customers))
"""
