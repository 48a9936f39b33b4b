"""Channel metrics on tiny tables whose answers are worked out by hand, one edge case per test."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics import channels as ch
from metrics.filters import Filters
from tests.tiny import line, warehouse_with

D = dt.date
FEB = Filters("tiny", D(2024, 2, 1), D(2024, 2, 29))  # prior: 2024-01-03..01-31; a year ago: 2023-02-01..02-28


def add_costs(con, rows: list[tuple[str, str, str, float]], dataset: str = "tiny") -> None:
    for month, channel, cost_type, amount in rows:
        con.cursor().execute(
            "INSERT INTO channel_costs VALUES ($d, $m, $c, $t, $a)",
            {"d": dataset, "m": D.fromisoformat(month), "c": channel, "t": cost_type, "a": amount},
        )


@pytest.fixture(scope="module")
def con():
    con = warehouse_with(
        [
            line(
                "Z", "2023-12-01", "c9", "online", "east", 10, 5
            ),  # data start: covers the prior period, not a year ago
            line("A", "2024-01-10", "c1", "online", "east", 100, 60),
            line("B", "2024-01-20", "c2", "store", "west", 50, 20),
            line("C", "2024-02-02", "c1", "online", "east", 120, 70),
            line("D", "2024-02-15", "c3", "online", "west", 60, 30, refund=10),
            line("E", "2024-02-20", "c4", "store", "west", 90, 45),
            line("F", "2024-02-21", "c5", "popup", "east", 40, None),  # missing cost; no prior sales
            line("G", "2024-02-22", "c1", "store", "east", 30, 10),  # c1 buys through two channels
        ]
    )
    add_costs(
        con,
        [
            ("2024-01-01", "online", "commission", 310.0),
            ("2024-02-01", "online", "marketing", 290.0),
            ("2024-02-01", "store", "management", 58.0),
        ],
    )
    return con


@pytest.fixture(scope="module")
def table(con):
    return ch.pnl(con, FEB).set_index("channel")


def test_pnl_known_answers(table):
    online, store = table.loc["online"], table.loc["store"]
    assert list(table.index) == ["online", "store", "popup"]
    # online: 120 + (60 − 10) = 170; cost 100; prior 100 (line A); channel cost: February's 290
    assert online["revenue"] == pytest.approx(170) and online["cogs"] == pytest.approx(100)
    assert online["gross_profit"] == pytest.approx(70) and online["margin"] == pytest.approx(70 / 170)
    assert online["cost_marketing"] == pytest.approx(290)
    assert "cost_commission" not in table  # January's commission has no day in February
    assert online["channel_cost"] == pytest.approx(290) and online["contribution"] == pytest.approx(-220)
    assert online["contribution_rate"] == pytest.approx(-220 / 170) and online["roi"] == pytest.approx(-220 / 290)
    assert online["growth"] == pytest.approx(0.7)
    assert online["orders"] == 2 and online["aov"] == pytest.approx(85)
    # customers c1, c3; only c3's first-ever order is in February through online (c1 started in January)
    assert online["customers"] == 2 and online["new_customers"] == 1
    assert store["revenue"] == pytest.approx(120) and store["gross_profit"] == pytest.approx(65)
    assert store["contribution"] == pytest.approx(7) and store["roi"] == pytest.approx(7 / 58)
    assert store["growth"] == pytest.approx(70 / 50) and store["new_customers"] == 1


def test_shares_add_up_and_use_each_measure(table):
    assert table["share"].to_dict() == pytest.approx({"online": 170 / 330, "store": 120 / 330, "popup": 40 / 330})
    assert table["share_orders"].to_dict() == pytest.approx({"online": 0.4, "store": 0.4, "popup": 0.2})
    # c1 counts in online and in store: 5 channel-customers in all
    assert table["share_customers"].to_dict() == pytest.approx({"online": 0.4, "store": 0.4, "popup": 0.2})
    assert table.loc["online", "share_gross_profit"] == pytest.approx(70 / 135)
    assert math.isnan(table.loc["popup", "share_gross_profit"])


def test_missing_cost_and_no_prior_sales_are_undefined_not_zero(table):
    popup = table.loc["popup"]
    assert popup["revenue"] == pytest.approx(40)
    for col in ("cogs", "gross_profit", "margin", "contribution", "contribution_rate", "roi", "growth"):
        assert math.isnan(popup[col]), col
    assert popup["channel_cost"] == 0  # the dataset has channel costs; this channel has none


def test_year_over_year_undefined_when_data_does_not_reach_back(table):
    assert table["yoy"].isna().all()


def test_yoy_defined_when_covered():
    con = warehouse_with(
        [
            line("A", "2023-02-01", "c1", "online", "east", 100, 50),
            line("B", "2024-02-10", "c1", "online", "east", 150, 50),
        ]
    )
    row = ch.pnl(con, FEB).iloc[0]
    assert row["yoy"] == pytest.approx(0.5)
    assert math.isnan(row["growth"])  # January 2024 had no sales: undefined


def test_costs_spanning_partial_months(con):
    # 2024-01-17..02-14 (29 days): January 15 of 31 days, February 14 of 29 days
    f = Filters("tiny", D(2024, 1, 17), D(2024, 2, 14))
    costs = ch.allocated_costs(con, f).set_index(["channel", "cost_type"])["amount"]
    assert costs[("online", "commission")] == pytest.approx(310 * 15 / 31)
    assert costs[("online", "marketing")] == pytest.approx(290 * 14 / 29)
    assert costs[("store", "management")] == pytest.approx(58 * 14 / 29)


def test_region_filter_prorates_channel_cost_by_revenue(con):
    east = Filters("tiny", FEB.start, FEB.end, regions=("east",))
    table = ch.pnl(con, east).set_index("channel")
    # online east 120 of 170; store east 30 of 120
    assert table.loc["online", "channel_cost"] == pytest.approx(290 * 120 / 170)
    assert table.loc["store", "channel_cost"] == pytest.approx(58 * 30 / 120)


def test_region_filter_prorates_each_months_cost_by_that_months_share(con):
    # 2024-01-17..02-14 under "east": each month's cost × overlap days × east's share of that month
    f = Filters("tiny", D(2024, 1, 17), D(2024, 2, 14), regions=("east",))
    costs = ch.allocated_costs(con, f).set_index(["channel", "cost_type"])["amount"]
    assert costs[("online", "commission")] == pytest.approx(310 * 15 / 31)  # January: online sold in the east only
    assert costs[("online", "marketing")] == pytest.approx(290 * 14 / 29 * 120 / 170)  # February: 120 of 170
    assert costs[("store", "management")] == pytest.approx(58 * 14 / 29 * 30 / 120)


def test_channel_with_cost_but_no_sales_appears():
    con = warehouse_with([line("A", "2024-02-10", "c1", "online", "east", 100, 50)])
    add_costs(con, [("2024-02-01", "ghost", "marketing", 29.0)])
    table = ch.pnl(con, FEB).set_index("channel")
    assert table.loc["ghost", "revenue"] == 0 and table.loc["ghost", "channel_cost"] == pytest.approx(29)
    assert math.isnan(table.loc["ghost", "margin"]) and math.isnan(table.loc["ghost", "aov"])


def test_zero_revenue_channel():
    con = warehouse_with(
        [
            line("A", "2024-02-10", "c1", "online", "east", 100, 50),
            line("B", "2024-02-11", "c2", "gift", "east", 20, 5, refund=20),
        ]
    )
    gift = ch.pnl(con, FEB).set_index("channel").loc["gift"]
    assert gift["revenue"] == 0 and gift["share"] == 0 and gift["aov"] == 0
    assert math.isnan(gift["margin"]) and gift["gross_profit"] == pytest.approx(-5)
    assert math.isnan(gift["channel_cost"])  # no channel cost table for this dataset


def test_empty_selection_has_no_rows(con):
    assert ch.pnl(con, Filters("tiny", D(2030, 1, 1), D(2030, 1, 31))).empty
    assert ch.share_trend(con, Filters("tiny", D(2030, 1, 1), D(2030, 1, 31))).empty


def test_no_cost_at_all():
    con = warehouse_with(
        [line("A", "2024-02-10", "c1", "online", "east", 100), line("B", "2024-02-11", None, "store", "west", 50)]
    )
    table = ch.pnl(con, FEB)
    assert table[["cogs", "gross_profit", "margin", "channel_cost", "contribution", "roi"]].isna().all().all()
    assert table["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    wf = ch.waterfall(table, "online")
    assert wf["step"].tolist() == ["revenue"]
    assert not ch.availability(con, "tiny").has_cost


def test_one_channel_is_fully_concentrated():
    con = warehouse_with([line("A", "2024-02-10", "c1", "online", "east", 100, 50)])
    result = ch.concentration(ch.pnl(con, FEB), ch.declining(con, FEB))
    assert result.hhi == pytest.approx(10_000) and result.band == "concentrated"
    assert result.top_channel == "online" and result.top_share == pytest.approx(1)
    assert result.flags["flag"].tolist() == ["top_share"]


def test_concentration_flags_with_numbers(con):
    result = ch.concentration(ch.pnl(con, FEB), ch.declining(con, FEB))
    shares = [170 / 330, 120 / 330, 40 / 330]
    assert result.hhi == pytest.approx(sum((s * 100) ** 2 for s in shares))
    assert result.band == "concentrated"
    flags = result.flags.set_index("flag")
    assert flags.loc["top_share", "channel"] == "online" and flags.loc["top_share", "value"] == pytest.approx(170 / 330)
    assert flags.loc["negative_contribution", "value"] == pytest.approx(-220)
    assert not result.declining_judged  # four 29-day periods reach back before the first order


@pytest.mark.parametrize(
    ("hhi", "band"),
    [(1499.9, "unconcentrated"), (1500, "moderate"), (2500, "moderate"), (2500.1, "concentrated"), (None, None)],
)
def test_hhi_bands(hhi, band):
    assert ch.hhi_band(hhi) == band


def test_declining_three_periods_in_a_row():
    # 10-day periods ending 2024-02-29: k=3 01-21..01-30, k=2 01-31..02-09, k=1 02-10..02-19, k=0 02-20..02-29
    days = {3: "2024-01-21", 2: "2024-02-01", 1: "2024-02-15", 0: "2024-02-25"}
    lines = [line(f"F{k}", day, "c1", "falling", "east", 100 - 10 * (3 - k) * 2, 10) for k, day in days.items()]
    lines += [line(f"S{k}", day, "c2", "steady", "east", 100, 10) for k, day in days.items()]
    lines.append(line("S9", "2024-02-24", "c2", "steady", "east", 5, 1))  # steady grows in the last step
    con = warehouse_with(lines)
    f = Filters("tiny", D(2024, 2, 20), D(2024, 2, 29))
    result = ch.concentration(ch.pnl(con, f), ch.declining(con, f))
    assert result.declining_judged
    declining = result.flags[result.flags["flag"] == "declining"]
    assert declining["channel"].tolist() == ["falling"]
    assert declining["detail"].iloc[0] == [100, 80, 60, 40] and declining["value"].iloc[0] == pytest.approx(-20)


def test_share_trend_per_month(con):
    trend = ch.share_trend(con, Filters("tiny", D(2024, 1, 1), D(2024, 2, 29)), measure="orders")
    jan = trend[trend["month"] == pd.Timestamp("2024-01-01")].set_index("channel")["share"]
    assert jan.to_dict() == pytest.approx({"online": 0.5, "store": 0.5})
    with pytest.raises(ValueError):
        ch.share_trend(con, FEB, measure="drop table")


def test_waterfall_steps(table):
    wf = ch.waterfall(table.reset_index(), "online")
    assert wf["step"].tolist() == [
        "revenue",
        "cogs",
        "cost_marketing",
        "contribution",
    ]  # store's management type is 0 here: left out
    assert wf["amount"].tolist() == pytest.approx([170, -100, -290, -220])
    assert ch.waterfall(table.reset_index(), "nope").empty


def test_where_to_grow_leaves_out_undefined(table):
    bubbles = ch.where_to_grow(table.reset_index())
    assert bubbles["channel"].tolist() == ["online", "store"]  # popup: growth and contribution undefined
    assert bubbles["y_measure"].iloc[0] == "contribution_rate"


@pytest.fixture(scope="module")
def regions_con():
    lines = [line(f"X{r}", "2024-02-05", f"x{r}", "X", r, 100, 50) for r in ("R1", "R2", "R3")]
    lines += [line("Y1", "2024-02-06", "y1", "Y", "R1", 100, 50), line("W4", "2024-02-06", "w4", "W", "R4", 10, 5)]
    lines.append(line("P1", "2024-02-07", "x1", "Y", "R1", 20, 5))
    return warehouse_with(lines)


def test_blind_spots_channel_gap(regions_con):
    spots = ch.blind_spots(ch.coverage(regions_con, FEB), ch.customer_regions(regions_con, "tiny"))
    # X sells in 3 of 4 regions (≥ half): R4 is its blind spot. Y (1 of 4) and W (1 of 4) are niche.
    assert spots[["rule", "channel", "region", "regions_sold", "regions_total"]].values.tolist() == [
        ["channel_gap", "X", "R4", 3, 4]
    ]


def test_blind_spots_customer_share_rule_only_with_customer_regions(regions_con):
    cur = regions_con.cursor()
    for i, region in enumerate(["R1", "R2", "R3", "R4", "R4", "R4"]):
        cur.execute(
            "INSERT INTO customers (dataset, customer_id, region) VALUES ('tiny', $c, $r)", {"c": f"k{i}", "r": region}
        )
    try:
        spots = ch.blind_spots(ch.coverage(regions_con, FEB), ch.customer_regions(regions_con, "tiny"))
        rule = spots[spots["rule"] == "customer_share"]
        # R4: revenue 10 of 430 (2.3%) vs customers 3 of 6 (50%): under 25% of it
        assert rule["region"].tolist() == ["R4"]
        assert rule["revenue_share"].iloc[0] == pytest.approx(10 / 430)
        assert rule["customer_share"].iloc[0] == pytest.approx(0.5)
        # Under a region filter both shares are of the selected regions: R4 has 3 of R1+R4's 4 customers
        two = Filters("tiny", FEB.start, FEB.end, regions=("R1", "R4"))
        spots = ch.blind_spots(ch.coverage(regions_con, two), ch.customer_regions(regions_con, "tiny"), two.regions)
        rule = spots[spots["rule"] == "customer_share"]
        assert rule["region"].tolist() == ["R4"]
        assert rule["revenue_share"].iloc[0] == pytest.approx(10 / 230)
        assert rule["customer_share"].iloc[0] == pytest.approx(0.75)
    finally:
        cur.execute("DELETE FROM customers WHERE dataset = 'tiny'")


def test_coverage_and_provinces(regions_con):
    cov = ch.coverage(regions_con, FEB).set_index(["channel", "region"])
    assert cov.loc[("Y", "R1"), "revenue"] == pytest.approx(120)
    assert cov.loc[("Y", "R1"), "customers"] == 2 and cov.loc[("X", "R1"), "customers"] == 1  # y1, x1 (P1)
    lean = ch.coverage(regions_con, FEB, customers=False).set_index(["channel", "region"])
    assert lean["customers"].isna().all()
    pd.testing.assert_frame_equal(lean.drop(columns="customers"), cov.drop(columns="customers"))
    assert cov.loc[("Y", "R1"), "share_of_region"] == pytest.approx(120 / 220)
    assert cov.loc[("X", "R1"), "share_of_channel"] == pytest.approx(1 / 3)
    prov = ch.provinces(regions_con, FEB, region="R1")
    assert prov["revenue"].sum() == pytest.approx(220)


def test_overlap_matrix_and_multichannel(con):
    found = ch.overlap(con, FEB)
    matrix = found.matrix.set_index(["channel_a", "channel_b"])
    assert matrix.loc[("online", "store"), "customers"] == 1
    assert matrix.loc[("online", "store"), "revenue"] == pytest.approx(150)  # c1: 120 online + 30 store
    assert matrix.loc[("online", "online"), "customers"] == 2
    summary = found.summary
    assert summary.customers == 1 and summary.revenue == pytest.approx(150)
    assert summary.customer_share == pytest.approx(1 / 4) and summary.revenue_share == pytest.approx(150 / 330)


def test_price_conflicts_threshold():
    con = warehouse_with(
        [
            line("A", "2024-02-01", "c1", "online", "east", 200, product="P1", quantity=2),  # 100 each
            line("B", "2024-02-02", "c2", "store", "east", 120, product="P1"),  # 120: +20%
            line("C", "2024-02-03", "c3", "online", "east", 100, product="P2"),
            line("D", "2024-02-04", "c4", "store", "east", 110, product="P2"),  # +10%
            line("E", "2024-02-05", "c5", "store", "east", 999, product="P3"),  # one channel only
        ]
    )
    found = ch.price_conflicts(con, FEB)
    assert found[["product", "low_channel", "high_channel"]].values.tolist() == [["P1", "online", "store"]]
    assert found["gap"].iloc[0] == pytest.approx(0.2)
    assert ch.price_conflicts(con, FEB, threshold=0.05)["product"].tolist() == ["P1", "P2"]
    assert ch.price_conflicts(con, FEB, threshold=0.25).empty


def test_out_of_territory_needs_the_table(con):
    assert ch.out_of_territory(con, FEB) is None
    cur = con.cursor()
    cur.execute("INSERT INTO channel_territories VALUES ('tiny', 'online', 'east'), ('tiny', 'store', 'west')")
    try:
        found = ch.out_of_territory(con, FEB)
        # online sold in west (D: 50 net), store in east (G: 30); popup has no assignment: not judged
        assert found.set_index("channel")["revenue"].to_dict() == pytest.approx({"online": 50, "store": 30})
    finally:
        cur.execute("DELETE FROM channel_territories")
