"""Settings read once, at the edge: a frozen object built from an environment mapping.

Only ``bot/__main__.py`` reads ``os.environ`` (and ``.env``); everything else receives a
``Settings``. A partial or malformed configuration raises ``SettingsError`` whose message is
one line naming the variable and what is wrong with it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from storage import DEFAULT_DB_PATH

SLACK_API_URL = "https://slack.com/api/"
SLACK_FILE_HOSTS = ("files.slack.com",)
SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line naming the variable."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the bot needs to run; Socket Mode when ``app_token`` is set, else HTTP."""

    bot_token: str
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str = SLACK_API_URL
    file_hosts: tuple[str, ...] = SLACK_FILE_HOSTS
    max_upload_mb: int = 1024
    # Address space each worker process may use; None: 6× the upload limit, at least 4 GB.
    worker_memory_mb: int | None = None
    workers: int = 1
    queue_size: int = 10
    port: int = 3000
    db_path: Path = DEFAULT_DB_PATH
    data_dir: Path = Path("segbot-data")
    # A digest missed while down is posted at start-up if at most this late.
    digest_grace_hours: int = 6
    # The TOML file naming the databases and files channels may segment (None: no sources).
    sources_path: Path | None = None
    # The e-mail tool export (raw e-mails and names, sent by DM to whoever asks): off unless set.
    email_tool_export: bool = False

    def __post_init__(self) -> None:
        """A file host that is also the host of a plain-http or non-default-port ``api_url`` (a
        Slack emulator, the local workspace, tests) is allowed at exactly that origin: files
        are fetched with the token only from ``https://host`` (port 443) or an exact origin."""
        api = urlsplit(self.api_url)
        port = api.port or {"https": 443, "http": 80}.get(api.scheme, 0)
        if (api.scheme, port) != ("https", 443):
            origin = f"{api.scheme}://{api.hostname}:{port}"
            hosts = tuple(origin if h == api.hostname else h for h in self.file_hosts)
            object.__setattr__(self, "file_hosts", hosts)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def metadata_key(self) -> bytes:
        """The key that signs modals' ``private_metadata`` (``bot.sealing``): derived from the
        signing secret (Socket Mode, which has none: from the app token)."""
        secret = self.signing_secret or self.app_token or self.bot_token
        return hmac.new(secret.encode(), b"segbot private_metadata", hashlib.sha256).digest()

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def worker_memory_bytes(self) -> int:
        """The memory cap of a worker (RLIMIT_AS, set in ``bot.jobs.worker.init``): 6× the
        upload limit, 4 GB at least. A warm worker already holds ~2.8 GB of address space (the
        libraries reserve it; it is not memory in use), and a 1 GB CSV peaks at 5.4–5.8 GB of
        it (benchmarks/bench_upload.py). A file may unpack to a quarter of the cap (see
        ``segmentation.load.limits``) and DuckDB spills to disk past half of it."""
        mb = self.worker_memory_mb or max(6 * self.max_upload_mb, 4096)
        return mb * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings | None:
        """Settings from ``env``; None when no Slack variable is set at all.

        Raises SettingsError for a partial or malformed configuration.
        """
        get = {k: v.strip() for k, v in env.items() if isinstance(v, str) and v.strip()}.get
        if not any(get(name) for name in SLACK_VARIABLES):
            return None
        bot_token = get("SLACK_BOT_TOKEN")
        app_token = get("SLACK_APP_TOKEN")
        secret = get("SLACK_SIGNING_SECRET")
        if not bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions."
            )
        if not bot_token.startswith("xoxb-"):
            raise SettingsError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (found "
                + _kind(bot_token)
                + ")."
            )
        if app_token and not app_token.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- (found "
                + _kind(app_token)
                + ")."
            )
        if not app_token and not secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: set it for HTTP mode, or SLACK_APP_TOKEN (xapp-…) for Socket Mode."
            )
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=secret,
            api_url=_url("SLACK_API_URL", get("SLACK_API_URL") or SLACK_API_URL),
            file_hosts=_hosts(get("SEGBOT_FILE_HOSTS")),
            max_upload_mb=_positive("SEGBOT_MAX_UPLOAD_MB", get("SEGBOT_MAX_UPLOAD_MB"), 1024),
            worker_memory_mb=_optional("SEGBOT_WORKER_MEMORY_MB", get("SEGBOT_WORKER_MEMORY_MB")),
            workers=_positive("SEGBOT_WORKERS", get("SEGBOT_WORKERS"), 1),
            queue_size=_positive("SEGBOT_QUEUE_SIZE", get("SEGBOT_QUEUE_SIZE"), 10),
            port=_port(get("PORT")),
            db_path=Path(get("SEGBOT_DB") or DEFAULT_DB_PATH),
            data_dir=Path(get("SEGBOT_DATA_DIR") or "segbot-data"),
            digest_grace_hours=_positive(
                "SEGBOT_DIGEST_GRACE_HOURS", get("SEGBOT_DIGEST_GRACE_HOURS"), 6
            ),
            sources_path=sources_path_from(env),
            email_tool_export=_switch("SEGBOT_EMAIL_TOOL_EXPORT", get("SEGBOT_EMAIL_TOOL_EXPORT")),
        )


def _kind(token: str) -> str:
    """The prefix of a token, never the secret part."""
    return repr(token.split("-", 1)[0] + "-…") if "-" in token else "no xox prefix"


def _positive(name: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, not {value}.")
    return value


def sources_path_from(env: Mapping[str, str]) -> Path | None:
    """``SEGBOT_SOURCES``: the sources file, or None when unset or blank. The local workspace
    (no Slack settings, so no ``Settings``) reads it here too."""
    raw = env.get("SEGBOT_SOURCES")
    value = raw.strip() if isinstance(raw, str) else ""
    return Path(value) if value else None


def _switch(name: str, raw: str | None) -> bool:
    if raw is None or raw.lower() in ("0", "false", "no", "off"):
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}.")


def _optional(name: str, raw: str | None) -> int | None:
    return None if raw is None else _positive(name, raw, 0)


def _port(raw: str | None) -> int:
    port = _positive("PORT", raw, 3000)
    if port > 65535:
        raise SettingsError(f"PORT must be between 1 and 65535, not {port}.")
    return port


def _url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http(s) URL such as {SLACK_API_URL}, not {raw!r}.")
    return raw if raw.endswith("/") else raw + "/"


def _hosts(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return SLACK_FILE_HOSTS
    hosts = tuple(h.strip().lower().rstrip("/") for h in raw.split(",") if h.strip())
    if not hosts or not all(map(_host_or_origin, hosts)):
        raise SettingsError(
            "SEGBOT_FILE_HOSTS must be a comma-separated list of host names (https) or origins "
            f"such as http://127.0.0.1:8080, not {raw!r}."
        )
    return hosts


def _host_or_origin(entry: str) -> bool:
    if " " in entry:
        return False
    if "://" not in entry:
        return "/" not in entry and ":" not in entry
    parts = urlsplit(entry)
    try:
        parts.port  # noqa: B018 (a malformed port raises)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.path
