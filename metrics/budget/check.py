"""Model check: the fitted curves against the ones a demo planted (``python -m data truths``).

Only generated datasets have planted truths; for them this answers "does the model find what is
there?" on the page, in the tests and in bench/bench_mmm.py. The planted curves become an ordinary
:class:`BudgetModel` with the same levers and economics (:func:`planted_model`), so the optimizer and
the projection evaluate any plan under the truth exactly as they do under the fit.

Planted → annual terms (:mod:`metrics.budget.curves`): a channel's top = 52 · beta and kappa =
52 · (1 − theta) · kappa; a CRM programme's top = its reach (contacts a year, from the data) ×
max_uplift and kappa = 12 · kappa (monthly spend).
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from data import demo
from metrics.budget import curves
from metrics.budget.model import BudgetModel
from metrics.budget.plotting import curve_view
from metrics.budget.projection import arrays, marginal_returns, objective

PLANTED = "manual"  # the planted curves are given, not estimated: no guardrail, no uncertainty


def planted(con: duckdb.DuckDBPyConnection, dataset: str) -> dict | None:
    """The planted ``response`` truths of ``dataset`` (None for data that was not generated)."""
    return demo.truths(con, dataset).get("response")


def planted_curve(model: BudgetModel, lever_id: str, truth: dict) -> curves.Curve | None:
    """The planted curve of one lever in annual terms, or None when the truths do not name it."""
    lever = model.lever(lever_id)
    if lever.kind == "channel":
        t = truth["channels"].get(lever.name)
        if t is None:
            return None
        per_year = 52
        top, alpha, kappa = curves.annual(np.array([t["beta"], t["alpha"], t["kappa"], t["theta"]]), per_year)
        return curves.Curve(float(top), float(alpha), float(kappa), PLANTED)
    t = truth["crm"].get(lever.name)
    reach = lever.curve.fit.reach
    if t is None or not reach:
        return None
    return curves.Curve(reach * t["max_uplift"], t["alpha"], 12 * t["kappa"], PLANTED)


def planted_model(model: BudgetModel, truth: dict) -> BudgetModel:
    """``model`` with every lever the truths name on its planted curve (the others as fitted)."""
    levers = []
    for lever in model.levers:
        curve = planted_curve(model, lever.id, truth)
        levers.append(replace(lever, curve=curve) if curve is not None else lever)
    return replace(model, levers=tuple(levers))


def true_profit(model: BudgetModel, truth: dict, allocation: np.ndarray) -> float:
    """Incremental gross profit of ``allocation`` (annual yuan) under the planted curves."""
    return float(objective(arrays(planted_model(model, truth)), np.asarray(allocation, dtype=float)))


def table(model: BudgetModel, truth: dict) -> pd.DataFrame:
    """Per lever the truths name: planted and fitted marginal return at current spend (and marginal
    ROAS for channels), baseline share and carry-over. Columns: lever, kind, source, planted_mroas,
    fitted_mroas, planted_marginal, fitted_marginal, planted_baseline_share, fitted_baseline_share,
    planted_theta, fitted_theta."""
    truth_model = planted_model(model, truth)
    x = model.current_allocation()
    fitted_mr, planted_mr = marginal_returns(arrays(model), x), marginal_returns(arrays(truth_model), x)
    rows = []
    for i, lever in enumerate(model.levers):
        channel = lever.kind == "channel"
        t = (truth["channels"] if channel else truth["crm"]).get(lever.name)
        if t is None or truth_model.levers[i].curve.source != PLANTED:
            continue
        fit = lever.curve.fit
        rows.append(
            {
                "lever": lever.id,
                "kind": lever.kind,
                "source": lever.curve.source,
                "planted_mroas": planted_mr[i] / lever.value if channel and lever.value else np.nan,
                "fitted_mroas": fitted_mr[i] / lever.value if channel and lever.value else np.nan,
                "planted_marginal": planted_mr[i],
                "fitted_marginal": fitted_mr[i],
                "planted_baseline_share": t.get("baseline_share", np.nan),
                "fitted_baseline_share": fit.baseline_share[1] if channel and fit.baseline_share else np.nan,
                "planted_theta": t.get("theta", np.nan),
                "fitted_theta": fit.theta if fit.theta is not None else np.nan,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "lever",
            "kind",
            "source",
            "planted_mroas",
            "fitted_mroas",
            "planted_marginal",
            "fitted_marginal",
            "planted_baseline_share",
            "fitted_baseline_share",
            "planted_theta",
            "fitted_theta",
        ],
    )


def curve_pair(model: BudgetModel, truth: dict, lever_id: str) -> pd.DataFrame | None:
    """The fitted curve of one lever (value, P10, P90 over annual spend) beside the planted one
    (column ``planted``); None when the truths do not name the lever."""
    curve = planted_curve(model, lever_id, truth)
    if curve is None:
        return None
    line = curve_view(model, lever_id, model.current_allocation()).line
    return line.assign(planted=curve.response(line["spend"].to_numpy()))
