"""Plot- and table-ready data for the budget views (no plotting library here: present/charts/budget.py draws).

Curves are shown in *annual* terms, like the sliders: x = annual spend, y = the annual response
(incremental revenue for a channel, customers retained for a CRM programme).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.budget.curves import hill
from metrics.budget.model import BudgetModel
from metrics.budget.projection import Arrays, arrays, marginal_draws, marginal_returns

GRID_POINTS = 80


@dataclass(frozen=True, eq=False)
class CurveView:
    """One lever's curve: ``line`` (spend, value, p10, p90) and the two marked points.

    ``points`` rows: which (current | proposed), spend, value, marginal_return (gross profit per
    extra yuan at that spend, see projection.marginal_returns).
    """

    lever: str
    kind: str
    source: str
    line: pd.DataFrame
    points: pd.DataFrame


def curve_view(model: BudgetModel, lever: str, allocation: np.ndarray, *, a: Arrays | None = None) -> CurveView:
    """The curve of ``lever`` from 0 to 2.5 × max(current, proposed, kappa) with its P10–P90 band."""
    a = a or arrays(model)
    i = model.ids.index(model.lever(lever).id)
    item = model.levers[i]
    current, proposed = model.current_allocation(), np.asarray(allocation, dtype=float)
    reach = 2.5 * max(current[i], proposed[i], item.curve.kappa if item.curve.source != "none" else 0.0, 1.0)
    spend = np.linspace(0.0, reach, GRID_POINTS)
    draws = a.draws[:, i, :]
    sampled = draws[:, :1] * hill(spend[None, :], draws[:, 1:2], draws[:, 2:3])
    line = pd.DataFrame(
        {
            "spend": spend,
            "value": a.top[i] * hill(spend, a.alpha[i], a.kappa[i]),
            "p10": np.quantile(sampled, 0.1, axis=0),
            "p90": np.quantile(sampled, 0.9, axis=0),
        }
    )
    rows = []
    for which, x in (("current", current), ("proposed", proposed)):
        rows.append(
            {
                "which": which,
                "spend": x[i],
                "value": a.top[i] * float(hill(x[i], a.alpha[i], a.kappa[i])),
                "marginal_return": float(marginal_returns(a, x)[i]),
            }
        )
    return CurveView(item.id, item.kind, item.curve.source, line, pd.DataFrame(rows))


CURVE_COLUMNS = [
    "lever",
    "kind",
    "source",
    "reason",
    "grain",
    "fit_periods",
    "baseline_share",
    "carryover",
    "mroas_p10",
    "mroas_p50",
    "mroas_p90",
    "marginal_return",
    "lift_tests",
    "campaigns",
]


def curves_table(model: BudgetModel, *, a: Arrays | None = None) -> pd.DataFrame:
    """Where each lever's curve comes from, and what it says at today's spend.

    Columns: lever, kind, source, reason (why assumed), grain (week | month), fit_periods (with
    spend), baseline_share (P50 of the lever's revenue series, channels), carryover (theta per
    period), mroas_p10/p50/p90 (extra yearly revenue per extra yearly yuan at current spend,
    channels), marginal_return (P50 gross profit per extra yuan, every lever), lift_tests (used),
    campaigns (holdout campaigns used). NaN where a column does not apply.
    """
    a = a or arrays(model)
    x = model.current_allocation()
    draws = marginal_draws(a, x)
    rows = []
    for i, lever in enumerate(model.levers):
        fit, channel = lever.curve.fit, lever.kind == "channel"
        roas = draws[:, i] / lever.value if channel and lever.value else np.full(len(draws), np.nan)
        share = fit.baseline_share[1] if fit.baseline_share else np.nan
        known = lever.curve.source != "none"
        rows.append(
            {
                "lever": lever.id,
                "kind": lever.kind,
                "source": lever.curve.source,
                "reason": lever.curve.reason,
                "grain": fit.grain,
                "fit_periods": fit.periods if fit.grain else np.nan,
                "baseline_share": share,
                "carryover": fit.theta if fit.theta is not None else np.nan,
                **{
                    f"mroas_{q}": float(np.percentile(roas, p)) if known and channel else np.nan
                    for q, p in (("p10", 10), ("p50", 50), ("p90", 90))
                },
                "marginal_return": float(np.percentile(draws[:, i], 50)) if known else np.nan,
                "lift_tests": fit.lifts if channel and fit.grain else np.nan,
                "campaigns": fit.campaigns if not channel else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)
