"""Plotly builders for the budget pages: response curves, projections, the channels-vs-CRM split,
and scenario comparison. Builders take frames from metrics.budget and the language; they compute
nothing new. A channel keeps its colour from ui.charts.color everywhere.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.budget.plotting import CurveView
from present.charts.overview import FONT, PALETTE, color
from present.i18n import t
from present.sentences.budget import lever_label

CRM_COLOR = "#9467BD"


def _layout(fig: go.Figure, *, height: int = 340) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def lever_color(lever: str) -> str:
    kind, _, name = lever.partition(":")
    return CRM_COLOR if kind == "crm" and not name else color(name)


def curve(view: CurveView, lang: str) -> go.Figure:
    """The response curve with its P10–P90 band and the current and proposed points."""
    line = view.line
    tint = lever_color(view.lever)
    fig = go.Figure()
    fig.add_scatter(x=line["spend"], y=line["p90"], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=line["spend"], y=line["p10"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(120,120,120,0.2)", name="P10–P90", hoverinfo="skip")
    fig.add_scatter(x=line["spend"], y=line["value"], mode="lines", name=lever_label(view.lever, lang),
                    line=dict(color=tint, width=3, dash="dot" if view.source == "assumed" else "solid"))
    for which, symbol in (("current", "circle"), ("proposed", "diamond")):
        point = view.points[view.points["which"] == which]
        fig.add_scatter(x=point["spend"], y=point["value"], mode="markers", marker=dict(size=13, symbol=symbol,
                        color="#333333" if which == "current" else tint, line=dict(width=1, color="white")),
                        name=t(f"budget_col_{'current' if which == 'current' else 'proposed'}", lang))
    y_title = t("metric_incremental_revenue", lang) if view.kind == "channel" else t("metric_retained_customers", lang)
    fig.update_layout(xaxis=dict(title=t("budget_col_spend", lang)), yaxis=dict(title=y_title), hovermode="closest")
    return _layout(fig)


def projection(frame: pd.DataFrame, lang: str, outcomes: tuple[str, ...]) -> go.Figure:
    """Current plan vs scenario for money outcomes, the scenario with a P10–P90 error bar."""
    part = frame[frame["outcome"].isin(outcomes)]
    names = [t(f"budget_outcome_{o}", lang) for o in part["outcome"]]
    fig = go.Figure()
    fig.add_bar(x=names, y=part["current"], name=t("budget_col_current", lang), marker_color="#BAB0AC")
    fig.add_bar(x=names, y=part["scenario"], name=t("budget_col_scenario", lang), marker_color="#4C78A8",
                error_y=dict(type="data", symmetric=False, array=(part["p90"] - part["scenario"]).clip(lower=0),
                             arrayminus=(part["scenario"] - part["p10"]).clip(lower=0)))
    fig.update_layout(barmode="group")
    return _layout(fig, height=300)


def split(frame: pd.DataFrame, lang: str, *, current_total: float | None = None) -> go.Figure:
    """Optimal channels and CRM spend (stacked areas) and the CRM share (line, right axis) by total budget."""
    part = frame[frame["feasible"]]
    fig = go.Figure()
    fig.add_scatter(x=part["total"], y=part["channels"], stackgroup="one", name=t("budget_col_channels", lang),
                    line=dict(color=PALETTE[0]))
    fig.add_scatter(x=part["total"], y=part["crm"], stackgroup="one", name=t("budget_col_crm", lang),
                    line=dict(color=CRM_COLOR))
    fig.add_scatter(x=part["total"], y=part["crm_share"], yaxis="y2", name=t("budget_col_crm_share", lang),
                    mode="lines+markers", line=dict(color="#333333", width=2))
    if current_total:
        fig.add_vline(x=current_total, line_dash="dot", line_color="#888888")
    fig.update_layout(xaxis=dict(title=t("budget_col_total", lang)), yaxis=dict(title=t("budget_col_spend", lang)),
                      yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1], showgrid=False),
                      hovermode="x unified")
    return _layout(fig)


def compare(frame: pd.DataFrame, lang: str, outcomes: tuple[str, ...]) -> go.Figure:
    """Scenarios side by side per outcome with P10–P90 error bars."""
    fig = go.Figure()
    for i, (name, part) in enumerate(frame[frame["outcome"].isin(outcomes)].groupby("scenario", sort=False)):
        fig.add_bar(x=[t(f"budget_outcome_{o}", lang) for o in part["outcome"]], y=part["value"], name=str(name),
                    marker_color=PALETTE[i % len(PALETTE)],
                    error_y=dict(type="data", symmetric=False, array=(part["p90"] - part["value"]).clip(lower=0),
                                 arrayminus=(part["value"] - part["p10"]).clip(lower=0)))
    fig.update_layout(barmode="group")
    return _layout(fig)


def model_check(line: pd.DataFrame, lever: str, kind: str, lang: str) -> go.Figure:
    """A lever's fitted curve with its P10–P90 band beside the planted (true) curve, dashed."""
    tint = lever_color(lever)
    fig = go.Figure()
    fig.add_scatter(x=line["spend"], y=line["p90"], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=line["spend"], y=line["p10"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(120,120,120,0.2)", name="P10–P90", hoverinfo="skip")
    fig.add_scatter(x=line["spend"], y=line["value"], mode="lines", name=t("budget_check_fitted", lang),
                    line=dict(color=tint, width=3))
    fig.add_scatter(x=line["spend"], y=line["planted"], mode="lines", name=t("budget_check_planted", lang),
                    line=dict(color="#333333", width=2, dash="dash"))
    y_title = t("metric_incremental_revenue", lang) if kind == "channel" else t("metric_retained_customers", lang)
    fig.update_layout(xaxis=dict(title=t("budget_col_spend", lang)), yaxis=dict(title=y_title), hovermode="x unified")
    return _layout(fig)


def holdout_uplift(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Each CRM programme's uplift in the repurchase rate (contacted − control) with its 95% interval,
    one bar per horizon; a bar whose interval crosses 0 is not distinguishable from no effect."""
    fig = go.Figure()
    for i, (horizon, part) in enumerate(frame.dropna(subset=["uplift"]).groupby("horizon", sort=True)):
        fig.add_bar(x=[lever_label(f"crm:{p}", lang) for p in part["programme"]], y=part["uplift"],
                    name=t("ret_holdout_horizon", lang, days=int(horizon)), marker_color=PALETTE[i % len(PALETTE)],
                    error_y=dict(type="data", symmetric=False, array=part["uplift_high"] - part["uplift"],
                                 arrayminus=part["uplift"] - part["uplift_low"]))
    fig.add_hline(y=0, line_color="#888888")
    fig.update_layout(barmode="group", yaxis=dict(title=t("metric_uplift", lang), tickformat="+.1%"))
    return _layout(fig, height=320)

