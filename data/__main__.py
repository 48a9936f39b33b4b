"""Command line: ``python -m data demo|load|list|truths|delete [--db PATH]``.

``--db`` beats ``SALESLENS_DB`` beats ``data/saleslens.duckdb``. Output is JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from data import registry, warehouse
from data.cli_errors import run_guarded


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="warehouse file (default: $SALESLENS_DB or data/saleslens.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data", description="SalesLens warehouse tools")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the deterministic demo dataset")
    demo.add_argument("--orders", type=int, default=300_000, help="order lines to generate (about)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--name", default="demo", help="dataset name")
    _add_db(demo)

    listing = sub.add_parser("list", help="print the datasets as a JSON list")
    _add_db(listing)

    planted = sub.add_parser("truths", help="print what the demo generator planted in a dataset (JSON)")
    planted.add_argument("--dataset", default="demo")
    _add_db(planted)

    delete = sub.add_parser("delete", help="delete a dataset")
    delete.add_argument("name")
    _add_db(delete)

    from data import load_cli  # the loader owns its own flags

    load_cli.add_parser(sub, _add_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    if args.command == "load":
        from data import load_cli

        return load_cli.run(args)
    wh = warehouse.open_warehouse(args.db)
    if args.command == "demo":
        from data import demo

        summary = demo.build_demo(
            wh,
            orders=args.orders,
            seed=args.seed,
            name=args.name,
            progress=lambda frac, stage: print(f"{frac:4.0%} {stage}", file=sys.stderr),
        )
        print(json.dumps(summary, ensure_ascii=False, default=str))
    elif args.command == "list":
        rows = [
            {
                "name": d.name,
                "rows": d.order_lines,
                "first_date": d.first_date,
                "last_date": d.last_date,
                "source": d.source,
                "loaded_at": d.loaded_at,
                "version": d.version,
            }
            for d in wh.datasets()
        ]
        print(json.dumps(rows, ensure_ascii=False, default=str))
    elif args.command == "delete":
        existed = wh.delete(args.name)
        print(json.dumps({"deleted": args.name, "existed": existed}, ensure_ascii=False))
        return 0 if existed else 2
    elif args.command == "truths":
        from data import demo

        con = wh.reader()
        if registry.get_dataset(con, args.dataset) is None:
            print(json.dumps({"error": f"no dataset named {args.dataset!r}"}, ensure_ascii=False))
            return 2
        print(json.dumps(demo.truths(con, args.dataset), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
