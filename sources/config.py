"""Read the sources file (TOML) into a ``Catalog``, once, when the bot starts.

    [sources.shop]
    url = "postgresql://segbot@db.example.com:5432/shop"
    password_env = "SHOP_DB_PASSWORD"     # the password itself is never in the file
    table = "public.sales"                # or: query = "select … from …"
    channels = ["C0123456789"]            # who may use it (absent: every channel)
    timeout_seconds = 60                  # default 120
    [sources.shop.columns]                # optional: segbot field = the source's column
    customer = "client_ref"

    [sources.archive]
    path = "exports/*.parquet"            # a file, folder or glob, relative to this file

Every mistake raises ``SourceConfigError`` with one line naming the source and the fix.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from segmentation.load.contacts import CONTACT_FIELDS
from sources.catalog import DEFAULT_TIMEOUT_S, Catalog, Secret, Source
from sources.errors import SourceConfigError

FIELDS = (
    "customer", "invoice", "date", "product", "quantity", "price", "amount", "country", "status",
    "refunded", *CONTACT_FIELDS,
)  # fmt: skip
# A url's query parameters with one of these in their name carry a secret (?password=…).
SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token")
KEYS = {
    "url", "password_env", "table", "query", "path", "allowed_hosts", "columns",
    "channels", "timeout_seconds", "description",
}  # fmt: skip
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TABLE = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$")
CHANNEL = re.compile(r"^[A-Z0-9]{2,}$")
MAX_TIMEOUT_S = 3600
# Plain http only to this machine (a local file server); anywhere else the files come over https.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def load_catalog(path: Path | None, *, env: Mapping[str, str] | None = None) -> Catalog:
    """The sources defined in the TOML file at ``path`` (None: no sources).

    ``env`` is where the ``password_env`` variables are looked up (the bot's edge passes
    the environment; nothing here reads it itself). Raises SourceConfigError.
    """
    if path is None:
        return Catalog()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceConfigError(
            f"The sources file {path} does not exist: fix SEGBOT_SOURCES."
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise SourceConfigError(
            f"The sources file {path} cannot be read ({type(e).__name__}): check it."
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise SourceConfigError(
            f"The sources file {path} is not valid TOML ({e}): fix it."
        ) from None
    extra = sorted(set(data) - {"sources"})
    if extra:
        raise SourceConfigError(
            f"The sources file {path} has '{extra[0]}' at its top: put each source under [sources.NAME]."
        )
    table = data.get("sources", {})
    if not isinstance(table, dict):
        raise SourceConfigError(f"In {path}, 'sources' must be a table of [sources.NAME] sections.")
    env = env or {}
    seen: dict[str, str] = {}
    for name in table:  # people type names in any case: two must not differ by case alone
        if name.lower() in seen:
            raise SourceConfigError(
                f"Sources '{seen[name.lower()]}' and '{name}' in the sources file differ only in "
                "case: rename one, as people type names in Slack in any case."
            )
        seen[name.lower()] = name
    sources = tuple(_source(name, spec, path.parent, env) for name, spec in table.items())
    return Catalog(sources)


def _source(name: str, spec: object, folder: Path, env: Mapping[str, str]) -> Source:
    def fail(problem: str) -> SourceConfigError:
        return SourceConfigError(f"Source '{name}' in the sources file: {problem}")

    if not NAME.match(name):
        raise fail(
            "use a name of letters, digits, - and _ (at most 40), as people type it in Slack."
        )
    if not isinstance(spec, dict):
        raise fail(f"write it as a [sources.{name}] section.")
    if "password" in spec:
        raise fail(
            "never write the password in the file: set it in an environment variable and name that variable with password_env."
        )
    unknown = sorted(set(spec) - KEYS)
    if unknown:
        raise fail(f"unknown setting '{unknown[0]}' (the settings are {', '.join(sorted(KEYS))}).")
    if not isinstance(spec.get("description", ""), str):
        raise fail('description must be text, e.g. description = "Shop sales".')
    common = {
        "name": name,
        "channels": _channels(spec, fail),
        "columns": _columns(name, spec, fail),
        "timeout_s": _timeout(spec, fail),
    }
    if ("url" in spec) == ("path" in spec):
        raise fail("give either url (a database, or https files) or path (files on disk).")
    if "path" in spec:
        return _files_on_disk(spec, folder, fail, common)
    url = _text(spec, "url", fail)
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return _files_online(spec, url, fail, common)
    return _database(spec, url, env, fail, common)


def _database(spec: dict, url: str, env: Mapping[str, str], fail, common: dict) -> Source:
    parts = urlsplit(url)
    scheme = parts.scheme.lower().replace("postgresql", "postgres")
    backends = {e.name for e in entry_points(group="ibis.backends")}
    if scheme not in backends:
        raise fail(
            f"url must start with a database such as postgresql:// (ibis knows {', '.join(sorted(backends))})."
        )
    if parts.password is not None or _secret_parameters(parts.query):
        raise fail(
            "remove the password from url and put it in an environment variable named by password_env."
        )
    if ("table" in spec) == ("query" in spec):
        raise fail(
            "give either table (e.g. public.sales) or query (a select returning the transactions)."
        )
    table = _text(spec, "table", fail) if "table" in spec else None
    if table is not None and not TABLE.match(table):
        raise fail(f"table must be a name such as public.sales, not {table!r}.")
    query = _text(spec, "query", fail) if "query" in spec else None
    password = None
    if "password_env" in spec:
        variable = _text(spec, "password_env", fail)
        if not ENV_NAME.match(variable):
            raise fail(
                f"password_env must name an environment variable such as SHOP_DB_PASSWORD, not {variable!r}."
            )
        if not env.get(variable):
            raise fail(
                f"the environment variable {variable} (password_env) is not set: set it to the database password."
            )
        password = Secret(variable, env[variable])
    return Source(
        kind="database",
        # Said in channels: the kind of database only, never its host, url or table.
        description=spec.get("description") or f"a {scheme} database",
        url=url,
        password=password,
        table=table,
        query=query,
        **common,
    )


def _files_on_disk(spec: dict, folder: Path, fail, common: dict) -> Source:
    _no_database_keys(spec, fail)
    raw = _text(spec, "path", fail)
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else folder / path
    return Source(
        kind="files",
        description=spec.get("description") or "files on the bot's server",
        path=str(path),
        **common,
    )


def _files_online(spec: dict, url: str, fail, common: dict) -> Source:
    _no_database_keys(spec, fail)
    parts = urlsplit(url)
    hosts = tuple(h.lower() for h in _strings(spec, "allowed_hosts", fail))
    host = (parts.hostname or "").lower()
    if parts.username or parts.password:
        raise fail("a files url cannot carry a user or password.")
    if host not in hosts:
        raise fail(f"add {host or 'the url’s host'} to allowed_hosts to fetch files from it.")
    if parts.scheme.lower() != "https" and host not in LOOPBACK:
        raise fail("files are fetched over https only: use an https:// url.")
    return Source(
        kind="files",
        description=spec.get("description") or "files fetched over https",
        url=url,
        allowed_hosts=hosts,
        **common,
    )


def _secret_parameters(query: str) -> list[str]:
    """The url's query parameters that carry a secret (``?password=…``, ``sslpassword``…)."""
    return [
        key for key, _ in parse_qsl(query, keep_blank_values=True)
        if any(word in key.lower() for word in SECRET_WORDS)
    ]  # fmt: skip


