"""Saved what-if scenarios: save, list, load, delete (table budget_scenarios, migration 004) and compare.

A scenario stores its inputs (allocation per lever, manual curves, total, exact) — never its
outputs: comparing re-projects every scenario with the current model, so numbers side by side
always come from the same curves. Lever ids the model no longer has are ignored on load (and
levers the scenario lacks get 0), so a reloaded dataset cannot break a saved scenario. Manual
curves are stored in annual terms (``"units": "annual"``); a scenario saved before that held
monthly ones (top and kappa per month), converted on load.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data import access
from data.state import store_for
from metrics.budget.model import BudgetModel, Override, with_overrides
from metrics.budget.projection import OUTCOMES, project

MAX_NAME = 80
MAX_NOTES = 2000


@dataclass(frozen=True)
class Scenario:
    """A named plan: ``allocation`` maps lever id → annual yuan; ``overrides`` are manual curves."""

    name: str
    allocation: dict[str, float]
    notes: str = ""
    overrides: tuple[Override, ...] = field(default_factory=tuple)
    total: float | None = None
    exact: bool = True
    saved_at: dt.datetime | None = None
    saved_by: str | None = None  # who saved it last (data.access actor); None before migration 014

    def vector(self, model: BudgetModel) -> np.ndarray:
        """The allocation in the model's lever order (missing levers at 0)."""
        return np.array([float(self.allocation.get(lever, 0.0)) for lever in model.ids])

    def payload(self) -> str:
        return json.dumps(
            {
                "allocation": {k: float(v) for k, v in self.allocation.items()},
                "overrides": [
                    {"lever": o.lever, "top": o.top, "alpha": o.alpha, "kappa": o.kappa} for o in self.overrides
                ],
                "total": self.total,
                "exact": self.exact,
                "units": "annual",
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def _from_row(
    name: str, notes: str, payload: str, saved_at: dt.datetime | None, saved_by: str | None = None
) -> Scenario:
    data = json.loads(payload)
    monthly = data.get("units") != "annual"  # saved before curves were annual: a channel's top and every kappa ×12
    overrides = tuple(
        Override(
            o["lever"],
            float(o["top"]) * (12 if monthly and o["lever"].startswith("channel:") else 1),
            float(o["alpha"]),
            float(o["kappa"]) * (12 if monthly else 1),
        )
        for o in data.get("overrides", [])
    )
    return Scenario(
        name,
        {k: float(v) for k, v in data.get("allocation", {}).items()},
        notes,
        overrides,
        data.get("total"),
        bool(data.get("exact", True)),
        saved_at,
        saved_by,
    )


def clean_name(name: str) -> str:
    """The name trimmed; ValueError when empty or longer than MAX_NAME characters."""
    cleaned = " ".join(str(name).split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise ValueError("scenario name must have 1 to 80 characters")
    return cleaned


def save(store: object, dataset: str, scenario: Scenario) -> Scenario:
    """Save ``scenario`` under its (cleaned) name, replacing one with the same name.

    ``store`` is the warehouse's user-state store (or an in-memory warehouse's connection). Planners
    and above whose scope holds the whole dataset may save (data.access); others get PermissionDenied.
    """
    target = store_for(store)
    who = access.require("scenario.save", dataset=dataset, store=target)
    name = clean_name(scenario.name)
    target.save_scenario(dataset, name, str(scenario.notes)[:MAX_NOTES], scenario.payload(), by=who.actor)
    return load(store, dataset, name)


def list_scenarios(store: object, dataset: str) -> list[Scenario]:
    """Saved scenarios of ``dataset``, newest first."""
    return [
        _from_row(r["name"], r["notes"], r["payload"], r["saved_at"], r.get("saved_by"))
        for r in store_for(store).scenarios(dataset)
    ]


def load(store: object, dataset: str, name: str) -> Scenario:
    """The scenario called ``name``; KeyError when there is none."""
    for scenario in list_scenarios(store, dataset):
        if scenario.name == name:
            return scenario
    raise KeyError(name)


def delete(store: object, dataset: str, name: str) -> bool:
    """Delete a scenario; False when it did not exist. Recorded in the audit log (data.access)."""
    target = store_for(store)
    who = access.require("scenario.delete", dataset=dataset, store=target)
    existed = target.delete_scenario(dataset, name)
    if existed:
        access.record(target, "scenario.delete", target=f"{dataset}/{name}", principal=who)
    return existed


def usable_overrides(model: BudgetModel, overrides: tuple[Override, ...]) -> tuple[Override, ...]:
    """The overrides whose lever the model still has."""
    kept = []
    for o in overrides:
        try:
            model.lever(o.lever)
        except KeyError:
            continue
        kept.append(o)
    return tuple(kept)


def compare(model: BudgetModel, scenarios: list[Scenario]) -> pd.DataFrame:
    """Scenarios side by side: one row per (scenario, outcome) with scenario, p10, p90 and the current plan.

    Each scenario is projected with its own manual curves on top of the model. Columns: scenario,
    outcome, current, value, delta, p10, p90. Empty input → empty frame with those columns.
    """
    columns = ["scenario", "outcome", "current", "value", "delta", "p10", "p90"]
    parts = []
    for scenario in scenarios:
        view = with_overrides(model, usable_overrides(model, scenario.overrides))
        proj = project(view, scenario.vector(view))
        parts.append(
            pd.DataFrame(
                {
                    "scenario": scenario.name,
                    "outcome": proj["outcome"],
                    "current": proj["current"],
                    "value": proj["scenario"],
                    "delta": proj["delta"],
                    "p10": proj["p10"],
                    "p90": proj["p90"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)[columns]
    frame["outcome"] = pd.Categorical(frame["outcome"], categories=list(OUTCOMES), ordered=True)
    return frame.sort_values(["outcome", "scenario"], kind="stable").reset_index(drop=True).astype({"outcome": str})


def export_frame(model: BudgetModel, scenario: Scenario) -> pd.DataFrame:
    """One scenario for download: a row per lever (allocation vs current) then a row per outcome.

    Columns: section (lever | outcome), item, current, scenario, p10, p90.
    """
    current = model.current_allocation()
    planned = scenario.vector(model)
    levers = pd.DataFrame(
        {"section": "lever", "item": model.ids, "current": current, "scenario": planned, "p10": np.nan, "p90": np.nan}
    )
    proj = project(with_overrides(model, usable_overrides(model, scenario.overrides)), planned)
    outcomes = pd.DataFrame(
        {
            "section": "outcome",
            "item": proj["outcome"],
            "current": proj["current"],
            "scenario": proj["scenario"],
            "p10": proj["p10"],
            "p90": proj["p90"],
        }
    )
    return pd.concat([levers, outcomes], ignore_index=True)
