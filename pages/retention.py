"""Retention: churn with a chosen inactivity window (over time; by channel, region and segment;
reasons), the at-risk list from the BG/NBD fit, what each CRM programme's holdout groups measured,
and cohort retention by acquisition month."""

from __future__ import annotations

import streamlit as st

from metrics import clv, cohorts, customers, rfm
from metrics.budget import holdout
from present.charts import budget as charts_budget
from present.charts import customers as charts_customers
from present.charts import overview as charts
from present.i18n import fmt_pct
from ui import cached
from ui.customer_pages import customer_cards, selection, window_picker
from ui.figures import figure
from ui.state import label, lang, require_shell, t
from ui.tables import show
from ui.widgets import kpi_row

require_shell()  # before anything else: a page never runs without the shell

st.title(t("retention_title"))
f = selection()

window = window_picker("retention", f.dataset)
cards = {c.key: c for c in customer_cards(f, window)}
if not cards["active_customers"].value:
    st.info(t("cust_no_customers_in_period"))
    st.stop()
kpi_row([cards["churn_rate"], cards["active_customers"], cards["repeat_rate"]], churn_window_days=window)
if cards["churn_rate"].value is None:
    st.info(t("ret_no_churn", days=window))

st.subheader(t("ret_churn_trend"))
monthly = cached.run(customers.churn_monthly, f, window_days=window)
st.plotly_chart(figure(charts_customers.churn_trend, monthly, lang()), key="retention_churn_trend", width="stretch")

left, right = st.columns([3, 2])
with left:
    st.subheader(t("ret_churn_by"))
    dim = st.radio(
        t("ret_churn_by"),
        ["channel", "region", "segment"],
        key="retention_churn_dim",
        horizontal=True,
        format_func=lambda d: t(f"churn_dim_{d}"),
        label_visibility="collapsed",
    )
    by_dim = cached.memo(
        lambda: customers.churn_by_dimension(
            cached.run(customers.churn_by_place, f, window_days=window),
            cached.run(customers.churn_flags, f, window_days=window),
            cached.run(rfm.key_segments, f.prior, scheme=rfm.DEFAULT_SCHEME),
        ),
        f,
        "churn_by_dimension",
        window,
    )
    st.plotly_chart(
        figure(charts_customers.churn_bars, by_dim[by_dim["dim"] == dim], lang(), segments=dim == "segment"),
        key="retention_churn_by",
        width="stretch",
    )
with right:
    st.subheader(t("ret_reasons"))
    reasons = cached.memo(
        lambda: customers.churn_reasons(cached.run(customers.churn_flags, f, window_days=window)),
        f,
        "churn_reasons",
        window,
    )
    if reasons.empty:
        st.info(t("ret_no_reasons"))
    else:
        st.plotly_chart(
            figure(charts.share_donut, reasons, lang(), name_col="reason", value_col="customers"),
            key="retention_reasons",
            width="stretch",
        )

st.subheader(t("ret_at_risk"))
threshold = st.slider(
    t("ret_at_risk_threshold"), 0.05, 0.95, customers.AT_RISK_P_ALIVE, 0.05, key="retention_at_risk_threshold"
)
st.caption(t("ret_at_risk_note", threshold=fmt_pct(threshold, lang(), decimals=0)))
fit = cached.run_model(clv.customer_value, f.dataset, as_of=f.end, wait_text=t("clv_fitting"))
if not fit.ok:
    st.warning(t(fit.reason))
else:
    risky = cached.memo(
        lambda: customers.at_risk(cached.run(rfm.rfm, f), fit, window_days=window, max_p_alive=threshold),
        f,
        "at_risk",
        window,
        threshold,
    )
    if risky.empty:
        st.info(t("ret_at_risk_none"))
    else:
        show(
            risky,
            key="retention_at_risk_table",
            download=f"at_risk_{f.end.isoformat()}",
            dims={"customer_id": "raw", "segment": lambda s: charts_customers.seg_label(s, lang())},
        )

st.subheader(t("ret_holdout"))
uplift = cached.run_model(holdout.table, f.dataset, wait_text=t("ret_holdout_measuring"))
if uplift.empty:
    st.info(t("ret_holdout_none"))
else:
    st.caption(t("ret_holdout_caption"))
    st.plotly_chart(
        figure(charts_budget.holdout_uplift, uplift, lang()), key="retention_holdout_chart", width="stretch"
    )
    show(
        uplift.drop(columns="se"),
        key="retention_holdout_table",
        download="crm_holdout_uplift",
        dims={"programme": "data", "horizon": lambda d: t("ret_holdout_horizon", days=int(d))},
        headers={
            "programme": "ret_col_programme",
            "horizon": "ret_col_horizon",
            "uplift_low": "ret_col_uplift_low",
            "uplift_high": "ret_col_uplift_high",
            "contacted": "ret_col_contacted",
            "control": "ret_col_control",
            "contacted_rate": "ret_col_contacted_rate",
            "control_rate": "ret_col_control_rate",
        },
        row_metrics={
            "contacted": "contacts",
            "control": "contacts",
            "contacted_rate": "repurchase_rate",
            "control_rate": "repurchase_rate",
            "uplift_low": "uplift",
            "uplift_high": "uplift",
        },
    )

st.subheader(t("ret_cohorts"))
st.caption(t("ret_cohort_note"))
acquisition_channels = cached.run_dataset(customers.acquisition_channels, f.dataset)
chosen = st.multiselect(
    t("ret_cohort_channel"),
    acquisition_channels,
    key="retention_cohort_channels",
    format_func=label,
    placeholder=t("filter_all"),
)
cells = cached.run(cohorts.retention, f, acq_channels=tuple(chosen))
if cells.empty:
    st.info(t("ret_no_cohorts"))
    st.stop()
st.plotly_chart(
    figure(
        charts_customers.cohort_heatmap,
        cached.memo(lambda: cohorts.retention_matrix(cells), f, "retention_matrix", *chosen),
        lang(),
    ),
    key="retention_cohort_heatmap",
    width="stretch",
)
st.subheader(t("ret_curves"))
st.plotly_chart(
    figure(
        charts_customers.retention_curves,
        cells,
        cached.memo(lambda: cohorts.retention_curve(cells), f, "retention_curve", *chosen),
        lang(),
    ),
    key="retention_curves",
    width="stretch",
)
