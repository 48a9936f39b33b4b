"""Customer tiers (METRICS.md): ABC (核心 / 潜力 / 长尾) by revenue and the 2×2 value tiers.

ABC: customers sorted by revenue in the period (descending, ties by id); core (A) while the
cumulative share including the customer is ≤ 70%, potential (B) up to 90%, long tail (C) the rest.
The largest customer is always A (a tier of one when it alone holds more than 70%); customers with
zero or negative revenue are C.

Value tiers: current value = the last 12 months' gross profit (revenue when the dataset has no
cost) up to the as-of date; potential value = predicted 12-month CLV. "High" = strictly above the
80th percentile (linear interpolation) of the customers in the fit, so ties at the edge fall low.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from metrics import rfm
from metrics.clv import ClvResult
from metrics.db import query
from metrics.filters import Filters

ABC_LIMITS = (0.70, 0.90)
VALUE_SPLIT_QUANTILE = 0.8
TIERS = ("A", "B", "C")
VALUE_TIERS = ("loyal_high", "growth_potential", "churn_risk_high", "general")


def abc_frame(revenue: pd.DataFrame) -> pd.DataFrame:
    """ABC tier per customer from customer_id, revenue: adds cum_share and tier."""
    ordered = revenue.sort_values(["revenue", "customer_id"], ascending=[False, True], ignore_index=True)
    positive = ordered["revenue"].clip(lower=0)
    total = positive.sum()
    cum = positive.cumsum() / total if total > 0 else pd.Series(np.nan, index=ordered.index)
    tier = np.where(cum <= ABC_LIMITS[0] + 1e-12, "A", np.where(cum <= ABC_LIMITS[1] + 1e-12, "B", "C"))
    tier = np.where(ordered["revenue"] <= 0, "C", tier)
    if len(ordered) and ordered["revenue"].iloc[0] > 0:
        tier[0] = "A"
    return ordered.assign(cum_share=cum, tier=tier)


def abc(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """ABC tier per customer with an order in the period: customer_id, revenue, cum_share, tier."""
    frame = rfm.rfm(con, f)[["customer_id", "monetary"]].rename(columns={"monetary": "revenue"})
    return abc_frame(frame)


def abc_summary(tiers: pd.DataFrame) -> pd.DataFrame:
    """tier, customers, customer_share, revenue, revenue_share — A, B, C (all three always listed)."""
    out = tiers.groupby("tier").agg(customers=("customer_id", "size"), revenue=("revenue", "sum")).reindex(list(TIERS))
    out = out.fillna(0).rename_axis("tier").reset_index()
    out["customers"] = out["customers"].astype("int64")
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else np.nan
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    return out


def current_value(con: duckdb.DuckDBPyConnection, dataset: str, *, as_of: dt.date) -> pd.DataFrame:
    """customer_id, revenue_12m, gross_profit_12m (NaN without cost) for the 12 months up to as_of."""
    return query(con, "cust_current_value", dataset=dataset, as_of=as_of)


def value_tiers(result: ClvResult, current: pd.DataFrame, *, has_cost: bool) -> pd.DataFrame:
    """2×2 tier per customer of the CLV fit: customer_id, current_value, potential_value, tier.

    Tiers: loyal_high (high/high 高价值忠诚), growth_potential (low current, high potential 高潜力增长),
    churn_risk_high (high current, low potential 高价值流失风险), general (low/low 一般价值).
    """
    if not result.ok:
        return pd.DataFrame(columns=["customer_id", "current_value", "potential_value", "tier"])
    column = "gross_profit_12m" if has_cost else "revenue_12m"
    frame = result.customers[["customer_id", "clv_12m"]].merge(
        current[["customer_id", column]], on="customer_id", how="left"
    )
    frame = frame.rename(columns={"clv_12m": "potential_value", column: "current_value"}).fillna({"current_value": 0.0})
    high_now = frame["current_value"] > frame["current_value"].quantile(VALUE_SPLIT_QUANTILE)
    high_later = frame["potential_value"] > frame["potential_value"].quantile(VALUE_SPLIT_QUANTILE)
    frame["tier"] = np.select(
        [high_now & high_later, ~high_now & high_later, high_now & ~high_later],
        ["loyal_high", "growth_potential", "churn_risk_high"],
        "general",
    )
    return frame[["customer_id", "current_value", "potential_value", "tier"]]


def value_tier_summary(tiers: pd.DataFrame) -> pd.DataFrame:
    """tier, customers, share, current_value, potential_value (sums) for the four tiers."""
    out = (
        tiers.groupby("tier")
        .agg(
            customers=("customer_id", "size"),
            current_value=("current_value", "sum"),
            potential_value=("potential_value", "sum"),
        )
        .reindex(list(VALUE_TIERS))
    )
    out = out.fillna(0).rename_axis("tier").reset_index()
    out["customers"] = out["customers"].astype("int64")
    n = out["customers"].sum()
    out["share"] = out["customers"] / n if n else np.nan
    return out
