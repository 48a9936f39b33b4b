"""Hill response curves: evaluation, fitting with scipy, the "assumed" fallback and sampling.

A curve maps *monthly* spend s (yuan) to a monthly outcome (METRICS.md "Budget what-if"):

- channel: revenue(s) = beta · hill(s), hill(s) = s^alpha / (s^alpha + kappa^alpha);
- CRM programme: relative churn reduction(s) = max_reduction · hill(s), so
  churn(s) = churn0 · (1 − max_reduction · hill(s)).

Both share one shape, so a :class:`Curve` stores ``top`` (beta in yuan, or max_reduction as a
fraction), ``alpha`` (shape; S-shaped when > 1) and ``kappa`` (half-saturation spend, yuan/month).

Fitting is bounded least squares on log parameters from several starts (the S-shaped case has
local optima). A fit is *poor* — and an assumed curve is used instead — when fewer than
``MIN_MONTHS`` months carry spend, the least squares did not converge, R² < ``MIN_R2``, or a
parameter ends within 1% (in log terms) of its bound (the data do not pin it down).

The assumed curve goes through the current operating point (s0, y0) with elasticity
d ln y / d ln s = 0.3: with alpha = 1 the elasticity is 1 − hill(s0), so hill(s0) = 0.7,
kappa = s0 · 0.3 / 0.7 and beta = y0 / 0.7. For CRM the level y0 is unknown, so the assumed
max_reduction is ``ASSUMED_MAX_REDUCTION`` (0.2) — a stated guess the manager can override.

Uncertainty: ``samples`` holds ``N_SAMPLES`` parameter draws (top, alpha, kappa) from the fit's
Gaussian approximation in log space (covariance s²·(JᵀJ)⁻¹ of the residual Jacobian), with a fixed
seed; assumed curves get a wide fixed spread (log sd ``ASSUMED_LOG_SD``), manual ones none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import least_squares

MIN_MONTHS = 6
MIN_R2 = 0.3
ELASTICITY = 0.3
ASSUMED_MAX_REDUCTION = 0.2
ASSUMED_LOG_SD = 0.3
N_SAMPLES = 400
SEED = 20251231
_AT_BOUND = 0.01  # log distance to a bound that counts as "at the bound"

SOURCES = ("fitted", "assumed", "manual", "none")


def hill(s: np.ndarray | float, alpha: np.ndarray | float, kappa: np.ndarray | float) -> np.ndarray:
    """s^alpha / (s^alpha + kappa^alpha) in 0..1, written as 1 / (1 + (kappa/s)^alpha) to avoid overflow.

    Broadcasts over its arguments. s ≤ 0 gives 0 (no spend, no effect).
    """
    s = np.asarray(s, dtype=float)
    safe = np.where(s > 0, s, 1.0)
    with np.errstate(over="ignore", divide="ignore"):
        value = 1.0 / (1.0 + np.power(np.asarray(kappa, dtype=float) / safe, alpha))
    return np.where(s > 0, value, 0.0)


def hill_slope(s: np.ndarray | float, alpha: np.ndarray | float, kappa: np.ndarray | float) -> np.ndarray:
    """d hill / d s per yuan of monthly spend: alpha · h · (1 − h) / s (0 at s = 0 unless alpha < 1)."""
    s = np.asarray(s, dtype=float)
    h = hill(s, alpha, kappa)
    safe = np.where(s > 0, s, 1.0)
    slope = np.asarray(alpha, dtype=float) * h * (1.0 - h) / safe
    # At s = 0 the slope is 0 for alpha > 1, 1/kappa for alpha = 1 and unbounded below 1; a tiny
    # positive spend stands in for 0 so the optimizer sees the right order of magnitude.
    tiny = np.asarray(kappa, dtype=float) * 1e-6
    at_zero = np.asarray(alpha, dtype=float) * hill(tiny, alpha, kappa) * (1 - hill(tiny, alpha, kappa)) / tiny
    return np.where(s > 0, slope, at_zero)


@dataclass(frozen=True, eq=False)
class Curve:
    """One lever's response curve in monthly units.

    ``source`` is fitted | assumed | manual | none ("none": no spend history and no manual curve,
    the lever returns nothing until a manager enters one). ``reason`` says why a curve is assumed
    (``few_months``, ``poor_fit``, ``at_bound``, ``no_convergence``). ``r2``/``rmse`` describe the fit
    on the outcome's own scale (revenue in yuan, churn as a rate); None when not fitted.
    """

    top: float
    alpha: float
    kappa: float
    source: str
    reason: str | None = None
    r2: float | None = None
    rmse: float | None = None
    months: int = 0
    samples: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)), repr=False)

    def response(self, s: np.ndarray | float) -> np.ndarray:
        return self.top * hill(s, self.alpha, self.kappa)

    def slope(self, s: np.ndarray | float) -> np.ndarray:
        return self.top * hill_slope(s, self.alpha, self.kappa)

    def draws(self) -> np.ndarray:
        """(N_SAMPLES, 3) parameter draws; the point estimate repeated when there is no uncertainty."""
        if len(self.samples):
            return self.samples
        return np.tile([self.top, self.alpha, self.kappa], (N_SAMPLES, 1))


NO_CURVE = Curve(0.0, 1.0, 1.0, "none")


def manual(top: float, alpha: float, kappa: float) -> Curve:
    """A manager's curve: taken as given, no uncertainty. Non-positive values raise ValueError."""
    if not (top > 0 and alpha > 0 and kappa > 0):
        raise ValueError("curve parameters must be positive")
    return Curve(float(top), float(alpha), float(kappa), "manual")


