"""Budget what-if (METRICS.md "Budget what-if"): response curves per lever, projections with
P10–P90 bands, an optimizer across channels and CRM programmes, and saved scenarios.

Modules, PyMC-Marketing style: :mod:`mmm` (the response model: baseline + adstock + Hill per
revenue series), :mod:`holdout` (CRM uplift from control groups), :mod:`curves` (annual curves,
their sources, CRM fits, the assumed fallback), :mod:`model` (a dataset's levers and economics,
fitted once per version), :mod:`projection` (vectorised outcomes), :mod:`constraints` (budget,
bounds, locks, guardrail, BudgetError), :mod:`optimizer` (grid programme + SLSQP, with
explanation), :mod:`plotting` (chart- and table-ready frames), :mod:`check` (fitted against planted
curves on a demo), :mod:`scenarios`. Sentences live in :mod:`present.sentences.budget`.
"""

from __future__ import annotations

from metrics.budget.constraints import Bound, BudgetError, BudgetSpec
from metrics.budget.model import BudgetModel, Lever, Override, allocation_frame, budget_model, with_overrides
from metrics.budget.optimizer import Result, optimize, split_by_budget
from metrics.budget.projection import OUTCOMES, project

__all__ = [
    "Bound",
    "BudgetError",
    "BudgetModel",
    "BudgetSpec",
    "Lever",
    "OUTCOMES",
    "Override",
    "Result",
    "allocation_frame",
    "budget_model",
    "optimize",
    "project",
    "split_by_budget",
    "with_overrides",
]
