"""Plotly builders of the overview (and the donut other pages share), drawn with ``theme``.

Builders take small frames from ``metrics`` and the language; they compute nothing new.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts import theme
from present.i18n import fmt_int, fmt_money, fmt_pct, t

MONEY_MEASURES = ("revenue", "gross_profit")


def trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked monthly revenue by channel (bars) with total gross margin (line, right axis).

    The margin is gross profit ÷ the revenue of lines whose cost is known (``revenue_with_cost``),
    as the margin KPI computes it; a frame without that column falls back to all revenue.
    """
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        theme.money_bar(
            fig, part["month"], part["revenue"], theme.data_label(channel, lang), theme.color(channel), lang
        )
    base = "revenue_with_cost" if "revenue_with_cost" in frame.columns else "revenue"
    monthly = frame.groupby("month", as_index=False)[list(dict.fromkeys(["gross_profit", base]))].sum(min_count=1)
    if monthly["gross_profit"].notna().any():
        margin = monthly["gross_profit"] / monthly[base].where(monthly[base] != 0)
        fig.add_scatter(
            x=monthly["month"],
            y=margin,
            name=t("kpi_margin", lang),
            yaxis="y2",
            mode="lines+markers",
            line=dict(color=theme.INK, width=2),
            hovertemplate="%{fullData.name}: %{y:.1%}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        yaxis=dict(title=t("col_revenue", lang)),
        yaxis2=dict(
            title=t("col_margin", lang),
            overlaying="y",
            side="right",
            tickformat=".0%",
            showgrid=False,
            rangemode="tozero",
        ),
        hovermode="x unified",
    )
    theme.money_axis(fig, "yaxis", theme.stack_extent(frame, "month", "revenue"), lang)
    theme.month_axis(fig, lang)
    return theme.layout(fig)


def share_donut(frame: pd.DataFrame, lang: str, *, name_col: str = "value", value_col: str = "revenue") -> go.Figure:
    """Share of ``value_col`` by ``name_col`` as a donut (negative values are left out).

    Labels are horizontal and may sit outside the ring; ``automargin`` lets them push the margins
    instead of being cut off at the figure's edge (合作伙伴, B2B 直销 at 1440 px).
    """
    part = frame[frame[value_col] > 0]
    shown = [fmt_money(v, lang) if value_col in MONEY_MEASURES else fmt_int(v, lang) for v in part[value_col]]
    fig = go.Figure(
        go.Pie(
            labels=[theme.data_label(v, lang) for v in part[name_col]],
            values=part[value_col],
            hole=0.5,
            marker=dict(colors=[theme.color(v) for v in part[name_col]]),
            sort=False,
            textinfo="percent+label",
            insidetextorientation="horizontal",
            automargin=True,
            customdata=shown,
            hovertemplate="%{label}<br>%{customdata} · %{percent}<extra></extra>",
        )
    )
    return theme.layout(fig, legend=False)


def movers(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars of growth vs the prior period (undefined growth is left out)."""
    part = frame.dropna(subset=["growth"]).sort_values("growth")
    fig = go.Figure(
        go.Bar(
            x=part["growth"],
            y=[theme.data_label(v, lang) for v in part["value"]],
            orientation="h",
            marker_color=[theme.GOOD if g >= 0 else theme.BAD for g in part["growth"]],
            text=[fmt_pct(g, lang, signed=True) for g in part["growth"]],
            textposition="outside",
            cliponaxis=False,
        )
    )
    # labels sit beyond each bar's end: leave room for them on both sides, so a falling bar's label
    # never runs into the category names on the axis
    growth = part["growth"].astype(float).tolist()
    lo, hi = min([0.0, *growth]), max([0.0, *growth])
    pad = 0.3 * ((hi - lo) or 0.1)
    fig.update_layout(xaxis=dict(tickformat="+.0%", title=t("col_growth", lang)), hovermode="closest")
    if growth:
        fig.update_layout(xaxis_range=[lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 else 0.0])
    return theme.layout(fig, height=max(220, 40 * len(part) + 60))
