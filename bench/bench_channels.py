"""Whole Channels + Coverage & conflict page compute after a filter change, DuckDB vs pandas.

    python -m bench.bench_channels [--sizes 1000000 10000000]

For each size: the median time to run every metric function the two channel pages call (uncached:
availability, pnl, share_trend, declining + concentration, coverage, blind_spots, provinces,
overlap (with the multichannel summary), price_conflicts, out_of_territory, plus
waterfall/where_to_grow) for filter selections not seen before, beside pandas computing the same
tables from a DataFrame already in memory (its load time printed, not counted).
customer_regions depends on the dataset only: the page caches it per dataset version, so a filter
change does not rerun it; it runs once per size here, its time printed beside, not counted
(availability, also per dataset, stays counted). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import duckdb
import pandas as pd

from bench.common import connect_waiting, demo_warehouse, table, timed
from metrics import channels as ch
from metrics.filters import Filters

SELECTIONS = [
    dict(channels=("直播带货", "电商平台"), regions=()),
    dict(channels=(), regions=("华东", "华南")),
    dict(channels=(), regions=()),
    dict(channels=("经销商",), regions=("华北",)),
    dict(channels=(), regions=("西南",)),
]


def duckdb_page(con: duckdb.DuckDBPyConnection, f: Filters, people: pd.DataFrame) -> None:
    ch.availability(con, f.dataset)
    pnl = ch.pnl(con, f)
    ch.share_trend(con, f, measure="revenue")
    ch.waterfall(pnl, pnl["channel"].iloc[0])
    ch.where_to_grow(pnl)
    ch.concentration(pnl, ch.declining(con, f))
    cells = ch.coverage(con, f, customers=False)
    ch.blind_spots(cells, people, f.regions)
    ch.provinces(con, f, region=cells["region"].iloc[0])
    ch.overlap(con, f)
    ch.price_conflicts(con, f)
    ch.out_of_territory(con, f)


def pandas_page(lines: pd.DataFrame, costs: pd.DataFrame, f: Filters) -> None:
    """The same tables in plain pandas (what the page would do without the warehouse)."""
    mask = pd.Series(True, index=lines.index)
    if f.channels:
        mask &= lines["channel"].isin(f.channels)
    sel_all_regions = lines[mask]
    if f.regions:
        mask &= lines["region"].isin(f.regions)
    sel = lines[mask]
    start, end = pd.Timestamp(f.start), pd.Timestamp(f.end)
    prior, ya = f.prior, f.year_ago
    cur = sel[(sel["order_date"] >= start) & (sel["order_date"] <= end)]
    cur = cur.assign(gp=cur["net"] - cur["cost"], rwc=cur["net"].where(cur["cost"].notna()))
    base = cur.groupby("channel", observed=True).agg(
        revenue=("net", "sum"),
        cogs=("cost", "sum"),
        gp=("gp", "sum"),
        rwc=("rwc", "sum"),
        orders=("order_id", "nunique"),
        customers=("customer_id", "nunique"),
    )
    for lo, hi in ((prior.start, prior.end), (ya.start, ya.end)):
        part = sel[(sel["order_date"] >= pd.Timestamp(lo)) & (sel["order_date"] <= pd.Timestamp(hi))]
        base = base.join(part.groupby("channel", observed=True)["net"].sum().rename(f"r{lo}"))
    known = lines[lines["customer_id"].notna() & (lines["order_date"] <= end)].sort_values(["order_date", "order_id"])
    firsts = known.drop_duplicates("customer_id")
    firsts = firsts[firsts["order_date"] >= start]
    if f.channels:
        firsts = firsts[firsts["channel"].isin(f.channels)]
    if f.regions:
        firsts = firsts[firsts["region"].isin(f.regions)]
    base = base.join(firsts.groupby("channel", observed=True).size().rename("new"))
    month_end = costs["month"] + pd.offsets.MonthEnd(0)
    lo, hi = costs["month"].clip(lower=start), month_end.clip(upper=end)
    overlap_days = ((hi - lo).dt.days + 1).clip(lower=0)
    alloc = costs.assign(amount=costs["amount"] * overlap_days / month_end.dt.day)
    alloc = alloc[overlap_days > 0].pivot_table(
        index="channel", columns="cost_type", values="amount", aggfunc="sum", observed=True
    )
    if f.regions:
        everywhere = sel_all_regions[(sel_all_regions["order_date"] >= start) & (sel_all_regions["order_date"] <= end)]
        factor = base["revenue"] / everywhere.groupby("channel", observed=True)["net"].sum()
        alloc = alloc.mul(factor.reindex(alloc.index).fillna(0), axis=0)
    base = base.join(alloc)
    base["share"] = base["revenue"] / base["revenue"].sum()
    cur.groupby([cur["order_date"].dt.to_period("M"), "channel"], observed=True)["net"].sum()
    periods = sel[sel["order_date"] > end - pd.Timedelta(days=4 * f.days)]
    periods.groupby([(end - periods["order_date"]).dt.days // f.days, "channel"], observed=True)["net"].sum()
    cells = cur.groupby(["channel", "region"], observed=True)["net"].sum()
    cur[cur["region"] == cells.index[0][1]].groupby(["channel", "province"], observed=True)["net"].sum()
    per = cur[cur["customer_id"].notna()].groupby(["customer_id", "channel"], observed=True)["net"].sum().reset_index()
    pairs = per.merge(per, on="customer_id")
    pairs.groupby(["channel_x", "channel_y"], observed=True).agg(customers=("customer_id", "size"))
    per.groupby("customer_id")["channel"].nunique().value_counts()
    priced = cur[cur["quantity"] > 0].groupby(["product", "channel"], observed=True)[["revenue", "quantity"]].sum()
    price = priced["revenue"] / priced["quantity"]
    spread = price.groupby(level="product", observed=True).agg(["min", "max"])
    _ = spread[(spread["max"] - spread["min"]) / spread["min"] > 0.15]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        con = connect_waiting(demo_warehouse(size))
        first, last = con.execute("SELECT first_date, last_date FROM datasets WHERE name = 'demo'").fetchall()[0]
        start = last - dt.timedelta(days=364)
        filters = [Filters("demo", start, last, **sel) for sel in SELECTIONS]
        began = time.perf_counter()
        lines = con.execute("SELECT * FROM order_lines WHERE dataset = 'demo'").df()
        for column in ("channel", "region", "province", "product"):
            lines[column] = lines[column].astype("category")
        lines["order_date"] = pd.to_datetime(lines["order_date"])
        lines["net"] = lines["revenue"] - lines["refund"].fillna(0)
        costs = con.execute("SELECT * FROM channel_costs WHERE dataset = 'demo'").df()
        costs["month"] = pd.to_datetime(costs["month"])
        load = time.perf_counter() - began
        began = time.perf_counter()
        people = ch.customer_regions(con, "demo")
        per_dataset = time.perf_counter() - began
        duck = [timed(lambda f=f, con=con, people=people: duckdb_page(con, f, people), repeat=3) for f in filters]
        pand = [timed(lambda f=f, lines=lines, costs=costs: pandas_page(lines, costs, f), repeat=1) for f in filters]
        d, p = sorted(duck)[len(duck) // 2], sorted(pand)[len(pand) // 2]
        rows.append(
            {
                "order lines": f"{size:,}",
                "duckdb median ms": f"{d * 1000:.0f}",
                "duckdb worst ms": f"{max(duck) * 1000:.0f}",
                "pandas median ms": f"{p * 1000:.0f}",
                "speed-up": f"{p / d:.1f}x",
                "pandas load s (not counted)": f"{load:.1f}",
                "customer_regions ms (per dataset, not counted)": f"{per_dataset * 1000:.0f}",
            }
        )
        con.close()
    print("Channel pages compute after a filter change (targets: <300 ms at 1M, <1 s at 10M)")
    print(table(rows))


if __name__ == "__main__":
    main()
