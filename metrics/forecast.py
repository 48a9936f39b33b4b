"""Monthly revenue forecasts per channel and in total, with P10/P50/P90 and a rolling-origin backtest
(METRICS.md "Outlook and risk"; choices where it is silent are in the README).

Series: net revenue per calendar month of each channel and of the whole dataset (channel ``全部``),
complete months only — the as-of month counts when the as-of date is its last day, as for goals. A
channel's series starts with its first month of sales; later months without sales are 0. A channel
without sales in its last three months is not forecast (``inactive``), nor is a series shorter
than ``MIN_MONTHS`` (``too_short``).

Models (statsmodels; chosen on the backtest that ``bench/bench_forecast.py`` prints), by the months
of history a series has:

- **≥ 24 months** (``seasonal``): the equal-weight average of the quantiles of three members:
  SARIMAX(1,0,0)(0,1,0)12 with drift on log revenue and the 春节 regressors; ETS(M,Ad,M) on the
  revenue with the 春节 effect divided out; and the seasonal naive forecast × the year-on-year
  growth of the last 12 months, also 春节-adjusted. The 春节 regressors are the share of each
  month's days in the 14 days before 春节 (``cny_eve``, stocking up) and in 春节 and the six days
  after it (``cny``, the pause) — the windows of :mod:`data.calendar`, which move with the lunar
  date. Each is kept only while its p-value is at most ``HOLIDAY_P`` (a series with no holiday
  effect must not get one); the SARIMAX coefficients of those kept give the factor the other two
  members divide out of the history and multiply into the forecast.
- **13–23 months** (``short``): the average of seasonal naive × the growth of the last three months
  over the same months a year before, and ETS(A,Ad,N) on log revenue. No 春节 regressors: a year of
  history cannot tell a holiday from the season.
- **6–12 months** (``minimal``): ETS(A,Ad,N) on log revenue alone; no seasonality can be estimated.
- A series with a month at or below ``POSITIVE_FLOOR`` × its median (a zero, a month of refunds)
  cannot be modelled on logs: ``additive`` uses SARIMAX and ETS(A,Ad,A) (≥ 24 months) or
  ETS(A,Ad,N) and the seasonal naive (13–23 months) on the revenue itself, clipped at 0.

P10/P90 are the members' 80% prediction intervals averaged quantile by quantile; the total is
forecast as its own series (quantiles do not add up over channels).

Backtest: from each of the last ``BACKTEST_ORIGINS`` origins (months of history) at which a
``BACKTEST_HORIZON``-month window is still inside the data, the method the series would have used
then forecasts the next months; beside it the seasonal naive forecast (same month last year,
intervals from its in-sample errors) and the goals' straight line (least squares through the last
six months). MASE = mean |actual − P50| ÷ the in-sample mean absolute seasonal difference (lag 12;
lag 1 below 13 months) of each origin's history; coverage = share of actuals inside P10–P90. Below
13 months of history the baseline is the naive forecast (last month repeated).
Fits are kept per series content, so one process fits a dataset version once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from data import calendar, registry
from metrics.db import query

TOTAL = "全部"
HORIZON_MIN, HORIZON_MAX = 3, 12
DEFAULT_HORIZON = 12
FULL_MONTHS = 24
SEASONAL_MONTHS = 13
MIN_MONTHS = 6
INACTIVE_MONTHS = 3
FIRST_MONTH_GRACE_DAYS = 7  # data starting by the 7th counts its first month (1 January is a holiday)
HOLIDAYS = ("cny_eve", "cny")
HOLIDAY_P = 0.05
HOLIDAY_MONTHS = 48
POSITIVE_FLOOR = 0.05
GROWTH_MONTHS_SHORT = 3
LINE_MONTHS = 6  # the goals' straight line (metrics.goals.TREND_MONTHS)
BACKTEST_ORIGINS = 6
BACKTEST_HORIZON = 3
METHODS = ("seasonal", "short", "minimal", "additive")
REASONS = ("too_short", "inactive")
Z80 = 1.2815515655446004  # P90 of the standard normal
Progress = Callable[[float], None]


# ---------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class SeriesForecast:
    """One series' forecast. ``frame``: period (month start), p10, p50, p90 (empty when not forecast,
    ``reason`` then says why); ``history``: month, revenue (the series as modelled); ``holidays``:
    the 春节 regressors kept, with their effect on log revenue per month fully inside the window."""

    series: str
    method: str | None
    months: int
    frame: pd.DataFrame
    history: pd.DataFrame
    holidays: dict[str, float] = field(default_factory=dict)
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True, eq=False)
class Outlook:
    """A dataset's forecasts: the total first, then the channels by last-12-month revenue."""

    dataset: str
    last_month: dt.date | None  # the last complete month of history used
    horizon: int
    series: tuple[SeriesForecast, ...]

    def get(self, name: str) -> SeriesForecast | None:
        return next((s for s in self.series if s.series == name), None)

    def frame(self, *, by: str = "all") -> pd.DataFrame:
        """Long form: period, channel (``全部`` for the total), p10, p50, p90. ``by``: all | channel | total."""
        parts = [
            s.frame.assign(channel=s.series)
            for s in self.series
            if s.ok and (by == "all" or (by == "total") == (s.series == TOTAL))
        ]
        if not parts:
            return pd.DataFrame(columns=["period", "channel", "p10", "p50", "p90"])
        return pd.concat(parts, ignore_index=True)[["period", "channel", "p10", "p50", "p90"]]


