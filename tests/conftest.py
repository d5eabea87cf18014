"""Shared fixtures: the real Online Retail data (shipped in data/) and small real-shaped exports."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tests.postgres import postgres_server  # noqa: F401 (a fixture for every test folder)
from tests.spark import spark_session  # noqa: F401 (a fixture for every test folder)

REAL_PARQUET = Path(__file__).resolve().parents[1] / "data" / "online_retail.parquet"

# The bot and the tests talk to 127.0.0.1 only; a proxy from the environment must not intercept.
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
for _var in (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def real_path() -> Path:
    """The real UCI Online Retail export (541,909 rows)."""
    if not REAL_PARQUET.exists():
        pytest.fail(
            f"the real data set is missing at {REAL_PARQUET}: it is part of the repository "
            "(data/online_retail.parquet); restore it with `git checkout -- data/`"
        )
    return REAL_PARQUET


@pytest.fixture(scope="session")
def real_frame(real_path: Path) -> pd.DataFrame:
    return pd.read_parquet(real_path)


@pytest.fixture(scope="session")
def real_result(real_path: Path):
    """The real data segmented with defaults (shared: it takes about a second)."""
    from segmentation.load import load_export
    from segmentation.pipeline import segment_export

    return segment_export(load_export(real_path))


@pytest.fixture(scope="session")
def sample_csv_bytes() -> bytes:
    """A small synthetic export in the Online Retail schema, as CSV bytes."""
    from segmentation.sample import sample_export

    frame, _ = sample_export(rows=6000, seed=3)
    out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"))
    return out.to_csv(index=False).encode()