def _rng(salt: int) -> np.random.Generator:
    return np.random.default_rng([SEED, salt])


def _log_normal_draws(center: np.ndarray, cov: np.ndarray, salt: int) -> np.ndarray:
    z = _rng(salt).standard_normal((N_SAMPLES, len(center)))
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    return np.exp(center + z @ root.T)


def assumed(s0: float, y0: float | None, *, crm: bool = False, reason: str | None = None, months: int = 0,
            salt: int = 0) -> Curve:
    """The curve through (s0, y0) with elasticity 0.3 (module docstring); NO_CURVE when s0 ≤ 0.

    For CRM ``y0`` is ignored and max_reduction is ``ASSUMED_MAX_REDUCTION``.
    """
    if not s0 or s0 <= 0 or (not crm and (y0 is None or not np.isfinite(y0) or y0 <= 0)):
        return replace(NO_CURVE, reason=reason, months=months)
    h0 = 1.0 - ELASTICITY
    top = ASSUMED_MAX_REDUCTION if crm else float(y0) / h0
    kappa = s0 * ELASTICITY / h0
    center = np.log([top, 1.0, kappa])
    cov = np.diag([ASSUMED_LOG_SD**2, 0.0, ASSUMED_LOG_SD**2])
    draws = _log_normal_draws(center, cov, salt)
    if crm:
        draws[:, 0] = np.minimum(draws[:, 0], 0.95)
    return Curve(top, 1.0, kappa, "assumed", reason=reason, months=months, samples=draws)


@dataclass(frozen=True)
class _Fit:
    theta: np.ndarray
    cov: np.ndarray
    success: bool
    at_bound: bool
    r2: float
    rmse: float


def _best_fit(residuals, predict, y: np.ndarray, starts: list[np.ndarray], lower: np.ndarray,
              upper: np.ndarray) -> _Fit:
    """Least squares from every start; keep the lowest cost. Covariance from the Jacobian."""
    best = None
    for start in starts:
        x0 = np.clip(start, lower + 1e-6, upper - 1e-6)
        try:
            result = least_squares(residuals, x0, bounds=(lower, upper), method="trf", x_scale="jac", max_nfev=400)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if best is None or result.cost < best.cost:
            best = result
    if best is None:
        return _Fit(np.zeros_like(lower), np.eye(len(lower)), False, True, float("nan"), float("nan"))
    n, k = len(best.fun), len(best.x)
    s2 = float(best.fun @ best.fun) / max(n - k, 1)
    try:
        cov = np.linalg.pinv(best.jac.T @ best.jac) * s2
    except np.linalg.LinAlgError:
        cov = np.eye(k)
    at_bound = bool(np.any(np.minimum(best.x - lower, upper - best.x) < _AT_BOUND))
    fitted = predict(best.x)
    sse = float(np.sum((y - fitted) ** 2))
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - sse / sst if sst > 0 else float("nan")
    return _Fit(best.x, cov, bool(best.success), at_bound, r2, float(np.sqrt(sse / n)))


def _quality(fit: _Fit, months: int) -> str | None:
    if months < MIN_MONTHS:
        return "few_months"
    if not fit.success:
        return "no_convergence"
    if not np.isfinite(fit.r2) or fit.r2 < MIN_R2:
        return "poor_fit"
    if fit.at_bound:
        return "at_bound"
    return None


