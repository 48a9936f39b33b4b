"""Plotly figure builders with one theme: a channel has the same colour on every page.

Builders take small frames from ``metrics`` and the language; they compute nothing new.
"""

from __future__ import annotations

import zlib

import pandas as pd
import plotly.graph_objects as go

from present.i18n import label, t

# The demo's channels get fixed colours; any other value gets a stable one from the palette.
CHANNEL_COLORS = {
    "经销商": "#4C78A8",
    "电商平台": "#F58518",
    "直营门店": "#54A24B",
    "直播带货": "#E45756",
    "B2B直销": "#72B7B2",
    "合作伙伴": "#B279A2",
}
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B", "#FF9DA6",
           "#9D755D", "#BAB0AC", "#1F77B4", "#2CA02C"]
FONT = "WenQuanYi Zen Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def color(value: str) -> str:
    return CHANNEL_COLORS.get(value) or PALETTE[zlib.crc32(str(value).encode("utf-8")) % len(PALETTE)]


def _layout(fig: go.Figure, *, height: int = 360) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), hovermode="x unified")
    return fig


def trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked monthly revenue by channel (bars) with total gross margin (line, right axis)."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        fig.add_bar(x=part["month"], y=part["revenue"], name=label(channel, lang), marker_color=color(channel))
    monthly = frame.groupby("month", as_index=False)[["gross_profit", "revenue"]].sum(min_count=1)
    if monthly["gross_profit"].notna().any():
        margin = monthly["gross_profit"] / monthly["revenue"].where(monthly["revenue"] != 0)
        fig.add_scatter(x=monthly["month"], y=margin, name=t("kpi_margin", lang), yaxis="y2",
                        mode="lines+markers", line=dict(color="#333333", width=2))
    fig.update_layout(barmode="stack", yaxis=dict(title=t("col_revenue", lang)),
                      yaxis2=dict(title=t("col_margin", lang), overlaying="y", side="right",
                                  tickformat=".0%", showgrid=False, rangemode="tozero"))
    return _layout(fig)


def share_donut(frame: pd.DataFrame, lang: str, *, name_col: str = "value", value_col: str = "revenue") -> go.Figure:
    """Share of ``value_col`` by ``name_col`` as a donut (negative values are left out)."""
    part = frame[frame[value_col] > 0]
    fig = go.Figure(go.Pie(labels=[label(v, lang) for v in part[name_col]], values=part[value_col], hole=0.5,
                           marker=dict(colors=[color(v) for v in part[name_col]]), sort=False,
                           textinfo="percent+label"))
    fig.update_layout(showlegend=False)
    return _layout(fig)


def movers(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars of growth vs the prior period (undefined growth is left out)."""
    part = frame.dropna(subset=["growth"]).sort_values("growth")
    colors = ["#54A24B" if g >= 0 else "#E45756" for g in part["growth"]]
    fig = go.Figure(go.Bar(x=part["growth"], y=[label(v, lang) for v in part["value"]], orientation="h",
                           marker_color=colors, text=[f"{g:+.1%}" for g in part["growth"]], textposition="auto"))
    fig.update_layout(xaxis=dict(tickformat="+.0%", title=t("col_growth", lang)), hovermode="closest")
    return _layout(fig, height=max(220, 40 * len(part) + 60))
