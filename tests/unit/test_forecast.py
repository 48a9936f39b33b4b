"""The forecast: models by history length, 春节 regressors on a series with a moving holiday, the
series it reads, the backtest on the demo (coverage and MASE against the seasonal naive), and the
demo's planted trend and seasonality recovered. Few, short fits: the full backtest is bench/bench_forecast.py."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from data import demo, warehouse
from metrics import forecast
from tests.tiny import line, warehouse_with

CHANNELS = ["经销商", "电商平台", "直营门店", "直播带货", "B2B直销", "合作伙伴"]


def synthetic(
    months: int, *, start: str = "2020-01-01", eve: float = 0.0, cny: float = 0.0, seed: int = 3, noise: float = 0.03
) -> pd.Series:
    """Trend × fixed seasonality × (1 + eve · share before 春节 + cny · share in 春节 week) × noise."""
    ds = pd.date_range(start, periods=months, freq="MS")
    season = np.array([1.05, 1.0, 0.95, 0.95, 1.0, 1.3, 0.9, 0.9, 0.95, 1.0, 1.6, 1.1])
    shares = forecast.holiday_shares(ds)
    values = (
        1e6
        * 1.1 ** (np.arange(months) / 12)
        * season[ds.month - 1]
        * (1 + eve * shares[:, 0] + cny * shares[:, 1])
        * np.exp(np.random.default_rng(seed).normal(0, noise, months))
    )
    return pd.Series(values, index=ds)


@pytest.mark.parametrize(
    ("months", "zero", "method"),
    [(5, False, None), (8, False, "minimal"), (18, False, "short"), (30, False, "seasonal"), (30, True, "additive")],
    ids=["too-short", "minimal", "short", "seasonal", "a-zero-month"],
)
def test_the_model_follows_the_history(months, zero, method):
    values = synthetic(months).to_numpy().copy()
    if zero:
        values[10] = 0.0
    assert forecast.method_for(values) == method


def test_baselines_by_hand():
    values = np.array([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 20, 40])
    naive = forecast.seasonal_naive(values, 3)
    assert naive[:, 1].tolist() == [30.0, 40.0, 50.0]  # same month last year
    sd = np.sqrt(np.mean([10.0**2, 20.0**2]))  # the two seasonal differences
    assert naive[0, 2] - naive[0, 1] == pytest.approx(forecast.Z80 * sd)
    grown = forecast.growth_naive(values, 2, k=2)  # last two months doubled on a year before
    assert grown[:, 1].tolist() == pytest.approx([60.0, 80.0])
    assert forecast.straight_line(np.arange(1.0, 7.0), 2).tolist() == pytest.approx([7.0, 8.0])


def test_a_seasonal_forecast_is_ordered_positive_and_starts_after_the_history():
    y = synthetic(30)
    quantiles, method, kept = forecast.predict(y, 4)
    assert method == "seasonal" and kept == {}  # under 48 months no 春节 regressor is tried
    assert quantiles.shape == (4, 3) and (quantiles > 0).all()
    assert (quantiles[:, 0] <= quantiles[:, 1]).all() and (quantiles[:, 1] <= quantiles[:, 2]).all()
    result = forecast.forecast_series("x", y, 4)
    assert result.frame["period"].iloc[0] == pd.Timestamp("2022-07-01")
    # the seasonal shape carries over: November (双11 in the synthetic season) well above December
    nov = forecast.predict(synthetic(34), 3)[0][:, 1]  # Nov 2022 .. Jan 2023
    assert nov[0] > 1.3 * nov[1]


def test_a_moving_spring_festival_is_found_and_moves_the_forecast():
    # 60 months 2020–2024 with a strong 春节 effect; 2025's 春节 (Jan 29) falls where 2024's (Feb 10) did not
    y = synthetic(72, eve=0.6, cny=-0.6, noise=0.02)
    train, actual = y.iloc[:60], y.iloc[60:62].to_numpy()
    quantiles, method, kept = forecast.predict(train, 2)
    assert method == "seasonal" and kept.get("cny_eve", 0) > 0 and kept.get("cny", 0) < 0
    saved = forecast.HOLIDAY_MONTHS
    try:
        forecast.HOLIDAY_MONTHS = 10**6
        plain, _, none = forecast.predict(train, 2)
    finally:
        forecast.HOLIDAY_MONTHS = saved
    assert none == {}
    with_holiday = np.abs(quantiles[:, 1] - actual).sum()
    without = np.abs(plain[:, 1] - actual).sum()
    assert with_holiday < 0.6 * without  # January and February 2025 follow the holiday, not 2024's calendar


def test_series_without_a_holiday_rarely_keep_a_regressor_and_never_a_large_one():
    kept = [forecast.predict(synthetic(60, seed=seed), 2)[2] for seed in range(4)]
    assert sum(bool(k) for k in kept) <= 1  # p ≤ 0.05 on two regressors: a false positive now and then
    assert all(abs(c) < 0.15 for k in kept for c in k.values())


def tiny_lines() -> list[dict]:
    """A: every month Jan 2023 (from the 15th) .. Mar 2024 (to the 20th), none in June 2023; B: Jan–Feb 2023 only."""
    rows = []
    for k, month in enumerate(pd.date_range("2023-01-01", "2024-03-01", freq="MS")):
        if month.month == 6 and month.year == 2023:
            continue
        day = 15 if k == 0 else 20 if month == pd.Timestamp("2024-03-01") else 10
        rows.append(line(f"a{k}", month.replace(day=day).date().isoformat(), f"c{k}", "A", "R", 100.0 + k))
    rows += [line("b1", "2023-01-20", "x", "B", "R", 50.0), line("b2", "2023-02-20", "x", "B", "R", 60.0)]
    return rows


def test_monthly_history_keeps_complete_months_and_fills_gaps():
    con = warehouse_with(tiny_lines())
    history, last = forecast.monthly_history(con, "tiny")
    assert last == dt.date(2024, 2, 1)  # March 2024 ends on the 20th: not complete
    a = history[history["channel"] == "A"].set_index("month")["revenue"]
    assert a.index[0] == pd.Timestamp("2023-02-01")  # the data starts on 15 January: that month is partial
    assert a[pd.Timestamp("2023-06-01")] == 0.0 and len(a) == 13
    cut, last_cut = forecast.monthly_history(con, "tiny", train_end=dt.date(2023, 9, 30))
    assert last_cut == dt.date(2023, 9, 1) and cut["month"].max() == pd.Timestamp("2023-09-01")
    found = forecast.outlook(con, "tiny", horizon=3)
    assert [s.series for s in found.series] == [forecast.TOTAL, "A", "B"]
    assert found.get("B").reason == "inactive" and found.get("B").frame.empty
    assert found.get("A").method == "additive" and len(found.get("A").frame) == 3  # June 2023 sold nothing
    assert set(found.frame(by="channel")["channel"]) == {"A"}


def test_cli_writes_the_forecast_csv(tmp_path, capsys):
    from cli.main import main

    path = tmp_path / "wh"
    warehouse_with(tiny_lines(), con=warehouse.open_warehouse(path))
    out = tmp_path / "f.csv"
    assert (
        main(["forecast", "--dataset", "tiny", "--db", str(path), "--horizon", "4", "--by", "total", "--out", str(out)])
        == 0
    )
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert frame.columns.tolist() == ["period", "channel", "p10", "p50", "p90"]
    assert frame["period"].tolist() == ["2024-03", "2024-04", "2024-05", "2024-06"]
    assert (frame["channel"] == "全部").all() and (frame["p10"] <= frame["p90"]).all()
    assert (
        main(["forecast", "--dataset", "tiny", "--db", str(path), "--train-end", "2023-12-31", "--horizon", "3"]) == 0
    )
    printed = capsys.readouterr()
    assert printed.out.splitlines()[1].startswith("2024-01,A,")
    assert "not forecast: B (inactive" in printed.err
    with pytest.raises(SystemExit):
        main(["forecast", "--dataset", "tiny", "--db", str(path), "--horizon", "13"])


# ---------------------------------------------------------------- the demo (40k lines, 36 months)


@pytest.fixture(scope="module")
def demo_con(demo_db):
    return warehouse.connect(demo_db)


def test_backtest_on_the_demo_beats_the_seasonal_naive_with_honest_intervals(demo_con):
    tested = forecast.backtest(demo_con, "demo")
    pooled = forecast.pooled(tested.points)
    assert pooled["points"] == 7 * forecast.BACKTEST_ORIGINS * forecast.BACKTEST_HORIZON
    assert 0.60 <= pooled["coverage"] <= 0.95
    assert pooled["mase"] < pooled["snaive_mase"]
    assert pooled["mase"] < pooled["line_mase"]
    assert set(tested.summary["series"]) == {forecast.TOTAL, *CHANNELS}


def test_the_demo_forecast_recovers_the_planted_trend_and_seasonality(demo_con):
    truth = demo.truths(demo_con, "demo")
    found = forecast.outlook(demo_con, "demo")
    assert found.last_month == dt.date(2025, 12, 1) and all(s.method == "seasonal" for s in found.series)
    # trend: a channel's sales grow by its baseline's planted growth on its baseline share
    planted = {
        c: v["baseline_share"] * v["growth"] + 1 - v["baseline_share"] for c, v in truth["response"]["channels"].items()
    }
    growth = {c: forecast.next_year(found.get(c))[1] / forecast.next_year(found.get(c))[0] for c in CHANNELS}
    for channel in CHANNELS:
        assert growth[channel] == pytest.approx(planted[channel], abs=0.15), channel
    assert max(growth, key=growth.get) == "直播带货" == max(planted, key=planted.get)
    assert min(growth, key=growth.get) == "经销商" and growth["经销商"] < 1.0
    # seasonality: the total's monthly shape follows the planted one (channels weighted by revenue)
    weights = np.array([truth["channel_revenue_by_year"][c]["2025"] for c in CHANNELS])
    shape = (weights[:, None] * np.array([truth["seasonality"][c] for c in CHANNELS])).sum(axis=0) / weights.sum()
    total = found.get(forecast.TOTAL).frame["p50"].to_numpy()
    assert np.corrcoef(total / total.mean(), shape)[0, 1] > 0.8
    for channel in ("电商平台", "直播带货"):  # 618 and 双11: November the peak, June above May
        p50 = found.get(channel).frame.set_index(found.get(channel).frame["period"].dt.month)["p50"]
        assert p50.idxmax() == 11 and p50[6] > p50[5], channel
    assert truth["holiday_effects"]["直营门店"]["cny_eve"] == 0.55  # the planted 春节 windows are recorded


def test_forecast_json_safe_evidence_roundtrip(demo_con):
    """The forecast's frames hold plain floats (the CLI and risks serialise them)."""
    found = forecast.outlook(demo_con, "demo", horizon=3)
    frame = found.frame()
    assert len(frame) == 7 * 3 and json.loads(frame.to_json())