def fit_channel(spend: np.ndarray, revenue: np.ndarray, *, current: tuple[float, float] | None = None,
                salt: int = 0) -> Curve:
    """Fit revenue = beta · hill(spend) to monthly history (yuan), or fall back to the assumed curve.

    Months with no spend or no revenue are left out (log residuals: the demo's and most real noise
    is multiplicative). ``current`` = (mean monthly spend, mean monthly revenue) over the last 12
    months, the operating point the assumed curve goes through.
    """
    spend, revenue = np.asarray(spend, dtype=float), np.asarray(revenue, dtype=float)
    keep = (spend > 0) & (revenue > 0) & np.isfinite(spend) & np.isfinite(revenue)
    s, y = spend[keep], revenue[keep]
    months = int(keep.sum())
    s0, y0 = current if current else ((s.mean(), y.mean()) if months else (0.0, 0.0))
    if months < MIN_MONTHS:
        return assumed(s0, y0, reason="few_months", months=months, salt=salt)
    log_y, y_max, s_med = np.log(y), y.max(), float(np.median(s))
    lower = np.log([y_max * 0.5, 0.3, s.min() * 0.01])
    upper = np.log([y_max * 50.0, 4.0, s.max() * 100.0])

    def predict(theta: np.ndarray) -> np.ndarray:
        return np.exp(theta[0]) * hill(s, np.exp(theta[1]), np.exp(theta[2]))

    def residuals(theta: np.ndarray) -> np.ndarray:
        return np.log(np.maximum(predict(theta), 1e-300)) - log_y

    starts = []
    for alpha in (0.7, 1.2, 2.0, 3.0):
        for ratio in (0.3, 1.0, 3.0):
            kappa = s_med * ratio
            h_max = float(hill(s.max(), alpha, kappa))
            starts.append(np.log([max(y_max / max(h_max, 1e-3), y_max * 0.51), alpha, kappa]))
    fit = _best_fit(residuals, predict, y, starts, lower, upper)
    problem = _quality(fit, months)
    if problem:
        return assumed(s0, y0, reason=problem, months=months, salt=salt)
    draws = _log_normal_draws(fit.theta, fit.cov, salt)
    top, alpha, kappa = np.exp(fit.theta)
    return Curve(float(top), float(alpha), float(kappa), "fitted", r2=fit.r2, rmse=fit.rmse, months=months,
                 samples=draws)


def fit_crm(spend: np.ndarray, churn: np.ndarray, *, current_spend: float | None = None, salt: int = 0) -> tuple[Curve, float | None]:
    """Fit churn = churn0 · (1 − max_reduction · hill(spend)) to monthly (spend, churn rate) pairs.

    Returns the curve (reduction scale) and the fitted churn0 (None when assumed). Months without
    spend or churn are left out; churn is a rate in 0..1. Falls back to :func:`assumed` (crm=True).
    """
    spend, churn = np.asarray(spend, dtype=float), np.asarray(churn, dtype=float)
    keep = (spend > 0) & np.isfinite(churn) & (churn > 0) & np.isfinite(spend)
    s, y = spend[keep], churn[keep]
    months = int(keep.sum())
    s0 = current_spend if current_spend is not None else (s.mean() if months else 0.0)
    if months < MIN_MONTHS:
        return assumed(s0, None, crm=True, reason="few_months", months=months, salt=salt), None
    lower = np.array([np.log(y.max() * 0.8), np.log(0.01), np.log(0.3), np.log(s.min() * 0.05)])
    upper = np.array([np.log(min(y.max() * 5.0, 1.0) + 1e-9), np.log(0.9), np.log(4.0), np.log(s.max() * 20.0)])

    def predict(theta: np.ndarray) -> np.ndarray:
        c0, mr, alpha, kappa = np.exp(theta)
        return c0 * (1.0 - mr * hill(s, alpha, kappa))

    def residuals(theta: np.ndarray) -> np.ndarray:
        return predict(theta) - y

    starts = [np.log([y.max() * 1.1, mr, alpha, np.median(s)]) for mr in (0.1, 0.3) for alpha in (1.0, 2.0)]
    fit = _best_fit(residuals, predict, y, starts, lower, upper)
    problem = _quality(fit, months)
    if problem:
        return assumed(s0, None, crm=True, reason=problem, months=months, salt=salt), None
    draws = _log_normal_draws(fit.theta[1:], fit.cov[1:, 1:], salt)
    draws[:, 0] = np.minimum(draws[:, 0], 0.95)
    c0, mr, alpha, kappa = np.exp(fit.theta)
    curve = Curve(float(mr), float(alpha), float(kappa), "fitted", r2=fit.r2, rmse=fit.rmse, months=months,
                  samples=draws)
    return curve, float(c0)
