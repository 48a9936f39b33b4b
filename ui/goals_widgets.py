"""Goals on screen: the goals list with progress (Goals page) and the overview's compact section.

Goals are read fresh on every run (saving or deleting one does not change the dataset's version);
their progress is cached per dataset version *and* the goals' content.
"""

from __future__ import annotations

import streamlit as st

from metrics import forecast, goals
from metrics.filters import Filters
from present.sentences import goals as goals_text
from ui import cached
from ui import outlook as ui_outlook
from ui.state import lang, t


def progress(dataset: str, *, wait: bool = True) -> list[goals.Progress]:
    """Every goal of the dataset with its progress; revenue goals on the forecast where its backtest
    beats the straight line (metrics.goals.with_forecast). ``wait=False`` (the overview) takes the
    forecast only when the background fit is done, and says so while it is not."""
    saved = tuple(goals.list_goals(cached.store(), dataset))
    if not saved:
        return []
    items = cached.run_dataset(goals.progress_table, dataset, goals=saved)
    if not any(goals.forecast_series(g) is not None for g in saved):
        return items
    found = ui_outlook.outlook(dataset) if wait else cached.peek_model(forecast.outlook, dataset)
    tested = ui_outlook.backtest(dataset, wait=wait) if found is not None else None
    if found is None or tested is None:
        st.caption(t("goals_forecast_pending"))
        return items
    st.caption(t("goals_forecast_caption"))
    return goals.with_forecast(items, found, tested)


def progress_table(items: list[goals.Progress], *, key: str) -> None:
    st.dataframe(goals_text.progress_frame(items, lang()), hide_index=True, width="stretch", key=key)


def overview_section(f: Filters) -> None:
    """The overview's goals block: each goal's progress and status, and a link to manage them."""
    st.subheader(t("goals_overview_title"))
    items = progress(f.dataset, wait=False)
    if not items:
        st.caption(t("goals_overview_none"))
    else:
        progress_table(items, key="overview_goals_table")
    st.page_link("pages/goals.py", label=t("goals_overview_link"), icon=":material/flag:")  # no emoji font is needed
