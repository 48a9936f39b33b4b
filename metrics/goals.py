"""SMART goals (issue 7): create, edit, delete and list goals per dataset; measure their progress.

A goal is a metric from METRICS.md, a target, a deadline, an owner and a scope (channels, regions).
Rules where METRICS.md is silent:

- **Monthly values.** A goal's metric is measured per calendar month with the goal's scope
  (revenue of the month, churn of the month — the share of customers active at the month's start
  not active at its end, 180-day window, as on the Retention page — HHI of the month's channel
  shares...). Money and counts are monthly totals; rates are monthly rates. NPS, referral rate and
  conversion rate (issue 15) are the month's, as the Customer voice page and the Channels page
  compute them for a month (NPS over each customer's latest answer in it; conversion pooled over the
  channels and sources with a rate); they are unmeasurable without the file they need.
- **As-of.** The dataset's last order date, not today's clock (like the sidebar presets). The
  *current* month is the last complete month of data: the as-of date's month when the as-of date is
  its last day, otherwise the month before.
- **Baseline.** The current month's value when the goal is created (stored with its month; editable).
- **Progress** = (current − baseline) ÷ (target − baseline); undefined (None) when target = baseline.
  The goal's direction follows from target vs baseline (a churn target below the baseline is "lower
  is better"); with no baseline the first measured month stands in.
- **Projection**: a least-squares line through the last ``TREND_MONTHS`` (6) monthly values, needing
  at least ``MIN_TREND_POINTS`` (3), evaluated at the deadline's month. A revenue goal whose scope is
  a forecast series (the whole business, or one channel without a region filter) uses the forecast's
  P50 in the deadline's month instead, when that month is within the forecast's horizon and the
  series' backtest shows the forecast beats the straight line (lower MASE): :func:`with_forecast`.
- **Status**, first match: ``unmeasurable`` (the data cannot give the metric; ``reason`` says why);
  ``achieved`` (the current month meets the target); ``overdue`` (the deadline is before the as-of
  date); ``on_track`` (the projection meets the target at the deadline); ``at_risk`` (the projection
  covers at least ``AT_RISK_SHARE`` (80%) of the way from baseline to target, or there are too few
  months for a trend — ``reason`` then says so); ``off_track`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from data import access, registry
from data.state import store_for
from metrics import catalog, overview
from metrics.filters import Filters

# Goal metrics and their metric catalog keys. "gross_margin" is the name goals were saved under
# (migration 005) for the catalog's "margin"; every other goal metric is its catalog key.
KPI_METRICS = (
    "revenue",
    "gross_profit",
    "gross_margin",
    "orders",
    "active_customers",
    "aov",
    "repeat_rate",
    "churn_rate",
)  # measured monthly with metrics.overview.kpis
CATALOG_KEY = {"gross_margin": "margin", "channel_share": "share"}
VOICE_METRICS = ("nps", "referral_rate", "conversion_rate")  # issue 15: from the customer-voice files
METRICS = (*KPI_METRICS, "hhi", "channel_share", *VOICE_METRICS)
CHANNEL_SHARE = "channel_share:"
TREND_METRICS = ("revenue", "gross_profit")  # sums that metrics.overview.trend already gives per month
NEEDS_CUSTOMER = ("active_customers", "repeat_rate", "churn_rate")
NEEDS_COST = ("gross_profit", "gross_margin")
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "overdue", "unmeasurable")
TREND_MONTHS = 6
MIN_TREND_POINTS = 3
AT_RISK_SHARE = 0.8
MAX_OWNER = 80
MAX_NOTES = 2000


class GoalError(ValueError):
    """A goal that cannot be saved; ``code`` is a translation key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Goal:
    """One SMART goal. ``metric`` is a :data:`METRICS` key or ``channel_share:<channel>``."""

    dataset: str
    metric: str
    target: float
    deadline: dt.date
    owner: str
    channels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    notes: str = ""
    baseline: float | None = None
    baseline_date: dt.date | None = None
    id: int | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None  # data.access actors; None for goals saved before migration 014
    updated_at: dt.datetime | None = None
    updated_by: str | None = None

    @property
    def base_metric(self) -> str:
        return "channel_share" if self.metric.startswith(CHANNEL_SHARE) else self.metric

    @property
    def channel(self) -> str | None:
        return self.metric[len(CHANNEL_SHARE) :] if self.metric.startswith(CHANNEL_SHARE) else None

    def scope_json(self) -> str:
        return json.dumps({"channels": list(self.channels), "regions": list(self.regions)}, ensure_ascii=False)