def _no_database_keys(spec: dict, fail) -> None:
    for key in ("table", "query", "password_env"):
        if key in spec:
            raise fail(f"{key} is for databases: a files source reads every line of its files.")


def _channels(spec: dict, fail) -> tuple[str, ...]:
    channels = _strings(spec, "channels", fail)
    bad = [c for c in channels if not CHANNEL.match(c)]
    if bad:
        raise fail(f"channels must be Slack channel ids such as C0123456789, not {bad[0]!r}.")
    return channels


def _columns(name: str, spec: dict, fail) -> tuple[tuple[str, str], ...]:
    columns = spec.get("columns", {})
    if not isinstance(columns, dict):
        raise fail(f"write the column mapping as a [sources.{name}.columns] section.")
    for field, column in columns.items():
        if field not in FIELDS:
            raise fail(f"unknown field '{field}' in columns (the fields are {', '.join(FIELDS)}).")
        if not isinstance(column, str) or not column.strip():
            raise fail(f"columns.{field} must be the name of a column, as text.")
    return tuple((field, column.strip()) for field, column in columns.items())


def _timeout(spec: dict, fail) -> float:
    value = spec.get("timeout_seconds", DEFAULT_TIMEOUT_S)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_TIMEOUT_S
    ):
        raise fail(f"timeout_seconds must be a number of seconds between 1 and {MAX_TIMEOUT_S}.")
    return float(value)


def _text(spec: dict, key: str, fail) -> str:
    value = spec[key]
    if not isinstance(value, str) or not value.strip():
        raise fail(f'{key} must be text, e.g. {key} = "…".')
    return value.strip()


def _strings(spec: dict, key: str, fail) -> tuple[str, ...]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f'{key} must be a list of text, e.g. {key} = ["…"].')
    return tuple(v.strip() for v in value)
