"""Projected outcomes of an allocation, vectorised over allocations and curve draws.

An allocation is a vector of *annual* spend per lever in the model's lever order (yuan).
:func:`project` is what the what-if sliders call on every move: one numpy pass over
``curves.N_SAMPLES`` parameter draws gives P10/P50/P90 of every outcome.

Outcomes (annual): spend; revenue (Σ channel revenue); gross_profit (Σ gross margin × revenue,
NaN when no channel has a known margin); new_customers; churn (12-month rate); retained_customers
(base × (1 − churn)); retained_value (retained × GP12); incremental_gp, the METRICS.md objective
= Σ margin × revenue + base × (churn_zero − churn) × GP12 − spend; roi = incremental_gp ÷ spend
(NaN at zero spend).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.budget.curves import hill, hill_slope
from metrics.budget.model import BudgetModel

OUTCOMES = ("spend", "revenue", "gross_profit", "new_customers", "churn", "retained_customers", "retained_value",
            "incremental_gp", "roi")
# Each outcome's entry in the metric catalog (metrics/catalog.toml), which says how it reads.
OUTCOME_METRIC = {"spend": "spend", "revenue": "revenue", "gross_profit": "gross_profit",
                  "new_customers": "new_customers", "churn": "churn_rate", "retained_customers": "retained_customers",
                  "retained_value": "retained_value", "incremental_gp": "incremental_gp", "roi": "budget_roi"}
QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True, eq=False)
class Arrays:
    """The model as flat arrays (n = levers), built once per model."""

    crm: np.ndarray  # bool (n,)
    top: np.ndarray
    alpha: np.ndarray
    kappa: np.ndarray
    draws: np.ndarray  # (S, n, 3)
    margin: np.ndarray  # variable margin for channels (1 when unknown), 0 for CRM
    gross_margin: np.ndarray  # NaN when unknown, 0 for CRM
    new_per_revenue: np.ndarray
    base: float
    churn_zero: float
    gp12: float

    @property
    def crm_weight(self) -> float:
        """Yuan of retained value per unit of CRM factor reduction: base · churn_zero · GP12 (0 if unknown)."""
        value = self.base * self.churn_zero * self.gp12
        return float(value) if np.isfinite(value) else 0.0


def arrays(model: BudgetModel) -> Arrays:
    crm = np.array([lv.kind == "crm" for lv in model.levers], dtype=bool)
    channel_margin = np.array([lv.margin for lv in model.levers], dtype=float)
    gross = np.array([lv.gross_margin for lv in model.levers], dtype=float)
    npr = np.array([lv.new_per_revenue for lv in model.levers], dtype=float)
    draws = np.stack([lv.curve.draws() for lv in model.levers], axis=1) if model.levers else np.zeros((1, 0, 3))
    none = np.array([lv.curve.source == "none" for lv in model.levers], dtype=bool)
    top = np.array([lv.curve.top for lv in model.levers], dtype=float)
    draws[:, none, 0] = 0.0
    top[none] = 0.0
    return Arrays(
        crm=crm, top=top,
        alpha=np.array([lv.curve.alpha for lv in model.levers], dtype=float),
        kappa=np.array([lv.curve.kappa for lv in model.levers], dtype=float),
        draws=draws,
        margin=np.where(crm, 0.0, np.where(np.isfinite(channel_margin), channel_margin, 1.0)),
        gross_margin=np.where(crm, 0.0, gross),
        new_per_revenue=np.where(crm | ~np.isfinite(npr), 0.0, npr),
        base=model.base_customers, churn_zero=model.churn_zero, gp12=model.gp_per_customer,
    )


def outcomes(a: Arrays, x: np.ndarray, top: np.ndarray, alpha: np.ndarray, kappa: np.ndarray) -> dict[str, np.ndarray]:
    """Every outcome for allocations ``x`` (..., n) under parameters broadcastable to (..., n)."""
    response = top * hill(x / 12.0, alpha, kappa)
    channel = np.where(a.crm, 0.0, response) * 12.0
    factor = np.prod(np.where(a.crm, 1.0 - response, 1.0), axis=-1)
    spend = x.sum(axis=-1)
    churn = a.churn_zero * factor
    retained = a.base * (1.0 - churn)
    known = np.isfinite(a.gross_margin) & ~a.crm
    gross_profit = (channel * np.where(known, a.gross_margin, 0.0)).sum(axis=-1)
    if not known.any():
        gross_profit = gross_profit * np.nan
    incremental = (channel * a.margin).sum(axis=-1) + a.crm_weight * (1.0 - factor) - spend
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(spend > 0, incremental / np.where(spend > 0, spend, 1.0), np.nan)
    return {
        "spend": spend, "revenue": channel.sum(axis=-1), "gross_profit": gross_profit,
        "new_customers": (channel * a.new_per_revenue).sum(axis=-1), "churn": churn, "retained_customers": retained,
        "retained_value": retained * a.gp12, "incremental_gp": incremental, "roi": roi,
    }


def objective(a: Arrays, x: np.ndarray) -> np.ndarray:
    """Incremental gross profit (yuan) at the point curves, for allocations (..., n)."""
    response = a.top * hill(x / 12.0, a.alpha, a.kappa)
    factor = np.prod(np.where(a.crm, 1.0 - response, 1.0), axis=-1)
    return (np.where(a.crm, 0.0, response) * 12.0 * a.margin).sum(axis=-1) + a.crm_weight * (1.0 - factor) - x.sum(axis=-1)


def marginal_returns(a: Arrays, x: np.ndarray) -> np.ndarray:
    """d(contribution)/d(spend) per lever at allocation ``x`` (n,): yuan returned per extra yuan.

    The objective's gradient is this minus 1. For CRM the other programmes' factors multiply in.
    """
    response = a.top * hill(x / 12.0, a.alpha, a.kappa)
    slope = a.top * hill_slope(x / 12.0, a.alpha, a.kappa) / 12.0
    one_minus = np.where(a.crm, 1.0 - response, 1.0)
    others = np.array([np.prod(np.delete(one_minus, i)) for i in range(len(x))]) if len(x) else np.zeros(0)
    return np.where(a.crm, a.crm_weight * others * slope, 12.0 * a.margin * slope)


def project(model: BudgetModel, allocation: np.ndarray | list[float], *, a: Arrays | None = None) -> pd.DataFrame:
    """Projected outcomes of ``allocation`` against the current plan, with P10/P50/P90 bands.

    Returns one row per outcome (``OUTCOMES``): current, scenario (point curves), delta
    (scenario − current), p10, p50, p90 (scenario over the curve draws). Bands come from curve
    uncertainty only; P10 ≤ P50 ≤ P90 by construction.
    """
    a = a or arrays(model)
    x = np.asarray(allocation, dtype=float)
    current = outcomes(a, model.current_allocation(), a.top, a.alpha, a.kappa)
    scenario = outcomes(a, x, a.top, a.alpha, a.kappa)
    sampled = outcomes(a, x[None, :], a.draws[..., 0], a.draws[..., 1], a.draws[..., 2])
    rows = []
    for key in OUTCOMES:
        values = np.asarray(sampled[key], dtype=float)
        bands = np.nanquantile(values, QUANTILES) if np.isfinite(values).any() else [np.nan] * 3
        rows.append({"outcome": key, "current": float(current[key]), "scenario": float(scenario[key]),
                     "delta": float(scenario[key] - current[key]), "p10": bands[0], "p50": bands[1], "p90": bands[2]})
    return pd.DataFrame(rows)
