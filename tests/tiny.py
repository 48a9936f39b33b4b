"""Tiny hand-written warehouses for unit tests: a few order lines with answers known by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from data import registry, warehouse
from data.snapshots import Warehouse

COLUMNS = [
    "order_id",
    "line",
    "order_date",
    "customer_id",
    "channel",
    "region",
    "province",
    "product",
    "category",
    "quantity",
    "unit_price",
    "revenue",
    "cost",
    "discount",
    "refund",
]


def line(
    order_id: str,
    day: str,
    customer: str | None,
    channel: str,
    region: str,
    revenue: float,
    cost: float | None = None,
    *,
    product: str = "P1",
    quantity: float = 1.0,
    refund: float = 0.0,
    line_no: int = 1,
) -> dict:
    return {
        "order_id": order_id,
        "line": line_no,
        "order_date": dt.date.fromisoformat(day),
        "customer_id": customer,
        "channel": channel,
        "region": region,
        "province": None,
        "product": product,
        "category": None,
        "quantity": quantity,
        "unit_price": revenue / quantity if quantity else None,
        "revenue": revenue,
        "cost": cost,
        "discount": 0.0,
        "refund": refund,
    }


def warehouse_with(lines: list[dict], *, name: str = "tiny", con: object = None) -> duckdb.DuckDBPyConnection:
    """A warehouse holding ``lines`` as dataset ``name``: a new in-memory one, or ``con`` (an in-memory
    connection, or a file Warehouse written through its writer). Returns a connection to query."""
    target = Warehouse.of(con if con is not None else warehouse.connect(":memory:"))
    frame = pd.DataFrame(lines, columns=COLUMNS)
    with target.writer(name) as wcon:
        cur = wcon.cursor()
        cur.register("tiny_frame", frame)
        columns = ", ".join(COLUMNS)
        with warehouse.transaction(cur):
            cur.execute(
                f"INSERT INTO order_lines (dataset, {columns}) SELECT $name, {columns} FROM tiny_frame",  # noqa: S608 (constants)
                {"name": name},
            )
            registry.refresh(cur, name, source="tests", kind="upload")
    return target.reader()
