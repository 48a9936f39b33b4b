"""Customer analytics speed: RFM + monthly churn + cohort retention, DuckDB vs pandas; CLV fit time.

    python -m bench.bench_customers [--sizes 1000000 10000000] [--clv-customers 100000]

For each size: the median wall time of computing the three tables for the last year of the demo (the
RFM table with scores and segments, churn per month with a 180-day window, the cohort retention
cells) through ``metrics``, against pandas computing the same tables from a DataFrame already in
memory (its load time is printed separately, not counted). DuckDB's CPU seconds over its threads
and the machine's load average are printed too: on a shared machine wall time includes waiting. Then BG/NBD + Gamma-Gamma fitted on a
random sample of customers of the largest warehouse, with iteration counts. Prints tables; asserts
nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

import duckdb
import numpy as np
import pandas as pd

from bench.common import demo_warehouse, table, timed
from metrics import clv, cohorts, customers, rfm
from metrics.filters import Filters

WINDOW = 180


def duckdb_tables(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, int, int]:
    scores = rfm.rfm(con, f)
    churn = customers.churn_monthly(con, f, window_days=WINDOW)
    cells = cohorts.retention(con, f)
    return len(scores), len(churn), len(cells)


def pandas_tables(lines: pd.DataFrame, f: Filters) -> tuple[int, int, int]:
    """The same three tables in plain pandas (what a page would do without the warehouse)."""
    start, end = pd.Timestamp(f.start), pd.Timestamp(f.end)
    ident = lines[lines["customer_id"].notna()]
    period = ident[(ident["order_date"] >= start) & (ident["order_date"] <= end)]
    per = period.groupby("customer_id").agg(
        last=("order_date", "max"), frequency=("order_id", "nunique"), monetary=("net", "sum")
    )
    per["recency_days"] = (end - per["last"]).dt.days
    per["r"] = 5 - sum(
        (per["recency_days"] > q).astype(int) for q in per["recency_days"].quantile([0.2, 0.4, 0.6, 0.8])
    )
    per["m"] = 1 + sum((per["monetary"] > q).astype(int) for q in per["monetary"].quantile([0.2, 0.4, 0.6, 0.8]))
    per["f"] = 1 + sum((per["frequency"] > q).astype(int) for q in per["frequency"].quantile([0.2, 0.4, 0.6, 0.8]))
    cells = np.array(rfm.schemes()[rfm.DEFAULT_SCHEME])
    per["segment"] = cells[(per["r"].to_numpy() - 1) * 5 + per["f"].to_numpy() - 1]
    window = pd.Timedelta(days=WINDOW)
    days = ident.loc[
        (ident["order_date"] >= start - window) & (ident["order_date"] <= end), ["customer_id", "order_date"]
    ].drop_duplicates()
    churn = []
    for month in pd.date_range(start.replace(day=1), end, freq="MS"):
        ms, me = max(month, start), min(month + pd.offsets.MonthEnd(0), end)
        at_start = set(days.loc[(days["order_date"] >= ms - window) & (days["order_date"] < ms), "customer_id"])
        at_end = set(days.loc[(days["order_date"] > me - window) & (days["order_date"] <= me), "customer_id"])
        churn.append((month, len(at_start), len(at_start - at_end)))
    cohort = ident.groupby("customer_id")["order_date"].min().dt.to_period("M").rename("cohort")
    cohort = cohort[(cohort >= start.to_period("M")) & (cohort <= end.to_period("M"))]
    active = period[["customer_id"]].assign(month=period["order_date"].dt.to_period("M")).drop_duplicates()
    active = active.join(cohort, on="customer_id", how="inner")
    active["k"] = (active["month"] - active["cohort"]).apply(lambda offset: offset.n)
    counts = active.groupby(["cohort", "k"]).size()
    sizes = cohort.value_counts()
    retention = counts / sizes.reindex(counts.index.get_level_values("cohort")).to_numpy()
    return len(per), len(churn), len(retention)


def clv_fit(path: str, sample: int) -> dict[str, object]:
    con = duckdb.connect(path, read_only=True)
    last = con.execute("SELECT last_date FROM datasets WHERE name = 'demo'").fetchall()[0][0]
    began = time.perf_counter()
    frame = clv.summary(con, "demo", cal_end=last)
    summary_s = time.perf_counter() - began
    con.close()
    picked = frame.sample(n=min(sample, len(frame)), random_state=7)
    x, t_x, T, zbar = (picked[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    began = time.perf_counter()
    m = clv.fit_bgnbd(x, t_x, T)
    bg_s = time.perf_counter() - began
    began = time.perf_counter()
    g = clv.fit_gamma_gamma(x, zbar)
    gg_s = time.perf_counter() - began
    began = time.perf_counter()
    clv.discounted_clv(m, g, x, t_x, T, zbar)
    score_s = time.perf_counter() - began
    return {
        "customers": f"{len(picked):,} of {len(frame):,}",
        "BTYD summary s (all)": f"{summary_s:.2f}",
        "BG/NBD s": f"{bg_s:.2f}",
        "BG/NBD iterations": m.iterations,
        "Gamma-Gamma s": f"{gg_s:.2f}",
        "GG iterations": g.iterations,
        "scoring s": f"{score_s:.2f}",
        "fit total s": f"{bg_s + gg_s:.2f}",
        "r alpha a b": f"{m.r:.3f} {m.alpha:.2f} {m.a:.3f} {m.b:.3f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--clv-customers", type=int, default=100_000)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        path = demo_warehouse(size)
        con = duckdb.connect(str(path), read_only=True)
        last = con.execute("SELECT last_date FROM datasets WHERE name = 'demo'").fetchall()[0][0]
        f = Filters("demo", last - dt.timedelta(days=364), last)
        # DuckDB first, before the pandas copy of the lines exists: tens of millions of Python
        # strings in the same process slow every later allocation-heavy step, DuckDB's .df() included
        sizes_duck = duckdb_tables(con, f)
        duck = timed(lambda con=con, f=f: duckdb_tables(con, f), repeat=3)
        cpu = time.process_time()  # all threads: on a shared machine wall time also waits for other work
        duckdb_tables(con, f)
        cpu = time.process_time() - cpu
        began = time.perf_counter()
        lines = con.execute(
            "SELECT order_id, order_date, customer_id, revenue, refund FROM order_lines WHERE dataset = 'demo'"
        ).df()
        lines["order_date"] = pd.to_datetime(lines["order_date"])
        lines["net"] = lines["revenue"] - lines["refund"].fillna(0)
        load = time.perf_counter() - began
        sizes_pandas = pandas_tables(lines, f)
        pand = timed(lambda lines=lines, f=f: pandas_tables(lines, f), repeat=1)
        rows.append(
            {
                "order lines": f"{size:,}",
                "rows rfm/churn/cohort": "/".join(map(str, sizes_duck)),
                "pandas rows": "/".join(map(str, sizes_pandas)),
                "duckdb s": f"{duck:.2f}",
                "duckdb cpu s": f"{cpu:.2f}",
                "load avg": f"{os.getloadavg()[0]:.1f}",
                "pandas s": f"{pand:.2f}",
                "speed-up": f"{pand / duck:.1f}x",
                "pandas load s (not counted)": f"{load:.1f}",
            }
        )
        con.close()
    print("RFM + monthly churn + cohort retention, last year of the demo (target < 2 s at 10M lines)")
    print(table(rows))
    print()
    print(f"CLV fit (BG/NBD + Gamma-Gamma, L-BFGS-B) on {args.clv_customers:,} customers (target < 10 s)")
    print(table([clv_fit(str(demo_warehouse(max(args.sizes))), args.clv_customers)]))


if __name__ == "__main__":
    main()
