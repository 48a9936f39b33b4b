"""SMART goals: CRUD with bound values, monthly measurement, progress, projection and every status on
hand-made data whose answers are worked out by hand; unmeasurable goals say why."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import goals
from metrics.goals import Goal
from tests.tiny import line, warehouse_with

D = dt.date.fromisoformat


def monthly_lines() -> list[dict]:
    """Revenue 100, 200, ..., 600 in Jan..Jun 2024 (channel A), the last order on 30 June, so June is
    the current (complete) month. Trend: slope 100 a month, 100 at x = 0 (January)."""
    days = ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15", "2024-06-30"]
    return [line(f"o{k}", day, f"c{k}", "A", "R1", 100.0 * (k + 1)) for k, day in enumerate(days)]


@pytest.fixture
def con():
    return warehouse_with(monthly_lines())


def goal(**changes) -> Goal:
    values = {
        "dataset": "tiny",
        "metric": "revenue",
        "target": 1000.0,
        "deadline": D("2024-10-31"),
        "owner": "王经理",
        "baseline": 400.0,
        "baseline_date": D("2024-03-01"),
    }
    values.update(changes)
    return Goal(**values)


def test_month_helpers():
    assert goals.current_month(D("2024-06-30")) == D("2024-06-01")
    assert goals.current_month(D("2024-06-29")) == D("2024-05-01")  # June is not complete yet
    assert goals.add_months(D("2024-11-01"), 3) == D("2025-02-01")
    assert goals.months_between(D("2024-06-01"), D("2024-10-31")) == 4


def test_monthly_values_known(con):
    frame = goals.monthly_values(con, "tiny", "revenue", D("2024-01-01"), D("2024-06-01"))
    assert frame["value"].tolist() == [100, 200, 300, 400, 500, 600]
    two = warehouse_with(
        [line("a", "2024-05-03", "x", "A", "R1", 300.0), line("b", "2024-05-04", "y", "B", "R1", 100.0)]
    )
    assert goals.monthly_values(two, "tiny", "hhi", D("2024-05-01"), D("2024-05-01"))["value"].iloc[0] == pytest.approx(
        75**2 + 25**2
    )
    share = goals.monthly_values(two, "tiny", "channel_share:B", D("2024-04-01"), D("2024-05-01"))["value"]
    assert pd.isna(share.iloc[0]) and share.iloc[1] == pytest.approx(0.25)  # April: no sales → undefined
    scoped = goals.monthly_values(two, "tiny", "revenue", D("2024-05-01"), D("2024-05-01"), channels=("B",))
    assert scoped["value"].iloc[0] == 100
    gap = warehouse_with(
        [line("a", "2024-01-03", "x", "A", "R1", 10.0, 4.0), line("b", "2024-03-04", "y", "A", "R1", 20.0, 5.0)]
    )
    revenue = goals.monthly_values(gap, "tiny", "revenue", D("2023-12-01"), D("2024-03-01"))["value"]
    assert pd.isna(revenue.iloc[0]) and revenue.iloc[1:].tolist() == [10.0, 0.0, 20.0]  # before the data: unknown
    profit = goals.monthly_values(gap, "tiny", "gross_profit", D("2024-01-01"), D("2024-03-01"))["value"]
    assert profit.iloc[0] == 6 and pd.isna(profit.iloc[1]) and profit.iloc[2] == 15


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"target": 1000.0}, "on_track"),  # projected at Oct (x = 9): 100 + 100·9 = 1000
        ({"target": 1100.0}, "at_risk"),  # projected progress (1000 − 400) ÷ 700 = 0.857 ≥ 0.8
        ({"target": 1200.0}, "off_track"),  # (1000 − 400) ÷ 800 = 0.75
        ({"target": 500.0}, "achieved"),  # June 600 ≥ 500
        ({"deadline": D("2024-05-31")}, "overdue"),
        ({"target": 650.0, "baseline": 700.0}, "achieved"),  # lower is better: 600 ≤ 650
        ({"target": 50.0, "baseline": 700.0}, "off_track"),  # lower is better, but the trend rises
    ],
    ids=["on-track", "at-risk", "off-track", "achieved", "overdue", "lower-achieved", "lower-off-track"],
)
def test_status_on_known_data(con, changes, status):
    p = goals.evaluate(con, goal(**changes))
    assert p.status == status
    assert p.current == 600 and p.month == D("2024-06-01") and p.as_of == D("2024-06-30")


def test_progress_and_projection_numbers(con):
    p = goals.evaluate(con, goal())
    assert p.progress == pytest.approx((600 - 400) / (1000 - 400))
    assert p.slope == pytest.approx(100.0)
    assert p.projected == pytest.approx(1000.0)
    assert p.projected_progress == pytest.approx(1.0)
    assert p.history["value"].tolist() == [100, 200, 300, 400, 500, 600]
    same = goals.evaluate(con, goal(target=400.0))  # target = baseline: progress undefined, achieved
    assert same.progress is None and same.status == "achieved"


def test_short_history_is_at_risk_with_a_reason():
    two_months = warehouse_with(
        [line("a", "2024-05-03", "x", "A", "R1", 100.0), line("b", "2024-06-30", "y", "A", "R1", 150.0)]
    )
    p = goals.evaluate(two_months, goal(target=1000.0, baseline=100.0))
    assert p.status == "at_risk" and p.reason == "goals_note_short_history" and p.projected is None


def test_unmeasurable_goals_say_why(con):
    anonymous = warehouse_with([dict(row, customer_id=None) for row in monthly_lines()])
    assert goals.evaluate(anonymous, goal(metric="churn_rate", target=0.1)).reason == "goals_why_no_customer"
    assert goals.evaluate(con, goal(metric="gross_margin", target=0.3)).reason == "goals_why_no_cost"
    assert goals.evaluate(con, goal(metric="channel_share:Z", target=0.3)).reason == "goals_why_unknown_channel"
    assert goals.evaluate(con, goal(channels=("Z",))).reason == "goals_why_unknown_scope"
    # customers exist but nothing precedes the data, so June's churn is defined; January's is not
    churn = goals.evaluate(con, goal(metric="churn_rate", target=0.1))
    assert churn.status != "unmeasurable" and churn.current == pytest.approx(0.0)
    one_month = warehouse_with([line("a", "2024-06-30", "x", "A", "R1", 100.0)])
    empty = goals.evaluate(one_month, goal(metric="churn_rate", target=0.1))
    assert empty.status == "unmeasurable" and empty.reason == "goals_why_no_value"
    for p in (empty,):
        assert p.progress is None and p.projected is None


def test_crud_round_trip_and_baseline_measured_on_create(con):
    created = goals.create(con, Goal("tiny", "revenue", 900.0, D("2024-12-31"), "  Li   Lei ", notes="Q4 push"))
    assert created.id is not None and created.owner == "Li Lei"
    assert created.baseline == 600 and created.baseline_date == D("2024-06-01")  # June's value
    other = goals.create(con, Goal("tiny", "orders", 3.0, D("2024-09-30"), "Ann", regions=("R1",)))
    assert [g.id for g in goals.list_goals(con, "tiny")] == [other.id, created.id]  # nearest deadline first
    edited = goals.update(con, Goal(**{**created.__dict__, "target": 1200.0, "channels": ("A",)}))
    assert edited.target == 1200 and edited.channels == ("A",) and edited.created_at == created.created_at
    assert goals.list_goals(con, "other") == []
    assert goals.delete(con, "tiny", created.id) is True
    assert goals.delete(con, "tiny", created.id) is False
    with pytest.raises(KeyError):
        goals.update(con, edited)
    assert [g.id for g in goals.list_goals(con, "tiny")] == [other.id]


def test_values_are_bound_not_interpolated(con):
    nasty = "x'); DROP TABLE goals; --"
    created = goals.create(con, Goal("tiny", "revenue", 900.0, D("2024-12-31"), nasty, notes=nasty))
    assert goals.get(con, "tiny", created.id).owner == nasty
    assert len(goals.list_goals(con, "tiny")) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"metric": "happiness"}, "goals_err_metric"),
        ({"metric": "channel_share:"}, "goals_err_metric"),
        ({"owner": "  "}, "goals_err_owner"),
        ({"metric": "churn_rate", "target": 1.5}, "goals_err_ratio"),
        ({"target": float("nan")}, "goals_err_target"),
    ],
    ids=["metric", "empty-channel", "owner", "ratio", "nan"],
)
def test_invalid_goals_are_refused_with_a_reason(con, changes, code):
    with pytest.raises(goals.GoalError) as caught:
        goals.create(con, goal(**changes))
    assert caught.value.code == code


def test_progress_table_lists_every_goal(con):
    goals.create(con, goal(target=1000.0))
    goals.create(con, goal(metric="gross_margin", target=0.5))
    statuses = [p.status for p in goals.progress_table(con, "tiny")]
    assert sorted(statuses) == ["on_track", "unmeasurable"]


def test_demo_goal_is_measurable(demo_db):
    from data import warehouse

    con = warehouse.connect(demo_db)
    try:
        p = goals.evaluate(
            con,
            Goal(
                "demo", "channel_share:直播带货", 0.3, D("2026-06-30"), "x", baseline=0.1, baseline_date=D("2025-06-01")
            ),
        )
    finally:
        con.close()
    assert p.status in goals.STATUSES and p.status != "unmeasurable"
    assert len(p.history) == goals.TREND_MONTHS and p.history["value"].between(0, 1).all()


@pytest.mark.parametrize("metric", ["revenue", "gross_profit", "gross_margin", "orders"])
def test_monthly_values_equal_the_overview_kpis_of_each_month(demo_db, metric):
    from data import warehouse
    from metrics import overview
    from metrics.filters import Filters

    con = warehouse.connect(demo_db)
    try:
        frame = goals.monthly_values(con, "demo", metric, D("2025-05-01"), D("2025-07-01"), channels=("电商平台",))
        key = goals.catalog_key(metric)
        for month, value in zip(frame["month"], frame["value"], strict=True):
            f = Filters("demo", month, goals.month_end(month), ("电商平台",))
            expected = next(c.value for c in overview.kpis(con, f) if c.key == key)
            assert value == pytest.approx(expected)
    finally:
        con.close()
