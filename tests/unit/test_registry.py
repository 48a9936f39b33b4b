"""Warehouse migrations and the dataset registry."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

from data import registry, warehouse
from tests.conftest import ROOT
from tests.tiny import line, warehouse_with


def test_migrations_apply_once_and_are_recorded():
    con = warehouse.connect(":memory:")
    versions = [v for v, _, _ in warehouse.migrations()]
    recorded = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert recorded == versions and versions[0] == 1
    assert warehouse.migrate(con) == []  # nothing left to apply


def test_registry_row_counts_and_version_bumps():
    con = warehouse_with(
        [
            line("A", "2024-01-02", "c1", "x", "r", 10, 4),
            line("A", "2024-01-02", "c1", "x", "r", 5, 1, line_no=2),
            line("B", "2024-03-01", None, "y", "r", 7),
        ]
    )
    ds = registry.get_dataset(con, "tiny")
    assert (ds.order_lines, ds.orders, ds.customers) == (3, 2, 1)
    assert str(ds.first_date) == "2024-01-02" and str(ds.last_date) == "2024-03-01"
    assert ds.has_customer and ds.has_cost and ds.version == 1
    cur = con.cursor()
    registry.refresh(cur, "tiny", source="tests", kind="upload")
    assert registry.get_dataset(con, "tiny").version == 2


def test_delete_reaches_every_table_with_a_dataset_column():
    con = warehouse_with([line("A", "2024-01-02", "c1", "x", "r", 10)])
    warehouse_with([line("B", "2024-01-02", "c2", "x", "r", 20)], name="other", con=con)
    tables = registry.dataset_tables(con.cursor())
    assert {"order_lines", "channel_costs", "crm_spend", "customers", "dataset_truths"} <= set(tables)
    con.execute("INSERT INTO channel_costs VALUES ('tiny', DATE '2024-01-01', 'x', 'marketing', 5)")
    assert registry.delete_dataset(con, "tiny") is True
    for table in tables:
        left = con.execute(f'SELECT count(*) FROM "{table}" WHERE dataset = $n', {"n": "tiny"}).fetchall()[0][0]  # noqa: S608
        assert left == 0, table
    assert [d.name for d in registry.list_datasets(con)] == ["other"]
    assert registry.delete_dataset(con, "tiny") is False


def test_keys_are_derived_for_loaded_lines_and_split_orders_are_counted():
    con = warehouse_with(
        [
            line("A", "2024-01-02", "c2", "x", "r", 10),
            line("A", "2024-01-02", "c2", "x", "r", 5, line_no=2),
            line("B", "2024-01-03", "c1", "x", "r", 7),
            # order S has lines in two channels: it counts once per channel
            line("S", "2024-01-04", "c1", "x", "r", 1),
            line("S", "2024-01-04", "c1", "y", "r", 1, line_no=2),
            line("N", "2024-01-05", None, "y", "r", 3),
        ]
    )
    rows = con.execute(
        "SELECT order_id, line, order_first, customer_id, customer_key FROM order_lines ORDER BY order_id, line"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("A", 1, True),
        ("A", 2, False),
        ("B", 1, True),
        ("N", 1, True),
        ("S", 1, True),
        ("S", 2, True),
    ]
    keys = {r[3]: r[4] for r in rows}
    assert keys == {"c1": 1, "c2": 2, None: None}  # dense integers in customer id order
    ds = registry.get_dataset(con, "tiny")
    assert ds.split_orders == 1 and ds.orders == 5 and ds.customers == 2


def test_migration_backfills_keys_of_lines_loaded_before_it(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    for version, name, sql in warehouse.migrations():
        if version < 6:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES ($v, $n)", {"v": version, "n": name})
    con.execute(
        "INSERT INTO order_lines (dataset, order_id, line, order_date, customer_id, channel, region, revenue) "
        "VALUES ('old', 'A', 1, DATE '2024-01-01', 'c9', 'x', 'r', 1), ('old', 'A', 2, DATE '2024-01-01', 'c9', 'x', 'r', 2)"
    )
    con.close()
    con = warehouse.connect(path)  # a single-file warehouse from before snapshots is imported once
    assert con.execute("SELECT line, order_first, customer_key FROM order_lines ORDER BY line").fetchall() == [
        (1, True, 1),
        (2, False, 1),
    ]
    assert registry.get_dataset(con, "old").order_lines == 2


def test_customer_firsts_hold_each_customers_first_order_and_follow_appends():
    con = warehouse_with(
        [
            # c1: two orders on the first day; the smaller id (B) is the first order, 'a' the first channel by name
            line("C", "2024-01-02", "c1", "b", "r2", 10),
            line("B", "2024-01-02", "c1", "z", "r1", 5),
            line("D", "2024-02-01", "c1", "a", "r3", 5),
            line("E", "2024-01-10", "c2", "x", "r1", 7),
            line("N", "2024-01-01", None, "y", "r1", 3),
        ]
    )
    rows = con.execute(
        "SELECT customer_id, customer_key, first_date::VARCHAR, first_order_id, first_channel, first_region, "
        "first_day_channel FROM customer_firsts WHERE dataset = 'tiny' ORDER BY 1"
    ).fetchall()
    assert rows == [("c1", 1, "2024-01-02", "B", "z", "r1", "b"), ("c2", 2, "2024-01-10", "E", "x", "r1", "x")]
    # an appended earlier order moves c2's first order: the rows are rebuilt, not patched
    cur = con.cursor()
    cur.execute(
        "INSERT INTO order_lines (dataset, order_id, line, order_date, customer_id, channel, region, revenue) "
        "VALUES ('tiny', 'A', 1, DATE '2023-12-31', 'c2', 'w', 'r9', 1)"
    )
    registry.refresh(cur, "tiny", source="tests", kind="upload")
    first = con.execute(
        "SELECT first_date::VARCHAR, first_channel FROM customer_firsts WHERE customer_id = 'c2'"
    ).fetchall()
    assert first == [("2023-12-31", "w")]
    assert registry.delete_dataset(con, "tiny") and con.execute("SELECT count(*) FROM customer_firsts").fetchall() == [
        (0,)
    ]


def test_connections_cannot_reach_files_or_urls(tmp_path):
    """Issue 12: after set-up no SQL on a warehouse connection reads a file, a URL or changes that."""
    con = warehouse.connect(tmp_path / "w.duckdb")
    cur = con.cursor()
    for sql in (
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')",
        "COPY datasets TO '/tmp/saleslens-leak.csv'",
        "ATTACH '/tmp/saleslens-other.duckdb'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
    ):
        with pytest.raises(duckdb.Error):
            cur.execute(sql)
    # a value bound as a parameter is data, never a path
    rows = cur.execute("SELECT count(*) FROM order_lines WHERE dataset = $d", {"d": "read_csv('/etc/passwd')"})
    assert rows.fetchall() == [(0,)]
    again = warehouse.connect(tmp_path / "w.duckdb")  # a second connect in the process shares the locked database
    assert again.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]


def _firsts_as_007(con: duckdb.DuckDBPyConnection, dataset: str) -> list[tuple]:
    """customer_firsts by migration 007's one-pass definition, read from its file."""
    text = (ROOT / "data" / "migrations" / "007_customer_firsts.sql").read_text(encoding="utf-8")
    select = text.split("CREATE VIEW customer_firsts_derived AS", 1)[1].split(";", 1)[0]
    return con.execute(f"SELECT * FROM ({select}) WHERE dataset = $n ORDER BY customer_key", {"n": dataset}).fetchall()  # noqa: S608


