"""RFM scores and segments, ABC and value tiers, cohorts and customer KPIs on hand-made tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data import warehouse
from metrics import catalog, clv, cohorts, customers, rfm, tiers
from metrics.filters import Filters
from tests.tiny import line, warehouse_with

JAN = Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def _ten_customers() -> list[dict]:
    """c01..c10: last order on Jan 31 − 3(i − 1), ``freq`` orders on consecutive days back from it,
    each order worth 10·i. Worked out by hand in test_scores_by_hand."""
    freq = [1, 1, 2, 2, 2, 3, 1, 5, 1, 4]
    lines = []
    for i, k in enumerate(freq, start=1):
        last = 31 - 3 * (i - 1)
        for j in range(k):
            lines.append(line(f"o{i:02d}{j}", f"2024-01-{last - j:02d}", f"c{i:02d}", "web", "east", 10.0 * i))
    return lines


def test_scores_by_hand():
    frame = rfm.rfm(warehouse_with(_ten_customers()), JAN).set_index("customer_id")
    assert list(frame.columns) == ["recency_days", "frequency", "monetary", "r", "f", "m", "segment"]
    assert frame["recency_days"].tolist() == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert frame["r"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    # F edges over the orders 1 1 1 1 2 2 2 3 4 5: 1, 1.6, 2, 3.2. Ties share a score: the four
    # one-order customers (40% > 20%) are exactly F1, the three two-order ones all F3; nobody is F2
    assert frame["frequency"].tolist() == [1, 1, 2, 2, 2, 3, 1, 5, 1, 4]
    assert frame["f"].tolist() == [1, 1, 3, 3, 3, 4, 1, 5, 1, 5]
    # M edges 52, 76, 94, 224; c08 and c10 tie at 400 and share 5
    assert frame["monetary"].tolist() == [10, 20, 60, 80, 100, 180, 70, 400, 90, 400]
    assert frame["m"].tolist() == [1, 1, 2, 3, 4, 4, 2, 5, 3, 5]
    # recent first-time buyers are "new"
    assert frame["segment"].tolist() == [
        "new",
        "new",
        "potential_loyalists",
        "potential_loyalists",
        "need_attention",
        "loyal",
        "hibernating",
        "cant_lose",
        "hibernating",
        "cant_lose",
    ]


def _edges_exceeded(values: pd.Series) -> pd.Series:
    """How many of the 20/40/60/80th percentiles (pandas' linear interpolation) each value exceeds."""
    return sum((values > edge).astype(int) for edge in values.quantile([0.2, 0.4, 0.6, 0.8]))


def test_scores_follow_the_quintile_edges_and_qcut_when_edges_are_distinct():
    frame = rfm.rfm(warehouse_with(_ten_customers()), JAN)
    assert frame["f"].tolist() == (1 + _edges_exceeded(frame["frequency"])).tolist()
    assert frame["m"].tolist() == (1 + _edges_exceeded(frame["monetary"])).tolist()
    expected_r = pd.qcut(frame["recency_days"], 5, labels=[5, 4, 3, 2, 1]).astype(int)
    assert frame["r"].tolist() == expected_r.tolist() == (5 - _edges_exceeded(frame["recency_days"])).tolist()


def test_identical_customers_share_every_score():
    lines = [line(f"o{i}", "2024-01-20", f"c{i}", "web", "east", 50.0) for i in range(1, 6)]
    frame = rfm.rfm(warehouse_with(lines), JAN).set_index("customer_id")
    # every edge equals the common value, so nobody exceeds one: R5 F1 M1 for all, whatever the order
    assert frame[["r", "f", "m"]].drop_duplicates().values.tolist() == [[5, 1, 1]]
    assert set(frame["segment"]) == {"new"}


def _orders(customer: str, count: int, recency: int) -> list[dict]:
    """``count`` orders of 10 yuan on consecutive days, the last one ``recency`` days before Jan 31."""
    return [
        line(f"{customer}-{j}", f"2024-01-{31 - recency - j:02d}", customer, "web", "east", 10.0) for j in range(count)
    ]


def test_few_one_order_customers_share_f1_with_two_order_ones():
    """10% bought once: orders 1 2 2 2 3 3 4 4 6 8 give F edges 2, 2.6, 3.4, 4.4, so the one- and
    two-order customers tie in F1, F2 stays empty, and each count keeps one score."""
    counts = [1, 2, 2, 2, 3, 3, 4, 4, 6, 8]
    con = warehouse_with([x for i, k in enumerate(counts) for x in _orders(f"k{i:02d}", k, i)])
    frame = rfm.rfm(con, JAN)
    assert frame["frequency"].tolist() == counts
    assert frame["f"].tolist() == [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]


def test_more_than_a_fifth_bought_once_f1_is_exactly_them():
    """3 of 14 (21%) bought once. F edges over 1 1 1 3 3 3 4 4 5 5 6 7 8 9: 2.2 (interpolated between
    1 and 3), 3.2, 4.8, 6.4, so F1 holds the one-order customers only. R edges over the days 0..13:
    2.6, 5.2, 7.8, 10.4. The one-order customers bought 0, 1 and 4 days before the end: R5 F1 "new"
    twice, R4 F1 "promising" once."""
    plan = [
        (1, 0),
        (1, 1),
        (1, 4),
        (3, 2),
        (3, 3),
        (3, 5),
        (4, 6),
        (4, 7),
        (5, 8),
        (5, 9),
        (6, 10),
        (7, 11),
        (8, 12),
        (9, 13),
    ]
    con = warehouse_with([x for i, (k, days) in enumerate(plan) for x in _orders(f"k{i:02d}", k, days)])
    frame = rfm.rfm(con, JAN)
    assert frame["frequency"].tolist() == [k for k, _ in plan]
    assert frame["f"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5]
    assert frame["r"].tolist() == [5, 5, 4, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1]
    assert frame["segment"].tolist() == [
        "new",
        "new",
        "promising",
        "potential_loyalists",
        "potential_loyalists",
        "potential_loyalists",
        "need_attention",
        "need_attention",
        "at_risk",
        "at_risk",
        "at_risk",
        "cant_lose",
        "cant_lose",
        "cant_lose",
    ]
    simple = rfm.rfm(con, JAN, scheme="simple")["segment"]
    assert simple.tolist()[:3] == ["active_new"] * 3 and simple.tolist()[-1] == "at_risk"


def test_single_customer_and_empty_period():
    con = warehouse_with([line("o1", "2024-01-03", "solo", "web", "east", 9.0)])
    frame = rfm.rfm(con, JAN)
    assert frame[["r", "f", "m", "segment"]].values.tolist() == [[5, 1, 1, "new"]]
    empty = rfm.rfm(con, Filters("tiny", dt.date(2024, 3, 1), dt.date(2024, 3, 31)))
    assert empty.empty and list(empty.columns) == rfm.RFM_COLUMNS


def test_frequency_counts_an_order_split_over_channels_once():
    # o1's two lines disagree on the channel: two order_first lines, still one order (METRICS.md)
    lines = [
        line("o1", "2024-01-10", "c1", "web", "east", 10.0),
        line("o1", "2024-01-10", "c1", "store", "east", 5.0, line_no=2),
        line("o2", "2024-01-12", "c1", "web", "east", 20.0),
        line("o3", "2024-01-11", "c2", "web", "east", 7.0),
    ]
    con = warehouse_with(lines)
    frame = rfm.rfm(con, JAN).set_index("customer_id")
    assert frame["frequency"].to_dict() == {"c1": 2, "c2": 1}
    assert frame["monetary"].to_dict() == {"c1": 35.0, "c2": 7.0}
    store = rfm.rfm(con, Filters("tiny", JAN.start, JAN.end, channels=("store",)))
    assert store[["customer_id", "frequency", "monetary"]].values.tolist() == [["c1", 1, 5.0]]
    cards = {c.key: c for c in customers.kpis(con, JAN)}
    assert cards["orders_per_customer"].value == 1.5  # (2 + 1) orders over 2 customers


def test_equal_revenues_tie_exactly_in_m():
    # a's 0.1 + 0.2 is 0.30000000000000004 as a float sum, above the M edge 0.3 that b and c sit on
    lines = [
        line("a1", "2024-01-10", "a", "web", "east", 0.1),
        line("a2", "2024-01-11", "a", "web", "east", 0.2),
        line("b1", "2024-01-10", "b", "web", "east", 0.3),
        line("c1", "2024-01-10", "c", "web", "east", 0.3),
        line("d1", "2024-01-10", "d", "web", "east", 0.1),
        line("e1", "2024-01-10", "e", "web", "east", 0.5),
    ]
    frame = rfm.rfm(warehouse_with(lines), JAN).set_index("customer_id")
    assert frame.loc["a", "monetary"] == 0.3
    assert frame["m"].to_dict() == {"a": 2, "b": 2, "c": 2, "d": 1, "e": 5}


def test_schemes_cover_every_cell_once_and_bad_ones_fail():
    for name, cells in rfm.schemes().items():
        assert len(cells) == 25 and all(cells), name
    assert rfm.segment_order("default")[0] == "champions" and len(rfm.segment_order("default")) == 10
    with pytest.raises(ValueError, match="mapped twice"):
        rfm.parse_schemes(
            {"bad": [{"segment": "a", "r": [1, 5], "f": [1, 5]}, {"segment": "b", "r": [1, 1], "f": [1, 1]}]}
        )
    with pytest.raises(ValueError, match="no segment"):
        rfm.parse_schemes({"bad": [{"segment": "a", "r": [1, 5], "f": [1, 4]}]})


def test_switching_scheme_changes_segments():
    con = warehouse_with(_ten_customers())
    simple = rfm.rfm(con, JAN, scheme="simple").set_index("customer_id")["segment"]
    assert simple["c08"] == "at_risk" and simple["c03"] == "active_new" and simple["c06"] == "cooling"
    assert simple[["c01", "c02"]].tolist() == ["active_new"] * 2
    sizes = rfm.segments(rfm.rfm(con, JAN, scheme="simple"), scheme="simple")
    assert sizes["segment"].tolist() == rfm.segment_order("simple")
    assert sizes["customers"].sum() == 10 and sizes["share"].sum() == pytest.approx(1.0)


def test_segment_sizes_revenue_and_members():
    con = warehouse_with(_ten_customers())
    scores = rfm.rfm(con, JAN)
    sizes = rfm.segments(scores).set_index("segment")
    assert sizes.loc["cant_lose", "customers"] == 2 and sizes.loc["cant_lose", "revenue"] == 800
    assert sizes.loc["champions", "customers"] == 0 and sizes.loc["champions", "revenue"] == 0
    assert sizes["revenue_share"].sum() == pytest.approx(1.0)
    members = rfm.members(scores, segment="potential_loyalists")
    assert members["customer_id"].tolist() == ["c04", "c03"]
    assert list(members.columns) == rfm.RFM_COLUMNS
    assert rfm.members(scores, segment="new")["customer_id"].tolist() == ["c02", "c01"]
    # the acquisition column some callers ask for stays out of the download
    assert (
        list(rfm.members(rfm.rfm(con, JAN, acquisition=True), segment="potential_loyalists").columns) == rfm.RFM_COLUMNS
    )


def test_segment_by_acquisition_channel_prefers_the_customers_table():
    lines = _ten_customers()
    lines[0] = {**lines[0], "channel": "store"}  # c01's only order is in the store
    con = warehouse_with(lines)
    out = rfm.segment_channels(rfm.rfm(con, JAN, acquisition=True))
    new = out[out["segment"] == "new"].set_index("acquisition_channel")["customers"]  # c01 and c02
    assert new.to_dict() == {"store": 1, "web": 1}
    con.cursor().execute(
        "INSERT INTO customers (dataset, customer_id, acquisition_channel, region, first_order_date, satisfaction, churn_reason) VALUES ('tiny', 'c01', 'partner', NULL, NULL, NULL, NULL)"
    )
    out = rfm.segment_channels(rfm.rfm(con, JAN, acquisition=True))
    assert set(out.loc[out["segment"] == "new", "acquisition_channel"]) == {"web", "partner"}


def test_migration_from_prior_period():
    lines = _ten_customers() + [
        line("d1", "2023-12-20", "c01", "web", "east", 5.0),
        line("d2", "2023-12-21", "gone", "web", "east", 5.0),
    ]
    con = warehouse_with(lines)
    moves = rfm.migration(rfm.rfm(con, JAN, keys=True), rfm.key_segments(con, JAN.prior))
    assert rfm.key_segments(con, JAN).equals(rfm.rfm(con, JAN, keys=True)[["customer_key", "segment"]])
    as_dict = {(a, b): n for a, b, n in moves.itertuples(index=False)}
    # December: one order each (F1); gone (10 days) R5, c01 (11 days) R1
    assert as_dict[("hibernating", "new")] == 1  # c01
    assert as_dict[("new", rfm.NO_ORDERS)] == 1  # "gone" bought in December only
    assert as_dict[(rfm.NO_ORDERS, "cant_lose")] == 2 and as_dict[(rfm.NO_ORDERS, "new")] == 1  # c02
    assert moves["customers"].sum() == 11


def test_abc_tiers():
    frame = pd.DataFrame({"customer_id": list("abcdef"), "revenue": [50.0, 30, 10, 5, 5, 0]})
    out = tiers.abc_frame(frame).set_index("customer_id")
    assert out["tier"].to_dict() == {"a": "A", "b": "B", "c": "B", "d": "C", "e": "C", "f": "C"}
    whale = tiers.abc_frame(pd.DataFrame({"customer_id": ["w", "x"], "revenue": [80.0, 20.0]}))
    assert whale["tier"].tolist() == ["A", "C"]
    summary = tiers.abc_summary(out.reset_index())
    assert summary["customers"].tolist() == [1, 2, 3] and summary["revenue_share"].tolist() == [0.5, 0.4, 0.1]


def test_value_tiers_split_above_the_80th_percentile():
    ids = [f"k{i}" for i in range(10)]
    result = clv.ClvResult(
        dt.date(2024, 1, 31),
        True,
        None,
        None,
        None,
        None,
        pd.DataFrame({"customer_id": ids, "clv_12m": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
    )
    current = pd.DataFrame(
        {"customer_id": ids[:9], "revenue_12m": [10.0, 9, 8, 7, 6, 5, 4, 3, 2], "gross_profit_12m": np.nan}
    )
    out = tiers.value_tiers(result, current, has_cost=False).set_index("customer_id")["tier"]
    # potential: 80th pct 8.2 → k8, k9 high; current (k9 → 0): 80th pct 8.2 → k0, k1 high
    assert out[["k0", "k1"]].tolist() == ["churn_risk_high"] * 2
    assert out[["k8", "k9"]].tolist() == ["growth_potential"] * 2
    assert (out.drop(["k0", "k1", "k8", "k9"]) == "general").all()
    summary = tiers.value_tier_summary(out.reset_index().assign(current_value=0.0, potential_value=0.0))
    assert summary["tier"].tolist() == list(tiers.VALUE_TIERS) and summary["customers"].sum() == 10


def _cohort_lines() -> list[dict]:
    return [
        line("a1", "2024-01-05", "a", "web", "east", 10),
        line("a2", "2024-03-02", "a", "store", "east", 10),
        line("b1", "2024-01-20", "b", "store", "east", 10),
        line("b2", "2024-02-11", "b", "store", "east", 10),
        line("c1", "2024-02-10", "c", "web", "east", 10),
        line("c2", "2024-02-12", "c", "web", "east", 10),
        line("c3", "2024-04-30", "c", "web", "east", 10),
    ]


def test_cohort_retention_by_hand():
    f = Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 4, 30))
    cells = cohorts.retention(warehouse_with(_cohort_lines()), f)
    matrix = cohorts.retention_matrix(cells)
    assert matrix.loc[pd.Timestamp("2024-01-01")].tolist() == [1.0, 0.5, 0.5, 0.0]
    assert matrix.loc[pd.Timestamp("2024-02-01")].iloc[:3].tolist() == [1.0, 0.0, 1.0]
    assert np.isnan(matrix.loc[pd.Timestamp("2024-02-01"), 3])  # April is k = 2 for February's cohort
    curve = cohorts.retention_curve(cells).set_index("k")
    assert curve["retention"].round(4).tolist() == [1.0, 0.3333, 0.6667, 0.0]
    assert curve["cohorts"].tolist() == [2, 2, 2, 1]


def test_cohorts_slice_by_acquisition_channel_and_filter_orders():
    f = Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 4, 30))
    con = warehouse_with(_cohort_lines())
    web = cohorts.retention(con, f, acq_channels=("web",))
    assert web.groupby("cohort")["cohort_size"].first().tolist() == [1, 1]  # a (Jan) and c (Feb)
    store_orders = cohorts.retention(con, Filters("tiny", f.start, f.end, channels=("store",)))
    jan = store_orders[store_orders["cohort"] == pd.Timestamp("2024-01-01")]
    assert jan["active"].tolist() == [1, 1, 1, 0]  # a's January order was on the web
    late = cohorts.retention(con, Filters("tiny", dt.date(2024, 5, 1), dt.date(2024, 5, 31)))
    assert late.empty and cohorts.retention_matrix(late).empty


