"""``python -m bot``: read settings once (environment, then ``.env``) and run the bot.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT at ``/slack/events``.
A partial or malformed configuration exits at once with one line naming the variable.
"""

from __future__ import annotations

import logging
import os
import sys

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


def run_local() -> int:
    """No Slack settings at all: the local workspace (issue 7) when present, else how to set up."""
    try:
        from bot.localslack.run import main as local_main  # type: ignore[attr-defined]
    except ImportError:
        print(NO_SETTINGS, file=sys.stderr)
        return 2
    return local_main() or 0


if __name__ == "__main__":
    sys.exit(main())
