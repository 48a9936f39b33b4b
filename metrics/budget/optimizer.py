"""Maximise incremental gross profit over the levers under a :class:`BudgetSpec`.

Hill curves are concave for alpha ≤ 1 but S-shaped for alpha > 1, so a gradient method alone
can stop in a local optimum, and a greedy allocation from zero can end *worse* than today's plan
(an S-shaped lever's first yuan returns nothing). The objective is a sum of one curve per lever,
so the search has two stages:

1. an exact dynamic programme on a grid of ``GRID_STEPS`` budget steps above the levers' minimums
   (a max-plus convolution over the levers: the global optimum on the grid, S-curves included);
2. SLSQP (scaled to budget = 1, analytic gradients) polished from the grid optimum and from the
   current plan projected onto the constraints; the best candidate is kept.

The result carries the explanation: each lever's marginal return (yuan of contribution per extra
yuan) at the answer, which bounds bind, the levers the guardrail held back, and coded reasons
(translated in :mod:`present.sentences.budget`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from metrics.budget import constraints
from metrics.budget.constraints import BudgetError, BudgetSpec, Resolved, resolve
from metrics.budget.curves import hill
from metrics.budget.model import BudgetModel
from metrics.budget.projection import Arrays, arrays, marginal_returns, objective

GRID_STEPS = 300
STATUSES = ("locked", "held", "at_upper", "at_lower", "zero", "interior")


@dataclass(frozen=True)
class Reason:
    """One sentence of explanation: a code (``budget_why_<code>``) and raw values."""

    code: str
    values: tuple[tuple[str, object], ...] = ()

    def get(self, key: str) -> object:
        return dict(self.values)[key]


@dataclass(frozen=True, eq=False)
class Result:
    """The optimizer's answer. Money in annual yuan; ``marginal`` per lever in yuan per yuan."""

    levers: tuple[str, ...]
    kinds: tuple[str, ...]
    allocation: np.ndarray
    current: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    marginal: np.ndarray
    statuses: tuple[str, ...]
    objective: float
    current_objective: float
    total: float
    exact: bool
    shadow: float | None  # the common marginal return of unconstrained levers (None: none is free)
    binding: tuple[str, ...]  # "total", "min:<lever>", "max:<lever>", "lock:<lever>"
    reasons: tuple[Reason, ...]
    sources: tuple[str, ...] = ()

    @property
    def spent(self) -> float:
        return float(self.allocation.sum())

    @property
    def guardrail_held(self) -> tuple[str, ...]:
        """Levers the guardrail stopped at ±20% of today's spend (their curves are assumed)."""
        return tuple(lv for lv, status in zip(self.levers, self.statuses, strict=True) if status == "held")

    def frame(self) -> pd.DataFrame:
        """lever, kind, current, proposed, change, lower, upper, status, marginal_return."""
        return pd.DataFrame(
            {
                "lever": list(self.levers),
                "kind": list(self.kinds),
                "current": self.current,
                "proposed": self.allocation,
                "change": self.allocation - self.current,
                "lower": self.lower,
                "upper": self.upper,
                "status": list(self.statuses),
                "marginal_return": self.marginal,
            }
        )

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON: allocation per lever, projected and current objective, binding constraints,
        where each curve comes from and the levers the guardrail held back."""
        return {
            "allocation": {lv: round(float(x), 2) for lv, x in zip(self.levers, self.allocation, strict=True)},
            "projected_objective": round(self.objective, 2),
            "current_objective": round(self.current_objective, 2),
            "total": self.total,
            "spent": round(self.spent, 2),
            "exact": self.exact,
            "binding_constraints": list(self.binding),
            "lever_sources": dict(zip(self.levers, self.sources, strict=True)),
            "guardrail_held": list(self.guardrail_held),
            "marginal_return": {lv: round(float(m), 4) for lv, m in zip(self.levers, self.marginal, strict=True)},
            "reasons": [
                {"code": r.code, **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.values}}
                for r in self.reasons
            ],
        }


def _grid(a: Arrays, lower: np.ndarray, upper: np.ndarray, total: float, exact: bool, steps: int) -> np.ndarray:
    """The best allocation on a grid of ``steps`` equal steps of the budget above the minimums.

    dp[j] = the best value of the levers so far with j steps spent; each lever in turn takes k steps
    (within its bounds) from what the ones before left. With ``exact=False`` any number of steps may go.
    """
    free = total - lower.sum()
    if free <= 0 or not len(lower):
        return lower.copy()
    step = free / steps
    k = np.arange(steps + 1)
    x = lower[:, None] + k[None, :] * step
    gain = a.value[:, None] * a.top[:, None] * hill(x, a.alpha[:, None], a.kappa[:, None]) - x
    gain = np.where(x <= upper[:, None] + 1e-9 * max(total, 1.0), gain, -np.inf)
    spent = k[:, None] - k[None, :]  # steps before this lever, for (steps so far, steps to it)
    usable = spent >= 0
    best = gain[0].copy()
    choices = [k]
    for i in range(1, len(lower)):
        options = np.where(usable, best[np.clip(spent, 0, None)] + gain[i][None, :], -np.inf)
        choice = np.argmax(options, axis=1)
        choices.append(choice)
        best = options[k, choice]
    end = steps if exact and np.isfinite(best[steps]) else int(np.argmax(best))
    out = np.empty(len(lower))
    for i in range(len(lower) - 1, -1, -1):
        taken = end if i == 0 else int(choices[i][end])
        out[i] = lower[i] + taken * step
        end -= taken
    return np.minimum(out, upper)


def _fill(x: np.ndarray, lower: np.ndarray, upper: np.ndarray, total: float) -> np.ndarray:
    """Clip into the bounds and push any rounding gap to levers with room, so Σx = total exactly."""
    x = np.clip(x, lower, upper)
    for _ in range(3):
        gap = total - x.sum()
        if abs(gap) <= 1e-9 * max(total, 1.0):
            break
        room = (upper - x) if gap > 0 else (x - lower)
        if room.sum() <= 0:
            break
        x = np.clip(x + np.sign(gap) * room * min(abs(gap) / room.sum(), 1.0), lower, upper)
    return x


def _project_start(start: np.ndarray, r: Resolved, total: float, exact: bool) -> np.ndarray:
    x = np.clip(start, r.lower, r.upper)
    if exact or x.sum() > total:
        scale_free = ~r.locked
        free_sum = x[scale_free].sum()
        target = total - x[~scale_free].sum()
        if free_sum > 0:
            x[scale_free] *= target / free_sum
        x = _fill(x, r.lower, r.upper, total if exact or x.sum() > total else x.sum())
    return x


def _slsqp(a: Arrays, start: np.ndarray, r: Resolved, total: float, exact: bool) -> np.ndarray:
    scale = max(total, 1.0)
    obj_scale = max(abs(float(objective(a, start))), scale)
    bounds = list(zip(r.lower / scale, r.upper / scale, strict=True))
    constraint = {
        "type": "eq" if exact else "ineq",
        "fun": lambda u: total / scale - u.sum(),
        "jac": lambda u: -np.ones_like(u),
    }
    result = minimize(
        lambda u: -float(objective(a, u * scale)) / obj_scale,
        start / scale,
        jac=lambda u: -(marginal_returns(a, u * scale) - 1.0) * scale / obj_scale,
        method="SLSQP",
        bounds=bounds,
        constraints=[constraint],
        options={"maxiter": 200, "ftol": 1e-12},
    )
    x = np.clip(result.x * scale, r.lower, r.upper)
    return _fill(x, r.lower, r.upper, total) if exact else x


def optimize(
    model: BudgetModel, spec: BudgetSpec, *, a: Arrays | None = None, steps: int = GRID_STEPS, polish: bool = True
) -> Result:
    """The allocation maximising incremental gross profit under ``spec``, with its explanation.

    Raises :class:`BudgetError` for impossible plans (no levers, all locked, bounds that cannot
    meet the total). With ``exact=False`` money that would return less than it costs stays unspent.
    """
    r = resolve(model, spec)
    a = a or arrays(model)
    total = float(spec.total)
    grid = _grid(a, r.lower, r.upper, total, spec.exact, steps)
    candidates = [_fill(grid, r.lower, r.upper, total) if spec.exact else grid]
    if polish:
        for start in (candidates[0], _project_start(model.current_allocation(), r, total, spec.exact)):
            candidates.append(_slsqp(a, start, r, total, spec.exact))
    feasible = [x for x in candidates if x.sum() <= total * (1 + 1e-9) + 1e-6]
    best = max(feasible, key=lambda x: float(objective(a, x)))
    return explain(model, a, best, r, spec)


def explain(model: BudgetModel, a: Arrays, x: np.ndarray, r: Resolved, spec: BudgetSpec) -> Result:
    """Statuses, binding constraints and reasons for allocation ``x`` (see :class:`Result`)."""
    total = float(spec.total)
    tol = max(1e-4 * total, 0.01)
    marginal = marginal_returns(a, x)
    ids = model.ids
    statuses = []
    current = model.current_allocation()
    for i in range(len(x)):
        if r.locked[i]:
            statuses.append("locked")
        elif r.guarded[i] and abs(x[i] - current[i]) >= constraints.GUARDRAIL * current[i] - tol:
            statuses.append("held")
        elif x[i] >= r.upper[i] - tol:
            statuses.append("at_upper")
        elif r.lower[i] > 0 and x[i] <= r.lower[i] + tol:
            statuses.append("at_lower")
        elif x[i] <= tol:
            statuses.append("zero")
        else:
            statuses.append("interior")
    interior = [i for i, s in enumerate(statuses) if s == "interior"]
    spent_all = x.sum() >= total - tol
    shadow = float(np.median(marginal[interior])) if interior else None
    binding = (["total"] if spent_all else []) + [f"lock:{ids[i]}" for i in range(len(x)) if r.locked[i]]
    binding += [f"max:{ids[i]}" for i, s in enumerate(statuses) if s == "at_upper" and r.explicit_upper[i]]
    binding += [f"min:{ids[i]}" for i, s in enumerate(statuses) if s == "at_lower" and r.explicit_lower[i]]
    reasons = _reasons(model, a, x, r, spec, statuses, marginal, shadow, spent_all, tol)
    return Result(
        tuple(ids),
        tuple(lv.kind for lv in model.levers),
        x,
        current,
        r.lower,
        r.upper,
        marginal,
        tuple(statuses),
        float(objective(a, x)),
        float(objective(a, current)),
        total,
        spec.exact,
        shadow,
        tuple(binding),
        tuple(reasons),
        tuple(lv.curve.source for lv in model.levers),
    )


def _reasons(
    model: BudgetModel,
    a: Arrays,
    x: np.ndarray,
    r: Resolved,
    spec: BudgetSpec,
    statuses: list[str],
    marginal: np.ndarray,
    shadow: float | None,
    spent_all: bool,
    tol: float,
) -> list[Reason]:
    ids = model.ids
    free = int((~r.locked).sum())
    reasons = []
    if free == 1:
        reasons.append(Reason("single_lever", (("lever", ids[int(np.argmin(r.locked))]),)))
    if spec.exact:
        reasons.append(Reason("total_exact", (("total", float(spec.total)),)))
    elif spent_all:
        reasons.append(Reason("total_binds", (("total", float(spec.total)),)))
    else:
        reasons.append(Reason("unspent", (("unspent", float(spec.total - x.sum())),)))
    if shadow is not None:
        reasons.append(
            Reason("equal_marginal", (("marginal", shadow), ("count", len([s for s in statuses if s == "interior"]))))
        )
    reference = shadow if shadow is not None else (1.0 if not spec.exact else float(np.nan))
    for i, status in enumerate(statuses):
        lever = model.levers[i]
        values: tuple[tuple[str, object], ...] = (
            ("lever", ids[i]),
            ("amount", float(x[i])),
            ("marginal", float(marginal[i])),
            ("reference", reference),
        )
        if status == "locked":
            reasons.append(Reason("locked", values))
        elif status == "held":
            direction = "up" if x[i] > lever.current else "down"
            reasons.append(Reason(f"guardrail_{direction}", values + (("reason", lever.curve.reason or "none"),)))
        elif status == "at_upper":
            reasons.append(Reason("at_upper", values))
        elif status == "at_lower":
            reasons.append(Reason("at_lower", values))
        elif status == "zero":
            if lever.curve.source == "none":
                reasons.append(Reason("zero_no_curve", values))
            elif lever.curve.alpha > 1:
                reasons.append(Reason("zero_s_shape", values + (("best_average", _best_average(a, x, i, r)),)))
            else:
                reasons.append(Reason("zero_low_return", values))
    current = model.current_allocation()
    if np.all(np.abs(x - current) <= max(0.01 * spec.total, tol)):
        room = any(s in ("interior", "zero") for s in statuses)
        reasons.append(
            Reason("same_as_current_balanced" if room else "same_as_current_bound", (("marginal", reference),))
        )
    return reasons


def _best_average(a: Arrays, x: np.ndarray, i: int, r: Resolved) -> float:
    """The best average return (contribution per yuan) the lever could reach from 0 within its bound."""
    levels = np.linspace(0, r.upper[i], 101)[1:]
    moves = np.repeat(x[None, :], len(levels), axis=0)
    moves[:, i] = levels
    gains = objective(a, moves) - objective(a, x) + levels  # contribution gained, before its cost
    return float(np.max(gains / levels)) if len(levels) and levels[-1] > 0 else 0.0


def split_by_budget(
    model: BudgetModel, spec: BudgetSpec, totals: list[float] | np.ndarray, *, a: Arrays | None = None
) -> pd.DataFrame:
    """How the optimum splits between channels and CRM as the total grows.

    For each total (same bounds, locks and exact/at-most rule as ``spec``): total, channels, crm,
    crm_share (NaN when nothing is spent), objective, feasible. Infeasible totals get NaN and
    feasible = False instead of raising.
    """
    a = a or arrays(model)
    crm = np.array([lv.kind == "crm" for lv in model.levers], dtype=bool)
    rows = []
    for total in totals:
        try:
            result = optimize(model, replace(spec, total=float(total)), a=a, steps=150)
        except BudgetError:
            rows.append(
                {
                    "total": float(total),
                    "channels": np.nan,
                    "crm": np.nan,
                    "crm_share": np.nan,
                    "objective": np.nan,
                    "feasible": False,
                }
            )
            continue
        spent = result.allocation.sum()
        crm_spend = float(result.allocation[crm].sum())
        rows.append(
            {
                "total": float(total),
                "channels": float(spent - crm_spend),
                "crm": crm_spend,
                "crm_share": crm_spend / spent if spent > 0 else np.nan,
                "objective": result.objective,
                "feasible": True,
            }
        )
    return pd.DataFrame(rows, columns=["total", "channels", "crm", "crm_share", "objective", "feasible"])
