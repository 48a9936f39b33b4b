"""Channel analytics: share, channel P&L, margin waterfall, coverage, concentration, conflict.

Definitions follow METRICS.md. Choices where it is silent (also in README "Metric definitions"):

- Channel costs are monthly. A period gets each month's amount × (days of the month inside the
  period ÷ days in the month), so a 15-day period in a 30-day month carries half that month.
- Channel costs have no region. Under a region filter each month's cost of a channel is prorated
  by the selected regions' share of that channel's net revenue in that month (in its whole history
  when the month has no sales of it). A user limited to some regions gets the same numbers
  (data/scoped.py prorates their costs by the same rule).
- Customer share counts a customer in every channel they bought through; shares are ÷ the sum over
  channels so they add up to 100%.
- Growth (vs the prior period, and year over year) is NaN when the earlier range had no sales for
  that channel or starts before the dataset's first order (the data does not cover it).
- "Declining three periods in a row": revenue fell in each of the last three steps between four
  consecutive periods of the selection's length ending at the selection's end (the same periods as
  "prior period"). Not judged when the data does not reach back four periods.
- Average unit price = Σ revenue ÷ Σ quantity per product and channel (revenue before refunds).

Every ratio with a zero or missing denominator is NaN (shown "—"), never 0 or inf.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import duckdb
import numpy as np
import pandas as pd

from metrics.db import query
from metrics.filters import Filters

MEASURES = ("revenue", "orders", "customers", "gross_profit")
DEFAULT_PRICE_THRESHOLD = 0.15
HHI_UNCONCENTRATED_BELOW = 1500.0
HHI_CONCENTRATED_ABOVE = 2500.0
TOP_SHARE_LIMIT = 0.5
DECLINE_STEPS = 3
BLIND_SPOT_MIN_REGION_SHARE = 0.5  # a channel selling in ≥ half of the regions is expected in all
BLIND_SPOT_CUSTOMER_RATIO = 0.25  # revenue share under 25% of customer share

PNL_COLUMNS = [
    "channel",
    "revenue",
    "cogs",
    "gross_profit",
    "margin",
    "channel_cost",
    "contribution",
    "contribution_rate",
    "roi",
    "prior_revenue",
    "growth",
    "year_ago_revenue",
    "yoy",
    "orders",
    "aov",
    "customers",
    "new_customers",
    "share",
    "share_orders",
    "share_customers",
    "share_gross_profit",
]


@dataclass(frozen=True)
class Availability:
    """What a dataset lets the channel views show."""

    has_cost: bool
    has_customer: bool
    has_province: bool
    has_price: bool
    has_channel_costs: bool
    has_customer_regions: bool
    has_territories: bool
    first_date: dt.date | None
    last_date: dt.date | None


def availability(con: duckdb.DuckDBPyConnection, dataset: str) -> Availability:
    """Flags for cost, customers, provinces, prices, channel costs, customer regions, territories."""
    frame = query(con, "channel_availability", dataset=dataset)
    held = set(frame["flag"])
    flags = {f.name: f.name in held for f in fields(Availability) if f.name.startswith("has_")}
    span = frame[frame["flag"] == "span"].iloc[0]
    dates = {k: (None if pd.isna(span[k]) else pd.Timestamp(span[k]).date()) for k in ("first_date", "last_date")}
    return Availability(**flags, **dates)


def _div(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise ratio; NaN where the denominator is 0 or missing."""
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    return num / den.where(den != 0)


def _covered(first: dt.date | None, since: dt.date) -> bool:
    return first is not None and first <= since


