"""`segbot sources`: what a sources file defines, and (``--check``) whether each can be read.

An operator runs it before starting the bot with a new sources file: every source is read
as a channel would read it (the engine's aggregate on the source's own backend, within its
timeout), and each answers in one line: its counts, or the sentence naming what to fix.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cli.args import UsageError
from segmentation.formatting import count


def register(commands: argparse._SubParsersAction) -> None:
    """Add `sources` to the CLI's subcommands."""
    parser = commands.add_parser("sources", help="list (and check) the sources of a sources file")
    parser.add_argument("path", help="the sources file (TOML), as given to SEGBOT_SOURCES")
    parser.add_argument(
        "--check", action="store_true", help="read each source now, as a channel would"
    )
    parser.add_argument("--name", help="only this source")
    parser.set_defaults(handler=run_sources)


def run_sources(args: argparse.Namespace) -> int:
    """One line per source (two with ``--check``); 1 when a checked source cannot be read."""
    from sources import SourceConfigError, SourceError, load_catalog, prepare_source

    try:  # the command line is an edge: passwords come from its environment
        catalog = load_catalog(Path(args.path), env=os.environ)
    except SourceConfigError as e:
        raise UsageError(str(e)) from None
    chosen = list(catalog.sources)
    if args.name is not None:
        chosen = [s for s in chosen if s.name == args.name]
        if not chosen:
            names = ", ".join(s.name for s in catalog.sources) or "none"
            raise UsageError(f"There is no source called '{args.name}' (sources: {names}).")
    failed = 0
    for source in chosen:
        channels = ", ".join(source.channels) or "every channel"
        print(f"{source.name}: {source.description} ({_where(source)}; {channels})")
        if not args.check:
            continue
        try:
            prepared = prepare_source(source, as_of=None, timeout_s=source.timeout_s)
        except SourceError as e:
            failed += 1
            print(f"  cannot be read: {e.operator or e}")  # the operator sees where and why
            continue
        audit = prepared.audit
        print(
            f"  read: {count(audit.rows_read, 'line')}, {count(audit.rows_kept, 'purchase')}, "
            f"{count(len(prepared.customers), 'customer')}; newest transaction "
            f"{audit.last_purchase:%Y-%m-%d}"
        )
    return 1 if failed else 0


def _where(source) -> str:
    """Where the source's data are, for the operator (channels see only its description): the
    table or query and the database's host, or the files' path or host."""
    from urllib.parse import urlsplit

    if source.kind == "database":
        host = urlsplit(source.url).hostname or "a local database"
        return f"{f'table {source.table}' if source.table else 'a query'} on {host}"
    if source.path:
        return f"files at {source.path}"
    return f"files from {urlsplit(source.url).hostname}"  # never the path: it may be signed
