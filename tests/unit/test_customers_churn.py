"""Churn (window, monthly, by dimension, reasons), the at-risk list and the demo's planted truths."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import demo, warehouse
from metrics import clv, cohorts, customers, rfm
from metrics.db import query
from metrics.filters import Filters
from tests.tiny import line, warehouse_with

FEB_MAR = Filters("tiny", dt.date(2024, 2, 1), dt.date(2024, 3, 31))


def _three() -> list[dict]:
    """x buys Jan 10 only; y Jan 10 and Feb 20; z Jan 20 and Feb 5 (with a 31-day window:
    x lapses Feb 10 → churned in Feb; y lapses Feb 10 but is back Feb 20; z lapses Mar 7, y Mar 22)."""
    return [
        line("x1", "2024-01-10", "x", "web", "east", 10),
        line("y1", "2024-01-10", "y", "web", "east", 10),
        line("y2", "2024-02-20", "y", "store", "west", 10),
        line("z1", "2024-01-20", "z", "web", "west", 10),
        line("z2", "2024-02-05", "z", "web", "west", 10),
    ]


def test_monthly_churn_by_hand():
    out = customers.churn_monthly(warehouse_with(_three()), FEB_MAR, window_days=31)
    assert out["active_at_start"].tolist() == [3, 2]
    assert out["churned"].tolist() == [1, 2]
    assert out["churn_rate"].tolist() == [pytest.approx(1 / 3), 1.0]


def test_monthly_churn_equals_the_period_definition_month_by_month():
    con = warehouse_with(_three())
    monthly = customers.churn_monthly(con, FEB_MAR, window_days=31).set_index("month")
    for month, end in ((dt.date(2024, 2, 1), dt.date(2024, 2, 29)), (dt.date(2024, 3, 1), dt.date(2024, 3, 31))):
        row = query(con, "overview_kpis", window_days=31, **Filters("tiny", month, end).params()).set_index("period")
        assert monthly.loc[pd.Timestamp(month), "churned"] == row.loc["current", "churned"]
        assert monthly.loc[pd.Timestamp(month), "active_at_start"] == row.loc["current", "active_at_start"]
    with pytest.raises(ValueError):
        customers.churn_monthly(con, FEB_MAR, window_days=20)


def test_auto_window_is_the_80th_percentile_of_gaps():
    con = warehouse_with(_three())
    # gaps: y 41 days, z 16 days → 80th percentile 16 + 0.8·25 = 36
    assert customers.auto_window_days(con, "tiny") == 36
    assert customers.resolve_window(con, "tiny", "auto") == 36
    assert customers.resolve_window(con, "tiny", 7) == customers.MIN_MONTHLY_WINDOW_DAYS
    # a second order on a day the customer already bought (another channel) adds no gap
    repeats = [line("z3", "2024-02-05", "z", "store", "east", 10), line("y3", "2024-01-10", "y", "store", "west", 10)]
    assert customers.auto_window_days(warehouse_with(_three() + repeats), "tiny") == 36
    single = warehouse_with([line("a", "2024-01-01", "a", "web", "east", 1)])
    assert customers.auto_window_days(single, "tiny") is None
    assert customers.resolve_window(single, "tiny", "auto") == customers.DEFAULT_WINDOW_DAYS


def test_churn_by_channel_region_segment_and_reasons():
    con = warehouse_with(_three())
    con.cursor().execute(
        "INSERT INTO customers (dataset, customer_id, acquisition_channel, region, first_order_date, satisfaction, churn_reason) VALUES ('tiny', 'x', 'web', NULL, NULL, NULL, '物流慢'), "
        "('tiny', 'y', 'web', NULL, NULL, NULL, '不再需要')"
    )
    feb = Filters("tiny", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    flags = customers.churn_flags(con, feb, window_days=31)
    out = customers.churn_by_dimension(
        customers.churn_by_place(con, feb, window_days=31), flags, rfm.key_segments(con, feb.prior)
    ).set_index(["dim", "value"])
    # web: x, y, z active at start; y's February order was in the store → x and y churned from web
    assert out.loc[("channel", "web"), ["active_at_start", "churned"]].tolist() == [3, 2]
    assert out.loc[("region", "west"), ["active_at_start", "churned"]].tolist() == [1, 0]
    # January's segments (Jan 3–31): one order each, so all F1; R edges over 21, 21, 11 days are
    # 15, 19, 21, 21 → x, y R3 (about to sleep), z R5 (new); only x churned
    segments = out.loc["segment"]
    assert segments["active_at_start"].to_dict() == {"about_to_sleep": 2, "new": 1}
    assert segments["churned"].to_dict() == {"about_to_sleep": 1, "new": 0}
    reasons = customers.churn_reasons(flags)
    assert reasons.values.tolist() == [["物流慢", 1, 1.0]]  # y did not churn, so its reason is not counted


def test_at_risk_needs_activity_value_and_low_p_alive():
    scores = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "recency_days": [10, 10, 400, 10],
            "frequency": [5, 5, 5, 5],
            "monetary": [900.0, 800, 700, 100],
            "m": [5, 5, 5, 1],
            "segment": ["loyal"] * 4,
        }
    )
    fit = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "p_alive": [0.2, 0.9, 0.1, 0.1], "clv_12m": [1.0] * 4})
    result = clv.ClvResult(dt.date(2024, 1, 1), True, None, None, None, None, fit)
    assert customers.at_risk(scores, result, window_days=180)["customer_id"].tolist() == ["a"]
    assert customers.at_risk(scores, result, window_days=180, max_p_alive=0.95)["customer_id"].tolist() == ["a", "b"]
    thin = clv.ClvResult(dt.date(2024, 1, 1), False, "clv_thin_customers", None, None, None, pd.DataFrame())
    assert customers.at_risk(scores, thin).empty


def test_customer_360_data():
    con = warehouse_with(_three())
    assert customers.search(con, "tiny", needle="Y")["customer_id"].tolist() == ["y"]
    assert customers.search(con, "tiny", needle="  ").empty
    orders = customers.customer_orders(con, "tiny", customer_id="y")
    assert orders["order_id"].tolist() == ["y2", "y1"]
    used = customers.channels_used(orders).set_index("channel")
    assert used["orders"].to_dict() == {"store": 1, "web": 1}
    # Feb–Mar: y 40 days, z 55, one order each → y R5 F1; Dec 3–Jan 31: x, y 21 days, z 11 → y R3 F1
    history = rfm.segment_history(con, FEB_MAR, customer_id="y", periods=3)
    assert history["segment"].tolist() == ["new", "about_to_sleep", rfm.NO_ORDERS]


@pytest.fixture(scope="module")
def demo_con(demo_db):
    return warehouse.connect(str(demo_db))


WHOLE = Filters("demo", dt.date(2023, 1, 1), dt.date(2025, 12, 31))


def test_demo_repeat_rate_recovers_the_truth(demo_con):
    truth = demo.truths(demo_con, "demo")["repeat_rate_all"]
    cards = {c.key: c for c in customers.kpis(demo_con, WHOLE)}
    assert cards["repeat_rate"].value == pytest.approx(truth, abs=0.005)


def test_demo_inactive_share_at_the_end_tracks_true_dropouts(demo_con):
    """Customers with no order in the last 180 days of the range vs those who truly dropped out:
    the quiet-but-alive are counted too, so it sits a few points above (stated tolerance 8 pts)."""
    truth = demo.truths(demo_con, "demo")["dropped_share_at_end"]
    scores = rfm.rfm(demo_con, WHOLE)
    inactive = (scores["recency_days"] >= customers.DEFAULT_WINDOW_DAYS).mean()
    assert truth <= inactive <= truth + 0.08


def test_demo_segment_shares_follow_the_quintiles(demo_con):
    """The generator plants no segment truth; what must hold is the quintile construction: R and M
    split customers into fifths up to ties; F is one score per number of orders, rising with it, and
    F1 is exactly the one-order customers (more than a fifth of the demo's buyers bought once)."""
    scores = rfm.rfm(demo_con, WHOLE)
    n = len(scores)
    assert scores.groupby("r").size().div(n).between(0.15, 0.25).all()
    per_frequency = scores.groupby("frequency")["f"].agg(["min", "max"])
    assert (per_frequency["min"] == per_frequency["max"]).all() and per_frequency["min"].is_monotonic_increasing
    assert (scores["frequency"] == 1).mean() > 0.2
    assert ((scores["f"] == 1) == (scores["frequency"] == 1)).all()
    sizes = rfm.segments(scores)
    assert sizes["share"].sum() == pytest.approx(1.0)
    # R 1–2 segments hold exactly the customers with R ≤ 2
    lost = sizes.set_index("segment").loc[["at_risk", "cant_lose", "hibernating"], "customers"].sum()
    assert lost == (scores["r"] <= 2).sum()


@pytest.mark.parametrize(
    "period", [WHOLE, Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))], ids=["whole", "last_year"]
)
def test_demo_new_and_promising_are_not_empty(demo_con, period):
    """Recent first-time buyers are "New" (R5 F1) and "Promising" (R4 F1), as the KPI cards' new
    customers suggest; F ties broken by order of appearance used to leave both empty."""
    sizes = rfm.segments(rfm.rfm(demo_con, period)).set_index("segment")["customers"]
    assert sizes["new"] > 0 and sizes["promising"] > 0


