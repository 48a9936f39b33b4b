"""``python -m metrics forecast``: monthly revenue forecasts with P10/P50/P90 as CSV (found by cli.main).

    python -m metrics forecast --dataset NAME [--train-end D] [--horizon N] [--by channel|total]
        [--out FILE] [--db PATH]

Columns: period (YYYY-MM), channel (``全部`` for the total), p10, p50, p90 — net revenue per month in
the dataset's currency. ``--by channel`` (default) writes one series per channel, ``--by total`` the
whole business. ``--train-end D`` fits on the complete months up to D only, so the forecast can be
laid beside what happened next: a backtest on one's own file. Series that cannot be forecast (under
6 months, or no sales in the last 3) are named on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from metrics import forecast


def _horizon(text: str) -> int:
    try:
        return forecast.check_horizon(int(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("forecast", help="monthly revenue forecast with P10/P50/P90 (CSV)")
    command.add_argument("--dataset", required=True)
    command.add_argument(
        "--train-end",
        type=dt.date.fromisoformat,
        dest="train_end",
        help="ISO date: use only the data up to it (default: all)",
    )
    command.add_argument(
        "--horizon",
        type=_horizon,
        default=forecast.DEFAULT_HORIZON,
        help=f"months ahead, {forecast.HORIZON_MIN}..{forecast.HORIZON_MAX} (default 12)",
    )
    command.add_argument("--by", choices=("channel", "total"), default="channel")
    command.add_argument("--out", help="CSV (or .xlsx) file to write (default: CSV on stdout)")
    command.add_argument("--db", help="warehouse folder (default: SALESLENS_DB or data/warehouse)")
    return command, run_forecast


def run_forecast(args: argparse.Namespace) -> int:
    from cli.main import require_dataset, write_csv
    from data import warehouse

    con = warehouse.connect(args.db)
    try:
        require_dataset(con, args.dataset)
        found = forecast.outlook(con, args.dataset, horizon=args.horizon, train_end=args.train_end)
    finally:
        con.close()
    if found.last_month is None:
        raise SystemExit(f"dataset {args.dataset!r} has no complete month up to the training end")
    picked = [s for s in found.series if (s.series == forecast.TOTAL) == (args.by == "total")]
    if args.by == "channel" and not picked:  # a file without channels: its one series is the total
        picked = [s for s in found.series if s.series == forecast.TOTAL]
    for s in picked:
        if not s.ok:
            sys.stderr.write(f"not forecast: {s.series} ({s.reason}, {s.months} months)\n")
    frame = forecast.Outlook(found.dataset, found.last_month, found.horizon, tuple(picked)).frame()
    frame["period"] = frame["period"].dt.strftime("%Y-%m")
    frame[["p10", "p50", "p90"]] = frame[["p10", "p50", "p90"]].round(2)  # money: to the fen
    write_csv(frame, args.out)
    return 0
