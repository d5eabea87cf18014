"""A stand-in for segbot: a tiny real Bolt app with the same Slack surfaces, served by wsgiref.

Used where the test is about the local Slack rather than the bot (API routes, rendering).
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from localslack import LocalSlack

# A 1x1 PNG: what a chart upload looks like to the workspace.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def toy_bot(local: LocalSlack) -> App:
    """A stand-in for segbot with the same surfaces: command, uploads, button, select."""
    app = App(
        client=WebClient(token=local.bot_token, base_url=local.api_url),
        signing_secret=local.signing_secret,
    )
    _answer_commands_and_messages(app)
    _answer_clicks(app)
    return app


def _results_blocks(file_name: str) -> list[dict]:
    """A results message in miniature: a title, an Export CSV button and a segment select."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Segments* of {file_name}"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "export_csv",
                    "text": {"type": "plain_text", "text": "Export CSV"},
                    "value": "run-1",
                },
                {
                    "type": "static_select",
                    "action_id": "pick_segment",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Loyal"}, "value": "loyal"}
                    ],
                },
            ],
        },
    ]


def _answer_commands_and_messages(app: App) -> None:
    """``/segment`` answers with help; a shared file gets results and a chart in its thread."""

    @app.command("/segment")
    def segment(ack, respond, command):
        ack()
        respond(
            text="segbot help",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*How to use segbot*"}}],
        )

    @app.event({"type": "message", "subtype": "file_share"})
    def file_share(event, client):
        f = event["files"][0]
        ts = event["ts"]
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=ts,
            text="Segments",
            blocks=_results_blocks(f["name"]),
        )
        client.files_upload_v2(
            channel=event["channel"], thread_ts=ts, filename="chart.png", content=PNG
        )

    @app.event("file_shared")
    def file_shared():
        pass

    @app.event("message")
    def message(event, say):
        if event.get("text") == "hello":
            say(text="hi there", thread_ts=event["ts"])


def _answer_clicks(app: App) -> None:
    """Export CSV uploads a file in the thread; the select answers through its response_url."""

    @app.action("export_csv")
    def export_csv(ack, body, client):
        ack()
        thread = body["message"].get("thread_ts") or body["message"]["ts"]
        client.files_upload_v2(
            channel=body["channel"]["id"],
            thread_ts=thread,
            filename="segments.csv",
            content=f"customer,segment\n1,{body['actions'][0]['value']}\n".encode(),
        )

    @app.action("pick_segment")
    def pick_segment(ack, body, respond):
        ack()
        picked = body["actions"][0]["selected_option"]["value"]
        respond(text=f"You picked {picked}", replace_original=False)


@dataclass
class ServedBot:
    """A Bolt app behind wsgiref: the ``.url`` and ``.close()`` ``make_bot`` may return."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def serve(app: App) -> ServedBot:
    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return ServedBot(server, thread)