def _keys_out_of_id_order(con) -> int:
    return (
        con.cursor()
        .execute(
            "SELECT count(*) FROM (SELECT dense_rank() OVER (PARTITION BY dataset ORDER BY customer_id) AS by_id, "
            "dense_rank() OVER (PARTITION BY dataset ORDER BY customer_key) AS by_key FROM customer_firsts) "
            "WHERE by_id <> by_key"
        )
        .fetchall()[0][0]
    )


def test_customer_keys_follow_customer_id_order(demo_db):
    """cust_rfm.sql returns rows by customer_key as the id order: true for uploads (keys derived by
    dense_rank over ids, here with ids unsorted, of unequal length and unicode) and for the demo."""
    ids = ["c10", "c9", "Z", "a", "客户2", "c1", "b77"]
    con = warehouse_with([line(f"o{i}", "2024-01-05", c, "web", "east", 10) for i, c in enumerate(ids)])
    assert _keys_out_of_id_order(con) == 0 and _keys_out_of_id_order(warehouse.connect(str(demo_db))) == 0
    assert rfm.rfm(con, JAN)["customer_id"].tolist() == sorted(ids)


def test_acquisition_channels_most_customers_first_ties_by_first_customer_id():
    # b, d on the web; a, c in the store: a tie broken by the first customer id (a → store first)
    lines = [
        line(f"o{c}", "2024-01-05", c, ch, "east", 10)
        for c, ch in (("b", "web"), ("d", "web"), ("a", "store"), ("c", "store"), ("e", "app"))
    ]
    con = warehouse_with(lines)
    assert customers.acquisition_channels(con, "tiny") == ["store", "web", "app"]
    expected = cohorts.acquisition(con, "tiny")["acquisition_channel"].value_counts().index.tolist()
    assert customers.acquisition_channels(con, "tiny") == expected
    # the customers table overrides the first order's channel: e moves to the web, which now leads
    con.cursor().execute(
        "INSERT INTO customers (dataset, customer_id, acquisition_channel, region, first_order_date, satisfaction, churn_reason) VALUES ('tiny', 'e', 'web', NULL, NULL, NULL, NULL)"
    )
    assert customers.acquisition_channels(con, "tiny") == ["web", "store"]


