"""``python -m metrics report``: the executive report from the command line (found by cli.main).

    python -m metrics report --dataset NAME [--lang zh|en] [--start D] [--end D]
        [--stage S] [--industry I] [--scenario NAME] [--no-images] [--out FILE] [--db PATH]

Writes the self-contained HTML report to --out (default ``report_<dataset>_<lang>.html`` in the
current folder; a name ending in ``.xlsx`` writes the tables instead). Dates default to the
dataset's whole range. Prints one JSON line: the file, the timings and whether images were drawn.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli.main import add_common, selection
from metrics import advisor


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("report", help="executive report as one HTML file (or XLSX tables)")
    add_common(command)
    command.add_argument("--lang", choices=("zh", "en"), default="zh")
    command.add_argument("--stage", choices=advisor.STAGES, default="growth")
    command.add_argument("--industry", choices=advisor.INDUSTRIES, default="retail")
    command.add_argument("--scenario", help="a saved budget scenario to include")
    command.add_argument("--no-images", action="store_true", dest="no_images", help="tables only (fast)")
    command.add_argument("--out", help="file to write (.html, or .xlsx for the tables)")
    return command, run_report


def run_report(args: argparse.Namespace) -> int:
    from data import warehouse
    from present import exports, report

    wh = warehouse.open_warehouse(args.db)
    con = wh.reader()
    try:
        f = selection(con, args)
        xlsx = bool(args.out) and args.out.lower().endswith(".xlsx")
        try:
            built = report.build(
                con,
                f,
                lang=args.lang,
                stage=args.stage,
                industry=args.industry,
                scenario=args.scenario,
                images=not (args.no_images or xlsx),
                store=wh.state,
            )
        except KeyError:
            raise SystemExit(f"no saved scenario named {args.scenario!r} in {args.dataset!r}") from None
    finally:
        con.close()
    out = Path(args.out or exports.safe_filename(f"report_{args.dataset}_{args.lang}", "html"))
    if xlsx:
        out.write_bytes(built.xlsx)
    else:
        out.write_text(built.html, encoding="utf-8")
    print(
        json.dumps(
            {
                "out": str(out),
                "images": built.image_count,
                "image_note": built.image_note,
                "seconds": round(built.seconds_total, 2),
                "seconds_images": round(built.seconds_images, 2),
            },
            ensure_ascii=False,
        )
    )
    return 0
