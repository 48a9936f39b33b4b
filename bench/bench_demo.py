"""Demo generation rate: order lines per second, generation vs writing, at several sizes.

    python -m bench.bench_demo [--sizes 300000 1000000] [--big] [--seed 42]

Each size is built once into a fresh on-disk warehouse in a temporary folder (what
``python -m data demo`` does). ``--big`` adds 10,000,000 lines. "generate" is numpy up to the
first write, "write" the single transaction (inserts with SQL-built ids and names, registry
refresh). Peak RSS is the process's high-water mark so far (at the end of generating, and at the
end), so it only grows down the table: run one size per process to read each size's own peak.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import table
from data import demo
from data.snapshots import Warehouse


def run(lines: int, seed: int) -> dict[str, object]:
    """Build one demo of ``lines`` lines and time its stages (seconds, wall clock)."""
    marks: dict[str, float] = {}
    rss: dict[str, float] = {}

    def progress(frac: float, stage: str) -> None:
        marks.setdefault(stage, time.perf_counter())
        rss.setdefault(stage, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2)

    with tempfile.TemporaryDirectory() as folder:
        wh = Warehouse.open(Path(folder) / "bench")
        began = time.perf_counter()
        summary = demo.build_demo(wh, orders=lines, seed=seed, progress=progress)
        total = time.perf_counter() - began
    generate = marks["writing"] - began
    return {
        "requested": f"{lines:,}",
        "lines": f"{summary['order_lines']:,}",
        "orders": f"{summary['orders']:,}",
        "customers": f"{summary['customers']:,}",
        "generate_s": f"{generate:.1f}",
        "write_s": f"{total - generate:.1f}",
        "total_s": f"{total:.1f}",
        "lines_per_s": f"{summary['order_lines'] / total:,.0f}",
        "peak_rss_generate_gb": f"{rss['writing']:.2f}",
        "peak_rss_gb": f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_demo", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300_000, 1_000_000])
    parser.add_argument("--big", action="store_true", help="also 10,000,000 lines (about 8 GB peak at most)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    sizes = args.sizes + ([10_000_000] if args.big else [])
    results = []
    for lines in sizes:
        results.append(run(lines, args.seed))
        print(f"built {lines:,} lines", file=sys.stderr)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
