"""Issue 13: two app processes behind nginx share one warehouse, and a CLI load reaches both."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_warehouse
from tests.e2e.conftest import OUTPUT, _require, free_port, start_server, wait_idle, wait_text
from tests.e2e.deploy import NGINX, nginx

pytestmark = pytest.mark.e2e

NEW = "nightly"


def test_sessions_on_both_processes_see_a_cli_load(demo_db, browser, tmp_path):
    _require(Path(NGINX).exists(), f"no nginx at {NGINX}")
    db = copy_warehouse(demo_db, tmp_path / "shared")
    # fits on demand: ahead, each process would fit every model while the test drives it (ui.cached)
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16), "SALESLENS_PREFETCH": "0"}
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(start_server(db, "process_1.log", env))
        two = stack.enter_context(start_server(db, "process_2.log", env))
        backends = [int(one.rsplit(":", 1)[1]), int(two.rsplit(":", 1)[1])]
        url = stack.enter_context(nginx(tmp_path / "nginx", free_port(), backends))
        seen = {}
        for _ in range(12):  # new contexts get new cookies, hashed to either process, until both are used
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
            stack.callback(context.close)
            tab = context.new_page()
            response = tab.goto(f"{url}/?lang=en&preset=all", wait_until="domcontentloaded")
            backend = response.headers.get("x-saleslens-backend", "")
            wait_idle(tab)
            wait_text(tab, "2023-01-01 to 2025-12-31")
            if backend not in seen:
                seen[backend] = tab
            if len(seen) == 2:
                break
        assert len(seen) == 2, f"sessions reached only {list(seen)}"
        source = tmp_path / "nightly.csv"
        source.write_text(
            "订单编号,下单时间,客户编号,销售渠道,实收金额\nN1,2025-06-01,K1,天猫,120\nN2,2025-06-02,K2,京东,80\n",
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-m", "data", "load", str(source), "--name", NEW, "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        for backend, tab in seen.items():  # each browser, still on its process, opens the new dataset
            response = tab.goto(f"{url}/?lang=en&preset=all&dataset={NEW}", wait_until="domcontentloaded")
            assert response.headers.get("x-saleslens-backend") == backend, "the session changed process"
            wait_idle(tab)
            wait_text(tab, "2025-06-01 to 2025-06-02", within='[data-testid="stSidebar"]')
            tab.screenshot(path=str(OUTPUT / f"two_processes_{backend.replace(':', '_')}.png"))
