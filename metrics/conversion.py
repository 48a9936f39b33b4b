"""Channel conversion (METRICS.md "Conversion rate"): visitors → orders per channel or traffic source,
over the period and per month, next to the channel P&L.

A traffic row that states its conversion rate (a shop snapshot: 支付转化率) keeps it: its orders are
visitors × that rate (``basis`` "stated"). Other rows of a sales channel get a rate computed from the
dataset's orders of that channel on the row's days ÷ its visitors ("computed"). Rows are clipped to
the period with their visitors prorated by the days kept; a row without a period covers the
dataset's whole range. A channel whose rows all state a rate is "stated"; otherwise its rate is
computed from orders. A traffic source (no sales channel) without a stated rate, or a channel name
that no order carries, has no rate ("none"): orders cannot be traced to it. The region filter does
not apply (visitors are not counted per region).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics import overview
from metrics.db import query
from metrics.filters import Filters

COLUMNS = ["channel", "level", "visitors", "leads", "orders", "conversion_rate", "basis", "stated_aov"]


def _rows(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return query(con, "conv_windows", **f.params())


def _group(part: pd.DataFrame, sells: bool, level: str) -> dict:
    visitors = float(part["visitors"].sum())
    stated = part["stated_rate"].notna().all()
    if stated:
        orders, basis = float((part["visitors"] * part["stated_rate"]).sum()), "stated"
    elif level == "channel" and sells:
        # each (channel, window) once: sources of one channel and period share their orders
        orders, basis = float(part.drop_duplicates(["d0", "d1"])["channel_orders"].sum()), "computed"
    else:
        orders, basis = np.nan, "none"
    aov = part.dropna(subset=["stated_aov"])
    return {
        "visitors": visitors,
        "leads": float(part["leads"].sum()) if part["leads"].notna().any() else np.nan,
        "orders": orders,
        "conversion_rate": orders / visitors if visitors > 0 else np.nan,
        "basis": basis,
        "stated_aov": float(np.average(aov["stated_aov"], weights=aov["visitors"]))
        if len(aov) and aov["visitors"].sum() > 0
        else np.nan,
    }


def conversion(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per sales channel (and per traffic source of rows without a channel) over the period: channel
    (the name), level (channel|source), visitors, leads, orders, conversion_rate, basis
    (stated|computed|none), stated_aov. Most visitors first."""
    rows = _rows(con, f)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    selling = set(overview.dimension_values(con, f.dataset)["channel"])
    out = []
    for channel, part in rows[rows["channel"].notna()].groupby("channel"):
        out.append({"channel": channel, "level": "channel", **_group(part, channel in selling, "channel")})
    for source, part in rows[rows["channel"].isna()].groupby("source"):
        out.append({"channel": source, "level": "source", **_group(part, False, "source")})
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values(["level", "visitors", "channel"], ascending=[True, False, True], ignore_index=True)


def export_frame(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """``python -m metrics export conversion``: channel, visitors, orders, conversion_rate, then basis and level."""
    return conversion(con, f)[["channel", "visitors", "orders", "conversion_rate", "basis", "level"]]


def sources(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per traffic source within its channel: channel, source, visitors, visitor_share (of its channel's
    or, without a channel, of all sourceless visitors), conversion_rate (the stated rates, visitor-weighted;
    NaN when the rows state none) and orders (visitors × stated rate)."""
    rows = _rows(con, f)
    rows = rows[rows["source"].notna()]
    columns = ["channel", "source", "visitors", "visitor_share", "conversion_rate", "orders"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(channel=rows["channel"].fillna(""), stated=rows["visitors"] * rows["stated_rate"])
    out = rows.groupby(["channel", "source"], as_index=False).agg(
        visitors=("visitors", "sum"), orders=("stated", lambda s: s.sum(min_count=1))
    )
    out["visitor_share"] = out["visitors"] / out.groupby("channel")["visitors"].transform("sum")
    out["conversion_rate"] = out["orders"] / out["visitors"]
    out["channel"] = out["channel"].replace("", None)
    return out.sort_values(["channel", "visitors"], ascending=[True, False], ignore_index=True)[columns]


def by_month(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per sales channel and calendar month: month, channel, visitors, orders, conversion_rate, basis."""
    rows = query(con, "conv_monthly", **f.params())
    columns = ["month", "channel", "visitors", "orders", "conversion_rate", "basis"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    selling = set(overview.dimension_values(con, f.dataset)["channel"])
    out = []
    for (month, channel), part in rows.groupby(["month", "channel"]):
        part = part.assign(stated_aov=np.nan, leads=np.nan)
        found = _group(part, channel in selling, "channel")
        out.append(
            {
                "month": month,
                "channel": channel,
                **{k: found[k] for k in ("visitors", "orders", "conversion_rate", "basis")},
            }
        )
    return pd.DataFrame(out, columns=columns)


def pooled_rate(frame: pd.DataFrame) -> float | None:
    """Σ orders ÷ Σ visitors over the channels and sources that have a rate (the advisor's signal, goals)."""
    rated = frame[frame["conversion_rate"].notna()]
    visitors = float(rated["visitors"].sum())
    return float(rated["orders"].sum()) / visitors if visitors > 0 else None
