"""The DuckDB warehouse: where it lives, how to open it, and its versioned migrations.

Migrations are the numbered files in ``data/migrations``; each runs once, inside a transaction,
and is recorded in ``schema_migrations``. Opening the warehouse applies the missing ones, so
nobody ever hand-runs DDL.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "saleslens.duckdb"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_DUCKDB_MB = 1024


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


@contextlib.contextmanager
def transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT on ``cur``; any exception rolls back and propagates unchanged.

    A failed COMMIT has already ended the transaction, and a ROLLBACK after it raises "no
    transaction is active", which would hide the real error; so the rollback is best effort.
    """
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        raise


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
        with transaction(cur):
            cur.execute(sql)
            cur.execute("INSERT INTO schema_migrations (version, name) VALUES ($v, $n)", {"v": version, "n": name})
        applied.append(version)
    return applied


def memory_limit() -> str:
    """DuckDB's buffer budget: ``SALESLENS_DUCKDB_MEMORY_MB`` (default 1024).

    DuckDB's own default is 80% of the machine; a process must stay under 2 GB with Python, pandas
    and Streamlit beside it, so queries past this budget spill to disk instead.
    """
    raw = os.environ.get("SALESLENS_DUCKDB_MEMORY_MB", "")
    try:
        megabytes = int(float(raw)) if raw.strip() else DEFAULT_DUCKDB_MB
    except ValueError:
        megabytes = DEFAULT_DUCKDB_MB
    return f"{max(megabytes, 64)}MB"


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse and bring its schema up to date.

    ``path=":memory:"`` gives a private in-memory warehouse (tests).
    """
    config = {"memory_limit": memory_limit()}
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:", config=config)
    else:
        target = db_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target), read_only=read_only, config=config)
    if not read_only:
        migrate(con)
    lock_down(con)
    return con


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """No file or URL access from SQL on this connection, for good.

    Set once the schema is up to date: from then on no query, whatever a parameter or an uploaded
    value holds, can read a local file, fetch a URL, ATTACH, COPY or install an extension, and the
    settings cannot be switched back. Data enters only as bound values and registered Arrow tables.
    """
    if con.execute("SELECT current_setting('lock_configuration')").fetchall()[0][0]:
        return  # DuckDB shares one database per file within a process: already locked
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
