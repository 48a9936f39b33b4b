"""Plot-ready data for the budget views (no plotting library here: ui/charts_budget.py draws).

Curves are shown in *annual* terms, like the sliders: x = annual spend, y = annual revenue for a
channel, or the relative churn reduction for a CRM programme (0..1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.budget.curves import hill
from metrics.budget.model import BudgetModel
from metrics.budget.projection import Arrays, arrays, marginal_returns

GRID_POINTS = 80


@dataclass(frozen=True, eq=False)
class CurveView:
    """One lever's curve: ``line`` (spend, value, p10, p90) and the two marked points.

    ``points`` rows: which (current | proposed), spend, value, marginal_return (yuan of
    contribution per extra yuan at that spend, see projection.marginal_returns).
    """

    lever: str
    kind: str
    source: str
    line: pd.DataFrame
    points: pd.DataFrame


def curve_view(model: BudgetModel, lever: str, allocation: np.ndarray, *, a: Arrays | None = None) -> CurveView:
    """The curve of ``lever`` from 0 to 2.5 × max(current, proposed) with its P10–P90 band."""
    a = a or arrays(model)
    i = model.ids.index(model.lever(lever).id)
    item = model.levers[i]
    current, proposed = model.current_allocation(), np.asarray(allocation, dtype=float)
    reach = 2.5 * max(current[i], proposed[i], item.curve.kappa * 12.0 if item.curve.source != "none" else 0.0, 1.0)
    spend = np.linspace(0.0, reach, GRID_POINTS)
    scale = 1.0 if item.kind == "crm" else 12.0
    draws = a.draws[:, i, :]
    sampled = draws[:, :1] * hill(spend[None, :] / 12.0, draws[:, 1:2], draws[:, 2:3]) * scale
    line = pd.DataFrame({
        "spend": spend, "value": a.top[i] * hill(spend / 12.0, a.alpha[i], a.kappa[i]) * scale,
        "p10": np.quantile(sampled, 0.1, axis=0), "p90": np.quantile(sampled, 0.9, axis=0),
    })
    rows = []
    for which, x in (("current", current), ("proposed", proposed)):
        rows.append({"which": which, "spend": x[i], "value": a.top[i] * float(hill(x[i] / 12.0, a.alpha[i], a.kappa[i])) * scale,
                     "marginal_return": float(marginal_returns(a, x)[i])})
    return CurveView(item.id, item.kind, item.curve.source, line, pd.DataFrame(rows))


def curves_table(model: BudgetModel) -> pd.DataFrame:
    """Curve parameters and fit quality per lever: lever, kind, source, reason, top, alpha, kappa, r2, rmse, months."""
    return pd.DataFrame([{
        "lever": lv.id, "kind": lv.kind, "source": lv.curve.source, "reason": lv.curve.reason,
        "top": lv.curve.top if lv.curve.source != "none" else np.nan, "alpha": lv.curve.alpha, "kappa": lv.curve.kappa,
        "r2": np.nan if lv.curve.r2 is None else lv.curve.r2, "rmse": np.nan if lv.curve.rmse is None else lv.curve.rmse,
        "months": lv.curve.months,
    } for lv in model.levers], columns=["lever", "kind", "source", "reason", "top", "alpha", "kappa", "r2", "rmse",
                                        "months"])
