"""``python -m metrics curves``: where each budget lever's curve comes from (found by cli.main).

    python -m metrics curves --dataset NAME [--json] [--db PATH]

Per lever: lever, source (fitted | calibrated | holdout | manual | assumed | none), baseline_share
(P50 share of the revenue series the lever acts on that is baseline), theta (carry-over per
period), marginal_roas {p10, p50, p90} (extra yearly revenue per extra yearly yuan at current
spend; null for CRM levers), marginal_return {p10, p50, p90} (gross profit per extra yuan, every
lever with a curve), grain (week | month) and reason (why a curve is assumed). A table by
default, JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from cli.budget import load_model
from metrics.budget import BudgetModel
from metrics.budget.projection import arrays, marginal_draws


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("curves", help="each budget lever's response curve: source, baseline, marginal ROAS")
    command.add_argument("--dataset", required=True)
    command.add_argument("--json", action="store_true", help="JSON instead of a table")
    command.add_argument("--db", help="warehouse file (default: SALESLENS_DB or data/saleslens.duckdb)")
    return command, run_curves


def _band(values: np.ndarray) -> dict[str, float]:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"p10": round(float(p10), 4), "p50": round(float(p50), 4), "p90": round(float(p90), 4)}


def curves_json(model: BudgetModel) -> list[dict[str, object]]:
    """Per lever: the ``curves`` command's fields (module docstring)."""
    a = arrays(model)
    draws = marginal_draws(a, model.current_allocation())
    out = []
    for i, lever in enumerate(model.levers):
        fit, known = lever.curve.fit, lever.curve.source != "none"
        channel = lever.kind == "channel" and known
        out.append(
            {
                "lever": lever.id,
                "source": lever.curve.source,
                "baseline_share": round(fit.baseline_share[1], 4) if fit.baseline_share else None,
                "theta": round(fit.theta, 4) if fit.theta is not None else None,
                "marginal_roas": _band(draws[:, i] / lever.value) if channel and lever.value else None,
                "marginal_return": _band(draws[:, i]) if known else None,
                "grain": fit.grain,
                "reason": lever.curve.reason,
            }
        )
    return out


def run_curves(args: argparse.Namespace) -> int:
    rows = curves_json(load_model(args))
    if args.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for row in rows:
        roas = row["marginal_roas"] or {}
        gp = row["marginal_return"] or {}
        share, theta = row["baseline_share"], row["theta"]
        sys.stdout.write(
            f"{row['lever']:<24} {row['source']:<11} baseline {'-' if share is None else share:<7} "
            f"theta {'-' if theta is None else theta:<7} "
            f"mROAS {roas.get('p10', '-')}..{roas.get('p50', '-')}..{roas.get('p90', '-')}  "
            f"GP/yuan {gp.get('p50', '-')}  {row['reason'] or ''}\n"
        )
    return 0
