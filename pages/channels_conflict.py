"""Coverage and conflict: channel × region heatmap with blind spots and province drill-down,
customer overlap between channels, price conflicts and out-of-territory sales."""

from __future__ import annotations

import streamlit as st

from metrics import channels as ch
from present.charts import channels as charts_channels
from present.i18n import fmt_int, fmt_money, fmt_pct
from ui import cached
from ui.figures import figure
from ui.state import label, lang, require_filters, require_shell, t
from ui.tables import show
from ui.widgets import bullet_list

require_shell()  # before anything else: a page never runs without the shell

st.title(t("channels_conflict_title"))
f = require_filters()
avail = cached.run_dataset(ch.availability, f.dataset)
cells = cached.run(ch.coverage, f, customers=False)  # the page shows no customer counts per cell
if cells.empty:
    st.info(t("no_sales_in_period"))
    st.stop()

st.subheader(t("channels_coverage"))
shown = st.radio(
    t("channels_coverage_value"),
    ["revenue", "share_of_region"],
    key="channels_conflict_coverage_value",
    horizontal=True,
    format_func=lambda v: t("channels_coverage_revenue" if v == "revenue" else "channels_coverage_share"),
)
st.plotly_chart(
    figure(charts_channels.heatmap, cells, "channel", "region", shown, lang(), percent=shown != "revenue"),
    key="channels_conflict_heatmap",
    width="stretch",
)

st.markdown(f"**{t('channels_blind_spots')}**")
spots = ch.blind_spots(cells, cached.run_dataset(ch.customer_regions, f.dataset), f.regions)  # pandas on cached frames
reasons = []
for _, spot in spots.iterrows():
    if spot["rule"] == "channel_gap":
        reasons.append(
            t(
                "channels_blind_channel_gap",
                channel=label(spot["channel"]),
                sold=int(spot["regions_sold"]),
                total=int(spot["regions_total"]),
                region=label(spot["region"]),
            )
        )
    else:
        reasons.append(
            t(
                "channels_blind_customer_share",
                region=label(spot["region"]),
                revenue_share=fmt_pct(spot["revenue_share"], lang()),
                customer_share=fmt_pct(spot["customer_share"], lang()),
            )
        )
bullet_list(reasons or [t("channels_no_blind_spots")])
if not avail.has_customer_regions:
    st.caption(t("channels_blind_customer_rule_off"))

if avail.has_province:
    regions = sorted(cells["region"].unique())
    region = st.selectbox(t("channels_drill_region"), regions, key="channels_conflict_region", format_func=label)
    drill = cached.run(ch.provinces, f, region=region)
    st.plotly_chart(
        figure(charts_channels.province_bars, drill, lang()), key="channels_conflict_provinces", width="stretch"
    )
else:
    st.info(t("channels_no_province"))

st.subheader(t("channels_overlap"))
if avail.has_customer:
    mix = cached.run(ch.overlap, f)  # the matrix and the summary come from one query
    summary = mix.summary
    left, right = st.columns(2)
    left.metric(
        t("channels_multichannel"),
        fmt_int(summary.customers, lang()),
        fmt_pct(summary.customer_share, lang()),
        delta_color="off",
        help=t("channels_multichannel_help"),
        border=True,
    )
    right.metric(
        t("channels_multichannel_revenue"),
        fmt_money(summary.revenue, lang()),
        fmt_pct(summary.revenue_share, lang()),
        delta_color="off",
        border=True,
    )
    measure = st.radio(
        t("channels_overlap_value"),
        ["customers", "revenue"],
        key="channels_conflict_overlap_value",
        horizontal=True,
        format_func=lambda v: t(f"channels_overlap_{v}"),
    )
    st.plotly_chart(
        figure(charts_channels.heatmap, mix.matrix, "channel_a", "channel_b", measure, lang()),
        key="channels_conflict_overlap",
        width="stretch",
    )
else:
    st.info(t("channels_no_customer"))

st.subheader(t("channels_price"))
if avail.has_price:
    threshold = st.slider(
        t("channels_price_threshold"),
        1,
        100,
        int(ch.DEFAULT_PRICE_THRESHOLD * 100),
        key="channels_conflict_threshold",
        format="%d%%",
    )
    conflicts = cached.run(ch.price_conflicts, f, threshold=threshold / 100)
    if conflicts.empty:
        st.info(t("channels_price_none"))
    else:
        show(
            conflicts,
            key="channels_conflict_prices",
            dims={"product": "raw", "low_channel": "data", "high_channel": "data"},
        )
else:
    st.info(t("channels_no_price"))

st.subheader(t("channels_territory"))
outside = cached.run(ch.out_of_territory, f)
if outside is None:
    st.info(t("channels_territory_missing"))
elif outside.empty:
    st.info(t("channels_territory_none"))
else:
    show(outside, key="channels_conflict_territory", dims={"channel": "data", "region": "data"})
