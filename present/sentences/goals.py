"""Goals in words: a goal metric's name, its values as the catalog formats them, its scope, the table."""

from __future__ import annotations

import pandas as pd

from metrics.goals import CHANNEL_SHARE, Goal, Progress, catalog_key
from present.formats import format_value as format_metric
from present.i18n import fmt_pct, label, t


def metric_label(metric: str, lang: str) -> str:
    """The goal metric's name in ``lang`` ("Channel revenue share (monthly): Live commerce")."""
    if metric.startswith(CHANNEL_SHARE):
        return t("goals_metric_channel_share", lang, channel=label(metric[len(CHANNEL_SHARE) :], lang))
    return t(f"goals_metric_{metric}", lang)


def format_value(metric: str, value: float | None, lang: str) -> str:
    """A value of the goal's metric as everywhere else in the app ("—" when undefined)."""
    return format_metric(catalog_key(metric), value, lang)


def scope_label(goal: Goal, lang: str) -> str:
    """ "all" or the scope's channels and regions, translated."""
    parts = [label(v, lang) for v in (*goal.channels, *goal.regions)]
    return " · ".join(parts) if parts else t("goals_scope_all", lang)


def projection_method(p: Progress, lang: str) -> str:
    """How the projection was found: the straight line, or the forecast's P50 with its band."""
    if p.method == "forecast" and p.projected_band is not None:
        return t(
            "goals_method_forecast",
            lang,
            p10=format_value(p.goal.metric, p.projected_band[0], lang),
            p90=format_value(p.goal.metric, p.projected_band[1], lang),
        )
    return t("goals_method_trend", lang) if p.projected is not None else "—"


def progress_frame(progress: list[Progress], lang: str) -> pd.DataFrame:
    """The goals as the app and the report show them: one row per goal, formatted text in ``lang``."""
    rows = []
    for p in progress:
        g = p.goal
        rows.append(
            {
                t("goals_col_metric", lang): metric_label(g.metric, lang),
                t("goals_col_scope", lang): scope_label(g, lang),
                t("goals_col_owner", lang): g.owner,
                t("goals_col_deadline", lang): g.deadline.isoformat(),
                t("goals_col_baseline", lang): format_value(g.metric, p.baseline, lang),
                t("goals_col_current", lang): format_value(g.metric, p.current, lang),
                t("goals_col_target", lang): format_value(g.metric, g.target, lang),
                t("goals_col_progress", lang): fmt_pct(p.progress, lang, decimals=0),
                t("goals_col_projected", lang): format_value(g.metric, p.projected, lang),
                t("goals_col_status", lang): t(f"goals_status_{p.status}", lang),
                t("goals_col_why", lang): t(p.reason, lang) if p.reason else "",
                t("goals_col_method", lang): projection_method(p, lang),  # last: the long text
            }
        )
    return pd.DataFrame(rows)
