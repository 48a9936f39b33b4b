"""Goals on screen: the goals list with progress (Goals page) and the overview's compact section.

Goals are read fresh on every run (saving or deleting one does not change the dataset's version);
their progress is cached per dataset version *and* the goals' content.
"""

from __future__ import annotations

import streamlit as st

from metrics import goals
from metrics.filters import Filters
from present.sentences import goals as goals_text
from ui import cached
from ui.state import lang, t


def progress(dataset: str) -> list[goals.Progress]:
    """Every goal of the dataset with its progress."""
    saved = tuple(goals.list_goals(cached.store(), dataset))
    if not saved:
        return []
    return cached.run_dataset(goals.progress_table, dataset, goals=saved)


def progress_table(items: list[goals.Progress], *, key: str) -> None:
    st.dataframe(goals_text.progress_frame(items, lang()), hide_index=True, width="stretch", key=key)


def overview_section(f: Filters) -> None:
    """The overview's goals block: each goal's progress and status, and a link to manage them."""
    st.subheader(t("goals_overview_title"))
    items = progress(f.dataset)
    if not items:
        st.caption(t("goals_overview_none"))
    else:
        progress_table(items, key="overview_goals_table")
    st.page_link("pages/goals.py", label=t("goals_overview_link"), icon=":material/flag:")  # no emoji font is needed
