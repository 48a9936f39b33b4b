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
