"""Predictive customer lifetime value (METRICS.md): BG/NBD for repeat purchases and P(alive),
Gamma-Gamma for spend per purchase, both fitted by maximum likelihood with scipy.

No extra library: the log-likelihoods are vectorised numpy with ``scipy.special`` (gammaln, betaln,
hyp2f1) and maximised with L-BFGS-B on the log of the parameters (so they stay positive).
Identical (x, t_x, T) rows are fitted once with a weight, which keeps a 100k-customer fit fast.

Units: time in weeks (days ÷ 7), as the published CDNOW fits; money in yuan. Inputs follow the
CDNOW summary: purchases aggregated per customer per day, x = repeat purchase days, t_x = first
to last purchase, T = first purchase to the calibration end, zbar = mean value of the repeat days.

12-month CLV = Σ_{m=1..12} E[purchases in month m] · E[spend per purchase] · margin ÷ 1.01^m,
with months of 365.25/12 days and a 1% monthly discount rate. ``margin`` is the dataset's gross
margin up to the as-of date (lines with a known cost) when it has cost, else 1 (revenue CLV).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from scipy import optimize, special

from metrics import cohorts
from metrics.db import query
from metrics.filters import Filters

DAYS_PER_WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK
HORIZON_MONTHS = 12
MONTHLY_DISCOUNT = 0.01
MIN_CUSTOMERS = 100  # fewer customers than this cannot support four BG/NBD parameters
MIN_REPEATERS = 30  # nor fewer repeat customers the Gamma-Gamma spend model
DEFAULT_HOLDOUT_WEEKS = 26  # the holdout check's default (the Customer value page's slider starts here)
CLV_COLUMNS = ["customer_id", "x", "t_x", "T", "zbar", "p_alive", "expected_purchases_12m", "clv_12m"]


@dataclass(frozen=True)
class BgNbd:
    """Fitted BG/NBD: purchase rate ~ Gamma(r, alpha) per week, dropout ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    iterations: int
    log_likelihood: float


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma spend model (mean spend per purchase = p·v ÷ (q − 1) for a new customer)."""

    p: float
    q: float
    v: float
    iterations: int
    log_likelihood: float


@dataclass(frozen=True)
class ClvResult:
    """Per-customer CLV at ``as_of``. ``ok`` False with ``reason`` (a translation key) when the data
    is too thin to fit; then ``customers`` is empty and the models are None."""

    as_of: dt.date
    ok: bool
    reason: str | None
    bgnbd: BgNbd | None
    gamma_gamma: GammaGamma | None
    margin: float | None
    customers: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Calibration:
    """Fit on purchases up to ``cal_end``, compare predicted and actual repeat purchase days in
    (cal_end, holdout_end] by calibration-period x bucket (0..6, "7+") and in total."""

    cal_end: dt.date
    holdout_end: dt.date
    ok: bool
    reason: str | None
    bgnbd: BgNbd | None
    buckets: pd.DataFrame = field(repr=False)
    actual_total: float | None
    predicted_total: float | None


def summary(
    con: duckdb.DuckDBPyConnection, dataset: str, *, cal_end: dt.date, holdout_end: dt.date | None = None
) -> pd.DataFrame:
    """BTYD inputs per customer: customer_id, x, t_x, T, zbar (weeks; yuan), holdout_x.

    Customers whose first purchase is after ``cal_end`` are left out. ``holdout_x`` counts purchase
    days in (cal_end, holdout_end] (0 without a holdout).
    """
    frame = query(con, "cust_btyd", dataset=dataset, cal_end=cal_end, holdout_end=holdout_end or cal_end)
    out = pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "x": frame["x"].astype("int64"),
            "t_x": frame["t_x_days"] / DAYS_PER_WEEK,
            "T": frame["T_days"] / DAYS_PER_WEEK,
            "zbar": frame["zbar"].astype("float64"),
            "holdout_x": frame["holdout_x"].astype("int64"),
        }
    )
    return out


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of the stacked columns and how often each occurs (the likelihood's weights)."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype("float64")


def _bgnbd_terms(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-row BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) computed in log space."""
    x1 = np.maximum(x, 1.0)  # keeps betaln's arguments positive where x = 0 (that term is unused)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
    first = special.betaln(a, b + x) - (r + x) * np.log(alpha + T)
    second = special.betaln(a + 1, b + x1 - 1) - (r + x) * np.log(alpha + t_x)
    return common + np.where(x > 0, np.logaddexp(first, second), first)


