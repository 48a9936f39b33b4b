"""Channels: share, the channel P&L with conversion beside it, margin waterfall, where to grow,
concentration and risk."""

from __future__ import annotations

import streamlit as st

from metrics import channels as ch
from metrics import conversion
from present.charts import channels as charts_channels
from present.charts import outlook as charts_outlook
from present.charts import overview as charts
from present.charts import voice as charts_voice
from present.formats import format_value
from present.formats import label as metric_label
from present.i18n import fmt_money, fmt_pct
from ui import cached
from ui import outlook as ui_outlook
from ui.figures import figure
from ui.state import label, lang, require_filters, require_shell, t
from ui.tables import show
from ui.voice_pages import needs
from ui.widgets import bullet_list, escape_markdown

require_shell()  # before anything else: a page never runs without the shell

st.title(t("channels_title"))
f = require_filters()
st.caption(t("channels_caption", start=f.start, end=f.end, prior_start=f.prior.start, prior_end=f.prior.end))

avail = cached.run_dataset(ch.availability, f.dataset)
pnl = cached.run(ch.pnl, f)
if pnl.empty or not pnl["revenue"].any():
    st.info(t("no_sales_in_period"))
    st.stop()

missing = [
    t(key)
    for key, ok in (
        ("channels_no_cost", avail.has_cost),
        ("channels_no_channel_costs", avail.has_channel_costs),
        ("channels_no_customer", avail.has_customer),
    )
    if not ok
]
if missing:
    st.warning(t("channels_unavailable"))
    bullet_list(missing)
if avail.has_channel_costs:
    st.caption(t("channels_cost_allocation"))
    if f.regions:
        st.info(t("channels_region_costs"))

st.subheader(t("channels_share"))
measures = [m for m in ch.MEASURES if pnl[m].notna().any()]
measure = st.radio(
    t("channels_measure"), measures, key="channels_measure", horizontal=True, format_func=lambda m: t(f"chmeasure_{m}")
)
left, right = st.columns([1, 2])
with left:
    st.plotly_chart(
        figure(charts.share_donut, pnl, lang(), name_col="channel", value_col=measure),
        key="channels_share_donut",
        width="stretch",
    )
with right:
    st.markdown(f"**{t('channels_share_trend')}**")
    trend = cached.run(ch.share_trend, f, measure=measure)
    st.plotly_chart(figure(charts_channels.share_trend, trend, lang()), key="channels_share_trend", width="stretch")

st.subheader(t("channels_pnl"))
st.caption(t("channels_pnl_note"))
show(pnl, key="channels_pnl_table", dims={"channel": "data"}, download="channel_pnl")

# issue 15: visitors → orders beside the P&L, where a traffic file gives the visitors
st.subheader(t("conv_title"))
conv = cached.run(conversion.conversion, f)
if conv.empty:
    needs("traffic", "conv_view")
else:
    st.caption(t("conv_note"))
    shown = conv[["channel", "conversion_rate", "visitors", "orders", "leads", "stated_aov", "basis", "level"]]
    show(
        shown.dropna(axis=1, how="all"),
        key="channels_conversion_table",
        download="conversion",
        dims={"channel": "data", "level": "key:conv_level_", "basis": "key:conv_basis_"},
    )
    monthly = cached.run(conversion.by_month, f)
    if monthly.empty:
        st.info(t("conv_no_months"))
    else:
        st.plotly_chart(
            figure(charts_voice.conversion_trend, monthly, lang()), key="channels_conversion_trend", width="stretch"
        )
    mix = cached.run(conversion.sources, f)
    if not mix.empty:
        with st.expander(t("conv_sources")):
            show(
                mix,
                key="channels_conversion_sources",
                dims={"channel": "data", "source": "raw"},
                headers={"source": "conv_col_source"},
            )

left, right = st.columns(2)
with left:
    st.subheader(t("channels_waterfall"))
    if avail.has_cost:
        chosen = st.selectbox(
            t("channels_waterfall_channel"),
            pnl["channel"].tolist(),
            key="channels_waterfall_channel",
            format_func=label,
        )
        steps = ch.waterfall(pnl, chosen)
        st.plotly_chart(
            figure(charts_channels.waterfall, steps, lang()), key="channels_waterfall_chart", width="stretch"
        )
    else:
        st.info(t("channels_no_cost"))
