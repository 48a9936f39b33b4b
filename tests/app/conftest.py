"""AppTest helpers: run the real app.py against a chosen warehouse with clean caches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> Callable[..., AppTest]:
    """``make_app(db=None, **query)`` → an AppTest that has run once."""

    def build(db: Path | None = None, **query: object) -> AppTest:
        monkeypatch.setenv("SALESLENS_DB", str(db or demo_db))
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params.update(query)
        return at.run()

    return build


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
