"""The demo generator: determinism, shape, and SQL on its rows recovering what it planted."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import duckdb
import numpy as np
import pytest
from scipy.optimize import curve_fit

from data import demo, registry, warehouse

ORDERS = 60_000
SMALL = 20_000
CHANNELS = ["经销商", "电商平台", "直营门店", "直播带货", "B2B直销", "合作伙伴"]
REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = warehouse.connect(":memory:")
    demo.build_demo(connection, orders=ORDERS, seed=2, name="demo")
    demo.build_demo(connection, orders=SMALL, seed=7, name="a")
    demo.build_demo(connection, orders=SMALL, seed=7, name="b")
    demo.build_demo(connection, orders=SMALL, seed=8, name="c")
    return connection


@pytest.fixture(scope="module")
def truth(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return demo.truths(con, "demo")


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> list[tuple]:
    return con.cursor().execute(sql, {"n": "demo", **params}).fetchall()


def fingerprint(con: duckdb.DuckDBPyConnection, name: str) -> tuple:
    """Counts, revenue and an order-independent hash of every table's rows of dataset ``name``."""
    cur = con.cursor()
    lines = cur.execute(
        "SELECT count(*), round(sum(revenue), 2), "
        "sum(hash(order_id, line, order_date, customer_id, channel, region, province, product, "
        "quantity, unit_price, revenue, cost, discount, refund)::HUGEINT) FROM order_lines WHERE dataset = $n",
        {"n": name},
    ).fetchall()[0]
    others = tuple(
        cur.execute(f"SELECT count(*), sum(hash(COLUMNS(* EXCLUDE (dataset)))::HUGEINT) FROM {table} "  # noqa: S608
                    "WHERE dataset = $n", {"n": name}).fetchall()[0]
        for table in ("customers", "channel_costs", "crm_spend")
    )
    return lines + others


def test_same_seed_same_rows_other_seed_other_rows(con):
    assert fingerprint(con, "a") == fingerprint(con, "b")
    assert fingerprint(con, "a") != fingerprint(con, "c")
    assert demo.truths(con, "a") == demo.truths(con, "b")


def test_rebuild_replaces_the_dataset_and_bumps_its_version():
    connection = warehouse.connect(":memory:")
    first = demo.build_demo(connection, orders=5_000, seed=1, name="x")
    demo.build_demo(connection, orders=5_000, seed=1, name="x")
    counts = connection.execute(
        "SELECT (SELECT count(*) FROM order_lines WHERE dataset = 'x'), "
        "(SELECT count(*) FROM dataset_truths WHERE dataset = 'x'), "
        "(SELECT count(*) FROM dataset_truths WHERE dataset = 'x' AND key = 'seed')"
    ).fetchall()[0]
    assert counts[0] == first["order_lines"]
    assert counts[2] == 1
    assert registry.get_dataset(connection, "x").version == 2


def test_failed_write_rolls_back_and_keeps_the_previous_dataset(monkeypatch):
    connection = warehouse.connect(":memory:")
    before = demo.build_demo(connection, orders=5_000, seed=1, name="x")

    def broken(*args, **kwargs):
        raise RuntimeError("registry down")

    monkeypatch.setattr(demo.registry, "refresh", broken)
    with pytest.raises(RuntimeError):
        demo.build_demo(connection, orders=8_000, seed=2, name="x")
    assert connection.execute("SELECT count(*) FROM order_lines WHERE dataset = 'x'").fetchone()[0] == \
        before["order_lines"]
    assert demo.truths(connection, "x")["seed"] == 1


def test_summary_and_row_count_within_five_percent(con, truth):
    summary = demo.build_demo(con, orders=SMALL, seed=7, name="b")
    assert set(summary) == {"name", "order_lines", "orders", "customers", "seconds", "seed"}
    assert abs(summary["order_lines"] - SMALL) <= 0.05 * SMALL
    count, orders, customers = rows(con, "SELECT count(*), count(DISTINCT order_id), count(DISTINCT customer_id) "
                                         "FROM order_lines WHERE dataset = $n")[0]
    assert abs(count - ORDERS) <= 0.05 * ORDERS
    assert (count, orders, customers) == (truth["order_lines"], truth["orders"], truth["customers"])
    dataset = registry.get_dataset(con, "demo")
    assert (dataset.order_lines, dataset.kind, dataset.source) == (count, "demo", "demo")


def test_dates_channels_regions_and_values(con, truth):
    first, last, negative, over_refund = rows(
        con, "SELECT min(order_date), max(order_date), count(*) FILTER (revenue < 0 OR cost < 0 OR discount < 0 "
             "OR refund < 0 OR quantity <= 0), count(*) FILTER (refund > revenue + 1e-9) "
             "FROM order_lines WHERE dataset = $n")[0]
    assert dt.date(2023, 1, 1) <= first and last <= dt.date(2025, 12, 31)
    assert [first.isoformat(), last.isoformat()] == truth["date_range"]
    assert negative == 0 and over_refund == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT channel FROM order_lines WHERE dataset = $n")} == set(CHANNELS)
    assert {r[0] for r in rows(con, "SELECT DISTINCT region FROM order_lines WHERE dataset = $n")} == set(REGIONS)
    # revenue = quantity × unit price to the cent
    assert rows(con, "SELECT max(abs(revenue - round(quantity * unit_price, 2))) FROM order_lines "
                     "WHERE dataset = $n")[0][0] < 0.006


