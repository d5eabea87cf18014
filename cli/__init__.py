"""The `segbot` command line: segment, sample, and (with a database) history/show/export."""

from __future__ import annotations

import argparse
import sys

from cli import segment, stored

# Each module adds its own subcommands to the one parser.
COMMAND_MODULES = (segment, stored)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered; each sets ``handler``."""
    parser = argparse.ArgumentParser(
        prog="segbot", description="Customer segments from a transaction export."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the subcommand; returns the exit code.

    A bad argument exits through argparse (code 2) before any subcommand runs.
    """
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
