"""Data page benchmark: a big CSV through the page (upload → check → load) beside the bare ingest.

Run: ``python -m bench.bench_data_page [--lines N]``. Drives the real app.py with AppTest on a fresh
copy of a small demo warehouse, so the figures include Streamlit's script runs and the report's
rendering; ``data.ingest.ingest`` on the same bytes and plain ``pandas.read_csv`` are measured in
the same run as baselines. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from bench.bench_ingest import orders_frame
from bench.common import ROOT, demo_warehouse, table
from data import warehouse
from data.ingest import ingest
from tests.conftest import copy_warehouse


class _NavigationPagesManager(PagesManager):
    uses_pages_directory = False  # as tests/app/conftest.py: run the shell on every AppTest run


def _step(label: str, fn, rows: list[dict[str, object]], baseline: float) -> object:
    began = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - began
    rows.append({"step": label, "seconds": f"{seconds:.2f}", "× read_csv": f"{seconds / baseline:.1f}"})
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    script_runner.PagesManager = _NavigationPagesManager
    content = orders_frame(args.lines).to_csv(index=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        pd.read_csv(pd.io.common.BytesIO(content))
        baseline = time.perf_counter() - began
        rows = [
            {
                "step": f"pandas.read_csv ({len(content) / 1e6:.0f} MB, {args.lines:,} lines)",
                "seconds": f"{baseline:.2f}",
                "× read_csv": "1.0",
            }
        ]
        bare = Path(tmp) / "bare.duckdb"
        copy_warehouse(demo_warehouse(2000), bare)
        con = warehouse.connect(bare)
        _step(
            "data.ingest.ingest (read+check+load)",
            lambda: ingest(con, content, "bare", filename="big.csv"),
            rows,
            baseline,
        )
        con.close()

        db = Path(tmp) / "page.duckdb"
        copy_warehouse(demo_warehouse(2000), db)
        os.environ["SALESLENS_DB"] = str(db)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["lang"] = "en"
        at.run()
        at.switch_page("pages/data.py").run()
        uploader = at.file_uploader(key="data_upload")
        _step(
            "page: upload → mapping shown",
            lambda: uploader.set_value(("big.csv", content, "text/csv")).run(),
            rows,
            baseline,
        )
        _step("page: check → report shown", lambda: at.button(key="data_validate").click().run(), rows, baseline)
        at.text_input(key="data_name").set_value("big")
        _step("page: load → success shown", lambda: at.button(key="data_load").click().run(), rows, baseline)
        _step("page: rerun on the success screen", lambda: at.run(), rows, baseline)
        assert not at.exception, [e.value for e in at.exception]
        print(table(rows))
        print("success:", [s.value for s in at.success])


if __name__ == "__main__":
    main()
