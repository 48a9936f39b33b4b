"""Customer KPIs with prior-period deltas, churn (window, monthly, by channel/region/segment,
reasons), the at-risk list and the 360° customer view's data.

Definitions follow METRICS.md and reuse the overview's cards (active customers, AOV, repeat and
churn rate come from :func:`metrics.overview.kpis`, so both pages always agree). A ratio with a
zero denominator is None/NaN (shown "—").
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from metrics import cohorts, overview, rfm
from metrics.clv import ClvResult
from metrics.db import query
from metrics.filters import Filters
from metrics.overview import Kpi, ratio

DEFAULT_WINDOW_DAYS = overview.DEFAULT_CHURN_WINDOW_DAYS
MIN_MONTHLY_WINDOW_DAYS = 31  # monthly churn needs a window longer than any month (cust_churn_monthly.sql)
MAX_WINDOW_DAYS = 730
AT_RISK_P_ALIVE = 0.5
AT_RISK_MIN_M_SCORE = 4


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def kpis(con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = DEFAULT_WINDOW_DAYS) -> list[Kpi]:
    """Active, new and returning customers, repeat rate, churn rate, AOV, orders and revenue per
    customer — each with its prior-period value.

    new = active in the period with their first order ever (any channel) in it; returning = active − new.
    Orders and revenue per customer divide identified customers' orders and revenue by active customers.
    """
    return kpis_of(overview.kpis(con, f, window_days=window_days), kpi_counts(con, f))


def kpi_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per period (current, prior): active and new customers, identified customers' orders and revenue
    (cust_kpis.sql), what :func:`kpis` adds to the overview's cards."""
    return query(con, "cust_kpis", split_orders=rfm.split_orders(con, f.dataset), **f.params())


def kpis_of(cards_of_overview: list[Kpi], counts: pd.DataFrame) -> list[Kpi]:
    """:func:`kpis` from :func:`metrics.overview.kpis` and :func:`kpi_counts` of one selection (pure: a
    page takes the overview's cards from the cache the overview filled, same selection and window)."""
    cards = {card.key: card for card in cards_of_overview}
    counts = counts.set_index("period")
    per_period: dict[str, list[float | None]] = {}
    for period in ("current", "prior"):
        row = counts.loc[period]
        active = _num(row["active_customers"])
        new = _num(row["new_customers"])
        per_period.setdefault("new_customers", []).append(new)
        per_period.setdefault("returning_customers", []).append(None if active is None or new is None else active - new)
        per_period.setdefault("orders_per_customer", []).append(ratio(_num(row["customer_orders"]), active))
        per_period.setdefault("revenue_per_customer", []).append(ratio(_num(row["customer_revenue"]), active))
    made = {key: Kpi(key, values[0], values[1]) for key, values in per_period.items()}
    order = (
        "active_customers",
        "new_customers",
        "returning_customers",
        "repeat_rate",
        "churn_rate",
        "aov",
        "orders_per_customer",
        "revenue_per_customer",
    )
    return [cards.get(key) or made[key] for key in order]


def auto_window_days(con: duckdb.DuckDBPyConnection, dataset: str) -> int | None:
    """METRICS.md "auto" inactivity window: the 80th percentile of all inter-purchase gaps (days,
    rounded up). None when no customer bought on two different days."""
    value = query(con, "cust_gaps", dataset=dataset)["p80_gap_days"].iloc[0]
    return None if pd.isna(value) else int(math.ceil(float(value)))


def resolve_window(con: duckdb.DuckDBPyConnection, dataset: str, window: int | str) -> int:
    """Days for a window choice: an integer, or "auto" (falls back to the default without gaps),
    clamped to 31..730 days so monthly churn is well defined."""
    days = (auto_window_days(con, dataset) or DEFAULT_WINDOW_DAYS) if window == "auto" else int(window)
    return min(max(days, MIN_MONTHLY_WINDOW_DAYS), MAX_WINDOW_DAYS)


