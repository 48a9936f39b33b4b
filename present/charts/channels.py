"""Plotly builders for the channel pages. Same theme and channel colours as ``ui.charts``; no computing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts.overview import FONT, color
from present.i18n import fmt_money, fmt_pct, label, t


def _layout(fig: go.Figure, *, height: int = 360) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def step_label(step: str, lang: str) -> str:
    """A waterfall step's name: cost_<type> steps use the cost type's label."""
    if step.startswith("cost_"):
        return label(step[len("cost_"):], lang)
    return t(f"chstep_{step}", lang)


def share_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked monthly share by channel (100% areas). ``frame``: month, channel, share."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        fig.add_scatter(x=part["month"], y=part["share"], name=label(channel, lang), stackgroup="share",
                        mode="lines", line=dict(color=color(channel), width=0.5))
    fig.update_layout(yaxis=dict(tickformat=".0%", range=[0, 1]), hovermode="x unified")
    return _layout(fig)


def waterfall(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Revenue → costs → contribution. ``frame``: step, kind, amount."""
    fig = go.Figure(go.Waterfall(
        x=[step_label(s, lang) for s in frame["step"]], y=frame["amount"], measure=frame["kind"],
        text=[fmt_money(v, lang) for v in frame["amount"]], textposition="outside",
        decreasing=dict(marker=dict(color="#E45756")), increasing=dict(marker=dict(color="#54A24B")),
        totals=dict(marker=dict(color="#4C78A8"))))
    fig.update_layout(showlegend=False)
    return _layout(fig)


def bubbles(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Growth (x) against contribution or gross margin (y), bubble area ∝ revenue."""
    biggest = float(frame["revenue"].max()) if not frame.empty else 1.0
    fig = go.Figure()
    for _, row in frame.iterrows():
        fig.add_scatter(x=[row["growth"]], y=[row["rate"]], name=label(row["channel"], lang), mode="markers+text",
                        text=[label(row["channel"], lang)], textposition="top center",
                        marker=dict(size=[row["revenue"]], sizemode="area", sizeref=2.0 * biggest / 60 ** 2,
                                    color=color(row["channel"]), line=dict(width=1, color="#333333")),
                        hovertemplate=f"{fmt_pct(row['growth'], lang, signed=True)} · {fmt_pct(row['rate'], lang)}"
                                      f" · {fmt_money(row['revenue'], lang)}<extra></extra>")
    y_title = t("chcol_contribution_rate" if (frame["y_measure"] == "contribution_rate").all() else "chcol_margin", lang)
    fig.update_layout(xaxis=dict(title=t("chcol_growth", lang), tickformat="+.0%", zeroline=True),
                      yaxis=dict(title=y_title, tickformat=".0%"), showlegend=False)
    return _layout(fig, height=420)


def heatmap(frame: pd.DataFrame, row: str, column: str, value: str, lang: str, *, percent: bool = False) -> go.Figure:
    """A matrix of ``value`` with ``row`` down and ``column`` across; absent cells are blank."""
    wide = frame.pivot_table(index=row, columns=column, values=value, aggfunc="sum")
    text = [[("" if pd.isna(v) else (fmt_pct(v, lang) if percent else fmt_money(v, lang) if value == "revenue"
                                      else f"{v:,.0f}")) for v in values] for values in wide.to_numpy()]
    fig = go.Figure(go.Heatmap(z=wide.to_numpy(), x=[label(c, lang) for c in wide.columns],
                               y=[label(r, lang) for r in wide.index], text=text, texttemplate="%{text}",
                               colorscale="Blues", hoverongaps=False, showscale=False))
    fig.update_layout(yaxis=dict(autorange="reversed"))
    return _layout(fig, height=max(260, 45 * len(wide) + 80))


def province_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked revenue per province by channel. ``frame``: channel, province, revenue."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        fig.add_bar(x=[label(p, lang) if p is not None else "—" for p in part["province"]], y=part["revenue"],
                    name=label(channel, lang), marker_color=color(channel))
    fig.update_layout(barmode="stack", yaxis=dict(title=t("chcol_revenue", lang)))
    return _layout(fig)


MONEY_COLUMNS = {"revenue", "cogs", "gross_profit", "channel_cost", "contribution", "prior_revenue",
                 "year_ago_revenue", "aov", "low_price", "high_price"}
PCT_COLUMNS = {"margin", "contribution_rate", "roi", "growth", "yoy", "share", "share_orders", "share_customers",
               "share_gross_profit", "gap", "share_of_region"}
LABELLED = {"channel", "region", "province", "low_channel", "high_channel"}


def column_title(column: str, lang: str) -> str:
    if column.startswith("cost_"):
        return t("chcol_cost_type", lang, type=label(column[len("cost_"):], lang))
    return t(f"chcol_{column}", lang)


def table_view(frame: pd.DataFrame, lang: str) -> pd.io.formats.style.Styler:
    """A sortable view of a metric table: translated headers and values, numbers formatted, NaN as "—".

    The cells keep their numbers (the Styler only changes how they read), so sorting stays numeric.
    """
    view = frame.copy()
    for col in LABELLED & set(view.columns):
        view[col] = [label(v, lang) if v is not None and not pd.isna(v) else "—" for v in view[col]]
    formats = {}
    for col in view.columns:
        if col in MONEY_COLUMNS or col.startswith("cost_"):
            formats[column_title(col, lang)] = "{:,.2f}"
        elif col in PCT_COLUMNS:
            formats[column_title(col, lang)] = "{:.1%}"
        elif col not in LABELLED and col != "product":
            formats[column_title(col, lang)] = "{:,.0f}"
    view.columns = [column_title(c, lang) for c in view.columns]
    return view.style.format(formats, na_rep="—")
