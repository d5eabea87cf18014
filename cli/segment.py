"""`segbot segment` and `segbot sample`.

Registering the commands imports nothing heavy: pandas, the engine and scikit-learn are
imported when a command runs, matplotlib only for ``--out`` (``segbot --help`` stays quick).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from cli.args import (
    UsageError,
    check_output_file,
    check_output_folder,
    parse_date,
    parse_k,
    positive,
    sample_path,
    seed,
    shown,
)
from segmentation.choices import K_MAX, K_MIN
from segmentation.errors import ExportError
from segmentation.forked import Standby, standby

if TYPE_CHECKING:
    import datetime as dt

    from segmentation.engine import Prepared
    from segmentation.load import Export

# In the command's own process (``args.copies``, see ``cli.main``), forked copies of it work
# beside it while it imports scikit-learn and the rest (most of a second on one core): one
# reads the file and cleans it on the engine, one imports matplotlib and, once the run is
# segmented, draws the charts while this process writes the table. Both are forked before
# any thread of the engine starts, with what they share (pandas, Arrow, DuckDB) imported once.
READ = "cli.segment:read_and_prepare"
CHARTS = "segmentation.charts.run:chart_pngs"
# The largest file read by a copy: its table comes back pickled, twice the room for a moment.
# The real export's CSV is 46 MB, its table 29 MB (pickled in 0.01 s); a packed file's table
# is larger than the file (the real Parquet's 8 times), so packed files are read apart to less.
READ_APART_BYTES = 64 << 20
PACKED = {".parquet": 8 << 20, ".gz": 8 << 20, ".zip": 8 << 20}


def register(commands: argparse._SubParsersAction) -> None:
    """Add `segment` and `sample` to the CLI's subcommands."""
    seg = commands.add_parser("segment", help="segment the customers in an export")
    seg.add_argument("path", help="CSV/TSV/TXT, XLSX, Parquet, or any of them in .gz/.zip")
    seg.add_argument(
        "--k",
        type=parse_k,
        help=f"number of segments, {K_MIN} to {K_MAX} (default: chosen automatically)",
    )
    seg.add_argument("--as-of", type=parse_date, help="date recency is measured to (YYYY-MM-DD)")
    seg.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help='use COLUMN for FIELD, e.g. --map customer="Client Ref" (repeatable)',
    )
    seg.add_argument(
        "--currency",
        metavar="CODE",
        help="ISO code of the export's money, e.g. GBP (default: from a column or symbols)",
    )
    seg.add_argument("--seed", type=seed, default=0, help="random state (default 0)")
    seg.add_argument("--json", action="store_true", help="print one JSON object")
    seg.add_argument("--out", help="write charts, report.md and segments.csv to this folder")
    seg.add_argument("--db", help="also store the run in this segbot database")
    seg.add_argument(
        "--add",
        action="store_true",
        help="with --db: add the file's new lines to the stored data and segment the whole",
    )
    seg.set_defaults(handler=run_segment)

    sample = commands.add_parser("sample", help="write a synthetic export to try segbot with")
    sample.add_argument("path", type=sample_path, help="output file (.csv, .xlsx or .parquet)")
    sample.add_argument("--rows", type=positive, default=60_000)
    sample.add_argument("--seed", type=seed, default=0)
    sample.set_defaults(handler=run_sample)


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """['customer=Client Ref'] -> {'customer': 'Client Ref'}; quotes around the column are dropped.

    Raises ExportError for a pair without ``=`` or with an empty side.
    """
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ExportError(
                f"'{pair}' is not a mapping; write it as field=Column, e.g. customer=\"Client Ref\"."
            )
        mapping[field.strip().lower()] = column.strip().strip("\"'")
    return mapping


