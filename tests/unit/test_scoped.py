"""A user limited to some regions or channels gets every dataset-wide analysis computed on their rows
(issue 17, data.scoped): the forecast's history, the customer-value inputs, the budget model's weekly
sales and spend, the CRM holdout groups. Each is checked against pandas over the raw lines, read on
an ordinary cursor of the same reader, which must keep seeing every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data import access
from data.access import Principal, Scope
from data.snapshots import Warehouse
from metrics import clv, forecast
from metrics.budget import holdout
from metrics.budget.model import budget_model
from metrics.db import query


def who(**scope: tuple[str, ...]) -> Principal:
    return Principal("scoped@example.com", "viewer", Scope(**scope), "scoped", "file")


@pytest.fixture(scope="module")
def reader(demo_db: Path):
    return Warehouse.open(demo_db).reader()


@pytest.fixture(scope="module")
def lines(reader) -> pd.DataFrame:
    frame = reader.cursor().execute("SELECT * FROM order_lines WHERE dataset = 'demo'").df()
    frame["net"] = frame["revenue"] - frame["refund"].fillna(0)
    return frame


@pytest.fixture(scope="module")
def region(lines) -> str:
    shares = lines.groupby("region")["net"].sum().sort_values()
    return str(shares.index[len(shares) // 2])  # a middling region: neither empty nor nearly everything


def test_the_forecast_history_of_a_scoped_user_is_their_regions_revenue(reader, lines, region):
    with access.acting_as(who(regions=(region,))):
        mine, last = forecast.monthly_history(reader, "demo")
    whole, whole_last = forecast.monthly_history(reader, "demo")
    assert last == whole_last
    ours = lines[lines["region"] == region].copy()
    ours["month"] = ours["order_date"].dt.to_period("M").dt.to_timestamp()
    expected = ours.groupby(["month", "channel"])["net"].sum()
    got = mine.set_index(["month", "channel"])["revenue"]
    got = got[got != 0]  # months inside a channel's span without sales are filled with 0
    pd.testing.assert_series_equal(
        got.sort_index(), expected.reindex(got.index).sort_index(), check_names=False, rtol=1e-9
    )
    assert mine["revenue"].sum() < 0.8 * whole["revenue"].sum()


def test_the_customer_value_inputs_of_a_scoped_user_are_their_regions_purchases(reader, lines, region):
    cal_end = lines["order_date"].max().date() - dt.timedelta(days=90)
    with access.acting_as(who(regions=(region,))):
        mine = clv.summary(reader, "demo", cal_end=cal_end).set_index("customer_id")
    ours = lines[(lines["region"] == region) & lines["customer_id"].notna()]
    ours = ours[ours["order_date"].dt.date <= cal_end]
    days = ours.groupby("customer_id")["order_date"].nunique()
    assert set(mine.index) == set(days.index)
    assert (mine["x"] == days.reindex(mine.index) - 1).all()  # repeat purchase days inside the region
    assert len(mine) < len(clv.summary(reader, "demo", cal_end=cal_end))


def test_the_budget_model_of_a_scoped_user_is_fitted_on_their_channel(reader, lines):
    channel = str(lines.groupby("channel")["net"].sum().idxmax())
    with access.acting_as(who(channels=(channel,))):
        mine = budget_model(reader, "demo")
        spend = query(
            reader, "budget_channel_weekly", dataset="demo", first=dt.date(1900, 1, 1), last=dt.date(2100, 1, 1)
        )
        tests = query(reader, "budget_experiments", dataset="demo")
    whole = budget_model(reader, "demo")
    assert {lv.name for lv in mine.levers if lv.kind == "channel"} == {channel}
    assert {lv.name for lv in whole.levers if lv.kind == "channel"} > {channel}
    assert set(spend["channel"]) == {channel}
    ours = lines[lines["channel"] == channel]
    assert spend["revenue"].sum() == pytest.approx(ours["net"].sum(), rel=1e-9)
    channels = set(lines["channel"])
    assert not (set(tests["lever"]) & channels) - {channel}  # no lift test of another channel


def test_the_holdout_groups_of_a_scoped_user_are_the_customers_won_in_their_regions(reader, region):
    cur = reader.cursor()
    firsts = cur.execute("SELECT customer_id, first_region FROM customer_firsts WHERE dataset = 'demo'").df()
    contacts = cur.execute("SELECT customer_id FROM crm_contacts WHERE dataset = 'demo'").df()
    won = set(firsts.loc[firsts["first_region"] == region, "customer_id"])
    with access.acting_as(who(regions=(region,))):
        mine = holdout.campaigns(reader, "demo")
        uplift = holdout.table(reader, "demo")
    expected = contacts[contacts["customer_id"].isin(won)]
    assert 0 < len(expected) < len(contacts)
    assert int((mine["contacted"] + mine["control"]).sum()) == len(expected)
    assert not uplift.empty


def test_a_scoped_cursor_leaves_the_other_cursors_whole(reader, lines, region):
    from data.scoped import scoped_cursor

    mine = scoped_cursor(reader, (), (region,))
    other = reader.cursor()
    count = "SELECT count(*) FROM order_lines WHERE dataset = 'demo'"
    assert mine.execute(count).fetchall()[0][0] == int((lines["region"] == region).sum())
    assert other.execute(count).fetchall()[0][0] == len(lines)
    customers = "SELECT count(DISTINCT customer_id) FROM customers WHERE dataset = 'demo'"
    assert mine.execute(customers).fetchall()[0][0] == lines.loc[lines["region"] == region, "customer_id"].nunique()
    assert mine.execute(customers).fetchall()[0][0] < other.execute(customers).fetchall()[0][0]


def test_national_spend_and_costs_are_prorated_to_a_region_by_its_revenue_share(reader, lines, region):
    cur = reader.cursor()
    spend = cur.execute("SELECT week, channel, amount FROM marketing_weekly WHERE dataset = 'demo'").df()
    costs = cur.execute("SELECT month, channel, amount FROM channel_costs WHERE dataset = 'demo'").df()
    crm = cur.execute("SELECT programme, amount FROM crm_spend WHERE dataset = 'demo'").df()
    assert not spend.empty and not costs.empty and not crm.empty
    with access.acting_as(who(regions=(region,))):
        weekly = query(
            reader, "budget_channel_weekly", dataset="demo", first=dt.date(1900, 1, 1), last=dt.date(2100, 1, 1)
        )
        crm_mine = query(reader, "budget_crm_monthly", dataset="demo")
    sales = lines.assign(week=lines["order_date"].dt.to_period("W-SUN").dt.start_time, mine=lines["region"] == region)
    by_week = sales.groupby(["week", "channel"]).apply(
        lambda g: g.loc[g["mine"], "net"].sum() / g["net"].sum(), include_groups=False
    )
    share = by_week.clip(0, 1).reindex(
        pd.MultiIndex.from_frame(spend[["week", "channel"]].astype({"week": "datetime64[ns]"}))
    )
    assert share.notna().all()  # the demo sells in every week it spends
    expected = (spend["amount"].to_numpy() * share.to_numpy()).sum()
    assert weekly["spend"].sum() == pytest.approx(expected, rel=1e-9)
    assert 0 < weekly["spend"].sum() < 0.8 * spend["amount"].sum()
    from data.scoped import scoped_cursor

    costs_mine = (
        scoped_cursor(reader, (), (region,))
        .execute("SELECT sum(amount) FROM channel_costs WHERE dataset = 'demo'")
        .fetchall()[0][0]
    )
    by_month = (
        sales.assign(month=lines["order_date"].dt.to_period("M").dt.start_time)
        .groupby(["month", "channel"])
        .apply(lambda g: g.loc[g["mine"], "net"].sum() / g["net"].sum(), include_groups=False)
        .clip(0, 1)
    )
    month_share = by_month.reindex(pd.MultiIndex.from_frame(costs[["month", "channel"]])).fillna(0)
    assert costs_mine == pytest.approx((costs["amount"].to_numpy() * month_share.to_numpy()).sum(), rel=1e-9)
    firsts = cur.execute(
        "SELECT c.programme, f.first_region FROM crm_contacts c JOIN customer_firsts f USING (dataset, customer_id) "
        "WHERE c.dataset = 'demo'"
    ).df()
    won = firsts.assign(mine=firsts["first_region"] == region).groupby("programme")["mine"].mean()
    expected_crm = (crm["amount"] * crm["programme"].map(won)).sum()
    assert crm_mine["amount"].sum() == pytest.approx(expected_crm, rel=1e-9)


def test_a_channel_scope_keeps_its_channels_spend_whole(reader, lines):
    channel = str(lines["channel"].iloc[0])
    national = (
        reader.cursor()
        .execute("SELECT sum(amount) FROM marketing_weekly WHERE dataset = 'demo' AND channel = $c", {"c": channel})
        .fetchall()[0][0]
    )
    with access.acting_as(who(channels=(channel,))):
        weekly = query(
            reader, "budget_channel_weekly", dataset="demo", first=dt.date(1900, 1, 1), last=dt.date(2100, 1, 1)
        )
    assert weekly["spend"].sum() == pytest.approx(national, rel=1e-12)


def test_a_scoped_users_channel_pnl_equals_the_region_filters(reader, lines, region):
    """Costs and spend are prorated for a region scope by the rule a region filter uses, so a region
    manager and head office filtering on that region read the same P&L, channel costs included."""
    from metrics import channels
    from metrics.filters import Filters

    end = lines["order_date"].max().date()
    period = (end - dt.timedelta(days=400), end)  # some fourteen months, partial months at both ends
    head_office = channels.pnl(reader, Filters("demo", *period, regions=(region,)))
    with access.acting_as(who(regions=(region,))):
        mine = channels.pnl(reader, Filters("demo", *period))
    assert head_office["channel_cost"].sum() > 0
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), head_office.reset_index(drop=True), rtol=1e-9)


def test_scoped_cursors_are_reused_per_reader_and_scope_and_never_shared_between_scopes(reader, lines, region):
    from concurrent.futures import ThreadPoolExecutor

    from data.scoped import scoped

    count = "SELECT count(*) FROM order_lines WHERE dataset = 'demo'"
    with scoped(reader, (), (region,)) as first:
        pass
    with scoped(reader, (), (region,)) as again:
        assert again is first  # given back after the query, taken for the next one
    other = str(lines.loc[lines["region"] != region, "region"].iloc[0])

    def read(chosen: str) -> int:
        with scoped(reader, (), (chosen,)) as cur:
            return cur.execute(count).fetchall()[0][0]

    with ThreadPoolExecutor(4) as pool:  # many queries at once: each on its own cursor of its own scope
        got = list(pool.map(read, [region, other] * 20))
    expected = {r: int((lines["region"] == r).sum()) for r in (region, other)}
    assert got == [expected[region], expected[other]] * 20
