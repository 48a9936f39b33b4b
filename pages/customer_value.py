"""Customer value: ABC and 2×2 value tiers, predictive CLV (BG/NBD + Gamma-Gamma) with its holdout
check, CLV against acquisition cost per channel, and the 360° view of one customer."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from metrics import clv, customers, relationship, rfm, tiers
from present.charts import customers as charts_customers
from present.charts import voice as charts_voice
from present.i18n import fmt_int, fmt_pct
from ui import cached
from ui.customer_pages import selection
from ui.downloads import download_buttons
from ui.figures import figure
from ui.state import lang, require_shell, t
from ui.tables import show
from ui.widgets import metric_card

require_shell()  # before anything else: a page never runs without the shell


def timeline_detail(value: object) -> str:
    """A contact type in words (visit, call …), a survey's scale as it is, any other type as written."""
    return t(f"ctype_{value}") if value in ("visit", "call", "wecom", "email", "sms") else str(value)


st.title(t("customer_value_title"))
f = selection()
has_cost = cached.dataset(f.dataset).has_cost

st.subheader(t("val_abc"))
st.caption(t("val_abc_note"))
abc = cached.memo(lambda: tiers.abc_summary(cached.run(tiers.abc, f)), f, "abc_summary")
if abc["customers"].sum() == 0:
    st.info(t("cust_no_customers_in_period"))
else:
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            figure(charts_customers.tier_bars, abc, "tier_", lang()), key="customer_value_abc", width="stretch"
        )
    with right:
        show(abc, key="customer_value_abc_table", dims={"tier": "key:tier_"})

st.subheader(t("val_clv"))
fit = cached.run_model(clv.customer_value, f.dataset, as_of=f.end, wait_text=t("clv_fitting"))
if not fit.ok:  # too thin to fit: say why, keep the holdout check and the 360° view
    st.warning(t(fit.reason))
else:
    margin_note = (
        t("val_margin_applied", margin=fmt_pct(fit.margin, lang()))
        if fit.margin is not None
        else t("val_margin_missing")
    )
    st.caption(t("val_clv_note", margin_note=margin_note))
    values = fit.customers
    totals = {
        "clv_total": values["clv_12m"].sum(),
        "clv_mean": values["clv_12m"].mean(),
        "p_alive_mean": values["p_alive"].mean(),
        "expected_purchases": values["expected_purchases_12m"].sum(),
    }
    for column, (key, value) in zip(st.columns(4), totals.items(), strict=True):
        with column:
            metric_card(key, value)
    with st.expander(t("val_params")):
        st.json({"bgnbd": fit.bgnbd.__dict__, "gamma_gamma": fit.gamma_gamma.__dict__, "margin": fit.margin})

    st.subheader(t("val_value_tiers"))
    st.caption(t("val_value_tiers_note", measure=t("measure_gross_profit") if has_cost else t("measure_revenue_lower")))
    tier_summary = cached.memo(
        lambda: tiers.value_tier_summary(
            tiers.value_tiers(fit, cached.run_dataset(tiers.current_value, f.dataset, as_of=f.end), has_cost=has_cost)
        ),
        f,
        "value_tier_summary",
    )
    st.plotly_chart(
        figure(charts_customers.value_quadrants, tier_summary, lang()), key="customer_value_tiers", width="stretch"
    )

    st.subheader(t("val_clv_by_channel"))
    by_channel = cached.memo(lambda: clv.channel_value(fit, cached.run(clv.acquisition_cost, f)), f, "channel_value")
    if by_channel["marketing_cost"].isna().all():
        st.info(t("val_no_cac"))
    st.plotly_chart(
        figure(charts_customers.clv_by_channel, by_channel, lang()), key="customer_value_clv_channel", width="stretch"
    )
    show(
        by_channel.rename(columns={"channel": "acquisition_channel"}),
        key="customer_value_clv_table",
        dims={"acquisition_channel": "data"},
    )
    download_buttons(values[clv.CLV_COLUMNS], f"clv_{f.end.isoformat()}", key="customer_value_clv")

