"""Relationship health (METRICS.md "Contact frequency"): contacts per active customer per month, days
since the last contact, the high-value customers nobody has contacted lately, and one customer's
timeline of orders, contacts and feedback.

Choices where METRICS.md is silent (README "Customer voice"):

- **Active** at a month's end = an order (any channel) in the ``ACTIVE_WINDOW_DAYS`` (180) days up to
  and including it (METRICS.md "Active at date d", N = 180); contacts per active customer per month
  = the month's contacts ÷ the customers active at its end (a month cut by the period counts its
  days inside it).
- **Selection by customer**: the sidebar's channels and regions pick customers by acquisition
  channel and region (contacts are with customers, not with order lines).
- **High value** = M score 5 (the top fifth by revenue) in the period's RFM; the list holds those
  whose last contact up to the as-of date is more than N days old, or who were never contacted.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics import rfm
from metrics.db import query, query_large
from metrics.filters import Filters

ACTIVE_WINDOW_DAYS = 180
DEFAULT_NO_CONTACT_DAYS = 90
HIGH_VALUE_M_SCORE = 5
# Days since the last contact, for the distribution over active customers (upper bounds, inclusive).
BUCKETS = ((30, "le30"), (90, "le90"), (180, "le180"), (365, "le365"), (None, "over365"))


def monthly(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """month, interactions (contacts; and visits, calls, wecom, email), active_customers, contacts_per_customer."""
    frame = query(con, "rel_monthly", window=ACTIVE_WINDOW_DAYS, **f.params()).rename(
        columns={"contacts": "interactions"}
    )
    frame["contacts_per_customer"] = frame["interactions"] / frame["active_customers"].where(
        frame["active_customers"] > 0
    )
    return frame.drop(columns=["d0", "d1"])


def per_customer(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """customer_id, acquisition_channel, region, last_order, last_contact, contacts (in the period),
    owner (of the last contact), active (at the as-of date), days_since_contact (NaN: never)."""
    frame = query_large(con, "rel_customers", window=ACTIVE_WINDOW_DAYS, **f.params())  # 1.2M rows at 10M lines
    return frame.astype({"days_since_contact": "Int64"})


def summary(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, float | int | None]:
    """interactions (contacts), contacts_per_customer (period average of the monthly rates, contacts ÷ active-customer
    months), active_customers (at the as-of date), median_days_since_contact (active customers ever
    contacted), never_contacted_share (of active customers)."""
    return summarise(monthly(con, f), per_customer(con, f))


def summarise(months: pd.DataFrame, people: pd.DataFrame) -> dict[str, float | int | None]:
    """:func:`summary` from :func:`monthly` and :func:`per_customer` of one selection (pure: a page that
    holds both reads the customers once, not once per section)."""
    active = people[people["active"].fillna(False).astype(bool)]
    touched = active["days_since_contact"].dropna()
    customer_months = float(months["active_customers"].sum())
    return {
        "interactions": int(months["interactions"].sum()),
        "contacts_per_customer": float(months["interactions"].sum()) / customer_months if customer_months else None,
        "active_customers": len(active),
        "median_days_since_contact": float(touched.median()) if len(touched) else None,
        "never_contacted_share": float(active["days_since_contact"].isna().mean()) if len(active) else None,
    }


def days_since_contact(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """bucket (le30 … over365, never), customers, customer_share: active customers by days since their last contact."""
    return contact_buckets(per_customer(con, f))


def contact_buckets(people: pd.DataFrame) -> pd.DataFrame:
    """:func:`days_since_contact` from :func:`per_customer` (pure)."""
    days = people.loc[people["active"].fillna(False).astype(bool), "days_since_contact"]
    keys = [key for _, key in BUCKETS] + ["never"]
    if days.empty:
        return pd.DataFrame({"bucket": keys, "customers": 0, "customer_share": np.nan})
    edges = [-np.inf] + [b for b, _ in BUCKETS if b is not None] + [np.inf]
    cut = pd.cut(days.dropna(), edges, labels=[key for _, key in BUCKETS], right=True)
    counts = cut.value_counts().reindex([key for _, key in BUCKETS], fill_value=0)
    counts["never"] = int(days.isna().sum())
    out = pd.DataFrame({"bucket": keys, "customers": counts.reindex(keys).to_numpy(dtype="int64")})
    out["customer_share"] = out["customers"] / len(days)
    return out


def no_contact(con: duckdb.DuckDBPyConnection, f: Filters, *, days: int = DEFAULT_NO_CONTACT_DAYS) -> pd.DataFrame:
    """High-value customers (M score 5 in the period) not contacted in more than ``days`` days up to the
    as-of date, or never: customer_id, monetary (revenue in the period), last_order, last_contact,
    days_since_contact (NaN: never), owner, acquisition_channel, region, segment. Most revenue first."""
    return lapsed(rfm.rfm(con, f), per_customer(con, f), days=days)


def lapsed(scores: pd.DataFrame, people: pd.DataFrame, *, days: int = DEFAULT_NO_CONTACT_DAYS) -> pd.DataFrame:
    """:func:`no_contact` from :func:`metrics.rfm.rfm` and :func:`per_customer` of one selection (pure)."""
    top = scores[scores["m"] >= HIGH_VALUE_M_SCORE][["customer_id", "monetary", "segment"]]
    merged = top.merge(people, on="customer_id", how="left")
    lapsed_rows = merged["days_since_contact"].isna() | (merged["days_since_contact"] > days)
    out = merged[lapsed_rows].sort_values(["monetary", "customer_id"], ascending=[False, True], ignore_index=True)
    return out[
        [
            "customer_id",
            "monetary",
            "last_order",
            "last_contact",
            "days_since_contact",
            "owner",
            "acquisition_channel",
            "region",
            "segment",
        ]
    ]


def timeline(con: duckdb.DuckDBPyConnection, dataset: str, *, customer_id: str) -> pd.DataFrame:
    """One customer's orders, contacts and survey answers, newest first: kind, day, channel, revenue,
    detail (contact type or scale), note (owner · outcome, or the comment), score, ref (order id)."""
    return query(con, "rel_timeline", dataset=dataset, customer_id=customer_id)
