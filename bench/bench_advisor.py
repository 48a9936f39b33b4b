"""Advisor, goals and report timings on demo warehouses, beside pandas where the computation is ours.

    python -m bench.bench_advisor [--sizes 1000000 10000000] [--images]

For each size (order lines): the advisor's eight signals (``measure``, uncached: it runs the channel,
customer, CLV and budget metrics), re-weighing them (``combine``, what a weight or preset change costs),
the top-20% customer share (ours: RFM query + numpy) and a goal's six monthly revenue values (ours:
six KPI queries) beside pandas on a frame already in memory (load time printed, not counted), and the
report without images (and with, when ``--images``). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import pandas as pd

from bench.common import demo_warehouse, table, timed
from data import warehouse
from metrics import advisor, goals, rfm
from metrics.filters import Filters
from present import report

F = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def pandas_top_share(lines: pd.DataFrame) -> float:
    part = lines[(lines["order_date"] >= pd.Timestamp(F.start)) & (lines["order_date"] <= pd.Timestamp(F.end))]
    revenue = (part["revenue"] - part["refund"].fillna(0)).groupby(part["customer_id"]).sum()
    return advisor.top_share(revenue)


def pandas_monthly(lines: pd.DataFrame) -> pd.Series:
    part = lines[
        (lines["order_date"] >= pd.Timestamp("2025-07-01")) & (lines["order_date"] <= pd.Timestamp("2025-12-31"))
    ]
    return (part["revenue"] - part["refund"].fillna(0)).groupby(part["order_date"].dt.to_period("M")).sum()


def rows_for(size: int, images: bool) -> list[dict[str, object]]:
    con = warehouse.connect(demo_warehouse(size), read_only=True)
    began = time.perf_counter()
    lines = (
        con.cursor()
        .execute(
            "SELECT order_date::TIMESTAMP AS order_date, customer_id, revenue, refund FROM order_lines "
            "WHERE dataset = 'demo' AND customer_id IS NOT NULL"
        )
        .df()
    )
    load = time.perf_counter() - began
    measured = advisor.measure(con, F)
    assert abs(advisor.top_share(rfm.rfm(con, F)["monetary"]) - pandas_top_share(lines)) < 1e-9  # same answer
    ours_top = timed(lambda: advisor.top_share(rfm.rfm(con, F)["monetary"]), repeat=3)
    theirs_top = timed(lambda: pandas_top_share(lines), repeat=3)
    ours_month = timed(
        lambda: goals.monthly_values(con, "demo", "revenue", dt.date(2025, 7, 1), dt.date(2025, 12, 1)), repeat=3
    )
    theirs_month = timed(lambda: pandas_monthly(lines), repeat=3)
    measure_s = timed(lambda: advisor.measure(con, F), repeat=1)
    combine_s = timed(lambda: advisor.combine(measured, "growth", "retail"), repeat=50)
    report_s = timed(lambda: report.build(con, F, lang="zh", stage="growth", industry="retail", images=False), repeat=1)
    n = f"{size:,}"
    rows = [
        {
            "lines": n,
            "step": "advisor.measure (8 signals)",
            "ours_s": f"{measure_s:.3f}",
            "pandas_s": "—",
            "ratio": "—",
        },
        {"lines": n, "step": "advisor.combine (re-weigh)", "ours_s": f"{combine_s:.6f}", "pandas_s": "—", "ratio": "—"},
        {
            "lines": n,
            "step": "top-20% customer share",
            "ours_s": f"{ours_top:.3f}",
            "pandas_s": f"{theirs_top:.3f}",
            "ratio": f"{theirs_top / ours_top:.2f}×",
        },
        {
            "lines": n,
            "step": "goal: 6 monthly revenue values",
            "ours_s": f"{ours_month:.3f}",
            "pandas_s": f"{theirs_month:.3f}",
            "ratio": f"{theirs_month / ours_month:.2f}×",
        },
        {
            "lines": n,
            "step": "report, no images",
            "ours_s": f"{report_s:.3f}",
            "pandas_s": f"(frame load {load:.2f})",
            "ratio": "—",
        },
    ]
    if images:
        built = report.build(con, F, lang="zh", stage="growth", industry="retail", images=True)
        rows.append(
            {
                "lines": n,
                "step": f"report with {built.image_count} images (images alone)",
                "ours_s": f"{built.seconds_total:.3f} ({built.seconds_images:.3f})",
                "pandas_s": "—",
                "ratio": "—",
            }
        )
    con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--images", action="store_true", help="also time the report with PNG charts")
    args = parser.parse_args()
    print(table([row for size in args.sizes for row in rows_for(size, args.images)]))


if __name__ == "__main__":
    main()
