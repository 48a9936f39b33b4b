"""Response curves of the budget levers, in annual terms, and where each one comes from.

A :class:`Curve` maps a lever's *annual* spend A (yuan, spread evenly over the year) to an annual
response (METRICS.md "Budget what-if"):

- channel: incremental revenue (yuan/year) = top · hill(A; alpha, kappa). An evenly spread plan
  reaches the steady state x = s / (1 − theta) of the adstock, so a curve fitted per period
  (beta, alpha, kappa on the adstocked spend, theta; P periods a year) becomes
  top = P · beta and kappa_annual = P · (1 − theta) · kappa (:func:`annual`);
- CRM programme: customers retained per year = top · hill(A; alpha, kappa), where top = reach ×
  the largest uplift in the 180-day repurchase rate (holdout-measured programmes) or the active
  base × churn × the largest relative churn reduction (programmes fitted on lapse rates, assumed).

Sources (``SOURCES``): ``fitted`` (the response model, :mod:`metrics.budget.mmm`), ``calibrated``
(fitted with lift tests), ``holdout`` (CRM uplift measured on control groups), ``manual`` (a
manager's curve), ``assumed`` (no usable fit: the data are too thin, or the fit failed a
plausibility check; ``reason`` says which), ``none`` (no spend history and no manual curve).

The assumed curve goes through the current operating point with elasticity 0.3: alpha = 1 and
hill(A0) = 0.7, so kappa = A0 · 0.3 / 0.7. A channel's incremental revenue there is
(1 − ``ASSUMED_BASELINE_SHARE``) of its revenue, so marginal ROAS = 0.3 · 0.3 · revenue ÷ spend; a
CRM programme then retains ``ASSUMED_MAX_REDUCTION`` × 0.7 of the churners. Both are stated
guesses, shown as such, and the optimizer keeps an assumed lever within ±20% of today's spend.

Uncertainty: ``samples`` holds ``N_SAMPLES`` draws of (top, alpha, kappa) from the fit's Gaussian
(Laplace) approximation; assumed curves get a log-sd of ``ASSUMED_LOG_SD`` on top and kappa,
manual ones none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from metrics.budget import mmm

ELASTICITY = 0.3
ASSUMED_BASELINE_SHARE = 0.7
ASSUMED_MAX_REDUCTION = 0.2
ASSUMED_LOG_SD = 0.3
N_SAMPLES = mmm.N_DRAWS
SEED = 20251231
MIN_MONTHS = 6  # a CRM lapse fit needs this many months with spend
_AT_BOUND = 0.01  # log distance to a bound that counts as "at the bound" (lapse fits)

SOURCES = ("fitted", "calibrated", "holdout", "manual", "assumed", "none")
REASONS = (
    "few_periods",
    "no_convergence",
    "at_bound",
    "mroas_high",
    "baseline_low",
    "weak",
    "poor_fit",
    "holdout_unclear",
)

hill = mmm.hill
hill_slope = mmm.hill_slope


@dataclass(frozen=True)
class Provenance:
    """How a curve was found, for the pages and the CLI (all optional).

    ``grain`` week | month; ``periods`` with spend; ``series``: the revenue the lever's fit used (its
    channel, or ``*`` for the sales no channel lever claims); the fit's own ``theta``, ``beta``,
    ``alpha`` and ``kappa`` per period (also when an implausible fit gave way to the assumed curve);
    ``baseline_share`` (P10, P50, P90) of that series; ``r2`` of the series fit; ``lifts``
    used; ``flags`` the fit raised. For holdout curves: ``campaigns`` used, ``reach`` (contacts a year)
    and ``uplift`` (P10, P50, P90) at the current spend.
    """

    grain: str | None = None
    periods: int = 0
    series: str | None = None
    theta: float | None = None
    beta: float | None = None
    kappa: float | None = None
    baseline_share: tuple[float, float, float] | None = None
    r2: float | None = None
    lifts: int = 0
    flags: tuple[str, ...] = ()
    campaigns: int = 0
    reach: float | None = None
    uplift: tuple[float, float, float] | None = None
    alpha: float | None = None


@dataclass(frozen=True, eq=False)
class Curve:
    """One lever's annual response curve (module docstring); ``reason`` says why it is assumed."""

    top: float
    alpha: float
    kappa: float
    source: str
    reason: str | None = None
    samples: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)), repr=False)
    fit: Provenance = field(default_factory=Provenance)

    def response(self, spend: np.ndarray | float) -> np.ndarray:
        return self.top * hill(spend, self.alpha, self.kappa)

    def slope(self, spend: np.ndarray | float) -> np.ndarray:
        return self.top * hill_slope(spend, self.alpha, self.kappa)

    def draws(self) -> np.ndarray:
        """(N_SAMPLES, 3) parameter draws; the point estimate repeated when there is no uncertainty."""
        if len(self.samples):
            return self.samples
        return np.tile([self.top, self.alpha, self.kappa], (N_SAMPLES, 1))