def test_anonymous_lines_are_walk_in_store_orders_only(con, truth):
    anonymous_channels = rows(con, "SELECT DISTINCT channel FROM order_lines WHERE dataset = $n "
                                   "AND customer_id IS NULL")
    assert anonymous_channels == [("直营门店",)]
    share = rows(con, "SELECT count(DISTINCT order_id) FILTER (customer_id IS NULL) / count(DISTINCT order_id) "
                      "FROM order_lines WHERE dataset = $n AND channel = '直营门店'")[0][0]
    assert share == pytest.approx(truth["anonymous_order_share"], rel=1e-9)
    assert 0.2 <= share <= 0.3


def test_customers_table_matches_the_orders(con):
    mismatched, missing, extra = rows(con, """
        WITH firsts AS (SELECT customer_id, min(order_date) AS first FROM order_lines
                        WHERE dataset = $n AND customer_id IS NOT NULL GROUP BY 1)
        SELECT count(*) FILTER (c.first_order_date <> f.first),
               count(*) FILTER (c.customer_id IS NULL), count(*) FILTER (f.customer_id IS NULL)
        FROM firsts f FULL JOIN (SELECT * FROM customers WHERE dataset = $n) c USING (customer_id)
    """)[0]
    assert (mismatched, missing, extra) == (0, 0, 0)
    surveyed, bad_scores, reasons = rows(con, "SELECT avg((satisfaction IS NOT NULL)::INT), "
                                              "count(*) FILTER (satisfaction NOT BETWEEN 1 AND 5), "
                                              "count(DISTINCT churn_reason) FROM customers WHERE dataset = $n")[0]
    assert 0.35 <= surveyed <= 0.45 and bad_scores == 0 and reasons == 4


def test_channel_margins_and_shares_match_the_truths(con, truth):
    got = rows(con, "SELECT channel, (sum(revenue) - sum(cost)) / sum(revenue), "
                    "sum(revenue) / sum(sum(revenue)) OVER () FROM order_lines WHERE dataset = $n GROUP BY 1")
    for channel, margin, share in got:
        assert margin == pytest.approx(truth["channel_gross_margin"][channel], rel=1e-6)
        assert share == pytest.approx(truth["channel_revenue_share"][channel], rel=1e-6)
    by_margin = [channel for channel, _, _ in sorted(got, key=lambda r: r[1])]
    assert by_margin[0] == "经销商" and by_margin[-1] == "直营门店"
    for channel, year, revenue in rows(con, "SELECT channel, year(order_date)::VARCHAR, sum(revenue) "
                                            "FROM order_lines WHERE dataset = $n GROUP BY 1, 2"):
        assert revenue == pytest.approx(truth["channel_revenue_by_year"][channel][year], rel=1e-6)


def test_blind_spots_are_empty_and_every_other_cell_sells(con, truth):
    cells = {(c, r): n for c, r, n in rows(con, "SELECT channel, region, count(*) FROM order_lines "
                                                "WHERE dataset = $n GROUP BY 1, 2")}
    blind = {tuple(cell) for cell in truth["blind_spots"]}
    assert blind == {("直营门店", "西北"), ("合作伙伴", "东北")}
    for channel in CHANNELS:
        for region in REGIONS:
            assert ((channel, region) in cells) != ((channel, region) in blind), (channel, region)


def test_price_conflict_only_on_the_planted_products(con, truth):
    prices: dict[str, dict[str, float]] = {}
    for product, channel, price in rows(con, "SELECT product, channel, sum(revenue) / sum(quantity) "
                                             "FROM order_lines WHERE dataset = $n GROUP BY 1, 2"):
        prices.setdefault(product, {})[channel] = price
    conflicts = set(truth["price_conflict_products"])
    assert 3 <= len(conflicts) <= 7 and truth["price_conflict_factor"] < 0.8
    for product, by_channel in prices.items():
        assert len(by_channel) == len(CHANNELS), product
        if product in conflicts:
            others = [p for c, p in by_channel.items() if c != "直播带货"]
            assert min(others) > 1.15 * by_channel["直播带货"], product
        else:
            assert max(by_channel.values()) <= 1.15 * min(by_channel.values()), product


def test_multichannel_customers_and_repeat_rate(con, truth):
    multi = rows(con, "SELECT count(*) FROM (SELECT customer_id FROM order_lines WHERE dataset = $n "
                      "AND customer_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT channel) >= 2)")[0][0]
    assert multi == truth["multichannel_customers"] > 0
    repeat = rows(con, "SELECT avg((n >= 2)::INT) FROM (SELECT customer_id, count(DISTINCT order_id) AS n "
                       "FROM order_lines WHERE dataset = $n AND customer_id IS NOT NULL GROUP BY 1)")[0][0]
    assert repeat == pytest.approx(truth["repeat_rate_all"], rel=1e-9)
    assert 0.3 <= repeat <= 0.8  # a real spread of one-time buyers and repeaters
    assert 0.2 <= truth["dropped_share_at_end"] <= 0.8


