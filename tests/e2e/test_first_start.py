"""A fresh clone's first start in Chromium: while the demo builds, the sidebar already lists the
pages by their translated titles and the progress names each stage in the visitor's language."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OUTPUT, start_server, wait_text

pytestmark = pytest.mark.e2e


def test_the_first_start_speaks_the_visitors_language_while_the_demo_builds(browser, tmp_path):
    # Until st.navigation first runs in a process, Streamlit lists the pages/ folder's file names
    # ("app", "access", "advisor", ...); the shell now draws its navigation before the build.
    with start_server(tmp_path / "fresh.duckdb", "first_start.log", env={"SALESLENS_DEMO_ORDERS": "300000"}) as url:
        context = browser.new_context(viewport={"width": 1200, "height": 700}, locale="zh-CN")
        tab = context.new_page()
        tab.goto(url + "/?lang=zh", wait_until="domcontentloaded")
        tab.wait_for_function("() => document.body.innerText.includes('正在生成演示数据：')", timeout=60_000)
        nav = tab.locator('[data-testid="stSidebarNav"]').inner_text()
        progress = tab.locator('[data-testid="stProgress"]').inner_text()
        tab.screenshot(path=str(OUTPUT / "first_start_zh.png"))
        assert "经营总览" in nav and "客户分析" in nav
        assert "advisor" not in nav and "customers" not in nav
        assert not progress.split("：", 1)[1].strip().isascii()  # the stage in Chinese, not "purchases"
        wait_text(tab, "销售额", "渠道占比")  # then the overview itself
        context.close()