def test_demo_p_alive_and_holdout(demo_con):
    """BG/NBD cannot drop a customer at the first purchase (P(alive) = 1 when x = 0) while the demo
    does, so mean P(alive) overstates the true alive share; stated bound: within 35 points above it.
    The holdout check must predict total repeat purchase days within 10%."""
    truth_alive = 1 - demo.truths(demo_con, "demo")["dropped_share_at_end"]
    result = clv.customer_value(demo_con, "demo", as_of=WHOLE.end)
    assert result.ok
    gap = result.customers["p_alive"].mean() - truth_alive
    assert 0 < gap < 0.35
    repeaters = result.customers[result.customers["x"] > 0]
    assert repeaters["p_alive"].mean() < result.customers["p_alive"].mean()
    check = clv.calibration(demo_con, "demo", cal_end=dt.date(2025, 6, 30), holdout_end=WHOLE.end)
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.10)


def test_demo_monthly_churn_matches_the_period_churn(demo_con):
    monthly = customers.churn_monthly(demo_con, Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 6, 30))).set_index(
        "month"
    )
    for month, end in ((dt.date(2025, 2, 1), dt.date(2025, 2, 28)), (dt.date(2025, 6, 1), dt.date(2025, 6, 30))):
        row = query(demo_con, "overview_kpis", window_days=180, **Filters("demo", month, end).params()).set_index(
            "period"
        )
        assert (
            monthly.loc[pd.Timestamp(month), ["active_at_start", "churned"]].tolist()
            == row.loc["current", ["active_at_start", "churned"]].tolist()
        )


def test_long_periods_keep_the_last_120_months():
    con = warehouse_with(
        [line("a", "2000-01-05", "a", "web", "east", 1), line("b", "2014-06-05", "a", "web", "east", 1)]
    )
    long = Filters("tiny", dt.date(2000, 1, 1), dt.date(2014, 12, 31))
    monthly = customers.churn_monthly(con, long, window_days=31)
    assert len(monthly) == 120 and monthly["month"].iloc[0] == pd.Timestamp("2005-01-01")
    cells = cohorts.retention(con, long)
    assert cells.empty  # a's first order (2000) is before the kept months
