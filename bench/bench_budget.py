"""Budget what-if speed: the optimizer with 8 levers and the recompute behind one slider move.

    python -m bench.bench_budget [--sizes 1000000 10000000]

For each demo size: the model build (fits every curve; cached per dataset version in the app),
then on its 8 largest levers (5 channels + 3 CRM programmes):

- optimizer: ours (grid dynamic programme + SLSQP from 2 starts) against a naive baseline
  measured in the same run — one scipy SLSQP from an equal split, no warm start, numeric gradient —
  with the objective each reaches (the baseline can stop in a worse local optimum);
- slider move: the server-side work the what-if fragment does after a move (projection with
  P10/P90 over 400 curve draws + the curve view), against a naive loop over the draws.

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
from scipy.optimize import minimize

from bench.common import demo_warehouse, table, timed
from data import warehouse
from metrics.budget import BudgetModel, BudgetSpec, budget_model, optimize, project
from metrics.budget.plotting import curve_view
from metrics.budget.projection import arrays, objective, outcomes


def eight_levers(model: BudgetModel) -> BudgetModel:
    channels = sorted((lv for lv in model.levers if lv.kind == "channel"), key=lambda lv: -lv.current)[:5]
    crm = [lv for lv in model.levers if lv.kind == "crm"][:3]
    return replace(model, levers=tuple(channels + crm))


def naive_optimize(model: BudgetModel, total: float) -> np.ndarray:
    a = arrays(model)
    n = len(model.levers)
    result = minimize(
        lambda x: -float(objective(a, x)),
        np.full(n, total / n),
        method="SLSQP",
        bounds=[(0, total)] * n,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
    )
    return result.x


def naive_projection(model: BudgetModel, x: np.ndarray) -> None:
    """The projection one draw at a time (what a straightforward implementation would loop over)."""
    a = arrays(model)
    values = [outcomes(a, x, a.draws[s, :, 0], a.draws[s, :, 1], a.draws[s, :, 2]) for s in range(a.draws.shape[0])]
    for key in values[0]:
        np.nanquantile([v[key] for v in values], (0.1, 0.5, 0.9))


def measure(size: int) -> dict[str, object]:
    con = warehouse.connect(demo_warehouse(size), read_only=True)  # only reads; other benches may hold the file
    began = time.perf_counter()
    full = budget_model(con, "demo")
    fit_s = time.perf_counter() - began
    con.close()
    model = eight_levers(full)
    a = arrays(model)
    total = float(model.current_allocation().sum())
    spec = BudgetSpec(total)
    ours = optimize(model, spec, a=a)
    naive_x = naive_optimize(model, total)
    t_ours = timed(lambda: optimize(model, spec, a=a))
    t_naive = timed(lambda: naive_optimize(model, total))
    planned = model.current_allocation() * np.linspace(0.6, 1.4, len(model.levers))
    lever = model.ids[0]
    t_move = timed(lambda: (project(model, planned, a=a), curve_view(model, lever, planned, a=a)), repeat=50)
    t_loop = timed(lambda: naive_projection(model, planned), repeat=5)
    return {
        "lines": f"{size:,}",
        "levers": len(model.levers),
        "model_fit_s": f"{fit_s:.2f}",
        "optimize_ms": f"{t_ours * 1e3:.1f}",
        "naive_slsqp_ms": f"{t_naive * 1e3:.1f}",
        "objective": f"{ours.objective:,.0f}",
        "naive_objective": f"{float(objective(a, naive_x)):,.0f}",
        "slider_move_ms": f"{t_move * 1e3:.2f}",
        "naive_loop_ms": f"{t_loop * 1e3:.1f}",
        "move_speedup": f"{t_loop / t_move:.1f}x",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    print(table([measure(size) for size in args.sizes]))


if __name__ == "__main__":
    main()
