"""Customer voice tables for ``python -m metrics export nps|conversion|data_health``.

    python -m metrics export nps --dataset demo [--start D] [--end D] [--out FILE] [--db PATH]
    python -m metrics export conversion --dataset demo [--start D] [--end D] [--out FILE]
    python -m metrics export data_health --dataset demo [--out FILE]

``nps``: dimension (total, month, channel, region, segment), value, responses, promoters, passives,
detractors, nps over the period. ``conversion``: channel (or traffic source), visitors, orders,
conversion_rate, then basis (stated: the file's own rate; computed: the dataset's orders ÷ visitors;
none) and level (channel or source). ``data_health``: field, completeness, invalid, duplicates of
the customers file's profile fields (no rows without a customers file; dates are not used).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics import conversion, health, voice
from metrics.filters import Filters


def nps_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return voice.nps_table(con, f)


def conversion_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return conversion.export_frame(con, f)


def data_health_export(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return health.export_frame(health.data_health(con, f.dataset))


EXPORTS = {"nps": nps_export, "conversion": conversion_export, "data_health": data_health_export}
