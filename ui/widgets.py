"""Small reusable pieces of screen: KPI cards, formatted tables."""

from __future__ import annotations

import streamlit as st

from metrics.overview import Kpi
from present.formats import delta_color, format_change, format_delta, format_value, label
from ui.state import lang, t

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


def escape_markdown(text: str) -> str:
    """Backslash every Markdown/Streamlit-directive character so data values show as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def bullet_list(sentences: list[str]) -> None:
    """Generated sentences (which carry data values) as a plain bulleted list."""
    st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))


def metric_card(
    key: str, value: object, delta: object = None, *, help: str | None = None, change: bool = False
) -> None:
    """One KPI card of catalog metric ``key``: its name, formatted value and delta in its good direction.

    ``delta`` is a relative change (points for rates) vs a prior period; with ``change=True`` it is an
    absolute difference in the metric's own unit (a scenario against the current plan).
    """
    shown = (format_change if change else format_delta)(key, delta, lang())
    unchanged = shown is not None and delta == 0  # no arrow and no colour for "no change"
    st.metric(
        label(key, lang()),
        format_value(key, value, lang()),
        shown,
        delta_color="off" if unchanged else delta_color(key),
        delta_arrow="off" if unchanged else "auto",
        help=help,
        border=True,
    )


def kpi_row(cards: list[Kpi], *, churn_window_days: int) -> None:
    """KPI cards in a row, each with its delta vs the prior period, coloured by the catalog's good direction."""
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column:
            metric_card(card.key, card.value, card.delta, help=t(f"kpi_help_{card.key}", days=churn_window_days))
