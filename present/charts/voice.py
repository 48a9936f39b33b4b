"""Plotly builders for the customer-voice pages (NPS, churn by NPS group, referral, contacts, conversion,
CRM data health, the 360° timeline), drawn with ``theme``; builders draw the frames they get and
compute nothing new. Channels keep their colours; data text goes through ``theme.plain``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts import theme
from present.i18n import fmt_int, fmt_pct, t

GROUP_COLORS = {"promoter": theme.GOOD, "passive": theme.NEUTRAL, "detractor": theme.BAD}
CONTACT_COLORS = {"visits": "#4C78A8", "calls": "#72B7B2", "wecom": "#54A24B", "email": "#EECA3B"}
EVENT_COLORS = {"order": theme.ACCENT, "contact": "#54A24B", "feedback": "#B279A2"}


def _nps_axis(fig: go.Figure, axis: str = "yaxis") -> None:
    fig.update_layout({axis: dict(range=[-100, 100], zeroline=True, zerolinecolor=theme.MUTED, dtick=25)})


def _monthly_line(frame: pd.DataFrame, column: str, name: str, value_format: str, lang: str) -> go.Figure:
    """``frame[column]`` per month (``value``) as a line, the month's answers (``responses``) in the hover."""
    return go.Figure(
        go.Scatter(
            x=frame["value"],
            y=frame[column],
            mode="lines+markers",
            name=name,
            line=dict(color=theme.ACCENT),
            customdata=[fmt_int(v, lang) for v in frame["responses"]],
            hovertemplate="%{x|"
            + theme.MONTH_FORMAT.get(lang, "%b %Y")
            + "}: "
            + value_format.format(axis="y")
            + " · "
            + t("metric_responses", lang)
            + " %{customdata}<extra></extra>",
        )
    )


def _dimension_bars(
    frame: pd.DataFrame,
    column: str,
    texts: list[str],
    colors: object,
    value_format: str,
    lang: str,
    labels: list[str] | None,
) -> go.Figure:
    """``frame[column]`` per channel, region or segment (``value``) as horizontal bars, largest first.

    ``labels``: the values' display names (segments are translation keys); default the data values.
    """
    names = labels if labels is not None else [theme.data_label(v, lang) for v in frame["value"]]
    fig = go.Figure(
        go.Bar(
            x=frame[column],
            y=names,
            orientation="h",
            marker_color=colors,
            text=texts,
            textposition="auto",
            customdata=[fmt_int(v, lang) for v in frame["responses"]],
            hovertemplate="%{y}: "
            + value_format.format(axis="x")
            + " · "
            + t("metric_responses", lang)
            + " %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(yaxis=dict(autorange="reversed"), hovermode="closest")
    return fig


def nps_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """NPS per month (line, −100..100) with the month's respondents in the hover. ``frame``: nps_by(month)."""
    fig = _monthly_line(frame, "nps", t("metric_nps", lang), "NPS %{{{axis}:.0f}}", lang)
    _nps_axis(fig)
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=320, legend=False)


def nps_bars(frame: pd.DataFrame, dimension: str, lang: str, labels: list[str] | None = None) -> go.Figure:
    """NPS per channel, region or segment (horizontal bars; channels in their colours, others by sign)."""
    if dimension == "channel":
        colors = [theme.color(v) for v in frame["value"]]
    else:
        colors = [theme.GOOD if v >= 0 else theme.BAD for v in frame["nps"]]
    fig = _dimension_bars(frame, "nps", [f"{v:.0f}" for v in frame["nps"]], colors, "NPS %{{{axis}:.0f}}", lang, labels)
    _nps_axis(fig, "xaxis")
    return theme.layout(fig, height=max(240, 34 * len(frame) + 70), legend=False)


def csat_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """CSAT top-two-box share per month (line, 0..100%) with the month's answers in the hover.
    ``frame``: csat_by(month)."""
    fig = _monthly_line(frame, "csat_top2", t("metric_csat_top2", lang), "%{{{axis}:.1%}}", lang)
    fig.update_layout(yaxis=dict(range=[0, 1], tickformat=".0%"))
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=320, legend=False)


def csat_bars(frame: pd.DataFrame, dimension: str, lang: str, labels: list[str] | None = None) -> go.Figure:
    """CSAT top-two-box share per channel, region or segment (horizontal bars, 0..100%)."""
    colors = [theme.color(v) for v in frame["value"]] if dimension == "channel" else theme.ACCENT
    fig = _dimension_bars(
        frame, "csat_top2", [fmt_pct(v, lang) for v in frame["csat_top2"]], colors, "%{{{axis}:.1%}}", lang, labels
    )
    fig.update_layout(xaxis=dict(range=[0, 1], tickformat=".0%"))
    return theme.layout(fig, height=max(240, 34 * len(frame) + 70), legend=False)


