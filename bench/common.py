"""Shared bench helpers: demo warehouses of a given size, kept under bench/out between runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from data import warehouse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def demo_warehouse(lines: int, *, seed: int = 42) -> Path:
    """A warehouse with the demo at ``lines`` order lines, built once through the CLI."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo_{lines}_{seed}.duckdb"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "data", "demo", "--orders", str(lines), "--seed", str(seed), "--db", str(path)],
            cwd=ROOT,
            check=True,
        )
    return path


def connect_waiting(path: Path, *, patience_s: float = 600.0) -> duckdb.DuckDBPyConnection:
    """Open a bench warehouse (migrating an older file), waiting while another bench holds its lock:
    DuckDB lets one process at a time write a file, and the benches share bench/out."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            return warehouse.connect(path)
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(5)


def timed(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Median wall seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def table(rows: list[dict[str, object]]) -> str:
    """A plain text table for the console."""
    headers = list(rows[0])
    widths = [max(len(str(h)), *(len(str(r[h])) for r in rows)) for h in headers]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(r[h]).ljust(w) for h, w in zip(headers, widths, strict=True)) for r in rows]
    return "\n".join(lines)