def allocated_costs(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Channel cost per (channel, cost_type) allocated to [start, end] by overlap days.

    Under a region filter each month's amounts are prorated by the selected regions' share of that
    channel's net revenue in that month (channel_costs_alloc.sql). Columns: channel, cost_type,
    amount (currency).
    """
    return query(con, "channel_costs_alloc", **f.params())


def _pnl_params(f: Filters) -> dict[str, object]:
    year_ago = f.year_ago
    return {**f.params(), "ya_start": year_ago.start, "ya_end": year_ago.end}


def pnl(con: duckdb.DuckDBPyConnection, f: Filters, *, new_customers: bool = True) -> pd.DataFrame:
    """The channel P&L for the selection, one row per channel, largest revenue first.

    Columns (money in currency, ratios as fractions): ``PNL_COLUMNS`` plus ``cost_<type>`` per
    channel cost type (placed after ``margin``). Channels with channel cost but no sales appear
    with revenue 0. Without any cost, cogs/gross_profit/margin are NaN; without channel cost rows
    for the dataset, channel_cost/contribution/roi are NaN; without customer ids, customers and
    new_customers are NaN. growth and yoy are NaN when undefined (see module docstring).
    ``new_customers=False`` skips that column's query (NaN) for callers that do not show it.
    """
    return _pnl(con, f, availability(con, f.dataset), new_customers=new_customers)


def _pnl(con: duckdb.DuckDBPyConnection, f: Filters, avail: Availability, *, new_customers: bool) -> pd.DataFrame:
    base = query(con, "channel_pnl", **_pnl_params(f))
    new = (
        query(con, "channel_new_customers", **f.params())
        if new_customers
        else pd.DataFrame({"channel": pd.Series(dtype=object), "new_customers": pd.Series(dtype=float)})
    )
    costs = (
        allocated_costs(con, f) if avail.has_channel_costs else pd.DataFrame(columns=["channel", "cost_type", "amount"])
    )
    by_type = costs.pivot_table(index="channel", columns="cost_type", values="amount", aggfunc="sum", fill_value=0.0)
    by_type.columns = [f"cost_{c}" for c in by_type.columns]
    channels = list(dict.fromkeys([*base["channel"], *by_type.index]))
    frame = base.set_index("channel").reindex(channels)
    for col in ("revenue", "orders", "prior_revenue", "year_ago_revenue"):
        frame[col] = frame[col].fillna(0)
    frame["customers"] = frame["customers"].fillna(0)
    frame = frame.join(new.set_index("channel")).join(by_type)
    if new_customers:
        frame["new_customers"] = frame["new_customers"].fillna(0)
    cost_cols = list(by_type.columns)
    frame[cost_cols] = frame[cost_cols].fillna(0.0)
    frame["margin"] = _div(frame["gross_profit"], frame["revenue_with_cost"])
    if avail.has_channel_costs:
        frame["channel_cost"] = frame[cost_cols].sum(axis=1) if cost_cols else 0.0
        # Contribution needs a gross profit: with no cost of goods it stays undefined.
        frame["contribution"] = frame["gross_profit"] - frame["channel_cost"]
    else:
        frame["channel_cost"] = np.nan
        frame["contribution"] = np.nan
    frame["contribution_rate"] = _div(frame["contribution"], frame["revenue_with_cost"])
    frame["roi"] = _div(frame["contribution"], frame["channel_cost"])
    prior_ok = _covered(avail.first_date, f.prior.start)
    yoy_ok = _covered(avail.first_date, f.year_ago.start)
    frame["growth"] = _div(frame["revenue"] - frame["prior_revenue"], frame["prior_revenue"]) if prior_ok else np.nan
    frame["yoy"] = _div(frame["revenue"] - frame["year_ago_revenue"], frame["year_ago_revenue"]) if yoy_ok else np.nan
    frame["aov"] = _div(frame["revenue"], frame["orders"])
    if not avail.has_customer:
        frame["customers"] = np.nan
        frame["new_customers"] = np.nan
    for measure, col in (
        ("revenue", "share"),
        ("orders", "share_orders"),
        ("customers", "share_customers"),
        ("gross_profit", "share_gross_profit"),
    ):
        frame[col] = _div(frame[measure], pd.Series(frame[measure].sum(min_count=1), index=frame.index))
    out = frame.reset_index().rename(columns={"index": "channel"})
    # Rows only in the prior or year-ago range (no sales now, no cost now) are not channels of this P&L.
    out = out[(out["revenue"] != 0) | (out["orders"] > 0) | out["channel"].isin(by_type.index)]
    columns = PNL_COLUMNS[:5] + cost_cols + PNL_COLUMNS[5:]
    for col in ("orders",):
        out[col] = out[col].astype("int64")
    return out[columns].sort_values(["revenue", "channel"], ascending=[False, True], ignore_index=True)


def share(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Revenue, orders, customers and gross profit per channel with each one's share of the total.

    Columns: channel, revenue, orders, customers, gross_profit, share_revenue, share_orders,
    share_customers, share_gross_profit. A share of a zero or undefined total is NaN.
    """
    frame = pnl(con, f)
    return frame[["channel", *MEASURES]].assign(
        share_revenue=frame["share"],
        share_orders=frame["share_orders"],
        share_customers=frame["share_customers"],
        share_gross_profit=frame["share_gross_profit"],
    )


def share_trend(con: duckdb.DuckDBPyConnection, f: Filters, *, measure: str = "revenue") -> pd.DataFrame:
    """Each channel's monthly share of ``measure`` (one of MEASURES).

    Columns: month, channel, value, share. Months are calendar months clipped to the selection.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    # The distinct customer count is most of the cost: only run it when that measure is shown.
    frame = query(con, "channel_monthly_customers" if measure == "customers" else "channel_monthly", **f.params())
    frame = frame[["month", "channel", measure]].rename(columns={measure: "value"})
    totals = frame.groupby("month")["value"].transform(lambda s: s.sum(min_count=1))
    frame["share"] = _div(frame["value"], totals)
    return frame.reset_index(drop=True)


def waterfall(table: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Margin waterfall of one P&L row: revenue → −COGS → −each channel cost type → contribution.

    ``table`` is :func:`pnl`'s result. Columns: step, kind ('total' | 'relative'), amount.
    Steps that are undefined (no cost of goods, no channel costs) are left out; the final step is
    contribution when channel costs exist, else gross profit. Empty when the channel is absent.
    """
    rows = table[table["channel"] == channel]
    if rows.empty:
        return pd.DataFrame(columns=["step", "kind", "amount"])
    row = rows.iloc[0]
    steps: list[tuple[str, str, float]] = [("revenue", "total", float(row["revenue"]))]
    if pd.isna(row["cogs"]):
        return pd.DataFrame(steps, columns=["step", "kind", "amount"])
    steps.append(("cogs", "relative", -float(row["cogs"])))
    cost_cols = [c for c in table.columns if c.startswith("cost_")]
    if pd.isna(row["contribution"]):
        steps.append(("gross_profit", "total", float(row["gross_profit"])))
    else:
        # A cost type this channel does not pay (0) would be an empty bar: leave it out.
        steps += [(c, "relative", -float(row[c])) for c in cost_cols if row[c] != 0]
        steps.append(("contribution", "total", float(row["contribution"])))
    return pd.DataFrame(steps, columns=["step", "kind", "amount"])


def where_to_grow(table: pd.DataFrame) -> pd.DataFrame:
    """Bubble data from :func:`pnl`: growth (x) vs contribution margin rate (y), sized by revenue.

    Falls back to gross margin for y when channel costs are missing (column ``y_measure`` says
    which). Channels with undefined growth or y are left out. Columns: channel, growth, rate,
    revenue, y_measure.
    """
    use = "contribution_rate" if table["contribution_rate"].notna().any() else "margin"
    out = table[["channel", "growth", use, "revenue"]].rename(columns={use: "rate"}).dropna(subset=["growth", "rate"])
    return out[out["revenue"] > 0].assign(y_measure=use).reset_index(drop=True)


def coverage(con: duckdb.DuckDBPyConnection, f: Filters, *, customers: bool = True) -> pd.DataFrame:
    """Channel × region revenue matrix in long form with shares.

    Columns: channel, region, revenue, customers, share_of_region (cell ÷ region total),
    share_of_channel (cell ÷ channel total), share_of_total. Cells with no sales are absent.
    ``customers=False`` skips the distinct customer count (customers NaN) for callers that do not
    show it: it is most of the query's cost.
    """
    if customers:
        frame = query(con, "channel_region", **f.params())
    else:
        frame = query(con, "channel_region_revenue", **f.params()).assign(customers=np.nan)
    frame["share_of_region"] = _div(frame["revenue"], frame.groupby("region")["revenue"].transform("sum"))
    frame["share_of_channel"] = _div(frame["revenue"], frame.groupby("channel")["revenue"].transform("sum"))
    frame["share_of_total"] = _div(frame["revenue"], pd.Series(frame["revenue"].sum(), index=frame.index))
    return frame


def customer_regions(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """Customers per region from the customers table (the customer-share proxy of
    :func:`blind_spots`), every region: it depends on the dataset only, not on the selection.
    Columns: region, customers. Empty when the dataset has no customer regions.
    """
    return query(con, "channel_customer_regions", dataset=dataset)


def blind_spots(cells: pd.DataFrame, people: pd.DataFrame, regions: tuple[str, ...] = ()) -> pd.DataFrame:
    """Coverage blind spots (覆盖盲区) with the numbers behind each.

    ``cells`` is :func:`coverage`'s matrix (channel, region, revenue) for the selection, ``people``
    :func:`customer_regions`' counts and ``regions`` the selection's region filter (empty: all),
    so the page computes neither twice nor the customer counts on every filter change.
    Rule ``channel_gap``: a channel selling in ≥ half of the regions with sales in the selection has
    no sales in region R (``regions_sold``/``regions_total`` give the counts). Rule
    ``customer_share``: only when ``people`` is not empty (the customers table has regions) — region
    R's revenue share is under 25% of its customer share (``revenue_share``/``customer_share``;
    channel is None). Columns: rule, channel, region, regions_sold, regions_total, revenue_share,
    customer_share.
    """
    cols = ["rule", "channel", "region", "regions_sold", "regions_total", "revenue_share", "customer_share"]
    cells = cells[cells["revenue"] > 0]
    rows: list[dict] = []
    regions = sorted(cells["region"].unique())
    for channel, part in cells.groupby("channel"):
        sold = set(part["region"])
        if len(sold) >= BLIND_SPOT_MIN_REGION_SHARE * len(regions):
            rows += [
                {
                    "rule": "channel_gap",
                    "channel": channel,
                    "region": r,
                    "regions_sold": len(sold),
                    "regions_total": len(regions),
                }
                for r in regions
                if r not in sold
            ]
    if regions:
        people = people[people["region"].isin(regions)]
    if not people.empty:
        revenue = cells.groupby("region")["revenue"].sum()
        revenue_share = revenue / revenue.sum() if revenue.sum() else revenue * np.nan
        customer_share = people.set_index("region")["customers"] / people["customers"].sum()
        for region, c_share in customer_share.items():
            r_share = float(revenue_share.get(region, 0.0))
            if r_share < BLIND_SPOT_CUSTOMER_RATIO * c_share:
                rows.append(
                    {
                        "rule": "customer_share",
                        "channel": None,
                        "region": region,
                        "revenue_share": r_share,
                        "customer_share": float(c_share),
                    }
                )
    return pd.DataFrame(rows, columns=cols)


def provinces(con: duckdb.DuckDBPyConnection, f: Filters, *, region: str) -> pd.DataFrame:
    """Drill-down of one region: revenue per (channel, province) with share of the region.

    Columns: channel, province, revenue, share_of_region.
    """
    frame = query(con, "channel_province", region=region, **f.params())
    frame["share_of_region"] = _div(frame["revenue"], pd.Series(frame["revenue"].sum(), index=frame.index))
    return frame


@dataclass(frozen=True)
class Concentration:
    """HHI of revenue shares (0..10,000) with its band, the top channel, and risk flags.

    ``flags`` columns: flag ('top_share' | 'negative_contribution' | 'declining'), channel, value
    (the share, the contribution, or the latest revenue change), detail (numbers for the text).
    """

    hhi: float | None
    band: str | None
    top_channel: str | None
    top_share: float | None
    declining_judged: bool
    flags: pd.DataFrame


def hhi_band(hhi: float | None) -> str | None:
    """'unconcentrated' (< 1,500), 'moderate' (1,500–2,500) or 'concentrated' (> 2,500)."""
    if hhi is None or pd.isna(hhi):
        return None
    if hhi < HHI_UNCONCENTRATED_BELOW:
        return "unconcentrated"
    return "moderate" if hhi <= HHI_CONCENTRATED_ABOVE else "concentrated"


def declining(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame | None:
    """Channels whose revenue fell in each of the last three steps between four consecutive periods
    of the selection's length ending at ``f.end``; None when not judged (the data starts after the
    first of those periods).

    Columns: flag ('declining'), channel, value (the latest revenue change), detail (the four
    period revenues, oldest first). The input of :func:`concentration`.
    """
    periods = DECLINE_STEPS + 1
    if not _covered(availability(con, f.dataset).first_date, f.end - dt.timedelta(days=f.days * periods - 1)):
        return None
    series = query(con, "channel_periods", days=f.days, periods=periods, **f.params())
    wide = series.pivot_table(index="channel", columns="k", values="revenue", aggfunc="sum")
    wide = wide.reindex(columns=range(periods)).fillna(0.0)
    flags: list[dict] = []
    for channel, values in wide.iterrows():
        newest_first = values.to_numpy()
        if all(newest_first[i] < newest_first[i + 1] for i in range(DECLINE_STEPS)):
            flags.append(
                {
                    "flag": "declining",
                    "channel": channel,
                    "value": float(newest_first[0] - newest_first[1]),
                    "detail": [float(v) for v in newest_first[::-1]],
                }
            )
    return pd.DataFrame(flags, columns=["flag", "channel", "value", "detail"])


def concentration(table: pd.DataFrame, declines: pd.DataFrame | None) -> Concentration:
    """HHI, band, top-channel dependence and risk flags from a P&L and its declines.

    ``table`` is :func:`pnl`'s result and ``declines`` :func:`declining`'s for the same selection
    (None: not judged), so the page does not compute the P&L twice. Flags: a channel above 50% of
    revenue; a channel with negative contribution (needs cost and channel cost); then the declines.
    """
    shares = table["share"].dropna()
    shares = shares[shares > 0]
    hhi = float(((shares * 100) ** 2).sum()) if not shares.empty else None
    top = table.loc[table["share"].idxmax()] if table["share"].notna().any() else None
    flags: list[dict] = []
    for _, row in table[table["share"] > TOP_SHARE_LIMIT].iterrows():
        flags.append({"flag": "top_share", "channel": row["channel"], "value": float(row["share"]), "detail": None})
    for _, row in table[table["contribution"] < 0].iterrows():
        flags.append(
            {
                "flag": "negative_contribution",
                "channel": row["channel"],
                "value": float(row["contribution"]),
                "detail": float(row["contribution_rate"]) if pd.notna(row["contribution_rate"]) else None,
            }
        )
    if declines is not None:
        flags += declines.to_dict("records")
    return Concentration(
        hhi=hhi,
        band=hhi_band(hhi),
        top_channel=None if top is None else top["channel"],
        top_share=None if top is None else float(top["share"]),
        declining_judged=declines is not None,
        flags=pd.DataFrame(flags, columns=["flag", "channel", "value", "detail"]),
    )


@dataclass(frozen=True)
class MultichannelSummary:
    """Customers who bought through ≥2 channels in the period, their count and revenue, and shares."""

    customers: int
    revenue: float
    customer_share: float | None
    revenue_share: float | None


@dataclass(frozen=True)
class Overlap:
    """Channel conflict (a): the customer overlap matrix and the multichannel summary.

    ``matrix`` in long form: channel_a, channel_b, customers, revenue. Off the diagonal: customers
    who bought through both channels in the period and their revenue through the two; on it: the
    channel's customers and revenue from them. ``summary``: how many identified customers bought
    through ≥2 channels, and their revenue (with shares of all identified customers and their revenue).
    """

    matrix: pd.DataFrame
    summary: MultichannelSummary


def overlap(con: duckdb.DuckDBPyConnection, f: Filters) -> Overlap:
    """Customer overlap and multichannel customers, from one pass over the lines (both start from
    each customer's revenue per channel). Empty matrix and zero counts without customer ids."""
    frame = query(con, "channel_overlap", **f.params())
    pairs = frame[frame["part"] == "pair"]
    matrix = pairs[["channel_a", "channel_b", "customers", "revenue"]].reset_index(drop=True)
    counts = frame[frame["part"] == "channels"]
    multi = counts[counts["n_channels"] >= 2]
    customers, revenue = int(multi["customers"].sum()), float(multi["revenue"].sum())
    all_customers, all_revenue = int(counts["customers"].sum()), float(counts["revenue"].sum())
    summary = MultichannelSummary(
        customers,
        revenue,
        customers / all_customers if all_customers else None,
        revenue / all_revenue if all_revenue else None,
    )
    return Overlap(matrix, summary)


def price_conflicts(
    con: duckdb.DuckDBPyConnection, f: Filters, *, threshold: float = DEFAULT_PRICE_THRESHOLD
) -> pd.DataFrame:
    """Products whose average unit price differs across channels by more than ``threshold`` of the lower.

    gap = (highest channel price − lowest) ÷ lowest. Columns: product, low_channel, low_price,
    high_channel, high_price, gap, channels (how many sell it), revenue. Largest gap first.
    """
    cols = ["product", "low_channel", "low_price", "high_channel", "high_price", "gap", "channels", "revenue"]
    prices = query(con, "channel_prices", **f.params())
    prices = prices[prices["avg_price"] > 0]
    if prices.empty:
        return pd.DataFrame(columns=cols)
    ordered = prices.sort_values(["product", "avg_price", "channel"])
    grouped = ordered.groupby("product", sort=False)
    low, high = grouped.head(1).set_index("product"), grouped.tail(1).set_index("product")
    out = pd.DataFrame(
        {
            "low_channel": low["channel"],
            "low_price": low["avg_price"],
            "high_channel": high["channel"],
            "high_price": high["avg_price"],
            "channels": grouped["channel"].nunique(),
            "revenue": grouped["revenue"].sum(),
        }
    )
    out["gap"] = (out["high_price"] - out["low_price"]) / out["low_price"]
    out = out[(out["channels"] >= 2) & (out["gap"] > threshold)].reset_index()
    return out[cols].sort_values(["gap", "product"], ascending=[False, True], ignore_index=True)


def out_of_territory(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame | None:
    """Sales outside each channel's assigned regions; None when the dataset has no territory table rows.

    Columns: channel, region, revenue, orders.
    """
    if not availability(con, f.dataset).has_territories:
        return None
    return query(con, "channel_out_of_territory", **f.params())