def _minimise(objective, start: np.ndarray) -> optimize.OptimizeResult:
    # log-parameters bounded to a sane range so a flat likelihood cannot run off to 0 or infinity
    bounds = [(-12.0, 12.0)] * len(start)
    return optimize.minimize(
        objective, start, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500, "ftol": 1e-12, "gtol": 1e-8}
    )


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> BgNbd:
    """Maximum-likelihood BG/NBD on (x, t_x, T) in weeks. Raises ValueError when it cannot fit."""
    (ux, utx, uT), weights = _compress(np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float))
    total = weights.sum()

    def objective(log_params: np.ndarray) -> float:
        value = -np.dot(weights, _bgnbd_terms(*np.exp(log_params), ux, utx, uT)) / total
        return value if np.isfinite(value) else 1e10

    result = _minimise(objective, np.zeros(4))
    if not np.isfinite(result.fun) or result.fun >= 1e10:
        raise ValueError("BG/NBD likelihood did not converge")
    r, alpha, a, b = np.exp(result.x)
    return BgNbd(float(r), float(alpha), float(a), float(b), int(result.nit), float(-result.fun * total))


def fit_gamma_gamma(x: np.ndarray, zbar: np.ndarray) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma on repeat customers (x > 0 and zbar > 0 are kept)."""
    keep = (np.asarray(x) > 0) & (np.asarray(zbar) > 0)
    (ux, um), weights = _compress(np.asarray(x, float)[keep], np.asarray(zbar, float)[keep])
    total = weights.sum()
    if total == 0:
        raise ValueError("no repeat customers with positive spend")

    def objective(log_params: np.ndarray) -> float:
        p, q, v = np.exp(log_params)
        px = p * ux
        ll = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(um)
            + px * np.log(ux)
            - (px + q) * np.log(ux * um + v)
        )
        value = -np.dot(weights, ll) / total
        return value if np.isfinite(value) else 1e10

    result = _minimise(objective, np.zeros(3))
    p, q, v = np.exp(result.x)
    return GammaGamma(float(p), float(q), float(v), int(result.nit), float(-result.fun * total))


def p_alive(m: BgNbd, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still alive at T | x, t_x, T); 1 for customers without a repeat purchase (BG/NBD)."""
    x = np.asarray(x, float)
    x1 = np.maximum(x, 1.0)
    log_ratio = np.log(m.a) - np.log(m.b + x1 - 1) + (m.r + x) * (np.log(m.alpha + T) - np.log(m.alpha + t_x))
    return np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_ratio, 700.0))), 1.0)


