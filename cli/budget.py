"""``python -m metrics optimize``: the budget optimizer from the command line (found by cli.main).

    python -m metrics optimize --dataset NAME --budget TOTAL [--at-most] [--min LEVER=AMOUNT ...]
        [--max LEVER=AMOUNT ...] [--lock LEVER=AMOUNT ...] [--unlock LEVER ...] [--lang zh|en] [--db PATH]

LEVER is a lever id (``channel:经销商``, ``crm:会员积分``) or a bare name when unambiguous; AMOUNT
is annual yuan, or a percentage of the lever's current spend with a ``%`` suffix (``50%``).
``optimize`` prints JSON: allocation per lever, projected and current objective (incremental gross
profit, yuan), binding constraints, marginal returns, each lever's curve source
(``lever_sources``), the levers the guardrail held at ±20% (``guardrail_held``; ``--unlock`` frees
an assumed lever) and the reasons as codes plus sentences in --lang. An impossible plan exits with
status 2 and a JSON ``error`` (code and sentence).
"""

from __future__ import annotations

import argparse
import json
import sys

from metrics.budget import Bound, BudgetError, BudgetModel, BudgetSpec, budget_model, optimize
from present.sentences.budget import error_text, reasons_text


def _pair(text: str) -> tuple[str, float, bool]:
    """``LEVER=AMOUNT`` → (lever, amount, relative); a % suffix makes it a fraction of current spend."""
    lever, sep, amount = text.rpartition("=")
    if not sep or not lever:
        raise argparse.ArgumentTypeError(f"expected LEVER=AMOUNT, got {text!r}")
    relative = amount.strip().endswith("%")
    try:
        value = float(amount.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {amount!r}") from None
    return lever, value / 100.0 if relative else value, relative


def spec_from_args(model: object, args: argparse.Namespace) -> BudgetSpec:
    bounds = [Bound(lever, lower=value, relative=rel) for lever, value, rel in args.min]
    bounds += [Bound(lever, upper=value, relative=rel) for lever, value, rel in args.max]
    locks = []
    for lever, value, rel in args.lock:
        amount = value * model.lever(lever).current if rel else value  # type: ignore[attr-defined]
        locks.append((lever, amount))
    return BudgetSpec(args.budget, not args.at_most, tuple(bounds), tuple(locks), tuple(args.unlock))


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("optimize", help="best split of a budget across channels and CRM programmes (JSON)")
    command.add_argument("--dataset", required=True)
    command.add_argument("--budget", type=float, required=True, help="total annual budget in yuan")
    command.add_argument(
        "--at-most", action="store_true", dest="at_most", help="spend at most the budget (default: exactly)"
    )
    for flag, text in (("--min", "lower bound"), ("--max", "upper bound"), ("--lock", "fixed amount")):
        command.add_argument(
            flag,
            type=_pair,
            action="append",
            default=[],
            metavar="LEVER=AMOUNT",
            help=f"{text}: yuan per year, or N%% of current spend",
        )
    command.add_argument(
        "--unlock",
        action="append",
        default=[],
        metavar="LEVER",
        help="let an assumed lever move more than 20%% from its current spend",
    )
    command.add_argument("--lang", choices=("zh", "en"), default="en")
    command.add_argument("--db", help="warehouse file (default: SALESLENS_DB or data/saleslens.duckdb)")
    return command, run_optimize


def load_model(args: argparse.Namespace) -> BudgetModel:
    """The budget model of ``--dataset`` in ``--db`` (exits with a message when there is no such dataset)."""
    from cli.main import require_dataset
    from data import warehouse

    con = warehouse.connect(args.db)
    try:
        require_dataset(con, args.dataset)
        return budget_model(con, args.dataset)
    finally:
        con.close()


def run_optimize(args: argparse.Namespace) -> int:
    model = load_model(args)
    try:
        try:
            spec = spec_from_args(model, args)
        except KeyError as missing:
            raise BudgetError("unknown_lever", lever=str(missing.args[0])) from None
        result = optimize(model, spec)
    except BudgetError as error:
        out = {"error": {"code": error.code, "message": error_text(error, args.lang)}}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return 2
    out = result.to_json()
    out["dataset"] = args.dataset
    out["explanation"] = reasons_text(result, args.lang)
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0