def test_customer_firsts_in_two_steps_equal_the_one_pass_definition(demo_db):
    """Migration 015 computes 007's rows from each customer's first day only; on the demo's thousands of
    customers and on hand-made ties (one order id over two channels and regions on the first day, two
    orders that day, a later order with a smaller id) every column of every row is the same."""
    con = warehouse.connect(":memory:")
    files = sorted((demo_db / "snapshots").glob("*/order_lines.parquet"))
    lines = pq.read_table(files[-1])  # a connection here reads no files: the lines come in as Arrow
    con.register("demo_lines", lines)
    con.execute("INSERT INTO order_lines SELECT * FROM demo_lines")
    registry.refresh(con.cursor(), "demo", source="tests", kind="demo")
    tiny = warehouse_with(
        [
            line("B", "2024-01-02", "c1", "web", "north", 5),
            line("B", "2024-01-02", "c1", "app", "south", 5),  # the same order id split over a channel and region
            line("C", "2024-01-02", "c1", "aaa", "east", 5),
            line("A", "2024-03-01", "c1", "zzz", "west", 5),  # a smaller id later: not the first order
            line("Z", "2024-01-05", "c2", "shop", "west", 7),
            line("Y", "2024-01-05", "c2", "shop", "east", 7),
        ],
        con=con,
    )
    for dataset, at_least in (("demo", 1_000), ("tiny", 2)):
        now = tiny.execute(
            "SELECT * FROM customer_firsts WHERE dataset = $n ORDER BY customer_key", {"n": dataset}
        ).fetchall()
        assert len(now) >= at_least
        assert now == _firsts_as_007(con, dataset)
    picked = tiny.execute(
        "SELECT customer_id, first_order_id, first_channel, first_region, first_day_channel FROM customer_firsts "
        "WHERE dataset = 'tiny' ORDER BY 1"
    ).fetchall()
    assert picked == [("c1", "B", "app", "south", "aaa"), ("c2", "Y", "shop", "east", "shop")]
