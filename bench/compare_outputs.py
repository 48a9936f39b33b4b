"""Every output of two revisions on the same demo, compared: what a refactor changed, and what not.

    python -m bench.compare_outputs BEFORE AFTER [--orders 40000 300000] [--seed 42] [--keep DIR] [--reruns 3]

BEFORE and AFTER are git revisions of this repository (exported with ``git archive`` into a
temporary folder, so no worktree is touched) or paths of checked-out trees. Each tree builds the
demo with its own generator at each size (fixed seed) and produces, with its own code:

- ``python -m metrics export TABLE`` for every table either side offers, over the whole range and the
  last 365 days (CSV); ``clv`` also with a calibration end 182 days before the last order;
- ``optimize`` (an exact and an at-most budget), ``advise`` (two stage/industry pairs), ``fit-clv``
  (JSON on stdout);
- ``report --out FILE.xlsx`` in both languages (every sheet);
- the metric functions behind the pages that no CLI exports (overview trend and movers, channel
  share over time, coverage, overlap, churn, cohorts...), for selections with channel and region
  filters, which the CLI cannot set.

Compared cell by cell: the same columns, the same rows in the same order; integers, strings and
booleans identical, floats within 1e-9 relative (money sums may add in another order). Prints one
row per output: identical, different (which columns, in how many rows; or which JSON paths), or
missing on one side. Where an output differs, both sides produce it again (--reruns, default 3):
when a run of AFTER matches a run of BEFORE, the output varies between runs of the same code and
the difference is noise; when a side varies but no runs match, "unstable". Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import ROOT, table

REL = 1e-9
TINY = 1e-12  # differences this small around zero (sums that cancel) are not relative errors

# Run inside a tree with its own code: the page metrics no CLI exports, as pickles (dtypes kept).
# argv: warehouse, output folder. A call that fails writes its error instead of a frame.
LIBRARY = r'''
import dataclasses, datetime as dt, pickle, sys, traceback
from pathlib import Path
import pandas as pd
from data import warehouse
from metrics import channels, cohorts, customers, overview, rfm
from metrics.filters import Filters

con = warehouse.connect(sys.argv[1])
out = Path(sys.argv[2])
first, last = con.execute("SELECT first_date, last_date FROM datasets WHERE name = 'demo'").fetchall()[0]
dims = overview.dimension_values(con, "demo")
chans, regs = dims["channel"], dims["region"]
selections = {
    "all": Filters("demo", first, last),
    "year": Filters("demo", last - dt.timedelta(days=364), last),
    "q_2ch_1reg": Filters("demo", last - dt.timedelta(days=89), last, channels=tuple(chans[:2]), regions=tuple(regs[1:2])),
    "h_2reg": Filters("demo", last - dt.timedelta(days=209), last - dt.timedelta(days=30), regions=tuple(regs[-2:])),
    "year_1ch": Filters("demo", last - dt.timedelta(days=364), last, channels=tuple(chans[2:3])),
}
calls = {
    "overview.kpis": lambda f: overview.kpis(con, f),
    "overview.trend": lambda f: overview.trend(con, f),
    "overview.movers": lambda f: overview.movers(con, f),
    "channels.pnl": lambda f: channels.pnl(con, f),
    "channels.share_trend": lambda f: channels.share_trend(con, f, measure="revenue"),
    "channels.share_trend_customers": lambda f: channels.share_trend(con, f, measure="customers"),
    "channels.coverage": lambda f: channels.coverage(con, f),
    "channels.provinces": lambda f: channels.provinces(con, f, region=f.regions[0] if f.regions else regs[0]),
    "channels.declining": lambda f: channels.declining(con, f),
    "channels.overlap": lambda f: channels.overlap(con, f),
    "channels.price_conflicts": lambda f: channels.price_conflicts(con, f),
    "channels.allocated_costs": lambda f: channels.allocated_costs(con, f),
    "customers.kpis": lambda f: customers.kpis(con, f),
    "customers.churn_monthly": lambda f: customers.churn_monthly(con, f),
    "customers.churn_by_place": lambda f: customers.churn_by_place(con, f),
    "customers.churn_flags": lambda f: customers.churn_flags(con, f),
    "cohorts.retention": lambda f: cohorts.retention(con, f),
    "rfm.segment_view": lambda f: rfm.segment_view(con, f),
}


def frames(name, value):
    """A result as {name: DataFrame}: dataclasses split into their frames and a row of scalars."""
    if value is None:
        return {name: pd.DataFrame()}
    if isinstance(value, pd.DataFrame):
        return {name: value}
    if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
        return {name: pd.DataFrame([dataclasses.asdict(v) for v in value])}
    if dataclasses.is_dataclass(value):
        found, scalars = {}, {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if isinstance(item, pd.DataFrame):
                found[f"{name}.{field.name}"] = item
            elif not dataclasses.is_dataclass(item) and not isinstance(item, (list, dict, tuple)):
                scalars[field.name] = item
        if scalars:
            found[name] = pd.DataFrame([scalars])
        return found
    return {name: pd.DataFrame({"value": [value]})}


for sel, f in selections.items():
    for name, call in calls.items():
        try:
            results = frames(name, call(f))
        except Exception:
            (out / f"lib.{sel}.{name}.error").write_text(traceback.format_exc().strip().splitlines()[-1])
            continue
        for key, frame in results.items():
            (out / f"lib.{sel}.{key}.pkl").write_bytes(pickle.dumps(frame))
'''


def materialise(spec: str, into: Path) -> Path:
    """A tree for ``spec``: the folder itself, or revision ``spec`` exported into ``into``."""
    if Path(spec).is_dir():
        return Path(spec).resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{spec}^{{commit}}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    shutil.rmtree(into, ignore_errors=True)  # a --keep folder of an earlier run
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=tree, capture_output=True, text=True)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def export_tables(tree: Path) -> list[str]:
    """The tables ``python -m metrics export`` offers in this tree (from its --help)."""
    shown = run(tree, "-m", "metrics", "export", "--help").stdout
    found = re.search(r"\{([a-z_,]+)\}", shown)
    return found.group(1).split(",") if found else []


def produce(tree: Path, db: Path, out: Path, tables: list[str], only: set[str] | None = None) -> None:
    """Every output of ``tree`` on warehouse ``db`` (or the jobs named in ``only``; ``lib`` = the
    page metrics), written into ``out`` (errors as ``.error``)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    listed = json.loads(run(tree, "-m", "data", "list", "--db", str(db)).stdout)
    demo = next(d for d in listed if d["name"] == "demo")
    last = dt.date.fromisoformat(demo["last_date"])
    year = ["--start", (last - dt.timedelta(days=364)).isoformat(), "--end", last.isoformat()]
    calibration = (last - dt.timedelta(days=182)).isoformat()
    common = ["--dataset", "demo", "--db", str(db)]
    jobs: dict[str, list[str]] = {}
    for name in tables:
        jobs[f"export {name} (all).csv"] = ["-m", "metrics", "export", name, *common]
        jobs[f"export {name} (year).csv"] = ["-m", "metrics", "export", name, *common, *year]
    if "clv" in tables:
        jobs["export clv (calibration).csv"] = [
            "-m",
            "metrics",
            "export",
            "clv",
            *common,
            "--calibration-end",
            calibration,
        ]
    jobs["optimize 3M exact.json"] = ["-m", "metrics", "optimize", *common, "--budget", "3000000"]
    jobs["optimize 6M at most.json"] = ["-m", "metrics", "optimize", *common, "--budget", "6000000", "--at-most"]
    jobs["advise growth retail.json"] = [
        "-m",
        "metrics",
        "advise",
        *common,
        "--stage",
        "growth",
        "--industry",
        "retail",
        *year,
    ]
    jobs["advise startup manufacturing.json"] = [
        "-m",
        "metrics",
        "advise",
        *common,
        "--stage",
        "startup",
        "--industry",
        "manufacturing",
        "--lang",
        "zh",
    ]
    jobs["fit-clv.json"] = [
        "-m",
        "metrics",
        "fit-clv",
        "--dataset",
        "demo",
        "--db",
        str(db),
        "--calibration-end",
        calibration,
    ]
    for lang in ("zh", "en"):
        jobs[f"report {lang}.xlsx"] = ["-m", "metrics", "report", *common, "--lang", lang]
    for name, args in jobs.items():
        if only is not None and name not in only:
            continue
        target = out / name
        if name.endswith((".csv", ".xlsx")):
            args = [*args, "--out", str(target)]
        done = run(tree, *args)
        if done.returncode != 0:
            (out / f"{name}.error").write_text(f"exit {done.returncode}: {last_line(done.stderr or done.stdout)}")
        elif name.endswith(".json"):
            target.write_text(done.stdout)
    if only is not None and "lib" not in only:
        return
    done = run(tree, "-c", LIBRARY, str(db), str(out))
    if done.returncode != 0:
        (out / "lib.error").write_text(last_line(done.stderr))


