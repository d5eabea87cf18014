"""Kill -9 in the middle of a job: the bot process, its process group, a worker.

The bot runs as a real process (``create_bot`` and the HTTP server, as ``python -m bot`` does
minus the worker warm-up) against a LocalSlack in this test and is killed with SIGKILL
while it segments the real export (44 MB, 541,909 lines: slow enough to be killed mid-job;
the 10x file would make each re-share take tens of seconds). After each kill the bot is
started again on the same SQLite file. Every thread must say what happened, every file must
segment when shared again, and the database must pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from localslack import LocalSlack
from tests.bot.helpers import thread_texts, wait_results

ROOT = Path(__file__).resolve().parents[2]
# ``python -m bot`` in HTTP mode, without warming the worker first (the first job starts it).
RUNNER = """
import os
from bot.app import create_bot
from bot.http import serve
from bot.settings import Settings

settings = Settings.from_env(os.environ)
server = serve(create_bot(settings).app, host="127.0.0.1", port=settings.port)
server.serve_forever()
"""
INTERRUPTED = "I was stopped (a restart or a crash) before I finished"
CRASHED = "stopped before it finished"


class BotProcess:
    """The bot in HTTP mode on a free port, in a session (process group) of its own."""

    def __init__(self, slack: LocalSlack, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SEGBOT_"))}
        env |= {
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": slack.signing_secret,
            "SLACK_API_URL": slack.api_url,
            "SEGBOT_FILE_HOSTS": "127.0.0.1",
            "SEGBOT_DB": str(folder / "segbot.db"),
            "SEGBOT_DATA_DIR": str(folder / "segbot-data"),
            "PORT": str(port),
        }
        self.log = open(folder / f"bot-{port}.log", "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER], cwd=folder, env=env, start_new_session=True,
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, (folder / f"bot-{port}.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the bot did not start within 60 s"
                time.sleep(0.05)
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def workers(self) -> list[int]:
        """The worker processes: children of the forkserver the bot started."""
        return [p for child in children(self.pid) for p in children(child)]

    def kill(self, *, group: bool = False) -> None:
        (os.killpg if group else os.kill)(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        """Kill the group if still running (after a failed assertion, say)."""
        if self.proc.poll() is None:
            self.kill(group=True)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def share_and_wait(slack: LocalSlack, channel: str, user: str, name: str, data: bytes) -> dict:
    """Share ``name`` and return once its job is cleaning the export (mid-job)."""
    shared = slack.share_file(channel_id=channel, user_id=user, name=name, content=data)
    slack.wait_for(
        "chat.update",
        where=lambda c: (
            c.body["text"].startswith(("Cleaning", "Finding")) and name in c.body["text"]
        ),
        timeout=60,
    )
    return shared


def share_again(slack: LocalSlack, channel: str, user: str, file_id: str) -> str:
    """The same file (same id) shared again in the channel; the new message's ts."""
    posted = slack.workspace.post(channel, {"user": user, "text": "", "files": [{"id": file_id}]})
    event = {
        "type": "message", "subtype": "file_share", "channel": channel, "user": user,
        "ts": posted["ts"], "files": [slack.file_info(file_id)],
    }  # fmt: skip
    assert slack.send_event(event).status == 200
    return posted["ts"]


def unfinished_jobs(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT name, state FROM jobs WHERE state NOT IN ('done', 'failed')"
        ).fetchall()


def wait_told(slack: LocalSlack, channel: str, ts: str, words: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while not any(words in text for text in thread_texts(slack, channel, ts)):
        assert time.monotonic() < deadline, thread_texts(slack, channel, ts)
        time.sleep(0.05)
    return next(text for text in thread_texts(slack, channel, ts) if words in text)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_bot_group_and_worker_leaves_no_one_untold(tmp_path: Path, real_csv: bytes):
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        bots = [BotProcess(slack, tmp_path)]
        try:
            told = kill_three_ways(slack, channel, user, bots, tmp_path, real_csv)
        finally:
            for bot in bots:
                bot.stop()
    assert len(told) == 3  # 3 of 3 users told in their thread
    db = sqlite3.connect(tmp_path / "segbot.db")
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone() == (0,)
    states = dict(db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
    assert states == {"failed": 3, "done": 3}
    assert not list((tmp_path / "segbot-data").rglob("*.part"))


def kill_three_ways(
    slack: LocalSlack, channel: str, user: str, bots: list, folder: Path, data: bytes
) -> list[str]:
    """Kill -9 the bot, then its group, then a worker, each mid-job; what each thread was told."""
    told = []
    # 1. kill -9 of the bot process alone: its worker must not live on.
    a = share_and_wait(slack, channel, user, "a.csv", data)
    workers = bots[-1].workers()
    assert workers
    bots[-1].kill()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the bot"
        time.sleep(0.05)
    bots.append(BotProcess(slack, folder))
    told.append(wait_told(slack, channel, a["ts"], INTERRUPTED))

    # 2. kill -9 of the whole process group (bot, forkserver, worker).
    b = share_and_wait(slack, channel, user, "b.csv", data)
    bots[-1].kill(group=True)
    bots.append(BotProcess(slack, folder))
    told.append(wait_told(slack, channel, b["ts"], INTERRUPTED))

    # 3. kill -9 of the worker: the bot lives on and says what happened.
    c = share_and_wait(slack, channel, user, "c.csv", data)
    for pid in bots[-1].workers():
        os.kill(pid, signal.SIGKILL)
    told.append(wait_told(slack, channel, c["ts"], CRASHED))
    assert "(SIGKILL)" in told[-1] and "out of memory" not in told[-1]

    # Shared again, the file segments; the same bytes shared again after it change nothing, and
    # their threads say so (two running at once may both segment: nothing was stored yet).
    again = [share_again(slack, channel, user, s["file"]["id"]) for s in (a, b, c)]
    results = wait_results(slack, channel, count=1, timeout=120)
    deadline = time.monotonic() + 120
    while unfinished_jobs(folder / "segbot.db"):  # the job ends just after "Done" is shown
        assert time.monotonic() < deadline, unfinished_jobs(folder / "segbot.db")
        time.sleep(0.05)
    results = wait_results(slack, channel, count=len(results))
    segmented = {r["thread_ts"] for r in results}
    for ts in set(again) - segmented:
        said = " ".join(m.get("text", "") for m in slack.messages(channel, thread_ts=ts))
        assert "has the same contents as the file stored here as" in said, said
    assert segmented <= set(again) and segmented
    return told