def run_segment(args: argparse.Namespace) -> int:
    """Segment a file and print the summary (or JSON); with --out write the report folder,
    with --db also store the run.

    With --add (and --db) the file's new lines go onto the stored data, as *Add* in Slack
    (the first data of a database without any), and the whole is segmented and stored.
    Returns 0, or 2 (with a plain message on stderr) when the file can't be segmented.
    Raises UsageError, before reading the file, for an --out or --db that can't be written.
    """
    out = Path(args.out) if args.out else None
    if out is not None:
        check_output_folder(out)
    if args.db:
        check_output_file(Path(args.db), "the database")
    if args.add and (not args.db or out is not None):
        raise UsageError("--add adds the file to a database's data: give --db, and no --out.")
    try:
        mapping = parse_mapping(args.map)
    except ExportError as exc:
        return _cannot(exc)
    from segmentation.load import load_export  # noqa: F401 - pandas, Arrow, DuckDB: the copy's too

    with _reader(args) as reader, _drawer(args, out) as drawer:
        loading = reader.run(
            READ, args.path, mapping=mapping, currency=args.currency, as_of=args.as_of,
            prepare=not args.add,
        )  # fmt: skip
        return _segment(args, out, loading, drawer)


def read_and_prepare(
    path: str, *, mapping: dict[str, str], currency: str | None, as_of: dt.date | None,
    prepare: bool,
) -> tuple[Export, Prepared | None]:  # fmt: skip
    """The export at ``path`` and (with ``prepare``) the engine's cleaning and per-customer
    features of it, as of ``as_of``: what a run reads before it needs scikit-learn."""
    from segmentation.engine import prepare_frame
    from segmentation.load import load_export

    export = load_export(path, mapping=mapping, currency=currency)
    if not prepare:
        return export, None
    return export, prepare_frame(export.table, rows_read=export.rows_read, as_of=as_of)


def _reader(args: argparse.Namespace) -> AbstractContextManager[Standby]:
    """A copy to read the file while this process imports the rest, for a file whose table is
    quick to send back (a larger one takes long to read anyway, and the table twice the room)."""
    try:
        path = Path(args.path)
        limit = PACKED.get(path.suffix.lower(), READ_APART_BYTES)
        apart = args.copies and path.stat().st_size <= limit
    except OSError:  # not there or not readable: the reader says so in its own words
        apart = False
    return standby(_nothing) if apart else nullcontext(Standby(None))


def _drawer(args: argparse.Namespace, out: Path | None) -> AbstractContextManager[Standby]:
    """For a report folder, a copy that imports the charts' modules while this process
    segments, then draws them while it writes the table."""
    if out is None or not args.copies:
        return nullcontext(Standby(None))
    return standby(partial(import_module, CHARTS.partition(":")[0]))


def _nothing() -> None: ...


def _segment(
    args: argparse.Namespace,
    out: Path | None,
    loading: Callable[[], tuple[Export, Prepared | None]],
    drawer: Standby,
) -> int:
    from cli.text import text_summary
    from segmentation.pipeline import segment_export
    from segmentation.summary import RunParams

    params = RunParams(k=args.k, as_of=args.as_of, random_state=args.seed)
    try:
        export, prepared = loading()
        if args.add:
            from cli.stored import add_run  # the database, only when asked for

            summary = add_run(Path(args.db), export)
        else:
            # Each customer's offers are only worked out for a report or a database to hold.
            result = segment_export(
                export, k=params.k, as_of=params.as_of, random_state=params.random_state,
                offers=out is not None or bool(args.db), prepared=prepared,
            )  # fmt: skip
            summary = result.summary
    except ExportError as exc:
        return _cannot(exc)
    if args.db and not args.add:
        from cli.stored import store_run  # the database, only when asked for

        store_run(Path(args.db), Path(args.path), export, result, params)
    if out is not None:
        from segmentation.report import write_report

        write_report(result, out, charts=drawer.run(CHARTS, result))
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print(text_summary(summary))
        if out is not None:
            print(f"\nReport written to {shown(out / 'report.md')}")
    return 0


def _cannot(error: ExportError) -> int:
    print(f"segbot: {error}", file=sys.stderr)
    return 2


def run_sample(args: argparse.Namespace) -> int:
    """Write a synthetic export to ``args.path``; returns 0.

    Raises UsageError, before generating anything, when the file can't go there.
    """

    from segmentation.sample import write_sample

    check_output_file(Path(args.path), "the sample")
    frame = write_sample(args.path, rows=args.rows, seed=args.seed)
    print(f"Wrote {len(frame):,} lines to {shown(args.path)}")
    return 0
