"""Overview metrics on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import overview
from metrics.filters import Filters
from present.sentences import overview as overview_text
from tests.tiny import line, warehouse_with

D = dt.date


@pytest.fixture(scope="module")
def con():
    return warehouse_with(
        [
            # prior period 2024-01-01..2024-01-31 (the selection is February, 29 days in 2024)
            line("A", "2024-01-10", "c1", "online", "east", 100, 60),
            line("B", "2024-01-20", "c2", "store", "west", 50, 20),
            # current period 2024-02-01..2024-02-29
            line("C", "2024-02-02", "c1", "online", "east", 120, 70),
            line("C", "2024-02-02", "c1", "online", "east", 30, 10, line_no=2),
            line("D", "2024-02-15", "c1", "online", "east", 60, 30, refund=10),
            line("E", "2024-02-20", "c3", "store", "west", 90, 45),
            line("F", "2024-02-21", None, "store", "west", 40, 25),
        ]
    )


FEB = Filters("tiny", D(2024, 2, 1), D(2024, 2, 29))


def by_key(cards):
    return {card.key: card for card in cards}


def test_kpis_current_and_prior(con):
    cards = by_key(overview.kpis(con, FEB, window_days=30))
    # revenue net of refunds: 120 + 30 + (60 − 10) + 90 + 40 = 330; prior 150
    assert cards["revenue"].value == pytest.approx(330)
    assert cards["revenue"].prior == pytest.approx(150)
    assert cards["revenue"].delta == pytest.approx(180 / 150)
    # gross profit: 330 − (70 + 10 + 30 + 45 + 25) = 150; margin 150 / 330
    assert cards["gross_profit"].value == pytest.approx(150)
    assert cards["margin"].value == pytest.approx(150 / 330)
    assert cards["margin"].prior == pytest.approx(70 / 150)
    assert cards["margin"].delta == pytest.approx(150 / 330 - 70 / 150)  # percentage points
    assert cards["orders"].value == 4 and cards["orders"].prior == 2
    assert cards["aov"].value == pytest.approx(330 / 4)
    # customers c1 (orders C, D) and c3 (E); the anonymous order F counts for no customer
    assert cards["active_customers"].value == 2
    assert cards["repeat_rate"].value == pytest.approx(1 / 2)
    assert cards["repeat_rate"].prior == pytest.approx(0.0)


def test_churn_with_window(con):
    cards = by_key(overview.kpis(con, FEB, window_days=30))
    # Active at 2024-02-01 (an order 2024-01-02..01-31): c1, c2. At 02-29 (orders 01-31..02-29): c1, c3.
    # c2 is lost: churn 1/2.
    assert cards["churn_rate"].value == pytest.approx(0.5)
    # Prior period has no data before it: churn undefined, not 0.
    assert cards["churn_rate"].prior is None
    assert cards["churn_rate"].delta is None


def test_filters_narrow_the_numbers(con):
    store = Filters("tiny", FEB.start, FEB.end, channels=("store",))
    cards = by_key(overview.kpis(con, store, window_days=30))
    assert cards["revenue"].value == pytest.approx(130)
    assert cards["active_customers"].value == 1
    east = Filters("tiny", FEB.start, FEB.end, regions=("east",))
    assert by_key(overview.kpis(con, east, window_days=30))["revenue"].value == pytest.approx(200)


def test_empty_selection_gives_zeros_and_undefined_ratios(con):
    empty = Filters("tiny", D(2030, 1, 1), D(2030, 1, 31))
    cards = by_key(overview.kpis(con, empty))
    assert cards["revenue"].value == 0 and cards["orders"].value == 0
    assert cards["margin"].value is None and cards["aov"].value is None and cards["repeat_rate"].value is None
    assert overview.trend(con, empty).empty


def test_margin_undefined_without_cost():
    con = warehouse_with([line("A", "2024-02-02", "c1", "online", "east", 100, None)])
    cards = by_key(overview.kpis(con, FEB))
    assert cards["revenue"].value == 100
    assert cards["gross_profit"].value is None and cards["margin"].value is None


def test_movers_growth_share_and_undefined_growth(con):
    moves = overview.movers(con, FEB).set_index(["dim", "value"])
    online = moves.loc[("channel", "online")]
    assert online["revenue"] == pytest.approx(200) and online["prior_revenue"] == pytest.approx(100)
    assert online["growth"] == pytest.approx(1.0)
    assert online["share"] == pytest.approx(200 / 330)
    assert moves.loc[("region", "west"), "growth"] == pytest.approx((130 - 50) / 50)
    new = warehouse_with([line("A", "2024-02-02", "c1", "new", "east", 10, 5)], name="fresh")
    fresh = overview.movers(new, Filters("fresh", FEB.start, FEB.end)).set_index(["dim", "value"])
    assert pd.isna(fresh.loc[("channel", "new"), "growth"])  # no prior sales: undefined, not infinite


def test_trend_by_month_and_channel(con):
    frame = overview.trend(con, Filters("tiny", D(2024, 1, 1), D(2024, 2, 29)))
    feb_online = frame[(frame["month"] == pd.Timestamp("2024-02-01")) & (frame["channel"] == "online")]
    assert feb_online["revenue"].iloc[0] == pytest.approx(200)
    assert feb_online["margin"].iloc[0] == pytest.approx((200 - 110) / 200)
    assert len(frame) == 4


def test_trend_gives_the_margin_denominator_of_the_kpi():
    """A line without cost counts in revenue but not in the margin: summing the trend's months and
    channels as Σ gross_profit ÷ Σ revenue_with_cost gives the margin KPI."""
    con = warehouse_with(
        [
            line("A", "2024-02-02", "c1", "online", "east", 100, 60),
            line("B", "2024-02-03", "c2", "store", "west", 50, 20),
            line("C", "2024-02-04", "c2", "store", "west", 200, None),
        ]
    )
    frame = overview.trend(con, FEB)
    assert frame["revenue"].sum() == pytest.approx(350) and frame["revenue_with_cost"].sum() == pytest.approx(150)
    margin = by_key(overview.kpis(con, FEB))["margin"].value
    assert (
        frame["gross_profit"].sum() / frame["revenue_with_cost"].sum()
        == pytest.approx(margin)
        == pytest.approx(70 / 150)
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headlines_name_the_driver(con, lang):
    sentences = overview_text.headlines(overview.kpis(con, FEB, window_days=30), overview.movers(con, FEB), lang)
    assert len(sentences) == 4
    assert "online" in sentences[0]  # online added 100, the largest increase
    assert "+120.0%" in sentences[0]
    # lowest-margin channel: online (200 − 110) / 200 = 45.0% < store (130 − 70) / 130 = 46.2%
    assert "online" in sentences[1] and "45.0%" in sentences[1]
    assert "-1.2" in sentences[1]  # 45.5% now vs 46.7% before, in points


def test_dimension_values(con):
    values = overview.dimension_values(con, "tiny")
    assert values["channel"] == ["online", "store"]  # largest revenue first
    assert set(values["region"]) == {"east", "west"}


def test_churn_of_both_periods_counts_the_lost_not_the_kept():
    """Three customers active at each period's start, one of them lost (so lost 1/3, kept 2/3: a rule
    that counted the kept or the customers active at the end would give another share). March is the
    selection, February the prior period, a 20-day window."""
    con = warehouse_with(
        [
            # active at 02-01 (an order 01-12..01-31): k1, k2, lost_feb; lost_feb buys nothing 02-10..02-29
            line("A1", "2024-01-20", "k1", "web", "east", 10),
            line("A2", "2024-01-25", "k2", "web", "east", 10),
            line("A3", "2024-01-28", "lost_feb", "web", "east", 10),
            line("B1", "2024-02-25", "k1", "web", "east", 10),
            line("B2", "2024-02-26", "k2", "web", "east", 10),
            # active at 03-01 (an order 02-10..02-29): k1, k2, lost_mar (nobody else); only lost_mar stays
            # away 03-12..03-31, the other two buy again, and new_mar is new in March (not at its start)
            line("B3", "2024-02-20", "lost_mar", "web", "east", 10),
            line("C1", "2024-03-20", "k1", "web", "east", 10),
            line("C2", "2024-03-25", "k2", "web", "east", 10),
            line("C3", "2024-03-30", "new_mar", "web", "east", 10),
        ]
    )
    cards = by_key(overview.kpis(con, Filters("tiny", D(2024, 3, 1), D(2024, 3, 31)), window_days=20))
    assert cards["churn_rate"].value == pytest.approx(1 / 3)
    assert cards["churn_rate"].prior == pytest.approx(1 / 3)


def test_region_headline_does_not_call_growth_a_decline():
    con = warehouse_with(
        [
            line("A", "2024-01-10", "c1", "online", "east", 100),
            line("B", "2024-01-12", "c2", "online", "west", 100),
            line("C", "2024-02-10", "c1", "online", "east", 150),
            line("D", "2024-02-12", "c2", "online", "west", 110),
        ]
    )
    sentences = overview_text.headlines(overview.kpis(con, FEB), overview.movers(con, FEB), "en")
    assert sentences[-1] == "Every region grew: fastest east (+50.0%), slowest west (+10.0%)."
