"""First load of every page, through the real app (AppTest), at a given demo size.

    python -m bench.bench_pages [--sizes 1000000 10000000] [--repeat 3] [--pages overview channels ...]

For each size: one AppTest session on the demo warehouse (bench/out), the reader built once (a new
version costs that once per process); then for each page, ``--repeat`` times: every cached metric
result cleared (``st.cache_data``), the page opened, the script run timed (wall and this process's
CPU). Prints the median and worst per page; asserts nothing. Beside it, the same page's metric calls
on the previous design's storage — one DuckDB file with native tables holding the same rows — are
not re-run here: bench/bench_storage.py prints that comparison query by query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import ROOT, demo_warehouse, table

PAGES = ("overview", "advisor", "goals", "channels", "channels_conflict", "customers", "retention", "customer_value",
         "budget", "budget_optimizer", "budget_scenarios", "data", "datasets")


def _app(path: str):
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    class _Navigation(PagesManager):
        uses_pages_directory = False

    script_runner.PagesManager = _Navigation  # run app.py on every run, as the server does
    os.environ["SALESLENS_DB"] = path
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"lang": "en", "preset": "last_year"})
    return at


def measure(path: str, pages: tuple[str, ...], repeat: int) -> list[dict[str, object]]:
    import streamlit as st

    at = _app(path)
    at.run()  # builds the reader once
    rows = []
    for page in pages:
        wall, cpu = [], []
        for _ in range(repeat):
            st.cache_data.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            at.switch_page(f"pages/{page}.py").run()
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        rows.append({"page": page, "first load median s": f"{statistics.median(wall):.2f}",
                     "worst s": f"{max(wall):.2f}", "cpu median s": f"{statistics.median(cpu):.2f}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    args = parser.parse_args()
    for size in args.sizes:
        path = str(demo_warehouse(size))
        print(f"\n{size:,} order lines ({path})")
        print(table(measure(path, tuple(args.pages), args.repeat)))


if __name__ == "__main__":
    main()
