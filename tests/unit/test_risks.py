"""The risk rules, each on a small table that triggers it and one that does not; the scales; the
register on the demo finding what it planted; growth potential from the forecast and the budget curves."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data import demo, warehouse
from metrics import forecast, goals, growth, health, risks
from metrics.risks import rules
from present.sentences import risks as risks_text

YEAR = 1_000_000.0


def test_scales():
    assert [rules.level(v, rules.IMPACT_EDGES) for v in (0.0, 0.01, 0.02, 0.05, 0.1, 0.5)] == [1, 1, 2, 3, 4, 5]
    assert rules.impact_of(40_000, YEAR) == 3 and rules.impact_of(5, 0.0) == 1
    assert [risks.band(s) for s in (1, 4, 5, 9, 10, 16, 20, 25)] == ["low"] * 2 + ["medium"] * 2 + ["high"] * 2 + [
        "critical"
    ] * 2
    assert rules.miss_probability(100, 80, 100, 120) == pytest.approx(0.5)
    assert rules.miss_probability(120, 80, 100, 120) == pytest.approx(0.9)
    assert rules.miss_probability(80, 80, 100, 140) == pytest.approx(0.1)  # the low side's own spread


# ---------------------------------------------------------------- one rule at a time


def test_concentration():
    found = rules.concentration(pd.Series({"A": 700.0, "B": 200.0, "C": 100.0}))
    assert len(found) == 1 and found[0].key == "concentration"
    e = found[0].evidence
    assert e["hhi"] == pytest.approx(70**2 + 20**2 + 10**2) and e["top_channel"] == "A"
    assert found[0].likelihood == 4  # HHI 5,400: above 5,000
    assert found[0].impact == 5  # a quarter of 70% of revenue
    assert rules.concentration(pd.Series({c: 100.0 for c in "ABCD"})) == []  # HHI 2,500 is not above 2,500


def monthly(values: dict[str, list[float]]) -> pd.DataFrame:
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    return pd.concat([pd.DataFrame({"month": months, "channel": c, "revenue": v}) for c, v in values.items()])


def test_declining_channel():
    flat = [100.0] * 24
    falling = [100.0] * 12 + [90.0] * 12
    found = rules.declining(monthly({"A": flat, "B": falling}), forecast_next={"B": 1000.0})
    assert [r.key for r in found] == ["declining:B"]
    e = found[0].evidence
    assert e["change"] == pytest.approx(-0.10) and e["quarters_down"] == 4
    assert found[0].likelihood == 5  # four quarters down, and the forecast (1,000 < 1,080) continues it
    assert found[0].impact == 3  # 120 lost of 2,280 a year: 5.3%
    assert rules.declining(monthly({"A": flat, "B": [100.0] * 12 + [98.0] * 12})) == []  # −2%: within noise
    assert rules.declining(monthly({"A": flat})[lambda f: f["month"] >= "2024-06-01"]) == []  # under two years


def test_key_customers():
    top = pd.DataFrame(
        {
            "customer_id": ["big", "b", "c"],
            "revenue": [150.0, 50.0, 40.0],
            "last_order": [dt.date(2025, 9, 1), dt.date(2025, 12, 20), dt.date(2025, 12, 1)],
        }
    )
    found = rules.key_customers(top, 1000.0, dt.date(2025, 12, 31))
    assert len(found) == 1 and found[0].evidence["top_customer"] == "big"
    assert found[0].evidence["dormant"] == 1 and found[0].likelihood == 5  # 150 of 240 (62%) quiet for 90+ days
    spread = top.assign(revenue=[50.0, 40.0, 30.0], last_order=[dt.date(2025, 12, 20)] * 3)
    assert rules.key_customers(spread, 1000.0, dt.date(2025, 12, 31)) == []  # 5%, 12%: no dependence


def churn(rates: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"month": pd.date_range("2024-01-01", periods=len(rates), freq="MS"), "churn_rate": rates})


def test_rising_churn():
    found = rules.rising_churn(churn([0.05] * 12 + [0.08] * 6), revenue_share=0.8)
    assert len(found) == 1
    e = found[0].evidence
    assert e["rise"] == pytest.approx(0.03) and e["churn_year_ago"] == pytest.approx(0.05)
    assert found[0].likelihood == 5  # +60%
    assert found[0].impact == 5  # 12 × 3 points × 80% of revenue
    assert rules.rising_churn(churn([0.05] * 12 + [0.055] * 6)) == []  # half a point: not a rise
    assert rules.rising_churn(churn([0.05] * 12)) == []  # no year to compare with


def test_price_conflict_and_out_of_territory():
    conflicts = pd.DataFrame(
        {
            "product": ["P1", "P2"],
            "low_channel": ["Live", "Live"],
            "gap": [0.45, 0.2],
            "low_revenue": [30_000.0, 10_000.0],
        }
    )
    found = rules.price_conflict(conflicts, YEAR)
    assert found[0].likelihood == 4 and found[0].impact == 3 and found[0].evidence["examples"] == ["P1", "P2"]
    territory = pd.DataFrame({"channel": ["A"], "region": ["R"], "revenue": [5_000.0], "orders": [3]})
    only_outside = rules.price_conflict(conflicts.iloc[:0], YEAR, territory)
    assert only_outside[0].likelihood == 5 and only_outside[0].evidence["out_of_territory"] == 5_000.0
    assert rules.price_conflict(conflicts.iloc[:0], YEAR, territory.iloc[:0]) == []


def test_blind_spots():
    cells = pd.DataFrame({"channel": ["A", "A", "B"], "region": ["N", "S", "N"], "revenue": [600.0, 200.0, 200.0]})
    spots = pd.DataFrame(
        [
            {
                "rule": "channel_gap",
                "channel": "B",
                "region": "S",
                "regions_sold": 1,
                "regions_total": 2,
                "revenue_share": None,
                "customer_share": None,
            }
        ]
    )
    found = rules.blind_spots(spots, cells)
    assert found[0].evidence["at_stake"] == pytest.approx(200.0 * 200.0 / 1000.0)  # B's revenue × S's share
    assert found[0].likelihood == 2 and found[0].evidence["cells"] == ["B × S"]
    assert rules.blind_spots(spots.iloc[:0], cells) == []


def test_goal_shortfall():
    goal = {"id": 7, "series": "全部", "month": dt.date(2026, 6, 1), "p10": 80.0, "p50": 100.0, "p90": 120.0}
    found = rules.goal_shortfall([{**goal, "target": 130.0}], 1000.0)
    assert found[0].key == "goal_shortfall:7" and found[0].likelihood == 5  # above P90
    assert found[0].impact == 5  # 30 short a month, 360 a year
    assert rules.goal_shortfall([{**goal, "target": 95.0}], 1000.0) == []  # the P50 meets it


def test_assumed_curves():
    plan = pd.DataFrame(
        {
            "lever": ["channel:A", "channel:B", "crm:C"],
            "source": ["assumed", "fitted", "holdout"],
            "current": [100.0, 100.0, 100.0],
            "planned": [100.0, 100.0, 100.0],
        }
    )
    found = rules.assumed_curves([(None, plan), ("push", plan.assign(planned=[200.0, 100.0, 100.0]))], 10_000.0)
    assert [r.key for r in found] == ["assumed_curves:*", "assumed_curves:push"]
    assert found[0].likelihood == 2 and found[1].likelihood == 4  # 50% on assumed, and A doubled
    assert found[1].evidence["moved"] == ["channel:A"]
    measured = plan.assign(source=["fitted", "fitted", "holdout"])
    assert rules.assumed_curves([(None, measured)], 10_000.0) == []


def test_negative_contribution():
    pnl = pd.DataFrame(
        {
            "channel": ["A", "B"],
            "contribution": [-30_000.0, 50_000.0],
            "roi": [-0.3, 1.2],
            "channel_cost": [100_000.0, 40_000.0],
        }
    )
    found = rules.negative_contribution(pnl, YEAR)
    assert [r.key for r in found] == ["negative_contribution:A"]
    assert found[0].likelihood == 4 and found[0].impact == 2  # ROI −30%; 3% of revenue is not above 3%
    assert rules.negative_contribution(pnl.iloc[1:], YEAR) == []


def test_data_health():
    found = rules.data_health(48.0, {"phone": 30.0, "email": 55.0, "region": 90.0, "name": 95.0})
    assert found[0].likelihood == 3 and found[0].impact == 4  # half the parts weak
    assert found[0].evidence["weak"] == ["phone", "email"]
    assert rules.data_health(82.0, {"phone": 30.0}) == []
    assert rules.data_health(None) == []


def _health_con(customers: str):
    from data.ingest import ingest
    from tests.tiny import line, warehouse_with

    con = warehouse_with(
        [
            line("o1", "2024-01-05", "A", "天猫", "华东", 100.0),
            line("o2", "2024-02-01", "B", "京东", "华南", 80.0),
            line("o3", "2024-02-02", "C", "京东", "华东", 20.0),
        ]
    )
    report = ingest(con, customers.encode(), "tiny", kind="customers")
    assert report.loaded and not report.rows_rejected, report.errors
    return con


def test_data_health_reads_metrics_health_on_a_customers_file():
    """issue 15's metrics.health feeds the rule: poor records trigger it (with the weakest parts named),
    clean ones do not, and a dataset without a customers file is skipped with its reason, never "no risk"."""
    empty = risks.Evidence(
        "x",
        dt.date(2025, 12, 31),
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        100.0,
        pd.DataFrame(columns=["month", "channel", "revenue"]),
        pd.Series({c: 20.0 for c in "ABCDE"}),
        False,
        False,
        False,
    )
    header = "客户编号,手机号,邮箱,性别,生日,区域,姓名\n"
    poor = _health_con(header + "A,12345,bad-mail,?,2030-01-01,,李*\nB,12345,,,,,\nC,,,,,,\n")
    report = health.data_health(poor, "tiny")
    judged = risks.assess(empty, health=report)
    [found] = [r for r in judged.risks if r.rule == "data_health"]
    assert found.evidence["score"] == pytest.approx(report.score) and report.score < rules.HEALTH_LIMIT
    assert found.evidence["weak"] and set(found.evidence["weak"]) <= set(report.breakdown["component"])
    for lang in ("zh", "en"):
        assert "health_component_" not in risks_text.evidence(found, lang)
    clean = _health_con(
        header + "A,13800138000,a@x.cn,女,1990-05-01,华东,王芳\n"
        "B,13900139000,b@x.cn,男,1985-03-02,华南,李四\n"
        "C,13700137000,c@x.cn,女,1992-07-09,华东,赵六\n"
    )
    assert health.data_health(clean, "tiny").score >= rules.HEALTH_LIMIT
    assert not [
        r for r in risks.assess(empty, health=health.data_health(clean, "tiny")).risks if r.rule == "data_health"
    ]
    assert risks.assess(empty).skipped["data_health"] == "risks_skip_no_health"
    assert risks.assess(empty).skipped["key_customers"] == "risks_skip_no_customer"


# ---------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_con(demo_db):
    return warehouse.connect(demo_db)


def test_the_register_finds_what_the_demo_planted(demo_con):
    truth = demo.truths(demo_con, "demo")
    evidence = risks.gather(demo_con, "demo")
    assert (evidence.start, evidence.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    found = risks.assess(evidence, outlook=forecast.outlook(demo_con, "demo"))
    by_key = {r.key: r for r in found.risks}
    assert "declining:经销商" in by_key  # the planted decliner (baseline growth 0.9 a year)
    assert by_key["declining:经销商"].evidence["forecast_next"] < by_key["declining:经销商"].evidence["revenue"]
    assert {tuple(cell.split(" × ")) for cell in by_key["blind_spots"].evidence["cells"]} == {
        tuple(c) for c in truth["blind_spots"]
    }
    conflict = by_key["price_conflict"].evidence
    assert conflict["channels"] == ["直播带货"] and set(conflict["examples"]) <= set(truth["price_conflict_products"])
    assert "concentration" not in by_key and "rising_churn" not in by_key  # neither is planted
    assert [r.score for r in found.risks] == sorted((r.score for r in found.risks), reverse=True)
    assert found.skipped["assumed_curves"] == "risks_skip_no_budget"
    for lang in ("zh", "en"):  # every detected risk reads in both languages, with its numbers
        for risk in found.risks:
            assert risks_text.title(risk, lang) and risks_text.evidence(risk, lang)


def test_a_goal_the_forecast_misses_becomes_a_risk_and_is_judged_on_the_forecast(demo_con):
    outlook = forecast.outlook(demo_con, "demo")
    june = outlook.get("电商平台").frame.iloc[5]
    goal = goals.Goal(
        "demo", "revenue", float(june["p90"]) * 1.3, dt.date(2026, 6, 30), "Ann", channels=("电商平台",), id=41
    )
    judged = risks.assess(risks.gather(demo_con, "demo"), outlook=outlook, goals=[goal])
    missed = next(r for r in judged.risks if r.rule == "goal_shortfall")
    assert missed.key == "goal_shortfall:41" and missed.likelihood == 5 and missed.evidence["miss"] > 0.9
    progress = goals.evaluate(demo_con, goal)
    tested = SimpleNamespace(row=lambda series: pd.Series({"beats_line": True}))
    [on_forecast] = goals.with_forecast([progress], outlook, tested)
    assert on_forecast.method == "forecast" and on_forecast.projected == pytest.approx(float(june["p50"]))
    assert on_forecast.status == "off_track"
    kept = goals.with_forecast([progress], outlook, SimpleNamespace(row=lambda s: pd.Series({"beats_line": False})))
    assert kept[0].method == "trend"  # where the backtest does not beat the line, the line stays


def test_growth_potential_follows_the_planted_marginal_returns(demo_con):
    from metrics.budget import budget_model

    truth = demo.truths(demo_con, "demo")["response"]["channels"]
    frame = growth.potential(forecast.outlook(demo_con, "demo"), budget_model(demo_con, "demo")).set_index("channel")
    assert list(frame.columns) == growth.COLUMNS[1:]
    for channel, planted in truth.items():
        pays = planted["margin"] * planted["marginal_roas"]  # gross profit of the next yuan, as planted
        if pays < 0.9:
            assert frame.loc[channel, "headroom_revenue"] == 0.0, channel
        elif pays > 1.3:
            assert frame.loc[channel, "headroom_revenue"] > 0.0, channel
    assert (frame["headroom_p10"] <= frame["headroom_p90"]).all()
    assert np.isfinite(frame["forecast_growth"]).all()
