"""The executive overview: KPIs with deltas, monthly trend by channel, channel snapshot, movers,
and one generated sentence per headline.

Definitions follow METRICS.md. A ratio whose denominator is zero is ``None`` (shown as "—").
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.db import query
from metrics.filters import Filters
from present.i18n import fmt_int, fmt_money, fmt_pct, fmt_pts, label, t

DEFAULT_CHURN_WINDOW_DAYS = 180


@dataclass(frozen=True)
class Kpi:
    """One KPI card. ``kind`` says how to format: money, count or ratio.

    ``delta`` is relative ((now − prior) ÷ prior) for money and counts and in percentage points
    (now − prior) for ratios; ``None`` when the prior value is missing or zero.
    """

    key: str
    kind: str
    value: float | None
    prior: float | None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.prior is None:
            return None
        if self.kind == "ratio":
            return self.value - self.prior
        if self.prior == 0:
            return None
        return (self.value - self.prior) / abs(self.prior)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator) or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def kpis(con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = DEFAULT_CHURN_WINDOW_DAYS) -> list[Kpi]:
    """Revenue, gross profit, margin, orders, active customers, AOV, repeat rate and churn rate.

    Each with its value in the prior period. Margin is None when no line has a cost.
    Churn uses an inactivity window of ``window_days`` (default 180).
    """
    base = query(con, "overview_kpis", window_days=window_days, **f.params()).set_index("period")
    cards = []
    for key, kind in (("revenue", "money"), ("gross_profit", "money"), ("margin", "ratio"),
                      ("orders", "count"), ("active_customers", "count"), ("aov", "money"),
                      ("repeat_rate", "ratio"), ("churn_rate", "ratio")):
        values = []
        for period in ("current", "prior"):
            row = base.loc[period]
            if key == "margin":
                value = ratio(_num(row["gross_profit"]), _num(row["revenue_with_cost"]))
            elif key == "aov":
                value = ratio(_num(row["revenue"]), _num(row["orders"]))
            elif key == "repeat_rate":
                value = ratio(_num(row["repeat_customers"]), _num(row["active_customers"]))
            elif key == "churn_rate":
                value = ratio(_num(row["churned"]), _num(row["active_at_start"]))
            else:
                value = _num(row[key])
            values.append(value)
        cards.append(Kpi(key, kind, values[0], values[1]))
    return cards


def trend(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Monthly revenue and gross profit by channel: month, channel, revenue, gross_profit,
    revenue_with_cost, margin.

    revenue_with_cost is the revenue of lines whose cost is known, margin's denominator: a chart's
    margin over several channels is Σ gross_profit ÷ Σ revenue_with_cost, as the margin KPI, not
    ÷ Σ revenue, which counts revenue without a cost and understates it.
    """
    frame = query(con, "overview_trend", **f.params())
    frame["margin"] = frame["gross_profit"] / frame["revenue_with_cost"].where(frame["revenue_with_cost"] != 0)
    return frame


def movers(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per channel and per region: revenue now and before, share, growth, margin.

    Columns: dim, value, revenue, prior_revenue, share, growth, change, gross_profit, margin.
    growth is NaN when the prior period had no revenue there (undefined, shown as "—").
    """
    frame = query(con, "overview_movers", **f.params())
    totals = frame.groupby("dim")["revenue"].transform("sum")
    frame["share"] = frame["revenue"] / totals.where(totals != 0)
    frame["change"] = frame["revenue"] - frame["prior_revenue"]
    frame["growth"] = frame["change"] / frame["prior_revenue"].where(frame["prior_revenue"] != 0)
    frame["margin"] = frame["gross_profit"] / frame["revenue_with_cost"].where(frame["revenue_with_cost"] != 0)
    return frame.drop(columns="revenue_with_cost")


def dimension_values(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, list[str]]:
    """The dataset's channels and regions, largest revenue first."""
    frame = query(con, "dimension_values", dataset=dataset)
    return {dim: frame.loc[frame["dim"] == dim, "value"].tolist() for dim in ("channel", "region")}


def _signed(x: float | None, lang: str) -> str:
    return fmt_pct(x, lang, signed=True)


def headlines(cards: list[Kpi], moves: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per headline in ``lang``: revenue and its driver, margin, customers, movers."""
    by_key = {card.key: card for card in cards}
    sentences = []
    revenue = by_key["revenue"]
    channels = moves[moves["dim"] == "channel"]
    if revenue.delta is None:
        sentences.append(t("headline_revenue_no_prior", lang, revenue=fmt_money(revenue.value, lang)))
    else:
        lead = channels.sort_values("change", ascending=revenue.delta < 0).head(1)
        driver = label(lead["value"].iloc[0], lang) if not lead.empty else "—"
        key = "headline_revenue_up" if revenue.delta >= 0 else "headline_revenue_down"
        sentences.append(t(key, lang, revenue=fmt_money(revenue.value, lang), delta=_signed(revenue.delta, lang),
                           driver=driver, driver_change=fmt_money(lead["change"].iloc[0] if not lead.empty else None, lang)))
    margin = by_key["margin"]
    if margin.value is not None:
        with_margin = channels.dropna(subset=["margin"])
        if not with_margin.empty:
            low = with_margin.sort_values("margin").iloc[0]
            sentences.append(t("headline_margin", lang, margin=fmt_pct(margin.value, lang),
                               delta=fmt_pts(margin.delta, lang), channel=label(low["value"], lang),
                               channel_margin=fmt_pct(low["margin"], lang)))
    churn, active = by_key["churn_rate"], by_key["active_customers"]
    if active.value:
        if churn.value is None:
            sentences.append(t("headline_customers_no_churn", lang, active=fmt_int(active.value, lang),
                               repeat=fmt_pct(by_key["repeat_rate"].value, lang)))
        else:
            sentences.append(t("headline_customers", lang, active=fmt_int(active.value, lang),
                               churn=fmt_pct(churn.value, lang), prior_churn=fmt_pct(churn.prior, lang),
                               repeat=fmt_pct(by_key["repeat_rate"].value, lang)))
    regions = moves[(moves["dim"] == "region")].dropna(subset=["growth"])
    if len(regions) >= 2:
        ordered = regions.sort_values("growth")
        top, bottom = ordered.iloc[-1], ordered.iloc[0]
        key = "headline_regions" if bottom["growth"] < 0 else "headline_regions_all_up"
        sentences.append(t(key, lang, top=label(top["value"], lang), top_growth=_signed(top["growth"], lang),
                           bottom=label(bottom["value"], lang), bottom_growth=_signed(bottom["growth"], lang)))
    return sentences
