"""The forecast's rolling-origin backtest beside the seasonal naive forecast, on the demo and the dated
files in ../shared/data, plus a synthetic series with a moving 春节 effect.

    python -m bench.bench_forecast [--orders 300000] [--seed 42] [--origins 12] [--horizons 3 12] [--no-alternative]

Datasets: the demo (36 months; 6 channels and the total); superstore (48 months, Segment as the
channel); robyn (weekly revenue, 47 months); cdnow (18 months: the short-history model); the 2020
Chinese channel file (12 months: the minimal model, the naive forecast as its baseline — no series
there has a year to compare with); and ``cny_synth`` (72 months, trend × fixed seasonality × a dip
over 春节 that moves with the lunar date, lognormal noise), run with and without the 春节 regressors.
The real files are read in place through the app's loader (never copied).

For each dataset and horizon: points scored, the forecast's MASE and P10–P90 coverage, the seasonal
naive's (same month last year, intervals from its in-sample errors) and the goals' straight line's
MASE, how many series beat the seasonal naive, the methods used, and CPU seconds. With
``--no-alternative`` off it also runs the research's configuration (ETS(M,Ad,M) + log ETS(A,Ad,A) +
SARIMAX) on the same origins, the choice the shipped ensemble replaced. Asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import ROOT, demo_warehouse, table
from data import warehouse
from data.ingest import ingest
from metrics import forecast

SHARED_DATA = ROOT.parent / "shared" / "data"  # read in place, never copied


def research_config(y: pd.Series, horizon: int) -> tuple[np.ndarray, str, dict[str, float]]:
    """The research's ≥ 24-month ensemble (FINDINGS.md §5): ETS(M,Ad,M), log ETS(A,Ad,A), log SARIMAX
    with the 春节 regressors; the shipped short-history models below 24 months."""
    values = y.to_numpy(dtype=float)
    if forecast.method_for(values) != "seasonal":
        return forecast.predict(y, horizon)
    future = pd.date_range(y.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arima, _ = forecast._sarimax(
            y, horizon, forecast.holiday_shares(y.index), forecast.holiday_shares(future), log=True
        )
        parts = [
            forecast._ets(
                y, horizon, log=False, error="mul", trend="add", damped_trend=True, seasonal="mul", seasonal_periods=12
            ),
            forecast._ets(
                y, horizon, log=True, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=12
            ),
            arima,
        ]
    return np.clip(np.sort(np.mean(parts, axis=0), axis=1), 0, None), "research", {}


def no_holidays(y: pd.Series, horizon: int) -> tuple[np.ndarray, str, dict[str, float]]:
    """The shipped model with the 春节 regressors switched off."""
    kept = forecast.HOLIDAY_MONTHS
    forecast.HOLIDAY_MONTHS = 10**6
    try:
        return forecast.predict(y, horizon)
    finally:
        forecast.HOLIDAY_MONTHS = kept


def cny_synth(months: int = 72, seed: int = 7) -> dict[str, pd.Series]:
    """Trend × fixed monthly seasonality × (1 − 0.5 · the share of the month in 春节's first week
    + 0.4 · the share in the 14 days before), lognormal noise (sd 4%)."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2020-01-01", periods=months, freq="MS")
    season = np.array([1.05, 1.0, 0.95, 0.95, 1.0, 1.3, 0.9, 0.9, 0.95, 1.0, 1.6, 1.1])
    shares = forecast.holiday_shares(ds)
    y = (
        1e6
        * 1.10 ** (np.arange(months) / 12)
        * season[ds.month - 1]
        * (1 + 0.4 * shares[:, 0] - 0.5 * shares[:, 1])
        * np.exp(rng.normal(0, 0.04, months))
    )
    return {forecast.TOTAL: pd.Series(y, index=ds)}


def warehouse_series(con: object, name: str) -> dict[str, pd.Series]:
    history, _ = forecast.monthly_history(con, name)
    return forecast.series_of(history)