@dataclass(frozen=True, eq=False)
class Backtest:
    """Rolling-origin backtest. ``points``: series, origin (last month of history), period, h, actual,
    p10, p50, p90, snaive, snaive_p10, snaive_p90, line, scale, method. ``summary``: one row per series
    (see :func:`summarize`)."""

    dataset: str
    origins: int
    horizon: int
    points: pd.DataFrame
    summary: pd.DataFrame

    def row(self, name: str) -> pd.Series | None:
        found = self.summary[self.summary["series"] == name]
        return None if found.empty else found.iloc[0]


# ---------------------------------------------------------------- calendar and series


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def last_complete_month(as_of: dt.date) -> dt.date:
    """The as-of date's month when it is that month's last day, else the month before."""
    return month_start(as_of) if (as_of + dt.timedelta(days=1)).day == 1 else add_months(month_start(as_of), -1)


def holiday_shares(months: pd.DatetimeIndex) -> np.ndarray:
    """(n, 2): the share of each month's days inside the 14 days before 春节 and 春节's first 7 days."""
    starts = np.asarray(months.values, dtype="datetime64[D]")
    ends = np.asarray((months + pd.offsets.MonthBegin(1)).values, dtype="datetime64[D]")
    return calendar.period_shares(starts, ends, HOLIDAYS)


def monthly_history(
    con: duckdb.DuckDBPyConnection, dataset: str, *, train_end: dt.date | None = None
) -> tuple[pd.DataFrame, dt.date | None]:
    """(month, channel, revenue for every complete month up to the as-of date, the last such month).

    The as-of date is the dataset's last order date, or ``train_end`` when earlier; the data's first
    month counts when its first order is by the 7th. Months inside a channel's span without sales are 0.
    Empty with None when no month is complete.
    """
    ds = registry.get_dataset(con, dataset)
    if ds is None or ds.last_date is None:
        return pd.DataFrame(columns=["month", "channel", "revenue"]), None
    as_of = min(ds.last_date, train_end) if train_end is not None else ds.last_date
    last = last_complete_month(as_of)
    raw = query(con, "forecast_monthly", dataset=dataset, until=as_of)
    raw["month"] = pd.to_datetime(raw["month"])
    partial = ds.first_date.day > FIRST_MONTH_GRACE_DAYS  # data that starts mid-month: that month is not whole
    first = pd.Timestamp(month_start(ds.first_date)) + (pd.offsets.MonthBegin(1) if partial else pd.DateOffset())
    raw = raw[(raw["month"] <= pd.Timestamp(last)) & (raw["month"] >= first)]
    if raw.empty:
        return pd.DataFrame(columns=["month", "channel", "revenue"]), None
    rows = []
    for channel, part in raw.groupby("channel", sort=True):
        months = pd.date_range(part["month"].min(), pd.Timestamp(last), freq="MS")
        values = part.set_index("month")["revenue"].reindex(months, fill_value=0.0)
        rows.append(pd.DataFrame({"month": months, "channel": channel, "revenue": values.to_numpy(dtype=float)}))
    return pd.concat(rows, ignore_index=True), last


