"""The ``python -m metrics`` command line: a subcommand registry each area extends from its own module.

An area adds a module ``cli/<area>.py`` (found automatically) that may define

- ``EXPORTS: dict[str, Callable[[con, Filters], DataFrame]]`` — tables for ``export <name>``;
- ``add_parser(sub)`` returning ``(parser, run)`` for a subcommand of its own (``fit-clv`` ...).

So no shared file changes when an area adds an export or a command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from metrics.filters import Filters

Export = Callable[..., pd.DataFrame]
Runner = Callable[[argparse.Namespace], int]


def area_modules() -> list[object]:
    """The ``cli.<area>`` modules (every module here but this one), in name order."""
    here = Path(__file__).resolve().parent
    return [
        importlib.import_module(f"cli.{info.name}") for info in pkgutil.iter_modules([str(here)]) if info.name != "main"
    ]


def exports(modules: list[object]) -> dict[str, Export]:
    found: dict[str, Export] = {}
    for module in modules:
        for name, fn in getattr(module, "EXPORTS", {}).items():
            if name in found:
                raise ValueError(f"export {name!r} registered twice")
            found[name] = fn
    return found


def add_common(parser: argparse.ArgumentParser) -> None:
    """--dataset, --start, --end, --db: the selection every metric takes."""
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--start", type=dt.date.fromisoformat, help="ISO date; default: the dataset's first order")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="ISO date; default: the dataset's last order")
    parser.add_argument("--db", help="warehouse file (default: SALESLENS_DB or data/saleslens.duckdb)")


def require_dataset(con: object, name: str) -> object:
    """The registry row of dataset ``name``; exit with a message when there is none."""
    from data import registry

    found = registry.get_dataset(con, name)
    if found is None:
        raise SystemExit(f"no dataset named {name!r}")
    return found


def selection(con: object, args: argparse.Namespace) -> Filters:
    """Filters from the arguments; missing dates default to the dataset's whole range."""
    found = require_dataset(con, args.dataset)
    start = args.start or found.first_date
    end = args.end or found.last_date
    if start is None or end is None:
        raise SystemExit(f"dataset {args.dataset!r} has no orders")
    return Filters(args.dataset, start, end)


def write_csv(frame: pd.DataFrame, out: str | None) -> None:
    """CSV to ``out`` (UTF-8 with BOM) or to stdout (UTF-8, no BOM); formula-safe either way, since
    a scheduled job's redirected output is opened in a spreadsheet just the same. Undefined values
    are empty. An ``out`` ending in ``.xlsx`` gets a real workbook, not CSV text under that name."""
    from present import exports as safe

    if out and Path(out).suffix.lower() in (".xlsx", ".xlsm"):
        Path(out).write_bytes(safe.to_xlsx_bytes(frame))
        return
    data = safe.to_csv_bytes(frame)
    if out:
        Path(out).write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8-sig"))


def parser(modules: list[object]) -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    top = argparse.ArgumentParser(prog="python -m metrics", description="SalesLens metrics from the command line")
    sub = top.add_subparsers(dest="command", required=True)
    table_exports = exports(modules)
    export = sub.add_parser("export", help="write a metric table as CSV")
    export.add_argument("table", choices=sorted(table_exports))
    add_common(export)
    export.add_argument("--out", help="CSV (or .xlsx) file to write (default: CSV on stdout)")
    for module in modules:  # an area may add options its exports take as keyword-only parameters
        if hasattr(module, "add_export_options"):
            module.add_export_options(export)
    runners: dict[str, Runner] = {"export": lambda args: _run_export(table_exports, args)}
    for module in modules:
        if hasattr(module, "add_parser"):
            command, run = module.add_parser(sub)
            runners[command.prog.split()[-1]] = run
    return top, runners


def _run_export(table_exports: dict[str, Export], args: argparse.Namespace) -> int:
    from data import warehouse

    con = warehouse.connect(args.db)
    try:
        fn = table_exports[args.table]
        options = {
            name: getattr(args, name)
            for name, p in inspect.signature(fn).parameters.items()
            if p.kind is p.KEYWORD_ONLY and hasattr(args, name)
        }
        write_csv(fn(con, selection(con, args), **options), args.out)
    finally:
        con.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    from data.cli_errors import report, run_guarded
    from metrics.db import EngineUnavailable

    top, runners = parser(area_modules())
    args = top.parse_args(argv)

    def command() -> int:
        try:
            return runners[args.command](args)
        except EngineUnavailable as error:  # SALESLENS_ENGINE=spark without a reachable server, for example
            return report("engine_unavailable", detail=str(error)[:300])

    return run_guarded(command)
