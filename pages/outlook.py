"""Outlook (销售展望): monthly revenue forecasts per channel and in total with P10/P50/P90, which model
each series got, and the rolling-origin backtest beside the seasonal naive forecast."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import forecast
from present import i18n
from present.charts import outlook as charts_outlook
from present.sentences import outlook as outlook_text
from ui import outlook as ui_outlook
from ui.figures import figure
from ui.state import label, lang, require_filters, require_shell, t
from ui.tables import show
from ui.widgets import bullet_list, escape_markdown

require_shell()  # before anything else: a page never runs without the shell

st.title(t("outlook_title"))
f = require_filters()
found = ui_outlook.outlook(f.dataset)
if found.last_month is None or not found.series:
    st.info(t("outlook_none"))
    st.stop()
st.caption(t("outlook_caption", month=found.last_month.strftime("%Y-%m")))

shown = [s for s in found.series if s.series == forecast.TOTAL or not f.channels or s.series in f.channels]
horizon = st.slider(
    t("outlook_horizon"), forecast.HORIZON_MIN, forecast.HORIZON_MAX, forecast.DEFAULT_HORIZON, key="outlook_horizon"
)
simpler = [outlook_text.method_note(s, lang()) for s in shown if not s.ok or s.method != "seasonal"]
if simpler:
    st.info(escape_markdown("\n\n".join(simpler)))

current_lang = lang()  # format_funcs bind the language now: Streamlit may call them outside this run
picked = st.selectbox(
    t("outlook_series"),
    [s.series for s in shown],
    key="outlook_series",
    format_func=lambda v: i18n.label(v, current_lang),
)
chosen = found.get(picked)
st.caption(escape_markdown(f"{outlook_text.method_note(chosen, lang())} {outlook_text.holidays_text(chosen, lang())}"))
if chosen.ok:
    st.plotly_chart(
        figure(
            charts_outlook.fan,
            chosen.history,
            chosen.frame.head(horizon),
            chosen.series,
            lang(),
            t("outlook_chart_title", series=label(chosen.series)),
        ),
        key="outlook_fan",
        width="stretch",
    )

rows = []
for s in shown:
    last, ahead = forecast.next_year(s)
    rows.append(
        {
            "channel": s.series,
            "method": outlook_text.method_label(s, lang()),
            "history_months": s.months,
            "holidays": outlook_text.holidays_cell(s, lang()),
            "last12": last,
            "next12": ahead,
            "forecast_growth": ahead / last - 1 if last > 0 else float("nan"),
        }
    )
show(
    pd.DataFrame(rows),
    key="outlook_series_table",
    dims={"channel": "data", "method": "raw", "holidays": "raw"},
    headers={
        "method": "outlook_col_method",
        "holidays": "outlook_col_holidays",
        "last12": "outlook_col_last12",
        "next12": "outlook_col_next12",
    },
    row_metrics={"last12": "revenue", "next12": "forecast_revenue"},
)

st.subheader(t("outlook_table"))
table = pd.concat([s.frame.head(horizon).assign(channel=s.series) for s in shown if s.ok], ignore_index=True)
if not table.empty:
    table["period"] = table["period"].dt.strftime("%Y-%m")
    show(
        table[["period", "channel", "p10", "p50", "p90"]],
        key="outlook_forecast_table",
        download="forecast",
        dims={"period": "raw", "channel": "data"},
        headers={
            "period": "outlook_col_period",
            "p10": "outlook_col_p10",
            "p50": "outlook_col_p50",
            "p90": "outlook_col_p90",
        },
        row_metrics={"p10": "forecast_revenue", "p50": "forecast_revenue", "p90": "forecast_revenue"},
    )

st.subheader(t("outlook_backtest"))
st.caption(t("outlook_backtest_caption", origins=forecast.BACKTEST_ORIGINS, horizon=forecast.BACKTEST_HORIZON))
tested = ui_outlook.backtest(f.dataset)
points = tested.points[tested.points["series"].isin([s.series for s in shown])]
if points.empty:
    st.info(t("outlook_none"))
    st.stop()
bullet_list([outlook_text.backtest_summary(forecast.pooled(points), lang())])
summary = tested.summary[tested.summary["series"].isin(points["series"].unique())]
yes_no = {True: t("outlook_yes"), False: t("outlook_no")}
show(
    summary.rename(columns={"series": "channel", "points": "backtest_points", "coverage": "interval_coverage"}),
    key="outlook_backtest_table",
    download="forecast_backtest",
    dims={"channel": "data", "beats_snaive": yes_no.get, "beats_line": yes_no.get},
    headers={
        "origins": "outlook_col_origins",
        "snaive_mase": "outlook_col_snaive_mase",
        "snaive_coverage": "outlook_col_snaive_coverage",
        "line_mase": "outlook_col_line_mase",
        "beats_snaive": "outlook_col_beats_snaive",
        "beats_line": "outlook_col_beats_line",
    },
    row_metrics={
        "origins": "backtest_points",
        "snaive_mase": "mase",
        "line_mase": "mase",
        "snaive_coverage": "interval_coverage",
    },
)
if picked in set(points["series"]):
    st.plotly_chart(
        figure(charts_outlook.backtest, points, picked, lang(), t("outlook_backtest_chart", series=label(picked))),
        key="outlook_backtest_chart",
        width="stretch",
    )
