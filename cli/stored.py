"""`segbot history`, `segbot show RUN_ID`, `segbot export RUN_ID`, and storing `segbot segment --db` runs.

The command line keeps its runs under ``storage.CLI_SCOPE`` (workspace "cli", channel
"local"), so a database shared with the bot never mixes them with a Slack channel's runs.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.args import UsageError, check_output_file, positive, shown

if TYPE_CHECKING:
    from segmentation.load import Export
    from segmentation.result import SegmentationResult
    from segmentation.summary import RunParams, RunSummary

# storage.DEFAULT_DB_PATH, written out so that `segbot segment` starts without loading the
# database layer (tests/cli/test_cli_errors.py checks the two agree); storage is imported
# inside the functions that use it.
DEFAULT_DB = "segbot.db"


def register(commands: argparse._SubParsersAction) -> None:
    """Add `history`, `show` and `export` to the CLI's subcommands (each takes --db)."""
    history = commands.add_parser("history", help="list the runs stored in the database")
    history.add_argument("--limit", type=positive, default=20, help="how many runs (default 20)")
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
            "--db",
            help=f"segbot database (default: $SEGBOT_DB, else ./{DEFAULT_DB})",
        )


def database_path(given: str | None) -> Path:
    """--db, else $SEGBOT_DB, else ``storage.DEFAULT_DB_PATH``.

    The one place the command line reads the environment.
    """
    path = Path(given or os.environ.get("SEGBOT_DB") or DEFAULT_DB)
    if path.is_dir():
        raise UsageError(f"the database {shown(path)} is a folder; give a segbot database file.")
    return path


def store_run(
    db_path: Path, source: Path, export: Export, result: SegmentationResult, params: RunParams
) -> int:
    """Store a `segbot segment --db` run (dataset, then the finished run); returns the run id.

    ``params`` is what the run was asked for. The same file stored twice is one dataset
    with two runs. Prints where the run went on stderr, so stdout stays the summary.
    """
    import storage
    from workflows.runs import Where
    from workflows.segmenting import store_segmented

    where = Where(
        scope=storage.CLI_SCOPE, user_id=_local_user(), db_path=db_path,
        data_dir=storage.data_dir(db_path),
    )  # fmt: skip
    outcome = store_segmented(where, export, result, params=params, trigger="cli", draw=False)
    print(
        f"Stored as run {outcome.run_id} in {db_path} (segbot show {outcome.run_id}).",
        file=sys.stderr,
    )
    return outcome.run_id


def add_run(db_path: Path, export: Export) -> RunSummary:
    """Add ``export``'s new lines to the command line's stored data (its first data when it
    has none) and segment the whole, as *Add* does in Slack; returns the run's summary."""
    import storage
    from workflows.appends import AlreadyStored, AppendQuestion
    from workflows.runs import Where
    from workflows.segmenting import segment_chosen, segment_upload

    where = Where(
        scope=storage.CLI_SCOPE, user_id=_local_user(), db_path=db_path,
        data_dir=storage.data_dir(db_path),
    )  # fmt: skip
    outcome = segment_upload(where, export)
    if isinstance(outcome, AlreadyStored):
        raise UsageError(f"{shown(export.record.file_name)}'s lines are stored already.")
    if isinstance(outcome, AppendQuestion):
        outcome = segment_chosen(where, outcome.append_id, "add")
    print(
        f"Stored as run {outcome.run_id} in {db_path} (segbot show {outcome.run_id}).",
        file=sys.stderr,
    )
    return outcome.summary


def run_history(args: argparse.Namespace) -> int:
    """List the CLI's stored runs, newest first; 2 when there is no database."""
    import storage
    from segmentation.formatting import utc_label

    path = database_path(args.db)
    if not path.exists():
        return _no_database(path)
    with storage.connect(path) as db:
        runs = storage.runs_for(db, storage.CLI_SCOPE, limit=args.limit)
    if not runs:
        print(f"No runs stored in {path} yet. Store one with: segbot segment FILE --db {path}")
        return 0
    print(f"{'Run':>5}  {'When (UTC)':<20}  {'Status':<7} {'k':>3} {'Customers':>10}  File")
    for run in runs:
        k = "" if run.k is None else run.k
        customers = "" if run.customers is None else f"{run.customers:,}"
        print(
            f"{run.id:>5}  {utc_label(run.created_at):<20}  "
            f"{run.status:<7} {k:>3} {customers:>10}  {run.file_name}"
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print a stored run's summary as `segbot segment` printed it.

    Returns 1 for a run that did not finish (with its status and error), 2 when there is
    no database or no such run.
    """
    import storage
    from cli.text import text_summary
    from segmentation.formatting import utc_label

    path = database_path(args.db)
    if not path.exists():
        return _no_database(path)
    with storage.connect(path) as db:
        run = storage.run_for(db, args.run_id, storage.CLI_SCOPE)
    if run is None:
        return _no_run(args.run_id, path)
    if run.status != "done" or run.summary is None:
        print(f"Run {run.id} is {run.status}. {run.error or ''}".rstrip())
        return 1
    print(f"Run {run.id}, {utc_label(run.created_at)}\n")
    print(text_summary(run.summary))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write a finished run's customers, with segment names, as spreadsheet-safe CSV.

    To --output (count on stderr) or stdout; 2 when there is no database or no finished run.
    """
    import storage
    from segmentation.report import customers_csv  # its module draws charts too: not at start

    path = database_path(args.db)
    if args.output:
        check_output_file(Path(args.output), "the customers")
    if not path.exists():
        return _no_database(path)
    with storage.connect(path) as db:
        run = storage.run_for(db, args.run_id, storage.CLI_SCOPE)
        if run is None or run.status != "done":
            return _no_run(args.run_id, path)
        segments = storage.segments_for(db, args.run_id, storage.CLI_SCOPE)
        customers = storage.assignments_for(db, args.run_id, storage.CLI_SCOPE)
    names = {s.id: s.name for s in segments}
    text = customers_csv(customers, names, segment_ids=args.segment or None)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(
            f"Wrote {text.count(chr(10)) - 1:,} customers to {shown(args.output)}", file=sys.stderr
        )
    else:
        sys.stdout.write(text)
    return 0


def _local_user() -> str | None:
    # A run records who asked for it; some containers have no user name to give.
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
