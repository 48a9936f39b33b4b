"""Run the named SQL files in ``metrics/sql`` with bound parameters."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).resolve().parent / "sql"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@functools.cache
def sql_text(name: str) -> str:
    """The text of ``metrics/sql/<name>.sql`` (names are module constants, never user input)."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"bad query name {name!r}")
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@functools.cache
def _param_names(name: str) -> frozenset[str]:
    text = re.sub(r"--[^\n]*", "", sql_text(name))  # a `$x` in a comment is not a parameter
    return frozenset(_PARAM.findall(text))


def query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run a named query on its own cursor, binding only the parameters it uses.

    DuckDB rejects surplus named parameters, and callers pass the whole filter set, so the
    query's own ``$names`` decide what is bound. A missing one raises a KeyError here.
    """
    wanted = _param_names(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query {name} needs {sorted(missing)}")
    bound = {key: params[key] for key in wanted}
    return con.cursor().execute(sql_text(name), bound).df()


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB. Callers pass names from an allow-list only."""
    return '"' + name.replace('"', '""') + '"'
