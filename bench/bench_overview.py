"""Overview recompute after a filter change, DuckDB vs a straightforward pandas implementation.

    python -m bench.bench_overview [--sizes 1000000 10000000] [--render]

For each size: the median time to recompute all overview numbers (KPIs with prior period and
churn, movers, trend) for a filter selection not seen before, against pandas computing the same
numbers from a DataFrame already in memory (its load time is printed separately, not counted).
``--render`` also times the first full overview render of a 300k-line warehouse via AppTest.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import duckdb
import pandas as pd

from bench.common import demo_warehouse, table, timed
from data import warehouse
from metrics import overview
from metrics.filters import Filters

SELECTIONS = [
    dict(channels=("直播带货",), regions=()),
    dict(channels=(), regions=("华东", "华南")),
    dict(channels=("电商平台", "经销商"), regions=("华北",)),
    dict(channels=(), regions=()),
    dict(channels=("直营门店",), regions=("西南",)),
]


def duckdb_overview(con: duckdb.DuckDBPyConnection, f: Filters) -> None:
    overview.kpis(con, f)
    overview.movers(con, f)
    overview.trend(con, f)


def pandas_overview(lines: pd.DataFrame, f: Filters, window: int = 180) -> None:
    """The same numbers in plain pandas (what a page would do without the warehouse)."""
    mask = pd.Series(True, index=lines.index)
    if f.channels:
        mask &= lines["channel"].isin(f.channels)
    if f.regions:
        mask &= lines["region"].isin(f.regions)
    sel = lines[mask]
    prior = f.prior
    start, end = pd.Timestamp(f.start), pd.Timestamp(f.end)
    pstart, pend = pd.Timestamp(prior.start), pd.Timestamp(prior.end)
    for lo, hi in ((start, end), (pstart, pend)):
        part = sel[(sel["order_date"] >= lo) & (sel["order_date"] <= hi)]
        net = part["revenue"] - part["refund"].fillna(0)
        _ = net.sum(), (net - part["cost"]).sum(), part["order_id"].nunique()
        per_customer = part.dropna(subset=["customer_id"]).groupby("customer_id")["order_id"].nunique()
        _ = len(per_customer), (per_customer >= 2).sum()
        window_days = pd.Timedelta(days=window)
        hist = sel[(sel["order_date"] >= lo - window_days) & (sel["order_date"] <= hi)].dropna(subset=["customer_id"])
        at_start = set(hist.loc[hist["order_date"] < lo, "customer_id"])
        at_end = set(hist.loc[hist["order_date"] > hi - window_days, "customer_id"])
        _ = len(at_start - at_end) / max(len(at_start), 1)
    both = sel[(sel["order_date"] >= pstart) & (sel["order_date"] <= end)].copy()
    both["net"] = both["revenue"] - both["refund"].fillna(0)
    both["current"] = both["order_date"] >= start
    for dim in ("channel", "region"):
        both.groupby([dim, "current"], observed=True)["net"].sum()
    cur = both[both["current"]]
    cur.groupby([cur["order_date"].dt.to_period("M"), "channel"], observed=True)[["net", "cost"]].sum()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--render", action="store_true")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        path = demo_warehouse(size)
        con = warehouse.connect(path)
        first, last = con.execute("SELECT first_date, last_date FROM datasets WHERE name = 'demo'").fetchall()[0]
        start = last - dt.timedelta(days=364)
        filters = [Filters("demo", start, last, **sel) for sel in SELECTIONS]
        began = time.perf_counter()
        lines = con.execute("SELECT * FROM order_lines WHERE dataset = 'demo'").df()
        for column in ("channel", "region"):
            lines[column] = lines[column].astype("category")
        lines["order_date"] = pd.to_datetime(lines["order_date"])
        load = time.perf_counter() - began
        duck = [timed(lambda f=f, con=con: duckdb_overview(con, f), repeat=3) for f in filters]
        pand = [timed(lambda f=f, lines=lines: pandas_overview(lines, f), repeat=1) for f in filters]
        d, p = sorted(duck)[len(duck) // 2], sorted(pand)[len(pand) // 2]
        rows.append(
            {
                "order lines": f"{size:,}",
                "duckdb median ms": f"{d * 1000:.0f}",
                "duckdb worst ms": f"{max(duck) * 1000:.0f}",
                "pandas median ms": f"{p * 1000:.0f}",
                "speed-up": f"{p / d:.1f}x",
                "pandas load s (not counted)": f"{load:.1f}",
            }
        )
        con.close()
    print("Overview recompute after a filter change (targets: <150 ms at 1M, <600 ms at 10M, >=5x pandas at 10M)")
    print(table(rows))
    if args.render:
        render_first_overview()


def render_first_overview() -> None:
    """First overview render of an existing 300k-line warehouse, in a fresh AppTest (cold caches)."""
    import os

    from streamlit.testing.v1 import AppTest

    from bench.common import ROOT

    os.environ["SALESLENS_DB"] = str(demo_warehouse(300_000))
    began = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    seconds = time.perf_counter() - began
    print(
        f"First overview render on a 300k-line warehouse (target < 3 s): {seconds:.2f} s, "
        f"{len(at.metric)} KPI cards, exceptions: {len(at.exception)}"
    )


if __name__ == "__main__":
    main()