def catalog_key(metric: str) -> str:
    """The metric catalog's key for a goal metric (``channel_share:<channel>`` reads as a share)."""
    base = "channel_share" if metric.startswith(CHANNEL_SHARE) else metric
    return CATALOG_KEY.get(base, base)


def is_rate(metric: str) -> bool:
    """Whether the goal's values are fractions shown as percentages (targets entered in %)."""
    return catalog.get(catalog_key(metric)).delta_in_points


def validate(goal: Goal) -> Goal:
    """The goal cleaned (owner and notes trimmed); GoalError with a translation key when invalid."""
    if goal.base_metric not in METRICS or (goal.base_metric == "channel_share" and not goal.channel):
        raise GoalError("goals_err_metric")
    if not isinstance(goal.target, (int, float)) or not math.isfinite(goal.target):
        raise GoalError("goals_err_target")
    if is_rate(goal.metric) and not 0 <= goal.target <= 1:
        raise GoalError("goals_err_ratio")
    if goal.metric == "nps" and not -100 <= goal.target <= 100:
        raise GoalError("goals_err_nps")
    owner = " ".join(str(goal.owner).split())
    if not owner or len(owner) > MAX_OWNER:
        raise GoalError("goals_err_owner")
    if not isinstance(goal.deadline, dt.date):
        raise GoalError("goals_err_deadline")
    return replace(
        goal,
        owner=owner,
        notes=str(goal.notes)[:MAX_NOTES],
        target=float(goal.target),
        channels=tuple(dict.fromkeys(goal.channels)),
        regions=tuple(dict.fromkeys(goal.regions)),
    )


# --- months -------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole calendar months from a's month to b's month (negative when b is earlier)."""
    return (b.year - a.year) * 12 + b.month - a.month


def current_month(last_date: dt.date) -> dt.date:
    """The last complete month of data (module docstring)."""
    month = month_start(last_date)
    return month if last_date == month_end(month) else add_months(month, -1)


