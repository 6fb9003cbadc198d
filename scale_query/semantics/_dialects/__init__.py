"""Per-dialect SQL rules for :func:`~scale_query.to_sql`, one module per engine.

As in sqlglot's own ``dialects`` package, each module holds one class that
says what its engine does differently from :class:`._base.Rules`. This
package imports sqlglot: only :func:`~scale_query.to_sql` loads it, on first
use, so ``import scale_query`` never does.
"""

from __future__ import annotations

import importlib

from .._plan import Test
from .._unsupported import UnsupportedSQL
from ._base import Params, Rules
from ._build import build

__all__ = ["DIALECTS", "Params", "compile_test", "rules_for"]

#: Dialect name (sqlglot's) -> (module, class). Each has its rules written
#: and reviewed; an alias borrows the rules of the engine it runs.
DIALECTS: dict[str, tuple[str, str]] = {
    "duckdb": ("duckdb", "DuckDB"),
    "sqlite": ("sqlite", "SQLite"),
    "postgres": ("postgres", "Postgres"),
    "mysql": ("mysql", "MySQL"),
    "bigquery": ("bigquery", "BigQuery"),
    "snowflake": ("snowflake", "Snowflake"),
    "spark": ("spark", "Spark"),
    "databricks": ("spark", "Databricks"),
    "trino": ("trino", "Trino"),
    "presto": ("trino", "Presto"),
    "athena": ("trino", "Athena"),
    "tsql": ("tsql", "TSQL"),
    "oracle": ("oracle", "Oracle"),
}
_ALIASES = {"postgresql": "postgres", "sqlserver": "tsql", "mssql": "tsql"}


def rules_for(dialect: str, params: bool) -> Rules:
    """The rules for ``dialect`` (case-insensitive), or UnsupportedSQL naming the known ones."""
    name = dialect.strip().lower()
    name = _ALIASES.get(name, name)
    entry = DIALECTS.get(name)
    if entry is None:
        from ...language import closest

        known = ", ".join(sorted(DIALECTS))
        near = closest(name, [*DIALECTS, *_ALIASES])
        guess = f" (did you mean {near!r}?)" if near else ""
        raise UnsupportedSQL(
            dialect,
            "any filter",
            f"scale-query has no exactness rules for this dialect{guess}; known dialects: {known}",
        )
    module = importlib.import_module(f".{entry[0]}", __name__)
    rules: type[Rules] = getattr(module, entry[1])
    return rules(params=params, name=name)


def compile_test(
    test: Test, rules: Rules, table: str | tuple[str, ...] | None
) -> tuple[str, Params]:
    """The SQL for ``test`` (a whole SELECT with ``table``) and its bound values."""
    condition = build(test, rules)
    if table is not None:
        from sqlglot import exp

        condition = exp.select(exp.Star()).from_(rules.table(table)).where(condition)
    return rules.finish(rules.generate(condition))
