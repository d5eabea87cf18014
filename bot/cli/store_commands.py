"""`segbot history`, `segbot show RUN_ID`, `segbot export RUN_ID`, and storing `segbot segment --db` runs.

The command line keeps its runs under workspace "cli", channel "local"
(``storage.CLI_TEAM`` / ``storage.CLI_CHANNEL``), so a database shared with the
bot never mixes them with a Slack channel's runs.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import sys
import time
from pathlib import Path

import storage
from bot.cli.summary import text_summary_from_dict
from segmentation.load import Export
from segmentation.report import customers_csv
from segmentation.result import SegmentationResult

DEFAULT_DB = "segbot.db"


def register(commands: argparse._SubParsersAction) -> None:
    """Add history, show and export to the CLI."""
    history = commands.add_parser("history", help="list the runs stored in the database")
    history.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    history.set_defaults(handler=run_history)

    show = commands.add_parser("show", help="print a stored run's summary")
    show.add_argument("run_id", type=int, metavar="RUN_ID")
    show.set_defaults(handler=run_show)

    export = commands.add_parser("export", help="write a stored run's customers as CSV")
    export.add_argument("run_id", type=int, metavar="RUN_ID")
    export.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
    export.add_argument(
        "--segment", type=int, action="append", help="only this segment id (repeatable)"
    )
    export.set_defaults(handler=run_export)

    for parser in (history, show, export):
        parser.add_argument(
            "--db", help=f"segbot database (default: $SEGBOT_DB, else ./{DEFAULT_DB})"
        )


def db_path(args: argparse.Namespace) -> Path:
    """--db, else $SEGBOT_DB, else ./segbot.db (the environment is read only here, at the edge)."""
    return Path(args.db or os.environ.get("SEGBOT_DB") or DEFAULT_DB)


def store_cli_run(
    db_path: str | Path, source_path: str | Path, export: Export, result: SegmentationResult
) -> int:
    """Store a `segbot segment --db` run (dataset + finished run); returns the run id.

    The same file stored twice is one dataset with two runs.
    """
    source = Path(source_path)
    summary = result.to_dict()
    started = time.perf_counter()
    with storage.connect(db_path) as db:
        dataset_id, _ = storage.save_dataset(
            db,
            team_id=storage.CLI_TEAM,
            channel_id=storage.CLI_CHANNEL,
            user_id=_local_user(),
            file_name=source.name,
            sha256=hashlib.sha256(source.read_bytes()).hexdigest(),
            transactions=export.transactions,
            summary=summary,
            data_dir=storage.data_dir(db_path),
            file_format=export.file_format,
        )
        run_id = storage.start_run(
            db,
            dataset_id=dataset_id,
            team_id=storage.CLI_TEAM,
            channel_id=storage.CLI_CHANNEL,
            trigger="cli",
            params={
                "k": result.k if result.k_forced else None,
                "as_of": result.as_of.isoformat(),
                "random_state": result.random_state,
            },
            requested_by=_local_user(),
        )
        timings = {"store_dataset": round(time.perf_counter() - started, 3)}
        storage.finish_run(db, run_id, summary=summary, customers=result.customers, timings=timings)
    print(f"Stored as run {run_id} in {db_path} (segbot show {run_id}).", file=sys.stderr)
    return run_id


def run_history(args: argparse.Namespace) -> int:
    """List stored runs, newest first."""
    path = db_path(args)
    if not path.exists():
        return _no_database(path)
    with storage.connect(path) as db:
        runs = storage.runs_for(db, storage.CLI_TEAM, storage.CLI_CHANNEL, limit=args.limit)
    if not runs:
        print(f"No runs stored in {path} yet. Store one with: segbot segment FILE --db {path}")
        return 0
    print(f"{'Run':>5}  {'When (UTC)':<19}  {'Status':<7} {'k':>3} {'Customers':>10}  File")
    for run in runs:
        k = "" if run["k"] is None else run["k"]
        customers = "" if run["customers"] is None else f"{run['customers']:,}"
        print(
            f"{run['id']:>5}  {run['created_at'][:19].replace('T', ' '):<19}  "
            f"{run['status']:<7} {k:>3} {customers:>10}  {run['file_name']}"
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print a stored run like `segbot segment` printed it."""
    path = db_path(args)
    if not path.exists():
        return _no_database(path)
    with storage.connect(path) as db:
        run = storage.run_for(
            db, args.run_id, team_id=storage.CLI_TEAM, channel_id=storage.CLI_CHANNEL
        )
    if run is None:
        return _no_run(args.run_id, path)
    if run["status"] != "done":
        print(f"Run {run['id']} is {run['status']}. {run['error'] or ''}".rstrip())
        return 1
    print(f"Run {run['id']}, {run['created_at'][:19].replace('T', ' ')} UTC\n")
    print(text_summary_from_dict(run["summary"]))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write a stored run's customers, with segment names, as spreadsheet-safe CSV."""
    path = db_path(args)
    if not path.exists():
        return _no_database(path)
    scope = {"team_id": storage.CLI_TEAM, "channel_id": storage.CLI_CHANNEL}
    with storage.connect(path) as db:
        run = storage.run_for(db, args.run_id, **scope)
        if run is None or run["status"] != "done":
            return _no_run(args.run_id, path)
        segments = storage.segments_for(db, args.run_id, **scope)
        customers = storage.assignments_for(db, args.run_id, **scope)
    names = {s["id"]: s["name"] for s in segments}
    text = customers_csv(customers, names, segment_ids=args.segment or None)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {text.count(chr(10)) - 1:,} customers to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _local_user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def _no_database(path: Path) -> int:
    print(
        f"segbot: there is no database at {path}; give one with --db or SEGBOT_DB.", file=sys.stderr
    )
    return 2


def _no_run(run_id: int, path: Path) -> int:
    print(
        f"segbot: there is no finished run {run_id} in {path}; see segbot history.", file=sys.stderr
    )
    return 2
