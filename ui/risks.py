"""The risk register on screen: the assessment with this run's models, the plans read fresh from the
store, and the overview's top-three section.

The rules' inputs (``risks.gather``), the CRM data health, the forecast and the budget model are
computed once per dataset version in the background (ui.cached) — waited for on the Risks page, taken
only when ready on the overview, which then says more risks may join (or, before the rules' inputs
are ready, that the register is being computed); plans, user risks, goals and scenarios are read on
every run (saving one does not change the data's version).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics import forecast, goals, health, risks
from metrics.budget import budget_model
from metrics.budget import scenarios as budget_scenarios
from metrics.filters import Filters
from present.sentences import risks as risks_text
from ui import cached
from ui import health as ui_health
from ui import outlook as ui_outlook
from ui.state import lang, t
from ui.tables import show

PENDING_RULES = ("goal_shortfall", "assumed_curves")  # the rules that need a background fit
# what the register reads from the background fits (register() below)
BACKGROUND_INPUTS = (risks.gather, forecast.outlook, budget_model, health.data_health)


def start(dataset: str) -> None:
    """Queue the risk rules' inputs behind the fits already queued (the shell calls this)."""
    cached.prefetch_model(risks.gather, dataset)


@dataclass(frozen=True)
class Register:
    """What the page shows: the assessment, the ranked items with plans, plans of vanished risks,
    and whether a background fit was still running (some rules then not judged yet)."""

    assessment: risks.Assessment
    items: list[risks.Item]
    orphans: list[risks.Plan]
    pending: bool


def register(dataset: str, *, wait: bool = True) -> Register | None:
    """The dataset's register (module docstring for where each part comes from); with ``wait=False``
    None while the rules' inputs are still computed in the background."""
    if wait:
        evidence = cached.run_model(risks.gather, dataset, wait_text=t("risks_gathering"))
        outlook = ui_outlook.outlook(dataset)
        model = cached.run_model(budget_model, dataset, wait_text=t("budget_fitting"))
        health_done, health = True, ui_health.report(dataset)
    else:
        evidence = cached.peek_model(risks.gather, dataset)
        outlook = cached.peek_model(forecast.outlook, dataset)
        model = cached.peek_model(budget_model, dataset)
        health_done, health = ui_health.ready(dataset)
    if evidence is None:  # the overview, before the rules' inputs are computed: nothing judged yet
        return None
    store = cached.store()
    assessment = risks.assess(
        evidence,
        outlook=outlook,
        budget=model,
        scenarios=budget_scenarios.list_scenarios(store, dataset) if model is not None else (),
        goals=goals.list_goals(store, dataset),
        health=health,
    )
    listed, orphans = risks.items(assessment, risks.user_risks(store, dataset), risks.plans(store, dataset))
    return Register(assessment, listed, orphans, outlook is None or model is None or not health_done)


COMPACT = ["rank", "risk", "risk_score", "band", "owner", "status", "evidence"]  # the long text last


def table(listed: list[risks.Item], *, key: str, download: str | None = None, compact: bool = False) -> None:
    """The register as a table (translated, numbers by the catalog), with downloads when asked;
    ``compact``: the columns the overview has room for."""
    frame = risks_text.table(listed, lang())
    show(
        frame[COMPACT] if compact else frame,
        key=key,
        dims=risks_text.TABLE_DIMS,
        headers=risks_text.TABLE_HEADERS,
        download=download,
    )


POLL_S = 3.0  # how often the overview looks whether the register's background inputs are done


def overview_section(f: Filters) -> None:
    """The overview's block: the three highest open risks, and a link to the register. While the
    rules' inputs or models are still computed in the background, the section says so and the page
    redraws itself once they are all done (:func:`_redraw_when_done`)."""
    st.subheader(t("risks_overview_title"))
    found = register(f.dataset, wait=False)
    if found is None or found.pending:
        _redraw_when_done(f.dataset)
    if found is None:
        st.caption(t("risks_overview_computing"))
        st.page_link("pages/risks.py", label=t("risks_overview_link"), icon=":material/warning:")
        return
    top = risks.top_open(found.items)
    if not top:
        st.caption(t("risks_overview_none"))
    else:
        table(top, key="overview_risks_table", compact=True)
    if found.pending:
        st.caption(t("risks_overview_pending"))
    st.page_link("pages/risks.py", label=t("risks_overview_link"), icon=":material/warning:")


@st.fragment(run_every=POLL_S)
def _redraw_when_done(dataset: str) -> None:
    """Every POLL_S seconds while the overview waits: once every background input of the register is
    done, rerun the page (which then draws the full register and no longer polls). Only looks at the
    fits, builds nothing; draws nothing. A fit that failed ends the waiting too: the page's run then
    shows its error once instead of this fragment raising it every few seconds."""
    try:
        done = all(cached.model_ready(metric, dataset)[0] for metric in BACKGROUND_INPUTS)
    except Exception:  # noqa: BLE001 - the full run raises it where the page shows errors
        done = True
    if done:
        st.rerun()
