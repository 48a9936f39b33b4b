"""A person's view of the customer pages in Chromium: segments, churn and cohorts, CLV; screenshots kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OUTPUT, wait_idle, wait_text

pytestmark = pytest.mark.e2e


def test_customer_pages_render(server, page):
    page.goto(server + "/customers?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    wait_text(page, "RFM segments", "Champions")
    page.screenshot(path=str(OUTPUT / "customers_en.png"), full_page=True)

    page.goto(server + "/retention?lang=zh", wait_until="domcontentloaded")
    wait_idle(page)
    wait_text(page, "同期群留存", "月度流失率")
    page.screenshot(path=str(OUTPUT / "retention_zh.png"), full_page=True)

    page.goto(server + "/customer_value?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    wait_text(page, "12-month CLV, total", "Model check (holdout)")
    page.screenshot(path=str(OUTPUT / "customer_value_en.png"), full_page=True)
