"""Budget what-if: the current allocation, where each lever's curve comes from, each response curve
(and on a generated demo the curve it was planted with), and sliders whose projections redraw on
their own (``st.fragment``) — only the projection depends on a slider move.

Links: ``?budget_total=<annual yuan>&budget_crm_share=<0..1>`` open the what-if pre-filled with that
channels/CRM split (see ui/budget.py; another page can set ``st.session_state["budget_prefill"]``).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from metrics.budget import Override, check, project, scenarios
from metrics.budget.plotting import curve_view
from present.charts import budget as charts_budget
from present.i18n import fmt_number
from present.sentences.budget import lever_label
from ui import auth, cached
from ui import budget as ui_budget
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

MONEY_OUTCOMES = ("spend", "revenue", "gross_profit", "retained_value", "incremental_gp")

st.title(t("budget_title"))
f = require_filters()
model, arrays = ui_budget.model(f.dataset)
if not model.levers:
    st.info(t("budget_no_levers"))
    st.stop()
st.caption(t("budget_caption", start=model.start, end=model.end))
if not (model.has_channel_spend or model.has_crm_spend):
    st.info(t("budget_no_spend"))
if not model.has_customers:
    st.info(t("budget_no_customers"))
elif model.value_basis == "revenue":
    st.info(t("budget_value_revenue"))

st.subheader(t("budget_current"))
ui_budget.allocation_table(model, download="budget_current_allocation")

st.subheader(t("budget_sources"))
st.caption(t("budget_sources_caption"))
ui_budget.sources_table(model, arrays, download="budget_curve_sources")

st.subheader(t("budget_curves"))
picked = st.selectbox(
    t("budget_curve_pick"), model.ids, key="budget_curve", format_func=partial(lever_label, lang=lang())
)
lever = model.lever(picked)
curve = lever.curve
if curve.source == "none":
    st.warning(t("budget_curve_none"))
else:
    st.caption(ui_budget.curve_caption(model, arrays, picked))
if curve.source == "assumed":
    st.warning(t("budget_curve_assumed", reason=t(f"budget_reason_{curve.reason}")))
planted = cached.whole_dataset(lambda: cached.run_dataset(check.planted, f.dataset))  # truths of every row
if planted:
    with st.expander(t("budget_check"), expanded=True):
        st.caption(t("budget_check_caption"))
        pair = check.curve_pair(ui_budget.base_model(f.dataset), planted, picked)
        if pair is not None:
            st.plotly_chart(
                figure(charts_budget.model_check, pair, picked, lever.kind, lang()),
                key="budget_check_chart",
                width="stretch",
            )
        ui_budget.check_table(check.table(ui_budget.base_model(f.dataset), planted))
with st.expander(t("budget_override"), expanded=curve.source == "none"):
    top_key = "budget_override_top_crm" if lever.kind == "crm" else "budget_override_top_channel"
    left, middle, right = st.columns(3)
    top = left.number_input(
        t(top_key), min_value=0.0, value=float(curve.top or 0.0), key=f"budget_top_{picked}", format="%.0f"
    )
    alpha = middle.number_input(
        t("budget_override_alpha"), min_value=0.0, value=float(curve.alpha), key=f"budget_alpha_{picked}", format="%.3f"
    )
    kappa = right.number_input(
        t("budget_override_kappa"), min_value=0.0, value=float(curve.kappa), key=f"budget_kappa_{picked}", format="%.0f"
    )
    apply_col, reset_col = st.columns(2)
    if apply_col.button(t("budget_override_apply"), key="budget_override_apply", width="stretch"):
        if top > 0 and alpha > 0 and kappa > 0:
            ui_budget.set_override(picked, Override(picked, top, alpha, kappa))
            st.rerun()
        st.error(t("budget_override_bad"))
    if reset_col.button(t("budget_override_reset"), key="budget_override_reset", width="stretch"):
        ui_budget.set_override(picked, None)
        st.rerun()


@st.fragment
def what_if() -> None:
    """Sliders and everything they move: cards, the picked curve's proposed point, the bands."""
    st.subheader(t("budget_whatif"))
    ui_budget.sliders(model)
    if st.button(t("budget_reset"), key="budget_reset"):
        ui_budget.set_allocation(model, model.current_allocation())
        st.rerun(scope="fragment")
    planned = ui_budget.allocation()
    projection = project(model, planned, a=arrays)
    guessed = ui_budget.outside_evidence(model, planned)
    if guessed:
        st.warning(
            t("budget_outside_evidence", levers=", ".join(escape_markdown(lever_label(g, lang())) for g in guessed))
        )
    ui_budget.projection_cards(projection)
    view = curve_view(model, picked, planned, a=arrays)
    marks = view.points.set_index("which")["marginal_return"]
    left, right = st.columns(2)
    with left:
        st.plotly_chart(figure(charts_budget.curve, view, lang()), key="budget_curve_chart", width="stretch")
        st.caption(
            t(
                "budget_marginal",
                current=fmt_number(marks["current"], lang()),
                proposed=fmt_number(marks["proposed"], lang()),
            )
        )
    with right:
        st.plotly_chart(
            figure(charts_budget.projection, projection, lang(), MONEY_OUTCOMES),
            key="budget_projection_chart",
            width="stretch",
        )
    with st.expander(t("budget_projection_table")):
        ui_budget.projection_table(projection)
    with st.form("budget_save_form", clear_on_submit=True):
        st.markdown(f"**{t('budget_save')}**")
        name = st.text_input(t("budget_save_name"), key="budget_save_name", max_chars=scenarios.MAX_NAME)
        notes = st.text_area(t("budget_save_notes"), key="budget_save_notes", max_chars=scenarios.MAX_NOTES)
        if st.form_submit_button(t("budget_save_button")):
            try:
                saved = scenarios.save(
                    cached.store(),
                    f.dataset,
                    scenarios.Scenario(
                        name,
                        dict(zip(model.ids, np.round(planned, 2).tolist(), strict=True)),
                        notes,
                        tuple(st.session_state[ui_budget.OVERRIDES].values()),
                        float(planned.sum()),
                    ),
                )
                st.success(t("budget_saved", name=escape_markdown(saved.name)))
            except ValueError:
                st.error(t("budget_save_bad_name"))
            except auth.PermissionDenied as refused:  # data.access, checked inside scenarios.save
                st.error(auth.denied_text(refused, lang()))


what_if()