def series_of(history: pd.DataFrame) -> dict[str, pd.Series]:
    """The total, then each channel (by last-12-month revenue), as monthly Series (freq MS).

    A channel named ``全部`` (what a load without a channel column writes) is the total itself."""
    if history.empty:
        return {}
    total = history.groupby("month")["revenue"].sum().asfreq("MS", fill_value=0.0)
    out = {TOTAL: total}
    channels = [c for c in history["channel"].unique() if c != TOTAL]  # 全部: a file without channels
    if channels:
        recent = history[history["month"] > history["month"].max() - pd.DateOffset(months=12)]
        order = recent.groupby("channel")["revenue"].sum().reindex(channels, fill_value=0.0)
        for channel in order.sort_values(ascending=False, kind="stable").index:
            out[channel] = history[history["channel"] == channel].set_index("month")["revenue"].asfreq("MS")
    return out


# ---------------------------------------------------------------- members


def _ets(y: pd.Series, horizon: int, *, log: bool, **spec: object) -> np.ndarray:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = np.log(y) if log else y
    fitted = ETSModel(values, **spec).fit(disp=False, maxiter=1000)
    frame = fitted.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(alpha=0.2)
    out = np.column_stack([frame["pi_lower"], frame["mean"], frame["pi_upper"]])
    return np.exp(out) if log else out


def _sarimax(
    y: pd.Series, horizon: int, x: np.ndarray, x_future: np.ndarray, *, log: bool
) -> tuple[np.ndarray, np.ndarray]:
    """SARIMAX(1,0,0)(0,1,0)12 with drift; regressors dropped, weakest first, while any p > HOLIDAY_P.

    Returns the (horizon, 3) quantiles and the coefficient of each regressor column (0 when dropped).
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    values = np.log(y) if log else y
    keep = [j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0] if len(values) >= HOLIDAY_MONTHS else []
    spec = dict(order=(1, 0, 0), seasonal_order=(0, 1, 0, 12), trend="c")
    while True:
        fitted = SARIMAX(values, exog=x[:, keep] if keep else None, **spec).fit(disp=False, maxiter=200)
        if not keep:
            break
        p = np.array([fitted.pvalues[f"x{i + 1}"] for i in range(len(keep))])
        p = np.where(np.isfinite(p), p, 1.0)
        if p.max() <= HOLIDAY_P:
            break
        keep.pop(int(np.argmax(p)))
    predicted = fitted.get_forecast(steps=horizon, exog=x_future[:, keep] if keep else None)
    band = np.asarray(predicted.conf_int(alpha=0.2))
    out = np.column_stack([band[:, 0], np.asarray(predicted.predicted_mean), band[:, 1]])
    coef = np.zeros(x.shape[1])
    for i, j in enumerate(keep):
        coef[j] = float(fitted.params[f"x{i + 1}"])
    return (np.exp(out) if log else out), coef


def _ahead(values: np.ndarray, horizon: int, m: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Same month a year before for each step ahead, and which year ahead each step is (1, 2, ...)."""
    return np.array([values[len(values) - m + (h % m)] for h in range(horizon)]), np.arange(horizon) // m + 1


