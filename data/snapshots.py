"""Immutable dataset snapshots: the readers' views, the one writer, the switch and the cleanup.

See :mod:`data.warehouse` for the layout. The numbers behind the choices (measured in issue 13's
research on 10M lines): Parquet with 122,880-row groups sorted by date reads within 1.0–1.2× of a
native DuckDB table (1M-row groups are 2–2.7× slower on date filters); a new reader connection with
views and the lock-down costs ~60 ms, once per version per process; SQLite in WAL mode took 4×1000
concurrent inserts without an error. Parquet is what Spark and others read natively.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from data import access, registry
from data.state import USER_TABLES, Store
from data.warehouse import db_path, lock_down, memory_connection, memory_limit, migrate

ROW_GROUP_SIZE = 122_880
GRACE_SECONDS = 15 * 60  # a superseded version stays this long for pages still reading it
DEFAULT_WRITER_WAIT_S = 600
SNAPSHOTS = "snapshots"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
DERIVED = "derived"  # results computed from a snapshot after it was published (fitted models)
# A reader's own record of the files behind its views (the warehouse folder and each path in it): an
# engine other than DuckDB (metrics/spark) reads exactly these, so both see the same snapshot.
SNAPSHOT_FILES = "snapshot_files"
ROLLUPS_MIGRATION = 13  # snapshots written before it lack daily_sales and customer_days (Warehouse.upgrade)


class WarehouseBusy(Exception):
    """Another process has been loading for longer than this one is willing to wait."""


def writer_wait_seconds() -> float:
    """How long a load waits for another one to finish: ``SALESLENS_WRITER_WAIT_S`` (default 600)."""
    raw = os.environ.get("SALESLENS_WRITER_WAIT_S", "")
    try:
        return max(float(raw), 0.0) if raw.strip() else DEFAULT_WRITER_WAIT_S
    except ValueError:
        return DEFAULT_WRITER_WAIT_S


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    """A path of ours as a SQL string literal (DuckDB's COPY and read_parquet take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def fact_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The per-dataset tables a snapshot holds: every base table with a ``dataset`` column but the user's."""
    return [t for t in registry.dataset_tables(con.cursor()) if t not in USER_TABLES]


@dataclass
class Warehouse:
    """One warehouse: ``root`` is its folder (None for an in-memory warehouse)."""

    root: Path | None
    state: Store
    memory: duckdb.DuckDBPyConnection | None = None

    _opened = {}  # noqa: RUF012 (one Warehouse per folder and process: its Store keeps per-thread connections)

    @classmethod
    def of(cls, target: object) -> Warehouse:
        """``target`` itself, or an in-memory warehouse around a connection of ``warehouse.connect(":memory:")``."""
        if isinstance(target, Warehouse):
            return target
        if hasattr(target, "cursor"):  # a DuckDB connection (or a test's stand-in for one)
            return cls(None, Store(duck=target), target)
        raise TypeError(f"not a warehouse: {type(target).__name__}")

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Warehouse:
        if str(path) == ":memory:":
            con = memory_connection()
            return cls(None, Store(duck=con), con)
        root = db_path(path)
        found = cls._opened.get(root)
        if found is None:
            if root.is_file():  # a warehouse from before snapshots: one DuckDB file, imported once
                legacy, root = root, root.with_name(root.name + ".d")
                found = cls._opened.get(root)
            else:
                legacy = None
            if found is None:
                (root / SNAPSHOTS).mkdir(parents=True, exist_ok=True)
                found = cls(root, Store(sqlite_path=root / "state.sqlite"))
                cls._opened[root] = found
                if legacy is not None and not found.state.datasets():
                    found.import_legacy(legacy)
                found.upgrade()
        return found

    def upgrade(self) -> None:
        """Give every current snapshot the tables derived from its lines that it predates (once).

        A snapshot written before a rollup existed has no file for it; its dataset is rewritten
        with the rollups derived (same rows and version, a new snapshot), so no query ever reads a
        missing rollup as "no sales".
        """
        for row in self.state.datasets():
            manifest = json.loads((self.root / SNAPSHOTS / row["snapshot"] / MANIFEST).read_text(encoding="utf-8"))  # type: ignore[operator]
            if manifest.get("schema", 0) >= ROLLUPS_MIGRATION:
                continue
            with self.writer(row["name"]):
                pass  # the writer derives what the imported rows lack

    # --- reading ------------------------------------------------------------------------------------

    def datasets(self) -> list[registry.Dataset]:
        """The registry, read fresh (one small SQLite query)."""
        if self.memory is not None:
            return registry.list_datasets(self.memory)
        return [registry.Dataset(**{k: v for k, v in row.items() if k != "snapshot"}) for row in self.state.datasets()]

    def token(self) -> tuple:
        """What a reader is built from: every dataset's current snapshot (changes with any load or delete)."""
        if self.memory is not None:
            return ()
        return tuple((row["name"], row["version"], row["snapshot"]) for row in self.state.datasets())

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A locked in-memory DuckDB whose tables are the current snapshots (build one per :meth:`token`)."""
        if self.memory is not None:
            return self.memory
        return build_reader(self.root, self.state.datasets())  # type: ignore[arg-type]

    def derived_path(self, folder: str, name: str) -> Path | None:
        """Where a result computed from snapshot ``folder`` (a fitted model) is kept beside it.

        ``name`` is hashed: the file name is ours. None for an in-memory warehouse (nothing to keep).
        """
        if self.root is None:
            return None
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]
        return self.root / SNAPSHOTS / folder / DERIVED / f"{digest}.pkl"

    # --- writing ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, dataset: str, *, skip: tuple[str, ...] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
        """A private DuckDB holding ``dataset``'s current rows (but the ``skip`` tables); publish on success.

        The caller changes the dataset in its own transaction (``warehouse.transaction``) and leaves
        the registry row refreshed (``registry.refresh``). When the block ends normally the dataset's
        tables are written as a new snapshot and switched in; an exception publishes nothing. One
        writer at a time: others wait up to ``SALESLENS_WRITER_WAIT_S``, then WarehouseBusy.
        """
        if self.memory is not None:
            yield self.memory
            return
        root: Path = self.root  # type: ignore[assignment]
        with self._writer_lock():
            folder = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
            tmp = root / SNAPSHOTS / f"{TMP_PREFIX}{folder}"
            spill = root / SNAPSHOTS / f"{TMP_PREFIX}{folder}-spill"
            tmp.mkdir()
            spill.mkdir()
            con = duckdb.connect(":memory:", config={"memory_limit": memory_limit(), "temp_directory": str(spill)})
            try:
                migrate(con)
                current = self.state.dataset(dataset)
                if current is not None:
                    # derived tables are rebuilt from the lines (registry.refresh), never carried over
                    _import(con, root / SNAPSHOTS / current["snapshot"], (*skip, *registry.DERIVED_TABLES))
                    _import_registry(con, current)
                yield con
                _ensure_derived(con, dataset)
                row = _registry_row(con, dataset)
                _export(con, dataset, tmp)
            finally:
                con.close()
                shutil.rmtree(spill, ignore_errors=True)
            _fsync_tree(tmp)
            os.rename(tmp, root / SNAPSHOTS / folder)
            _fsync_dir(root / SNAPSHOTS)
            self.state.publish(row, folder)
            self._cleanup_locked()

    def delete(self, name: str) -> bool:
        """Remove a dataset (its snapshots once nothing reads them, and the user rows tied to it).

        Only for those allowed to (``data.access``: analysts and admins whose scope holds the
        dataset and every row of it); a deletion, and a refused one, is written to the audit log.
        """
        who = access.require("dataset.delete", dataset=name, store=self.state)
        if self.memory is not None:
            existed = registry.delete_dataset(self.memory, name)
        else:
            with self._writer_lock():
                existed = self.state.forget(name)
                self._cleanup_locked()
        if existed:
            access.record(self.state, "dataset.delete", target=name, principal=who)
        return existed

    def cleanup(self) -> None:
        """Delete versions superseded more than GRACE_SECONDS ago and every unfinished or unpublished folder."""
        if self.memory is None:
            with self._writer_lock():
                self._cleanup_locked()

    def _cleanup_locked(self) -> None:
        snapshots = self.root / SNAPSHOTS  # type: ignore[operator]
        known = {row["folder"]: row for row in self.state.snapshots()}
        cutoff = dt.datetime.now() - dt.timedelta(seconds=GRACE_SECONDS)
        for folder, row in known.items():
            if row["superseded_at"] is not None and row["superseded_at"] < cutoff:
                shutil.rmtree(snapshots / folder, ignore_errors=True)
                self.state.drop_snapshot(folder)
        for path in snapshots.iterdir():
            # under the lock no writer is alive, so a temporary folder is a killed writer's leftover,
            # and a renamed folder the catalog does not know was never published
            if path.name.startswith(TMP_PREFIX) or path.name not in known:
                shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        path = self.root / "writer.lock"  # type: ignore[operator]
        deadline = time.monotonic() + writer_wait_seconds()
        with path.open("a+") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(str(self.root)) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- a warehouse from before snapshots --------------------------------------------------------------

    def import_legacy(self, legacy: Path) -> None:
        """Copy every dataset and the user state of a single-file DuckDB warehouse into this one."""
        old = duckdb.connect(str(legacy), read_only=True)
        try:
            migrated = {r[0] for r in old.execute("SELECT version FROM schema_migrations").fetchall()}
            registered = {
                r[0]: r[1:]
                for r in old.execute("SELECT name, source, kind, has_channel, has_region FROM datasets").fetchall()
            }
            names = sorted(
                set(registered) | {r[0] for r in old.execute("SELECT DISTINCT dataset FROM order_lines").fetchall()}
            )
            tables = [t for t in registry.dataset_tables(old.cursor()) if t not in USER_TABLES]
            for name in names:
                with self.writer(name) as con:
                    for table in tables:
                        sql = f"SELECT * FROM {_quote(table)} WHERE dataset = $n"  # noqa: S608 (catalog name, quoted)
                        frame = old.sql(sql, params={"n": name}).to_arrow_table()
                        con.register("legacy_rows", frame)
                        con.execute(f"INSERT INTO {_quote(table)} BY NAME SELECT * FROM legacy_rows")  # noqa: S608
                        con.unregister("legacy_rows")
                    source, kind, has_channel, has_region = registered.get(name, ("legacy", "upload", True, True))
                    # keys and first orders the old file may predate (migrations 006, 007) are derived here
                    registry.refresh(
                        con.cursor(), name, source=source, kind=kind, has_channel=has_channel, has_region=has_region
                    )
            if 2 in migrated:
                for kind, key, mapping in old.execute(
                    "SELECT kind, header_key, mapping FROM ingest_mappings"
                ).fetchall():
                    self.state.remember_mapping(kind, key, json.loads(mapping), "none", False, None)
            for name, notes, payload, dataset in (
                old.execute("SELECT name, notes, payload, dataset FROM budget_scenarios").fetchall()
                if 4 in migrated
                else []
            ):
                self.state.save_scenario(dataset, name, notes, payload)
            for row in old.execute("SELECT * FROM goals").df().to_dict("records") if 5 in migrated else []:
                self.state.insert_goal(
                    {k: (None if k == "baseline" and row[k] != row[k] else row[k]) for k in Store.GOAL_FIELDS}
                )
        finally:
            old.close()


# --- results derived from a snapshot --------------------------------------------------------------


def load_derived(path: Path | None) -> object | None:
    """A result saved by :func:`save_derived`, or None (not computed yet, or unreadable)."""
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 (written by this program beside its own snapshot)
    except Exception:  # a file from another version of the code: compute again
        return None


def save_derived(path: Path | None, result: object) -> None:
    """Keep ``result`` beside its snapshot, atomically (a reader never sees half a file)."""
    if path is None:
        return
    with contextlib.suppress(OSError):  # the snapshot was cleaned up meanwhile: nothing to keep
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f"{TMP_PREFIX}{uuid.uuid4().hex}")
        with tmp.open("wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)


# --- helpers -------------------------------------------------------------------------------------


def build_reader(root: Path, rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """The reader for these registry rows: views over exactly their files, and nothing else reachable."""
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit()})
    migrate(con)
    for table in USER_TABLES + (
        "ingest_mappings",
        "audit_log",
        "user_views",
    ):  # user state lives in the store: using it here must fail loudly
        con.execute(f"DROP TABLE {_quote(table)}")
    files: dict[str, list[Path]] = {}
    for row in rows:
        folder = root / SNAPSHOTS / row["snapshot"]
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        for table in manifest["tables"]:
            files.setdefault(table, []).append(folder / f"{table}.parquet")
    cur = con.cursor()
    if rows:
        registry_rows = pa.Table.from_pylist([{k: v for k, v in row.items() if k != "snapshot"} for row in rows])
        cur.register("registry_rows", registry_rows)
        cur.execute("INSERT INTO datasets BY NAME SELECT * FROM registry_rows")
        cur.unregister("registry_rows")
    # Every table becomes a view (a reader cannot write): over the snapshots' files where there are
    # some, else over the empty table, kept under another name.
    for table in [*fact_tables(con), "datasets"]:
        if table in files:
            source = _parquet_source(cur, table, files[table])
            cur.execute(f"DROP TABLE {_quote(table)}")
        else:
            cur.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote('_empty_' + table)}")
            source = _quote("_empty_" + table)
        cur.execute(f"CREATE VIEW {_quote(table)} AS SELECT * FROM {source}")  # noqa: S608
    # which file each table reads, for another engine over the same snapshot (metrics/spark)
    cur.execute(f"CREATE TABLE {SNAPSHOT_FILES} (table_name VARCHAR, root VARCHAR, path VARCHAR)")
    listed = [(table, str(root), str(path.relative_to(root))) for table, paths in files.items() for path in paths]
    if listed:
        cur.executemany(f"INSERT INTO {SNAPSHOT_FILES} VALUES (?, ?, ?)", listed)  # noqa: S608 (a module constant)
    allowed = [str(p) for paths in files.values() for p in paths]
    cur.execute(f"SET allowed_paths = [{', '.join(_literal(Path(p)) for p in allowed)}]")
    cur.execute("SET temp_directory = ''")  # a reader writes nowhere, spill files included
    lock_down(con)
    return con


def _parquet_source(cur: duckdb.DuckDBPyConnection, table: str, paths: list[Path]) -> str:
    """The SELECT source over a table's snapshot files, in the table's current columns.

    A migration that adds a column to a fact table (011: the customers' profile fields) leaves the
    snapshots written before it without that column; those files are read by name and the missing
    columns come back as typed NULLs, so every query sees the schema the migrations define. Files
    that have every column (the usual case) are read as they are.
    """
    columns = cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = $t ORDER BY ordinal_position",
        {"t": table},
    ).fetchall()
    have = [set(pq.read_schema(path).names) for path in paths]
    listing = ", ".join(map(_literal, paths))
    if all(name in names for names in have for name, _ in columns):
        return f"read_parquet([{listing}])"
    found = set().union(*have)
    select = ", ".join(
        _quote(name) if name in found else f"CAST(NULL AS {kind}) AS {_quote(name)}" for name, kind in columns
    )
    return f"(SELECT {select} FROM read_parquet([{listing}], union_by_name = true))"  # noqa: S608 (catalog names, our paths)


def _import(con: duckdb.DuckDBPyConnection, folder: Path, skip: tuple[str, ...]) -> None:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    known = set(fact_tables(con))
    for table in manifest["tables"]:
        if table in skip or table not in known:  # a table an older schema had and this one dropped
            continue
        source = _literal(folder / (table + ".parquet"))
        con.execute(f"INSERT INTO {_quote(table)} BY NAME SELECT * FROM read_parquet({source})")  # noqa: S608


def _ensure_derived(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    """Derive the dataset's first orders and rollups when the writer's caller did not (registry.refresh does)."""
    cur = con.cursor()
    lines, days = cur.execute(
        "SELECT (SELECT count(*) FROM order_lines WHERE dataset = $n), (SELECT count(*) FROM daily_sales WHERE dataset = $n)",
        {"n": dataset},
    ).fetchall()[0]
    if lines and not days:
        registry.derive_firsts(cur, dataset)
        registry.derive_rollups(cur, dataset)


def _import_registry(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    con.register("registry_row", pa.Table.from_pylist([{k: v for k, v in row.items() if k != "snapshot"}]))
    con.execute("INSERT INTO datasets BY NAME SELECT * FROM registry_row")
    con.unregister("registry_row")


def _registry_row(con: duckdb.DuckDBPyConnection, dataset: str) -> dict:
    cur = con.cursor().execute("SELECT * FROM datasets WHERE name = $n", {"n": dataset})
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        raise RuntimeError(f"the writer left no registry row for {dataset!r} (registry.refresh was not called)")
    return dict(zip(names, rows[0], strict=True))


def _export(con: duckdb.DuckDBPyConnection, dataset: str, folder: Path) -> None:
    """Every fact table's rows of ``dataset`` as ``<table>.parquet`` in ``folder``, plus the manifest."""
    tables = {}
    cur = con.cursor()
    for table in fact_tables(con):
        count = cur.execute(f"SELECT count(*) FROM {_quote(table)} WHERE dataset = $n", {"n": dataset}).fetchall()[0][0]  # noqa: S608
        if not count:
            continue
        order = (
            f" ORDER BY {registry.ORDER_BY[table]}" if table in registry.ORDER_BY and not _in_order(cur, table) else ""
        )
        # the writer holds one dataset only, so the copy needs no filter (COPY takes no parameters)
        cur.execute(
            f"COPY (SELECT * FROM {_quote(table)}{order}) TO {_literal(folder / (table + '.parquet'))} "  # noqa: S608
            f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
        )
        tables[table] = int(count)
    schema = con.cursor().execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    (folder / MANIFEST).write_text(
        json.dumps(
            {"dataset": dataset, "tables": tables, "schema": schema, "written_at": dt.datetime.now().isoformat()},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def _in_order(cur: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``table``'s rows are already in ``registry.ORDER_BY[table]`` order as inserted (the
    order a COPY without ORDER BY writes them in, DuckDB's preserve_insertion_order). Loaders often insert in that
    order (the demo, an upload's keyed lines), and the writer's sort spills past its memory budget:
    10M demo lines 7.5 s sorted, 4.3 s written as they are, 0.8 s to check. DuckDB compares the key
    tuples with NULLs last, as ORDER BY sorts them; a comparison that is not true counts as out of
    order, so only a certain answer skips the sort."""
    keys = f"({registry.ORDER_BY[table]})"
    out_of_order = cur.execute(
        f"SELECT count(*) FROM (SELECT {keys} >= lag({keys}) OVER (ORDER BY rowid) AS ok, "  # noqa: S608 (constants)
        f"row_number() OVER (ORDER BY rowid) AS n FROM {_quote(table)}) WHERE n > 1 AND ok IS NOT TRUE"
    ).fetchall()[0][0]
    return out_of_order == 0


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
