"""A person's view of the customer pages in Chromium: segments, churn and cohorts, CLV; screenshots kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OUTPUT, wait_idle

pytestmark = pytest.mark.e2e


def test_customer_pages_render(server, page):
    page.goto(server + "/customers?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    body = page.locator("body").inner_text()
    assert "RFM segments" in body and "Champions" in body
    page.screenshot(path=str(OUTPUT / "customers_en.png"), full_page=True)

    page.goto(server + "/retention?lang=zh", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function("() => document.body.innerText.includes('同期群留存')", timeout=60_000)
    assert "月度流失率" in page.locator("body").inner_text()
    page.screenshot(path=str(OUTPUT / "retention_zh.png"), full_page=True)

    page.goto(server + "/customer_value?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function("() => document.body.innerText.includes('Model check (holdout)')", timeout=90_000)
    assert "Predicted 12-month CLV, total" in page.locator("body").inner_text()
    page.screenshot(path=str(OUTPUT / "customer_value_en.png"), full_page=True)
