"""Priority advisor: channels or customer relationships first? Preset (stage, industry, weights) plus the
company's own signals → a score with its reasons, contradictions, next steps, a budget split, and the
executive report (HTML and XLSX).

Next-step buttons set the sidebar's filters (and the budget page's pre-fill) in a callback, before the
sidebar widgets exist in the next run, then switch page at the top of that run.
"""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from metrics import advisor, clv
from metrics.budget import scenarios
from present import exports, i18n, report
from present.charts import advisor as charts_advisor
from present.sentences import advisor as advisor_text
from ui import auth, cached, navigate
from ui import budget as ui_budget
from ui import health as ui_health
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.tables import show
from ui.widgets import bullet_list, escape_markdown

require_shell()  # before anything else: a page never runs without the shell

REPORT = "_advisor_report"

st.title(t("advisor_title"))
f = require_filters()
st.caption(t("advisor_caption", start=f.start, end=f.end))
config = advisor.default_config()
current = lang()  # format_funcs bind the language now: Streamlit may call them outside this run

left, right = st.columns(2)
stage = left.selectbox(
    t("advisor_stage"), advisor.STAGES, key="advisor_stage", format_func=lambda s: i18n.t(f"advisor_stage_{s}", current)
)
industry = right.selectbox(
    t("advisor_industry"),
    advisor.INDUSTRIES,
    key="advisor_industry",
    format_func=lambda s: i18n.t(f"advisor_industry_{s}", current),
)
with st.expander(t("advisor_weights")):
    st.caption(t("advisor_weights_help"))
    data_weight = st.slider(t("advisor_weight_data"), 0.0, 1.0, config.data_weight, 0.05, key="advisor_data_weight")
    stage_share = st.slider(t("advisor_weight_stage"), 0.0, 1.0, config.stage_share, 0.05, key="advisor_stage_share")
    columns = st.columns(4)
    weights = {
        key: columns[i % 4].number_input(
            t("advisor_weight_signal", signal=t(f"advisor_signal_{key}")),
            0.0,
            5.0,
            config.rules[key].weight,
            0.25,
            key=f"advisor_weight_{key}",
        )
        for i, key in enumerate(advisor.SIGNALS)
    }
config = replace(config.with_weights(weights), data_weight=data_weight, stage_share=stage_share)

# The CLV fit is the slow part: take it from the cache the Customer value page fills (same arguments).
# The next-yuan signal reads the budget model: wait for its background fit behind a progress bar.
ui_budget.base_model(f.dataset)
ds = cached.dataset(f.dataset)
evidence = (
    cached.run(advisor.measure, f, with_clv=False, with_health=False)
    .with_measurement(
        advisor.clv_signal(
            bool(ds and ds.has_customer),
            cached.run(clv.acquisition_cost, f),
            lambda: cached.run_model(clv.customer_value, f.dataset, as_of=f.end, wait_text=t("clv_fitting")),
        )
    )
    .with_measurement(advisor.health_signal(ui_health.report(f.dataset)))  # the background report
)
advice = advisor.combine(evidence, stage, industry, config)

st.subheader(
    escape_markdown(advisor_text.verdict_text(advice, lang())),
    help=t("advisor_score_help", band=f"{config.balanced_band:.0f}"),
)
st.caption(escape_markdown(advisor_text.summary_text(advice, lang())))
for note in advice.notes:
    st.info(t(note))
for text in advisor_text.contradiction_texts(advice, lang()):
    st.warning(escape_markdown(text), icon=":material/warning:")
chart_left, chart_right = st.columns([1, 2])
chart_left.plotly_chart(figure(charts_advisor.gauge, advice, lang()), key="advisor_gauge", width="stretch")
chart_right.plotly_chart(figure(charts_advisor.votes, advice, lang()), key="advisor_votes", width="stretch")

st.subheader(t("advisor_reasons"))
bullet_list(advisor_text.reasons(advice, lang()))
missing = advisor_text.unavailable(advice, lang())
if missing:
    with st.expander(t("advisor_unavailable_title"), expanded=True):
        bullet_list(missing)


def _go(action: advisor.Action) -> None:
    """Button callback: the action's page, with its channels and (budget) the suggested split."""
    budget = (
        {"total": action.params.get("budget_total"), "crm_share": action.params["budget_crm_share"]}
        if action.page == "budget"
        else None
    )
    navigate.go(action.page, channels=action.channels or None, budget=budget)


st.subheader(t("advisor_next"))
for i, action in enumerate(advice.actions[:-1]):
    text_col, button_col = st.columns([5, 1])
    text_col.markdown(escape_markdown(advisor_text.action_text(action, lang())))
    button_col.button(t("advisor_open"), key=f"advisor_go_{i}", on_click=_go, args=(action,), width="stretch")

st.subheader(t("advisor_split_title"))
budget_action = advice.actions[-1]
st.markdown(escape_markdown(advisor_text.split_text(advice.split, lang())))
st.button(
    advisor_text.action_text(budget_action, lang()),
    key="advisor_go_budget",
    on_click=_go,
    args=(budget_action,),
    type="primary",
)
show(advisor_text.signals_frame(advice), key="advisor_signals", **advisor_text.signals_table_spec(advice, lang()))

st.subheader(t("advisor_report"))
# a budget scenario plans every row: not offered to a user limited to some regions or channels
limited = auth.principal().scope.limits_rows
saved = [] if limited else [s.name for s in scenarios.list_scenarios(cached.store(), f.dataset)]
options = ["", *saved]
scenario = st.selectbox(
    t("advisor_report_scenario"),
    options,
    key="advisor_report_scenario",
    format_func=lambda name: name or i18n.t("advisor_report_no_scenario", current),
)
images = st.checkbox(t("advisor_report_images"), value=True, key="advisor_report_images")
if st.button(t("advisor_report_build"), key="advisor_report_build"):
    started = time.perf_counter()
    with st.spinner(t("advisor_report_build")):
        built = report.build(
            cached.connection(),
            f,
            lang=lang(),
            stage=stage,
            industry=industry,
            store=cached.store(),
            scenario=scenario or None,
            images=images,
            advice=advice,
        )
    st.session_state[REPORT] = (f, lang(), built, time.perf_counter() - started)
stored = st.session_state.get(REPORT)
if stored and stored[0] == f and stored[1] == lang():
    built, seconds = stored[2], stored[3]
    st.caption(t("advisor_report_ready", seconds=f"{seconds:.1f}"))
    stem = f"report_{f.dataset}_{f.end.isoformat()}_{lang()}"
    html_col, xlsx_col = st.columns(2)
    html_col.download_button(
        t("advisor_report_html"),
        built.html.encode("utf-8"),
        key="advisor_report_html",
        file_name=exports.safe_filename(stem, "html"),
        mime="text/html",
        width="stretch",
    )
    xlsx_col.download_button(
        t("advisor_report_xlsx"),
        built.xlsx,
        key="advisor_report_xlsx",
        file_name=exports.safe_filename(stem, "xlsx"),
        width="stretch",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
