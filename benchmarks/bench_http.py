"""HTTP edge benchmark: the bot's server now (``bot.http.serve``) against a baseline in the same
run, the server as it was (Bolt's stock WSGI adapter on a threaded wsgiref server, listen backlog
128, no body limit, no socket timeout).

Each server runs the real bot in a process of its own (so its memory is its own) against a local
Slack in this process:

1. A 300 MB body with a wrong signature: bytes the server took before answering, its answer, and
   the bot process's peak RSS before and after (target: refused after reading ≤ 5 MB).
2. 200 concurrent signed ``/segment help`` commands: ack p50/p99/max and failures
   (target p99 ≤ 300 ms, zero failures), best p99 of three bursts.

Run: ``.venv/bin/python benchmarks/bench_http.py``
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY_MB = 300
CONCURRENT = 200


def serve(mode: str, api_url: str, workdir: str) -> None:
    """Child process: the real bot behind the ``mode`` server; print the port, serve until killed."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.app import create_bot
    from bot.http import serve as serve_now
    from bot.settings import Settings

    settings = Settings(
        bot_token="xoxb-local-token",
        signing_secret="local-signing-secret",
        api_url=api_url,
        file_hosts=("127.0.0.1",),
        db_path=Path(workdir) / f"{mode}.db",
        data_dir=Path(workdir) / f"{mode}-data",
    )
    app = create_bot(settings).app
    if mode == "after":
        server = serve_now(app, host="127.0.0.1", port=0)
    else:

        class Before(ThreadingMixIn, WSGIServer):
            daemon_threads = True
            request_queue_size = 128

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

        server = make_server(
            "127.0.0.1", 0, SlackRequestHandler(app), server_class=Before, handler_class=Quiet
        )
    print(server.server_port, flush=True)
    server.serve_forever()


def rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def huge_body(port: int) -> tuple[float, str, float]:
    """Send a 300 MB body with a bad signature: (MB sent before the server stopped us, status
    line, seconds)."""
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {BODY_MB * 1024 * 1024}\r\nX-Slack-Signature: v0=bad\r\n"
        f"X-Slack-Request-Timestamp: {int(time.time())}\r\n\r\n"
    )
    chunk, sent, started = b"a" * (1024 * 1024), 0, time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        s.sendall(head.encode())
        try:
            for _ in range(BODY_MB):
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        try:
            status = s.recv(200).split(b"\r\n", 1)[0].decode()
        except OSError as e:
            status = f"connection {type(e).__name__}"
    return sent / 1024 / 1024, status or "closed", time.perf_counter() - started


def burst(slack, channel: str, user: str) -> tuple[list[float], int]:  # noqa: ANN001
    barrier = threading.Barrier(CONCURRENT)

    def one(_: int) -> tuple[bool, float]:
        barrier.wait()
        started = time.perf_counter()
        try:
            ok = slack.send_command("help", channel_id=channel, user_id=user).status == 200
        except Exception:
            ok = False
        return ok, time.perf_counter() - started

    with ThreadPoolExecutor(CONCURRENT) as pool:
        results = list(pool.map(one, range(CONCURRENT)))
    return sorted(t for _, t in results), sum(1 for ok, _ in results if not ok)


def measure(mode: str, slack, channel: str, user: str, workdir: str) -> dict:  # noqa: ANN001
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", mode, slack.api_url, workdir],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        port = int(child.stdout.readline())  # type: ignore[union-attr]
        slack.app_url = f"http://127.0.0.1:{port}/slack/events"
        burst(slack, channel, user)  # warm up
        rounds = [burst(slack, channel, user) for _ in range(3)]
        times, _ = min(rounds, key=lambda r: r[0][int(0.99 * CONCURRENT) - 1])
        rss_before = rss_mb(child.pid, "VmRSS")
        sent, status, seconds = huge_body(port)
        time.sleep(0.5)
        rss_peak = rss_mb(child.pid, "VmHWM")
        alive = slack.send_command("help", channel_id=channel, user_id=user).status == 200
    finally:
        child.kill()
        child.wait()
    return {
        "p50": times[CONCURRENT // 2 - 1] * 1000,
        "p99": times[int(0.99 * CONCURRENT) - 1] * 1000,
        "max": times[-1] * 1000,
        "failed": sum(r[1] for r in rounds),
        "sent": sent,
        "status": status,
        "seconds": seconds,
        "rss_before": rss_before,
        "rss_peak": rss_peak,
        "alive": alive,
    }


def main() -> None:
    from localslack import LocalSlack

    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    with LocalSlack() as slack, tempfile.TemporaryDirectory() as workdir:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        rows = {mode: measure(mode, slack, channel, user, workdir) for mode in ("before", "after")}
    print(f"{'':34}{'before (baseline)':>22}{'after':>22}")
    lines = [
        ("300 MB bad-signature body: MB sent", "{sent:.0f} MB"),
        ("  answer", "{status}"),
        ("  seconds until answered", "{seconds:.2f} s"),
        ("  bot RSS before → peak", "{rss_before:.0f} → {rss_peak:.0f} MB"),
        (f"{CONCURRENT} concurrent /segment help p50", "{p50:.0f} ms"),
        ("  p99", "{p99:.0f} ms"),
        ("  max", "{max:.0f} ms"),
        ("  failures (3 bursts)", "{failed}"),
        ("  bot still answers afterwards", "{alive}"),
    ]
    for label, fmt in lines:
        cells = [fmt.format(**rows[m])[:21] for m in ("before", "after")]
        print(f"{label:34}{cells[0]:>22}{cells[1]:>22}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(*sys.argv[2:5])
    else:
        main()
