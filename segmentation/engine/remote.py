"""The engine on a team's own database or warehouse: queries built on its ibis tables and
run where those live. ``engine.local.Local`` is the same on DuckDB in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from segmentation.engine.compiled import Query

if TYPE_CHECKING:
    import ibis.expr.types as ir


class Backend:
    """Queries over ``tables`` (ibis tables by name) on the backend that holds them; a table
    held is its expression, for the backend to work out as part of each query that reads it."""

    def __init__(self, tables: dict[str, ir.Table]) -> None:
        self.tables = tables
        self.backend = next(iter(tables.values())).get_backend()

    def expr(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> ir.Table:
        return query.build(*(self.tables[n] for n in inputs), *args, **params)

    def run(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> pd.DataFrame:
        return self.backend.execute(self.expr(query, inputs, *args, **params))

    def fetch(self, query: Query, inputs: tuple[str, ...], *args: Any, **params: Any) -> pa.Table:
        return self.expr(query, inputs, *args, **params).to_pyarrow()

    def hold(self, query: Query, inputs: tuple[str, ...], name: str, **params: Any) -> None:
        self.tables[name] = self.expr(query, inputs, **params)

    def columns(self, name: str) -> list[str]:
        return list(self.tables[name].columns)

    def over(self, *inputs: str) -> Callable[..., pd.DataFrame]:
        """``run`` over ``inputs``: ``run(query, *args, **params)`` (``engine.run.prepare``)."""
        return lambda query, *args, **params: self.run(query, inputs, *args, **params)