def monthly_values(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    metric: str,
    first: dt.date,
    last: dt.date,
    *,
    channels: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The metric per calendar month from ``first``'s month to ``last``'s: month, value (NaN undefined).

    Months before the dataset's first order are NaN: no data is not a zero.
    """
    months = [add_months(month_start(first), k) for k in range(months_between(first, last) + 1)]
    ds = registry.get_dataset(con, dataset)
    start = month_start(ds.first_date) if ds is not None and ds.first_date is not None else None
    if not months:
        return pd.DataFrame({"month": pd.Series(dtype=object), "value": pd.Series(dtype=float)})
    if metric in VOICE_METRICS:
        values = [
            np.nan
            if start is None or m < start
            else _voice_value(con, metric, Filters(dataset, m, month_end(m), channels, regions))
            for m in months
        ]
        return pd.DataFrame({"month": months, "value": np.asarray(values, dtype=float)})
    if metric in TREND_METRICS or metric == "hhi" or metric.startswith(CHANNEL_SHARE):
        trend = overview.trend(con, Filters(dataset, months[0], month_end(months[-1]), channels, regions))
        trend["month"] = pd.to_datetime(trend["month"]).dt.date
        total = trend.groupby("month")["revenue"].sum()
        if metric in TREND_METRICS:  # one query for all months instead of one KPI query per month
            by_month = trend.groupby("month")[metric].sum(min_count=1)
            if metric == "revenue":  # a month without sales sold nothing (as the KPI says); its profit is unknown
                by_month = by_month.reindex(months, fill_value=0.0)
        elif metric == "hhi":
            by_channel = trend.groupby(["month", "channel"])["revenue"].sum()
            shares = by_channel / total.where(total != 0).reindex(by_channel.index, level="month")
            by_month = (shares * 100).pow(2).groupby(level="month").sum(min_count=1)
        else:
            picked = trend[trend["channel"] == metric[len(CHANNEL_SHARE) :]].groupby("month")["revenue"].sum()
            by_month = picked.reindex(total.index, fill_value=0.0) / total.where(total != 0)
        values = [by_month.get(m, np.nan) for m in months]
    else:
        key = catalog_key(metric)
        values = []
        for m in months:
            if start is None or m < start:
                values.append(np.nan)
                continue
            cards = overview.kpis(con, Filters(dataset, m, month_end(m), channels, regions))
            value = next(c.value for c in cards if c.key == key)
            values.append(np.nan if value is None else float(value))
    values = [np.nan if start is None or m < start else v for m, v in zip(months, values, strict=True)]
    return pd.DataFrame({"month": months, "value": np.asarray(values, dtype=float)})


def _voice_value(con: duckdb.DuckDBPyConnection, metric: str, f: Filters) -> float:
    """A month's NPS (latest answer per customer), referral rate or pooled conversion rate; NaN when undefined."""
    from metrics import conversion, voice  # the goal metrics of issue 15

    if metric == "nps":
        value = voice.nps_summary(con, f).nps
    elif metric == "referral_rate":
        new = voice.new_customers(con, f)
        value = float(new["referred"].mean()) if len(new) else None
    else:
        value = conversion.pooled_rate(conversion.conversion(con, f))
    return np.nan if value is None else float(value)


def voice_reason(con: duckdb.DuckDBPyConnection, goal: Goal) -> str | None:
    """A translation key when the customer-voice file a goal needs is missing (feedback, referrals, traffic)."""
    if goal.base_metric not in VOICE_METRICS:
        return None
    from metrics import voice

    found = voice.availability(con, goal.dataset)
    missing = {
        "nps": found.nps_answers == 0,
        "referral_rate": found.referrals == 0,
        "conversion_rate": found.traffic_rows == 0,
    }
    return f"goals_why_no_{goal.base_metric}" if missing[goal.base_metric] else None


def unmeasurable_reason(ds: registry.Dataset | None, goal: Goal, known_channels: list[str]) -> str | None:
    """A translation key saying why the loaded data cannot measure the goal, or None."""
    if ds is None or ds.last_date is None:
        return "goals_why_no_data"
    metric = goal.base_metric
    if metric in NEEDS_CUSTOMER and not ds.has_customer:
        return "goals_why_no_customer"
    if metric in NEEDS_COST and not ds.has_cost:
        return "goals_why_no_cost"
    if metric in ("hhi", "channel_share") and not ds.has_channel:
        return "goals_why_no_channel"
    if goal.channel is not None and goal.channel not in known_channels:
        return "goals_why_unknown_channel"
    if any(c not in known_channels for c in goal.channels):
        return "goals_why_unknown_scope"
    return None


# --- CRUD ---------------------------------------------------------------------------------------


def _row_to_goal(row: dict) -> Goal:
    scope = json.loads(row["scope"])
    baseline = None if row["baseline"] is None or pd.isna(row["baseline"]) else float(row["baseline"])
    updated = row.get("updated_at")
    return Goal(
        row["dataset"],
        row["metric"],
        float(row["target"]),
        pd.Timestamp(row["deadline"]).date(),
        row["owner"],
        tuple(scope.get("channels", [])),
        tuple(scope.get("regions", [])),
        row["notes"],
        baseline,
        pd.Timestamp(row["baseline_date"]).date(),
        int(row["id"]),
        pd.Timestamp(row["created_at"]).to_pydatetime(),
        row.get("created_by"),
        None if updated is None or pd.isna(updated) else pd.Timestamp(updated).to_pydatetime(),
        row.get("updated_by"),
    )


def within(goal: Goal, scope: access.Scope) -> bool:
    """Whether a goal measures only rows the scope may read (its channels, regions and share's channel)."""
    if not scope.allows_dataset(goal.dataset) or not scope.covers(goal.channels, goal.regions):
        return False
    return goal.channel is None or not scope.channels or goal.channel in scope.channels


def _scoped(goal: Goal, who: access.Principal, action: str) -> Goal:
    """The goal with an empty scope part narrowed to the user's scope ("all my regions"); a goal
    that still reaches outside it is refused (PermissionDenied, reason ``rows``)."""
    goal = replace(goal, channels=goal.channels or who.scope.channels, regions=goal.regions or who.scope.regions)
    if not within(goal, who.scope):
        raise access.PermissionDenied(action, who, "rows", goal.dataset)
    return goal


def list_goals(store: object, dataset: str) -> list[Goal]:
    """The dataset's goals, nearest deadline first (``store``: the warehouse's user-state store).

    Only those inside the acting user's scope (data.access): a user limited to some regions sees
    neither the goals of other regions nor their progress.
    """
    scope = access.current().scope
    return [goal for goal in (_row_to_goal(row) for row in store_for(store).goals(dataset)) if within(goal, scope)]


def get(store: object, dataset: str, goal_id: int) -> Goal:
    """One goal; KeyError when the dataset has none with that id."""
    for goal in list_goals(store, dataset):
        if goal.id == goal_id:
            return goal
    raise KeyError(goal_id)


def baseline_for(con: duckdb.DuckDBPyConnection, goal: Goal) -> tuple[float | None, dt.date]:
    """The goal metric's value in the dataset's current month, and that month (the default baseline)."""
    ds = registry.get_dataset(con, goal.dataset)
    if ds is None or ds.last_date is None:
        raise GoalError("goals_why_no_data")
    month = current_month(ds.last_date)
    frame = monthly_values(con, goal.dataset, goal.metric, month, month, channels=goal.channels, regions=goal.regions)
    value = frame["value"].iloc[0] if len(frame) else np.nan
    return (None if pd.isna(value) else float(value)), month


def _params(goal: Goal) -> dict[str, object]:
    return {
        "dataset": goal.dataset,
        "metric": goal.metric,
        "target": goal.target,
        "deadline": goal.deadline,
        "owner": goal.owner,
        "scope": goal.scope_json(),
        "baseline": goal.baseline,
        "baseline_date": goal.baseline_date,
        "notes": goal.notes,
    }


def _with_baseline(con: duckdb.DuckDBPyConnection, goal: Goal) -> Goal:
    """Without a baseline month, the current month becomes it (and its value the baseline unless given)."""
    if goal.baseline_date is not None:
        return goal
    baseline, month = baseline_for(con, goal)
    return replace(goal, baseline=goal.baseline if goal.baseline is not None else baseline, baseline_date=month)


def create(con: duckdb.DuckDBPyConnection, goal: Goal, *, store: object = None) -> Goal:
    """Save a new goal (baseline measured on ``con`` now unless given); returns it with its id.

    ``store`` is the user-state store (default: an in-memory warehouse's own connection). Planners
    and above may save goals inside their scope (data.access); others get PermissionDenied.
    """
    store = store_for(con if store is None else store)
    who = access.require("goal.save", dataset=goal.dataset, store=store)
    goal = _with_baseline(con, validate(_scoped(goal, who, "goal.save")))
    new_id = store.insert_goal(_params(goal), by=who.actor)
    return get(store, goal.dataset, new_id)


def update(con: duckdb.DuckDBPyConnection, goal: Goal, *, store: object = None) -> Goal:
    """Save an edited goal (same id and dataset); KeyError when it no longer exists.

    ``baseline_date=None`` re-measures the baseline month (and value, when ``baseline`` is None too).
    """
    if goal.id is None:
        raise KeyError("goal without id")
    store = store_for(con if store is None else store)
    who = access.require("goal.save", dataset=goal.dataset, store=store)
    _scoped(get(store, goal.dataset, goal.id), who, "goal.save")  # the goal as saved must be theirs to edit
    goal = _with_baseline(con, validate(_scoped(goal, who, "goal.save")))
    if not store.update_goal(goal.id, _params(goal), by=who.actor):
        raise KeyError(goal.id)
    return get(store, goal.dataset, goal.id)


def delete(store: object, dataset: str, goal_id: int) -> bool:
    """Delete a goal inside the user's scope; False when it did not exist. Recorded in the audit log."""
    target = store_for(store)
    who = access.require("goal.delete", dataset=dataset, store=target)
    try:
        goal = get(target, dataset, goal_id)
    except KeyError:
        return False
    _scoped(goal, who, "goal.delete")
    existed = target.delete_goal(dataset, goal_id)
    if existed:
        access.record(
            target,
            "goal.delete",
            target=f"{dataset}/{goal_id}",
            principal=who,
            detail={"metric": goal.metric, "owner": goal.owner},
        )
    return existed


# --- progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a goal stands at ``as_of`` (module docstring for every rule).

    ``slope`` is per month in the metric's unit; ``history`` has month, value (the trend months).
    """

    goal: Goal
    status: str
    as_of: dt.date | None
    month: dt.date | None
    current: float | None
    baseline: float | None
    progress: float | None
    projected: float | None
    projected_progress: float | None
    slope: float | None
    reason: str | None
    history: pd.DataFrame = field(repr=False, default_factory=lambda: pd.DataFrame({"month": [], "value": []}))
    method: str = "trend"  # how ``projected`` was found: trend (the straight line) | forecast (its P50)
    projected_band: tuple[float, float] | None = None  # the forecast's P10, P90 in the deadline's month


def trend_line(values: pd.Series) -> tuple[float, float] | None:
    """(intercept, slope) of a least-squares line through the values at x = 0..n−1 (NaNs skipped).

    None with fewer than MIN_TREND_POINTS defined values."""
    x = np.arange(len(values), dtype=float)
    y = values.to_numpy(dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < MIN_TREND_POINTS:
        return None
    slope, intercept = np.polyfit(x[ok], y[ok], 1)
    return float(intercept), float(slope)


def _meets(value: float, target: float, lower_is_better: bool) -> bool:
    return value <= target + 1e-12 if lower_is_better else value >= target - 1e-12


def judge(
    goal: Goal, history: pd.DataFrame, as_of: dt.date, *, forecast: tuple[float, float, float] | None = None
) -> Progress:
    """Status from the goal and its monthly history (ending with the current month). Pure.

    ``forecast``: (P10, P50, P90) of the goal's metric in the deadline's month; its P50 replaces the
    straight line's projection (``method`` "forecast")."""
    values = history["value"] if len(history) else pd.Series(dtype=float)
    month = history["month"].iloc[-1] if len(history) else None
    current = None if not len(values) or pd.isna(values.iloc[-1]) else float(values.iloc[-1])
    if current is None:
        return Progress(
            goal,
            "unmeasurable",
            as_of,
            month,
            None,
            goal.baseline,
            None,
            None,
            None,
            None,
            "goals_why_no_value",
            history,
        )
    baseline = goal.baseline
    if baseline is None:
        defined = values.dropna()
        baseline = float(defined.iloc[0]) if len(defined) else None
    span = None if baseline is None else goal.target - baseline
    lower = span is not None and span < 0
    progress = (current - baseline) / span if span else None  # type: ignore[operator]
    line = trend_line(values)
    projected = slope = projected_progress = None
    if line is not None:
        intercept, slope = line
        ahead = months_between(month, goal.deadline)
        projected = intercept + slope * (len(values) - 1 + max(ahead, 0))
    if forecast is not None:
        projected = float(forecast[1])
    if projected is not None:
        projected_progress = (projected - baseline) / span if span else None  # type: ignore[operator]
    reason = None
    if _meets(current, goal.target, lower):
        status = "achieved"
    elif goal.deadline < as_of:
        status = "overdue"
    elif projected is not None and _meets(projected, goal.target, lower):
        status = "on_track"
    elif projected is None:
        status, reason = "at_risk", "goals_note_short_history"
    elif projected_progress is not None and projected_progress >= AT_RISK_SHARE:
        status = "at_risk"
    else:
        status = "off_track"
    return Progress(
        goal,
        status,
        as_of,
        month,
        current,
        baseline,
        progress,
        projected,
        projected_progress,
        slope,
        reason,
        history,
        "forecast" if forecast is not None else "trend",
        None if forecast is None else (float(forecast[0]), float(forecast[2])),
    )


def evaluate(con: duckdb.DuckDBPyConnection, goal: Goal) -> Progress:
    """Measure the goal on the loaded data and judge it (module docstring)."""
    ds = registry.get_dataset(con, goal.dataset)
    known = overview.dimension_values(con, goal.dataset)["channel"] if ds is not None else []
    why = unmeasurable_reason(ds, goal, known) or (voice_reason(con, goal) if ds is not None else None)
    if why is not None:
        return Progress(
            goal,
            "unmeasurable",
            None if ds is None else ds.last_date,
            None,
            None,
            goal.baseline,
            None,
            None,
            None,
            None,
            why,
        )
    month = current_month(ds.last_date)  # type: ignore[union-attr]
    history = monthly_values(
        con,
        goal.dataset,
        goal.metric,
        add_months(month, -(TREND_MONTHS - 1)),
        month,
        channels=goal.channels,
        regions=goal.regions,
    )
    return judge(goal, history, ds.last_date)  # type: ignore[union-attr]


def progress_table(
    con: duckdb.DuckDBPyConnection, dataset: str, *, goals: tuple[Goal, ...] | None = None
) -> list[Progress]:
    """Every goal of the dataset with its progress (the overview's section, the report).

    ``goals`` (the dataset's goals as listed) lets a cache key on the goals' content; None lists them.
    """
    return [evaluate(con, goal) for goal in (list_goals(con, dataset) if goals is None else goals)]


def forecast_series(goal: Goal) -> str | None:
    """The forecast series a goal's metric is (``全部`` or a channel), or None when it is none."""
    from metrics.forecast import TOTAL

    if goal.metric != "revenue" or goal.regions or len(goal.channels) > 1:
        return None
    return goal.channels[0] if goal.channels else TOTAL


def with_forecast(items: list[Progress], outlook: object, backtest: object) -> list[Progress]:
    """The goals judged on the forecast where it applies (module docstring, "Projection").

    ``outlook``: :class:`metrics.forecast.Outlook`; ``backtest``: :class:`metrics.forecast.Backtest`
    (None: no series is known to beat the line, so every goal keeps the straight line).
    """
    out = []
    for p in items:
        series = forecast_series(p.goal)
        found = outlook.get(series) if series is not None and outlook is not None else None  # type: ignore[attr-defined]
        scored = backtest.row(series) if found is not None and backtest is not None else None  # type: ignore[attr-defined]
        if (
            found is None
            or not found.ok
            or scored is None
            or not bool(scored["beats_line"])
            or p.status in ("unmeasurable", "achieved", "overdue")
            or p.as_of is None
        ):
            out.append(p)
            continue
        row = found.frame[found.frame["period"] == pd.Timestamp(month_start(p.goal.deadline))]
        if row.empty:
            out.append(p)
            continue
        band = (float(row["p10"].iloc[0]), float(row["p50"].iloc[0]), float(row["p90"].iloc[0]))
        out.append(judge(p.goal, p.history, p.as_of, forecast=band))
    return out
