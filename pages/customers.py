"""Customers: KPIs with deltas, RFM segments (switchable scheme), segment × acquisition channel,
an action card and member download per segment, and segment migration from the prior period."""

from __future__ import annotations

import streamlit as st

from metrics import customers, rfm
from present.charts import customers as charts_customers
from ui import cached
from ui.customer_pages import customer_cards, selection
from ui.downloads import download_buttons
from ui.figures import figure
from ui.state import lang, require_shell, t
from ui.tables import show
from ui.widgets import kpi_row

require_shell()  # before anything else: a page never runs without the shell

WINDOW = customers.DEFAULT_WINDOW_DAYS

st.title(t("customers_title"))
f = selection()

cards = customer_cards(f, WINDOW)
if not cards[0].value:
    st.info(t("cust_no_customers_in_period"))
    st.stop()
kpi_row(cards[:4], churn_window_days=WINDOW)
kpi_row(cards[4:], churn_window_days=WINDOW)

st.subheader(t("cust_segments"))
st.caption(t("cust_segments_note"))
left, right = st.columns([1, 1])
with left:
    scheme = st.selectbox(
        t("cust_scheme"), list(rfm.schemes()), key="customers_scheme", format_func=lambda s: t(f"scheme_{s}")
    )
with right:
    measure = st.radio(
        t("cust_segment_measure"),
        ["customers", "revenue"],
        key="customers_measure",
        horizontal=True,
        format_func=lambda m: t(f"measure_{m}"),
    )
# one RFM per scheme and period; segments, grid, segment × channel and migration come with it, cached
tables = cached.run(rfm.segment_view, f, scheme=scheme)
scores, sizes = tables.scores, tables.sizes
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(
        figure(charts_customers.segment_bars, sizes, measure, lang()), key="customers_segment_bars", width="stretch"
    )
with right:
    st.markdown(f"**{t('cust_rfm_grid')}**")
    st.plotly_chart(figure(charts_customers.rfm_grid, tables.cells, lang()), key="customers_rfm_grid", width="stretch")
show(
    sizes.rename(columns={"share": "customer_share"}),
    key="customers_segment_table",
    dims={"segment": lambda s: charts_customers.seg_label(s, lang())},
    download=f"rfm_segments_{f.end.isoformat()}",
)

st.subheader(t("cust_segment_channels"))
by_channel = tables.by_channel
st.plotly_chart(
    figure(charts_customers.segment_channels, by_channel, lang()), key="customers_segment_channels", width="stretch"
)

st.subheader(t("cust_actions"))
order = rfm.segment_order(scheme)
segment = st.selectbox(
    t("cust_pick_segment"), order, key="customers_segment", format_func=lambda s: charts_customers.seg_label(s, lang())
)
with st.container(border=True):
    st.markdown(f"**{charts_customers.seg_label(segment, lang())}**")
    st.write(t(f"action_{segment}"))
    members = rfm.members(scores, segment=segment)
    if members.empty:
        st.caption(t("cust_empty_segment"))
    else:
        st.caption(t("cust_members", segment=charts_customers.seg_label(segment, lang()), count=len(members)))
        download_buttons(members, f"rfm_{segment}_{f.end.isoformat()}", key="customers_members")

st.subheader(t("cust_migration"))
st.caption(t("cust_migration_note"))
view = st.radio(
    t("cust_migration_view"),
    ["matrix", "sankey"],
    key="customers_migration_view",
    horizontal=True,
    format_func=lambda v: t(f"view_{v}"),
)
moves = tables.moves
with_none = [*order, rfm.NO_ORDERS]
if view == "matrix":
    st.plotly_chart(
        figure(charts_customers.migration_matrix, moves, with_none, lang()),
        key="customers_migration_matrix",
        width="stretch",
    )
else:
    st.plotly_chart(
        figure(charts_customers.migration_sankey, moves, with_none, lang()),
        key="customers_migration_sankey",
        width="stretch",
    )
