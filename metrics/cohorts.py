"""Acquisition and cohort retention (METRICS.md): cohort = month of the first order; cell (cohort, k)
= share of the cohort with ≥1 order in month cohort + k.

Acquisition channel = ``customers.acquisition_channel`` when the customers table has it, else the
channel of the customer's first order (on a tie that day: the alphabetically first channel).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pandas as pd

from metrics.db import query
from metrics.filters import Filters

MAX_MONTHS = 120  # month bitmasks in the SQL are 127 bits wide (HUGEINT)


def clip_months(f: Filters) -> Filters:
    """``f`` with its start moved up so the period spans at most MAX_MONTHS calendar months."""
    first = (f.end.year * 12 + f.end.month - 1) - (MAX_MONTHS - 1)
    earliest = dt.date(first // 12, first % 12 + 1, 1)
    return replace(f, start=max(f.start, earliest))


def acquisition(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """customer_id, acquired_on (first order date ever), acquisition_channel — one row per customer."""
    return query(con, "cust_acquisition", dataset=dataset)


def retention(con: duckdb.DuckDBPyConnection, f: Filters, *, acq_channels: tuple[str, ...] = ()) -> pd.DataFrame:
    """Retention cells of the cohorts acquired in the period.

    Columns: cohort (first day of the month), k (months since acquisition, 0..months until the
    period's end), cohort_size, active, retention (active ÷ cohort_size). Orders counted are those
    in the selected channels and regions; ``acq_channels`` (empty = all) slices cohorts by
    acquisition channel. No cohort → empty frame. Periods longer than MAX_MONTHS months keep the
    last MAX_MONTHS.
    """
    frame = query(con, "cust_cohorts", acq_channels=list(acq_channels), **clip_months(f).params())
    frame["k"] = frame["k"].astype("int64")
    frame["retention"] = frame["active"] / frame["cohort_size"]
    return frame


def retention_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells as a cohort × k matrix of retention (NaN where month cohort + k is after the period)."""
    if cells.empty:
        return pd.DataFrame()
    return cells.pivot(index="cohort", columns="k", values="retention").sort_index()


def retention_curve(cells: pd.DataFrame) -> pd.DataFrame:
    """Average retention by months since acquisition over the cohorts that have reached month k,
    weighted by cohort size. Columns: k, cohorts, customers, retention."""
    if cells.empty:
        return pd.DataFrame(columns=["k", "cohorts", "customers", "retention"])
    out = cells.groupby("k", as_index=False).agg(
        cohorts=("cohort", "size"), customers=("cohort_size", "sum"), active=("active", "sum")
    )
    out["retention"] = out["active"] / out["customers"]
    return out.drop(columns="active")
