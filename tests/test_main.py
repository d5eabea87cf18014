"""`python -m bot` with no Slack settings, as `make run` starts it: a tidy console and a clean stop.

The real process in a temporary folder on a free port: its first line is the page's address
(no library INFO lines before it), and SIGTERM to it, or Ctrl-C to its process group as a
terminal sends, ends it with code 0, no traceback and no "leaked semaphore objects" from
multiprocessing's resource tracker.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading

import pytest

from bot.settings import SLACK_VARIABLES

STARTUP_SECONDS = 120  # generous: the suite runs beside other busy processes
STOP_SECONDS = 120  # a stop waits for the worker's warm-up, if it is still running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """``python -m bot`` in its own process group, its stdout lines and stderr read as they come."""

    def __init__(self, cwd) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SEGBOT_"))}
        # Blank Slack variables: a .env found above the working folder cannot fill them in.
        env.update(dict.fromkeys(SLACK_VARIABLES, ""), PORT=str(free_port()), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue = queue.Queue()
        self.errors: list[str] = []
        self.readers = [
            threading.Thread(target=self._read_out, daemon=True),
            threading.Thread(target=self._read_err, daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _read_out(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_err(self) -> None:
        # Until every holder of the pipe is gone: the resource tracker, which outlives the bot
        # a moment, writes its "leaked semaphore" warning here.
        self.errors.extend(self.process.stderr)

    def stop(self, how: str) -> int:
        """Signal as ``how`` says; the exit code, once the process group's output has ended."""
        if how == "SIGTERM":
            self.process.send_signal(signal.SIGTERM)
        else:  # Ctrl-C: the terminal signals the whole foreground process group
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
            for reader in self.readers:
                reader.join(timeout=30)
        finally:
            self.kill()
        return self.process.returncode

    def kill(self) -> None:
        """Kill whatever of the bot's process group is left (nothing, after a clean stop)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_url_first_then_a_clean_stop(tmp_path, how):
    bot = Bot(tmp_path)
    try:
        first = bot.lines.get(timeout=STARTUP_SECONDS)
    except queue.Empty:
        bot.kill()
        pytest.fail("python -m bot printed nothing within the start-up time")
    assert first is not None and first.startswith("segbot local workspace: http://127.0.0.1:"), (
        first,
        bot.errors,
    )
    # The hints follow the URL; stop only once they are all out ("Press Ctrl-C to stop." is the
    # last), so the stop cannot race them.
    printed = []
    while not (printed and printed[-1].startswith("Press Ctrl-C")):
        printed.append(bot.lines.get(timeout=STARTUP_SECONDS))
    code = bot.stop(how)
    errors = "".join(bot.errors)
    while (line := bot.lines.get(timeout=30)) is not None:  # the group is gone: output ends
        printed.append(line)
    assert code == 0, errors
    assert "Traceback" not in errors and "leaked semaphore" not in errors, errors
    assert "apscheduler" not in errors.lower(), errors  # library INFO lines stay off the console
    assert any(line.startswith("To use real Slack") for line in printed), printed
    assert "segbot local workspace stopped." in "".join(printed), printed
