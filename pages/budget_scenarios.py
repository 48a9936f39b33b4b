"""Saved budget scenarios: compare several side by side (table and chart), load one into the what-if,
export or delete it. Scenarios live in the warehouse per dataset; they are read fresh on every run
(not cached), since saving and deleting change them without changing the dataset's version.
"""

from __future__ import annotations

import streamlit as st

from metrics.budget import scenarios
from present.charts import budget as charts_budget
from ui import auth, cached
from ui import budget as ui_budget
from ui.downloads import download_buttons
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

MONEY_OUTCOMES = ("spend", "revenue", "gross_profit", "retained_value", "incremental_gp")
FLASH = "_budget_scenarios_flash"

st.title(t("budget_scenarios_title"))
f = require_filters()
model, _ = ui_budget.model(f.dataset)
con = cached.store()  # saved scenarios are user state
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(t(flash[0], name=escape_markdown(flash[1])))
saved = scenarios.list_scenarios(con, f.dataset)
if not saved:
    st.info(t("budget_scenarios_none"))
    st.stop()
names = [s.name for s in saved]
by_name = {s.name: s for s in saved}

st.subheader(t("budget_scenarios_compare"))
chosen = [n for n in st.session_state.get("budget_scen_pick", names[:3]) if n in names]
st.session_state["budget_scen_pick"] = chosen
picked = st.multiselect(t("budget_scenarios_pick"), names, key="budget_scen_pick")
compared = scenarios.compare(ui_budget.base_model(f.dataset), [by_name[n] for n in picked])
if not compared.empty:
    ui_budget.compare_table(compared)
    st.plotly_chart(
        figure(charts_budget.compare, compared, lang(), MONEY_OUTCOMES), key="budget_scen_chart", width="stretch"
    )


def _load(name: str) -> None:
    scenario = by_name[name]
    st.session_state[ui_budget.OVERRIDES] = {
        model.lever(o.lever).id: o for o in scenarios.usable_overrides(model, scenario.overrides)
    }
    ui_budget.set_allocation(model, scenario.vector(model))
    st.session_state[FLASH] = ("budget_scenarios_loaded", name)


def _delete(name: str) -> None:
    scenarios.delete(con, f.dataset, name)
    st.session_state[FLASH] = ("budget_scenarios_deleted", name)


st.subheader(t("budget_scenarios_manage"))
one = st.selectbox(t("budget_scenarios_one"), names, key="budget_scen_one")
st.caption(escape_markdown(by_name[one].notes or "—"))
load_col, delete_col = st.columns(2)
load_col.button(t("budget_scenarios_load"), key="budget_scen_load", on_click=_load, args=(one,), width="stretch")
delete_col.button(
    t("budget_scenarios_delete"), key="budget_scen_delete", on_click=auth.guarded(_delete), args=(one,), width="stretch"
)
st.markdown(f"**{t('budget_scenarios_export')}**")
download_buttons(
    scenarios.export_frame(ui_budget.base_model(f.dataset), by_name[one]), "budget_scenario", key="budget_scen_export"
)
