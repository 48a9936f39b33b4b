"""Customer tables for ``python -m metrics export rfm|customers|cohorts|clv`` and ``fit-clv``.

    python -m metrics export rfm --dataset demo [--start D] [--end D] [--out FILE] [--db PATH]
    python -m metrics export clv --dataset demo [--calibration-end D] [--out FILE]
    python -m metrics fit-clv --dataset demo --calibration-end 2025-06-30 [--db PATH]

``clv`` is as of ``--calibration-end`` (default: ``--end``, i.e. the dataset's last order); the
other tables use the period [start, end] with the as-of date = end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import duckdb
import pandas as pd

from metrics import clv, cohorts, rfm, tiers
from metrics.filters import Filters

CUSTOMER_COLUMNS = [
    "customer_id",
    "acquisition_channel",
    "acquired_on",
    "recency_days",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "segment",
    "abc_tier",
]


def rfm_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """customer_id, recency_days, frequency, monetary, r, f, m, segment (default scheme)."""
    return rfm.rfm(con, f)[rfm.RFM_COLUMNS]


def customers_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per customer with an order in the period: acquisition, RFM and ABC tier."""
    scores = rfm.rfm(con, f)
    abc = tiers.abc_frame(scores[["customer_id", "monetary"]].rename(columns={"monetary": "revenue"}))
    out = scores.merge(cohorts.acquisition(con, f.dataset), on="customer_id", how="left").merge(
        abc[["customer_id", "tier"]].rename(columns={"tier": "abc_tier"}), on="customer_id", how="left"
    )
    return out[CUSTOMER_COLUMNS]


def cohorts_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """cohort, k, cohort_size, active, retention for the cohorts acquired in the period."""
    return cohorts.retention(con, f)


def clv_export(con: duckdb.DuckDBPyConnection, f: Filters, *, calibration_end: dt.date | None = None) -> pd.DataFrame:
    """customer_id, x, t_x, T, zbar (weeks; yuan), p_alive, expected_purchases_12m, clv_12m as of
    ``calibration_end`` (default: the period's end). Raises SystemExit when the data is too thin."""
    result = clv.customer_value(con, f.dataset, as_of=calibration_end or f.end)
    if not result.ok:
        raise SystemExit(f"cannot fit CLV: {result.reason}")
    return result.customers[clv.CLV_COLUMNS]


EXPORTS = {"rfm": rfm_export, "customers": customers_export, "cohorts": cohorts_export, "clv": clv_export}


def add_export_options(export: argparse.ArgumentParser) -> None:
    export.add_argument(
        "--calibration-end",
        type=dt.date.fromisoformat,
        dest="calibration_end",
        help="clv: as-of date of the fit (ISO; default --end)",
    )


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("fit-clv", help="fit BG/NBD and Gamma-Gamma; print the parameters as JSON")
    command.add_argument("--dataset", required=True)
    command.add_argument("--calibration-end", type=dt.date.fromisoformat, required=True, dest="calibration_end")
    command.add_argument("--db", help="warehouse file (default: SALESLENS_DB or data/saleslens.duckdb)")
    return command, run_fit


def run_fit(args: argparse.Namespace) -> int:
    from cli.main import require_dataset
    from data import warehouse

    con = warehouse.connect(args.db)
    try:
        require_dataset(con, args.dataset)
        try:
            params = clv.fit(con, args.dataset, cal_end=args.calibration_end)
        except ValueError as error:
            raise SystemExit(f"cannot fit CLV: {error}") from error
    finally:
        con.close()
    sys.stdout.write(json.dumps(params, indent=2) + "\n")
    return 0