def job_of(output: str) -> str:
    """The job of :func:`produce` that writes ``output``."""
    if output.startswith("lib."):
        return "lib"
    return output.split(" [")[0]


def settle(rows: list[dict[str, object]], before: list[Path], after: list[Path]) -> None:
    """Re-judge the differing rows with several runs of each side: an output that varies between
    runs of the same code (solver tolerances over DuckDB's parallel float sums) is noise when the
    two sides share a result, and "unstable" when they share none."""

    def results(a: Path, b: Path) -> dict[str, bool]:
        return {str(r["output"]): str(r["result"]).startswith(("identical", "both fail")) for r in compare(a, b)}

    shared = [results(x, y) for x in before for y in after]
    varies = [results(runs[0], other) for runs in (before, after) for other in runs[1:]]
    for row in rows:
        name, result = str(row["output"]), str(row["result"])
        if not result.startswith("DIFFERENT"):
            continue
        if any(found.get(name, False) for found in shared):
            row["result"] = "identical to a run of BEFORE (the output varies between runs of the same code)"
        elif not all(found.get(name, False) for found in varies):
            row["result"] = f"unstable (varies between runs of the same code): {result.removeprefix('DIFFERENT: ')}"


def _same_cells(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Per row: equal, both missing, or (both numeric floats) within REL relative."""
    missing = a.isna().to_numpy() & b.isna().to_numpy()
    if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
        try:
            x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        except (TypeError, ValueError):
            pass
        else:
            with np.errstate(invalid="ignore"):
                close = np.abs(x - y) <= np.maximum(REL * np.maximum(np.abs(x), np.abs(y)), TINY)
            return missing | (x == y) | close
    equal = np.array([_same_value(p, q) for p, q in zip(a.tolist(), b.tolist(), strict=True)], dtype=bool)
    return missing | equal


def _same_value(p: object, q: object) -> bool:
    """One cell: scalars equal or both missing; list-like cells (arrays, lists) element by element."""
    if isinstance(p, (list, tuple, np.ndarray)) or isinstance(q, (list, tuple, np.ndarray)):
        p, q = list(np.asarray(p, dtype=object).ravel()), list(np.asarray(q, dtype=object).ravel())
        return len(p) == len(q) and all(_same_value(x, y) for x, y in zip(p, q, strict=True))
    if pd.isna(p) and pd.isna(q):
        return True
    return bool(p == q)


def compare_frames(a: pd.DataFrame, b: pd.DataFrame) -> tuple[bool, str]:
    """(identical, what differs): columns on one side only, row counts, then cells per column."""
    layout = [
        f"columns only {side}: {', '.join(map(str, cols))}"
        for side, cols in (
            ("before", [c for c in a.columns if c not in b.columns]),
            ("after", [c for c in b.columns if c not in a.columns]),
        )
        if cols
    ]
    if len(a) != len(b):
        return False, "; ".join([*layout, f"rows {len(a)} vs {len(b)}"])
    shared = [c for c in a.columns if c in b.columns]
    if shared != [c for c in b.columns if c in a.columns]:
        layout.append("column order differs")
    cells = []
    for column in shared:
        same = _same_cells(a[column].reset_index(drop=True), b[column].reset_index(drop=True))
        if not same.all():
            cells.append(f"{column}: {int((~same).sum())} of {len(same)} rows")
    if not layout and not cells:
        return True, ""
    return False, "; ".join([*layout, *cells] if cells else [*layout, "the other columns identical"])


def _flatten(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flatten(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{path}[{i}]").items()}
    return {path or ".": value}


def compare_json(a: object, b: object) -> tuple[bool, str]:
    fa, fb = _flatten(a), _flatten(b)
    differing = sorted(set(fa) ^ set(fb))
    for key in sorted(set(fa) & set(fb)):
        p, q = fa[key], fb[key]
        if isinstance(p, float) or isinstance(q, float):
            if (
                isinstance(p, (int, float))
                and isinstance(q, (int, float))
                and not isinstance(p, bool)
                and not isinstance(q, bool)
                and math.isclose(p, q, rel_tol=REL, abs_tol=TINY)
            ):
                continue
        if p != q:
            differing.append(key)
    if not differing:
        return True, ""
    return False, f"{len(differing)} of {len(set(fa) | set(fb))} values: " + ", ".join(differing[:4]) + (
        " …" if len(differing) > 4 else ""
    )


def outputs(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.iterdir())}


def compare(before: Path, after: Path) -> list[dict[str, object]]:
    rows = []
    a, b = outputs(before), outputs(after)
    for name in sorted(set(a) | set(b)):
        if name.endswith(".error"):
            continue
        if name not in a or name not in b:
            side = "before" if name in a else "after"
            rows.append({"output": name, "rows": "", "result": f"only {side}"})
            continue
        if name.endswith(".xlsx"):
            sheets_a = pd.read_excel(a[name], sheet_name=None, engine="calamine")
            sheets_b = pd.read_excel(b[name], sheet_name=None, engine="calamine")
            for sheet in sorted(set(sheets_a) | set(sheets_b)):
                if sheet not in sheets_a or sheet not in sheets_b:
                    rows.append({"output": f"{name} [{sheet}]", "rows": "", "result": "sheet on one side only"})
                    continue
                same, why = compare_frames(sheets_a[sheet], sheets_b[sheet])
                rows.append(
                    {
                        "output": f"{name} [{sheet}]",
                        "rows": len(sheets_b[sheet]),
                        "result": "identical" if same else f"DIFFERENT: {why}",
                    }
                )
            continue
        if name.endswith(".json"):
            same, why = compare_json(json.loads(a[name].read_text()), json.loads(b[name].read_text()))
            rows.append({"output": name, "rows": "", "result": "identical" if same else f"DIFFERENT: {why}"})
            continue
        fa = pd.read_pickle(a[name]) if name.endswith(".pkl") else pd.read_csv(a[name])
        fb = pd.read_pickle(b[name]) if name.endswith(".pkl") else pd.read_csv(b[name])
        same, why = compare_frames(fa, fb)
        rows.append(
            {
                "output": name.removesuffix(".pkl"),
                "rows": len(fb),
                "result": "identical" if same else f"DIFFERENT: {why}",
            }
        )
    for name in sorted(set(a) | set(b)):
        if not name.endswith(".error"):
            continue
        ta = a[name].read_text() if name in a else None
        tb = b[name].read_text() if name in b else None
        result = f"both fail alike: {ta}" if ta == tb else f"DIFFERENT: before {ta or 'ok'} / after {tb or 'ok'}"
        rows.append({"output": name.removesuffix(".error"), "rows": "", "result": result})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="git revision or tree path")
    parser.add_argument("after", help="git revision or tree path")
    parser.add_argument("--orders", type=int, nargs="+", default=[40_000, 300_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep warehouses and outputs in this folder")
    parser.add_argument(
        "--reruns",
        type=int,
        default=3,
        help="runs of each side again for each differing output, to tell noise from changes",
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="compare_outputs_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        trees = {
            side: materialise(spec, work / f"tree_{side}")
            for side, spec in (("before", args.before), ("after", args.after))
        }
        tables = sorted(set(export_tables(trees["before"])) | set(export_tables(trees["after"])))
        summary = []
        for orders in args.orders:
            for side, tree in trees.items():
                db = work / f"{side}_{orders}.duckdb"
                db.unlink(missing_ok=True)
                run(
                    tree, "-m", "data", "demo", "--orders", str(orders), "--seed", str(args.seed), "--db", str(db)
                ).check_returncode()
                produce(tree, db, work / f"out_{side}_{orders}", tables)
            rows = compare(work / f"out_before_{orders}", work / f"out_after_{orders}")
            differing = {job_of(str(r["output"])) for r in rows if str(r["result"]).startswith("DIFFERENT")}
            if differing and args.reruns > 0:
                runs: dict[str, list[Path]] = {side: [work / f"out_{side}_{orders}"] for side in trees}
                for i in range(args.reruns):
                    for side, tree in trees.items():
                        runs[side].append(work / f"out_{side}_rerun{i + 1}_{orders}")
                        produce(tree, work / f"{side}_{orders}.duckdb", runs[side][-1], tables, only=differing)
                settle(rows, runs["before"], runs["after"])
            print(f"\n{args.before} → {args.after}, demo of {orders:,} orders (seed {args.seed})")
            print(table(rows))
            summary.append(
                {
                    "orders": f"{orders:,}",
                    "outputs": len(rows),
                    "identical": sum(str(r["result"]).startswith(("identical", "both fail")) for r in rows),
                    "of which noise": sum(str(r["result"]).startswith("identical to a run") for r in rows),
                    "unstable": sum(str(r["result"]).startswith("unstable") for r in rows),
                    "different": sum(str(r["result"]).startswith(("DIFFERENT", "only", "sheet")) for r in rows),
                }
            )
        print()
        print(table(summary))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
