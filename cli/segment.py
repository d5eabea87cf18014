"""`segbot segment` and `segbot sample`.

Registering the commands imports nothing heavy: pandas, the engine and scikit-learn are
imported when a command runs, matplotlib only for ``--out`` (``segbot --help`` stays quick).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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

    from cli.text import text_summary
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export
    from segmentation.summary import RunParams

    out = Path(args.out) if args.out else None
    if out is not None:
        check_output_folder(out)
    if args.db:
        check_output_file(Path(args.db), "the database")
    if args.add and (not args.db or out is not None):
        raise UsageError("--add adds the file to a database's data: give --db, and no --out.")
    params = RunParams(k=args.k, as_of=args.as_of, random_state=args.seed)
    try:
        export = load_export(args.path, mapping=parse_mapping(args.map), currency=args.currency)
        if args.add:
            from cli.stored import add_run  # the database, only when asked for

            summary = add_run(Path(args.db), export)
        else:
            # Each customer's offers are only worked out for a report or a database to hold.
            result = segment_export(
                export, k=params.k, as_of=params.as_of, random_state=params.random_state,
                offers=out is not None or bool(args.db),
            )  # fmt: skip
            summary = result.summary
    except ExportError as exc:
        print(f"segbot: {exc}", file=sys.stderr)
        return 2
    if args.db and not args.add:
        from cli.stored import store_run  # the database, only when asked for

        store_run(Path(args.db), Path(args.path), export, result, params)
    if out is not None:
        from segmentation.report import write_report  # charts: matplotlib, only for --out

        write_report(result, out)
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print(text_summary(summary))
        if out is not None:
            print(f"\nReport written to {shown(out / 'report.md')}")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    """Write a synthetic export to ``args.path``; returns 0.

    Raises UsageError, before generating anything, when the file can't go there.
    """

    from segmentation.sample import write_sample

    check_output_file(Path(args.path), "the sample")
    frame = write_sample(args.path, rows=args.rows, seed=args.seed)
    print(f"Wrote {len(frame):,} lines to {shown(args.path)}")
    return 0
