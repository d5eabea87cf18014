"""The `segbot` command line: segment, sample, and (with a database) history/show/export."""

from __future__ import annotations

import argparse
import sys

from bot.cli import segment_commands, store_commands

# Each module adds its subcommands; a module may be missing its optional parts.
COMMAND_MODULES = [segment_commands, store_commands]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="segbot", description="Customer segments from a transaction export."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