def seasonal_naive(values: np.ndarray, horizon: int, m: int = 12) -> np.ndarray:
    """The baseline: same month last year; P10/P90 from the in-sample seasonal differences, widened by
    √(years ahead) (Hyndman & Athanasopoulos, FPP3 §5.5). Needs ≥ m + 1 months."""
    values = np.asarray(values, dtype=float)
    p50, years = _ahead(values, horizon, m)
    sd = float(np.sqrt(np.mean((values[m:] - values[:-m]) ** 2)))
    spread = Z80 * sd * np.sqrt(years)
    return np.column_stack([p50 - spread, p50, p50 + spread])


def naive(values: np.ndarray, horizon: int) -> np.ndarray:
    """The last month repeated (the baseline below 13 months); P10/P90 from the month-to-month changes,
    widened by √(months ahead)."""
    values = np.asarray(values, dtype=float)
    sd = float(np.sqrt(np.mean(np.diff(values) ** 2))) if len(values) > 1 else 0.0
    spread = Z80 * sd * np.sqrt(np.arange(1, horizon + 1))
    return np.column_stack([values[-1] - spread, np.repeat(values[-1], horizon), values[-1] + spread])


def growth_naive(values: np.ndarray, horizon: int, k: int, m: int = 12) -> np.ndarray:
    """Seasonal naive × the growth of the last ``k`` months over the same months a year before, per
    year ahead. P10/P90 from the rule's own in-sample log errors (month-to-month log changes when it
    has fewer than three), widened by √(years ahead). Needs ≥ m + k months of positive values."""
    values = np.asarray(values, dtype=float)
    k = max(1, min(k, len(values) - m))
    growth = values[-k:].sum() / values[-k - m : -m].sum()
    base, years = _ahead(values, horizon, m)
    p50 = base * growth**years
    errors = [
        np.log(values[t] / (values[t - m] * values[t - k : t].sum() / values[t - k - m : t - m].sum()))
        for t in range(m + k, len(values))
    ]
    if len(errors) < 3:
        errors = list(np.diff(np.log(values)))
    sd = max(float(np.sqrt(np.mean(np.square(errors)))), 1e-6)
    factor = np.exp(Z80 * sd * np.sqrt(years))
    return np.column_stack([p50 / factor, p50, p50 * factor])


def straight_line(values: np.ndarray, horizon: int) -> np.ndarray:
    """The goals' projection: least squares through the last six months, ``horizon`` months on (P50 only)."""
    recent = np.asarray(values, dtype=float)[-LINE_MONTHS:]
    x = np.arange(len(recent), dtype=float)
    slope, intercept = np.polyfit(x, recent, 1)
    return intercept + slope * (len(recent) + np.arange(horizon))


# ---------------------------------------------------------------- one series


def method_for(values: np.ndarray) -> str | None:
    """The method a series of these monthly values gets (module docstring); None when too short."""
    n = len(values)
    if n < MIN_MONTHS:
        return None
    median = float(np.median(values))
    if median <= 0 or np.min(values) <= POSITIVE_FLOOR * median:
        return "additive"
    return "seasonal" if n >= FULL_MONTHS else "short" if n >= SEASONAL_MONTHS else "minimal"


