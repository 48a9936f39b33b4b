"""The datasets registry: which datasets exist, their row counts, date range and version.

A dataset's ``version`` changes whenever its rows change; the app keys every cached result on
it, so a reload can never show stale numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from data.warehouse import transaction

# The data a load or a demo rebuild replaces. User-authored rows (saved scenarios, goals) are not
# facts: a rebuild keeps them, and only deleting the dataset removes them (see dataset_tables).
FACT_TABLES = (
    "order_lines",
    "channel_costs",
    "crm_spend",
    "customers",
    "dataset_truths",
    "marketing_weekly",
    "crm_contacts",
    "experiments",
    "feedback",
    "interactions",
    "traffic",
)


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str
    kind: str
    loaded_at: dt.datetime
    order_lines: int
    orders: int
    customers: int
    first_date: dt.date | None
    last_date: dt.date | None
    version: int
    has_customer: bool
    has_cost: bool
    has_region: bool
    has_channel: bool
    split_orders: int = 0


_COLUMNS = ", ".join(Dataset.__dataclass_fields__)


def list_datasets(con: duckdb.DuckDBPyConnection) -> list[Dataset]:
    """All datasets, demo first, then by name."""
    rows = (
        con.cursor()
        .execute(
            f"SELECT {_COLUMNS} FROM datasets ORDER BY kind = 'demo' DESC, name"  # noqa: S608 (identifiers are module constants)
        )
        .fetchall()
    )
    return [Dataset(*row) for row in rows]


def get_dataset(con: duckdb.DuckDBPyConnection, name: str) -> Dataset | None:
    rows = con.cursor().execute(f"SELECT {_COLUMNS} FROM datasets WHERE name = $n", {"n": name}).fetchall()  # noqa: S608 (identifiers are module constants)
    return Dataset(*rows[0]) if rows else None


def refresh(
    cur: duckdb.DuckDBPyConnection,
    name: str,
    *,
    source: str,
    kind: str,
    has_channel: bool = True,
    has_region: bool = True,
) -> None:
    """Derive new lines' keys and recompute a dataset's registry row (inside the caller's transaction).

    ``has_channel``/``has_region`` say whether the file really had those columns (a load without
    them fills a single placeholder value, which the pages must not present as an analysis).
    """
    derive_keys(cur, name)
    derive_firsts(cur, name)
    derive_rollups(cur, name)
    stats = cur.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE order_first), count(DISTINCT customer_key),
               min(order_date), max(order_date),
               count(customer_id) > 0, count(cost) > 0
        FROM order_lines WHERE dataset = $n
        """,
        {"n": name},
    ).fetchall()[0]
    split = cur.execute(
        "SELECT count(*) FROM (SELECT order_id FROM order_lines WHERE dataset = $n AND order_first "
        "GROUP BY order_id HAVING count(*) > 1)",
        {"n": name},
    ).fetchall()[0][0]
    previous = cur.execute("SELECT version FROM datasets WHERE name = $n", {"n": name}).fetchall()
    version = previous[0][0] + 1 if previous else 1
    cur.execute("DELETE FROM datasets WHERE name = $n", {"n": name})
    cur.execute(
        f"INSERT INTO datasets ({_COLUMNS}) VALUES "  # noqa: S608 (identifiers are module constants)
        "($name, $source, $kind, now()::TIMESTAMP, $lines, $orders, $customers, $first, $last, $version, "
        "$has_customer, $has_cost, $has_region, $has_channel, $split)",
        {
            "name": name,
            "source": source,
            "kind": kind,
            "lines": stats[0],
            "orders": stats[1],
            "customers": stats[2],
            "first": stats[3],
            "last": stats[4],
            "version": version,
            "has_customer": bool(stats[5]),
            "has_cost": bool(stats[6]),
            "has_region": has_region,
            "has_channel": has_channel,
            "split": split,
        },
    )


