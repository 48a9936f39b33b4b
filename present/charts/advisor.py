"""Figures of the advisor and goals pages, also drawn into the executive report's images
(``present.report`` renders them without Streamlit). Text in the figures is drawn into the image,
never inserted into HTML.
"""

from __future__ import annotations

import plotly.graph_objects as go

from metrics import catalog
from metrics.advisor import Advice
from metrics.goals import Progress, catalog_key
from present.charts import theme
from present.i18n import fmt_pct, t
from present.sentences.goals import metric_label


def side_color(value: float) -> str:
    """The colour of a vote or score: CRM for ≥ 0 (customer relationships), channels below."""
    return theme.CRM_COLOR if value >= 0 else theme.CHANNELS_COLOR


def gauge(advice: Advice, lang: str) -> go.Figure:
    """The score on a −100 (channels) … +100 (customer relationships) dial, marked by a needle-like line.

    (A gauge bar always starts at the range's minimum, which would read as "mostly channels".)"""
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=round(advice.score, 1),
            number=dict(valueformat="+.0f"),
            title=dict(
                text=f"{t('advisor_axis_channels', lang)}   {t('advisor_chart_score', lang)}   {t('advisor_axis_crm', lang)}"
            ),
            gauge=dict(
                axis=dict(range=[-100, 100]),
                bar=dict(color="rgba(0,0,0,0)", thickness=0),
                steps=[
                    dict(range=[-100, -15], color=theme.tint(theme.CHANNELS_COLOR, 0.15)),
                    dict(range=[-15, 15], color="#F2F2F2"),
                    dict(range=[15, 100], color=theme.tint(theme.CRM_COLOR, 0.15)),
                ],
                threshold=dict(line=dict(color=side_color(advice.score), width=6), thickness=1.0, value=advice.score),
            ),
        )
    )
    return theme.layout(fig, height=280, legend=False, margin=dict(l=45, r=45, t=70))


def votes(advice: Advice, lang: str) -> go.Figure:
    """Each available signal's weighted vote (negative = channels, positive = customer relationships)."""
    used = [s for s in advice.signals if s.available]
    values = [s.vote * s.weight for s in used]  # type: ignore[operator]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[t(f"advisor_signal_{s.key}", lang) for s in used],
            orientation="h",
            marker_color=[side_color(v) for v in values],
            text=[f"{v:+.2f}" for v in values],
            textposition="auto",
        )
    )
    fig.update_layout(
        title=dict(text=t("advisor_chart_votes", lang)),
        xaxis=dict(
            title=f"{t('advisor_axis_channels', lang)}    {t('advisor_axis_crm', lang)}",
            zeroline=True,
            zerolinecolor=theme.INK,
        ),
        yaxis=dict(autorange="reversed"),
    )
    return theme.layout(fig, height=max(240, 42 * len(used) + 100), legend=False, margin=dict(t=40))


def goal_progress(progress: list[Progress], lang: str) -> go.Figure:
    """Progress towards each measurable goal (0–100%+, capped at 150%), coloured by status."""
    shown = [p for p in progress if p.progress is not None]
    values = [max(min(p.progress, 1.5), -0.5) for p in shown]  # type: ignore[type-var]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[theme.plain(metric_label(p.goal.metric, lang)) for p in shown],
            orientation="h",
            marker_color=[theme.STATUS_COLORS[p.status] for p in shown],
            text=[f"{fmt_pct(p.progress, lang, decimals=0)} · {t(f'goals_status_{p.status}', lang)}" for p in shown],
            textposition="auto",
        )
    )
    fig.update_layout(
        title=dict(text=t("report_chart_goals", lang)),
        xaxis=dict(tickformat=".0%", range=[-0.5, 1.5]),
        yaxis=dict(autorange="reversed"),
    )
    fig.add_vline(x=1.0, line_dash="dash", line_color=theme.INK)
    return theme.layout(fig, height=max(200, 40 * len(shown) + 100), legend=False, margin=dict(t=40))


def goal_trend(p: Progress, lang: str, title: str) -> go.Figure:
    """A goal's monthly values, its fitted trend extended to the deadline, and the target.

    ``title`` may carry a data value (a channel's name): it is drawn as theme.plain text.
    """
    fig = go.Figure()
    history = p.history
    money = catalog.get(catalog_key(p.goal.metric)).format == "money"
    fig.add_scatter(
        x=history["month"],
        y=history["value"],
        mode="lines+markers",
        name=t("goals_chart_actual", lang),
        line=dict(color=theme.ACCENT),
        **(theme.money_hover(history["value"], lang) if money else {}),
    )
    if p.projected is not None and len(history):
        fig.add_scatter(
            x=[history["month"].iloc[-1], p.goal.deadline],
            y=[history["value"].iloc[-1], p.projected],
            mode="lines",
            name=t("goals_chart_forecast" if p.method == "forecast" else "goals_chart_trend", lang),
            line=dict(color=theme.MUTED, dash="dot"),
        )
    if p.projected_band is not None:  # judged on the forecast: its P10–P90 at the deadline
        low, high = p.projected_band
        fig.add_scatter(
            x=[p.goal.deadline],
            y=[p.projected],
            mode="markers",
            name=t("goals_chart_band", lang),
            marker=dict(color=theme.MUTED, size=7),
            error_y=dict(type="data", array=[high - p.projected], arrayminus=[p.projected - low], color=theme.MUTED),
        )
    fig.add_hline(
        y=p.goal.target,
        line_dash="dash",
        line_color=theme.STATUS_COLORS.get(p.status, theme.INK),
        annotation_text=t("goals_chart_target", lang),
    )
    fig.update_layout(title=dict(text=theme.plain(title)))
    if money:
        theme.money_axis(fig, "yaxis", [*history["value"], p.goal.target, p.projected, *(p.projected_band or ())], lang)
    elif catalog.get(catalog_key(p.goal.metric)).delta_in_points:
        fig.update_layout(yaxis=dict(tickformat=".0%"))
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=340, legend=True, titled=True)