def test_customer_kpis_new_and_returning():
    lines = [
        line("p1", "2023-12-15", "a", "web", "east", 100),
        line("a1", "2024-01-03", "a", "web", "east", 40),
        line("a2", "2024-01-09", "a", "web", "east", 60),
        line("b1", "2024-01-20", "b", "web", "east", 50),
        line("anon", "2024-01-21", None, "store", "east", 30),
    ]
    cards = {c.key: c for c in customers.kpis(warehouse_with(lines), JAN)}
    assert (cards["active_customers"].value, cards["new_customers"].value, cards["returning_customers"].value) == (
        2,
        1,
        1,
    )
    assert (cards["new_customers"].prior, cards["returning_customers"].prior) == (1, 0)
    assert cards["orders_per_customer"].value == 1.5 and cards["revenue_per_customer"].value == 75
    assert cards["aov"].value == pytest.approx(180 / 4)  # AOV counts the anonymous order too
    assert cards["repeat_rate"].value == 0.5 and catalog.get("orders_per_customer").format == "decimal"
    assert cards["churn_rate"].value == 0.0  # a was active at the start and still is
    assert cards["new_customers"].delta == 0.0


def test_no_customer_ids_gives_empty_results_not_errors():
    con = warehouse_with([line(f"o{i}", "2024-01-10", None, "web", "east", 10) for i in range(5)])
    assert rfm.rfm(con, JAN).empty
    cards = {c.key: c for c in customers.kpis(con, JAN)}
    assert cards["active_customers"].value == 0 and cards["orders_per_customer"].value is None
    result = clv.customer_value(con, "tiny", as_of=JAN.end)
    assert not result.ok and result.reason == "clv_thin_customers"
