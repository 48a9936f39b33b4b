"""Plotly figures of the advisor and the executive report (static PNGs in the report, live on the pages).

They live in ``metrics`` because the report (and ``python -m metrics report``) renders them without
Streamlit; ``ui/charts_advisor.py`` re-uses them for the pages. Text in the figures is drawn into
the image, never inserted into HTML.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.advisor import Advice
from metrics.goals import Progress
from present.i18n import label, t
from present.sentences.goals import metric_label

FONT_FAMILY = "WenQuanYi Zen Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
CRM_COLOR = "#4C78A8"
CHANNELS_COLOR = "#F58518"
STATUS_COLORS = {"achieved": "#54A24B", "on_track": "#72B7B2", "at_risk": "#EECA3B", "off_track": "#E45756",
                 "overdue": "#B279A2", "unmeasurable": "#BAB0AC"}


def _layout(fig: go.Figure, *, height: int) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=dict(family=FONT_FAMILY, size=13),
                      paper_bgcolor="white", plot_bgcolor="white", showlegend=False)
    return fig


def gauge(advice: Advice, lang: str) -> go.Figure:
    """The score on a −100 (channels) … +100 (customer relationships) dial, marked by a needle-like line.

    (A gauge bar always starts at the range's minimum, which would read as "mostly channels".)"""
    fig = go.Figure(go.Indicator(
        mode="gauge+number", value=round(advice.score, 1), number=dict(valueformat="+.0f"),
        title=dict(text=f"{t('advisor_axis_channels', lang)}   {t('advisor_chart_score', lang)}   {t('advisor_axis_crm', lang)}"),
        gauge=dict(axis=dict(range=[-100, 100]), bar=dict(color="rgba(0,0,0,0)", thickness=0),
                   steps=[dict(range=[-100, -15], color="#FDE9D3"), dict(range=[-15, 15], color="#F2F2F2"),
                          dict(range=[15, 100], color="#DCE6F2")],
                   threshold=dict(line=dict(color=CRM_COLOR if advice.score >= 0 else CHANNELS_COLOR, width=6),
                                  thickness=1.0, value=advice.score)),
    ))
    fig = _layout(fig, height=280)
    fig.update_layout(margin=dict(l=45, r=45, t=70, b=10))
    return fig


def votes(advice: Advice, lang: str) -> go.Figure:
    """Each available signal's weighted vote (negative = channels, positive = customer relationships)."""
    used = [s for s in advice.signals if s.available]
    values = [s.vote * s.weight for s in used]  # type: ignore[operator]
    fig = go.Figure(go.Bar(
        x=values, y=[t(f"advisor_signal_{s.key}", lang) for s in used], orientation="h",
        marker_color=[CRM_COLOR if v >= 0 else CHANNELS_COLOR for v in values],
        text=[f"{v:+.2f}" for v in values], textposition="auto"))
    fig.update_layout(title=dict(text=t("advisor_chart_votes", lang)),
                      xaxis=dict(title=f"{t('advisor_axis_channels', lang)}    {t('advisor_axis_crm', lang)}",
                                 zeroline=True, zerolinecolor="#333333"),
                      yaxis=dict(autorange="reversed"))
    return _layout(fig, height=max(240, 42 * len(used) + 100))


def pnl_bars(pnl: pd.DataFrame, lang: str) -> go.Figure:
    """Revenue and contribution (or gross profit when channel costs are unknown) per channel."""
    names = [label(c, lang) for c in pnl["channel"]]
    fig = go.Figure()
    fig.add_bar(x=names, y=pnl["revenue"], name=t("report_col_revenue", lang), marker_color=CRM_COLOR)
    second = "contribution" if pnl["contribution"].notna().any() else "gross_profit"
    if pnl[second].notna().any():
        fig.add_bar(x=names, y=pnl[second], name=t(f"report_col_{second}", lang), marker_color="#54A24B")
    fig.update_layout(title=dict(text=t("report_chart_pnl", lang)), barmode="group", showlegend=True)
    fig = _layout(fig, height=380)
    # the title on top, the legend between it and the plot
    fig.update_layout(showlegend=True, margin=dict(t=80), title=dict(y=0.98, yanchor="top"),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def goal_progress(progress: list[Progress], lang: str) -> go.Figure:
    """Progress towards each measurable goal (0–100%+, capped at 150%), coloured by status."""
    shown = [p for p in progress if p.progress is not None]
    values = [max(min(p.progress, 1.5), -0.5) for p in shown]  # type: ignore[type-var]
    fig = go.Figure(go.Bar(
        x=values, y=[metric_label(p.goal.metric, lang) for p in shown], orientation="h",
        marker_color=[STATUS_COLORS[p.status] for p in shown],
        text=[f"{p.progress:.0%} · {t(f'goals_status_{p.status}', lang)}" for p in shown], textposition="auto"))
    fig.update_layout(title=dict(text=t("report_chart_goals", lang)), xaxis=dict(tickformat=".0%", range=[-0.5, 1.5]),
                      yaxis=dict(autorange="reversed"))
    fig.add_vline(x=1.0, line_dash="dash", line_color="#333333")
    return _layout(fig, height=max(200, 40 * len(shown) + 100))


def goal_trend(p: Progress, lang: str, title: str) -> go.Figure:
    """A goal's monthly values, its fitted trend extended to the deadline, and the target."""
    fig = go.Figure()
    history = p.history
    fig.add_scatter(x=history["month"], y=history["value"], mode="lines+markers", name=t("goals_chart_actual", lang),
                    line=dict(color=CRM_COLOR))
    if p.projected is not None and len(history):
        fig.add_scatter(x=[history["month"].iloc[-1], p.goal.deadline], y=[history["value"].iloc[-1], p.projected],
                        mode="lines", name=t("goals_chart_trend", lang), line=dict(color="#888888", dash="dot"))
    fig.add_hline(y=p.goal.target, line_dash="dash", line_color=STATUS_COLORS.get(p.status, "#333333"),
                  annotation_text=t("goals_chart_target", lang))
    fig.update_layout(title=dict(text=title), showlegend=True)
    fig = _layout(fig, height=340)
    fig.update_layout(showlegend=True, margin=dict(t=80), title=dict(y=0.98, yanchor="top"),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig
