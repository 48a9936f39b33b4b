"""Each channel's growth potential (增长潜力): where its sales are heading, and how much more revenue
its budget curve says more marketing could still buy while it pays for itself.

- **Forecast**: the channel's last 12 complete months beside the P50 of its next 12
  (:mod:`metrics.forecast`), and the growth between them.
- **Headroom** (from the budget model, :mod:`metrics.budget`): raising the channel's annual spend
  from today's ``s0`` to the spend ``s*`` at which the next yuan returns exactly one yuan of gross
  profit (value × the curve's slope = 1, value being the channel's variable margin per yuan of
  revenue) adds ``response(s*) − response(s0)`` yuan of revenue a year. 0 when today's spend is
  already past that point; undefined without a curve (no marketing spend). P10/P90 over the
  curve's parameter draws; ``source`` says whether the curve is fitted, calibrated or assumed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import forecast
from metrics.budget.curves import hill, hill_slope

COLUMNS = [
    "channel",
    "last12_revenue",
    "next12_p50",
    "forecast_growth",
    "method",
    "months",
    "headroom_revenue",
    "headroom_p10",
    "headroom_p90",
    "headroom_spend",
    "current_spend",
    "marginal_return",
    "source",
]
GRID = 400
REACH = 20.0  # the search for s* runs up to 20 × max(today's spend, kappa)


def _break_even(
    s0: float, value: float, top: np.ndarray, alpha: np.ndarray, kappa: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per parameter draw: the revenue gained and the spend added going from ``s0`` to the largest
    spend whose marginal gross profit per yuan is still ≥ 1 (0 and 0 when none beyond ``s0`` is)."""
    reach = REACH * max(s0, float(np.median(kappa)), 1.0)
    grid = np.geomspace(max(s0, reach * 1e-6), reach, GRID)
    slope = value * top[:, None] * hill_slope(grid[None, :], alpha[:, None], kappa[:, None])
    paying = slope >= 1.0
    last = np.where(paying.any(axis=1), GRID - 1 - np.argmax(paying[:, ::-1], axis=1), -1)
    target = np.where(last >= 0, grid[np.maximum(last, 0)], s0)
    target = np.maximum(target, s0)
    gained = top * (hill(target, alpha, kappa) - hill(s0, alpha, kappa))
    return np.maximum(gained, 0.0), target - s0


def potential(outlook: forecast.Outlook, model: object | None) -> pd.DataFrame:
    """One row per forecast channel (the total left out): ``COLUMNS`` (module docstring for each).

    ``model`` is the dataset's budget model (None: headroom columns undefined). Money in yuan a year.
    """
    levers = {lv.name: lv for lv in getattr(model, "levers", ()) if lv.kind == "channel"}
    rows = []
    for s in outlook.series:
        if s.series == forecast.TOTAL:
            continue
        last, ahead = forecast.next_year(s)
        row = {
            "channel": s.series,
            "last12_revenue": last,
            "next12_p50": ahead,
            "forecast_growth": ahead / last - 1 if last > 0 and np.isfinite(ahead) else np.nan,
            "method": s.method if s.ok else s.reason,
            "months": s.months,
            "headroom_revenue": np.nan,
            "headroom_p10": np.nan,
            "headroom_p90": np.nan,
            "headroom_spend": np.nan,
            "current_spend": np.nan,
            "marginal_return": np.nan,
            "source": "none",
        }
        lever = levers.get(s.series)
        if lever is not None and lever.curve.source != "none":
            curve, value = lever.curve, float(lever.value) if np.isfinite(lever.value) else 1.0
            point_gain, point_spend = _break_even(
                lever.current, value, np.array([curve.top]), np.array([curve.alpha]), np.array([curve.kappa])
            )
            draws = curve.draws()
            gains, _ = _break_even(lever.current, value, draws[:, 0], draws[:, 1], draws[:, 2])
            row.update(
                headroom_revenue=float(point_gain[0]),
                headroom_p10=float(np.percentile(gains, 10)),
                headroom_p90=float(np.percentile(gains, 90)),
                headroom_spend=float(point_spend[0]),
                current_spend=float(lever.current),
                marginal_return=float(value * curve.slope(lever.current)),
                source=curve.source,
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