def load_shared() -> dict[str, dict[str, pd.Series]]:
    """The dated files through the app's loader, each in its own in-memory warehouse."""
    out: dict[str, dict[str, pd.Series]] = {}
    files = {
        "superstore": (SHARED_DATA / "superstore" / "Sample - Superstore.csv", {"channel": "Segment"}, None),
        "robyn": (
            SHARED_DATA / "robyn_mmm_weekly" / "dt_simulated_weekly.csv",
            {"order_date": "DATE", "revenue": "revenue"},
            None,
        ),
        "cn_sales_2020": (SHARED_DATA / "cn_sales_channels_2020" / "2020年销售数据.xlsx", {}, "data"),
    }
    for name, (path, mapping, sheet) in files.items():
        if not path.exists():
            print(f"{path} not found: skipped")
            continue
        con = warehouse.connect(":memory:")
        report = ingest(con, path, name, mapping=mapping, **({"sheet": sheet} if sheet else {}))
        if not report.loaded:
            print(f"{name}: not loaded ({report.errors[:1]})")
            continue
        out[name] = warehouse_series(con, name)
    cdnow = SHARED_DATA / "cdnow" / "CDNOW_sample.txt"
    if cdnow.exists():
        raw = pd.read_csv(
            cdnow, sep=r"\s+", header=None, names=["master", "sample", "day", "cds", "dollars"], dtype={"day": str}
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cdnow.csv"
            pd.DataFrame(
                {
                    "order_id": range(len(raw)),
                    "order_date": pd.to_datetime(raw["day"], format="%Y%m%d").dt.date,
                    "customer_id": raw["sample"],
                    "revenue": raw["dollars"],
                }
            ).to_csv(path, index=False)
            con = warehouse.connect(":memory:")
            if ingest(con, path, "cdnow").loaded:
                out["cdnow"] = warehouse_series(con, "cdnow")
    return out


def run(name: str, series: dict[str, pd.Series], origins: int, horizon: int, model=None, label: str = "ours") -> dict:
    began = time.process_time()
    parts = [forecast.backtest_series(s, y, origins=origins, horizon=horizon, model=model) for s, y in series.items()]
    points = pd.concat(parts, ignore_index=True)
    cpu = time.process_time() - began
    if points.empty:
        return {
            "dataset": name,
            "model": label,
            "h": horizon,
            "series": len(series),
            "months": max(map(len, series.values())),
            "points": 0,
        }
    pooled = forecast.pooled(points)
    summary = forecast.summarize(points)
    return {
        "dataset": name,
        "model": label,
        "h": horizon,
        "series": len(series),
        "months": max(map(len, series.values())),
        "origins": points["origin"].nunique(),
        "points": len(points),
        "MASE": f"{pooled['mase']:.3f}",
        "cover": f"{pooled['coverage']:.0%}",
        "snaive MASE": f"{pooled['snaive_mase']:.3f}",
        "snaive cover": f"{pooled['snaive_coverage']:.0%}",
        "line MASE": f"{pooled['line_mase']:.3f}",
        "wins": f"{int(summary['beats_snaive'].sum())}/{len(summary)}",
        "methods": ",".join(f"{m}:{c}" for m, c in points["method"].value_counts().items()),
        "cpu s": f"{cpu:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--origins", type=int, default=12)
    parser.add_argument("--horizons", type=int, nargs="+", default=[3, 12])
    parser.add_argument("--no-alternative", action="store_true", dest="no_alternative")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    demo = warehouse.connect(demo_warehouse(args.orders, seed=args.seed))
    datasets = {"demo": warehouse_series(demo, "demo"), **load_shared(), "cny_synth": cny_synth()}
    rows = []
    for horizon in args.horizons:
        for name, series in datasets.items():
            rows.append(run(name, series, args.origins, horizon))
            if name == "cny_synth":
                rows.append(run(name, series, args.origins, horizon, model=no_holidays, label="no 春节"))
            elif not args.no_alternative and name in ("demo", "superstore", "robyn"):
                rows.append(run(name, series, args.origins, horizon, model=research_config, label="research"))
            print(f"done: {name} h={horizon}", flush=True)
    columns = [
        "dataset",
        "model",
        "h",
        "series",
        "months",
        "origins",
        "points",
        "MASE",
        "cover",
        "snaive MASE",
        "snaive cover",
        "line MASE",
        "wins",
        "methods",
        "cpu s",
    ]
    print(table([{c: r.get(c, "—") for c in columns} for r in rows]))
    demo_outlook = forecast.outlook(demo, "demo")
    kept = {s.series: s.holidays for s in demo_outlook.series if s.holidays}
    print(f"demo: 春节 regressors kept at {len(demo_outlook.series[0].history)} months: {kept or 'none'}")


if __name__ == "__main__":
    main()
