"""The executive report opened in Chromium (file://, no server, no network) and the advisor page in the
running app; screenshots kept under test-output/e2e."""

from __future__ import annotations

import datetime as dt

import pytest

from data import warehouse
from metrics import advisor
from metrics.filters import Filters
from present import i18n, report
from tests.e2e.conftest import OUTPUT, wait_idle, wait_text

pytestmark = pytest.mark.e2e


def test_html_report_opens_in_chromium(demo_db, browser):
    con = warehouse.connect(demo_db)
    try:
        f = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        built = report.build(
            con,
            f,
            lang="zh",
            stage="growth",
            industry="manufacturing",
            images=True,
            store=warehouse.open_warehouse(demo_db).state,
        )
    finally:
        con.close()
    assert built.image_count >= 3, built.image_note  # kaleido drew the charts with the system Chromium
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / "report_zh.html"
    path.write_text(built.html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    try:
        tab.goto(path.resolve().as_uri(), wait_until="load")
        text = tab.locator("body").inner_text()
        assert i18n.t("report_title", "zh") in text and "关键指标" in text and "渠道损益" in text
        loaded = tab.evaluate("() => Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
        assert loaded == built.image_count
        assert tab.evaluate("() => document.scripts.length") == 0  # nothing executable in the report
        tab.screenshot(path=str(OUTPUT / "report_zh.png"), full_page=True)
    finally:
        context.close()


def test_advisor_page_renders(server, page):
    page.goto(server + "/advisor?lang=zh&preset=last_year", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    # the default startup preset meets the demo's churn: said out loud
    text = wait_text(page, i18n.t("advisor_title", "zh"), "初创期的预设倾向渠道")
    assert any(i18n.t(f"advisor_verdict_{v}", "zh").split("（")[0] in text for v in advisor.VERDICTS)
    page.screenshot(path=str(OUTPUT / "advisor_zh.png"), full_page=True)
