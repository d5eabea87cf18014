"""A files source at a pre-signed URL: its signature, key id and tokens stay in the sources file.

The bot reads the source through a real HTTP server on 127.0.0.1 (the export, a refusal, a
sign-in page instead of a CSV) and answers in the channel; then no Slack call, no log record of
the bot or of the source reader, no row of the SQLite file and no file under the data folder
holds any part of the URL's query.
"""

from __future__ import annotations

import http.server
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import create_bot
from bot.http import serve_in_thread
from bot.jobs.queue import JobQueue
from localslack import LocalSlack
from segmentation.sample import sample_export
from sources import SourceError, load_catalog, prepare_source
from tests.bot.conftest import settings_for
from tests.bot.helpers import say, wait_results
from tests.http_serving import serving

SECRETS = (
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # X-Amz-Signature
    "AKIAIOSFODNN7EXAMPLE",  # the key id inside X-Amz-Credential
    "c2lnLXZhbHVlLTQy",  # sig=
    "tok-7d1e2f",  # token=
    "svc@proj.iam.gserviceaccount.com",  # GoogleAccessId
)
QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101%2Fus"
    f"&X-Amz-Signature={SECRETS[0]}&sig={SECRETS[2]}&token={SECRETS[3]}"
    "&GoogleAccessId=svc%40proj.iam.gserviceaccount.com&Signature=c2lnLXZhbHVlLTQy"
)
CASES = {
    "export": None,
    "refused": (
        "I couldn't segment `feed`: The file of source 'feed' could not be fetched (HTTP 403): "
        "check its url in the sources file."
    ),
    "sign-in page": "I couldn't segment `feed`: ",
}


@pytest.fixture
def origin() -> Iterator[str]:
    frame, _ = sample_export(rows=3000, seed=5)
    export = frame.to_csv(index=False).encode()  # ISO dates, as a warehouse exports them

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, body = {
                "/export.csv": (200, export),
                "/refused.csv": (403, b"<Error>SignatureDoesNotMatch</Error>"),
            }.get(self.path.split("?")[0], (200, b"<!doctype html><title>Sign in</title>"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as served:
        yield served


def _sources(folder: Path, origin: str, path: str) -> Path:
    file = folder / "segbot-sources.toml"
    file.write_text(
        f'[sources.feed]\nurl = "{origin}/{path}?{QUERY}"\nallowed_hosts = ["127.0.0.1"]\n'
    )
    return file


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.mark.parametrize("case", list(CASES))
def test_a_signed_url_is_never_shown_logged_or_stored(
    case: str, tmp_path: Path, origin: str, jobs: JobQueue, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    path = {"export": "export.csv", "refused": "refused.csv"}.get(case, "login.csv")
    sources_path = _sources(tmp_path, origin, path)
    with LocalSlack() as slack:
        user = slack.add_user("ana")
        channel = slack.add_channel("marketing", members=[user])
        settings = settings_for(slack, tmp_path, sources_path=sources_path)
        bot = create_bot(settings, jobs=jobs, sources=load_catalog(sources_path))
        server, thread = serve_in_thread(bot.app)
        slack.app_url = f"http://127.0.0.1:{server.server_port}/slack/events"
        try:
            listed = say(slack, "source", channel=channel, user=user)
            assert "• `feed`: files fetched over https" in listed
            say(slack, "source use feed", channel=channel, user=user)
            assert slack.send_command("run", channel_id=channel, user_id=user).status == 200
            if CASES[case] is None:
                (results,) = wait_results(slack, channel, timeout=120)
                assert "Segments from source feed" in results["text"]
            else:
                said = slack.wait_for(
                    "chat.update", timeout=120, where=lambda c: "I couldn't" in str(c.body)
                )[-1]
                assert said.body["text"].startswith(CASES[case])
            sent = json.dumps([c.body for c in slack.calls()], default=str)
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
            bot.close()
    assert _leaks(sent) == []
    assert _leaks(caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)) == []
    with sqlite3.connect(settings.db_path) as db:
        assert _leaks("\n".join(db.iterdump())) == []
    stored = [p for p in Path(settings.data_dir).rglob("*") if p.is_file()]
    assert _leaks(" ".join(str(p) for p in stored)) == []
    assert all(_leaks(p.read_bytes().decode("latin-1")) == [] for p in stored)


def test_a_driver_message_quoting_the_url_is_scrubbed(tmp_path: Path, caplog) -> None:
    """A URL nobody listens on: the operator's sentence and the log name the host, never the
    query (the reader's own messages pass through ``scrub`` with the query's parts)."""
    caplog.set_level(logging.DEBUG)
    source = load_catalog(_sources(tmp_path, "http://127.0.0.1:9", "export.csv")).get("feed")
    assert all(any(part in secret for secret in source.secrets) for part in SECRETS)
    with pytest.raises(SourceError) as e:
        prepare_source(source, as_of=None, timeout_s=5)
    told = f"{e.value} {e.value.operator} {caplog.text}"
    assert "127.0.0.1" not in str(e.value)
    assert _leaks(told) == []
