"""Plotly builders for the customer pages (RFM, migration, churn, cohorts, tiers, CLV).

Drawn with ``theme``: channels keep their colours; labels go through the translation table.
Builders draw the frames they are given and compute nothing new.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from present.charts import theme
from present.i18n import fmt_pct, t


def seg_label(segment: str, lang: str) -> str:
    return t(f"seg_{segment}", lang)


def segment_bars(frame: pd.DataFrame, measure: str, lang: str) -> go.Figure:
    """Horizontal bars of ``measure`` (customers | revenue) per segment, with its share as text."""
    share = "share" if measure == "customers" else "revenue_share"
    part = frame.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=part[measure],
            y=[seg_label(s, lang) for s in part["segment"]],
            orientation="h",
            marker_color=theme.ACCENT,
            text=[fmt_pct(v, lang) if pd.notna(v) else "" for v in part[share]],
            textposition="auto",
        )
    )
    fig.update_layout(xaxis=dict(title=t(f"measure_{measure}", lang)), hovermode="closest")
    return theme.layout(fig, height=max(260, 32 * len(part) + 60))


def rfm_grid(cells: pd.DataFrame, lang: str) -> go.Figure:
    """R (rows) × F (columns) heatmap of customer counts."""
    matrix = cells.pivot(index="r", columns="f", values="customers").sort_index(ascending=False)
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=[f"F{f}" for f in matrix.columns],
            y=[f"R{r}" for r in matrix.index],
            colorscale=theme.SEQUENTIAL,
            text=matrix.values,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    fig.update_layout(hovermode="closest")
    return theme.layout(fig, height=300)


def segment_channels(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars: customers of each segment by acquisition channel."""
    fig = go.Figure()
    for channel, part in frame.groupby("acquisition_channel", sort=False):
        fig.add_bar(
            y=[seg_label(s, lang) for s in part["segment"]],
            x=part["customers"],
            orientation="h",
            name=theme.data_label(channel, lang),
            marker_color=theme.color(channel),
        )
    fig.update_layout(
        barmode="stack",
        yaxis=dict(autorange="reversed"),
        hovermode="closest",
        xaxis=dict(title=t("col_customers", lang)),
    )
    return theme.layout(fig, height=max(300, 30 * frame["segment"].nunique() + 80))