with right:
    st.subheader(t("channels_grow"))
    bubbles = ch.where_to_grow(pnl)
    if bubbles.empty:
        st.info(t("channels_grow_empty"))
    else:
        if (bubbles["y_measure"] == "margin").all():
            st.caption(t("channels_grow_margin_note"))
        st.plotly_chart(figure(charts_channels.bubbles, bubbles, lang()), key="channels_grow_chart", width="stretch")

# Growth potential belongs to "where to grow", but it waits for two background fits: its place is
# kept here and filled at the end of the run, so the sections below never wait for it.
growth_box = st.container()

st.subheader(t("channels_concentration"))
risk = ch.concentration(pnl, cached.run(ch.declining, f))  # pure pandas on the cached P&L
cols = st.columns(3)
cols[0].metric(
    metric_label("hhi", lang()),
    format_value("hhi", risk.hhi, lang()),
    t(f"channels_band_{risk.band}") if risk.band else None,
    delta_color="off",
    help=t("channels_hhi_help"),
    border=True,
)
cols[1].metric(
    t("channels_top_channel"), escape_markdown(label(risk.top_channel)) if risk.top_channel else "—", border=True
)
cols[2].metric(metric_label("top_share", lang()), format_value("top_share", risk.top_share, lang()), border=True)
sentences = []
for _, flag in risk.flags.iterrows():
    name = label(flag["channel"])
    if flag["flag"] == "top_share":
        sentences.append(t("channels_flag_top_share", channel=name, value=fmt_pct(flag["value"], lang())))
    elif flag["flag"] == "negative_contribution":
        sentences.append(
            t(
                "channels_flag_negative_contribution",
                channel=name,
                value=fmt_money(flag["value"], lang()),
                rate=fmt_pct(flag["detail"], lang()),
            )
        )
    else:
        series = " → ".join(fmt_money(v, lang()) for v in flag["detail"])
        sentences.append(t("channels_flag_declining", channel=name, days=f.days, series=series))
bullet_list(sentences or [t("channels_no_flags")])
if not risk.declining_judged:
    st.caption(t("channels_declining_not_judged"))

with growth_box:
    st.subheader(t("growth_title"))
    st.caption(t("growth_caption"))
    potential = ui_outlook.potential(f.dataset)
    potential = potential[potential["channel"].isin(pnl["channel"])].reset_index(drop=True)
    if potential.empty:
        st.info(t("outlook_filtered_out"))
    else:
        st.plotly_chart(figure(charts_outlook.growth, potential, lang()), key="channels_growth_chart", width="stretch")
        show(
            potential.drop(columns=["method", "months"]),
            key="channels_growth_table",
            download="growth_potential",
            dims={"channel": "data", "source": "key:budget_source_"},
            headers={
                "last12_revenue": "outlook_col_last12",
                "next12_p50": "outlook_col_next12",
                "headroom_p10": "growth_col_p10",
                "headroom_p90": "growth_col_p90",
                "current_spend": "growth_col_spend",
                "source": "growth_col_source",
            },
            row_metrics={
                "last12_revenue": "revenue",
                "next12_p50": "forecast_revenue",
                "headroom_p10": "headroom_revenue",
                "headroom_p90": "headroom_revenue",
                "current_spend": "spend",
            },
        )
        notes = []
        if (potential["source"] == "none").all():
            notes.append(t("growth_no_budget"))
        assumed = [label(c) for c in potential.loc[potential["source"] == "assumed", "channel"]]
        if assumed:
            notes.append(
                t("growth_assumed_note", channels="、".join(assumed) if lang() == "zh" else ", ".join(assumed))
            )
        short = [
            label(c)
            for c, m in zip(potential["channel"], potential["method"], strict=True)
            if m not in ("seasonal", "additive")
        ]
        if short:
            notes.append(t("growth_short_note", channels="、".join(short) if lang() == "zh" else ", ".join(short)))
        if notes:
            bullet_list(notes)
    st.page_link("pages/outlook.py", label=t("growth_link"), icon=":material/trending_up:")
