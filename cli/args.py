"""What the command line accepts: argparse types and the checks made before any work starts.

Every wrong use ends as one line ``segbot: …`` on stderr and exit code 2: argparse's own
errors through ``Parser.error``, the rest as ``UsageError`` raised here and caught in
``cli.main``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from segmentation.choices import K_MAX, K_MIN, K_RANGE

SAMPLE_SUFFIXES = (".csv", ".xlsx", ".parquet")


class UsageError(Exception):
    """A wrong use of the command line, worded for the person who typed it."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``segbot: <what is wrong> (see segbot … --help)``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"segbot: {message.rstrip('.')} (see {self.prog} --help)\n")


def parse_k(text: str) -> int:
    """argparse type for --k: a whole number from K_MIN to K_MAX (the range Slack offers).

    ASCII digits only, as in Slack's ``k=``: "²" passes ``isdigit`` but not ``int``.
    """
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 3) or int(value) not in K_RANGE:
        shown = text if len(text) <= 20 else text[:19] + "…"
        raise argparse.ArgumentTypeError(
            f"'{shown}' won't work: k is the number of segments, "
            f"a whole number from {K_MIN} to {K_MAX}."
        )
    return int(value)


def parse_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2011-12-10") from exc


def positive(text: str) -> int:
    """argparse type for a count: a whole number of at least 1."""
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 12) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(value)


def seed(text: str) -> int:
    """argparse type for --seed: a random state, 0 to 2**32 - 1 (what scikit-learn accepts)."""
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 10) or int(value) >= 2**32:
        raise argparse.ArgumentTypeError(f"'{text}' is not a seed: use a whole number from 0")
    return int(value)


def sample_path(text: str) -> str:
    """argparse type for `segbot sample`'s output: a file name ending as a format it writes."""
    if not text.lower().endswith(SAMPLE_SUFFIXES):
        raise argparse.ArgumentTypeError(
            f"'{text}' must end in {', '.join(SAMPLE_SUFFIXES[:-1])} or {SAMPLE_SUFFIXES[-1]}"
        )
    return text


def check_output_file(path: Path, what: str) -> None:
    """A file can be written at ``path``: its folder exists and it is not itself a folder."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"{shown(path)} is a folder; give a file name for {what}.")
    if not folder.is_dir():
        reason = "is a file, not a folder" if folder.exists() else "does not exist"
        raise UsageError(
            f"can't write {what} to {shown(path)}: the folder {shown(folder)} {reason}."
        )


def check_output_folder(path: Path) -> None:
    """--out can become a folder: it is one already, or its nearest existing parent is."""
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None or existing.is_dir():
        return
    if existing == path:
        raise UsageError(f"--out {shown(path)} is a file; give a folder (it is made if needed).")
    raise UsageError(f"--out {shown(path)} can't be made: {shown(existing)} is a file.")


def shown(path: Path | str) -> str:
    """A path as the user wrote it, tidied: no doubled or trailing slashes, no ``./``."""
    return os.path.normpath(path)


def os_error(exc: OSError) -> str:
    """An OSError as one sentence: "<file>: <reason>"."""
    reason = exc.strerror or str(exc)
    return f"{shown(exc.filename)}: {reason}" if exc.filename else reason


def quiet_stdout() -> None:
    """After a reader closed the pipe (``segbot … | head``): send what is left nowhere, so
    Python's exit flush does not report the broken pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced, e.g. under pytest
        pass
