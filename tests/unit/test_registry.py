"""Warehouse migrations and the dataset registry."""

from __future__ import annotations

from data import registry, warehouse
from tests.tiny import line, warehouse_with


def test_migrations_apply_once_and_are_recorded():
    con = warehouse.connect(":memory:")
    versions = [v for v, _, _ in warehouse.migrations()]
    recorded = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert recorded == versions and versions[0] == 1
    assert warehouse.migrate(con) == []  # nothing left to apply


def test_registry_row_counts_and_version_bumps():
    con = warehouse_with([line("A", "2024-01-02", "c1", "x", "r", 10, 4), line("A", "2024-01-02", "c1", "x", "r", 5, 1, line_no=2),
                          line("B", "2024-03-01", None, "y", "r", 7)])
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