def predict(y: pd.Series, horizon: int) -> tuple[np.ndarray, str, dict[str, float]]:
    """(horizon, 3) P10/P50/P90 for monthly series ``y`` (DatetimeIndex, freq MS), the method, and the
    春节 regressors kept with their coefficients. ValueError when the series is too short."""
    y = y.asfreq("MS").astype(float)
    values = y.to_numpy()
    method = method_for(values)
    if method is None:
        raise ValueError("too_short")
    n = len(values)
    future = pd.date_range(y.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
    kept: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimisers; the backtest judges the fits
        if method == "seasonal":
            x, x_future = holiday_shares(y.index), holiday_shares(future)
            arima, coef = _sarimax(y, horizon, x, x_future, log=True)
            past, ahead = np.exp(x @ coef), np.exp(x_future @ coef)
            adjusted = y / past
            ets = _ets(
                adjusted,
                horizon,
                log=False,
                error="mul",
                trend="add",
                damped_trend=True,
                seasonal="mul",
                seasonal_periods=12,
            )
            naive = growth_naive(adjusted.to_numpy(), horizon, k=12)
            parts = [arima, ets * ahead[:, None], naive * ahead[:, None]]
            kept = {name: float(c) for name, c in zip(HOLIDAYS, coef, strict=True) if c != 0}
        elif method == "short":
            parts = [
                growth_naive(values, horizon, k=GROWTH_MONTHS_SHORT),
                _ets(y, horizon, log=True, error="add", trend="add", damped_trend=True),
            ]
        elif method == "minimal":
            parts = [_ets(y, horizon, log=True, error="add", trend="add", damped_trend=True)]
        elif n >= FULL_MONTHS:
            x, x_future = holiday_shares(y.index), holiday_shares(future)
            arima, coef = _sarimax(y, horizon, x, x_future, log=False)
            parts = [
                arima,
                _ets(
                    y,
                    horizon,
                    log=False,
                    error="add",
                    trend="add",
                    damped_trend=True,
                    seasonal="add",
                    seasonal_periods=12,
                ),
            ]
            kept = {name: float(c) for name, c in zip(HOLIDAYS, coef, strict=True) if c != 0}
        elif n >= SEASONAL_MONTHS:
            parts = [
                seasonal_naive(values, horizon),
                _ets(y, horizon, log=False, error="add", trend="add", damped_trend=True),
            ]
        else:
            parts = [_ets(y, horizon, log=False, error="add", trend="add", damped_trend=True)]
    quantiles = np.sort(np.mean(parts, axis=0), axis=1)  # quantile averaging keeps P10 ≤ P50 ≤ P90
    return np.clip(quantiles, 0.0, None), method, kept


def forecast_series(name: str, y: pd.Series, horizon: int) -> SeriesForecast:
    """One series' forecast (``reason`` set instead when it is too short or inactive)."""
    history = pd.DataFrame({"month": y.index, "revenue": y.to_numpy(dtype=float)})
    empty = pd.DataFrame(columns=["period", "p10", "p50", "p90"])
    if len(y) >= INACTIVE_MONTHS and not (y.iloc[-INACTIVE_MONTHS:] != 0).any():
        return SeriesForecast(name, None, len(y), empty, history, reason="inactive")
    if method_for(y.to_numpy(dtype=float)) is None:
        return SeriesForecast(name, None, len(y), empty, history, reason="too_short")
    quantiles, method, kept = predict(y, horizon)
    periods = pd.date_range(y.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
    frame = pd.DataFrame({"period": periods, "p10": quantiles[:, 0], "p50": quantiles[:, 1], "p90": quantiles[:, 2]})
    return SeriesForecast(name, method, len(y), frame, history, kept)


# ---------------------------------------------------------------- backtest


def backtest_series(
    name: str,
    y: pd.Series,
    *,
    origins: int = BACKTEST_ORIGINS,
    horizon: int = BACKTEST_HORIZON,
    model: Callable[[pd.Series, int], tuple[np.ndarray, str, dict[str, float]]] | None = None,
) -> pd.DataFrame:
    """Rolling-origin points of one series (columns of :class:`Backtest` ``points``); empty when the
    series is too short for even one origin. ``model`` replaces :func:`predict` (the bench's
    alternatives)."""
    model = model or predict
    values = y.to_numpy(dtype=float)
    n = len(values)
    first = max(n - horizon - origins + 1, MIN_MONTHS + 1)
    rows = []
    for o in range(first, n - horizon + 1):
        train = y.iloc[:o]
        past = values[:o]
        if method_for(past) is None:
            continue
        quantiles, method, _ = model(train, horizon)
        actual = values[o : o + horizon]
        m = 12 if o > 12 else 1
        scale = float(np.mean(np.abs(past[m:] - past[:-m])))
        baseline = seasonal_naive(past, horizon) if o > 12 else naive(past, horizon)
        line = straight_line(past, horizon) if o >= 3 else np.full(horizon, np.nan)
        for h in range(horizon):
            rows.append(
                {
                    "series": name,
                    "origin": y.index[o - 1],
                    "period": y.index[o + h],
                    "h": h + 1,
                    "actual": actual[h],
                    "p10": quantiles[h, 0],
                    "p50": quantiles[h, 1],
                    "p90": quantiles[h, 2],
                    "snaive": baseline[h, 1],
                    "snaive_p10": baseline[h, 0],
                    "snaive_p90": baseline[h, 2],
                    "line": line[h],
                    "scale": scale,
                    "method": method,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "series",
            "origin",
            "period",
            "h",
            "actual",
            "p10",
            "p50",
            "p90",
            "snaive",
            "snaive_p10",
            "snaive_p90",
            "line",
            "scale",
            "method",
        ],
    )


SUMMARY_COLUMNS = [
    "series",
    "points",
    "origins",
    "mase",
    "coverage",
    "snaive_mase",
    "snaive_coverage",
    "line_mase",
    "beats_snaive",
    "beats_line",
]


def summarize(points: pd.DataFrame) -> pd.DataFrame:
    """Per series: scored points and origins, MASE and P10–P90 coverage of the forecast and of the
    seasonal naive, MASE of the straight line, and whether the forecast's MASE is the lower one.
    A zero scale (a constant history) leaves that origin's MASE undefined."""
    rows = []
    for name, part in points.groupby("series", sort=False):
        scale = part["scale"].where(part["scale"] > 0)

        def mase(column: str, part: pd.DataFrame = part, scale: pd.Series = scale) -> float:
            errors = (part["actual"] - part[column]).abs() / scale
            return float(errors.mean()) if errors.notna().any() else float("nan")

        inside = (part["actual"] >= part["p10"]) & (part["actual"] <= part["p90"])
        naive_inside = (part["actual"] >= part["snaive_p10"]) & (part["actual"] <= part["snaive_p90"])
        ours, naive, line = mase("p50"), mase("snaive"), mase("line")
        rows.append(
            {
                "series": name,
                "points": len(part),
                "origins": part["origin"].nunique(),
                "mase": ours,
                "coverage": float(inside.mean()),
                "snaive_mase": naive,
                "snaive_coverage": float(naive_inside.mean()),
                "line_mase": line,
                "beats_snaive": bool(ours < naive),
                "beats_line": bool(ours < line),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def pooled(points: pd.DataFrame) -> dict[str, float]:
    """MASE and coverage over every scored point of every series (the bench's and the tests' figure)."""
    scale = points["scale"].where(points["scale"] > 0)
    out = {}
    for key, column in (("mase", "p50"), ("snaive_mase", "snaive"), ("line_mase", "line")):
        out[key] = float(((points["actual"] - points[column]).abs() / scale).mean())
    out["coverage"] = float(((points["actual"] >= points["p10"]) & (points["actual"] <= points["p90"])).mean())
    out["snaive_coverage"] = float(
        ((points["actual"] >= points["snaive_p10"]) & (points["actual"] <= points["snaive_p90"])).mean()
    )
    out["points"] = float(len(points))
    return out


# ---------------------------------------------------------------- datasets (kept per content)

_MEMO: OrderedDict[Hashable, object] = OrderedDict()
_RUNNING: dict[Hashable, threading.Event] = {}
_LOCK = threading.Lock()
MEMO_SIZE = 16


def _digest(history: pd.DataFrame, *extra: object) -> str:
    h = hashlib.sha256(repr(extra).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(history, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _kept(key: Hashable, compute: Callable[[], object]) -> object:
    """``compute()`` once per key in this process (a second caller of a running key waits for it)."""
    while True:
        with _LOCK:
            if key in _MEMO:
                _MEMO.move_to_end(key)
                return _MEMO[key]
            waiting = _RUNNING.get(key)
            if waiting is None:
                _RUNNING[key] = threading.Event()
                break
        waiting.wait()
    try:
        result = compute()
        with _LOCK:
            _MEMO[key] = result
            while len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
    finally:
        with _LOCK:
            _RUNNING.pop(key).set()
    return result


def forget() -> None:
    """Drop every kept result (tests, benches)."""
    with _LOCK:
        _MEMO.clear()


def check_horizon(horizon: int) -> int:
    if not HORIZON_MIN <= int(horizon) <= HORIZON_MAX:
        raise ValueError(f"horizon must be {HORIZON_MIN}..{HORIZON_MAX} months")
    return int(horizon)


def outlook(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    horizon: int = DEFAULT_HORIZON,
    train_end: dt.date | None = None,
    only: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> Outlook:
    """Forecast every series of ``dataset`` (the total and each channel), ``horizon`` months ahead.

    ``train_end``: use only the data up to that date (a backtest on one's own file). ``only``: the
    series to forecast (default all). ``progress``: called with the share done (0..1).
    """
    horizon = check_horizon(horizon)
    report = progress or (lambda share: None)
    history, last = monthly_history(con, dataset, train_end=train_end)
    series = {k: v for k, v in series_of(history).items() if only is None or k in only}

    def compute() -> Outlook:
        out = []
        for i, (name, y) in enumerate(series.items()):
            out.append(forecast_series(name, y, HORIZON_MAX))
            report((i + 1) / max(len(series), 1))
        return Outlook(dataset, last, HORIZON_MAX, tuple(out))

    # Fitted once for the longest horizon: a shorter one is its first months (the same fits).
    result: Outlook = _kept(("outlook", dataset, _digest(history, only)), compute)  # type: ignore[assignment]
    report(1.0)
    if horizon == result.horizon:
        return result
    return replace(
        result,
        horizon=horizon,
        series=tuple(replace(s, frame=s.frame.head(horizon).reset_index(drop=True)) for s in result.series),
    )


def backtest(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    origins: int = BACKTEST_ORIGINS,
    horizon: int = BACKTEST_HORIZON,
    only: tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> Backtest:
    """The rolling-origin backtest of every series (module docstring); ``only`` limits the series."""
    report = progress or (lambda share: None)
    history, _ = monthly_history(con, dataset)
    series = {k: v for k, v in series_of(history).items() if only is None or k in only}

    def compute() -> Backtest:
        parts = []
        for i, (name, y) in enumerate(series.items()):
            active = len(y) < INACTIVE_MONTHS or (y.iloc[-INACTIVE_MONTHS:] != 0).any()
            if active:
                parts.append(backtest_series(name, y, origins=origins, horizon=horizon))
            report((i + 1) / max(len(series), 1))
        points = pd.concat(parts, ignore_index=True) if parts else backtest_series("", pd.Series(dtype=float))
        return Backtest(dataset, origins, horizon, points, summarize(points))

    result = _kept(("backtest", dataset, _digest(history, origins, horizon, only)), compute)
    report(1.0)
    return result  # type: ignore[return-value]


def next_year(forecast: SeriesForecast) -> tuple[float, float]:
    """(revenue of the last 12 months of history, P50 sum of the next 12 months); NaN when unknown."""
    if not forecast.ok or len(forecast.frame) < 12 or len(forecast.history) < 12:
        return float("nan"), float("nan")
    return float(forecast.history["revenue"].iloc[-12:].sum()), float(forecast.frame["p50"].iloc[:12].sum())
