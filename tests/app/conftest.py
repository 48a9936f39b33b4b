"""AppTest helpers: run the real app.py against a chosen warehouse with clean caches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))


class _NavigationPagesManager(PagesManager):
    uses_pages_directory = False


@pytest.fixture(autouse=True)
def modern_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run app.py on every AppTest run, as the real server does once st.navigation has run.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, and with a ``pages/``
    folder beside app.py it then replays a page script alone (legacy multipage mode) from the
    second run on, skipping the shell. ui/state.py switches the flag off for the real server.
    """
    monkeypatch.setattr(script_runner, "PagesManager", _NavigationPagesManager)


@pytest.fixture(autouse=True)
def fits_on_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Background fits start when a page first needs them, not ahead for every fresh test dataset
    (ui.cached.prefetch_model): ahead, they compete with the test for the two cores. The browser
    tests run the app as deployed, with fits ahead."""
    monkeypatch.setenv("SALESLENS_PREFETCH", "0")


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
