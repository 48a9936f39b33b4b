"""Projected outcomes of an allocation, vectorised over allocations and curve draws.

An allocation is a vector of *annual* spend per lever in the model's lever order (yuan).
:func:`project` is what the what-if sliders call on every move: one numpy pass over
``curves.N_SAMPLES`` parameter draws gives P10/P50/P90 of every outcome.

Each lever's curve gives an annual response R_i(x_i) = top_i · hill(x_i; alpha_i, kappa_i):
incremental revenue for a channel, customers retained for a CRM programme. Outcomes (annual):

- spend; revenue = the window's sales − the channels' response at current spend + their response
  under the plan (baseline revenue is what the channels sell without marketing and does not move);
  gross_profit and new_customers likewise, through each channel's gross margin and new customers
  per yuan (gross_profit NaN without cost);
- churn = the window's churn − (customers retained under the plan − today) ÷ customers active at
  the window's start; retained_customers = active base × (1 − churn); retained_value × 12-month
  gross profit per customer;
- incremental_gp, the METRICS.md objective = Σ value_i · R_i(x_i) − spend (value: a channel's
  variable margin, a programme's gross profit per retained customer); roi = incremental_gp ÷ spend.

At the current plan revenue, gross profit and churn are the observed ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.budget.curves import hill, hill_slope
from metrics.budget.model import BudgetModel

OUTCOMES = (
    "spend",
    "revenue",
    "gross_profit",
    "new_customers",
    "churn",
    "retained_customers",
    "retained_value",
    "incremental_gp",
    "roi",
)
# Each outcome's entry in the metric catalog (metrics/catalog.toml), which says how it reads.
OUTCOME_METRIC = {
    "spend": "spend",
    "revenue": "revenue",
    "gross_profit": "gross_profit",
    "new_customers": "new_customers",
    "churn": "churn_rate",
    "retained_customers": "retained_customers",
    "retained_value": "retained_value",
    "incremental_gp": "incremental_gp",
    "roi": "budget_roi",
}
QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True, eq=False)
class Arrays:
    """The model as flat arrays (n = levers), built once per model."""

    crm: np.ndarray  # bool (n,)
    top: np.ndarray
    alpha: np.ndarray
    kappa: np.ndarray
    draws: np.ndarray  # (S, n, 3)
    value: np.ndarray  # gross profit per unit of response
    gross_margin: np.ndarray  # channels' gross margin (0 when unknown or CRM)
    new_per_revenue: np.ndarray
    current: np.ndarray
    revenue: float
    gross_profit: float
    new_customers: float
    churn: float
    active_at_start: float
    base: float
    gp12: float


def arrays(model: BudgetModel) -> Arrays:
    crm = np.array([lv.kind == "crm" for lv in model.levers], dtype=bool)
    none = np.array([lv.curve.source == "none" for lv in model.levers], dtype=bool)
    draws = np.stack([lv.curve.draws() for lv in model.levers], axis=1) if model.levers else np.zeros((1, 0, 3))
    draws[:, none, 0] = 0.0
    top = np.array([lv.curve.top for lv in model.levers], dtype=float)
    top[none] = 0.0
    gross = np.array([lv.gross_margin for lv in model.levers], dtype=float)
    npr = np.array([lv.new_per_revenue for lv in model.levers], dtype=float)
    return Arrays(
        crm=crm,
        top=top,
        alpha=np.array([lv.curve.alpha for lv in model.levers], dtype=float),
        kappa=np.array([lv.curve.kappa for lv in model.levers], dtype=float),
        draws=draws,
        value=np.array([lv.value for lv in model.levers], dtype=float),
        gross_margin=np.where(crm | ~np.isfinite(gross), 0.0, gross),
        new_per_revenue=np.where(crm | ~np.isfinite(npr), 0.0, npr),
        current=model.current_allocation(),
        revenue=model.revenue,
        gross_profit=model.gross_profit,
        new_customers=model.new_customers,
        churn=model.churn_observed,
        active_at_start=model.active_at_start,
        base=model.base_customers,
        gp12=model.gp_per_customer,
    )


def outcomes(a: Arrays, x: np.ndarray, top: np.ndarray, alpha: np.ndarray, kappa: np.ndarray) -> dict[str, np.ndarray]:
    """Every outcome for allocations ``x`` (..., n) under parameters broadcastable to (..., n)."""
    change = top * (hill(x, alpha, kappa) - hill(a.current, alpha, kappa))
    channel = np.where(a.crm, 0.0, change)
    retained_gain = np.where(a.crm, change, 0.0).sum(axis=-1)
    spend = x.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        churn = (
            np.clip(a.churn - retained_gain / a.active_at_start, 0.0, 1.0)
            if a.active_at_start > 0
            else np.full(np.shape(spend), np.nan)
        )
        incremental = (a.value * top * hill(x, alpha, kappa)).sum(axis=-1) - spend
        roi = np.where(spend > 0, incremental / np.where(spend > 0, spend, 1.0), np.nan)
    retained = a.base * (1.0 - churn)
    return {
        "spend": spend,
        "revenue": a.revenue + channel.sum(axis=-1),
        "gross_profit": a.gross_profit + (channel * a.gross_margin).sum(axis=-1),
        "new_customers": a.new_customers + (channel * a.new_per_revenue).sum(axis=-1),
        "churn": churn,
        "retained_customers": retained,
        "retained_value": retained * a.gp12,
        "incremental_gp": incremental,
        "roi": roi,
    }


def objective(a: Arrays, x: np.ndarray) -> np.ndarray:
    """Incremental gross profit (yuan) at the point curves, for allocations (..., n)."""
    return (a.value * a.top * hill(x, a.alpha, a.kappa)).sum(axis=-1) - x.sum(axis=-1)


def marginal_returns(a: Arrays, x: np.ndarray) -> np.ndarray:
    """d(contribution)/d(spend) per lever at allocation ``x`` (n,): gross profit per extra yuan.

    The objective's gradient is this minus 1.
    """
    return a.value * a.top * hill_slope(x, a.alpha, a.kappa)


def marginal_draws(a: Arrays, x: np.ndarray) -> np.ndarray:
    """(S, n) marginal returns under each curve draw."""
    return a.value * a.draws[..., 0] * hill_slope(x, a.draws[..., 1], a.draws[..., 2])


def project(model: BudgetModel, allocation: np.ndarray | list[float], *, a: Arrays | None = None) -> pd.DataFrame:
    """Projected outcomes of ``allocation`` against the current plan, with P10/P50/P90 bands.

    Returns one row per outcome (``OUTCOMES``): current, scenario (point curves), delta
    (scenario − current), p10, p50, p90 (scenario over the curve draws). Bands come from curve
    uncertainty only; P10 ≤ P50 ≤ P90 by construction.
    """
    a = a or arrays(model)
    x = np.asarray(allocation, dtype=float)
    current = outcomes(a, a.current, a.top, a.alpha, a.kappa)
    scenario = outcomes(a, x, a.top, a.alpha, a.kappa)
    sampled = outcomes(a, x[None, :], a.draws[..., 0], a.draws[..., 1], a.draws[..., 2])
    rows = []
    for key in OUTCOMES:
        values = np.asarray(sampled[key], dtype=float)
        bands = np.nanquantile(values, QUANTILES) if np.isfinite(values).any() else [np.nan] * 3
        rows.append(
            {
                "outcome": key,
                "current": float(current[key]),
                "scenario": float(scenario[key]),
                "delta": float(scenario[key] - current[key]),
                "p10": bands[0],
                "p50": bands[1],
                "p90": bands[2],
            }
        )
    return pd.DataFrame(rows)
