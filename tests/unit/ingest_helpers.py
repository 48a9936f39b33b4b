"""Helpers for the ingest tests: a warehouse content fingerprint and small file builders."""

from __future__ import annotations

import hashlib
from pathlib import Path

TABLES = ("datasets", "order_lines", "channel_costs", "crm_spend", "customers", "dataset_truths")


def fingerprint(target: object) -> str:
    """A hash of every row of every warehouse table (sorted) and of the remembered mappings, to prove a
    failed load changed nothing. ``target``: a warehouse folder, a Warehouse or an in-memory connection."""
    from data import warehouse
    from data.snapshots import Warehouse

    wh = warehouse.open_warehouse(target) if isinstance(target, (str, Path)) else Warehouse.of(target)
    con = wh.reader()
    digest = hashlib.sha256()
    for table in TABLES:  # module constant, not user input
        columns = "* EXCLUDE (loaded_at)" if table == "datasets" else "*"
        sql = f"SELECT {columns} FROM {table} ORDER BY ALL"  # noqa: S608 (module constant)
        rows = con.cursor().execute(sql).fetchall()
        digest.update(f"{table}:{rows!r}".encode())
    digest.update(
        repr(wh.state.rows("SELECT kind, header_key, mapping FROM ingest_mappings ORDER BY kind, header_key")).encode()
    )
    return digest.hexdigest()


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


ORDERS_CSV = """订单编号,下单时间,客户编号,销售渠道,销售区域,实收金额,成本
A1,2020-01-05,C1,天猫,华东,100,60
A2,2020-01-06,C2,京东,华南,200,120
A2,2020-01-06,C2,京东,华南,50,20
"""