def migration_matrix(moves: pd.DataFrame, order: list[str], lang: str) -> go.Figure:
    """From (rows) × to (columns) heatmap of customers."""
    matrix = moves.pivot(index="from_segment", columns="to_segment", values="customers")
    matrix = matrix.reindex(
        index=[s for s in order if s in matrix.index], columns=[s for s in order if s in matrix.columns]
    )
    fig = go.Figure(
        go.Heatmap(
            z=matrix.fillna(0).values,
            x=[seg_label(s, lang) for s in matrix.columns],
            y=[seg_label(s, lang) for s in matrix.index],
            colorscale=theme.SEQUENTIAL,
            text=matrix.fillna(0).astype(int).values,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    fig.update_layout(
        xaxis=dict(title=t("col_to", lang)),
        yaxis=dict(title=t("col_from", lang), autorange="reversed"),
        hovermode="closest",
    )
    return theme.layout(fig, height=120 + 34 * len(matrix.index))


def migration_sankey(moves: pd.DataFrame, order: list[str], lang: str) -> go.Figure:
    """Prior segments (left) flowing into this period's (right)."""
    left = [s for s in order if s in set(moves["from_segment"])]
    right = [s for s in order if s in set(moves["to_segment"])]
    labels = [seg_label(s, lang) for s in left] + [seg_label(s, lang) for s in right]
    fig = go.Figure(
        go.Sankey(
            node=dict(label=labels, pad=12, thickness=14),
            link=dict(
                source=[left.index(s) for s in moves["from_segment"]],
                target=[len(left) + right.index(s) for s in moves["to_segment"]],
                value=moves["customers"],
            ),
        )
    )
    return theme.layout(fig, height=480)


def churn_trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly churn rate (line) over churned customers (bars, right axis)."""
    fig = go.Figure()
    fig.add_bar(
        x=frame["month"], y=frame["churned"], name=t("col_churned", lang), marker_color=theme.NEUTRAL, yaxis="y2"
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["churn_rate"],
        name=t("col_churn_rate", lang),
        mode="lines+markers",
        line=dict(color=theme.BAD, width=2),
        hovertemplate="%{fullData.name}: %{y:.1%}<extra></extra>",
    )
    fig.update_layout(
        yaxis=dict(title=t("col_churn_rate", lang), tickformat=".0%", rangemode="tozero"),
        yaxis2=dict(title=t("col_churned", lang), overlaying="y", side="right", showgrid=False, tickformat=",.0f"),
        hovermode="x unified",
    )
    theme.month_axis(fig, lang)
    return theme.layout(fig)


def churn_bars(frame: pd.DataFrame, lang: str, *, segments: bool = False) -> go.Figure:
    """Horizontal bars of churn rate per value (a channel, region or segment)."""
    part = frame.dropna(subset=["churn_rate"]).sort_values("churn_rate")
    names = [seg_label(v, lang) if segments else theme.data_label(v, lang) for v in part["value"]]
    colors = [theme.BAD if segments else theme.color(v) for v in part["value"]]
    fig = go.Figure(
        go.Bar(
            x=part["churn_rate"],
            y=names,
            orientation="h",
            marker_color=colors,
            text=[fmt_pct(v, lang) for v in part["churn_rate"]],
            textposition="auto",
            customdata=part["active_at_start"],
            hovertemplate="%{y}: %{x:.1%} (n=%{customdata})",
        )
    )
    fig.update_layout(xaxis=dict(tickformat=".0%", title=t("col_churn_rate", lang)), hovermode="closest")
    return theme.layout(fig, height=max(220, 32 * len(part) + 60))


def cohort_heatmap(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """Cohort (rows, acquisition month) × months since acquisition retention heatmap."""
    text = [[fmt_pct(v, lang, decimals=0) if pd.notna(v) else "" for v in row] for row in matrix.values]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=[str(k) for k in matrix.columns],
            y=[theme.month_text(c, lang) for c in matrix.index],
            colorscale=theme.SEQUENTIAL,
            zmin=0,
            zmax=1,
            text=text,
            texttemplate="%{text}",
            colorbar=dict(tickformat=".0%"),
        )
    )
    fig.update_layout(
        xaxis=dict(title=t("col_k", lang)),
        yaxis=dict(title=t("col_cohort", lang), autorange="reversed"),
        hovermode="closest",
    )
    return theme.layout(fig, height=max(300, 22 * len(matrix.index) + 100))


def retention_curves(cells: pd.DataFrame, curve: pd.DataFrame, lang: str) -> go.Figure:
    """One thin line per cohort from k = 1 and the size-weighted average in bold."""
    fig = go.Figure()
    for cohort, part in cells[cells["k"] >= 1].groupby("cohort"):
        fig.add_scatter(
            x=part["k"],
            y=part["retention"],
            mode="lines",
            line=dict(color=theme.FAINT, width=1),
            name=theme.month_text(cohort, lang),
            showlegend=False,
        )
    mean = curve[curve["k"] >= 1]
    fig.add_scatter(
        x=mean["k"],
        y=mean["retention"],
        mode="lines+markers",
        name=t("ret_curve_mean", lang),
        line=dict(color=theme.ACCENT, width=3),
    )
    fig.update_layout(
        xaxis=dict(title=t("col_k", lang), dtick=1),
        yaxis=dict(title=t("col_retention", lang), tickformat=".0%", rangemode="tozero"),
        hovermode="closest",
    )
    return theme.layout(fig)


def tier_bars(summary: pd.DataFrame, name_prefix: str, lang: str) -> go.Figure:
    """Customer share and revenue (or value) share per tier, side by side."""
    names = [t(f"{name_prefix}{tier}", lang) for tier in summary["tier"]]
    fig = go.Figure()
    fig.add_bar(x=names, y=summary["customer_share"], name=t("col_customer_share", lang), marker_color=theme.NEUTRAL)
    fig.add_bar(x=names, y=summary["revenue_share"], name=t("col_revenue_share", lang), marker_color=theme.ACCENT)
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%"), hovermode="closest")
    return theme.layout(fig, height=320)


def value_quadrants(summary: pd.DataFrame, lang: str) -> go.Figure:
    """The 2×2 value tiers as four tiles sized by customers."""
    fig = go.Figure(
        go.Treemap(
            labels=[t(f"vtier_{v}", lang) for v in summary["tier"]],
            parents=[""] * len(summary),
            values=summary["customers"],
            textinfo="label+value+percent root",
            marker=dict(colors=[theme.GOOD, theme.ACCENT_2, theme.BAD, theme.NEUTRAL]),
        )
    )
    return theme.layout(fig, height=320)


def clv_by_channel(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Mean 12-month CLV per acquisition channel (bars) and the acquisition cost per customer (markers)."""
    names = [theme.data_label(c, lang) for c in frame["channel"]]
    fig = go.Figure()
    theme.money_bar(
        fig, names, frame["clv_mean"], t("val_clv_mean", lang), [theme.color(c) for c in frame["channel"]], lang
    )
    if frame["cac"].notna().any():
        fig.add_scatter(
            x=names,
            y=frame["cac"],
            mode="markers",
            name=t("col_cac", lang),
            marker=dict(symbol="diamond", size=12, color=theme.INK),
            **theme.money_hover(frame["cac"], lang),
        )
    fig.update_layout(hovermode="closest")
    theme.money_axis(fig, "yaxis", [*frame["clv_mean"], *frame["cac"]], lang)
    return theme.layout(fig)


def calibration(buckets: pd.DataFrame, lang: str) -> go.Figure:
    """Mean actual vs predicted holdout purchases per customer by calibration repeat purchases."""
    fig = go.Figure()
    fig.add_bar(x=buckets["x"], y=buckets["actual"], name=t("col_actual", lang), marker_color=theme.ACCENT)
    fig.add_bar(x=buckets["x"], y=buckets["predicted"], name=t("col_predicted", lang), marker_color=theme.ACCENT_2)
    fig.update_layout(
        barmode="group", xaxis=dict(title=t("col_calibration_x", lang), type="category"), hovermode="closest"
    )
    return theme.layout(fig, height=320)


def customer_orders(orders: pd.DataFrame, lang: str) -> go.Figure:
    """One customer's orders over time, coloured by channel."""
    fig = go.Figure()
    for channel, part in orders.groupby("channel", sort=False):
        theme.money_bar(
            fig, part["order_date"], part["revenue"], theme.data_label(channel, lang), theme.color(channel), lang
        )
    fig.update_layout(barmode="stack", yaxis=dict(title=t("col_revenue", lang)), hovermode="closest")
    theme.money_axis(fig, "yaxis", theme.stack_extent(orders, "order_date", "revenue"), lang)
    theme.month_axis(fig, lang, days=True)
    return theme.layout(fig, height=280)
