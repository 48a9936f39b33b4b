"""Every page in a real browser at 1440 px, saved under test-output/screens (CI keeps them).

Pages alternate between Chinese and English, so every page renders once in Chromium and both
languages are drawn, at half the cost of both pictures of every page (AppTest renders every page in
both languages: tests/app/test_shell.py). ``python -m tests.e2e.screens OUTDIR`` saves both.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.e2e.screens import LANGS, PAGES, capture

pytestmark = pytest.mark.e2e


def test_every_page_renders_in_a_browser_in_alternating_languages(server, browser):
    out = ROOT / "test-output" / "screens"
    saved = [
        path for i, lang in enumerate(LANGS) for path in capture(browser, server, out, pages=PAGES[i::2], langs=(lang,))
    ]
    assert len(saved) == len(PAGES)
    assert all(path.stat().st_size > 20_000 for path in saved), "an almost empty screenshot"
