"""Issue 12: tabs that reconnect together after a restart all get the shell and their page.

A just-started server has run no script yet, so nothing has told Streamlit that this app uses
``st.navigation``; eight tabs opened at once on it used to show an ImportError, or their page
without the sidebar.
"""

from __future__ import annotations

import pytest

from tests.conftest import copy_warehouse
from tests.e2e.conftest import OUTPUT, start_server, wait_idle, wait_text

pytestmark = pytest.mark.e2e

DEEP_LINKS = ("/", "/channels", "/customers", "/retention", "/budget", "/goals", "/channels_conflict", "/datasets")


def test_eight_tabs_on_a_fresh_server(demo_db, browser, tmp_path):
    copy = tmp_path / "cold.duckdb"
    copy_warehouse(demo_db, copy)
    with start_server(copy, "cold_start.log", {"SALESLENS_PREFETCH": "0"}) as url:  # the race, not the fits
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
        tabs = [context.new_page() for _ in DEEP_LINKS]
        for tab, link in zip(tabs, DEEP_LINKS, strict=True):  # all requests leave before any run ends
            tab.goto(f"{url}{link}?lang=en&preset=all", wait_until="commit")
        try:
            for tab, link in zip(tabs, DEEP_LINKS, strict=True):
                wait_idle(tab)
                tab.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
                body = tab.locator("body").inner_text()
                name = link.strip("/") or "overview"
                tab.screenshot(path=str(OUTPUT / f"cold_start_{name}.png"))
                assert tab.locator('[data-testid="stException"]').count() == 0, f"{link}: a traceback box"
                assert "Something went wrong" not in body, f"{link}: the page failed"
                assert "no datasets yet" not in body, f"{link}: ran without the shell"
                # the sidebar's filters: waited for, not read once (a rerun redraws them a moment later)
                wait_text(tab, "Period", within='[data-testid="stSidebar"]', timeout_ms=60_000)
        finally:
            context.close()