def dataset_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table holding per-dataset rows: those with a ``dataset`` column, read from the catalog.

    Migrations add such tables (territories, scenarios, goals...); deleting a dataset must reach
    them all without each feature remembering to register itself here.
    """
    rows = cur.execute(
        "SELECT DISTINCT c.table_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.column_name = 'dataset' AND c.table_schema = 'main' AND c.table_name <> 'datasets' "
        "AND t.table_type = 'BASE TABLE' ORDER BY 1"  # views (customer_firsts_derived) hold no rows
    ).fetchall()
    return [row[0] for row in rows]


# The order a snapshot's file holds each table's rows in (data.snapshots writes them so): by date first,
# so each row group's date range is narrow and date filters skip groups. The rollups are inserted in
# this order, so the snapshot writer finds them sorted and writes them as they are.
ORDER_BY = {
    "order_lines": "order_date, order_id, line",
    "daily_sales": "order_date, channel, region",
    "customer_days": "order_date, channel, region, customer_key",
}


def derive_keys(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Fill ``order_first`` and ``customer_key`` (migration 006) when some lines lack them.

    A loader that knows them already (the demo) writes them itself and this is a no-op; after an
    upload or append the dataset's lines are rewritten once, sorted by date (which also keeps
    DuckDB's zone maps tight for date filters).
    """
    pending = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM order_lines WHERE dataset = $n AND order_first IS NULL)", {"n": name}
    ).fetchall()[0][0]
    if not pending:
        return
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE keyed_lines AS
        -- keys numbered over the distinct ids (a window over ~100k ids, not a sort of every line)
        WITH keys AS (
            SELECT customer_id, row_number() OVER (ORDER BY customer_id) AS customer_key
            FROM (SELECT DISTINCT customer_id FROM order_lines WHERE dataset = $n AND customer_id IS NOT NULL)
        )
        SELECT l.* REPLACE (
            row_number() OVER (PARTITION BY l.order_id, l.order_date, l.channel, l.region, l.customer_id
                               ORDER BY l.line) = 1 AS order_first,
            k.customer_key AS customer_key
        )
        FROM order_lines l LEFT JOIN keys k ON k.customer_id = l.customer_id
        WHERE l.dataset = $n
        """,
        {"n": name},
    )
    cur.execute("DELETE FROM order_lines WHERE dataset = $n", {"n": name})
    cur.execute("INSERT INTO order_lines SELECT * FROM keyed_lines ORDER BY " + ORDER_BY["order_lines"])  # noqa: S608 (a constant)
    cur.execute("DROP TABLE keyed_lines")


def derive_firsts(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Rebuild the dataset's ``customer_firsts`` rows (migration 007) from its lines.

    Always rebuilt, not patched: an appended file can hold a customer's earlier orders.
    """
    cur.execute("DELETE FROM customer_firsts WHERE dataset = $n", {"n": name})
    cur.execute("INSERT INTO customer_firsts SELECT * FROM customer_firsts_derived WHERE dataset = $n", {"n": name})


# Tables rebuilt from the lines on every load (migrations 007, 013): a snapshot without them predates
# them and gets them on open (data.snapshots.Warehouse.upgrade).
DERIVED_TABLES = ("customer_firsts", "daily_sales", "customer_days")


def derive_rollups(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Rebuild the dataset's rollups (migration 013) from its lines, in the snapshot's order (ORDER_BY)."""
    for table in ("daily_sales", "customer_days"):
        cur.execute(f"DELETE FROM {table} WHERE dataset = $n", {"n": name})  # noqa: S608 (constants)
        cur.execute(f"INSERT INTO {table} SELECT * FROM {table}_of($n) ORDER BY {ORDER_BY[table]}", {"n": name})  # noqa: S608


def delete_dataset(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Remove a dataset and every row that belongs to it, in one transaction; False when it did not exist."""
    with transaction(con.cursor()) as cur:
        existed = cur.execute("SELECT count(*) FROM datasets WHERE name = $n", {"n": name}).fetchall()[0][0] > 0
        for table in dataset_tables(cur):
            quoted = '"' + table.replace('"', '""') + '"'  # a catalog name, quoted
            cur.execute(f"DELETE FROM {quoted} WHERE dataset = $n", {"n": name})  # noqa: S608
        cur.execute("DELETE FROM datasets WHERE name = $n", {"n": name})
    return existed
