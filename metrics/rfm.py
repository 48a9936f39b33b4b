"""RFM scores and segments (METRICS.md), segment sizes, segment × acquisition channel, migration.

The segment map is data (``metrics/rfm_schemes.toml``): a scheme assigns each of the 25 R×F cells
to one segment, so a user can switch schemes without touching code. Scores are computed in SQL
(``cust_rfm.sql``): R, F and M alike by quintile edges of the values over the customers, ties
sharing a score (so when more than a fifth bought once, F1 is exactly them); segments are looked up
here.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data import registry
from metrics.db import query
from metrics.filters import Filters

SCHEMES_FILE = Path(__file__).resolve().parent / "rfm_schemes.toml"
DEFAULT_SCHEME = "default"
NO_ORDERS = "no_orders"  # migration: a customer with no order in that period
RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]


@functools.cache
def schemes() -> dict[str, tuple[str, ...]]:
    """Scheme name → its 25 segment names, cell (r, f) at index (r − 1)·5 + f − 1 (from the TOML file)."""
    with SCHEMES_FILE.open("rb") as handle:
        return parse_schemes(tomllib.load(handle))


def parse_schemes(raw: dict[str, list[dict]]) -> dict[str, tuple[str, ...]]:
    """Check and expand scheme tables ``{name: [{segment, r: [lo, hi], f: [lo, hi]}, ...]}``.

    Raises ValueError when a scheme leaves a cell uncovered or covers one twice.
    """
    result = {}
    for name, rows in raw.items():
        cells: list[str | None] = [None] * 25
        for row in rows:
            for r in range(row["r"][0], row["r"][1] + 1):
                for f in range(row["f"][0], row["f"][1] + 1):
                    if not (1 <= r <= 5 and 1 <= f <= 5):
                        raise ValueError(f"scheme {name}: R{r} F{f} is outside 1..5")
                    index = (r - 1) * 5 + f - 1
                    if cells[index] is not None:
                        raise ValueError(f"scheme {name}: cell R{r} F{f} is mapped twice")
                    cells[index] = row["segment"]
        missing = [f"R{i // 5 + 1} F{i % 5 + 1}" for i, cell in enumerate(cells) if cell is None]
        if missing:
            raise ValueError(f"scheme {name}: cells {missing} have no segment")
        result[name] = tuple(cells)  # type: ignore[arg-type]
    return result


def segment_order(scheme: str = DEFAULT_SCHEME) -> list[str]:
    """The scheme's segments from best (high R, high F) to worst, each once."""
    cells = schemes()[scheme]
    ordered = sorted(range(25), key=lambda i: (-(i // 5), -(i % 5)))
    return list(dict.fromkeys(cells[i] for i in ordered))


def split_orders(con: duckdb.DuckDBPyConnection, dataset: str) -> int:
    """Orders of ``dataset`` with several order_first lines (registry; 1 when unknown).

    Counting order_first lines gives distinct orders only when this is 0, so the customer queries
    bind it and count distinct order ids only otherwise (cust_rfm.sql, cust_kpis.sql).
    """
    ds = registry.get_dataset(con, dataset)
    return ds.split_orders if ds is not None else 1


def rfm(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    scheme: str = DEFAULT_SCHEME,
    acquisition: bool = False,
    keys: bool = False,
) -> pd.DataFrame:
    """RFM per customer with ≥1 order in the period, as of ``f.end``.

    Columns: customer_id, recency_days (days since the last order), frequency (distinct orders),
    monetary (revenue − refund, yuan), r, f, m (1..5), segment; with ``acquisition`` also the
    customer's acquisition_channel (as :func:`metrics.cohorts.acquisition`), which
    :func:`segment_channels` needs: the query already holds each customer's first order, so this is
    cheaper than joining 1M+ customer ids in pandas; with ``keys`` also the integer customer_key
    (migration 006), which :func:`migration` and :func:`metrics.customers.churn_by_dimension` join
    on. Empty period → empty frame.
    """
    frame = _scored(con, f, scheme=scheme, ids=True, acquisition=acquisition)
    return frame[[*RFM_COLUMNS, *(["acquisition_channel"] if acquisition else []), *(["customer_key"] if keys else [])]]


def key_segments(con: duckdb.DuckDBPyConnection, f: Filters, *, scheme: str = DEFAULT_SCHEME) -> pd.DataFrame:
    """Each customer's segment in the period, by integer key: customer_key, segment — the
    :func:`rfm` scoring without fetching customer ids, for the side of :func:`migration` and
    :func:`metrics.customers.churn_by_dimension` that only needs segments (the prior period)."""
    return _scored(con, f, scheme=scheme, ids=False, acquisition=False)[["customer_key", "segment"]]


def _scored(con: duckdb.DuckDBPyConnection, f: Filters, *, scheme: str, ids: bool, acquisition: bool) -> pd.DataFrame:
    frame = query(
        con, "cust_rfm", split_orders=split_orders(con, f.dataset), ids=ids, acquisition=acquisition, **f.params()
    ).astype({"r": "int64", "f": "int64", "m": "int64"})
    # the scheme's 25 cells, row-major by R then F; indexing an object array reuses its 25 strings
    cells = np.array(schemes()[scheme], dtype=object)
    frame["segment"] = cells[(frame["r"].to_numpy() - 1) * 5 + frame["f"].to_numpy() - 1]
    return frame


def segments(frame: pd.DataFrame, *, scheme: str = DEFAULT_SCHEME) -> pd.DataFrame:
    """Size and revenue of each segment of an :func:`rfm` frame (scored with ``scheme``): segment,
    customers, share, revenue, revenue_share, recency_days, frequency, monetary (means). Every
    segment of the scheme appears, best first; shares are NaN when the period has no customers."""
    grouped = frame.groupby("segment").agg(
        customers=("customer_id", "size"),
        revenue=("monetary", "sum"),
        recency_days=("recency_days", "mean"),
        frequency=("frequency", "mean"),
        monetary=("monetary", "mean"),
    )
    out = grouped.reindex(segment_order(scheme)).rename_axis("segment").reset_index()
    out[["customers", "revenue"]] = out[["customers", "revenue"]].fillna(0)
    out["customers"] = out["customers"].astype("int64")
    total_customers, total_revenue = out["customers"].sum(), out["revenue"].sum()
    out["share"] = out["customers"] / total_customers if total_customers else float("nan")
    out["revenue_share"] = out["revenue"] / total_revenue if total_revenue else float("nan")
    return out[["segment", "customers", "share", "revenue", "revenue_share", "recency_days", "frequency", "monetary"]]


def members(frame: pd.DataFrame, *, segment: str) -> pd.DataFrame:
    """The RFM rows (RFM_COLUMNS) of one segment's customers of an :func:`rfm` frame (for a campaign
    download), highest revenue first."""
    chosen = frame.loc[frame["segment"] == segment, RFM_COLUMNS]
    return chosen.sort_values(["monetary", "customer_id"], ascending=[False, True])


def segment_channels(frame: pd.DataFrame, *, scheme: str = DEFAULT_SCHEME) -> pd.DataFrame:
    """Segment × acquisition channel of an :func:`rfm` frame scored with ``scheme`` and
    ``acquisition=True``: segment, acquisition_channel, customers, revenue, share_of_segment.
    Customers without an acquisition channel are left out."""
    out = frame.groupby(["segment", "acquisition_channel"], as_index=False).agg(
        customers=("customer_id", "size"), revenue=("monetary", "sum")
    )
    out["share_of_segment"] = out["customers"] / out.groupby("segment")["customers"].transform("sum")
    order = {name: i for i, name in enumerate(segment_order(scheme))}
    return out.sort_values(
        ["segment", "customers"], key=lambda s: s.map(order) if s.name == "segment" else -s, ignore_index=True
    )


def migration(now: pd.DataFrame, before: pd.DataFrame, *, scheme: str = DEFAULT_SCHEME) -> pd.DataFrame:
    """Who moved where between the prior period's segments (``before``: :func:`key_segments` of
    ``f.prior``) and this period's (``now``: :func:`rfm` of ``f`` with ``keys=True``, or
    :func:`key_segments`), both scored with ``scheme``; customers are matched by customer_key, one
    per customer id of the dataset.

    Columns: from_segment, to_segment, customers. ``no_orders`` on either side means the customer
    bought in one period only. Only non-empty moves are listed; order follows the scheme.
    """
    names = [*segment_order(scheme), NO_ORDERS]
    # keys are dense integers (migration 006): one slot per key instead of a hash join of two frames
    slots = (
        int(max(now["customer_key"].max() if len(now) else 0, before["customer_key"].max() if len(before) else 0)) + 1
    )
    none = len(names) - 1
    codes = {}
    for side, frame in (("from", before), ("to", now)):
        code = np.full(slots, none, dtype="int64")
        code[frame["customer_key"].to_numpy()] = pd.Categorical(frame["segment"], categories=names).codes
        codes[side] = code
    seen = np.zeros(slots, dtype=bool)
    seen[before["customer_key"].to_numpy()] = True
    seen[now["customer_key"].to_numpy()] = True
    counts = np.bincount(codes["from"][seen] * len(names) + codes["to"][seen], minlength=len(names) ** 2)
    moves = np.flatnonzero(counts)  # ascending = by from, then to, in the scheme's order
    return pd.DataFrame(
        {
            "from_segment": pd.Series([names[i // len(names)] for i in moves], dtype="str"),
            "to_segment": pd.Series([names[i % len(names)] for i in moves], dtype="str"),
            "customers": counts[moves].astype("int64"),
        }
    )


def segment_history(
    con: duckdb.DuckDBPyConnection, f: Filters, *, customer_id: str, periods: int = 4, scheme: str = DEFAULT_SCHEME
) -> pd.DataFrame:
    """One customer's segment in this period and the ``periods − 1`` earlier periods of equal length.

    Columns: start, end, segment (``no_orders`` when the customer did not buy in that period), r, f, m.
    """
    rows, current = [], f
    for _ in range(periods):
        frame = rfm(con, current, scheme=scheme)
        hit = frame[frame["customer_id"] == customer_id]
        if hit.empty:
            rows.append(
                {"start": current.start, "end": current.end, "segment": NO_ORDERS, "r": None, "f": None, "m": None}
            )
        else:
            row = hit.iloc[0]
            rows.append(
                {
                    "start": current.start,
                    "end": current.end,
                    "segment": row["segment"],
                    "r": int(row["r"]),
                    "f": int(row["f"]),
                    "m": int(row["m"]),
                }
            )
        current = current.prior
    return pd.DataFrame(rows)


def grid(frame: pd.DataFrame) -> pd.DataFrame:
    """Customers per R × F cell of an :func:`rfm` frame: r, f, customers, segment (all 25 cells)."""
    counts = frame.groupby(["r", "f"]).size()
    cells = pd.MultiIndex.from_product([range(1, 6), range(1, 6)], names=["r", "f"])
    out = counts.reindex(cells, fill_value=0).rename("customers").reset_index()
    return out


@dataclass(frozen=True)
class SegmentView:
    """The Customers page's segment tables for one period and scheme, computed together once.

    ``scores`` is :func:`rfm` with the acquisition channel and customer_key; the rest derive from
    it (and the prior period's :func:`key_segments` for ``moves``). One cached object, so a widget
    change on the page reruns none of these group-bys over every customer.
    """

    scores: pd.DataFrame
    sizes: pd.DataFrame
    cells: pd.DataFrame
    by_channel: pd.DataFrame
    moves: pd.DataFrame


def segment_view(con: duckdb.DuckDBPyConnection, f: Filters, *, scheme: str = DEFAULT_SCHEME) -> SegmentView:
    """:class:`SegmentView` of the period ``f`` scored with ``scheme``."""
    scores = rfm(con, f, scheme=scheme, acquisition=True, keys=True)
    return SegmentView(
        scores=scores,
        sizes=segments(scores, scheme=scheme),
        cells=grid(scores),
        by_channel=segment_channels(scores, scheme=scheme),
        moves=migration(scores, key_segments(con, f.prior, scheme=scheme), scheme=scheme),
    )
