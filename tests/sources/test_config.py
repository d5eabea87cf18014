"""The sources file: what it may say, and one line naming the source and the fix otherwise."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from sources import Catalog, SourceConfigError, SourceError, load_catalog

GOOD = """
[sources.shop]
url = "postgresql://segbot@db.example.com:5432/shop"
password_env = "SHOP_DB_PASSWORD"
table = "public.sales"
channels = ["C0123456789"]
timeout_seconds = 30
[sources.shop.columns]
customer = "client_ref"

[sources.orders]
url = "postgresql://segbot@db.example.com/shop"
password_env = "SHOP_DB_PASSWORD"
query = "select * from sales where region = 'EU'"

[sources.archive]
path = "exports/*.parquet"

[sources.feed]
url = "https://data.example.com/export.csv"
allowed_hosts = ["data.example.com"]
"""
ENV = {"SHOP_DB_PASSWORD": "s3cret-Pa55word"}


def catalog_from(tmp_path: Path, text: str, env: dict | None = None) -> Catalog:
    path = tmp_path / "segbot.toml"
    path.write_text(text)
    return load_catalog(path, env=ENV if env is None else env)


def test_a_good_file_gives_every_source_in_order(tmp_path):
    catalog = catalog_from(tmp_path, GOOD)
    assert [s.name for s in catalog.sources] == ["shop", "orders", "archive", "feed"]
    shop = catalog.get("SHOP")
    assert (shop.kind, shop.table, shop.query, shop.timeout_s) == (
        "database",
        "public.sales",
        None,
        30.0,
    )
    assert shop.columns == (("customer", "client_ref"),)
    assert shop.channels == ("C0123456789",)
    assert shop.password.reveal() == ENV["SHOP_DB_PASSWORD"]
    # Channels see the description: no host, url, path or table in the default one.
    assert shop.description == "a postgres database"
    assert catalog.get("archive").description == "files on the bot's server"
    assert catalog.get("feed").description == "files fetched over https"
    orders = catalog.get("orders")
    assert (orders.query, orders.timeout_s, orders.channels) == (
        "select * from sales where region = 'EU'",
        120.0,
        (),
    )
    archive = catalog.get("archive")
    assert (archive.kind, archive.path) == ("files", str(tmp_path / "exports/*.parquet"))
    assert catalog.get("feed").allowed_hosts == ("data.example.com",)


def test_no_file_means_no_sources():
    assert load_catalog(None) == Catalog()


def test_channels_see_the_sources_given_to_them(tmp_path):
    catalog = catalog_from(tmp_path, GOOD)
    assert [s.name for s in catalog.for_channel("C0123456789")] == [
        "shop", "orders", "archive", "feed",
    ]  # fmt: skip
    assert [s.name for s in catalog.for_channel("C999")] == ["orders", "archive", "feed"]
    assert catalog.require("shop", "C0123456789").name == "shop"
    with pytest.raises(SourceError) as e:
        catalog.require("shop", "C999")
    assert str(e.value) == (
        "Source 'shop' is not given to this channel: use one of orders, archive, feed, or ask "
        "the bot's operator to add this channel to its channels."
    )
    with pytest.raises(SourceError) as e:
        catalog.require("shpo", "C999")
    assert str(e.value) == "There is no source called 'shpo': use one of orders, archive, feed."
    with pytest.raises(SourceError, match="ask the bot's operator to add it"):
        Catalog().require("shop")


def test_the_password_never_prints(tmp_path):
    catalog = catalog_from(tmp_path, GOOD)
    secret = ENV["SHOP_DB_PASSWORD"]
    shop = catalog.get("shop")
    for text in (
        repr(catalog),
        str(catalog),
        repr(shop),
        str(shop),
        shop.description,
        repr(shop.password),
    ):
        assert secret not in text
    assert "SHOP_DB_PASSWORD" in repr(shop.password)
    # A worker process gets the source pickled, and can still connect with it.
    assert pickle.loads(pickle.dumps(shop)).password.reveal() == secret


BAD = [
    ("[sources.shop]\nurl = 'postgresql://u@h/db'\ntable = 'sales'\npassword = 'x'",
     "Source 'shop' in the sources file: never write the password in the file"),
    ("[sources.shop]\nurl = 'postgresql://u:pw@h/db'\ntable = 'sales'",
     "Source 'shop' in the sources file: remove the password from url"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db?password=pw'\ntable = 'sales'",
     "Source 'shop' in the sources file: remove the password from url"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db?sslmode=require&SSLPassword=pw'\ntable = 's'",
     "Source 'shop' in the sources file: remove the password from url"),
    ("[sources.shop]\npath = 'a.parquet'\n[sources.SHOP]\npath = 'b.parquet'",
     "Sources 'shop' and 'SHOP' in the sources file differ only in case: rename one"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db'\ntable = 's'\npassword_env = 'NOPE_PW'",
     "the environment variable NOPE_PW (password_env) is not set"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db'",
     "give either table (e.g. public.sales) or query"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db'\ntable = 'a'\nquery = 'select 1'",
     "give either table (e.g. public.sales) or query"),
    ("[sources.shop]\nurl = 'postgresql://u@h/db'\ntable = 'sales; drop table x'",
     "table must be a name such as public.sales"),
    ("[sources.shop]\nurl = 'mongo://h/db'\ntable = 'sales'",
     "url must start with a database such as postgresql://"),
    ("[sources.shop]\npath = 'x.parquet'\nurl = 'https://a/x.csv'", "give either url"),
    ("[sources.shop]\ntable = 'sales'", "give either url"),
    ("[sources.shop]\npath = 'x.parquet'\ntable = 'sales'", "table is for databases"),
    ("[sources.feed]\nurl = 'https://evil.example/x.csv'\nallowed_hosts = ['data.example.com']",
     "Source 'feed' in the sources file: add evil.example to allowed_hosts"),
    ("[sources.feed]\nurl = 'http://data.example.com/x.csv'\nallowed_hosts = ['data.example.com']",
     "files are fetched over https only"),
    ("[sources.shop]\npath = 'x.parquet'\nchannels = 'C123'", "channels must be a list of text"),
    ("[sources.shop]\npath = 'x.parquet'\nchannels = ['#general']",
     "channels must be Slack channel ids such as C0123456789, not '#general'"),
    ("[sources.shop]\npath = 'x.parquet'\ntimeout_seconds = 0", "timeout_seconds must be a number"),
    ("[sources.shop]\npath = 'x.parquet'\ntimeout_seconds = 'soon'", "timeout_seconds must be a number"),
    ("[sources.shop]\npath = 'x.parquet'\n[sources.shop.columns]\nclient = 'c'",
     "unknown field 'client' in columns (the fields are customer, invoice, date,"),
    ("[sources.shop]\npath = 'x.parquet'\n[sources.shop.columns]\ncustomer = 3",
     "columns.customer must be the name of a column"),
    ("[sources.shop]\npath = 'x.parquet'\npasword_env = 'X'", "unknown setting 'pasword_env'"),
    ("[sources.'my shop']\npath = 'x.parquet'", "use a name of letters, digits, - and _"),
    ("[source.shop]\npath = 'x.parquet'", "has 'source' at its top: put each source under [sources.NAME]"),
    ("[sources.shop\npath = 'x.parquet'", "is not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_a_mistake_is_one_line_naming_the_fix(tmp_path, text, expected):
    with pytest.raises(SourceConfigError) as e:
        catalog_from(tmp_path, text)
    message = str(e.value)
    assert expected in message
    assert "\n" not in message
    assert "u:pw" not in message  # a url holding a password is never echoed
    assert message.endswith(".") or message.endswith(")")


def test_a_missing_file_names_the_setting(tmp_path):
    with pytest.raises(SourceConfigError) as e:
        load_catalog(tmp_path / "nope.toml")
    assert (
        str(e.value)
        == f"The sources file {tmp_path / 'nope.toml'} does not exist: fix SEGBOT_SOURCES."
    )


def test_the_readme_example_is_a_valid_sources_file(tmp_path):
    """The sources file shown in the README loads as written."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "segbot.toml"
    path.write_text(example, encoding="utf-8")
    catalog = load_catalog(path, env={"SHOP_DB_PASSWORD": "s3cret"})
    assert [s.name for s in catalog.sources] == ["shop", "archive"]
    assert catalog.for_channel("C0123456789")[0].name == "shop"
    assert [s.name for s in catalog.for_channel("C999")] == ["archive"]
    assert "s3cret" not in repr(catalog)
