"""The executive overview: KPIs with deltas, monthly trend by channel, channel snapshot, movers,
and one generated sentence per headline.

Definitions follow METRICS.md. A ratio whose denominator is zero is ``None`` (shown as "—").
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics import catalog
from metrics.db import query
from metrics.filters import Filters

DEFAULT_CHURN_WINDOW_DAYS = 180
KPIS = ("revenue", "gross_profit", "margin", "orders", "active_customers", "aov", "repeat_rate", "churn_rate")


@dataclass(frozen=True)
class Kpi:
    """One KPI card: a catalog metric (``key``) now and in the prior period.

    ``delta`` is in percentage points (now − prior) for metrics the catalog formats as a percentage
    and relative ((now − prior) ÷ prior) for the rest; ``None`` when the prior value is missing or zero.
    """

    key: str
    value: float | None
    prior: float | None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.prior is None:
            return None
        if catalog.get(self.key).delta_in_points:
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
    return [Kpi(key, catalog_value(key, base.loc["current"]), catalog_value(key, base.loc["prior"])) for key in KPIS]


def catalog_value(key: str, row: pd.Series) -> float | None:
    """A metric from a row of base sums: its own column, or its catalog ratio's numerator ÷ denominator."""
    metric = catalog.get(key)
    if metric.kind == "ratio":
        return ratio(_num(row[metric.numerator]), _num(row[metric.denominator]))
    return _num(row[key])


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
