"""The response model of a revenue series: baseline + carry-over (adstock) + saturation (Hill),
numpy + scipy only (METRICS.md "Budget what-if"; the engine chosen in bench/bench_mmm.py).

For one revenue series y (a channel's sales, or the sales no channel lever claims) and the M
marketing levers that act on it, per period t (week, or month when there are fewer than 52 weeks
with spend):

    mu(t) = B(t) + Σ_m beta_m · hill(x_m(t); alpha_m, kappa_m),   x_m(t) = s_m(t) + theta_m · x_m(t−1)
    B(t)  = exp(Z(t) · g),  Z = [1, trend, Fourier of the day of year, moving holidays]

The holiday columns are the share of the period's days inside each window of
:mod:`data.calendar`: 春节 eve (14 days before), 春节 week, 618 (June 1–18), 双11 (November 1–11).

Fit (the design the research in /work/research/mmm compared against PyMC-Marketing):

1. a variable-projection grid: for each (theta, alpha, kappa) on a grid the model with an additive
   baseline is linear in (g, beta), so one projection gives beta ≥ 0 and the error for ~1,700
   grid points at once; several levers are found in turn against the others' residual;
2. bounded nonlinear least squares (``scipy.optimize.least_squares``) on every parameter from the
   best distinct grid points, with weak priors (log alpha ~ N(log 1.5, 0.7), theta ~ N(0.35, 0.5))
   that keep flat directions in range, and lift tests as extra residuals (predicted − measured) / SE;
3. uncertainty by a Laplace approximation: ``N_DRAWS`` parameter draws from a Gaussian with the
   covariance of the least-squares Jacobian at the optimum, clipped to the bounds.

Work is in scaled units (y ÷ mean y, s ÷ mean positive s) and reported in yuan per period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter

from data import calendar

THETA_MAX = 0.9
ALPHA_BOUNDS = (0.5, 4.0)
KAPPA_BOUNDS = (0.05, 10.0)  # × the mean adstocked spend
BETA_MAX = 50.0  # × the mean of y: an effect 50 times the average sale is not an effect
PRIOR_LOG_ALPHA = (np.log(1.5), 0.7)
PRIOR_THETA = (0.35, 0.5)
N_DRAWS = 400
SEED = 20260105
MIN_WEEKS = 52  # METRICS.md: weekly when there are at least 52 weeks with spend
GRID_THETAS = np.arange(0.0, 0.86, 0.05)
GRID_ALPHAS = np.array([0.7, 1.0, 1.3, 1.7, 2.2, 2.8, 3.5])
GRID_KAPPAS = np.geomspace(0.15, 6.0, 14)
_AT_BOUND = 0.005  # share of a parameter's range that counts as "at the bound"

HOLIDAYS = calendar.HOLIDAYS


@dataclass(frozen=True)
class Grain:
    """A period: its name, periods per year, Fourier order and which holiday columns it can carry."""

    name: str
    per_year: int
    fourier: int
    holidays: tuple[str, ...]


WEEK = Grain("week", 52, 3, HOLIDAYS)
# A month holds 618 and 双11 every year at the same place (Fourier terms see them); only 春节 moves.
MONTH = Grain("month", 12, 3, ("cny",))
GRAINS = {"week": WEEK, "month": MONTH}


def period_ends(starts: np.ndarray, grain: Grain) -> np.ndarray:
    """The first day after each period (datetime64[D])."""
    starts = np.asarray(starts, dtype="datetime64[D]")
    if grain.name == "week":
        return starts + 7
    return (starts.astype("datetime64[M]") + 1).astype("datetime64[D]")


def design(starts: np.ndarray, grain: Grain) -> np.ndarray:
    """The baseline's columns Z (n × k) for periods starting at ``starts`` (datetime64[D], sorted).

    Columns: 1, years since the middle of the series, sin/cos of the day of year (``grain.fourier``
    pairs, at the period's middle), then the share of each period's days in ``grain.holidays``.
    """
    starts = np.asarray(starts, dtype="datetime64[D]")
    ends = period_ends(starts, grain)
    middle = starts + ((ends - starts).astype(int) // 2)
    t = (starts - starts[0]).astype(float) / 365.25
    years = middle.astype("datetime64[Y]")
    doy = (middle - years.astype("datetime64[D]")).astype(float)
    columns = [np.ones(len(starts)), t - t.mean()]
    for j in range(1, grain.fourier + 1):
        columns += [np.sin(2 * np.pi * j * doy / 365.25), np.cos(2 * np.pi * j * doy / 365.25)]
    if grain.holidays:
        columns += list(calendar.period_shares(starts, ends, grain.holidays).T)
    return np.column_stack(columns)


def adstock(s: np.ndarray, theta: float) -> np.ndarray:
    """Geometric carry-over x(t) = s(t) + theta · x(t−1) along the last axis (x(−1) = 0)."""
    return lfilter([1.0], [1.0, -theta], s, axis=-1)


def adstock_each(s: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    """:func:`adstock` of one spend series under many thetas: (len(thetas), n)."""
    thetas = np.asarray(thetas, dtype=float)
    out = np.empty((len(thetas), len(s)))
    carried = np.zeros(len(thetas))
    for t, value in enumerate(np.asarray(s, dtype=float)):  # n steps, each vectorised over the thetas
        carried = value + thetas * carried
        out[:, t] = carried
    return out


def hill(x: np.ndarray | float, alpha: np.ndarray | float, kappa: np.ndarray | float) -> np.ndarray:
    """x^alpha / (x^alpha + kappa^alpha) in 0..1, computed as 1 / (1 + (kappa/x)^alpha); 0 for x ≤ 0."""
    x = np.asarray(x, dtype=float)
    pos = x > 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        value = 1.0 / (1.0 + np.power(np.asarray(kappa, dtype=float) / np.where(pos, x, 1.0), alpha))
    return np.where(pos, value, 0.0)


def hill_slope(x: np.ndarray | float, alpha: np.ndarray | float, kappa: np.ndarray | float) -> np.ndarray:
    """d hill / dx = alpha · h (1 − h) / x; at x ≤ 0 the limit from a tiny positive x (0 for alpha > 1)."""
    x = np.asarray(x, dtype=float)
    tiny = np.asarray(kappa, dtype=float) * 1e-6
    safe = np.where(x > 0, x, tiny)
    h = hill(safe, alpha, kappa)
    return np.asarray(alpha, dtype=float) * h * (1.0 - h) / safe


def steady_marginal(
    s: np.ndarray | float,
    beta: np.ndarray | float,
    alpha: np.ndarray | float,
    kappa: np.ndarray | float,
    theta: np.ndarray | float,
) -> np.ndarray:
    """Marginal ROAS at a constant spend s per period: d/ds of beta · hill(s / (1 − theta)).

    The same number as "extra yearly revenue per extra yearly yuan" of an evenly spread plan.
    """
    theta = np.asarray(theta, dtype=float)
    return (
        np.asarray(beta, dtype=float) * hill_slope(np.asarray(s, dtype=float) / (1 - theta), alpha, kappa) / (1 - theta)
    )


@dataclass(frozen=True)
class LiftTest:
    """A lift test on one lever (METRICS.md "Experiments calibrate").

    In periods ``start``..``end`` (indices into the series, inclusive) spend was ``spend_change``
    yuan above the plan (negative: below it; a go-dark test removes it all), spread evenly over the
    periods; ``measured`` is the revenue that change caused inside the window (same sign), with
    standard error ``se``. The model predicts it as Σ over the window of the lever's response to
    the actual spend minus its response to the spend without the change, carry-over included.
    """

    lever: int
    start: int
    end: int
    spend_change: float
    measured: float
    se: float


def lift_effect(s: np.ndarray, test: LiftTest, beta: float, alpha: float, kappa: float, theta: float) -> float:
    """The revenue :class:`LiftTest` ``test`` should have measured under these parameters (s: that lever's spend)."""
    window = slice(test.start, test.end + 1)
    without = np.array(s, dtype=float)
    without[window] = np.maximum(without[window] - test.spend_change / (test.end - test.start + 1), 0.0)
    x, x0 = adstock(s, theta), adstock(without, theta)
    return float(beta * np.sum(hill(x[window], alpha, kappa) - hill(x0[window], alpha, kappa)))


@dataclass(frozen=True, eq=False)
class Fit:
    """What :func:`fit` found, in yuan per period.

    ``params`` (M, 4) and ``draws`` (N_DRAWS, M, 4) hold beta, alpha, kappa (on the adstocked
    spend), theta per lever; ``g`` and ``g_draws`` the baseline's coefficients. ``baseline`` and
    ``incremental`` (M, n) are the fitted decomposition; ``flags`` per lever name the problems found
    (``at_bound``, ``mroas_high``, ``baseline_low``, ``weak``; see :func:`flags`). ``current`` is each
    lever's mean spend per period over the last year; ``marginal`` its marginal ROAS there (point) and
    ``marginal_draws`` per draw; ``baseline_share_draws`` the series' baseline share per draw.
    """

    grain: Grain
    names: tuple[str, ...]
    params: np.ndarray
    draws: np.ndarray
    g: np.ndarray
    baseline: np.ndarray
    incremental: np.ndarray
    baseline_share: float
    baseline_share_draws: np.ndarray
    current: np.ndarray
    marginal: np.ndarray
    marginal_draws: np.ndarray
    r2: float
    sigma: float
    converged: bool
    at_bound: tuple[bool, ...]
    lifts: int = 0
    flags: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def quantiles(self, values: np.ndarray) -> tuple[float, float, float]:
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return float(p10), float(p50), float(p90)


class _Problem:
    """The least-squares problem of one series in scaled units."""

    def __init__(self, y: np.ndarray, spend: np.ndarray, Z: np.ndarray, lifts: tuple[LiftTest, ...]) -> None:
        self.y_scale = float(np.mean(y)) if np.mean(y) > 0 else 1.0
        positive = [spend[:, m][spend[:, m] > 0] for m in range(spend.shape[1])]
        self.s_scale = np.array([p.mean() if len(p) else 1.0 for p in positive])
        self.y = y / self.y_scale
        self.S = (spend / self.s_scale).T  # (M, n)
        self.Z = Z
        self.n, self.k = Z.shape
        self.M = spend.shape[1]
        self.lifts = lifts
        # kappa lives on the adstocked spend, whose mean depends on theta: bound it on a middle theta
        self.x_mean = self.S.mean(axis=1) / (1 - PRIOR_THETA[0])
        lower, upper = [np.full(self.k, -np.inf)], [np.full(self.k, np.inf)]
        for m in range(self.M):
            lower.append([0.0, ALPHA_BOUNDS[0], KAPPA_BOUNDS[0] * self.x_mean[m], 0.0])
            upper.append([BETA_MAX, ALPHA_BOUNDS[1], KAPPA_BOUNDS[1] * self.x_mean[m], THETA_MAX - 1e-3])
        self.lower, self.upper = np.concatenate(lower), np.concatenate(upper)

    def unpack(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return p[: self.k], p[self.k :].reshape(self.M, 4)

    def contributions(self, media: np.ndarray) -> np.ndarray:
        out = np.empty((self.M, self.n))
        for m in range(self.M):
            beta, alpha, kappa, theta = media[m]
            out[m] = beta * hill(adstock(self.S[m], theta), alpha, kappa)
        return out

    def mu(self, p: np.ndarray) -> np.ndarray:
        g, media = self.unpack(p)
        return np.exp(np.clip(self.Z @ g, -30, 30)) + self.contributions(media).sum(axis=0)

    def residuals(self, p: np.ndarray, sigma: float) -> np.ndarray:
        _, media = self.unpack(p)
        prior = np.concatenate(
            [
                ((np.log(media[:, 1]) - PRIOR_LOG_ALPHA[0]) / PRIOR_LOG_ALPHA[1]),
                (media[:, 3] - PRIOR_THETA[0]) / PRIOR_THETA[1],
            ]
        )
        lifted = [
            (lift_effect(self.S[t.lever], self._scaled(t), *media[t.lever]) - t.measured / self.y_scale)
            / (t.se / self.y_scale)
            for t in self.lifts
        ]
        return np.concatenate([(self.y - self.mu(p)) / sigma, prior, np.asarray(lifted, dtype=float)])

    def _scaled(self, test: LiftTest) -> LiftTest:
        return LiftTest(
            test.lever, test.start, test.end, test.spend_change / self.s_scale[test.lever], test.measured, test.se
        )

    def solve(self, p0: np.ndarray, sigma: float, max_nfev: int = 300):
        p0 = np.clip(p0, self.lower + 1e-6, self.upper - 1e-6)
        return least_squares(
            self.residuals,
            p0,
            bounds=(self.lower, self.upper),
            args=(sigma,),
            method="trf",
            x_scale="jac",
            max_nfev=max_nfev,
        )


def _basis(Z: np.ndarray) -> np.ndarray:
    """An orthonormal basis of Z's column space (SVD, so collinear columns do no harm)."""
    u, sv, _ = np.linalg.svd(Z, full_matrices=False)
    return u[:, sv > sv[0] * 1e-10]


def _grid(y: np.ndarray, s: np.ndarray, Q: np.ndarray, keep: int) -> list[tuple[float, float, float, float, float]]:
    """The ``keep`` best (sse, theta, alpha, kappa, beta) of one lever against y with span(Q) projected out,
    at most one per (theta, alpha) so the starts differ."""
    yr = y - Q @ (Q.T @ y)
    found = []
    for theta in GRID_THETAS:
        x = adstock(s, theta)
        positive = x[x > 0]
        if not len(positive):
            continue
        kappas = positive.mean() * GRID_KAPPAS
        H = hill(x[None, None, :], GRID_ALPHAS[:, None, None], kappas[None, :, None]).reshape(-1, len(x))
        Hr = H - (H @ Q) @ Q.T
        num = Hr @ yr
        den = np.einsum("ij,ij->i", Hr, Hr) + 1e-12
        beta = np.clip(num / den, 0.0, BETA_MAX)
        sse = (yr @ yr - 2 * beta * num + beta**2 * den).reshape(len(GRID_ALPHAS), len(kappas))
        for a, alpha in enumerate(GRID_ALPHAS):
            j = int(np.argmin(sse[a]))
            found.append(
                (
                    float(sse[a, j]),
                    float(theta),
                    float(alpha),
                    float(kappas[j]),
                    float(beta.reshape(len(GRID_ALPHAS), -1)[a, j]),
                )
            )
    found.sort(key=lambda row: row[0])
    return found[:keep]


def _start(problem: _Problem, media: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Full parameter vector from lever guesses (beta, alpha, kappa, theta): baseline by least squares on log."""
    contributions = problem.contributions(np.array(media))
    rest = np.clip(problem.y - contributions.sum(axis=0), 0.05, None)
    g = np.linalg.lstsq(problem.Z, np.log(rest), rcond=None)[0]
    return np.concatenate([g, np.array(media).ravel()])


def fit(
    y: np.ndarray,
    spend: np.ndarray,
    starts: np.ndarray,
    grain: Grain,
    *,
    names: tuple[str, ...] | None = None,
    lifts: tuple[LiftTest, ...] = (),
    n_starts: int = 4,
    n_draws: int = N_DRAWS,
    seed: int = SEED,
    progress: Callable[[float], None] | None = None,
) -> Fit:
    """Fit one revenue series ``y`` (n) to its levers' ``spend`` (n × M), periods starting at ``starts``.

    Parameters
    ----------
    y : revenue per period (yuan); spend : spend per period and lever (yuan, ≥ 0).
    starts : each period's first day (datetime64[D]); grain : :data:`WEEK` or :data:`MONTH`.
    lifts : lift tests (:class:`LiftTest`, indices into the periods).
    n_starts : distinct grid points the nonlinear fit starts from (one lever); several levers start
        from one backfitted point.
    progress : called with the share done (0..1) as the fit advances.

    Returns
    -------
    :class:`Fit`; its ``flags`` are filled by :func:`flags`.
    """
    report = progress or (lambda share: None)
    y = np.asarray(y, dtype=float)
    spend = np.asarray(spend, dtype=float).reshape(len(y), -1)
    Z = design(starts, grain)
    problem = _Problem(y, spend, Z, tuple(lifts))
    Q = _basis(Z)
    if problem.M == 1:
        rows = _grid(problem.y, problem.S[0], Q, n_starts)
        candidates = [_start(problem, [(max(b, 1e-3), a, k, th)]) for _, th, a, k, b in rows]
    else:  # backfitting: each lever in turn against the others' residual, three sweeps
        media = [(1e-3, 1.5, problem.x_mean[m], PRIOR_THETA[0]) for m in range(problem.M)]
        contributions = np.zeros((problem.M, problem.n))
        for _ in range(3):
            for m in range(problem.M):
                rest = problem.y - contributions.sum(axis=0) + contributions[m]
                _, th, a, k, b = _grid(rest, problem.S[m], Q, 1)[0]
                media[m] = (max(b, 1e-3), a, k, th)
                contributions[m] = b * hill(adstock(problem.S[m], th), a, k)
        candidates = [_start(problem, media)]
    report(0.2)
    sigma0 = max(float(np.std(problem.y - problem.mu(candidates[0]))), 1e-3)
    best = None
    for i, p0 in enumerate(candidates):
        result = problem.solve(p0, sigma0, max_nfev=300 if problem.M == 1 else 600)
        if best is None or result.cost < best.cost:
            best = result
        report(0.2 + 0.6 * (i + 1) / len(candidates))
    p = best.x
    resid = problem.y - problem.mu(p)
    sigma = float(np.sqrt(resid @ resid / max(problem.n - len(p), 1)))
    if lifts:  # the lift residuals' weight is relative to the noise: refit once with the right sigma
        best = problem.solve(p, max(sigma, 1e-6))
        p = best.x
        resid = problem.y - problem.mu(p)
        sigma = float(np.sqrt(resid @ resid / max(problem.n - len(p), 1)))
        sigma0 = max(sigma, 1e-6)
    cov = np.linalg.pinv(best.jac.T @ best.jac) * (sigma / sigma0) ** 2
    P = _laplace_draws(problem, p, cov, n_draws, seed)
    report(0.9)
    out = _package(
        problem,
        p,
        P,
        grain,
        names or tuple(f"lever{m}" for m in range(problem.M)),
        sigma,
        bool(best.success),
        len(lifts),
    )
    report(1.0)
    return out


def _laplace_draws(problem: _Problem, p: np.ndarray, cov: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Draws from the Gaussian approximation at ``p``, with beta, alpha and kappa on the log scale.

    Positive parameters drawn linearly pile up at their lower bound when their standard error is
    large (a beta or kappa clipped to ~0 reads as a channel with no effect); on the log scale (the
    delta method: cov_log = cov / (p pᵀ)) they stay positive and their spread stays multiplicative.
    """
    positive = np.zeros(len(p), dtype=bool)
    for m in range(problem.M):
        positive[problem.k + 4 * m : problem.k + 4 * m + 3] = True
    safe = np.where(positive, np.maximum(p, 1e-9), 1.0)
    scale = np.where(positive, 1.0 / safe, 1.0)
    center = np.where(positive, np.log(safe), p)
    transformed = cov * np.outer(scale, scale)
    values, vectors = np.linalg.eigh((transformed + transformed.T) / 2)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    u = center + np.random.default_rng(seed).standard_normal((n, len(p))) @ root.T
    return np.clip(np.where(positive, np.exp(np.minimum(u, 700)), u), problem.lower, problem.upper)


def _to_yuan(problem: _Problem, media: np.ndarray) -> np.ndarray:
    """(..., M, 4) scaled lever parameters → yuan: beta × y scale, kappa × spend scale."""
    out = np.array(media, dtype=float)
    out[..., 0] *= problem.y_scale
    out[..., 2] *= problem.s_scale
    return out


def _package(
    problem: _Problem,
    p: np.ndarray,
    P: np.ndarray,
    grain: Grain,
    names: tuple[str, ...],
    sigma: float,
    converged: bool,
    lifts: int,
) -> Fit:
    g, media = problem.unpack(p)
    baseline = np.exp(np.clip(problem.Z @ g, -30, 30)) * problem.y_scale
    incremental = problem.contributions(media) * problem.y_scale
    spend = problem.S * problem.s_scale[:, None]
    last_year = min(grain.per_year, problem.n)
    current = spend[:, -last_year:].mean(axis=1)
    params = _to_yuan(problem, media)
    draws = _to_yuan(problem, P[:, problem.k :].reshape(len(P), problem.M, 4))
    marginal = np.array([steady_marginal(current[m], *params[m]) for m in range(problem.M)])
    marginal_draws = steady_marginal(current[None, :], draws[..., 0], draws[..., 1], draws[..., 2], draws[..., 3])
    # baseline share per draw: the draws' baselines and contributions over the same history
    base_draws = np.exp(np.clip(P[:, : problem.k] @ problem.Z.T, -30, 30)).sum(axis=1)
    inc_draws = np.zeros(len(P))
    for m in range(problem.M):
        x = adstock_each(problem.S[m], P[:, problem.k + 4 * m + 3])
        inc_draws += (
            P[:, problem.k + 4 * m, None]
            * hill(x, P[:, problem.k + 4 * m + 1, None], P[:, problem.k + 4 * m + 2, None])
        ).sum(axis=1)
    fitted = baseline + incremental.sum(axis=0)
    y = problem.y * problem.y_scale
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum((y - fitted) ** 2)) / sst if sst > 0 else float("nan")
    at_bound = []
    for m in range(problem.M):
        index = problem.k + 4 * m
        hit = False
        for j in range(4):
            lo, hi, value = problem.lower[index + j], problem.upper[index + j], p[index + j]
            span = hi - lo
            # a lower bound of 0 (no effect, no carry-over) is a legitimate answer, not a stuck fit
            if (lo > 0 and value - lo < _AT_BOUND * span) or hi - value < _AT_BOUND * span:
                hit = True
        at_bound.append(hit)
    return Fit(
        grain,
        names,
        params,
        draws,
        g,
        baseline,
        incremental,
        float(baseline.sum() / fitted.sum()),
        base_draws / (base_draws + inc_draws),
        current,
        marginal,
        marginal_draws,
        r2,
        sigma * problem.y_scale,
        converged,
        tuple(at_bound),
        lifts,
    )


# The plausibility checks of METRICS.md, plus the research's "weakly identified" band.
MAX_MARGINAL_ROAS = 10.0
MIN_BASELINE_SHARE = 0.2
MAX_BAND_RATIO = 3.0
FLAGS = ("no_convergence", "at_bound", "mroas_high", "baseline_low", "weak")


def flags(result: Fit) -> tuple[tuple[str, ...], ...]:
    """Per lever, the reasons its fit cannot be trusted, worst first (empty: plausible).

    ``no_convergence``; ``at_bound`` (a parameter within 0.5% of its range from a bound);
    ``mroas_high`` (marginal ROAS at current spend above 10); ``baseline_low`` (the series' baseline
    under 20% of its revenue); ``weak`` (P90 ÷ P10 of the marginal ROAS above 3, or P10 near 0: the
    data do not pin the slope down).
    """
    out = []
    for m in range(len(result.names)):
        found = []
        if not result.converged:
            found.append("no_convergence")
        if result.at_bound[m]:
            found.append("at_bound")
        if result.marginal[m] > MAX_MARGINAL_ROAS:
            found.append("mroas_high")
        if result.baseline_share < MIN_BASELINE_SHARE:
            found.append("baseline_low")
        p10, p50, p90 = np.percentile(result.marginal_draws[:, m], [10, 50, 90])
        if p10 <= max(0.05 * p50, 1e-9) or p90 / p10 > MAX_BAND_RATIO:
            found.append("weak")
        out.append(tuple(found))
    return tuple(out)


def weeks_between(first: dt.date, last: dt.date) -> np.ndarray:
    """Monday-based weeks whose seven days all lie in [first, last] (datetime64[D] starts)."""
    start, end = np.datetime64(first, "D"), np.datetime64(last, "D")
    weekday = (start.astype(int) + 3) % 7  # 1970-01-01, day 0, was a Thursday (Monday = 0)
    monday = start + (7 - weekday) % 7
    count = (int((end - monday).astype(int)) + 1) // 7
    return monday + 7 * np.arange(max(count, 0))
