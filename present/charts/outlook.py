"""Plotly builders for the outlook: the forecast fan, the backtest, and growth potential; no computing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts import theme
from present.i18n import fmt_money, t

HISTORY_MONTHS = 24  # the fan shows the last two years before the forecast


def series_color(series: str) -> str:
    """A channel's own colour; the total in the theme's total colour."""
    return theme.TOTAL if series == "全部" else theme.color(series)


def fan(history: pd.DataFrame, forecast: pd.DataFrame, series: str, lang: str, title: str) -> go.Figure:
    """Monthly revenue (``history``: month, revenue) and the forecast (``forecast``: period, p10, p50,
    p90) as a P50 line in a P10–P90 band, joined at the last actual month. ``title`` is drawn as
    plain text (it may carry a channel's name)."""
    recent = history.tail(HISTORY_MONTHS)
    fig = go.Figure()
    fig.add_scatter(
        x=recent["month"],
        y=recent["revenue"],
        mode="lines+markers",
        name=t("outlook_actual", lang),
        line=dict(color=theme.INK, width=2),
        marker=dict(size=5),
        **theme.money_hover(recent["revenue"], lang),
    )
    if len(forecast):
        joint_x = [recent["month"].iloc[-1], *forecast["period"]] if len(recent) else list(forecast["period"])
        last = [float(recent["revenue"].iloc[-1])] if len(recent) else []
        fig.add_scatter(
            x=list(forecast["period"]) + list(forecast["period"])[::-1],
            y=list(forecast["p90"]) + list(forecast["p10"])[::-1],
            fill="toself",
            fillcolor=theme.BAND,
            line=dict(width=0),
            name=t("outlook_band", lang),
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=forecast["period"],
            y=forecast["p90"],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            name="P90",
            **theme.money_hover(forecast["p90"], lang),
        )
        fig.add_scatter(
            x=forecast["period"],
            y=forecast["p10"],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            name="P10",
            **theme.money_hover(forecast["p10"], lang),
        )
        p50 = last + list(forecast["p50"])
        fig.add_scatter(
            x=joint_x,
            y=p50,
            mode="lines+markers",
            name=t("outlook_p50", lang),
            line=dict(color=series_color(series), width=2, dash="dash"),
            marker=dict(size=5),
            **theme.money_hover(p50, lang),
        )
    fig.update_layout(title=dict(text=theme.plain(title)), hovermode="x unified")
    theme.money_axis(fig, "yaxis", [*recent["revenue"], *forecast.get("p90", []), *forecast.get("p10", [])], lang)
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=380, legend=True, titled=True)


def backtest(points: pd.DataFrame, series: str, lang: str, title: str) -> go.Figure:
    """One series' backtest: what happened (line), each forecast's P50 with its P10–P90 whisker (one
    marker per months ahead), and the seasonal naive forecast for the same months."""
    part = points[points["series"] == series].sort_values(["period", "h"])
    fig = go.Figure()
    actual = part.drop_duplicates("period")
    fig.add_scatter(
        x=actual["period"],
        y=actual["actual"],
        mode="lines+markers",
        name=t("outlook_actual", lang),
        line=dict(color=theme.INK, width=2),
        **theme.money_hover(actual["actual"], lang),
    )
    symbols = ("circle", "diamond", "square", "triangle-up", "star", "hexagon")
    for h, rows in part.groupby("h"):
        shifted = rows["period"] + pd.to_timedelta(4 * (int(h) - 2), unit="D")  # side by side, not on top
        fig.add_scatter(
            x=shifted,
            y=rows["p50"],
            mode="markers",
            name=f"{t('outlook_p50', lang)} · h={int(h)}",
            marker=dict(color=series_color(series), symbol=symbols[(int(h) - 1) % len(symbols)], size=8),
            error_y=dict(
                type="data",
                symmetric=False,
                array=rows["p90"] - rows["p50"],
                arrayminus=rows["p50"] - rows["p10"],
                color=theme.MUTED,
                thickness=1,
            ),
            **theme.money_hover(rows["p50"], lang),
        )
    naive = part.drop_duplicates("period", keep="last")
    fig.add_scatter(
        x=naive["period"],
        y=naive["snaive"],
        mode="markers",
        name=t("outlook_snaive", lang),
        marker=dict(color=theme.MUTED, symbol="x", size=8),
        **theme.money_hover(naive["snaive"], lang),
    )
    fig.update_layout(title=dict(text=theme.plain(title)), hovermode="closest")
    theme.money_axis(fig, "yaxis", [*part["actual"], *part["p10"], *part["p90"], *part["snaive"]], lang)
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=360, legend=True, titled=True)


def growth(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Per channel: the forecast's change over the next 12 months and the budget curve's headroom
    (P10–P90 whiskers), both in yuan a year. ``frame``: metrics.growth.potential's columns."""
    names = [theme.data_label(c, lang) for c in frame["channel"]]
    change = frame["next12_p50"] - frame["last12_revenue"]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=change,
        orientation="h",
        name=t("growth_forecast_change", lang),
        marker_color=[theme.GOOD if v >= 0 else theme.BAD for v in change.fillna(0)],
        customdata=[fmt_money(v, lang) for v in change],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
    headroom = frame["headroom_revenue"]
    fig.add_bar(
        y=names,
        x=headroom,
        orientation="h",
        name=t("growth_headroom", lang),
        marker_color=theme.ACCENT,
        error_x=dict(
            type="data",
            symmetric=False,
            array=(frame["headroom_p90"] - headroom).clip(lower=0),
            arrayminus=(headroom - frame["headroom_p10"]).clip(lower=0),
            color=theme.INK,
            thickness=1,
        ),
        customdata=[fmt_money(v, lang) for v in headroom],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
    fig.update_layout(
        barmode="group",
        yaxis=dict(autorange="reversed"),
        hovermode="closest",
        title=dict(text=t("growth_chart_title", lang)),
    )
    theme.money_axis(fig, "xaxis", [*change, *frame["headroom_p90"], *headroom], lang)
    return theme.layout(fig, height=max(280, 70 * len(frame) + 120), legend=True, titled=True)
