"""Every page in both languages at 1440 px, saved under test-output/screens (CI keeps them)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.e2e.screens import LANGS, PAGES, capture

pytestmark = pytest.mark.e2e


def test_every_page_renders_in_both_languages(server, browser):
    saved = capture(browser, server, ROOT / "test-output" / "screens")
    assert len(saved) == len(PAGES) * len(LANGS)
    assert all(path.stat().st_size > 20_000 for path in saved), "an almost empty screenshot"