def _hill(s: np.ndarray, beta: float, alpha: float, kappa: float) -> np.ndarray:
    return beta * s**alpha / (s**alpha + kappa**alpha)


# The noise is planted (lognormal, sigma 0.05-0.08 on 36 months), so a fit is only as good as
# 36 noisy points allow: for this seed beta and kappa within 15%, alpha within 20%, for the
# channels with >= 5% of revenue (other seeds can miss by ~20% on one channel).
@pytest.mark.parametrize("channel", ["经销商", "电商平台", "直营门店", "直播带货", "B2B直销"])
def test_hill_curves_are_recoverable_from_spend_and_revenue(con, truth, channel):
    pairs = np.array(rows(con, """
        WITH revenue AS (SELECT date_trunc('month', order_date)::DATE AS month, sum(revenue) AS revenue
                         FROM order_lines WHERE dataset = $n AND channel = $c GROUP BY 1)
        SELECT k.amount, r.revenue FROM revenue r JOIN channel_costs k
          ON k.dataset = $n AND k.channel = $c AND k.cost_type = 'marketing' AND k.month = r.month
        ORDER BY r.month
    """, c=channel))
    assert len(pairs) == 36
    spend, revenue = pairs[:, 0], pairs[:, 1]
    assert truth["channel_revenue_share"][channel] >= 0.05
    fitted, _ = curve_fit(lambda s, b, a, k: np.log(_hill(s, b, a, k)), spend, np.log(revenue),
                          p0=(revenue.max() * 1.3, 1.0, np.median(spend)),
                          bounds=([revenue.max() * 0.5, 0.2, spend.min() * 0.01], [revenue.max() * 20, 6, spend.max() * 100]))
    planted = truth["hill_channel"][channel]
    assert 0.8 <= planted["alpha"] <= 2.5
    assert fitted[0] == pytest.approx(planted["beta"], rel=0.15)
    assert fitted[1] == pytest.approx(planted["alpha"], rel=0.20)
    assert fitted[2] == pytest.approx(planted["kappa"], rel=0.15)


def test_costs_and_crm_spend(con, truth):
    types = {r[0] for r in rows(con, "SELECT DISTINCT cost_type FROM channel_costs WHERE dataset = $n")}
    assert types == {"marketing", "commission", "rebate", "management"}
    live_commission = rows(con, """
        SELECT (SELECT sum(amount) FROM channel_costs WHERE dataset = $n AND channel = '直播带货'
                AND cost_type = 'commission')
             / (SELECT sum(revenue) FROM order_lines WHERE dataset = $n AND channel = '直播带货')""")[0][0]
    assert live_commission == pytest.approx(0.20, rel=1e-3)
    crm = rows(con, "SELECT programme, count(*), min(amount) FROM crm_spend WHERE dataset = $n GROUP BY 1")
    assert {p for p, _, _ in crm} == set(truth["hill_crm"]) == {"会员积分", "短信企微触达", "专属客服"}
    assert all(n == 36 and low > 0 for _, n, low in crm)


def test_seasonality_and_trends(con):
    monthly = {(c, y, m): v for c, y, m, v in rows(con, "SELECT channel, year(order_date), month(order_date), "
                                                       "sum(revenue) FROM order_lines WHERE dataset = $n "
                                                       "GROUP BY ALL")}
    for channel in ("电商平台", "直播带货"):
        for year in (2023, 2024, 2025):
            mean = sum(monthly[channel, year, m] for m in range(1, 13)) / 12
            assert monthly[channel, year, 11] > 1.3 * mean, (channel, year)
    yearly = {(c, y): v for c, y, v in rows(con, "SELECT channel, year(order_date), sum(revenue) "
                                                 "FROM order_lines WHERE dataset = $n GROUP BY ALL")}
    assert yearly["直播带货", 2025] > 2 * yearly["直播带货", 2023]
    assert yearly["经销商", 2025] < 0.95 * yearly["经销商", 2023]


def test_every_truth_key_is_documented(truth):
    for key in truth:
        assert f"``{key}``" in demo.__doc__, key


def test_cli_builds_and_prints_json(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", str(SMALL), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, timeout=120, cwd=warehouse.PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["name"] == "demo" and abs(summary["order_lines"] - SMALL) <= 0.05 * SMALL


def test_every_stored_demo_value_translates(con):
    from present import i18n

    values = {v for (v,) in rows(con, """
        SELECT DISTINCT unnest([channel, region, province, product, category]) FROM order_lines WHERE dataset = $n
        UNION SELECT DISTINCT cost_type FROM channel_costs WHERE dataset = $n
        UNION SELECT DISTINCT programme FROM crm_spend WHERE dataset = $n
        UNION SELECT DISTINCT churn_reason FROM customers WHERE dataset = $n AND churn_reason IS NOT NULL""")}
    untranslated = sorted(v for v in values if f"value_{v}" not in i18n.table())
    assert not untranslated
