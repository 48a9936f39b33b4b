"""Helpers for the ingest tests: a warehouse content fingerprint and small file builders."""

from __future__ import annotations

import hashlib

import duckdb

TABLES = ("datasets", "order_lines", "channel_costs", "crm_spend", "customers", "dataset_truths", "ingest_mappings")


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of every row of every warehouse table (sorted), to prove a failed load changed nothing."""
    digest = hashlib.sha256()
    for table in TABLES:  # module constant, not user input
        rows = con.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
        digest.update(f"{table}:{rows!r}".encode())
    return digest.hexdigest()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


ORDERS_CSV = """订单编号,下单时间,客户编号,销售渠道,销售区域,实收金额,成本
A1,2020-01-05,C1,天猫,华东,100,60
A2,2020-01-06,C2,京东,华南,200,120
A2,2020-01-06,C2,京东,华南,50,20
"""
