"""The metrics' SQL on Apache Spark through Spark Connect, over the same snapshot files as DuckDB.

:func:`run` is what :func:`metrics.db.query` calls when ``SALESLENS_ENGINE=spark``:

1. the DuckDB reader ``con`` says which Parquet files its views read (table ``snapshot_files``,
   data/snapshots.py); Spark gets a temporary view per table over exactly those files, named after
   a digest of the set (``sl_<digest>_<table>``), so pages pinned to different versions never
   share a view, and a new version is new views;
2. the query's DuckDB SQL (or its portable variant ``metrics/sql/spark/<name>.sql``) is translated
   by :mod:`metrics.spark.port`, once per parameter types;
3. Spark runs it with the same bound values and returns Arrow; the columns are cast to the types
   DuckDB gives the original query (bound, never executed, on ``con``) and converted by DuckDB,
   so a frame has the same column names and dtypes from either engine.

Settings: ``SALESLENS_SPARK_REMOTE`` = ``sc://HOST:PORT`` (a Spark Connect server; any
``sc://`` parameters such as ``;token=...;use_ssl=true`` pass through) or ``local`` / ``local[N]``
(pyspark starts Spark in a child JVM of this process, serving Connect on 127.0.0.1:15002);
``SALESLENS_SPARK_DATA_URI``: the warehouse folder as the Spark cluster sees it (default: the same
path), e.g. ``s3a://lake/saleslens`` when the app reads the bucket through a mount at ``--db``;
``SALESLENS_SPARK_LOCAL_MEMORY``: driver memory of the local mode (default 4g).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import warnings
from pathlib import Path

import duckdb
import pandas as pd

from data.snapshots import SNAPSHOT_FILES
from data.state import USER_TABLES
from data.warehouse import memory_connection
from metrics.db import EngineUnavailable
from metrics.spark import port

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
PORTABLE_DIR = SQL_DIR / "spark"
LOCAL_PORT = 15002  # where pyspark's local mode serves Connect (fixed by pyspark)
VIEW_SETS_KEPT = 8  # snapshot sets whose views stay registered (a page may still read an older one)

_LOCK = threading.Lock()
_SESSION: dict[str, object] = {}
_VIEWS: dict[str, dict[str, str]] = {}  # digest of a snapshot set → {table: view name}


class SparkUnavailable(EngineUnavailable):
    """The Spark engine is chosen but cannot run: a setting is missing or the server cannot be reached."""


# --- the schema the translation types columns with ----------------------------------------------------


@functools.cache
def schema() -> dict[str, dict[str, str]]:
    """Every table a query may read and its columns' DuckDB types (from the migrations)."""
    con = memory_connection()
    try:
        rows = con.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position"
        ).fetchall()
    finally:
        con.close()
    found: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        found.setdefault(table, {})[column] = kind
    return {
        t: cols
        for t, cols in found.items()
        if t not in USER_TABLES and t not in ("schema_migrations", "ingest_mappings")
    }


def source(name: str) -> str:
    """The DuckDB SQL Spark runs for query ``name``: its portable variant when there is one."""
    variant = PORTABLE_DIR / f"{name}.sql"
    return (
        variant.read_text(encoding="utf-8")
        if variant.exists()
        else (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    )


@functools.lru_cache(maxsize=512)
def translated(name: str, types: tuple[tuple[str, str | None], ...]) -> str:
    """Spark SQL of query ``name`` for parameters of these types (cached: translation takes ~50 ms)."""
    return port.to_spark(source(name), dict(types), schema())


# --- the session ---------------------------------------------------------------------------------------


def _quiet_import() -> type:
    # pyspark 4.3 warns (on import and on every session) that it "does not yet fully support pandas
    # >= 3.0.0": results come back as Arrow and DuckDB converts them, so pyspark's pandas code is unused
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    return SparkSession


def remote() -> str:
    found = os.environ.get("SALESLENS_SPARK_REMOTE", "").strip()
    if not found:
        raise SparkUnavailable("SALESLENS_ENGINE=spark needs SALESLENS_SPARK_REMOTE=sc://HOST:PORT or local")
    if not (found.startswith("sc://") or found == "local" or found.startswith("local[")):
        raise SparkUnavailable(f"SALESLENS_SPARK_REMOTE must be sc://HOST:PORT or local, not {found!r}")
    return found


def session() -> object:
    """This process's Spark Connect session (one, shared by all threads; created on first use)."""
    url = remote()
    with _LOCK:
        found = _SESSION.get(url)
        if found is not None:
            return found
        spark_session = _quiet_import()
        if url.startswith("local"):
            import socket

            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", LOCAL_PORT)) == 0:
                    raise SparkUnavailable(
                        f"SALESLENS_SPARK_REMOTE=local serves Spark Connect on 127.0.0.1:{LOCAL_PORT}, "
                        "which another process holds; run a server and use sc://HOST:PORT"
                    )
            master = "local[*]" if url == "local" else url
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            # pyspark applies these when it starts the JVM, then tries again on the Connect session,
            # where the static ones cannot change: that second attempt only warns
            warnings.filterwarnings("ignore", message="Failed to set spark[.]", category=UserWarning)
            builder = (
                spark_session.builder.remote(master)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.connect.grpc.binding.address", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.memory", os.environ.get("SALESLENS_SPARK_LOCAL_MEMORY", "4g"))
                .config("spark.sql.shuffle.partitions", str(max(2 * (os.cpu_count() or 2), 4)))
            )
        else:
            builder = spark_session.builder.remote(url)
        try:
            created = builder.getOrCreate()
            # dates are bound and returned as DATE; a timestamp (datasets.loaded_at) reads as written
            created.conf.set("spark.sql.session.timeZone", "UTC")
        except Exception as error:  # grpc, py4j and pyspark errors alike: say which setting failed
            raise SparkUnavailable(
                f"cannot open a Spark session at {url}: {str(error).splitlines()[0][:300]}"
            ) from error
        _SESSION[url] = created
        return created


