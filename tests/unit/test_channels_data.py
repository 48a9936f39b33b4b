"""Channel metrics on real files (known answers from ../shared/data/README.md) and on the demo's planted truths.

The real files are loaded through ``data.ingest.ingest`` (the app's own loader), with the
analysed column mapped as the channel.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import demo, warehouse
from data.ingest import ingest
from metrics import channels as ch
from metrics.filters import Filters
from tests.shared_data import shared_file

SUPERSTORE = {
    "Segment": {"Consumer": (50.56, 11.55), "Corporate": (30.74, 13.03), "Home Office": (18.70, 14.03)},
    "Ship Mode": {
        "Standard Class": (59.12, 12.08),
        "Second Class": (19.99, 12.51),
        "First Class": (15.30, 13.93),
        "Same Day": (5.59, 12.38),
    },
    "Region": {"West": (31.58, 14.94), "East": (29.55, 13.48), "Central": (21.82, 7.92), "South": (17.05, 11.93)},
}
CN_2020 = {
    "天猫": (34.48, 69.94),
    "拼多多": (21.09, 70.07),
    "京东": (19.35, 70.75),
    "实体": (13.06, 70.68),
    "抖音": (12.03, 69.91),
}


def whole_range(con, name: str) -> Filters:
    avail = ch.availability(con, name)
    return Filters(name, avail.first_date, avail.last_date)


def assert_shares_and_margins(table, expected: dict[str, tuple[float, float]]) -> None:
    got = table.set_index("channel")
    assert sorted(got.index) == sorted(expected)
    for channel, (share_pct, margin_pct) in expected.items():
        assert got.loc[channel, "share"] * 100 == pytest.approx(share_pct, abs=0.005), channel
        assert got.loc[channel, "margin"] * 100 == pytest.approx(margin_pct, abs=0.005), channel


@pytest.mark.shared_data
@pytest.mark.parametrize("column", list(SUPERSTORE))
def test_superstore_with_a_column_as_channel(column):
    path = shared_file("superstore", "Sample - Superstore.csv")
    con = warehouse.connect(":memory:")
    report = ingest(con, path, "superstore", mapping={"channel": column})
    assert report.loaded, report.errors
    f = whole_range(con, "superstore")
    table = ch.pnl(con, f)
    assert table["revenue"].sum() == pytest.approx(2_297_200.86, abs=0.01)
    assert table["gross_profit"].sum() == pytest.approx(286_397.02, abs=0.01)
    assert_shares_and_margins(table, SUPERSTORE[column])
    assert table["channel_cost"].isna().all()  # no channel cost file: contribution undefined, not 0
    assert table["growth"].isna().all()  # the whole range has no prior period in the data


@pytest.mark.shared_data
def test_cn_sales_2020_shares_and_margins():
    path = shared_file("cn_sales_channels_2020", "2020年销售数据.xlsx")
    con = warehouse.connect(":memory:")
    report = ingest(con, path, "cn2020", sheet="data")
    assert report.loaded, report.errors
    table = ch.pnl(con, whole_range(con, "cn2020"))
    assert table["revenue"].sum() == pytest.approx(39_772_087, abs=1)
    assert table["cogs"].sum() == pytest.approx(11_845_372, abs=1)
    assert_shares_and_margins(table, CN_2020)
    assert table["customers"].isna().all()  # no customer id in the file
    assert not ch.availability(con, "cn2020").has_customer


@pytest.fixture(scope="module")
def demo_con(demo_db):
    con = warehouse.connect(demo_db)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_all(demo_con):
    return Filters("demo", dt.date(2023, 1, 1), dt.date(2025, 12, 31))


def test_demo_blind_spots_are_the_planted_ones(demo_con, demo_all):
    truths = demo.truths(demo_con, "demo")
    spots = ch.blind_spots(ch.coverage(demo_con, demo_all), ch.customer_regions(demo_con, "demo"), demo_all.regions)
    found = spots.loc[spots["rule"] == "channel_gap", ["channel", "region"]].values.tolist()
    assert sorted(found) == sorted(truths["blind_spots"])


def test_demo_price_conflicts_are_the_planted_products(demo_con, demo_all):
    truths = demo.truths(demo_con, "demo")
    found = ch.price_conflicts(demo_con, demo_all)
    assert sorted(found["product"]) == sorted(truths["price_conflict_products"])
    assert set(found["low_channel"]) == {"直播带货"}


def test_demo_multichannel_overlap(demo_con, demo_all):
    truths = demo.truths(demo_con, "demo")
    found = ch.overlap(demo_con, demo_all)
    assert found.summary.customers == truths["multichannel_customers"]
    matrix = found.matrix
    off_diagonal = matrix[matrix["channel_a"] != matrix["channel_b"]]
    assert (off_diagonal["customers"] > 0).all() and len(off_diagonal) > 0


def test_demo_margin_order(demo_con, demo_all):
    """The planted margins are before refunds and ours after, so channels closer than 2 points may swap."""
    planted = demo.truths(demo_con, "demo")["channel_gross_margin"]
    margin = ch.pnl(demo_con, demo_all).set_index("channel")["margin"]
    pairs = [(a, b) for a in planted for b in planted if planted[a] > planted[b] + 0.02]
    assert pairs
    for a, b in pairs:
        assert margin[a] > margin[b], (a, b)


def test_demo_costs_allocated_match_the_table(demo_con, demo_all):
    total = demo_con.cursor().execute("SELECT sum(amount) FROM channel_costs WHERE dataset = 'demo'").fetchall()[0][0]
    assert ch.pnl(demo_con, demo_all)["channel_cost"].sum() == pytest.approx(total)
