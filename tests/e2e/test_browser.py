"""A person's view: the app loads in Chromium, shows KPI cards, and switches language."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OUTPUT, wait_idle, wait_text

pytestmark = pytest.mark.e2e


def test_overview_shows_kpis_and_switches_language(server, page):
    page.goto(server + "/?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === 8", timeout=60_000)
    assert "Revenue" in page.locator('[data-testid="stMetricLabel"]').first.inner_text()
    # charts load their plotting code lazily (below the fold only when scrolled to): wait for trend and share
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    page.screenshot(path=str(OUTPUT / "overview_en.png"), full_page=True)

    page.get_by_text("中文", exact=True).click()
    page.wait_for_function("() => document.body.innerText.includes('销售额')", timeout=30_000)
    wait_idle(page)
    assert "销售额" in page.locator('[data-testid="stMetricLabel"]').first.inner_text()
    assert "lang=zh" in page.url
    page.screenshot(path=str(OUTPUT / "overview_zh.png"), full_page=True)


def test_shared_link_reproduces_the_view(server, page):
    page.goto(
        server + "/?lang=zh&preset=all&channel=%E7%9B%B4%E6%92%AD%E5%B8%A6%E8%B4%A7", wait_until="domcontentloaded"
    )
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    # the channel filter came from the link; preset=all: the whole demo range, in Chinese
    wait_text(page, "直播带货", "2023-01-01 至 2025-12-31", within='[data-testid="stSidebar"]')


def test_the_overview_draws_the_risk_register_by_itself_once_it_is_computed(demo_db, browser, tmp_path):
    """The risk rules' inputs and the CRM data health are background fits (ui.cached): on a fresh
    version the overview first says the register is being computed, then draws it without a click or
    a reload (ui.risks polls while it waits and reruns the page once everything is done)."""
    from tests.conftest import copy_warehouse
    from tests.e2e.conftest import start_server

    copy = copy_warehouse(demo_db, tmp_path / "fresh.duckdb")
    for kept in copy.glob("snapshots/*/derived/*"):  # fits other tests kept on disk: this version starts bare
        kept.unlink()
    computing = "being computed in the background"
    with start_server(copy, "overview_redraw.log") as url:  # background fits on, as deployed
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
        tab = context.new_page()
        try:
            tab.goto(f"{url}/?lang=en&preset=last_year", wait_until="domcontentloaded")
            wait_text(tab, computing, timeout_ms=60_000)
            grids = '[data-testid="stMainBlockContainer"] [data-testid="stDataFrame"]'
            assert tab.locator(grids).count() == 0  # the register is the overview's only table
            tab.screenshot(path=str(OUTPUT / "overview_register_computing.png"), full_page=True)
            # nobody clicks or reloads; the grid draws its cells on a canvas, so the table itself is waited for
            tab.wait_for_function(
                "([sel, said]) => document.querySelectorAll(sel).length === 1 && !document.body.innerText.includes(said)",
                arg=[grids, computing],
                timeout=180_000,
            )
            wait_idle(tab)
            body = tab.locator("body").inner_text()
            assert computing not in body and "More risks may join" not in body
            tab.screenshot(path=str(OUTPUT / "overview_register_drawn.png"), full_page=True)
        finally:
            context.close()
