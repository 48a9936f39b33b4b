"""First loads and warm reruns of every page, through the real app (AppTest), at a given demo size.

    python -m bench.bench_pages [--sizes 1000000 10000000] [--repeat 3] [--warm 5] [--pages overview ...]

For each size: one AppTest session on the demo warehouse (bench/out), the reader built once (a new
version costs that once per process), the background model fits awaited; then for each page:

- first load, ``--repeat`` times: every cached metric result and derived frame cleared (``st.cache_data``,
  ``ui.cached.memo``; models fitted per version stay, as for every visitor after the first), the page
  opened, the script run timed (wall and this process's CPU);
- warm rerun, ``--warm`` times: the page run again with nothing changed (what a widget move that
  does not change the data costs), this process's CPU, with the rerun caches (built figures and
  derived frames: ``ui.figures``, ``ui.cached.memo``) on and, beside it in the same run, off
  (``SALESLENS_RERUN_CACHE=0``, the previous design).

Prints medians and the worst first load per page, and this process's peak RSS after all pages (the
app process's memory: AppTest runs the app in it); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import ROOT, demo_warehouse, table
from tests.e2e.screens import PAGES  # every page of the app, one list


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


def _wait_for_fits(timeout: float = 900.0) -> float:
    """Wait until the background fits the shell started (budget, CLV, calibration) are done; seconds waited."""
    from ui import cached

    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        running = [job for job in cached._models().values() if not job.done()]
        if not running:
            break
        time.sleep(0.5)
    return time.perf_counter() - began


def _cpu_of_runs(at, times: int) -> list[float]:
    out = []
    for _ in range(times):
        began = time.process_time()
        at.run()
        out.append(time.process_time() - began)
        if at.exception:
            raise RuntimeError(str(at.exception[0].value))
    return out


def measure(path: str, pages: tuple[str, ...], repeat: int, warm: int) -> list[dict[str, object]]:
    import streamlit as st

    from ui import cached

    at = _app(path)
    at.run()  # builds the reader once and starts the background fits
    waited = _wait_for_fits()
    print(f"background fits finished {waited:.1f} s after the first run")
    rows = []
    for page in pages:
        wall, cpu = [], []
        for _ in range(repeat):
            st.cache_data.clear()
            cached._memos()[1].clear()  # derived frames kept per selection: a first load computes them too
            began, began_cpu = time.perf_counter(), time.process_time()
            at.switch_page(f"pages/{page}.py").run()
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        row = {
            "page": page,
            "first load median s": f"{statistics.median(wall):.2f}",
            "worst s": f"{max(wall):.2f}",
            "first cpu median s": f"{statistics.median(cpu):.2f}",
        }
        if warm:
            at.run()  # the rerun caches fill
            row["warm cpu s"] = f"{statistics.median(_cpu_of_runs(at, warm)):.3f}"
            os.environ["SALESLENS_RERUN_CACHE"] = "0"
            try:
                row["warm cpu s, caches off"] = f"{statistics.median(_cpu_of_runs(at, warm)):.3f}"
            finally:
                os.environ.pop("SALESLENS_RERUN_CACHE", None)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    args = parser.parse_args()
    for size in args.sizes:
        path = str(demo_warehouse(size))
        print(f"\n{size:,} order lines ({path})")
        print(table(measure(path, tuple(args.pages), args.repeat, args.warm)))
        import resource

        print(f"peak RSS of the app process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
