"""The same computations on DuckDB and on Spark, side by side, and where a cluster would start to win.

    python -m bench.bench_engines [--sizes 1000000 10000000] [--remote local|sc://HOST:PORT] [--repeat 3]

For each demo size: the overview (KPIs with prior period and churn, movers, trend), the channel
page's computations (P&L with new customers, share over time, coverage, overlap) and the customer
computations (RFM, customer KPIs, monthly churn, cohorts), over the last 365 days, through the real
metric functions: once with ``SALESLENS_ENGINE=duckdb``, once with ``spark`` (a local Spark by
default: pyspark's own, in a child JVM of this process, all cores). Each engine's first run is
printed apart (Spark compiles and caches then); the table shows the median of ``--repeat`` runs
after it. From two or more sizes it fits t = fixed + per_line × lines per engine and prints the
size from which a Spark cluster with C cores would beat one machine with M cores, assuming both
engines scale their per-line cost with cores and Spark's fixed cost stays what it is here.
Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

from bench.common import demo_warehouse, table
from data import warehouse
from metrics import channels, cohorts, customers, overview, rfm
from metrics.filters import Filters

COMPUTATIONS: dict[str, Callable[[object, Filters], None]] = {
    "overview": lambda con, f: (overview.kpis(con, f), overview.trend(con, f), overview.movers(con, f)),
    "channels": lambda con, f: (
        channels.pnl(con, f),
        channels.share_trend(con, f),
        channels.coverage(con, f),
        channels.overlap(con, f),
    ),
    "customers": lambda con, f: (
        rfm.rfm(con, f),
        customers.kpis(con, f),
        customers.churn_monthly(con, f),
        cohorts.retention(con, f),
    ),
}
CORES_HERE = os.cpu_count() or 2


def _engine(name: str, remote: str) -> None:
    os.environ["SALESLENS_ENGINE"] = name
    os.environ["SALESLENS_SPARK_REMOTE"] = remote


def _runs(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(first run, median of ``repeat`` runs after it), in seconds."""
    began = time.perf_counter()
    fn()
    first = time.perf_counter() - began
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return first, statistics.median(times)


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares t = fixed + per_line × lines over (lines, seconds)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return my - slope * mx, slope


def crossover(
    duck: tuple[float, float], spark: tuple[float, float], machine_cores: int, cluster_cores: int
) -> float | None:
    """Lines from which Spark on ``cluster_cores`` beats DuckDB on ``machine_cores`` (None: never).

    Per-line costs measured here on CORES_HERE cores are scaled by cores: DuckDB's by
    CORES_HERE / machine_cores, Spark's by CORES_HERE / cluster_cores; fixed costs stay.
    """
    (fixed_d, line_d), (fixed_s, line_s) = duck, spark
    per_d, per_s = line_d * CORES_HERE / machine_cores, line_s * CORES_HERE / cluster_cores
    if per_s >= per_d:
        return None
    return max((fixed_s - fixed_d) / (per_d - per_s), 0.0)


def _lines(value: float | None) -> str:
    if value is None:
        return "never"
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:,.1f}{unit}"
    return f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--remote", default=os.environ.get("SALESLENS_SPARK_REMOTE", "local"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import metrics.spark

    rows, measured = [], {}
    _engine("spark", args.remote)
    began = time.perf_counter()
    metrics.spark.session().sql("SELECT 1").collect()
    print(
        f"Spark session ({args.remote}) ready in {time.perf_counter() - began:.1f} s; {CORES_HERE} cores here, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for lines in args.sizes:
        con = warehouse.connect(demo_warehouse(lines, seed=args.seed))
        last = con.execute("SELECT last_date FROM datasets WHERE name = 'demo'").fetchall()[0][0]
        f = Filters("demo", last - dt.timedelta(days=364), last)
        _engine("spark", args.remote)
        began = time.perf_counter()
        metrics.spark.views(con)
        views = time.perf_counter() - began
        for name, compute in COMPUTATIONS.items():
            row: dict[str, object] = {"lines": f"{lines:,}", "computation": name}
            for engine in ("duckdb", "spark"):
                _engine(engine, args.remote)
                first, median = _runs(lambda compute=compute, con=con, f=f: compute(con, f), args.repeat)
                measured[(engine, name, lines)] = median
                row[f"{engine} first s"] = f"{first:.2f}"
                row[f"{engine} s"] = f"{median:.2f}"
            row["spark ÷ duckdb"] = f"{measured[('spark', name, lines)] / measured[('duckdb', name, lines)]:.1f}×"
            rows.append(row)
            print(f"  {lines:,} lines, {name}: done (load average {os.getloadavg()[0]:.1f})", flush=True)
        print(f"  {lines:,} lines: Spark views over the snapshot registered in {views:.2f} s")
        con.close()
    print()
    print(table(rows))
    if len(set(args.sizes)) < 2:
        return
    fits, costs = {}, []
    for name in COMPUTATIONS:
        for engine in ("duckdb", "spark"):
            fits[(engine, name)] = _fit([(n, measured[(engine, name, n)]) for n in args.sizes])
        (fd, ld), (fs, ls) = fits[("duckdb", name)], fits[("spark", name)]
        costs.append(
            {
                "computation": name,
                "duckdb fixed s": f"{fd:.2f}",
                "duckdb ns/line": f"{ld * 1e9:.0f}",
                "spark fixed s": f"{fs:.2f}",
                "spark ns/line": f"{ls * 1e9:.0f}",
                "per-line ratio": f"{ls / ld:.1f}×" if ld > 0 else "-",
                "cores to break even": f"{CORES_HERE * ls / ld:.0f}" if ld > 0 else "-",
            }
        )
    print(
        f"\nPer-line cost on this machine ({CORES_HERE} cores), fitted over {', '.join(f'{n:,}' for n in args.sizes)}"
        " lines (cores to break even: cluster cores at which Spark's per-line cost equals DuckDB's on "
        f"{CORES_HERE} cores)"
    )
    print(table(costs))
    cross = []
    for machine in (CORES_HERE, 32):
        for cluster in (64, 256, 1024):
            row = {"one machine": f"{machine} cores", "Spark cluster": f"{cluster} cores"}
            for name in COMPUTATIONS:
                row[name] = _lines(crossover(fits[("duckdb", name)], fits[("spark", name)], machine, cluster))
            cross.append(row)
    print("\nLines from which the cluster answers faster than one machine (per computation)")
    print(table(cross))
    metrics.spark.stop()


if __name__ == "__main__":
    main()
