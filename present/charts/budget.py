"""Plotly builders for the budget pages: response curves, projections, the channels-vs-CRM split,
and scenario comparison. Builders take frames from metrics.budget and the language; they compute
nothing new. Levers, channels and CRM keep their ``theme`` colours everywhere.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.budget.plotting import CurveView
from present.charts import theme
from present.i18n import fmt_pct, t
from present.sentences.budget import lever_label


def _band(line: pd.DataFrame) -> go.Figure:
    """A figure holding the P10–P90 band of ``line`` (columns spend, p10, p90) over spend."""
    fig = go.Figure()
    fig.add_scatter(
        x=line["spend"], y=line["p90"], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"
    )
    fig.add_scatter(
        x=line["spend"],
        y=line["p10"],
        mode="lines",
        line=dict(width=0),
        fill="tonexty",
        fillcolor=theme.BAND,
        name="P10–P90",
        hoverinfo="skip",
    )
    return fig


def curve(view: CurveView, lang: str) -> go.Figure:
    """The response curve with its P10–P90 band and the current and proposed points."""
    line = view.line
    tint = theme.lever_color(view.lever)
    crm = view.kind == "crm"
    value_hover = (
        dict(
            customdata=[f"{v:,.0f}" for v in line["value"]],
            hovertemplate="%{fullData.name}: %{customdata}<extra></extra>",
        )
        if crm
        else theme.money_hover(line["value"], lang)
    )
    fig = _band(line)
    fig.add_scatter(
        x=line["spend"],
        y=line["value"],
        mode="lines",
        name=theme.plain(lever_label(view.lever, lang)),
        line=dict(color=tint, width=3, dash="dash" if view.source == "assumed" else "solid"),
        **value_hover,
    )
    for which, symbol in (("current", "circle"), ("proposed", "diamond")):
        point = view.points[view.points["which"] == which]
        fig.add_scatter(
            x=point["spend"],
            y=point["value"],
            mode="markers",
            marker=dict(
                size=13,
                symbol=symbol,
                color=theme.INK if which == "current" else tint,
                line=dict(width=1, color="white"),
            ),
            name=t(f"budget_col_{'current' if which == 'current' else 'proposed'}", lang),
            customdata=theme.money_text(point["spend"], lang),
            hovertemplate="%{fullData.name}: %{customdata}<extra></extra>",
        )
    y_title = t("metric_incremental_revenue", lang) if not crm else t("metric_retained_customers", lang)
    fig.update_layout(
        xaxis=dict(title=t("budget_col_spend", lang)),
        yaxis=dict(title=y_title, tickformat=",.0f" if crm else None),
        hovermode="closest",
    )
    theme.money_axis(fig, "xaxis", line["spend"], lang)
    if not crm:
        theme.money_axis(fig, "yaxis", line["p90"], lang)
    return theme.layout(fig, height=340)


def _error_bars(low: pd.Series, mid: pd.Series, high: pd.Series) -> dict:
    return dict(type="data", symmetric=False, array=(high - mid).clip(lower=0), arrayminus=(mid - low).clip(lower=0))


def projection(frame: pd.DataFrame, lang: str, outcomes: tuple[str, ...]) -> go.Figure:
    """Current plan vs scenario for money outcomes, the scenario with a P10–P90 error bar."""
    part = frame[frame["outcome"].isin(outcomes)]
    names = [t(f"budget_outcome_{o}", lang) for o in part["outcome"]]
    fig = go.Figure()
    theme.money_bar(fig, names, part["current"], t("budget_col_current", lang), theme.NEUTRAL, lang)
    theme.money_bar(
        fig,
        names,
        part["scenario"],
        t("budget_col_scenario", lang),
        theme.ACCENT,
        lang,
        error_y=_error_bars(part["p10"], part["scenario"], part["p90"]),
    )
    fig.update_layout(barmode="group", hovermode="x unified")
    theme.money_axis(fig, "yaxis", [*part["current"], *part["p90"], *part["p10"]], lang)
    return theme.layout(fig, height=300)


def split(frame: pd.DataFrame, lang: str, *, current_total: float | None = None) -> go.Figure:
    """Channels' and CRM's shares of the optimal spend (stacked to 100%) by total budget.

    Budget levels where nothing is spent have no split and are left out. The hover gives each
    side's amount.
    """
    part = frame[frame["feasible"] & frame["crm_share"].notna()]
    fig = go.Figure()
    for side, share, tint in (
        ("channels", 1 - part["crm_share"], theme.CHANNELS_COLOR),
        ("crm", part["crm_share"], theme.CRM_COLOR),
    ):
        fig.add_scatter(
            x=part["total"],
            y=share,
            stackgroup="split",
            name=t(f"budget_col_{side}", lang),
            mode="lines",
            line=dict(color=tint, width=1),
            customdata=[
                f"{fmt_pct(s, lang)} · {money}"
                for s, money in zip(share, theme.money_text(part[side], lang), strict=True)
            ],
            hovertemplate="%{fullData.name}: %{customdata}<extra></extra>",
        )
    if current_total:
        fig.add_vline(x=current_total, line_dash="dot", line_color=theme.MUTED)
    fig.update_layout(
        xaxis=dict(title=t("budget_col_total", lang)),
        yaxis=dict(title=t("budget_col_share", lang), tickformat=".0%", range=[0, 1]),
        hovermode="x unified",
    )
    theme.money_axis(fig, "xaxis", part["total"], lang)
    return theme.layout(fig, height=340)


def compare(frame: pd.DataFrame, lang: str, outcomes: tuple[str, ...]) -> go.Figure:
    """Scenarios side by side per outcome with P10–P90 error bars."""
    fig = go.Figure()
    part = frame[frame["outcome"].isin(outcomes)]
    for i, (name, rows) in enumerate(part.groupby("scenario", sort=False)):
        theme.money_bar(
            fig,
            [t(f"budget_outcome_{o}", lang) for o in rows["outcome"]],
            rows["value"],
            theme.plain(name),
            theme.PALETTE[i % len(theme.PALETTE)],
            lang,
            error_y=_error_bars(rows["p10"], rows["value"], rows["p90"]),
        )
    fig.update_layout(barmode="group", hovermode="x unified")
    theme.money_axis(fig, "yaxis", [*part["value"], *part["p90"], *part["p10"]], lang)
    return theme.layout(fig, height=340)


def model_check(line: pd.DataFrame, lever: str, kind: str, lang: str) -> go.Figure:
    """A lever's fitted curve with its P10–P90 band beside the planted (true) curve, dashed."""
    tint = theme.lever_color(lever)
    fig = _band(line)
    fig.add_scatter(
        x=line["spend"],
        y=line["value"],
        mode="lines",
        name=t("budget_check_fitted", lang),
        line=dict(color=tint, width=3),
    )
    fig.add_scatter(
        x=line["spend"],
        y=line["planted"],
        mode="lines",
        name=t("budget_check_planted", lang),
        line=dict(color=theme.INK, width=2, dash="dash"),
    )
    y_title = t("metric_incremental_revenue", lang) if kind == "channel" else t("metric_retained_customers", lang)
    fig.update_layout(xaxis=dict(title=t("budget_col_spend", lang)), yaxis=dict(title=y_title), hovermode="x unified")
    theme.money_axis(fig, "xaxis", line["spend"], lang)
    if kind == "channel":
        theme.money_axis(fig, "yaxis", [*line["p90"], *line["planted"]], lang)
    return theme.layout(fig, height=340)


def holdout_uplift(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Each CRM programme's uplift in the repurchase rate (contacted − control) with its 95% interval,
    one bar per horizon; a bar whose interval crosses 0 is not distinguishable from no effect."""
    fig = go.Figure()
    for i, (horizon, part) in enumerate(frame.dropna(subset=["uplift"]).groupby("horizon", sort=True)):
        fig.add_bar(
            x=[theme.plain(lever_label(f"crm:{p}", lang)) for p in part["programme"]],
            y=part["uplift"],
            name=t("ret_holdout_horizon", lang, days=int(horizon)),
            marker_color=theme.PALETTE[i % len(theme.PALETTE)],
            error_y=dict(
                type="data",
                symmetric=False,
                array=(part["uplift_high"] - part["uplift"]).clip(lower=0),
                arrayminus=(part["uplift"] - part["uplift_low"]).clip(lower=0),
            ),
        )
    fig.add_hline(y=0, line_color=theme.MUTED)
    fig.update_layout(barmode="group", yaxis=dict(title=t("metric_uplift", lang), tickformat="+.1%"))
    return theme.layout(fig, height=320)
