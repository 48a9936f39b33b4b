"""Charts of the advisor and goals pages: the report's figure builders (metrics/report_charts.py, so
the HTML report and the pages draw the same pictures) with the app's font."""

from __future__ import annotations

import plotly.graph_objects as go

from metrics.advisor import Advice
from metrics.goals import Progress
from present.charts import report as report_charts
from present.charts.overview import FONT


def _app(fig: go.Figure) -> go.Figure:
    fig.update_layout(font=dict(family=FONT))
    return fig


def gauge(advice: Advice, lang: str) -> go.Figure:
    return _app(report_charts.gauge(advice, lang))


def votes(advice: Advice, lang: str) -> go.Figure:
    return _app(report_charts.votes(advice, lang))


def goal_progress(progress: list[Progress], lang: str) -> go.Figure:
    return _app(report_charts.goal_progress(progress, lang))


def goal_trend(progress: Progress, lang: str, title: str) -> go.Figure:
    return _app(report_charts.goal_trend(progress, lang, title))