def churn_monthly(
    con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> pd.DataFrame:
    """Churn per calendar month of the period: month, active_at_start, churned, churn_rate (NaN
    when nobody was active at the month's start). ``window_days`` must be ≥ 31. Periods longer than
    cohorts.MAX_MONTHS months keep the last MAX_MONTHS."""
    if window_days < MIN_MONTHLY_WINDOW_DAYS:
        raise ValueError(f"monthly churn needs a window of at least {MIN_MONTHLY_WINDOW_DAYS} days")
    frame = query(con, "cust_churn_monthly", window_days=window_days, **cohorts.clip_months(f).params())
    frame["churn_rate"] = frame["churned"] / frame["active_at_start"].where(frame["active_at_start"] > 0)
    return frame


def churn_by_place(
    con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> pd.DataFrame:
    """Churn in the period by channel and by region: dim ('channel' | 'region'), value,
    active_at_start, churned. A customer counts in a channel (region) by their orders there."""
    return query(con, "cust_churn_by_dim", window_days=window_days, **f.params())


def churn_flags(con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = DEFAULT_WINDOW_DAYS) -> pd.DataFrame:
    """The customers active at the period's start: customer_key (migration 006), churned (bool),
    churn_reason (customers table; NaN when unknown). Feeds :func:`churn_by_dimension` and
    :func:`churn_reasons`."""
    return query(con, "cust_churn_flags", window_days=window_days, **f.params())


def churn_by_dimension(
    places: pd.DataFrame, flags: pd.DataFrame, prior: pd.DataFrame, *, scheme: str = rfm.DEFAULT_SCHEME
) -> pd.DataFrame:
    """Churn in the period by channel, by region (``places``: :func:`churn_by_place`) and by RFM
    segment: the segment each customer of ``flags`` (:func:`churn_flags`) had in the prior period
    (``prior``: :func:`metrics.rfm.key_segments` of ``f.prior`` scored with ``scheme``; ``no_orders``
    when absent). Columns: dim ('channel' | 'region' | 'segment'), value, active_at_start, churned,
    churn_rate (NaN when nobody was active at the start)."""
    seg = flags.merge(prior[["customer_key", "segment"]], on="customer_key", how="left").fillna(
        {"segment": rfm.NO_ORDERS}
    )
    by_seg = seg.groupby("segment", as_index=False).agg(
        active_at_start=("customer_key", "size"), churned=("churned", "sum")
    )
    by_seg.insert(0, "dim", "segment")
    by_seg = by_seg.rename(columns={"segment": "value"})
    order = {name: i for i, name in enumerate([*rfm.segment_order(scheme), rfm.NO_ORDERS])}
    by_seg = by_seg.sort_values("value", key=lambda s: s.map(order))
    out = pd.concat([places, by_seg], ignore_index=True)
    out["churned"] = out["churned"].astype("int64")
    out["churn_rate"] = out["churned"] / out["active_at_start"].where(out["active_at_start"] > 0)
    return out


def churn_reasons(flags: pd.DataFrame) -> pd.DataFrame:
    """Churn reasons of the customers of ``flags`` (:func:`churn_flags`) who churned: reason,
    customers, share (of churned customers with a reason). Empty when the data has no reasons."""
    known = flags[flags["churned"] & flags["churn_reason"].notna()]
    out = (
        known.groupby("churn_reason", as_index=False)
        .size()
        .rename(columns={"churn_reason": "reason", "size": "customers"})
    )
    out["share"] = out["customers"] / out["customers"].sum() if len(out) else pd.Series(dtype="float64")
    return out.sort_values(["customers", "reason"], ascending=[False, True], ignore_index=True)


def at_risk(
    rfm_frame: pd.DataFrame,
    result: ClvResult,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    max_p_alive: float = AT_RISK_P_ALIVE,
    min_m_score: int = AT_RISK_MIN_M_SCORE,
) -> pd.DataFrame:
    """Still-"active" valuable customers the BG/NBD fit thinks have probably dropped out.

    Active = last order within ``window_days`` of the as-of date (METRICS.md); valuable = M score ≥
    ``min_m_score``; at risk = P(alive) < ``max_p_alive``. Columns: customer_id, recency_days,
    frequency, monetary, segment, p_alive, clv_12m — lowest P(alive) first. Empty without a fit.
    """
    columns = ["customer_id", "recency_days", "frequency", "monetary", "segment", "p_alive", "clv_12m"]
    if not result.ok or rfm_frame.empty:
        return pd.DataFrame(columns=columns)
    candidates = rfm_frame[(rfm_frame["recency_days"] < window_days) & (rfm_frame["m"] >= min_m_score)]
    joined = candidates.merge(result.customers[["customer_id", "p_alive", "clv_12m"]], on="customer_id")
    risky = joined[joined["p_alive"] < max_p_alive]
    return risky[columns].sort_values(["p_alive", "monetary"], ascending=[True, False], ignore_index=True)


def search(con: duckdb.DuckDBPyConnection, dataset: str, *, needle: str, limit: int = 20) -> pd.DataFrame:
    """Customer ids containing ``needle`` (case-insensitive): customer_id, orders, revenue; best first."""
    if not needle.strip():
        return pd.DataFrame(columns=["customer_id", "orders", "revenue"])
    return query(con, "cust_search", dataset=dataset, needle=needle.strip(), limit=limit)


def customer_orders(con: duckdb.DuckDBPyConnection, dataset: str, *, customer_id: str) -> pd.DataFrame:
    """One customer's orders, newest first: order_id, order_date, channel, region, lines, revenue, cost."""
    return query(con, "cust_orders", dataset=dataset, customer_id=customer_id)


def channels_used(orders: pd.DataFrame) -> pd.DataFrame:
    """A customer's orders per channel: channel, orders, revenue, first, last — most revenue first."""
    out = orders.groupby("channel", as_index=False).agg(
        orders=("order_id", "size"), revenue=("revenue", "sum"), first=("order_date", "min"), last=("order_date", "max")
    )
    return out.sort_values("revenue", ascending=False, ignore_index=True)


def acquisition_channels(con: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    """The dataset's acquisition channels, most customers first (for the cohort slicer); ties in the
    order of each channel's first customer id, as value_counts over :func:`metrics.cohorts.acquisition`."""
    counts = query(con, "cust_acquisition_counts", dataset=dataset)
    return counts.set_index("acquisition_channel")["customers"].sort_values(ascending=False).index.tolist()
