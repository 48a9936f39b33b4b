"""Executive overview: where revenue and margin come from, what grows, who is lost."""

from __future__ import annotations

import streamlit as st

from metrics import overview
from present.charts import overview as charts
from present.sentences import overview as overview_text
from ui import cached, goals_widgets
from ui import risks as ui_risks
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import bullet_list, kpi_row

require_shell()  # before anything else: a page never runs without the shell

CHURN_WINDOW_DAYS = overview.DEFAULT_CHURN_WINDOW_DAYS

st.title(t("overview_title"))
f = require_filters()
st.caption(t("overview_caption", start=f.start, end=f.end, prior_start=f.prior.start, prior_end=f.prior.end))

cards = cached.run(overview.kpis, f, window_days=CHURN_WINDOW_DAYS)
if not cards[0].value and not cached.run(overview.kpis, f.prior, window_days=CHURN_WINDOW_DAYS)[0].value:
    st.info(t("no_sales_in_period"))
    st.stop()
moves = cached.run(overview.movers, f)

kpi_row(cards[:4], churn_window_days=CHURN_WINDOW_DAYS)
kpi_row(cards[4:], churn_window_days=CHURN_WINDOW_DAYS)

st.subheader(t("overview_headlines"))
bullet_list(overview_text.headlines(cards, moves, lang()))

trend = cached.run(overview.trend, f)
left, right = st.columns([2, 1])
with left:
    st.subheader(t("overview_trend"))
    st.plotly_chart(figure(charts.trend, trend, lang()), key="overview_trend", width="stretch")
with right:
    st.subheader(t("overview_share"))
    st.plotly_chart(
        figure(charts.share_donut, moves[moves["dim"] == "channel"], lang()), key="overview_share", width="stretch"
    )

st.subheader(t("overview_movers"))
for column, dim, title in zip(
    st.columns(2), ("channel", "region"), (t("overview_movers_channels"), t("overview_movers_regions")), strict=True
):
    with column:
        st.markdown(f"**{title}**")
        st.plotly_chart(
            figure(charts.movers, moves[moves["dim"] == dim], lang()), key=f"overview_movers_{dim}", width="stretch"
        )

ui_risks.overview_section(f)
goals_widgets.overview_section(f)
