"""Apache Spark in local mode for the tests (pyspark with Debian's openjdk-17-jre-headless).

Two cores, a small driver, no UI, UTC as the session time zone (timestamps then mean what
they mean in DuckDB and Postgres). Tests using it are marked ``slow``; CI runs them
(``make test`` selects every marker). Where Java or pyspark is missing the tests skip with
the reason; in CI (``CI=true``) they fail instead.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Iterator

import pytest

JAVA_HOMES = ("/usr/lib/jvm/java-17-openjdk-*",)


def java_home() -> str | None:
    """JAVA_HOME when set, else Debian's OpenJDK 17, else the java on PATH (None: no Java)."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    for pattern in JAVA_HOMES:
        for home in sorted(glob.glob(pattern)):
            if os.path.exists(os.path.join(home, "bin", "java")):
                return home
    java = shutil.which("java")
    return os.path.dirname(os.path.dirname(os.path.realpath(java))) if java else None


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs Spark: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark_session() -> Iterator[object]:
    """A local Spark session (local[2], 1 GB driver) for the whole test session."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _missing("pyspark is not installed (pip install -e '.[dev]')")
    home = java_home()
    if home is None:
        _missing("Java is not installed (apt-get install openjdk-17-jre-headless)")
    os.environ["JAVA_HOME"] = home
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no listening beyond this machine
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("segbot-tests")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
