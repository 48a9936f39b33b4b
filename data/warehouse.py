"""The warehouse: where it lives, how to open it, its schema, and how readers and a writer share it.

A warehouse is a folder (``--db`` / ``SALESLENS_DB``, default ``data/warehouse``)::

    state.sqlite                  the current snapshot of each dataset, and the user state (data/state.py)
    writer.lock                   held by the one process loading at a time
    snapshots/<folder>/           one immutable version of one dataset: <table>.parquet per fact table
    snapshots/.tmp-<folder>/      a version being written (never read; removed by cleanup)

Readers (every app process, the CLI's exports) open an in-memory DuckDB whose tables are views over
the current snapshots' exact files (:mod:`data.snapshots`), locked so no query reaches any other file;
they never lock anything, so any number run while a writer loads. A writer builds the new version in
a private DuckDB, writes it to a temporary folder, renames it into place and switches the catalog in
one SQLite transaction: a killed writer leaves at most a temporary folder, and a page open during a
load shows the old version until its next run. Folder names are ours (uuids), never a dataset's name.

The DuckDB schema is the numbered files in ``data/migrations``, applied in order to every DuckDB
the warehouse creates (writers, readers, in-memory warehouses) and recorded in
``schema_migrations``, so nobody ever hand-runs DDL. ``path=":memory:"`` gives a private in-memory
warehouse whose tables are real (tests, scripts).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_DUCKDB_MB = 1024


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse folder: ``--db`` beats ``SALESLENS_DB`` beats ``data/warehouse``."""
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
    """A connection to query: an in-memory warehouse for ``":memory:"``, else a reader over the current snapshots.

    ``read_only`` is kept for callers of the old single-file warehouse; every file warehouse
    connection is read-only now (writes go through :meth:`Warehouse.writer`).
    """
    if str(path) == ":memory:":
        return memory_connection()
    return open_warehouse(path).reader()


def memory_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB with the whole schema (tables, views, macros), locked down."""
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit()})
    migrate(con)
    lock_down(con)
    return con


def open_warehouse(path: str | os.PathLike[str] | None = None):  # -> data.snapshots.Warehouse
    """The warehouse at ``path`` (``:memory:`` for an in-memory one); see :mod:`data.snapshots`."""
    from data.snapshots import Warehouse

    return Warehouse.open(path)


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
