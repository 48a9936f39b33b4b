"""Budget optimizer: the split of a total budget across channels and CRM programmes that maximises
incremental gross profit, why it is what it is (including the levers the guardrail on assumed curves
held back, which a manager may unlock), and how the channels/CRM split moves with the budget.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from metrics.budget import Bound, BudgetError, BudgetSpec, optimize, split_by_budget
from present.charts import budget as charts_budget
from present.i18n import fmt_money
from present.sentences.budget import error_text, lever_label, reasons_text
from ui import budget as ui_budget
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import bullet_list, escape_markdown

require_shell()  # before anything else: a page never runs without the shell

SPLIT_LEVELS = np.linspace(0.25, 3.0, 12)

st.title(t("budget_optimizer_title"))
f = require_filters()
model, arrays = ui_budget.model(f.dataset)
if not model.levers:
    st.info(t("budget_no_levers"))
    st.stop()
current_total = float(model.current_allocation().sum())

left, right = st.columns(2)
total = left.number_input(
    t("budget_opt_total"),
    min_value=0.0,
    value=float(round(ui_budget.allocation().sum(), 2)),
    step=1_000.0,
    key="budget_opt_total",
)
exact = right.checkbox(t("budget_opt_exact"), value=True, key="budget_opt_exact")
locked = st.multiselect(
    t("budget_opt_locks"),
    model.ids,
    key="budget_opt_locks",
    placeholder=t("budget_opt_none"),
    format_func=partial(lever_label, lang=lang()),
)
assumed = [lever.id for lever in model.levers if lever.curve.source == "assumed"]
unlocked = (
    st.multiselect(
        t("budget_opt_unlock"),
        assumed,
        key="budget_opt_unlock",
        help=t("budget_opt_unlock_help"),
        placeholder=t("budget_opt_none"),
        format_func=partial(lever_label, lang=lang()),
    )
    if assumed
    else []
)
with st.expander(t("budget_opt_bounds")):
    edited = st.data_editor(
        pd.DataFrame(
            {
                "lever": [lever_label(i, lang()) for i in model.ids],
                "min_pct": [None] * len(model.ids),
                "max_pct": [None] * len(model.ids),
            }
        ).astype({"min_pct": "float64", "max_pct": "float64"}),
        key="budget_opt_bounds",
        hide_index=True,
        width="stretch",
        disabled=["lever"],
        column_config={
            "lever": t("budget_col_lever"),
            "min_pct": st.column_config.NumberColumn(t("budget_opt_min_pct"), min_value=0.0),
            "max_pct": st.column_config.NumberColumn(t("budget_opt_max_pct"), min_value=0.0),
        },
    )
bounds = tuple(
    Bound(lever, None if pd.isna(lo) else lo / 100, None if pd.isna(hi) else hi / 100, relative=True)
    for lever, lo, hi in zip(model.ids, edited["min_pct"], edited["max_pct"], strict=True)
    if not (pd.isna(lo) and pd.isna(hi))
)
locks = tuple((lever, model.lever(lever).current) for lever in locked if lever in model.ids)
spec = BudgetSpec(float(total), bool(exact), bounds, locks, tuple(lever for lever in unlocked if lever in model.ids))

try:
    result = optimize(model, spec, a=arrays)
except BudgetError as error:
    st.warning(error_text(error, lang()))
    st.stop()

st.subheader(
    t(
        "budget_opt_result",
        objective=fmt_money(result.objective, lang()),
        current=fmt_money(result.current_objective, lang()),
    )
)
bullet_list(reasons_text(result, lang()))
if result.binding:
    st.caption(t("budget_opt_binding", binding=ui_budget.binding_text(result.binding)))
if result.guardrail_held:
    st.caption(
        t(
            "budget_opt_held",
            levers=", ".join(escape_markdown(lever_label(lever, lang())) for lever in result.guardrail_held),
        )
    )
ui_budget.optimizer_table(result.frame().assign(source=list(result.sources)), download="budget_optimum")
if st.button(t("budget_opt_apply"), key="budget_opt_apply", type="primary"):
    ui_budget.set_allocation(model, result.allocation)
    st.switch_page("pages/budget.py")

st.subheader(t("budget_split"))
st.caption(t("budget_split_caption"))
levels = tuple(float(x) for x in SPLIT_LEVELS * max(current_total, float(total), 1.0))
overrides = tuple(sorted(st.session_state[ui_budget.OVERRIDES].items()))
split = ui_budget.memo(
    "_budget_split", (f.dataset, overrides, spec, levels), lambda: split_by_budget(model, spec, levels, a=arrays)
)
st.plotly_chart(
    figure(charts_budget.split, split, lang(), current_total=current_total), key="budget_split_chart", width="stretch"
)
ui_budget.split_table(split, download="budget_channels_vs_crm")
