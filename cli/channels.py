"""Channel tables for ``python -m metrics export channels``."""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics import channels
from metrics.filters import Filters

EXPORT_COLUMNS = [
    "channel",
    "revenue",
    "orders",
    "customers",
    "gross_profit",
    "margin",
    "channel_cost",
    "contribution",
    "share",
    "roi",
    "growth",
]


def channels_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The channel P&L with exactly EXPORT_COLUMNS; undefined values are NaN (empty in the CSV)."""
    return channels.pnl(con, f)[EXPORT_COLUMNS]


EXPORTS = {"channels": channels_export}
