"""What the optimizer may do: the total budget, per-lever bounds and locks, the guardrail on
assumed curves, and their validation.

Business rules come in as data (a :class:`BudgetSpec`); :func:`resolve` turns them into absolute
lower/upper arrays in the model's lever order or raises :class:`BudgetError` with a reason code
that the page and the CLI translate (``budget_error_<code>`` in present/locales/budget.toml).

Guardrail (METRICS.md): a lever whose curve is assumed moves at most ``GUARDRAIL`` (±20%) from its
current spend, unless the manager unlocks it (``BudgetSpec.unlocked``) or sets its bounds or a
lock: a bound the manager typed is a decision about that lever, which the guardrail does not second-guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from metrics.budget.model import BudgetModel

ERROR_CODES = (
    "no_levers",
    "negative_total",
    "unknown_lever",
    "bad_bound",
    "below_minimums",
    "above_maximums",
    "all_locked",
    "guardrail_blocks",
)
GUARDRAIL = 0.2


class BudgetError(ValueError):
    """A plan the optimizer cannot solve, with a translatable ``code`` and its ``values``.

    Values are raw numbers and lever ids; :func:`metrics.budget.explain.error_text` formats them.
    """

    def __init__(self, code: str, **values: object) -> None:
        assert code in ERROR_CODES, code
        self.code = code
        self.values = values
        super().__init__(f"{code}: {values}")


@dataclass(frozen=True)
class Bound:
    """A lever's range. ``relative``: lower/upper are fractions of its current spend (0.5 = 50%)."""

    lever: str
    lower: float | None = None
    upper: float | None = None
    relative: bool = False


@dataclass(frozen=True)
class BudgetSpec:
    """Total annual budget (yuan), spent exactly (``exact``) or at most; bounds and locks (lever → yuan);
    ``unlocked``: assumed levers the manager frees from the guardrail."""

    total: float
    exact: bool = True
    bounds: tuple[Bound, ...] = field(default_factory=tuple)
    locks: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    unlocked: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, eq=False)
class Resolved:
    lower: np.ndarray
    upper: np.ndarray
    locked: np.ndarray  # bool
    explicit_lower: np.ndarray  # bool: a bound the user set (so its binding is worth reporting)
    explicit_upper: np.ndarray
    guarded: np.ndarray  # bool: held within the guardrail (an assumed curve, not unlocked)


def resolve(model: BudgetModel, spec: BudgetSpec) -> Resolved:
    """Absolute bounds per lever; raises BudgetError when the plan is impossible.

    Defaults: lower 0, upper the total budget. A lock sets lower = upper = the locked amount. An
    assumed lever the manager left alone stays within ±GUARDRAIL of its current spend
    (``guardrail_blocks`` when that alone makes the total impossible).
    """
    n = len(model.levers)
    if n == 0:
        raise BudgetError("no_levers")
    if not np.isfinite(spec.total) or spec.total < 0:
        raise BudgetError("negative_total", total=spec.total)
    lower, upper = np.zeros(n), np.full(n, float(spec.total))
    explicit_lower, explicit_upper = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    locked = np.zeros(n, dtype=bool)
    ids = model.ids

    def index(name: str) -> int:
        try:
            return ids.index(model.lever(name).id)
        except KeyError:
            raise BudgetError("unknown_lever", lever=name) from None

    for bound in spec.bounds:
        i = index(bound.lever)
        scale = model.levers[i].current if bound.relative else 1.0
        if bound.lower is not None:
            lower[i], explicit_lower[i] = max(bound.lower * scale, 0.0), True
        if bound.upper is not None:
            upper[i], explicit_upper[i] = bound.upper * scale, True
    for name, amount in spec.locks:
        i = index(name)
        if amount < 0:
            raise BudgetError("bad_bound", lever=ids[i], lower=amount, upper=amount)
        lower[i] = upper[i] = float(amount)
        locked[i] = True
    for name in spec.unlocked:
        index(name)  # an unknown lever is an error here too
    # Without an explicit maximum the cap is the total; a minimum above the total is then a
    # "below minimums" problem of the total, not a contradiction within the lever.
    upper = np.where(explicit_upper | locked, upper, np.maximum(upper, lower))
    free = [model.lever(name).id for name in spec.unlocked]
    current = model.current_allocation()
    guarded = np.array(
        [lv.curve.source == "assumed" and lv.current > 0 and lv.id not in free for lv in model.levers], dtype=bool
    ) & ~(explicit_lower | explicit_upper | locked)
    open_lower, open_upper = lower.copy(), upper.copy()
    lower = np.where(guarded, np.maximum(lower, (1 - GUARDRAIL) * current), lower)
    upper = np.where(guarded, np.minimum(upper, (1 + GUARDRAIL) * current), upper)
    # what the manager asked for is checked first; the guardrail can only add its own impossibility
    for i in range(n):
        if open_lower[i] > open_upper[i] + 1e-9:
            raise BudgetError("bad_bound", lever=ids[i], lower=float(open_lower[i]), upper=float(open_upper[i]))
    if locked.all():
        raise BudgetError("all_locked", locked=float(lower.sum()), total=float(spec.total))
    tolerance = 1e-9 * max(spec.total, 1.0)
    if open_lower.sum() > spec.total + tolerance:
        raise BudgetError("below_minimums", total=float(spec.total), minimum=float(open_lower.sum()))
    if spec.exact and open_upper.sum() < spec.total - tolerance:
        raise BudgetError("above_maximums", total=float(spec.total), maximum=float(open_upper.sum()))
    if (
        np.any(lower > upper + 1e-9)
        or lower.sum() > spec.total + tolerance
        or (spec.exact and upper.sum() < spec.total - tolerance)
    ):
        raise BudgetError(
            "guardrail_blocks",
            total=float(spec.total),
            minimum=float(lower.sum()),
            maximum=float(upper.sum()),
            levers=[ids[i] for i in np.flatnonzero(guarded)],
        )
    return Resolved(lower, upper, locked, explicit_lower, explicit_upper, guarded)
