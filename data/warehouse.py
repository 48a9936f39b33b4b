"""The DuckDB warehouse: where it lives, how to open it, and its versioned migrations.

Migrations are the numbered files in ``data/migrations``; each runs once, inside a transaction,
and is recorded in ``schema_migrations``. Opening the warehouse applies the missing ones, so
nobody ever hand-runs DDL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "saleslens.duckdb"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: ``--db`` beats ``SALESLENS_DB`` beats ``data/saleslens.duckdb``."""
    chosen = explicit or os.environ.get("SALESLENS_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this warehouse lacks; return the versions applied."""
    cur = con.cursor()
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(sql)
            cur.execute("INSERT INTO schema_migrations (version, name) VALUES ($v, $n)", {"v": version, "n": name})
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse and bring its schema up to date.

    ``path=":memory:"`` gives a private in-memory warehouse (tests).
    """
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
    else:
        target = db_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target), read_only=read_only)
    if not read_only:
        migrate(con)
    return con
