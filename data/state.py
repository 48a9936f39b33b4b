"""User state and the warehouse's catalog of versions, in a store that accepts concurrent writers.

What people author (goals, budget scenarios, risk response plans, confirmed column mappings, with who
saved them and when), the audit log (loads, deletes, role changes, refused attempts) and which snapshot
of each dataset is current live here, not in the snapshots: they change on their own schedule, several
processes write them at once, and a data reload must not touch them.

A file warehouse keeps them in SQLite (``state.sqlite``, WAL, a busy timeout; a read-then-write runs
under ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing). An in-memory warehouse
(tests, a one-off script) keeps the same tables in its DuckDB connection. Either way callers see
one :class:`Store` with the same methods; SQL is written once with ``:name`` parameters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb

BUSY_TIMEOUT_S = 30.0
_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")

# SQLite schema of a file warehouse, applied in order and recorded in user_version. The DuckDB
# migrations create the same user tables for in-memory warehouses (002, 004, 005, 008, 012, 014).
SCHEMA = (
    """
    CREATE TABLE datasets (
        name TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, loaded_at TIMESTAMP NOT NULL,
        order_lines INTEGER NOT NULL, orders INTEGER NOT NULL, customers INTEGER NOT NULL,
        first_date DATE, last_date DATE, version INTEGER NOT NULL, has_customer BOOLEAN NOT NULL,
        has_cost BOOLEAN NOT NULL, has_region BOOLEAN NOT NULL, has_channel BOOLEAN NOT NULL,
        split_orders INTEGER NOT NULL DEFAULT 0,
        snapshot TEXT NOT NULL                -- the current snapshot's folder name (never the dataset's name)
    );
    CREATE TABLE snapshots (
        folder TEXT PRIMARY KEY, dataset TEXT NOT NULL, version INTEGER NOT NULL, created_at TIMESTAMP NOT NULL,
        superseded_at TIMESTAMP                -- NULL while current, then when it stopped being current
    );
    CREATE TABLE ingest_mappings (
        kind TEXT NOT NULL, header_key TEXT NOT NULL, mapping TEXT NOT NULL, updated_at TIMESTAMP NOT NULL,
        profile TEXT, profile_chosen BOOLEAN DEFAULT 0, channel TEXT,
        PRIMARY KEY (kind, header_key)
    );
    CREATE TABLE budget_scenarios (
        dataset TEXT NOT NULL, name TEXT NOT NULL, notes TEXT NOT NULL, payload TEXT NOT NULL,
        saved_at TIMESTAMP NOT NULL, PRIMARY KEY (dataset, name)
    );
    CREATE TABLE goals (
        id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL, metric TEXT NOT NULL, target REAL NOT NULL,
        deadline DATE NOT NULL, owner TEXT NOT NULL, scope TEXT NOT NULL, baseline REAL,
        baseline_date DATE NOT NULL, created_at TIMESTAMP NOT NULL, notes TEXT NOT NULL
    );
    """,
    # 2: the risk register's response plans and the risks users add (metrics/risks; DuckDB migration 012)
    """
    CREATE TABLE risk_plans (
        dataset TEXT NOT NULL, risk TEXT NOT NULL, owner TEXT NOT NULL, action TEXT NOT NULL, due DATE,
        status TEXT NOT NULL, updated_at TIMESTAMP NOT NULL, saved_by TEXT, PRIMARY KEY (dataset, risk)
    );
    CREATE TABLE user_risks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
        category TEXT NOT NULL, likelihood INTEGER NOT NULL, impact INTEGER NOT NULL, created_at TIMESTAMP NOT NULL,
        saved_by TEXT
    );
    """,
    # 3 (issue 17): who saved each object, and the audit log (mirrored by DuckDB migration 014).
    # audit_log has no ``dataset`` column on purpose: deleting a dataset must not delete its history.
    """
    ALTER TABLE budget_scenarios ADD COLUMN saved_by TEXT;
    ALTER TABLE goals ADD COLUMN created_by TEXT;
    ALTER TABLE goals ADD COLUMN updated_by TEXT;
    ALTER TABLE goals ADD COLUMN updated_at TIMESTAMP;
    ALTER TABLE ingest_mappings ADD COLUMN updated_by TEXT;
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, happened_at TIMESTAMP NOT NULL, actor TEXT NOT NULL, role TEXT,
        action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL
    );
    CREATE INDEX audit_log_at ON audit_log (happened_at);
    CREATE TABLE user_views (actor TEXT PRIMARY KEY, query TEXT NOT NULL, updated_at TIMESTAMP NOT NULL);
    """,
)
# Tables whose rows belong to one dataset: deleting the dataset deletes them.
USER_TABLES = ("budget_scenarios", "goals", "risk_plans", "user_risks")
REGISTRY_FIELDS = (
    "name",
    "source",
    "kind",
    "loaded_at",
    "order_lines",
    "orders",
    "customers",
    "first_date",
    "last_date",
    "version",
    "has_customer",
    "has_cost",
    "has_region",
    "has_channel",
    "split_orders",
)


def _date(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T][\d:.]+", value):
        return dt.datetime.fromisoformat(value)
    return value


class Store:
    """The user-state tables behind one interface, on SQLite (file warehouse) or DuckDB (in memory)."""

    def __init__(self, *, sqlite_path: Path | None = None, duck: duckdb.DuckDBPyConnection | None = None) -> None:
        self._path, self._duck = sqlite_path, duck
        self._local = threading.local()
        if sqlite_path is not None:
            with self._sqlite() as con:
                _migrate_sqlite(con)

    @property
    def is_sqlite(self) -> bool:
        return self._path is not None

    def _sqlite(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:  # one connection per thread: sqlite3 connections are not shared across threads
            con = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, detect_types=0, check_same_thread=True
            )
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self._local.con = con
        return con

    def rows(self, sql: str, params: Mapping[str, object] | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts (dates parsed back from SQLite's text)."""
        params = dict(params or {})
        if self._duck is not None:
            cur = self._duck.cursor().execute(_PARAM.sub(r"$\1", sql), params)
            names = [d[0] for d in cur.description] if cur.description else []
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        cur = self._sqlite().execute(sql, {k: _sqlite_value(v) for k, v in params.items()})
        names = [d[0] for d in cur.description] if cur.description else []
        return [{k: _date(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Everything inside is one transaction (SQLite: BEGIN IMMEDIATE, so writers queue)."""
        if self._duck is not None:
            from data.warehouse import transaction

            with transaction(self._duck.cursor()) as cur:
                yield Store(duck=cur)
            return
        con = self._sqlite()
        con.execute("BEGIN IMMEDIATE")
        try:
            yield self
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # --- the registry of datasets and their snapshots (file warehouses) ----------------------------

    def datasets(self) -> list[dict[str, Any]]:
        return self.rows(
            f"SELECT {', '.join(REGISTRY_FIELDS)}, snapshot FROM datasets "  # noqa: S608 (constants)
            "ORDER BY kind = 'demo' DESC, name"
        )

    def dataset(self, name: str) -> dict[str, Any] | None:
        found = self.rows(
            f"SELECT {', '.join(REGISTRY_FIELDS)}, snapshot FROM datasets WHERE name = :n",  # noqa: S608
            {"n": name},
        )
        return found[0] if found else None

    def publish(self, row: Mapping[str, object], folder: str) -> int:
        """Make ``folder`` the dataset's current snapshot with the registry ``row``; returns the version.

        One transaction: the previous snapshot is marked superseded and the new one current. That
        commit is the switch every reader sees on its next run.
        """
        now = dt.datetime.now()
        with self.transaction() as tx:
            previous = tx.rows("SELECT version, snapshot FROM datasets WHERE name = :n", {"n": row["name"]})
            version = previous[0]["version"] + 1 if previous else 1
            if previous:
                tx.rows(
                    "UPDATE snapshots SET superseded_at = :t WHERE folder = :f",
                    {"t": now, "f": previous[0]["snapshot"]},
                )
            tx.rows("DELETE FROM datasets WHERE name = :n", {"n": row["name"]})
            values = {**{k: row[k] for k in REGISTRY_FIELDS}, "version": version, "snapshot": folder}
            tx.rows(
                f"INSERT INTO datasets ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})",  # noqa: S608
                values,
            )
            tx.rows(
                "INSERT INTO snapshots (folder, dataset, version, created_at) VALUES (:f, :d, :v, :t)",
                {"f": folder, "d": row["name"], "v": version, "t": now},
            )
        return version

    def forget(self, name: str) -> bool:
        """Remove a dataset and the user rows that belong to it; its snapshots become superseded."""
        with self.transaction() as tx:
            existed = bool(tx.rows("SELECT 1 AS x FROM datasets WHERE name = :n", {"n": name}))
            tx.rows(
                "UPDATE snapshots SET superseded_at = :t WHERE dataset = :n AND superseded_at IS NULL",
                {"t": dt.datetime.now(), "n": name},
            )
            tx.rows("DELETE FROM datasets WHERE name = :n", {"n": name})
            for table in USER_TABLES:
                tx.rows(f"DELETE FROM {table} WHERE dataset = :n", {"n": name})  # noqa: S608 (constants)
        return existed

    def snapshots(self) -> list[dict[str, Any]]:
        return self.rows("SELECT folder, dataset, version, created_at, superseded_at FROM snapshots")

    def drop_snapshot(self, folder: str) -> None:
        self.rows("DELETE FROM snapshots WHERE folder = :f", {"f": folder})

    # --- confirmed column mappings (data.ingest.mapping) ------------------------------------------

    def recall_mapping(self, kind: str, header_key: str) -> dict[str, Any] | None:
        found = self.rows(
            "SELECT mapping, profile, profile_chosen, channel FROM ingest_mappings WHERE kind = :k AND header_key = :h",
            {"k": kind, "h": header_key},
        )
        return found[0] if found else None

    def remember_mapping(
        self,
        kind: str,
        header_key: str,
        mapping: dict[str, str],
        profile: str,
        chosen: bool,
        channel: str | None,
        by: str | None = None,
    ) -> None:
        self.rows(
            "INSERT INTO ingest_mappings (kind, header_key, mapping, updated_at, profile, profile_chosen, channel, "
            "updated_by) VALUES (:k, :h, :m, :t, :p, :c, :ch, :by) ON CONFLICT (kind, header_key) DO UPDATE SET "
            "mapping = excluded.mapping, updated_at = excluded.updated_at, profile = excluded.profile, "
            "profile_chosen = excluded.profile_chosen, channel = excluded.channel, updated_by = excluded.updated_by",
            {
                "k": kind,
                "h": header_key,
                "m": json.dumps(mapping, ensure_ascii=False, sort_keys=True),
                "t": dt.datetime.now(),
                "p": profile,
                "c": bool(chosen),
                "ch": channel,
                "by": by,
            },
        )

    def mappings(self) -> list[dict[str, Any]]:
        """Every remembered mapping with who confirmed it last and when."""
        return self.rows(
            "SELECT kind, header_key, mapping, profile, channel, updated_at, updated_by FROM ingest_mappings "
            "ORDER BY updated_at DESC"
        )

    # --- budget scenarios (metrics.budget.scenarios) ------------------------------------------------

    def save_scenario(self, dataset: str, name: str, notes: str, payload: str, by: str | None = None) -> None:
        self.rows(
            "INSERT INTO budget_scenarios (dataset, name, notes, payload, saved_at, saved_by) "
            "VALUES (:d, :n, :o, :p, :t, :by) "
            "ON CONFLICT (dataset, name) DO UPDATE SET notes = excluded.notes, payload = excluded.payload, "
            "saved_at = excluded.saved_at, saved_by = excluded.saved_by",
            {"d": dataset, "n": name, "o": notes, "p": payload, "t": dt.datetime.now(), "by": by},
        )

    def scenarios(self, dataset: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT name, notes, payload, saved_at, saved_by FROM budget_scenarios WHERE dataset = :d "
            "ORDER BY saved_at DESC, name",
            {"d": dataset},
        )

    def delete_scenario(self, dataset: str, name: str) -> bool:
        with self.transaction() as tx:
            found = tx.rows(
                "SELECT 1 AS x FROM budget_scenarios WHERE dataset = :d AND name = :n", {"d": dataset, "n": name}
            )
            tx.rows("DELETE FROM budget_scenarios WHERE dataset = :d AND name = :n", {"d": dataset, "n": name})
        return bool(found)

    # --- goals (metrics.goals) ------------------------------------------------------------------------

    GOAL_FIELDS = ("dataset", "metric", "target", "deadline", "owner", "scope", "baseline", "baseline_date", "notes")

    def insert_goal(self, fields: Mapping[str, object], by: str | None = None) -> int:
        values = {k: fields[k] for k in self.GOAL_FIELDS} | {"created_at": dt.datetime.now(), "created_by": by}
        found = self.rows(
            f"INSERT INTO goals ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)}) "  # noqa: S608
            "RETURNING id",
            values,
        )
        return int(found[0]["id"])

    def update_goal(self, goal_id: int, fields: Mapping[str, object], by: str | None = None) -> bool:
        values = {k: fields[k] for k in self.GOAL_FIELDS} | {"updated_at": dt.datetime.now(), "updated_by": by}
        sets = ", ".join(f"{k} = :{k}" for k in values if k != "dataset")
        found = self.rows(
            f"UPDATE goals SET {sets} WHERE dataset = :dataset AND id = :id RETURNING id",  # noqa: S608
            values | {"id": int(goal_id)},
        )
        return bool(found)

    def goals(self, dataset: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT id, dataset, metric, target, deadline, owner, scope, baseline, baseline_date, "
            "created_at, notes, created_by, updated_at, updated_by FROM goals WHERE dataset = :d "
            "ORDER BY deadline, id",
            {"d": dataset},
        )

    def delete_goal(self, dataset: str, goal_id: int) -> bool:
        return bool(
            self.rows(
                "DELETE FROM goals WHERE dataset = :d AND id = :id RETURNING id", {"d": dataset, "id": int(goal_id)}
            )
        )

    # --- the risk register (metrics.risks): response plans and user-added risks ---------------------

    def save_risk_plan(
        self,
        dataset: str,
        risk: str,
        owner: str,
        action: str,
        due: dt.date | None,
        status: str,
        *,
        by: str | None = None,
    ) -> None:
        """Create or replace the plan of ``risk`` (a detected risk's key, or ``user:<id>``), saved by ``by``."""
        self.rows(
            "INSERT INTO risk_plans (dataset, risk, owner, action, due, status, updated_at, saved_by) "
            "VALUES (:d, :r, :o, :a, :due, :s, :t, :by) ON CONFLICT (dataset, risk) DO UPDATE SET "
            "owner = excluded.owner, action = excluded.action, due = excluded.due, status = excluded.status, "
            "updated_at = excluded.updated_at, saved_by = excluded.saved_by",
            {
                "d": dataset,
                "r": risk,
                "o": owner,
                "a": action,
                "due": due,
                "s": status,
                "t": dt.datetime.now(),
                "by": by,
            },
        )

    def risk_plans(self, dataset: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT risk, owner, action, due, status, updated_at, saved_by FROM risk_plans WHERE dataset = :d "
            "ORDER BY risk",
            {"d": dataset},
        )

    def delete_risk_plan(self, dataset: str, risk: str) -> bool:
        return bool(
            self.rows(
                "DELETE FROM risk_plans WHERE dataset = :d AND risk = :r RETURNING risk", {"d": dataset, "r": risk}
            )
        )

    USER_RISK_FIELDS = ("title", "description", "category", "likelihood", "impact")

    def insert_user_risk(self, dataset: str, fields: Mapping[str, object], *, by: str | None = None) -> int:
        values = {
            "dataset": dataset,
            **{k: fields[k] for k in self.USER_RISK_FIELDS},
            "created_at": dt.datetime.now(),
            "saved_by": by,
        }
        found = self.rows(
            f"INSERT INTO user_risks ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)}) "  # noqa: S608
            "RETURNING id",
            values,
        )
        return int(found[0]["id"])

    def update_user_risk(
        self, dataset: str, risk_id: int, fields: Mapping[str, object], *, by: str | None = None
    ) -> bool:
        values = {**{k: fields[k] for k in self.USER_RISK_FIELDS}, "saved_by": by}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        return bool(
            self.rows(
                f"UPDATE user_risks SET {sets} WHERE dataset = :dataset AND id = :id RETURNING id",  # noqa: S608
                values | {"dataset": dataset, "id": int(risk_id)},
            )
        )

    def user_risks(self, dataset: str) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT id, title, description, category, likelihood, impact, created_at FROM user_risks "
            "WHERE dataset = :d ORDER BY id",
            {"d": dataset},
        )

    def delete_user_risk(self, dataset: str, risk_id: int) -> bool:
        """Delete a user-added risk and its plan."""
        with self.transaction() as tx:
            found = tx.rows(
                "DELETE FROM user_risks WHERE dataset = :d AND id = :id RETURNING id",
                {"d": dataset, "id": int(risk_id)},
            )
            tx.rows(
                "DELETE FROM risk_plans WHERE dataset = :d AND risk = :r", {"d": dataset, "r": f"user:{int(risk_id)}"}
            )
        return bool(found)

    # --- each signed-in user's last view (ui.auth: signing in or out keeps filters and language) ------

    def save_view(self, actor: str, query: str) -> None:
        self.rows(
            "INSERT INTO user_views (actor, query, updated_at) VALUES (:a, :q, :t) ON CONFLICT (actor) DO UPDATE "
            "SET query = excluded.query, updated_at = excluded.updated_at",
            {"a": str(actor)[:300], "q": query[:4000], "t": dt.datetime.now()},
        )

    def view(self, actor: str) -> str | None:
        found = self.rows("SELECT query FROM user_views WHERE actor = :a", {"a": str(actor)[:300]})
        return found[0]["query"] if found else None

    def take_view(self, actor: str, *, max_age: dt.timedelta) -> str | None:
        """The view kept under ``actor`` if younger than ``max_age``, removed as it is read (a link
        kept across the sign-in redirect: ui.auth). Rows of that kind older than ``max_age`` go too."""
        actor = str(actor)[:300]
        oldest = dt.datetime.now() - max_age
        found = self.rows(
            "SELECT query FROM user_views WHERE actor = :a AND updated_at >= :t", {"a": actor, "t": oldest}
        )
        self.rows("DELETE FROM user_views WHERE actor = :a", {"a": actor})
        prefix = actor.split(":", 1)[0] + ":%" if ":" in actor else actor
        self.rows("DELETE FROM user_views WHERE actor LIKE :p AND updated_at < :t", {"p": prefix, "t": oldest})
        return found[0]["query"] if found else None

    # --- the audit log (data.access.record) -----------------------------------------------------------

    def audit(self, actor: str, role: str | None, action: str, target: str, outcome: str, detail: str) -> None:
        """Append one entry: who (and in which role) did what to which target, with what outcome."""
        self.rows(
            "INSERT INTO audit_log (happened_at, actor, role, action, target, outcome, detail) "
            "VALUES (:at, :actor, :role, :action, :target, :outcome, :detail)",
            {
                "at": dt.datetime.now(),
                "actor": str(actor)[:300],
                "role": role,
                "action": action,
                "target": str(target)[:300],
                "outcome": outcome,
                "detail": detail[:4000],
            },
        )

    def audit_log(self, limit: int = 500) -> list[dict[str, Any]]:
        """The newest ``limit`` entries, newest first."""
        return self.rows(
            "SELECT id, happened_at, actor, role, action, target, outcome, detail FROM audit_log "
            "ORDER BY happened_at DESC, id DESC LIMIT :n",
            {"n": int(limit)},
        )


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _migrate_sqlite(con: sqlite3.Connection) -> None:
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("BEGIN IMMEDIATE")
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(SCHEMA, start=1):
            if number > version:
                for statement in (s for s in script.split(";") if s.strip()):
                    con.execute(statement)
                con.execute(f"PRAGMA user_version = {number}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def store_for(target: object) -> Store:
    """The store of a warehouse-like object: a :class:`Store` itself, or an in-memory DuckDB connection."""
    if isinstance(target, Store):
        return target
    found = getattr(target, "state", None)
    if isinstance(found, Store):
        return found
    if isinstance(target, duckdb.DuckDBPyConnection):
        return Store(duck=target)
    raise TypeError(f"no user-state store for {type(target).__name__}")