def stop() -> None:
    """Stop this process's session (a local Spark ends with it) and forget its views."""
    with _LOCK:
        for found in _SESSION.values():
            found.stop()
        _SESSION.clear()
        _VIEWS.clear()


# --- the snapshot as Spark views ---------------------------------------------------------------------


def data_uri(root: str, path: str) -> str:
    """Where Spark reads ``path`` (relative to the warehouse folder ``root``)."""
    base = os.environ.get("SALESLENS_SPARK_DATA_URI", "").strip().rstrip("/") or root.rstrip("/")
    return f"{base}/{path}"


_SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BIGINT": "BIGINT",
    "INTEGER": "INT",
    "DOUBLE": "DOUBLE",
    "DATE": "DATE",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "FLOAT": "FLOAT",
    "SMALLINT": "SMALLINT",
}


def _ddl(columns: dict[str, str]) -> str:
    return ", ".join(f"`{name}` {_SPARK_TYPES.get(kind, kind)}" for name, kind in columns.items())


def views(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{table: Spark view} for the snapshot ``con`` reads, registered on first use."""
    cur = con.cursor()
    try:
        files = cur.execute(f"SELECT table_name, root, path FROM {SNAPSHOT_FILES} ORDER BY ALL").fetchall()  # noqa: S608
    except duckdb.CatalogException:
        raise SparkUnavailable(
            "Spark reads a warehouse folder's snapshot files; this is an in-memory warehouse"
        ) from None
    registry = cur.sql("SELECT * FROM datasets ORDER BY name").to_arrow_table()
    digest = hashlib.sha256(repr((files, registry.to_pylist(), os.environ.get("SALESLENS_SPARK_DATA_URI"))).encode())
    key = digest.hexdigest()[:16]
    with _LOCK:
        found = _VIEWS.get(key)
    if found is not None:
        return found
    spark = session()
    by_table: dict[str, list[str]] = {}
    for table, root, path in files:
        by_table.setdefault(table, []).append(data_uri(root, path))
    named = {}
    for table, columns in schema().items():
        view = f"sl_{key}_{table}"
        if table in by_table:
            frame = spark.read.parquet(*by_table[table])
        elif table == "datasets":
            frame = spark.createDataFrame(registry) if registry.num_rows else spark.createDataFrame([], _ddl(columns))
        else:
            frame = spark.createDataFrame([], _ddl(columns))
        frame.createOrReplaceTempView(view)
        named[table] = view
    with _LOCK:
        _VIEWS[key] = named
        while len(_VIEWS) > VIEW_SETS_KEPT:  # the oldest set first (dicts keep insertion order)
            for view in _VIEWS.pop(next(iter(_VIEWS))).values():
                spark.catalog.dropTempView(view)
    return named


# --- one query ---------------------------------------------------------------------------------------


def _as_duckdb(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object], result: object) -> pd.DataFrame:
    """Spark's Arrow ``result`` with the column names and types DuckDB gives ``sql`` (bound, not run)."""
    described = con.cursor().sql(sql, params=params)
    names, types = described.columns, [str(t) for t in described.types]
    if result.num_columns != len(names):
        raise RuntimeError(f"Spark returned {result.num_columns} columns where DuckDB has {len(names)}")
    result = result.rename_columns([f"c{i}" for i in range(len(names))])
    scratch = duckdb.connect(":memory:")
    try:
        scratch.register("spark_result", result)
        casts = ", ".join(
            f"CAST(c{i} AS {kind}) AS " + '"' + name.replace('"', '""') + '"'
            for i, (name, kind) in enumerate(zip(names, types, strict=True))
        )
        return scratch.execute(f"SELECT {casts} FROM spark_result").df()  # noqa: S608 (names and types from DuckDB)
    finally:
        scratch.close()


def run(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: dict[str, object]) -> pd.DataFrame:
    """Query ``name`` (DuckDB text ``sql``, bound ``params``) on Spark, over the snapshot ``con`` reads."""
    named = views(con)
    text = translated(name, port.signature(params))
    for table, view in named.items():
        text = text.replace(port.TABLE_MARK.format(table), view)
    result = session().sql(text, args=dict(params)).toArrow()
    return _as_duckdb(con, sql, params, result)
