"""Small reusable pieces of screen: KPI cards, formatted tables."""

from __future__ import annotations

import streamlit as st

from metrics.overview import Kpi
from present.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, fmt_pts
from ui.state import lang, t


def format_value(kind: str, value: float | None) -> str:
    if kind == "money":
        return fmt_money(value, lang())
    if kind == "ratio":
        return fmt_pct(value, lang())
    if kind == "number":  # a mean such as orders per customer: two decimals, not rounded to an integer
        return fmt_number(value, lang())
    return fmt_int(value, lang())


def format_delta(card: Kpi) -> str | None:
    if card.delta is None:
        return None
    if card.kind == "ratio":
        return fmt_pts(card.delta, lang())
    return fmt_pct(card.delta, lang(), signed=True)


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


def escape_markdown(text: str) -> str:
    """Backslash every Markdown/Streamlit-directive character so data values show as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def bullet_list(sentences: list[str]) -> None:
    """Generated sentences (which carry data values) as a plain bulleted list."""
    st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))


def kpi_row(cards: list[Kpi], *, churn_window_days: int) -> None:
    """KPI cards in a row, each with its delta vs the prior period. Churn going up is bad."""
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column:
            st.metric(
                t(f"kpi_{card.key}"), format_value(card.kind, card.value), format_delta(card),
                delta_color="inverse" if card.key == "churn_rate" else "normal",
                help=t(f"kpi_help_{card.key}", days=churn_window_days),
                border=True,
            )