st.subheader(t("val_calibration"))
weeks = st.slider(t("val_holdout_weeks"), 4, 52, clv.DEFAULT_HOLDOUT_WEEKS, key="customer_value_holdout_weeks")
check = cached.run_model(
    clv.calibration,
    f.dataset,
    cal_end=f.end - dt.timedelta(weeks=weeks),
    holdout_end=f.end,
    wait_text=t("clv_calibrating"),
)
if not check.ok:
    st.warning(t(check.reason))
else:
    error = (check.predicted_total - check.actual_total) / check.actual_total if check.actual_total else None
    st.caption(
        t(
            "val_calibration_note",
            cal_end=check.cal_end,
            end=check.holdout_end,
            actual=fmt_int(check.actual_total, lang()),
            predicted=fmt_int(check.predicted_total, lang()),
            error=fmt_pct(error, lang(), signed=True),
        )
    )
    st.plotly_chart(
        figure(charts_customers.calibration, check.buckets, lang()), key="customer_value_calibration", width="stretch"
    )

st.subheader(t("val_360"))
needle = st.text_input(t("val_search"), key="customer_value_search")
matches = cached.run_dataset(customers.search, f.dataset, needle=needle)
if needle.strip() and matches.empty:
    st.info(t("val_no_match"))
if not matches.empty:
    customer = st.selectbox(t("val_pick_customer"), matches["customer_id"].tolist(), key="customer_value_customer")
    orders = cached.run_dataset(customers.customer_orders, f.dataset, customer_id=customer)
    row = clv.for_customer(fit, customer)
    cards = {
        "orders": len(orders),
        "revenue": orders["revenue"].sum(),
        "clv_12m": row["clv_12m"] if row else None,
        "p_alive": row["p_alive"] if row else None,
    }
    for column, (key, value) in zip(st.columns(4), cards.items(), strict=True):
        with column:
            metric_card(key, value)
    if row is None:
        st.caption(t("val_customer_not_in_fit"))
    st.plotly_chart(
        figure(charts_customers.customer_orders, orders, lang()), key="customer_value_orders_chart", width="stretch"
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('val_channels_used')}**")
        used = customers.channels_used(orders)
        show(used, key="customer_value_channels", dims={"channel": "data", "first": "raw", "last": "raw"})
    with right:
        st.markdown(f"**{t('val_segment_history')}**")
        history = cached.run(rfm.segment_history, f, customer_id=customer)
        show(
            history.rename(columns={"r": "r_score", "f": "f_score", "m": "m_score"}),
            key="customer_value_history",
            dims={"start": "raw", "end": "raw", "segment": lambda s: charts_customers.seg_label(s, lang())},
        )
    st.markdown(f"**{t('val_orders')}**")
    show(
        orders,
        key="customer_value_orders",
        dims={"order_id": "raw", "order_date": "raw", "channel": "data", "region": "data"},
    )
    # issue 15: the customer's timeline of orders, contacts and survey answers
    st.markdown(f"**{t('val_timeline')}**")
    events = cached.run_dataset(relationship.timeline, f.dataset, customer_id=customer)
    st.plotly_chart(figure(charts_voice.timeline, events, lang()), key="customer_value_timeline", width="stretch")
    if not (events["kind"] != "order").any():
        st.caption(t("val_timeline_needs"))
    else:
        show(
            events[events["kind"] != "order"].drop(columns=["revenue", "ref"]),
            key="customer_value_events",
            dims={
                "kind": "key:rel_event_",
                "day": "raw",
                "channel": "data",
                "detail": timeline_detail,
                "note": "raw",
                "score": lambda v: f"{v:.0f}",
            },
            headers={
                "day": "val_col_day",
                "detail": "val_col_detail",
                "note": "val_col_note",
                "score": "val_col_score",
            },
        )