NO_CURVE = Curve(0.0, 1.0, 1.0, "none")


def manual(top: float, alpha: float, kappa: float) -> Curve:
    """A manager's curve (annual terms): taken as given, no uncertainty. Non-positive values raise ValueError."""
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


def assumed(
    current: float, level: float | None, *, reason: str | None, salt: int = 0, fit: Provenance | None = None
) -> Curve:
    """The curve through the current operating point with elasticity 0.3 (module docstring).

    ``current`` = annual spend; ``level`` = the response it buys there (a channel's incremental
    revenue, a programme's retained customers). NO_CURVE when either is not positive.
    """
    if not current or current <= 0 or level is None or not np.isfinite(level) or level <= 0:
        return Curve(0.0, 1.0, 1.0, "none", reason=reason, fit=fit or Provenance())
    h0 = 1.0 - ELASTICITY
    top, kappa = float(level) / h0, current * ELASTICITY / h0
    draws = _log_normal_draws(np.log([top, 1.0, kappa]), np.diag([ASSUMED_LOG_SD**2, 0.0, ASSUMED_LOG_SD**2]), salt)
    return Curve(top, 1.0, kappa, "assumed", reason=reason, samples=draws, fit=fit or Provenance())


def annual(params: np.ndarray, per_year: int) -> np.ndarray:
    """(..., 4) per-period (beta, alpha, kappa, theta) → (..., 3) annual (top, alpha, kappa): module docstring."""
    params = np.asarray(params, dtype=float)
    beta, alpha, kappa, theta = (params[..., i] for i in range(4))
    return np.stack([per_year * beta, alpha, per_year * (1.0 - theta) * kappa], axis=-1)


def from_fit(
    result: mmm.Fit,
    m: int,
    *,
    series: str,
    periods: int,
    reason: str | None,
    current: float,
    revenue: float,
    salt: int = 0,
) -> Curve:
    """Lever ``m`` of a response-model fit as an annual curve.

    A plausible fit is ``fitted`` (``calibrated`` with lift tests). Flags (``mmm.flags``) make it
    ``assumed``: implausible fits (no convergence, at a bound, marginal ROAS above 10, baseline under
    20%) give way to the assumed curve through today's spend; a weakly identified one keeps its
    fitted shape but is labelled assumed (so the guardrail applies). ``reason`` overrides the flags.
    """
    flags = mmm.flags(result)[m]
    p10, p50, p90 = result.quantiles(result.baseline_share_draws)
    provenance = Provenance(
        result.grain.name,
        periods,
        series,
        float(result.params[m, 3]),
        float(result.params[m, 0]),
        float(result.params[m, 2]),
        (p10, p50, p90),
        result.r2,
        result.lifts,
        flags,
        alpha=float(result.params[m, 1]),
    )
    why = reason or (flags[0] if flags else None)
    top, alpha, kappa = annual(result.params[m], result.grain.per_year)
    if why is None or why == "weak":
        source = "assumed" if why else ("calibrated" if result.lifts else "fitted")
        return Curve(
            float(top),
            float(alpha),
            float(kappa),
            source,
            why,
            annual(result.draws[:, m], result.grain.per_year),
            provenance,
        )
    return assumed(current, (1.0 - ASSUMED_BASELINE_SHARE) * revenue, reason=why, salt=salt, fit=provenance)


# --- CRM --------------------------------------------------------------------------------------

PRIOR_LOG_ALPHA = (np.log(1.5), 0.5)
PRIOR_LOG_KAPPA = 0.7  # sd of log(kappa ÷ mean spend)


