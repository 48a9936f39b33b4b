"""Plotly builders for the channel pages and the report's P&L, drawn with ``theme``; no computing."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts import theme
from present.i18n import fmt_int, fmt_money, fmt_pct, t


def step_label(step: str, lang: str) -> str:
    """A waterfall step's name: cost_<type> steps use the cost type's label."""
    if step.startswith("cost_"):
        return theme.data_label(step[len("cost_") :], lang)
    return t(f"chstep_{step}", lang)


def share_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked monthly share by channel (100% areas). ``frame``: month, channel, share."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        fig.add_scatter(
            x=part["month"],
            y=part["share"],
            name=theme.data_label(channel, lang),
            stackgroup="share",
            mode="lines",
            line=dict(color=theme.color(channel), width=0.5),
            hovertemplate="%{fullData.name}: %{y:.1%}<extra></extra>",
        )
    fig.update_layout(yaxis=dict(tickformat=".0%", range=[0, 1]), hovermode="x unified")
    theme.month_axis(fig, lang)
    return theme.layout(fig)


def waterfall_measures(kinds: list[str]) -> list[str]:
    """Plotly measures for the steps of :func:`metrics.channels.waterfall`.

    The first step is the starting level, plotly's ``absolute``: a ``total`` sums the bars before
    it, so as the first step it drew revenue at 0 and turned contribution upside down. Later
    ``total`` steps (gross profit, contribution) stay totals: the level reached so far.
    """
    return ["absolute" if i == 0 else kind for i, kind in enumerate(kinds)]


def waterfall(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Revenue → costs → contribution. ``frame``: step, kind, amount."""
    measures = waterfall_measures(list(frame["kind"]))
    levels, level = [0.0], 0.0
    for measure, amount in zip(measures, frame["amount"], strict=True):  # the levels the axis must show
        if measure == "absolute":
            level = float(amount)
        elif measure == "relative":
            level += float(amount)
        levels.append(level)
    text = theme.money_text(frame["amount"], lang)
    fig = go.Figure(
        go.Waterfall(
            x=[step_label(s, lang) for s in frame["step"]],
            y=frame["amount"],
            measure=measures,
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=text,
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            connector=dict(line=dict(color=theme.MUTED)),
            decreasing=dict(marker=dict(color=theme.BAD)),
            increasing=dict(marker=dict(color=theme.GOOD)),
            totals=dict(marker=dict(color=theme.TOTAL)),
        )
    )
    fig.update_layout(hovermode="closest")
    theme.money_axis(fig, "yaxis", levels, lang)
    return theme.layout(fig, legend=False)


def bubbles(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Growth (x) against contribution or gross margin (y), bubble area ∝ revenue."""
    biggest = float(frame["revenue"].max()) if not frame.empty else 1.0
    fig = go.Figure()
    for _, row in frame.iterrows():
        name = theme.data_label(row["channel"], lang)
        fig.add_scatter(
            x=[row["growth"]],
            y=[row["rate"]],
            name=name,
            mode="markers+text",
            text=[name],
            textposition="top center",
            marker=dict(
                size=[row["revenue"]],
                sizemode="area",
                sizeref=2.0 * biggest / 60**2,
                color=theme.color(row["channel"]),
                line=dict(width=1, color=theme.INK),
            ),
            customdata=[
                f"{fmt_pct(row['growth'], lang, signed=True)} · {fmt_pct(row['rate'], lang)}"
                f" · {fmt_money(row['revenue'], lang)}"
            ],
            hovertemplate="%{fullData.name}: %{customdata}<extra></extra>",
        )
    y_title = t(
        "metric_contribution_rate" if (frame["y_measure"] == "contribution_rate").all() else "metric_margin", lang
    )
    fig.update_layout(
        xaxis=dict(title=t("metric_growth", lang), tickformat="+.0%", zeroline=True),
        yaxis=dict(title=y_title, tickformat=".0%"),
        hovermode="closest",
    )
    return theme.layout(fig, height=420, legend=False)


def heatmap(frame: pd.DataFrame, row: str, column: str, value: str, lang: str, *, percent: bool = False) -> go.Figure:
    """A matrix of ``value`` with ``row`` down and ``column`` across; absent cells are blank."""
    wide = frame.pivot_table(index=row, columns=column, values=value, aggfunc="sum")
    text = [
        [
            (
                ""
                if pd.isna(v)
                else (fmt_pct(v, lang) if percent else fmt_money(v, lang) if value == "revenue" else fmt_int(v, lang))
            )
            for v in values
        ]
        for values in wide.to_numpy()
    ]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=[theme.data_label(c, lang) for c in wide.columns],
            y=[theme.data_label(r, lang) for r in wide.index],
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            colorscale="Blues",
            hoverongaps=False,
            showscale=False,
        )
    )
    fig.update_layout(yaxis=dict(autorange="reversed"), hovermode="closest")
    return theme.layout(fig, height=max(260, 45 * len(wide) + 80))


def province_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked revenue per province by channel. ``frame``: channel, province, revenue."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=False):
        theme.money_bar(
            fig,
            [theme.data_label(p, lang) if p is not None else "—" for p in part["province"]],
            part["revenue"],
            theme.data_label(channel, lang),
            theme.color(channel),
            lang,
        )
    fig.update_layout(barmode="stack", yaxis=dict(title=t("metric_revenue", lang)), hovermode="x unified")
    theme.money_axis(fig, "yaxis", theme.stack_extent(frame.fillna({"province": "—"}), "province", "revenue"), lang)
    return theme.layout(fig)


def pnl_bars(pnl: pd.DataFrame, lang: str) -> go.Figure:
    """Revenue and contribution (or gross profit when channel costs are unknown) per channel (the report's P&L)."""
    names = [theme.data_label(c, lang) for c in pnl["channel"]]
    fig = go.Figure()
    theme.money_bar(fig, names, pnl["revenue"], t("report_col_revenue", lang), theme.TOTAL, lang)
    second = "contribution" if pnl["contribution"].notna().any() else "gross_profit"
    shown = [pnl["revenue"]]
    if pnl[second].notna().any():
        theme.money_bar(fig, names, pnl[second], t(f"report_col_{second}", lang), theme.PROFIT, lang)
        shown.append(pnl[second])
    fig.update_layout(title=dict(text=t("report_chart_pnl", lang)), barmode="group", hovermode="x unified")
    theme.money_axis(fig, "yaxis", pd.concat(shown), lang)
    return theme.layout(fig, height=380, legend=True, titled=True)