def expected_purchases(m: BgNbd, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E[repeat purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10), t in weeks."""
    if t <= 0:
        return np.zeros(len(x))
    x = np.asarray(x, float)
    T = np.asarray(T, float)
    z = t / (m.alpha + T + t)
    hyp = special.hyp2f1(m.r + x, m.b + x, m.a + m.b + x - 1, z)
    core = (m.a + m.b + x - 1) / (m.a - 1) * (1 - ((m.alpha + T) / (m.alpha + T + t)) ** (m.r + x) * hyp)
    return core * p_alive(m, x, t_x, T)


def expected_spend(g: GammaGamma, x: np.ndarray, zbar: np.ndarray) -> np.ndarray:
    """E[spend per purchase | x, zbar] (Fader, Hardie & Lee 2005b); the population mean at x = 0."""
    x = np.asarray(x, float)
    zbar = np.where(x > 0, np.asarray(zbar, float), 0.0)
    return (g.p * (g.v + x * zbar)) / (g.p * x + g.q - 1)


def discounted_clv(
    m: BgNbd,
    g: GammaGamma,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    zbar: np.ndarray,
    *,
    margin: float = 1.0,
    months: int = HORIZON_MONTHS,
    monthly_discount: float = MONTHLY_DISCOUNT,
) -> tuple[np.ndarray, np.ndarray]:
    """(expected purchases over ``months``, discounted value over ``months``) per customer."""
    cumulative = [expected_purchases(m, k * WEEKS_PER_MONTH, x, t_x, T) for k in range(months + 1)]
    spend = expected_spend(g, x, zbar) * margin
    value = sum((cumulative[k] - cumulative[k - 1]) * spend / (1 + monthly_discount) ** k for k in range(1, months + 1))
    return cumulative[months], value


def _too_thin(frame: pd.DataFrame) -> str | None:
    if len(frame) < MIN_CUSTOMERS:
        return "clv_thin_customers"
    if int(((frame["x"] > 0) & (frame["zbar"] > 0)).sum()) < MIN_REPEATERS:
        return "clv_thin_repeaters"
    if frame["T"].max() <= 0:
        return "clv_thin_history"
    return None


def fit(con: duckdb.DuckDBPyConnection, dataset: str, *, cal_end: dt.date) -> dict[str, float | int | str]:
    """Both models fitted on purchases up to ``cal_end``: the CLI's ``fit-clv`` JSON.

    Keys r, alpha, a, b, p, q, v, customers, repeat_customers, bgnbd_iterations, gg_iterations,
    time_unit ("weeks"). Raises ValueError when the data is too thin.
    """
    frame = summary(con, dataset, cal_end=cal_end)
    reason = _too_thin(frame)
    if reason:
        raise ValueError(reason)
    m = fit_bgnbd(frame["x"].to_numpy(), frame["t_x"].to_numpy(), frame["T"].to_numpy())
    g = fit_gamma_gamma(frame["x"].to_numpy(), frame["zbar"].to_numpy())
    return {
        "r": m.r,
        "alpha": m.alpha,
        "a": m.a,
        "b": m.b,
        "p": g.p,
        "q": g.q,
        "v": g.v,
        "customers": len(frame),
        "repeat_customers": int((frame["x"] > 0).sum()),
        "bgnbd_iterations": m.iterations,
        "gg_iterations": g.iterations,
        "time_unit": "weeks",
        "calibration_end": cal_end.isoformat(),
    }


def customer_value(con: duckdb.DuckDBPyConnection, dataset: str, *, as_of: dt.date) -> ClvResult:
    """P(alive), expected purchases and discounted CLV over 12 months per customer, as of ``as_of``.

    ``customers`` columns: customer_id, x, t_x, T, zbar, p_alive, expected_purchases_12m, clv_12m,
    expected_spend, acquisition_channel. clv_12m is gross-profit CLV when the dataset has cost
    (margin applied), revenue CLV otherwise.
    """
    frame = summary(con, dataset, cal_end=as_of)
    reason = _too_thin(frame)
    if reason:
        return ClvResult(as_of, False, reason, None, None, None, pd.DataFrame(columns=CLV_COLUMNS))
    x, t_x, T, zbar = (frame[c].to_numpy() for c in ("x", "t_x", "T", "zbar"))
    try:
        m = fit_bgnbd(x, t_x, T)
        g = fit_gamma_gamma(x, zbar)
    except ValueError:
        return ClvResult(as_of, False, "clv_no_fit", None, None, None, pd.DataFrame(columns=CLV_COLUMNS))
    if g.q <= 1:  # the mean spend p·v ÷ (q − 1) does not exist
        return ClvResult(as_of, False, "clv_no_fit", m, g, None, pd.DataFrame(columns=CLV_COLUMNS))
    margin = query(con, "cust_margin", dataset=dataset, as_of=as_of)["margin"].iloc[0]
    margin = None if pd.isna(margin) else float(margin)
    purchases, value = discounted_clv(m, g, x, t_x, T, zbar, margin=1.0 if margin is None else margin)
    out = frame.drop(columns="holdout_x").assign(
        p_alive=p_alive(m, x, t_x, T),
        expected_purchases_12m=purchases,
        clv_12m=value,
        expected_spend=expected_spend(g, x, zbar),
    )
    out = out.merge(
        cohorts.acquisition(con, dataset)[["customer_id", "acquisition_channel"]], on="customer_id", how="left"
    )
    return ClvResult(as_of, True, None, m, g, margin, out)


def calibration(con: duckdb.DuckDBPyConnection, dataset: str, *, cal_end: dt.date, holdout_end: dt.date) -> Calibration:
    """Holdout check: fit BG/NBD up to ``cal_end``, predict repeat purchase days in the holdout.

    ``buckets`` columns: x (calibration repeat days, "7+" pooled), customers, actual, predicted
    (means per customer).
    """
    empty = pd.DataFrame(columns=["x", "customers", "actual", "predicted"])
    frame = summary(con, dataset, cal_end=cal_end, holdout_end=holdout_end)
    reason = _too_thin(frame) if holdout_end > cal_end else "clv_thin_holdout"
    if reason:
        return Calibration(cal_end, holdout_end, False, reason, None, empty, None, None)
    x, t_x, T = (frame[c].to_numpy() for c in ("x", "t_x", "T"))
    try:
        m = fit_bgnbd(x, t_x, T)
    except ValueError:
        return Calibration(cal_end, holdout_end, False, "clv_no_fit", None, empty, None, None)
    weeks = (holdout_end - cal_end).days / DAYS_PER_WEEK
    frame = frame.assign(predicted=expected_purchases(m, weeks, x, t_x, T), bucket=np.minimum(frame["x"], 7))
    buckets = frame.groupby("bucket", as_index=False).agg(
        customers=("customer_id", "size"), actual=("holdout_x", "mean"), predicted=("predicted", "mean")
    )
    buckets["x"] = buckets["bucket"].map(lambda b: "7+" if b >= 7 else str(b))
    return Calibration(
        cal_end,
        holdout_end,
        True,
        None,
        m,
        buckets[["x", "customers", "actual", "predicted"]],
        float(frame["holdout_x"].sum()),
        float(frame["predicted"].sum()),
    )


def channel_value(result: ClvResult, acquisition_cost: pd.DataFrame) -> pd.DataFrame:
    """CLV by acquisition channel beside the cost of acquiring a customer there.

    Columns: channel, customers, clv_mean, clv_total, p_alive_mean, marketing_cost, new_customers,
    cac (marketing ÷ new customers; NaN without cost or new customers), clv_to_cac (NaN without cac).
    ``acquisition_cost`` is :func:`acquisition_cost`'s frame.
    """
    if not result.ok:
        return pd.DataFrame(
            columns=[
                "channel",
                "customers",
                "clv_mean",
                "clv_total",
                "p_alive_mean",
                "marketing_cost",
                "new_customers",
                "cac",
                "clv_to_cac",
            ]
        )
    by = (
        result.customers.groupby("acquisition_channel", as_index=False)
        .agg(
            customers=("customer_id", "size"),
            clv_mean=("clv_12m", "mean"),
            clv_total=("clv_12m", "sum"),
            p_alive_mean=("p_alive", "mean"),
        )
        .rename(columns={"acquisition_channel": "channel"})
    )
    out = by.merge(acquisition_cost, on="channel", how="left")
    new = out["new_customers"].where(out["new_customers"] > 0)
    out["cac"] = out["marketing_cost"] / new
    out["clv_to_cac"] = out["clv_mean"] / out["cac"].where(out["cac"] > 0)
    return out.sort_values("clv_total", ascending=False, ignore_index=True)


def acquisition_cost(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per channel in the period: new_customers and marketing_cost (NaN when the channel has none)."""
    return query(con, "cust_acquisition_cost", **f.params())


def for_customer(result: ClvResult, customer_id: str) -> dict[str, float] | None:
    """One customer's row of the fit (x, t_x, T, zbar, p_alive, expected_purchases_12m, clv_12m...),
    or None when the customer is not in it (first order after the as-of date, or no fit)."""
    if not result.ok:
        return None
    hit = result.customers[result.customers["customer_id"] == customer_id]
    return None if hit.empty else hit.iloc[0].to_dict()