def fit_uplift(
    spend: np.ndarray, uplift: np.ndarray, se: np.ndarray, *, salt: int = 0
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Fit uplift(s) = u_max · hill(s; alpha, kappa) to per-campaign holdout uplifts (monthly spend s).

    Parameterised by the uplift at the mean spend (linear: what the campaigns measure, with a normal
    error) and log alpha, log kappa with weak priors (log alpha ~ N(log 1.5, 0.5), log kappa ~ N(log
    mean spend, 0.7)): the campaigns pin the level near the usual spend, the spread of spend between
    months the slope as far as it can. Weighted least squares, then Laplace draws in the same terms.
    Returns (u_max, alpha, kappa), (N_SAMPLES, 3) draws of them, and whether it converged.
    """
    spend, uplift, se = (np.asarray(v, dtype=float) for v in (spend, uplift, se))
    mean = float(spend.mean())
    lower = np.array([0.0, np.log(0.3), np.log(mean * 0.02)])
    upper = np.array([1.0, np.log(4.0), np.log(mean * 50.0)])

    def curve(theta: np.ndarray, s: np.ndarray) -> np.ndarray:
        level, alpha, kappa = theta[..., :1], np.exp(theta[..., 1:2]), np.exp(theta[..., 2:3])
        return level * hill(s, alpha, kappa) / hill(mean, alpha, kappa)

    def residuals(theta: np.ndarray) -> np.ndarray:
        prior = [(theta[1] - PRIOR_LOG_ALPHA[0]) / PRIOR_LOG_ALPHA[1], (theta[2] - np.log(mean)) / PRIOR_LOG_KAPPA]
        return np.concatenate([(curve(theta, spend) - uplift) / se, prior])

    level = float(np.clip(np.average(uplift, weights=1 / se**2), 1e-6, 1 - 1e-6))
    start = np.clip(np.array([level, np.log(1.5), np.log(mean)]), lower + 1e-9, upper - 1e-9)
    result = least_squares(residuals, start, bounds=(lower, upper), method="trf", x_scale="jac", max_nfev=400)
    cov = np.linalg.pinv(result.jac.T @ result.jac)
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    z = _rng(salt).standard_normal((N_SAMPLES, 3))
    theta = np.clip(result.x + z @ (vectors * np.sqrt(np.clip(values, 0.0, None))).T, lower, upper)

    def as_curve(t: np.ndarray) -> np.ndarray:
        alpha, kappa = np.exp(t[..., 1]), np.exp(t[..., 2])
        return np.stack([np.minimum(t[..., 0] / hill(mean, alpha, kappa), 1.0), alpha, kappa], axis=-1)

    return as_curve(result.x), as_curve(theta), bool(result.success)


def fit_crm(spend: np.ndarray, churn: np.ndarray, *, salt: int = 0) -> tuple[np.ndarray, float, np.ndarray] | None:
    """Fit churn = churn0 · (1 − max_reduction · hill(spend)) to monthly (spend, lapse rate) pairs.

    Returns ((max_reduction, alpha, kappa per month), churn0, (N_SAMPLES, 3) draws) or None when
    there are fewer than MIN_MONTHS months, the fit did not converge, explains nothing (R² < 0.3)
    or ends at a bound. Months without spend or churn are left out; churn is a rate in 0..1.
    """
    spend, churn = np.asarray(spend, dtype=float), np.asarray(churn, dtype=float)
    keep = (spend > 0) & np.isfinite(churn) & (churn > 0) & np.isfinite(spend)
    s, y = spend[keep], churn[keep]
    if len(s) < MIN_MONTHS:
        return None
    lower = np.array([np.log(y.max() * 0.8), np.log(0.01), np.log(0.3), np.log(s.min() * 0.05)])
    upper = np.array([np.log(min(y.max() * 5.0, 1.0) + 1e-9), np.log(0.9), np.log(4.0), np.log(s.max() * 20.0)])

    def predict(theta: np.ndarray) -> np.ndarray:
        c0, mr, alpha, kappa = np.exp(theta)
        return c0 * (1.0 - mr * hill(s, alpha, kappa))

    best = None
    for mr in (0.1, 0.3):
        for alpha in (1.0, 2.0):
            x0 = np.clip(np.log([y.max() * 1.1, mr, alpha, np.median(s)]), lower + 1e-6, upper - 1e-6)
            result = least_squares(
                lambda t: predict(t) - y, x0, bounds=(lower, upper), method="trf", x_scale="jac", max_nfev=400
            )
            if best is None or result.cost < best.cost:
                best = result
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - 2 * best.cost / sst if sst > 0 else float("nan")
    stuck = bool(np.any(np.minimum(best.x - lower, upper - best.x) < _AT_BOUND))
    if not best.success or not np.isfinite(r2) or r2 < 0.3 or stuck:
        return None
    s2 = 2 * best.cost / max(len(s) - 4, 1)
    cov = np.linalg.pinv(best.jac.T @ best.jac) * s2
    draws = _log_normal_draws(best.x[1:], cov[1:, 1:], salt)
    draws[:, 0] = np.minimum(draws[:, 0], 0.95)
    c0, mr, alpha, kappa = np.exp(best.x)
    return np.array([mr, alpha, kappa]), float(c0), draws
