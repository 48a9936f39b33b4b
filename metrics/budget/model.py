"""The budget model of one dataset: its levers, where each curve comes from, and the economics.

Units: a lever's ``current`` spend and every allocation are *annual* yuan; curves are annual
(:mod:`metrics.budget.curves`), an annual plan being spread evenly over the year.

How the curves are found (METRICS.md "Budget what-if"; choices where it is silent are in the README):

- **Channels.** A channel with marketing spend is a lever acting on its own net sales (after
  refunds). Spend that names no sales channel (a medium such as "tv") acts, with the other media,
  on the sales of the channels that have no spend of their own; several levers on one series are
  fitted together. The response model (:mod:`metrics.budget.mmm`) is fitted per week when each
  lever of the series has at least 52 weeks of weekly spend (``weekly_spend`` files), else per month
  (channel costs of type marketing, or weekly spend summed) from ``MIN_MONTHS_FIT`` months on; thinner
  histories give the assumed curve. Lift tests (``experiments``) on a lever calibrate its fit.
- **CRM programmes.** With holdouts (``crm_contacts``) in at least ``holdout.MIN_CAMPAIGNS``
  campaigns, the curve is the uplift in the 180-day repurchase rate against the month's spend
  (``holdout``), times the contacts a year: customers retained per year. Otherwise the monthly lapse
  rate is fitted against spend (``fitted``), times the active base; without a usable fit, assumed.
- **Economics** over the window (the 12 calendar months ending with the last order's month):
  a channel's incremental revenue is worth its *variable contribution margin* ((gross profit −
  commission − rebate) ÷ revenue; revenue itself when cost is unknown); a retained customer is
  worth the 12-month gross profit per customer of the programme's reach (of all customers with an
  order in the window for programmes without holdouts).

``budget_model`` fits once per dataset version in a process: later calls (the advisor, the report,
another page, a second thread while the first still fits) get the same model.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from data import access
from metrics.budget import curves, holdout, mmm
from metrics.budget.curves import Curve
from metrics.db import query

CHURN_WINDOW_DAYS = 180
KINDS = ("channel", "crm")
MIN_MONTHS_FIT = 24  # a monthly fit estimates 10 baseline terms besides the curve
UNATTRIBUTED = "*"  # the series of the sales no channel lever claims
Progress = Callable[[float], None]


def lever_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


@dataclass(frozen=True, eq=False)
class Lever:
    """One thing money can go to. ``current`` = last 12 months' spend (yuan).

    ``value``: gross profit per unit of the curve's response (a channel's variable margin per yuan of
    incremental revenue; a programme's 12-month gross profit per retained customer). Channel
    economics over the window: ``margin`` (NaN when unknown), ``gross_margin``, ``new_per_revenue``,
    ``revenue``, ``new_customers``, ``gross_profit``; CRM levers leave them NaN. ``series`` is the
    revenue a channel lever acts on (its own name, or ``UNATTRIBUTED``).
    """

    id: str
    kind: str
    name: str
    current: float
    curve: Curve
    value: float = 1.0
    margin: float = float("nan")
    gross_margin: float = float("nan")
    new_per_revenue: float = float("nan")
    revenue: float = float("nan")
    new_customers: float = float("nan")
    gross_profit: float = float("nan")
    series: str | None = None


@dataclass(frozen=True, eq=False)
class BudgetModel:
    """Everything a projection or the optimizer needs, for one dataset.

    Window totals (all channels, with or without levers): ``revenue``, ``gross_profit`` (NaN without
    cost), ``new_customers``. Customers: ``active_at_start`` and ``base_customers`` (active at the
    window's start and end, 180-day window), ``churn_observed`` over the window.
    """

    dataset: str
    start: dt.date | None
    end: dt.date | None
    levers: tuple[Lever, ...]
    base_customers: float
    active_at_start: float
    churn_observed: float
    gp_per_customer: float
    value_basis: str  # gross_profit | revenue
    has_channel_spend: bool
    has_crm_spend: bool
    has_customers: bool
    revenue: float = 0.0
    gross_profit: float = float("nan")
    new_customers: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ids(self) -> list[str]:
        return [lever.id for lever in self.levers]

    def lever(self, lever: str) -> Lever:
        """A lever by id ("channel:经销商") or, when unambiguous, by bare name ("经销商")."""
        for item in self.levers:
            if item.id == lever:
                return item
        named = [item for item in self.levers if item.name == lever]
        if len(named) == 1:
            return named[0]
        raise KeyError(lever)

    def current_allocation(self) -> np.ndarray:
        return np.array([lever.current for lever in self.levers], dtype=float)

    @property
    def sources(self) -> dict[str, str]:
        return {lever.id: lever.curve.source for lever in self.levers}


def _ratio(numerator: float, denominator: float) -> float:
    if denominator is None or pd.isna(denominator) or denominator == 0 or numerator is None or pd.isna(numerator):
        return float("nan")
    return float(numerator) / float(denominator)


def _window(last: dt.date) -> tuple[dt.date, dt.date]:
    month = last.year * 12 + last.month - 1 - 11
    return dt.date(month // 12, month % 12 + 1, 1), last


def _dataset_row(con: duckdb.DuckDBPyConnection, dataset: str) -> tuple | None:
    rows = (
        con.cursor()
        .execute("SELECT first_date, last_date, version, loaded_at FROM datasets WHERE name = $n", {"n": dataset})
        .fetchall()
    )
    return rows[0] if rows else None


# --- one fit per dataset version ------------------------------------------------------------------

_MEMO: OrderedDict[tuple, BudgetModel] = OrderedDict()
_RUNNING: dict[tuple, threading.Event] = {}
_LOCK = threading.Lock()
MEMO_SIZE = 8


def _memo_key(con: duckdb.DuckDBPyConnection, dataset: str, row: tuple) -> tuple:
    files = (
        con.cursor().execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    )
    where = files[0][0] if files and files[0][0] else f"memory:{id(con)}"
    # a user limited to some regions or channels gets a fit of their rows (metrics.db), kept apart
    return (where, dataset, row[2], row[3], access.current().scope.rows_key)


def budget_model(con: duckdb.DuckDBPyConnection, dataset: str, *, progress: Progress | None = None) -> BudgetModel:
    """Fit every lever of ``dataset`` and gather the economics (module docstring for the rules).

    Channels with sales but no marketing spend become levers with no curve (``source="none"``), so a
    manager can still plan them with manual curves. An empty dataset gives no levers. ``progress`` is
    called with the share done (0..1). The result is kept per dataset version (module docstring).
    """
    report = progress or (lambda share: None)
    row = _dataset_row(con, dataset)
    if row is None or row[1] is None:
        report(1.0)
        return BudgetModel(
            dataset, None, None, (), 0.0, 0.0, float("nan"), float("nan"), "revenue", False, False, False
        )
    key = _memo_key(con, dataset, row)
    while True:
        with _LOCK:
            if key in _MEMO:
                _MEMO.move_to_end(key)
                report(1.0)
                return _MEMO[key]
            waiting = _RUNNING.get(key)
            if waiting is None:
                _RUNNING[key] = threading.Event()
                break
        waiting.wait()  # another thread fits this version: take its result
    try:
        model = _build(con, dataset, row[0], row[1], report)
        with _LOCK:
            _MEMO[key] = model
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
    finally:
        with _LOCK:
            _RUNNING.pop(key).set()
    report(1.0)
    return model


def remember(con: duckdb.DuckDBPyConnection, dataset: str, model: BudgetModel) -> None:
    """Keep ``model``, fitted elsewhere for this version of ``dataset`` (a background fit, or its copy
    on disk beside the snapshot), so a later :func:`budget_model` on ``con`` returns it instead of
    fitting again (the advisor's evidence reads the model; at 10M lines a fit takes ~9 s)."""
    row = _dataset_row(con, dataset)
    if row is None or row[1] is None or model.dataset != dataset:
        return
    key = _memo_key(con, dataset, row)
    with _LOCK:
        if key not in _MEMO:
            _MEMO[key] = model
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)


def forget() -> None:
    """Drop every kept model (tests)."""
    with _LOCK:
        _MEMO.clear()


# --- building ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _History:
    """Per channel: weekly and monthly spend and revenue, and the window's economics."""

    weekly: pd.DataFrame  # week, channel, revenue, spend, has_spend
    monthly: pd.DataFrame  # budget_channel_monthly.sql
    weeks: np.ndarray  # datetime64[D] Mondays of the full weeks
    start: dt.date


def _build(
    con: duckdb.DuckDBPyConnection, dataset: str, first: dt.date, last: dt.date, report: Progress
) -> BudgetModel:
    start, end = _window(last)
    weeks = mmm.weeks_between(first, last)
    weekly = (
        query(
            con, "budget_channel_weekly", dataset=dataset, first=weeks[0].astype(object), last=weeks[-1].astype(object)
        )
        if len(weeks)
        else pd.DataFrame(columns=["week", "channel", "revenue", "spend", "has_spend"])
    )
    history = _History(weekly, query(con, "budget_channel_monthly", dataset=dataset), weeks, start)
    experiments = query(con, "budget_experiments", dataset=dataset)
    report(0.1)
    base = query(
        con, "budget_customer_base", dataset=dataset, start=start, end=end, window_days=CHURN_WINDOW_DAYS
    ).iloc[0]
    has_cost = not pd.isna(base["gross_profit"]) and base["revenue_with_cost"] not in (0, None)
    gp12 = _ratio(base["gross_profit"] if has_cost else base["revenue"], base["customers"])
    churn = _ratio(base["churned"], base["active_at_start"])
    levers = _channel_levers(history, experiments, lambda share: report(0.1 + 0.7 * share))
    crm_spend = query(con, "budget_crm_monthly", dataset=dataset)
    levers += _crm_levers(con, dataset, crm_spend, start, end, float(base["active_at_end"] or 0), churn, gp12, has_cost)
    report(0.95)
    window = history.monthly[history.monthly["month"] >= pd.Timestamp(start)]
    return BudgetModel(
        dataset,
        start,
        end,
        tuple(levers),
        float(base["active_at_end"] or 0),
        float(base["active_at_start"] or 0),
        churn,
        gp12,
        "gross_profit" if has_cost else "revenue",
        bool(any(lv.kind == "channel" and lv.curve.source != "none" for lv in levers)),
        not crm_spend.empty,
        bool(base["customers"]),
        float(window["revenue"].sum()),
        float(window["gross_profit"].sum(min_count=1)) if has_cost else float("nan"),
        float(window["new_customers"].sum()),
    )


def _economics(window: pd.DataFrame) -> dict[str, float]:
    """Margin, gross margin, new customers per yuan, revenue, new customers and gross profit of window rows."""
    revenue = float(window["revenue"].sum())
    gross_profit = window["gross_profit"].sum(min_count=1)
    gross_margin = _ratio(gross_profit, window["revenue_with_cost"].sum(min_count=1))
    variable = _ratio(float(window["variable_cost"].sum()), revenue)
    return {
        "margin": gross_margin - (variable if np.isfinite(variable) else 0.0),
        "gross_margin": gross_margin,
        "new_per_revenue": _ratio(float(window["new_customers"].sum()), revenue),
        "revenue": revenue,
        "new_customers": float(window["new_customers"].sum()),
        "gross_profit": float(gross_profit) if not pd.isna(gross_profit) else float("nan"),
    }


def _channel_levers(history: _History, experiments: pd.DataFrame, report: Progress) -> list[Lever]:
    monthly, weekly = history.monthly, history.weekly
    window = monthly[monthly["month"] >= pd.Timestamp(history.start)]
    sales = set(monthly.loc[monthly["revenue"] != 0, "channel"])
    spenders = set(monthly.loc[monthly["has_marketing"], "channel"]) | set(weekly.loc[weekly["has_spend"], "channel"])
    media = sorted(spenders - sales)
    series: dict[str, list[str]] = {name: [name] for name in sorted(spenders & sales)}
    unclaimed = sorted(sales - spenders)
    if media:
        series[UNATTRIBUTED] = media
    economics = {name: _economics(window[window["channel"] == name]) for name in sales | spenders}
    pool = _economics(window[window["channel"].isin(unclaimed)]) if media else {}
    fitted: dict[str, Curve] = {}
    for i, (name, members) in enumerate(series.items()):
        channels = unclaimed if name == UNATTRIBUTED else [name]
        fitted.update(_fit_series(history, name, channels, members, experiments, economics, pool, salt=i))
        report((i + 1) / len(series))
    levers = []
    for name in sorted(sales | spenders):
        info = pool if name in media else economics[name]
        current = _current_spend(history, name)
        curve = fitted.get(name, replace(curves.NO_CURVE, reason=None))
        margin = info["margin"]
        levers.append(
            Lever(
                lever_id("channel", name),
                "channel",
                str(name),
                current,
                curve,
                value=margin if np.isfinite(margin) else 1.0,
                series=UNATTRIBUTED if name in media else name,
                **info,
            )
        )
    return levers


def _current_spend(history: _History, channel: str) -> float:
    """Spend in the window: weekly spend of the weeks starting in it when the channel has weekly rows,
    else its monthly marketing costs."""
    weekly = history.weekly[(history.weekly["channel"] == channel) & history.weekly["has_spend"]]
    if len(weekly):
        return float(weekly.loc[weekly["week"] >= pd.Timestamp(history.start), "spend"].sum())
    monthly = history.monthly[
        (history.monthly["channel"] == channel) & (history.monthly["month"] >= pd.Timestamp(history.start))
    ]
    return float(monthly["marketing"].sum())


def _fit_series(
    history: _History,
    name: str,
    channels: list[str],
    members: list[str],
    experiments: pd.DataFrame,
    economics: dict[str, dict[str, float]],
    pool: dict[str, float],
    *,
    salt: int,
) -> dict[str, Curve]:
    """Curves of the levers ``members`` acting on the sales of ``channels`` (module docstring)."""
    weekly = history.weekly
    spend_weeks = [int(weekly.loc[(weekly["channel"] == m) & weekly["has_spend"]].shape[0]) for m in members]
    # for an assumed curve: a medium's share of the pooled sales it acts on
    revenue_of = {m: economics[m]["revenue"] if m in channels else pool["revenue"] / len(members) for m in members}
    current = {m: _current_spend(history, m) for m in members}
    if len(history.weeks) >= mmm.MIN_WEEKS and min(spend_weeks) >= mmm.MIN_WEEKS:
        starts = history.weeks
        grain = mmm.WEEK
        index = pd.DatetimeIndex(starts.astype("datetime64[ns]"))
        y = weekly[weekly["channel"].isin(channels)].groupby("week")["revenue"].sum().reindex(index, fill_value=0.0)
        spend = np.column_stack(
            [weekly[weekly["channel"] == m].set_index("week")["spend"].reindex(index, fill_value=0.0) for m in members]
        )
        periods = min(spend_weeks)
    else:
        monthly = history.monthly
        months = pd.DatetimeIndex(sorted(monthly["month"].unique()))
        y = monthly[monthly["channel"].isin(channels)].groupby("month")["revenue"].sum().reindex(months, fill_value=0.0)
        spend_cols = []
        for m in members:
            own = monthly[monthly["channel"] == m].set_index("month")["marketing"].reindex(months, fill_value=0.0)
            from_weeks = (
                weekly[weekly["channel"] == m].groupby(weekly["week"].dt.to_period("M").dt.start_time)["spend"].sum()
            )
            spend_cols.append(own.where(own > 0, from_weeks.reindex(months, fill_value=0.0)))
        spend = np.column_stack(spend_cols) if spend_cols else np.zeros((len(months), 0))
        starts = months.to_numpy().astype("datetime64[D]")
        grain = mmm.MONTH
        periods = int(min((spend[:, j] > 0).sum() for j in range(spend.shape[1]))) if spend.size else 0
        # months outside the data's full months would hold part-months of sales: keep whole months only
        if periods < MIN_MONTHS_FIT or len(months) < MIN_MONTHS_FIT:
            return {
                m: curves.assumed(
                    current[m],
                    (1 - curves.ASSUMED_BASELINE_SHARE) * revenue_of[m],
                    reason="few_periods",
                    salt=salt * 10 + j,
                    fit=curves.Provenance(grain.name, periods, name),
                )
                for j, m in enumerate(members)
            }
    lifts = _lifts(experiments, members, starts, grain)
    result = mmm.fit(
        y.to_numpy(dtype=float), spend, starts, grain, names=tuple(members), lifts=lifts, seed=mmm.SEED + salt
    )
    return {
        m: curves.from_fit(
            result,
            j,
            series=name,
            periods=periods,
            reason=None,
            current=current[m],
            revenue=revenue_of[m],
            salt=salt * 10 + j,
        )
        for j, m in enumerate(members)
    }


def _lifts(
    experiments: pd.DataFrame, members: list[str], starts: np.ndarray, grain: mmm.Grain
) -> tuple[mmm.LiftTest, ...]:
    """The lift tests on these levers, as period indices (a test must cover at least one whole period)."""
    ends = mmm.period_ends(starts, grain)
    found = []
    for row in experiments.itertuples(index=False):
        if row.lever not in members:
            continue
        begin, finish = np.datetime64(row.start_date, "D"), np.datetime64(row.end_date, "D")
        inside = np.flatnonzero((starts >= begin) & (ends - 1 <= finish))
        if len(inside):
            found.append(
                mmm.LiftTest(
                    members.index(row.lever),
                    int(inside[0]),
                    int(inside[-1]),
                    float(row.spend_change),
                    float(row.lift),
                    float(row.std_error),
                )
            )
    return tuple(found)


def _crm_levers(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    crm: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    active: float,
    churn: float,
    gp12: float,
    has_cost: bool,
) -> list[Lever]:
    """One lever per programme: holdout curve, lapse-rate fit or assumed curve (module docstring)."""
    if crm.empty:
        return []
    campaigns = holdout.campaigns(con, dataset)
    pooled = holdout.uplift(campaigns)
    reach = query(con, "budget_crm_reach", dataset=dataset, start=start, end=end).set_index("programme")
    lapse = query(con, "budget_lapse_monthly", dataset=dataset, window_days=CHURN_WINDOW_DAYS)
    rates = lapse.assign(rate=lapse["lapsed"] / lapse["buyers"].where(lapse["buyers"] > 0))[["month", "rate"]]
    levers = []
    for salt, (programme, part) in enumerate(crm.groupby("programme", sort=True), start=100):
        current = float(part.loc[part["month"] >= pd.Timestamp(start), "amount"].sum())
        used = holdout.per_campaign(campaigns, programme)
        if len(used) >= holdout.MIN_CAMPAIGNS and programme in reach.index:
            row = reach.loc[programme]
            value = _ratio(row["gross_profit"] if has_cost else row["revenue"], row["customers"])
            long = pooled[(pooled["programme"] == programme) & (pooled["horizon"] == holdout.LONG)].iloc[0]
            curve = _holdout_curve(used, float(row["contacts"]), current, long, salt)
        else:
            value = gp12
            paired = part.merge(rates, on="month", how="inner")
            found = curves.fit_crm(paired["amount"].to_numpy(), paired["rate"].to_numpy(), salt=salt)
            if found is None or not (active > 0 and np.isfinite(churn)):
                curve = curves.assumed(
                    current,
                    active * churn * curves.ASSUMED_MAX_REDUCTION * (1 - curves.ELASTICITY)
                    if np.isfinite(churn)
                    else None,
                    reason="poor_fit" if len(paired) >= curves.MIN_MONTHS else "few_periods",
                    salt=salt,
                    fit=curves.Provenance("month", len(paired)),
                )
            else:
                (reduction, alpha, kappa), churn0, draws = found
                scale = active * churn0
                samples = np.column_stack([scale * draws[:, 0], draws[:, 1], 12 * draws[:, 2]])
                curve = Curve(
                    scale * reduction,
                    alpha,
                    12 * kappa,
                    "fitted",
                    samples=samples,
                    fit=curves.Provenance("month", len(paired)),
                )
        levers.append(
            Lever(
                lever_id("crm", programme),
                "crm",
                str(programme),
                current,
                curve,
                value=value if np.isfinite(value) else 0.0,
            )
        )
    return levers


def _holdout_curve(used: pd.DataFrame, reach: float, current: float, pooled: pd.Series, salt: int) -> Curve:
    """Retained customers a year = reach × uplift(spend ÷ 12): the uplift curve through the campaigns.

    A pooled 180-day uplift whose 95% interval includes 0 cannot tell the programme from nothing: the
    curve is kept but labelled assumed (``holdout_unclear``), so the guardrail applies.
    """
    (u_max, alpha, kappa), draws, converged = curves.fit_uplift(used["spend"], used["uplift"], used["se"], salt=salt)
    samples = np.column_stack([reach * draws[:, 0], draws[:, 1], 12 * draws[:, 2]])
    at_current = draws[:, 0] * curves.hill(current / 12, draws[:, 1], draws[:, 2])
    p10, p50, p90 = (float(v) for v in np.percentile(at_current, [10, 50, 90]))
    unclear = not (pooled["uplift_low"] > 0) or not converged
    provenance = curves.Provenance(
        "month",
        len(used),
        campaigns=len(used),
        reach=reach,
        uplift=(p10, p50, p90),
        flags=("holdout_unclear",) if unclear else (),
    )
    return Curve(
        reach * u_max,
        alpha,
        12 * kappa,
        "assumed" if unclear else "holdout",
        "holdout_unclear" if unclear else None,
        samples,
        provenance,
    )


# --- manual curves ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A manager's curve for one lever, in annual terms: top = incremental revenue ceiling (yuan/year)
    for a channel or retained customers a year for a programme; kappa = annual spend at half of it."""

    lever: str
    top: float
    alpha: float
    kappa: float


def with_overrides(model: BudgetModel, overrides: tuple[Override, ...] | list[Override]) -> BudgetModel:
    """The model with manual curves replacing fitted or assumed ones (unknown levers raise KeyError)."""
    if not overrides:
        return model
    by_id = {model.lever(o.lever).id: o for o in overrides}
    levers = []
    for lever in model.levers:
        o = by_id.get(lever.id)
        if o is not None:
            lever = replace(lever, curve=curves.manual(o.top, o.alpha, o.kappa))
        levers.append(lever)
    return replace(model, levers=tuple(levers))


def allocation_frame(model: BudgetModel) -> pd.DataFrame:
    """Current allocation (last 12 months) and what each lever returned, by its curve.

    Columns: lever, kind, name, spend, share, revenue (observed, channels), incremental_revenue
    (the curve's response at current spend, channels), retained_customers (CRM), contribution (gross
    profit of that response), roi ((contribution − spend) ÷ spend, NaN at 0), curve (source).
    """
    total = sum(lever.current for lever in model.levers)
    rows = []
    for lever in model.levers:
        response = float(lever.curve.response(lever.current)) if lever.curve.source != "none" else 0.0
        channel = lever.kind == "channel"
        contribution = lever.value * response
        rows.append(
            {
                "lever": lever.id,
                "kind": lever.kind,
                "name": lever.name,
                "spend": lever.current,
                "share": lever.current / total if total else np.nan,
                "revenue": lever.revenue if channel else np.nan,
                "incremental_revenue": response if channel else np.nan,
                "retained_customers": np.nan if channel else response,
                "contribution": contribution,
                "roi": (contribution - lever.current) / lever.current if lever.current else np.nan,
                "curve": lever.curve.source,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "lever",
            "kind",
            "name",
            "spend",
            "share",
            "revenue",
            "incremental_revenue",
            "retained_customers",
            "contribution",
            "roi",
            "curve",
        ],
    )