def lapse_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Share of each NPS group that lapsed after answering (churn_by_group)."""
    fig = go.Figure(
        go.Bar(
            x=[t(f"voice_group_{g}", lang) for g in frame["group"]],
            y=frame["lapse_rate"],
            marker_color=[GROUP_COLORS[g] for g in frame["group"]],
            text=[fmt_pct(v, lang) for v in frame["lapse_rate"]],
            textposition="auto",
            customdata=[fmt_int(v, lang) for v in frame["judged"]],
            hovertemplate="%{x}: %{y:.1%} · " + t("metric_judged", lang) + " %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(yaxis=dict(tickformat=".0%", rangemode="tozero", title=t("metric_lapse_rate", lang)))
    return theme.layout(fig, height=300, legend=False)


def referral_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """New customers per month (bars) and the referral rate (line, right axis). ``frame``: referral_by_month."""
    fig = go.Figure()
    fig.add_bar(
        x=frame["month"], y=frame["new_customers"], name=t("metric_new_customers", lang), marker_color=theme.NEUTRAL
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["referral_rate"],
        name=t("metric_referral_rate", lang),
        yaxis="y2",
        mode="lines+markers",
        line=dict(color=theme.ACCENT_2),
        hovertemplate="%{fullData.name}: %{y:.1%}<extra></extra>",
    )
    fig.update_layout(
        yaxis=dict(title=t("metric_new_customers", lang)),
        yaxis2=dict(
            overlaying="y", side="right", tickformat=".0%", rangemode="tozero", showgrid=False, tickmode="auto"
        ),
        hovermode="x unified",
    )
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=320)


def contacts_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Contacts per month by type (stacked bars) and contacts per active customer (line, right axis)."""
    fig = go.Figure()
    for column, color in CONTACT_COLORS.items():
        if frame[column].sum() > 0:
            fig.add_bar(x=frame["month"], y=frame[column], name=t(f"metric_{column}", lang), marker_color=color)
    other = frame["interactions"] - frame[list(CONTACT_COLORS)].sum(axis=1)
    if (other > 0).any():
        fig.add_bar(x=frame["month"], y=other, name=t("rel_other_types", lang), marker_color=theme.NEUTRAL)
    fig.add_scatter(
        x=frame["month"],
        y=frame["contacts_per_customer"],
        name=t("metric_contacts_per_customer", lang),
        yaxis="y2",
        mode="lines+markers",
        line=dict(color=theme.INK),
        hovertemplate="%{fullData.name}: %{y:.2f}<extra></extra>",
    )
    fig.update_layout(
        barmode="stack",
        yaxis=dict(title=t("metric_interactions", lang)),
        yaxis2=dict(
            overlaying="y", side="right", rangemode="tozero", showgrid=False, tickmode="auto", tickformat=".2f"
        ),
        hovermode="x unified",
    )
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=340)


def days_buckets(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Active customers by days since their last contact (days_since_contact's buckets)."""
    fig = go.Figure(
        go.Bar(
            x=[t(f"rel_bucket_{b}", lang) for b in frame["bucket"]],
            y=frame["customers"],
            marker_color=[theme.BAD if b in ("over365", "never") else theme.ACCENT for b in frame["bucket"]],
            text=[fmt_pct(v, lang) for v in frame["customer_share"]],
            textposition="auto",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_layout(yaxis=dict(title=t("metric_active_customers", lang)))
    return theme.layout(fig, height=300, legend=False)


def conversion_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Conversion rate per channel and month (one line per channel, in its colour). ``frame``: by_month."""
    fig = go.Figure()
    for channel, part in frame.groupby("channel", sort=True):
        fig.add_scatter(
            x=part["month"],
            y=part["conversion_rate"],
            name=theme.data_label(channel, lang),
            mode="lines+markers",
            line=dict(color=theme.color(channel)),
            hovertemplate="%{fullData.name}: %{y:.2%}<extra></extra>",
        )
    fig.update_layout(
        yaxis=dict(tickformat=".1%", rangemode="tozero", title=t("metric_conversion_rate", lang)), hovermode="x unified"
    )
    theme.month_axis(fig, lang)
    return theme.layout(fig, height=320)


def health_breakdown(frame: pd.DataFrame, lang: str) -> go.Figure:
    """The health score's parts: each component's points (bar) out of its weight × 100 (faint bar behind)."""
    names = [t(f"health_component_{c}", lang) for c in frame["component"]]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=frame["weight"] * 100,
        orientation="h",
        marker_color=theme.FAINT,
        name=t("health_possible", lang),
        hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>",
    )
    fig.add_bar(
        y=names,
        x=frame["points"],
        orientation="h",
        marker_color=theme.ACCENT,
        name=t("metric_health_points", lang),
        text=[f"{v:.1f}" for v in frame["points"]],
        textposition="auto",
        hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>",
    )
    fig.update_layout(barmode="overlay", yaxis=dict(autorange="reversed"), hovermode="closest")
    return theme.layout(fig, height=240)


def timeline(events: pd.DataFrame, lang: str) -> go.Figure:
    """One customer's orders, contacts and survey answers on a time axis, a row per kind."""
    fig = go.Figure()
    for kind, part in events.groupby("kind", sort=False):
        hover = []
        for _, e in part.iterrows():
            if kind == "order":
                text = f"{theme.data_label(e['channel'], lang)} · {theme.money_text([e['revenue']], lang)[0]}"
            elif kind == "contact":
                detail = (
                    t(f"ctype_{e['detail']}", lang)
                    if e["detail"] in ("visit", "call", "wecom", "email", "sms")
                    else theme.plain(e["detail"])
                )
                text = detail + (f" · {theme.plain(e['note'])}" if isinstance(e["note"], str) and e["note"] else "")
            else:
                text = f"{e['score']:.0f} ({e['detail']})" + (
                    f" · {theme.plain(e['note'][:60])}" if isinstance(e["note"], str) and e["note"] else ""
                )
            hover.append(text)
        fig.add_scatter(
            x=part["day"],
            y=[t(f"rel_event_{kind}", lang)] * len(part),
            mode="markers",
            name=t(f"rel_event_{kind}", lang),
            marker=dict(color=EVENT_COLORS[kind], size=11),
            customdata=hover,
            hovertemplate="%{x|%Y-%m-%d}: %{customdata}<extra></extra>",
        )
    fig.update_layout(hovermode="closest", yaxis=dict(type="category"))
    theme.month_axis(fig, lang, days=True)
    return theme.layout(fig, height=240)
