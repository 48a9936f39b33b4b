"""The demo generator: determinism, shape, and SQL on its rows recovering what it planted."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import duckdb
import numpy as np
import pytest
from scipy.signal import lfilter

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
        cur.execute(
            f"SELECT count(*), sum(hash(COLUMNS(* EXCLUDE (dataset)))::HUGEINT) FROM {table} "  # noqa: S608
            "WHERE dataset = $n",
            {"n": name},
        ).fetchall()[0]
        for table in ("customers", "channel_costs", "crm_spend", "marketing_weekly", "crm_contacts", "experiments")
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
    assert (
        connection.execute("SELECT count(*) FROM order_lines WHERE dataset = 'x'").fetchone()[0]
        == before["order_lines"]
    )
    assert demo.truths(connection, "x")["seed"] == 1


def test_summary_and_row_count_within_five_percent(con, truth):
    summary = demo.build_demo(con, orders=SMALL, seed=7, name="b")
    assert set(summary) == {"name", "order_lines", "orders", "customers", "seconds", "seed"}
    assert abs(summary["order_lines"] - SMALL) <= 0.05 * SMALL
    count, orders, customers = rows(
        con,
        "SELECT count(*), count(DISTINCT order_id), count(DISTINCT customer_id) FROM order_lines WHERE dataset = $n",
    )[0]
    assert abs(count - ORDERS) <= 0.05 * ORDERS
    assert (count, orders, customers) == (truth["order_lines"], truth["orders"], truth["customers"])
    dataset = registry.get_dataset(con, "demo")
    assert (dataset.order_lines, dataset.kind, dataset.source) == (count, "demo", "demo")


def test_dates_channels_regions_and_values(con, truth):
    first, last, negative, over_refund = rows(
        con,
        "SELECT min(order_date), max(order_date), count(*) FILTER (revenue < 0 OR cost < 0 OR discount < 0 "
        "OR refund < 0 OR quantity <= 0), count(*) FILTER (refund > revenue + 1e-9) "
        "FROM order_lines WHERE dataset = $n",
    )[0]
    assert dt.date(2023, 1, 1) <= first and last <= dt.date(2025, 12, 31)
    assert [first.isoformat(), last.isoformat()] == truth["date_range"]
    assert negative == 0 and over_refund == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT channel FROM order_lines WHERE dataset = $n")} == set(CHANNELS)
    assert {r[0] for r in rows(con, "SELECT DISTINCT region FROM order_lines WHERE dataset = $n")} == set(REGIONS)
    # revenue = quantity × unit price to the cent
    assert (
        rows(con, "SELECT max(abs(revenue - round(quantity * unit_price, 2))) FROM order_lines WHERE dataset = $n")[0][
            0
        ]
        < 0.006
    )


def test_anonymous_lines_are_walk_in_store_orders_only(con, truth):
    anonymous_channels = rows(
        con, "SELECT DISTINCT channel FROM order_lines WHERE dataset = $n AND customer_id IS NULL"
    )
    assert anonymous_channels == [("直营门店",)]
    share = rows(
        con,
        "SELECT count(DISTINCT order_id) FILTER (customer_id IS NULL) / count(DISTINCT order_id) "
        "FROM order_lines WHERE dataset = $n AND channel = '直营门店'",
    )[0][0]
    assert share == pytest.approx(truth["anonymous_order_share"], rel=1e-9)
    assert 0.2 <= share <= 0.3


def test_customers_table_matches_the_orders(con):
    mismatched, missing, extra = rows(
        con,
        """
        WITH firsts AS (SELECT customer_id, min(order_date) AS first FROM order_lines
                        WHERE dataset = $n AND customer_id IS NOT NULL GROUP BY 1)
        SELECT count(*) FILTER (c.first_order_date <> f.first),
               count(*) FILTER (c.customer_id IS NULL), count(*) FILTER (f.customer_id IS NULL)
        FROM firsts f FULL JOIN (SELECT * FROM customers WHERE dataset = $n) c USING (customer_id)
    """,
    )[0]
    assert (mismatched, missing, extra) == (0, 0, 0)
    surveyed, bad_scores, reasons = rows(
        con,
        "SELECT avg((satisfaction IS NOT NULL)::INT), "
        "count(*) FILTER (satisfaction NOT BETWEEN 1 AND 5), "
        "count(DISTINCT churn_reason) FROM customers WHERE dataset = $n",
    )[0]
    assert 0.35 <= surveyed <= 0.45 and bad_scores == 0 and reasons == 4


def test_channel_margins_and_shares_match_the_truths(con, truth):
    got = rows(
        con,
        "SELECT channel, (sum(revenue) - sum(cost)) / sum(revenue), "
        "sum(revenue) / sum(sum(revenue)) OVER () FROM order_lines WHERE dataset = $n GROUP BY 1",
    )
    for channel, margin, share in got:
        assert margin == pytest.approx(truth["channel_gross_margin"][channel], rel=1e-6)
        assert share == pytest.approx(truth["channel_revenue_share"][channel], rel=1e-6)
    by_margin = [channel for channel, _, _ in sorted(got, key=lambda r: r[1])]
    assert by_margin[0] == "经销商" and by_margin[-1] == "直营门店"
    for channel, year, revenue in rows(
        con, "SELECT channel, year(order_date)::VARCHAR, sum(revenue) FROM order_lines WHERE dataset = $n GROUP BY 1, 2"
    ):
        assert revenue == pytest.approx(truth["channel_revenue_by_year"][channel][year], rel=1e-6)


def test_blind_spots_are_empty_and_every_other_cell_sells(con, truth):
    cells = {
        (c, r): n
        for c, r, n in rows(con, "SELECT channel, region, count(*) FROM order_lines WHERE dataset = $n GROUP BY 1, 2")
    }
    blind = {tuple(cell) for cell in truth["blind_spots"]}
    assert blind == {("直营门店", "西北"), ("合作伙伴", "东北")}
    for channel in CHANNELS:
        for region in REGIONS:
            assert ((channel, region) in cells) != ((channel, region) in blind), (channel, region)


def test_price_conflict_only_on_the_planted_products(con, truth):
    prices: dict[str, dict[str, float]] = {}
    for product, channel, price in rows(
        con, "SELECT product, channel, sum(revenue) / sum(quantity) FROM order_lines WHERE dataset = $n GROUP BY 1, 2"
    ):
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
    multi = rows(
        con,
        "SELECT count(*) FROM (SELECT customer_id FROM order_lines WHERE dataset = $n "
        "AND customer_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT channel) >= 2)",
    )[0][0]
    assert multi == truth["multichannel_customers"] > 0
    repeat = rows(
        con,
        "SELECT avg((n >= 2)::INT) FROM (SELECT customer_id, count(DISTINCT order_id) AS n "
        "FROM order_lines WHERE dataset = $n AND customer_id IS NOT NULL GROUP BY 1)",
    )[0][0]
    assert repeat == pytest.approx(truth["repeat_rate_all"], rel=1e-9)
    assert 0.3 <= repeat <= 0.8  # a real spread of one-time buyers and repeaters
    assert 0.2 <= truth["dropped_share_at_end"] <= 0.8


def weekly(con: duckdb.DuckDBPyConnection, sql: str, channel: str) -> np.ndarray:
    return np.array([r[0] for r in rows(con, sql, c=channel)], dtype=float)


def test_the_response_truths_have_the_issues_form_and_ranges(truth):
    response = truth["response"]
    assert response["grain"] == "week" and set(response["channels"]) == set(CHANNELS)
    for channel, t in response["channels"].items():
        assert {"baseline_share", "beta", "alpha", "kappa", "theta", "margin", "current_weekly_spend"} <= set(t)
        assert 0.55 <= t["baseline_share"] <= 0.85, channel
        assert 0.5 <= t["marginal_roas"] <= 4 and 0.1 <= t["theta"] <= 0.7 and 0.8 <= t["alpha"] <= 2.5, channel
        # marginal ROAS at current spend is what the planted curve says it is
        x = t["current_weekly_spend"] / (1 - t["theta"])
        h = x ** t["alpha"] / (x ** t["alpha"] + t["kappa"] ** t["alpha"])
        slope = t["beta"] * t["alpha"] * h * (1 - h) / x / (1 - t["theta"])
        assert slope == pytest.approx(t["marginal_roas"], rel=1e-9), channel
    assert set(response["crm"]) == {"会员积分", "短信企微触达", "专属客服"}
    for programme, t in response["crm"].items():
        assert {"max_reduction", "alpha", "kappa", "current_monthly_spend"} <= set(t)
        assert 0 < t["uplift"]["180"] <= t["max_uplift"] < 1, programme


def test_channel_revenue_is_baseline_plus_response(con, truth):
    """Rebuild each channel's expected weekly net revenue from the truths and the stored weekly spend:
    the realised sales scatter around it without bias (the planted noise plus the order-size noise)."""
    cal = demo._calendar()
    full = np.flatnonzero(cal.full)
    for spec in demo.CHANNELS:
        t = truth["response"]["channels"][spec.name]
        spend = np.zeros(demo.N_WEEKS)
        spend[full] = weekly(
            con, "SELECT amount FROM marketing_weekly WHERE dataset = $n AND channel = $c ORDER BY week", spec.name
        )
        x = lfilter([1.0], [1.0, -t["theta"]], spend)
        expected = t["level"] * demo._baseline_shape(spec, cal) + t["beta"] * x ** t["alpha"] / (
            x ** t["alpha"] + t["kappa"] ** t["alpha"]
        )
        got = weekly(
            con,
            "SELECT sum(revenue - coalesce(refund, 0)) FROM order_lines WHERE dataset = $n AND channel = $c "
            "AND order_date BETWEEN DATE '2023-01-02' AND DATE '2025-12-28' "
            "GROUP BY date_trunc('week', order_date) ORDER BY date_trunc('week', order_date)",
            spec.name,
        )
        orders = rows(
            con,
            "SELECT count(DISTINCT order_id) / 156 FROM order_lines WHERE dataset = $n AND channel = $c "
            "AND order_date BETWEEN DATE '2023-01-02' AND DATE '2025-12-28'",
            c=spec.name,
        )[0][0]
        # unbiased: within three standard errors of the order sizes' spread (coefficient of variation ≈ 1)
        assert got.sum() / expected[full].sum() == pytest.approx(1.0, abs=3 / np.sqrt(orders * 156)), spec.name
        # the planted noise (at most 6%) plus the spread of order sizes (a coefficient of variation near 1)
        assert (got / expected[full]).std() < 0.1 + 1.2 / np.sqrt(orders), spec.name
        response = expected[full] - t["level"] * demo._baseline_shape(spec, cal)[full]
        assert 1 - response.sum() / expected[full].sum() == pytest.approx(t["baseline_share"], abs=1e-6)


def test_margin_truth_is_the_variable_contribution_margin_of_2025(con, truth):
    got = dict(
        rows(
            con,
            """
        WITH s AS (SELECT channel, sum(revenue - coalesce(refund, 0)) AS net, sum(cost) AS cost FROM order_lines
                   WHERE dataset = $n AND year(order_date) = 2025 GROUP BY 1),
             k AS (SELECT channel, sum(amount) AS variable FROM channel_costs WHERE dataset = $n AND year(month) = 2025
                   AND cost_type IN ('commission', 'rebate') GROUP BY 1)
        SELECT s.channel, (s.net - s.cost - coalesce(k.variable, 0)) / s.net FROM s LEFT JOIN k USING (channel)""",
        )
    )
    for channel, t in truth["response"]["channels"].items():
        assert got[channel] == pytest.approx(t["margin"], abs=2e-4), channel  # costs are stored to the cent


def test_weekly_spend_is_flighted_and_agrees_with_the_monthly_costs(con, truth):
    for channel, t in truth["response"]["channels"].items():
        spend = weekly(
            con, "SELECT amount FROM marketing_weekly WHERE dataset = $n AND channel = $c ORDER BY week", channel
        )
        assert len(spend) == 156 and (spend == 0).sum() >= 2 and spend.std() / spend.mean() > 0.4, channel
        assert spend[-52:].mean() == pytest.approx(t["current_weekly_spend"], abs=0.01)  # stored to the cent
    monthly, weekly_total = rows(
        con,
        """
        SELECT (SELECT sum(amount) FROM channel_costs WHERE dataset = $n AND cost_type = 'marketing'),
               (SELECT sum(amount) FROM marketing_weekly WHERE dataset = $n)""",
    )[0]
    assert monthly == pytest.approx(weekly_total, rel=1e-6)


def test_crm_contacts_hold_a_random_tenth_back(con, truth):
    for programme, campaigns, control, customers in rows(
        con,
        """
            SELECT programme, count(DISTINCT campaign), avg(is_control::INT), count(DISTINCT customer_id)
            FROM crm_contacts WHERE dataset = $n GROUP BY 1""",
    ):
        assert campaigns == 36 and control == pytest.approx(0.10, abs=0.025) and customers > 50, programme
    assert rows(con, "SELECT avg(is_control::INT) FROM crm_contacts WHERE dataset = $n")[0][0] == pytest.approx(
        0.1, abs=0.005
    )
    unknown = rows(
        con,
        "SELECT count(*) FROM crm_contacts k WHERE dataset = $n AND NOT EXISTS "
        "(SELECT 1 FROM customers c WHERE c.dataset = $n AND c.customer_id = k.customer_id)",
    )[0][0]
    assert unknown == 0
    # each programme's audience: 专属客服 contacts business customers only
    channels = {
        c
        for (c,) in rows(
            con,
            "SELECT DISTINCT c.acquisition_channel FROM crm_contacts k JOIN customers c "
            "ON c.dataset = $n AND c.customer_id = k.customer_id "
            "WHERE k.dataset = $n AND k.programme = '专属客服'",
        )
    }
    assert channels == set(truth["response"]["crm"]["专属客服"]["audience"]) == {"经销商", "B2B直销"}


def test_two_lift_tests_are_stored_as_planted(con, truth):
    stored = rows(
        con,
        "SELECT lever, start_date::VARCHAR, end_date::VARCHAR, spend_change, lift, std_error "
        "FROM experiments WHERE dataset = $n ORDER BY lever",
    )
    planted = sorted(
        (e["lever"], e["start"], e["end"], e["spend_change"], e["lift"], e["std_error"]) for e in truth["experiments"]
    )
    assert stored == planted and len(stored) == 2
    for e in truth["experiments"]:
        assert (
            e["spend_change"] > 0
            and e["true_lift"] > 0
            and e["std_error"] == pytest.approx(0.15 * e["true_lift"], rel=1e-3)
        )


def test_cli_prints_the_truths(tmp_path):
    db = tmp_path / "t.duckdb"
    subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", "5000", "--db", str(db)],
        check=True,
        capture_output=True,
        cwd=warehouse.PROJECT_ROOT,
        timeout=120,
    )
    done = subprocess.run(
        [sys.executable, "-m", "data", "truths", "--dataset", "demo", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=warehouse.PROJECT_ROOT,
        timeout=60,
    )
    planted = json.loads(done.stdout)
    assert done.returncode == 0 and planted["response"]["grain"] == "week"
    missing = subprocess.run(
        [sys.executable, "-m", "data", "truths", "--dataset", "nope", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=warehouse.PROJECT_ROOT,
        timeout=60,
    )
    assert missing.returncode == 2 and "error" in json.loads(missing.stdout)


def test_costs_and_crm_spend(con, truth):
    types = {r[0] for r in rows(con, "SELECT DISTINCT cost_type FROM channel_costs WHERE dataset = $n")}
    assert types == {"marketing", "commission", "rebate", "management"}
    live_commission = rows(
        con,
        """
        SELECT (SELECT sum(amount) FROM channel_costs WHERE dataset = $n AND channel = '直播带货'
                AND cost_type = 'commission')
             / (SELECT sum(revenue) FROM order_lines WHERE dataset = $n AND channel = '直播带货')""",
    )[0][0]
    assert live_commission == pytest.approx(0.20, rel=1e-3)
    crm = rows(
        con,
        "SELECT programme, count(*), min(amount), stddev(amount) / avg(amount) FROM crm_spend "
        "WHERE dataset = $n GROUP BY 1",
    )
    assert {p for p, _, _, _ in crm} == set(truth["response"]["crm"]) == {"会员积分", "短信企微触达", "专属客服"}
    assert all(n == 36 and low > 0 and spread > 0.2 for _, n, low, spread in crm)  # varies month to month


def test_seasonality_and_trends(con):
    monthly = {
        (c, y, m): v
        for c, y, m, v in rows(
            con,
            "SELECT channel, year(order_date), month(order_date), "
            "sum(revenue) FROM order_lines WHERE dataset = $n "
            "GROUP BY ALL",
        )
    }
    for channel in ("电商平台", "直播带货"):
        for year in (2023, 2024, 2025):
            mean = sum(monthly[channel, year, m] for m in range(1, 13)) / 12
            assert monthly[channel, year, 11] > 1.3 * mean, (channel, year)
    yearly = {
        (c, y): v
        for c, y, v in rows(
            con, "SELECT channel, year(order_date), sum(revenue) FROM order_lines WHERE dataset = $n GROUP BY ALL"
        )
    }
    assert yearly["直播带货", 2025] > 2 * yearly["直播带货", 2023]
    assert yearly["经销商", 2025] < 0.95 * yearly["经销商", 2023]


def test_every_truth_key_is_documented(truth):
    for key in truth:
        assert f"``{key}``" in demo.__doc__, key


def test_cli_builds_and_prints_json(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", str(SMALL), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=warehouse.PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["name"] == "demo" and abs(summary["order_lines"] - SMALL) <= 0.05 * SMALL


def test_every_stored_demo_value_translates(con):
    from present import i18n

    values = {
        v
        for (v,) in rows(
            con,
            """
        SELECT DISTINCT unnest([channel, region, province, product, category]) FROM order_lines WHERE dataset = $n
        UNION SELECT DISTINCT cost_type FROM channel_costs WHERE dataset = $n
        UNION SELECT DISTINCT programme FROM crm_spend WHERE dataset = $n
        UNION SELECT DISTINCT churn_reason FROM customers WHERE dataset = $n AND churn_reason IS NOT NULL""",
        )
    }
    untranslated = sorted(v for v in values if f"value_{v}" not in i18n.table())
    assert not untranslated
