"""The response-model engines side by side on the same demo: ours (metrics/budget/mmm.py, numpy +
scipy) and PyMC-Marketing's MMM, against the curves the demo planted.

    python -m bench.bench_mmm [--lines 300000] [--seeds 42 1] [--pymc-python PATH | --no-pymc]
        [--sampler nutpie|pymc|numpyro] [--draws 500] [--tune 500] [--chains 2]

For each seed: a demo of ``--lines`` order lines (6 channels, 3 years weekly, 3 CRM programmes),
then per engine the fit time (wall and CPU seconds, children included), and per channel the
planted vs fitted baseline share, theta, kappa (fitted ÷ planted) and marginal ROAS at current
spend; then the *true* incremental gross profit (planted curves) of the plan each engine
recommends at today's total, beside today's plan and the true optimum. Last, our slider move
(projection with P10/P90 over 400 draws + the curve view) and optimize timings.

PyMC-Marketing runs in this Python when it can import it, else in ``--pymc-python`` (default: the
research venvs in /work/research/mmm, Python 3.12 with pymc-marketing 1.x first), one model per
channel with the same baseline columns (bench/pymc_side.py); without either it prints "not
installed". It fits the channels only: its plan keeps our CRM curves (measured by holdout) and
uses no lift tests. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import ROOT, table
from data import demo, warehouse
from metrics.budget import BudgetSpec, check, curves, mmm, optimize, project
from metrics.budget import model as budget
from metrics.budget.plotting import curve_view
from metrics.budget.projection import arrays
from metrics.db import query

RESEARCH_PYTHONS = ("/work/research/mmm/venv-pymc312/bin/python", "/work/research/mmm/venv-pymc/bin/python")


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e3


def export(con, model: budget.BudgetModel) -> dict:
    """Each channel's weekly net revenue and spend with the baseline's non-Fourier columns (PyMC adds
    its own intercept and yearly Fourier terms)."""
    first, last = con.cursor().execute("SELECT first_date, last_date FROM datasets WHERE name = 'demo'").fetchone()
    weeks = mmm.weeks_between(first, last)
    weekly = query(
        con, "budget_channel_weekly", dataset="demo", first=weeks[0].astype(object), last=weeks[-1].astype(object)
    )
    design = mmm.design(weeks, mmm.WEEK)
    controls = {
        "trend": design[:, 1].tolist(),
        **{name: design[:, 8 + j].tolist() for j, name in enumerate(mmm.HOLIDAYS)},
    }
    out = {}
    for lever in model.levers:
        if lever.kind != "channel":
            continue
        part = weekly[weekly["channel"] == lever.name].set_index("week").reindex(weeks.astype("datetime64[ns]"))
        out[lever.name] = {
            "dates": [str(w) for w in weeks],
            "revenue": part["revenue"].fillna(0.0).tolist(),
            "spend": part["spend"].fillna(0.0).tolist(),
            "controls": controls,
            "current": float(part["spend"].fillna(0.0).to_numpy()[-52:].mean()),
        }
    return out


def run_pymc(spec: dict, python: str | None) -> tuple[dict | None, str]:
    """PyMC-Marketing's fits, in this Python or a research venv; (None, why) when neither has it."""
    if importlib.util.find_spec("pymc_marketing") is not None:
        sys.path.insert(0, str(ROOT / "bench"))
        import pymc_side

        return pymc_side.run(spec), sys.executable
    candidates = [python] if python else [p for p in RESEARCH_PYTHONS if Path(p).exists()]
    for candidate in candidates:
        with tempfile.TemporaryDirectory() as folder:
            source, target = Path(folder) / "in.json", Path(folder) / "out.json"
            source.write_text(json.dumps(spec), encoding="utf-8")
            done = subprocess.run(
                [candidate, str(ROOT / "bench" / "pymc_side.py"), str(source), str(target)],
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if done.returncode == 0 and target.exists():
                return json.loads(target.read_text(encoding="utf-8")), candidate
            print(f"pymc-marketing in {candidate} failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    return None, "not installed"


def with_pymc_curves(model: budget.BudgetModel, fits: dict) -> budget.BudgetModel:
    """The model with each channel on PyMC-Marketing's curve (medians; its draws as the band)."""
    levers = []
    for lever in model.levers:
        fit = fits.get(lever.name) if lever.kind == "channel" else None
        if fit is not None:
            top, alpha, kappa = curves.annual(np.array([fit["beta"], fit["alpha"], fit["kappa"], fit["theta"]]), 52)
            draws = curves.annual(np.array(fit["draws"]), 52)
            lever = replace(lever, curve=curves.Curve(float(top), float(alpha), float(kappa), "fitted", samples=draws))
        levers.append(lever)
    return replace(model, levers=tuple(levers))


def marginal_roas(model: budget.BudgetModel, name: str) -> float:
    """Extra yearly revenue per extra yearly yuan at the lever's current spend."""
    lever = model.lever(name)
    return float(lever.curve.slope(lever.current))


def one_seed(seed: int, args: argparse.Namespace) -> None:
    con = warehouse.connect(":memory:")
    demo.build_demo(con, orders=args.lines, seed=seed, name="demo")
    truth = check.planted(con, "demo")
    budget.forget()
    wall, busy = time.perf_counter(), cpu()
    ours = budget.budget_model(con, "demo")
    ours_wall, ours_cpu = time.perf_counter() - wall, cpu() - busy
    channels = [lv.name for lv in ours.levers if lv.kind == "channel"]
    pymc_fits, where = (
        (None, "not installed (--no-pymc)")
        if args.no_pymc
        else run_pymc(
            {
                "channels": export(con, ours),
                "draws": args.draws,
                "tune": args.tune,
                "chains": args.chains,
                "sampler": args.sampler,
                "seed": seed,
            },
            args.pymc_python,
        )
    )
    theirs = with_pymc_curves(ours, pymc_fits["channels"]) if pymc_fits else None
    planted = check.planted_model(ours, truth)

    print(
        f"\n== seed {seed}: {args.lines:,} lines, {len(channels)} channels weekly + "
        f"{sum(lv.kind == 'crm' for lv in ours.levers)} CRM programmes; PyMC-Marketing: "
        f"{pymc_fits['version'] + ' (' + args.sampler + ', ' + where + ')' if pymc_fits else where}"
    )
    rows = [
        {
            "engine": "ours (NLS + Laplace)",
            "fit_wall_s": f"{ours_wall:.1f}",
            "fit_cpu_s": f"{ours_cpu:.1f}",
            "levers": "6 channels + 3 CRM",
        }
    ]
    if pymc_fits:
        fits = pymc_fits["channels"].values()
        rows.append(
            {
                "engine": f"pymc-marketing {pymc_fits['version']}",
                "fit_wall_s": f"{sum(f['seconds'] for f in fits):.1f}",
                "fit_cpu_s": f"{sum(f['cpu_seconds'] for f in fits):.1f}",
                "levers": "6 channels",
            }
        )
    print(table(rows))

    recovery = []
    for name in channels:
        t = truth["channels"][name]
        mine = ours.lever(name)
        row = {
            "channel": name,
            "source": mine.curve.source,
            "base true": f"{t['baseline_share']:.3f}",
            "base ours": f"{mine.curve.fit.baseline_share[1]:.3f}",
            "theta true": f"{t['theta']:.2f}",
            "theta ours": f"{mine.curve.fit.theta:.2f}",
            "kappa ours/true": f"{mine.curve.fit.kappa / t['kappa']:.2f}",
            "mROAS true": f"{marginal_roas(planted, name):.2f}",
            "mROAS ours": f"{marginal_roas(ours, name):.2f}",
        }
        if pymc_fits:
            fit = pymc_fits["channels"][name]
            row |= {
                "base pymc": f"{fit['baseline_share']:.3f}",
                "theta pymc": f"{fit['theta']:.2f}",
                "kappa pymc/true": f"{fit['kappa'] / t['kappa']:.2f}",
                "mROAS pymc": f"{marginal_roas(theirs, name):.2f}",
            }
        recovery.append(row)
    print(table(recovery))

    spec = BudgetSpec(float(ours.current_allocation().sum()))
    best = optimize(planted, spec)
    plans = [("today's plan", ours.current_allocation()), ("ours, recommended", optimize(ours, spec).allocation)]
    if theirs is not None:
        plans.append(("pymc-marketing, recommended", optimize(theirs, spec).allocation))
    plans.append(("true optimum", best.allocation))
    current = check.true_profit(ours, truth, ours.current_allocation())
    optimum = check.true_profit(ours, truth, best.allocation)
    profit = []
    for label, allocation in plans:
        value = check.true_profit(ours, truth, allocation)
        profit.append(
            {
                "plan": label,
                "true incremental GP (M¥/yr)": f"{value / 1e6:.3f}",
                "share of possible gain": f"{(value - current) / (optimum - current):.0%}"
                if optimum > current
                else "—",
            }
        )
    print(table(profit))

    a = arrays(ours)
    planned = ours.current_allocation() * np.linspace(0.7, 1.3, len(ours.levers))
    lever = ours.ids[0]
    move = median_ms(lambda: (project(ours, planned, a=a), curve_view(ours, lever, planned, a=a)), 50)
    solve = median_ms(lambda: optimize(ours, spec, a=a), 20)
    print(
        table(
            [
                {
                    "slider move ms (projection + curve, 400 draws)": f"{move:.1f}",
                    "optimize ms (9 levers)": f"{solve:.1f}",
                }
            ]
        )
    )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42])
    parser.add_argument("--pymc-python", help="a Python with pymc-marketing (default: the research venvs)")
    parser.add_argument("--no-pymc", action="store_true", help="our engine only")
    parser.add_argument("--sampler", default="nutpie", choices=("nutpie", "pymc", "numpyro"))
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--chains", type=int, default=2)
    args = parser.parse_args()
    for seed in args.seeds:
        one_seed(seed, args)


if __name__ == "__main__":
    main()
