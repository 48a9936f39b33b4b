"""Channels: share, the channel P&L with conversion beside it, margin waterfall, where to grow,
concentration and risk."""

from __future__ import annotations

import streamlit as st

from metrics import channels as ch
from metrics import conversion
from present.charts import channels as charts_channels
from present.charts import overview as charts
from present.charts import voice as charts_voice
from present.formats import format_value
from present.formats import label as metric_label
from present.i18n import fmt_money, fmt_pct
from ui import cached
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

missing = [t(key) for key, ok in (("channels_no_cost", avail.has_cost), ("channels_no_channel_costs", avail.has_channel_costs),
                                  ("channels_no_customer", avail.has_customer)) if not ok]
if missing:
    st.warning(t("channels_unavailable"))
    bullet_list(missing)
if avail.has_channel_costs:
    st.caption(t("channels_cost_allocation"))
    if f.regions:
        st.info(t("channels_region_costs"))

st.subheader(t("channels_share"))
measures = [m for m in ch.MEASURES if pnl[m].notna().any()]
measure = st.radio(t("channels_measure"), measures, key="channels_measure", horizontal=True,
                   format_func=lambda m: t(f"chmeasure_{m}"))
left, right = st.columns([1, 2])
with left:
    st.plotly_chart(figure(charts.share_donut, pnl, lang(), name_col="channel", value_col=measure),
                    key="channels_share_donut", width="stretch")
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
    show(shown.dropna(axis=1, how="all"), key="channels_conversion_table", download="conversion",
         dims={"channel": "data", "level": "key:conv_level_", "basis": "key:conv_basis_"})
    monthly = cached.run(conversion.by_month, f)
    if monthly.empty:
        st.info(t("conv_no_months"))
    else:
        st.plotly_chart(figure(charts_voice.conversion_trend, monthly, lang()), key="channels_conversion_trend",
                        width="stretch")
    mix = cached.run(conversion.sources, f)
    if not mix.empty:
        with st.expander(t("conv_sources")):
            show(mix, key="channels_conversion_sources", dims={"channel": "data", "source": "raw"},
                 headers={"source": "conv_col_source"})

left, right = st.columns(2)
with left:
    st.subheader(t("channels_waterfall"))
    if avail.has_cost:
        chosen = st.selectbox(t("channels_waterfall_channel"), pnl["channel"].tolist(), key="channels_waterfall_channel",
                              format_func=label)
        steps = ch.waterfall(pnl, chosen)
        st.plotly_chart(figure(charts_channels.waterfall, steps, lang()), key="channels_waterfall_chart", width="stretch")
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

st.subheader(t("channels_concentration"))
risk = ch.concentration(pnl, cached.run(ch.declining, f))  # pure pandas on the cached P&L
cols = st.columns(3)
cols[0].metric(metric_label("hhi", lang()), format_value("hhi", risk.hhi, lang()),
               t(f"channels_band_{risk.band}") if risk.band else None, delta_color="off", help=t("channels_hhi_help"),
               border=True)
cols[1].metric(t("channels_top_channel"), escape_markdown(label(risk.top_channel)) if risk.top_channel else "—",
               border=True)
cols[2].metric(metric_label("top_share", lang()), format_value("top_share", risk.top_share, lang()), border=True)
sentences = []
for _, flag in risk.flags.iterrows():
    name = label(flag["channel"])
    if flag["flag"] == "top_share":
        sentences.append(t("channels_flag_top_share", channel=name, value=fmt_pct(flag["value"], lang())))
    elif flag["flag"] == "negative_contribution":
        sentences.append(t("channels_flag_negative_contribution", channel=name, value=fmt_money(flag["value"], lang()),
                           rate=fmt_pct(flag["detail"], lang())))
    else:
        series = " → ".join(fmt_money(v, lang()) for v in flag["detail"])
        sentences.append(t("channels_flag_declining", channel=name, days=f.days, series=series))
bullet_list(sentences or [t("channels_no_flags")])
if not risk.declining_judged:
    st.caption(t("channels_declining_not_judged"))
