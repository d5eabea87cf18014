"""``python -m bot``: read settings once (environment, then ``.env``) and run the bot.

Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT at ``/slack/events``; with no
Slack settings at all, the local workspace in the browser (on PORT too, default 3000).
A partial or malformed configuration exits at once with one line naming the variable.
Ctrl-C and SIGTERM stop it the same way: the server, the scheduler, then the worker processes.
Libraries log warnings only, so the console shows segbot's own lines.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from bot.settings import Settings, SettingsError, sources_path_from

if TYPE_CHECKING:
    from sources import Catalog

NO_SETTINGS = (
    "segbot: no Slack settings found. Set SLACK_BOT_TOKEN and either SLACK_APP_TOKEN (Socket Mode) "
    "or SLACK_SIGNING_SECRET (HTTP mode), in the environment or a .env file (see .env.example)."
)


# Their INFO lines (APScheduler's "Adding job tentatively", Bolt's and the SDK's chatter) are
# noise on segbot's console; their warnings and errors still show.
QUIET_LIBRARIES = ("apscheduler", "slack_bolt", "slack_sdk", "urllib3", "matplotlib", "PIL")


def configure_logging() -> None:
    """segbot's INFO lines with a timestamp; libraries from WARNING up."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def stop_on_sigterm() -> None:
    """SIGTERM (``kill``, a container stop) ends the bot the way Ctrl-C does: KeyboardInterrupt
    in the main thread, so every ``finally`` closes what it opened. A second SIGTERM during
    that shutdown is ignored rather than cutting it short."""

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def start_workers_deaf() -> None:
    """Start multiprocessing's fork server (every worker is forked from it) with SIGINT
    ignored, as the workers then are too (an ignored signal survives exec and fork).

    Ctrl-C in a terminal signals the whole process group: a worker or the fork server would
    die mid-import with a traceback, and the pool would break under the bot. The bot alone
    handles Ctrl-C and stops them in order; a worker still never outlives the bot
    (``bot.jobs.lifeline``). SIGTERM stays theirs: the pool terminates broken workers with it.
    Call from the main thread, after ``create_bot`` (which names the modules the fork server
    preloads). Nothing to do where workers are spawned instead.
    """
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def main() -> int:
    load_dotenv(override=False)  # real environment variables win over .env
    configure_logging()
    stop_on_sigterm()
    try:
        settings = Settings.from_env(os.environ)
        local_port = _local_port(os.environ.get("PORT"))
        # Without Slack settings the local workspace reads the sources file too (a demo of
        # a connected database needs no Slack app).
        sources_path = settings.sources_path if settings else sources_path_from(os.environ)
        catalog = load_sources(sources_path)
    except SettingsError as e:
        print(f"segbot: {e}", file=sys.stderr)
        return 2
    try:
        return run_local(local_port, catalog) if settings is None else run_slack(settings, catalog)
    except KeyboardInterrupt:  # before the server was up: what was started is closed
        return 0


def load_sources(path: Path | None) -> Catalog | None:
    """The sources file (``SEGBOT_SOURCES``), read once: its passwords come from the
    environment variables it names. SettingsError with its one line when it is wrong."""
    if path is None:
        return None
    from sources import SourceConfigError, load_catalog  # ibis: only when there are sources

    try:
        return load_catalog(path, env=os.environ)
    except SourceConfigError as e:
        raise SettingsError(str(e)) from None


def run_slack(settings: Settings, catalog: Catalog | None = None) -> int:
    """The bot on real Slack (Socket Mode or HTTP) until Ctrl-C or SIGTERM; channels may read
    the sources of ``catalog``."""
    from bot.app import create_bot

    bot = create_bot(settings, sources=catalog)
    try:
        start_workers_deaf()
        bot.jobs.warm_up()
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            logging.getLogger("segbot").info("connecting to Slack in Socket Mode")
            SocketModeHandler(bot.app, settings.app_token).start()
        else:
            from bot.http import serve

            server = serve(bot.app, host="0.0.0.0", port=settings.port)
            logging.getLogger("segbot").info("listening on :%s/slack/events", settings.port)
            try:
                server.serve_forever()
            finally:
                server.server_close()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    return 0


def _local_port(raw: str | None) -> int:
    """PORT for the local workspace's page: 3000 unless set (0 is refused, as in Settings)."""
    value = (raw or "").strip() or "3000"
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 65535:
        raise SettingsError(f"PORT must be a whole number from 1 to 65535, not {value!r}.")
    return int(value)


class _LocalBot:
    """The real bot served for the local workspace: its events URL and a way to stop it."""

    def __init__(self, local: object, sources: Catalog | None = None) -> None:
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
        self.bot = create_bot(settings, sources=sources)
        self.closing = False
        start_workers_deaf()
        # Warm the worker in the background: the page is up at once, the first upload is quick.
        threading.Thread(target=self._warm_up, name="segbot-warm-up", daemon=True).start()
        self.server, self.thread = serve_in_thread(self.bot.app)
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def _warm_up(self) -> None:
        try:
            self.bot.jobs.warm_up()
        except Exception:  # stopped while warming up is no failure; anything else is logged
            if not self.closing:
                logging.getLogger("segbot").exception("warming up the worker failed")

    def close(self) -> None:
        """The page's server, then the scheduler, then the worker processes."""
        self.closing = True
        self.server.shutdown()
        self.server.server_close()
        self.bot.close()


def _sample_export() -> tuple[str, bytes]:
    from segmentation.sample import sample_export

    frame, _ = sample_export()
    return "sample-orders.csv", frame.to_csv(index=False).encode()


def run_local(port: int = 3000, sources: Catalog | None = None) -> int:
    """No Slack settings at all: the local workspace in the browser (no Slack account needed).

    Its address is the first line printed; how to use real Slack instead follows it.
    """
    try:
        from localslack.run import run_local_workspace
    except ImportError:
        print(NO_SETTINGS, file=sys.stderr)
        return 2
    run_local_workspace(
        functools.partial(_LocalBot, sources=sources),
        port=port,
        sample_export=_sample_export,
        state_dir=Path("segbot-local-slack"),
        notes=(
            "No Slack settings were found, so segbot runs against this local workspace.",
            NO_SETTINGS.replace("segbot: no Slack settings found. ", "To use real Slack: "),
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
