"""A person's view of the channel pages in Chromium: P&L table, charts, blind spots; screenshots kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OUTPUT, wait_idle, wait_text

pytestmark = pytest.mark.e2e


def test_channels_pages_render(server, page):
    page.goto(server + "/channels?lang=en&preset=all", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    # charts below the fold may load their plotting code only when scrolled to: wait for the first two
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    wait_text(page, "Channel P&L")
    page.screenshot(path=str(OUTPUT / "channels_en.png"), full_page=True)

    page.goto(server + "/channels_conflict?lang=zh&preset=all", wait_until="domcontentloaded")
    wait_idle(page)
    wait_text(page, "覆盖盲区", "西北")  # the planted blind spot is listed
    page.screenshot(path=str(OUTPUT / "channels_conflict_zh.png"), full_page=True)
