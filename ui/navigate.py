"""Cross-page navigation with pre-filled state: one way for a page to send the user elsewhere.

A button callback calls :func:`go`; it stages the selection (dataset, channels, regions) and any
pre-fill of the target page through their owners (``ui.state`` owns the sidebar, ``ui.budget`` the
budget's pre-fill), and the shell switches page at the start of the next run (:func:`follow`), before
the sidebar is drawn, so the target opens with that selection. No page writes another's keys.
"""

from __future__ import annotations

import streamlit as st

from ui import state

PENDING = "_navigate_to"


def go(
    page: str,
    *,
    dataset: str | None = None,
    channels: list[str] | tuple[str, ...] | None = None,
    regions: list[str] | tuple[str, ...] | None = None,
    budget: dict[str, float | None] | None = None,
) -> None:
    """Open ``pages/<page>.py`` on the next run, with the given selection and pre-fill (callback-safe).

    ``budget`` = ``{"total": yuan or None, "crm_share": 0..1}`` starts the budget what-if from that split.
    """
    state.select(dataset=dataset, channels=channels, regions=regions)
    if budget is not None:
        from ui import budget as ui_budget

        ui_budget.prefill(budget.get("total"), budget.get("crm_share"))
    st.session_state[PENDING] = f"pages/{page}.py"


def follow() -> None:
    """The shell's part: switch to the page a callback asked for in the previous run, if any."""
    target = st.session_state.pop(PENDING, None)
    if target:
        st.switch_page(target)
