"""``python -m bot``: read settings once (environment, then ``.env``) and run the bot.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT at ``/slack/events``.
A partial or malformed configuration exits at once with one line naming the variable.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from dotenv import load_dotenv

from bot.settings import Settings, SettingsError

NO_SETTINGS = (
    "segbot: no Slack settings found. Set SLACK_BOT_TOKEN and either SLACK_APP_TOKEN (Socket Mode) "
    "or SLACK_SIGNING_SECRET (HTTP mode), in the environment or a .env file (see .env.example)."
)


def main() -> int:
    load_dotenv(override=False)  # real environment variables win over .env
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as e:
        print(f"segbot: {e}", file=sys.stderr)
        return 2
    if settings is None:
        return run_local()
    from bot.app import create_bot

    bot = create_bot(settings)
    bot.jobs.warm_up()
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            logging.getLogger("segbot").info("connecting to Slack in Socket Mode")
            SocketModeHandler(bot.app, settings.app_token).start()
        else:
            from bot.http import serve

            server = serve(bot.app, host="0.0.0.0", port=settings.port)
            logging.getLogger("segbot").info("listening on :%s/slack/events", settings.port)
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    return 0


class _LocalBot:
    """The real bot served for the local workspace: its events URL and a way to stop it."""

    def __init__(self, local: object) -> None:
        from bot.app import create_bot
        from bot.http import serve_in_thread

        settings = Settings(
            bot_token=local.bot_token,  # type: ignore[attr-defined]
            signing_secret=local.signing_secret,  # type: ignore[attr-defined]
            api_url=local.api_url,  # type: ignore[attr-defined]
            file_hosts=("127.0.0.1",),
            db_path=Path("segbot-local.db"),
            data_dir=Path("segbot-local-data"),
        )
        self.bot = create_bot(settings)
        # Warm the worker in the background: the page is up at once, the first upload is quick.
        threading.Thread(target=self.bot.jobs.warm_up, name="segbot-warm-up", daemon=True).start()
        self.server, self.thread = serve_in_thread(self.bot.app)
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.bot.close()


def _sample_export() -> tuple[str, bytes]:
    from segmentation.sample import sample_export

    frame, _ = sample_export()
    return "sample-orders.csv", frame.to_csv(index=False).encode()


def run_local() -> int:
    """No Slack settings at all: the local workspace in the browser (no Slack account needed)."""
    try:
        from localslack.run import run_local_workspace
    except ImportError:
        print(NO_SETTINGS, file=sys.stderr)
        return 2
    print("segbot: no Slack settings found, starting the local workspace instead.", file=sys.stderr)
    print(
        NO_SETTINGS.replace("segbot: no Slack settings found. ", "To use real Slack: "),
        file=sys.stderr,
    )
    run_local_workspace(
        _LocalBot, sample_export=_sample_export, state_dir=Path("segbot-local-slack")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
