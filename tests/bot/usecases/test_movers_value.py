"""The movers button's value: two run ids, ASCII digits only, else a plain answer."""

from __future__ import annotations

import pytest

from bot.errors import GONE, UserError
from bot.usecases.digests import _run_ids


def test_two_run_ids() -> None:
    assert _run_ids("6:7") == (6, 7)


@pytest.mark.parametrize("value", ["²:7", "6:", "x:y", "6-7", "9" * 40 + ":1"])
def test_anything_else_is_results_this_channel_cannot_have(value: str) -> None:
    with pytest.raises(UserError, match=GONE):
        _run_ids(value)
