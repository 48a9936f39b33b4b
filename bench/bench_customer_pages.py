"""First-load compute of the Customers and Retention pages, call by call.

    python -m bench.bench_customer_pages [--sizes 1000000 10000000]

For each size and each of five filter selections (bench_channels.SELECTIONS, the last 365 days): the
time of every metric call a page makes on its first load, uncached, in the page's order — including
the per-dataset calls (the auto window, the acquisition channels), which a first load also pays.
The Retention page's at-risk list also needs the CLV fit (clv.customer_value, per dataset); it is
a separate model fit and not counted here. Prints the median ms per call over the selections and
the page totals (median and worst selection); asserts nothing. No pandas baseline: every call here
is already the warehouse path the page uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import duckdb

from bench.bench_channels import SELECTIONS
from bench.common import connect_waiting, demo_warehouse, table
from metrics import cohorts, customers, rfm
from metrics.filters import Filters


class Clock:
    """Times each call by name (one page load)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    def __call__(self, name: str, fn: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        out = fn()
        self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - began) * 1000
        return out


def customers_page(con: duckdb.DuckDBPyConnection, f: Filters, clock: Clock) -> None:
    """pages/customers.py: KPIs, one RFM (with acquisition) for segments, grid, segment × channel and
    members, and the prior period's segments by key for migration."""
    window = customers.DEFAULT_WINDOW_DAYS
    clock("customers.kpis", lambda: customers.kpis(con, f, window_days=window))
    scores = clock("rfm.rfm(f, acquisition)", lambda: rfm.rfm(con, f, acquisition=True, keys=True))
    clock("rfm.segments+grid (pandas)", lambda: (rfm.segments(scores), rfm.grid(scores)))
    clock("rfm.segment_channels (pandas)", lambda: rfm.segment_channels(scores))
    clock("rfm.members (pandas)", lambda: rfm.members(scores, segment=rfm.segment_order()[0]))
    before = clock("rfm.key_segments(f.prior)", lambda: rfm.key_segments(con, f.prior))
    clock("rfm.migration (pandas)", lambda: rfm.migration(scores, before))


def retention_page(con: duckdb.DuckDBPyConnection, f: Filters, clock: Clock) -> None:
    """pages/retention.py with the "auto" window (the page's default)."""
    window = clock("customers.resolve_window(auto)", lambda: customers.resolve_window(con, f.dataset, "auto"))
    clock("customers.kpis", lambda: customers.kpis(con, f, window_days=window))
    clock("customers.churn_monthly", lambda: customers.churn_monthly(con, f, window_days=window))
    flags = clock("customers.churn_flags", lambda: customers.churn_flags(con, f, window_days=window))
    places = clock("customers.churn_by_place", lambda: customers.churn_by_place(con, f, window_days=window))
    prior = clock("rfm.key_segments(f.prior)", lambda: rfm.key_segments(con, f.prior))
    clock(
        "churn_by_dimension+reasons (pandas)",
        lambda: (customers.churn_by_dimension(places, flags, prior), customers.churn_reasons(flags)),
    )
    clock("rfm.rfm(f) (at-risk)", lambda: rfm.rfm(con, f))
    clock("customers.acquisition_channels", lambda: customers.acquisition_channels(con, f.dataset))
    clock("cohorts.retention", lambda: cohorts.retention(con, f))


PAGES = {"Customers": customers_page, "Retention": retention_page}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    calls, totals = [], []
    for size in args.sizes:
        con = connect_waiting(demo_warehouse(size))
        last = con.execute("SELECT last_date FROM datasets WHERE name = 'demo'").fetchall()[0][0]
        filters = [Filters("demo", last - dt.timedelta(days=364), last, **sel) for sel in SELECTIONS]
        for page, run in PAGES.items():
            run(con, filters[0], Clock())  # warm the file's pages in memory once
            clocks = []
            for f in filters:
                clock = Clock()
                run(con, f, clock)
                clocks.append(clock)
            for name in clocks[0].ms:
                calls.append(
                    {
                        "order lines": f"{size:,}",
                        "page": page,
                        "call": name,
                        "median ms": f"{statistics.median(c.ms[name] for c in clocks):.0f}",
                        "worst ms": f"{max(c.ms[name] for c in clocks):.0f}",
                    }
                )
            sums = [sum(c.ms.values()) for c in clocks]
            totals.append(
                {
                    "order lines": f"{size:,}",
                    "page": page,
                    "first load median ms": f"{statistics.median(sums):.0f}",
                    "worst ms": f"{max(sums):.0f}",
                    "calls": len(clocks[0].ms),
                }
            )
        con.close()
    print("Customer pages: first-load compute per call (median and worst of 5 selections, last 365 days)")
    print(table(calls))
    print()
    print("Page totals (target: well under 3 s at 10M)")
    print(table(totals))


if __name__ == "__main__":
    main()
