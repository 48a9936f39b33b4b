"""``python -m data load FILE``: read, recognise, validate and load one file; print the report as JSON.

Exit 0 when loaded, 2 when rejected (the warehouse is then unchanged). The dataset name
defaults to the file's stem; an existing name needs ``--replace`` or ``--append``. A file from a
known system (``data/ingest/profiles``) is recognised by its headers; the report then names it in
``source_profile`` and counts the rows that are not sales in ``excluded_counts``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from data import warehouse
from data.ingest import SPECS, ingest
from data.ingest.errors import describe


def add_parser(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser("load", help="load a CSV/Excel/Parquet file into a dataset")
    parser.add_argument("file", help="CSV/TSV/TXT, XLSX/XLS or Parquet file")
    parser.add_argument("--name", help="dataset name (default: the file's stem)")
    parser.add_argument("--sheet", help="Excel sheet name or 0-based index (default: the largest sheet)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map a field to a column (repeatable); FIELD= unmaps it",
    )
    parser.add_argument(
        "--kind",
        choices=sorted(SPECS),
        default="orders",
        help="what the file holds (extra files need an existing dataset)",
    )
    parser.add_argument("--date-order", choices=("auto", "MDY", "DMY"), default="auto")
    parser.add_argument(
        "--profile",
        metavar="NAME|none|auto",
        help="source profile: a system (jd, taobao, salesforce, ...) or layout id to force, 'none' "
        "to read the file as a plain table, 'auto' to recognise it again; default: the choice "
        "remembered for these headers, else recognition",
    )
    parser.add_argument(
        "--channel",
        help="channel name for the sales of a file without a channel column "
        "(default: the recognised system's, e.g. 京东)",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--replace", action="store_true", help="replace the dataset's rows")
    mode.add_argument("--append", action="store_true", help="append, skipping lines already present")
    add_db(parser)


def run(args: argparse.Namespace) -> int:
    overrides: dict[str, str] = {}
    for item in args.map:
        field, sep, column = item.partition("=")
        if not sep:
            print(json.dumps({"ok": False, "errors": [{"code": "bad_map", "params": {"value": item}}]}))
            return 2
        overrides[field.strip()] = column.strip()
    mode = "replace" if args.replace else "append" if args.append else "new"
    sheet: str | int | None = args.sheet
    report = ingest(
        warehouse.open_warehouse(args.db),
        Path(args.file),
        args.name or Path(args.file).stem,
        kind=args.kind,
        sheet=sheet,
        mapping=overrides,
        mode=mode,
        date_order=args.date_order,
        dry_run=args.dry_run,
        profile=args.profile,
        channel=args.channel,
        progress=lambda frac, stage: print(f"{frac:4.0%} {stage}", file=sys.stderr),
    )
    out = report.to_dict()
    for error in out["errors"]:
        error["message"] = describe(f"ingest_error_{error['code']}", "en", **error["params"])
    print(json.dumps(out, ensure_ascii=False, default=str))
    return 0 if report.loaded or (args.dry_run and report.ok) else 2
