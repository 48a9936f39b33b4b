"""The three customer pages through AppTest: both languages, every control, the numbers behind charts,
and the plain message for a dataset without customer ids."""

from __future__ import annotations

import datetime as dt

import pytest

from data import registry, warehouse
from metrics import clv, customers, rfm
from metrics.filters import Filters, preset_range
from present.i18n import fmt_int, fmt_money
from tests.app.conftest import metric_values
from tests.app.test_channels import chart, no_exception, open_page
from tests.tiny import line, warehouse_with
from ui import cached
from ui.tables import MAX_SHOWN_ROWS

CUSTOMERS = "pages/customers.py"
RETENTION = "pages/retention.py"
VALUE = "pages/customer_value.py"
PAGES = (CUSTOMERS, RETENTION, VALUE)


def selection(dataset: str = "demo", preset: str = "last_year") -> Filters:
    found = registry.get_dataset(cached.connection(), dataset)
    start, end = preset_range(preset, found.first_date, found.last_date)
    return Filters(dataset, start, end)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_in_both_languages(make_app, page, lang):
    at = open_page(make_app, page, lang=lang)
    assert any("\u4e00" <= c <= "\u9fff" for c in at.title[0].value) == (lang == "zh")
    assert at.get("plotly_chart"), "every customer page draws charts"
    words = {
        CUSTOMERS: ("重要价值客户", "Champions"),
        RETENTION: ("流失率", "Churn rate"),
        VALUE: ("核心客户（A）", "Core (A)"),
    }[page]
    text = " ".join(str(el.proto) for el in at.main)
    assert words[0 if lang == "zh" else 1] in text


def test_customer_kpis_equal_the_metric(make_app):
    at = open_page(make_app, CUSTOMERS, lang="en")
    cards = {c.key: c for c in customers.kpis(cached.connection(), selection())}
    values = metric_values(at)
    assert len(values) == 8
    assert values["Active customers"] == fmt_int(cards["active_customers"].value, "en")
    assert values["New customers"] == fmt_int(cards["new_customers"].value, "en")
    assert values["Revenue per customer"] == fmt_money(cards["revenue_per_customer"].value, "en")
    assert values["Orders per customer"] == f"{cards['orders_per_customer'].value:,.2f}"


def test_scheme_measure_segment_and_migration_controls(make_app):
    at = open_page(make_app, CUSTOMERS, lang="en")
    scores = rfm.rfm(cached.connection(), selection())
    sizes = rfm.segments(scores)
    bars = chart(at, "customers_segment_bars")["data"][0]
    assert sorted(bars["x"]) == sorted(sizes["customers"].tolist())
    at.radio(key="customers_measure").set_value("revenue").run()
    no_exception(at)
    assert sorted(chart(at, "customers_segment_bars")["data"][0]["x"]) == pytest.approx(
        sorted(sizes["revenue"].tolist())
    )
    assert len(at.dataframe[0].value) == 10
    at.selectbox(key="customers_scheme").set_value("simple").run()
    no_exception(at)
    assert len(at.dataframe[0].value) == 5
    assert at.dataframe[0].value["Segment"].tolist()[0] == "Active loyal"
    at.selectbox(key="customers_scheme").set_value("default").run()
    at.selectbox(key="customers_segment").set_value("cant_lose").run()
    no_exception(at)
    members = rfm.members(scores, segment="cant_lose")
    assert any(f"{len(members)} customers" in c.value for c in at.caption)
    assert "Can't lose" in " ".join(m.value for m in at.markdown)
    assert chart(at, "customers_migration_matrix")["data"][0]["type"] == "heatmap"
    at.radio(key="customers_migration_view").set_value("sankey").run()
    no_exception(at)
    moves = rfm.migration(
        rfm.rfm(cached.connection(), selection(), keys=True), rfm.key_segments(cached.connection(), selection().prior)
    )
    assert sum(chart(at, "customers_migration_sankey")["data"][0]["link"]["value"]) == moves["customers"].sum()


def test_window_dimension_threshold_and_cohort_controls(make_app):
    at = open_page(make_app, RETENTION, lang="en")
    auto = customers.resolve_window(cached.connection(), "demo", "auto")
    assert any(f"Using {auto} days" in c.value for c in at.caption)
    before = metric_values(at)["Churn rate"]
    fit = clv.customer_value(cached.connection(), "demo", as_of=selection().end)
    scores = rfm.rfm(cached.connection(), selection())
    for threshold in (0.5, 0.9):
        if threshold != 0.5:
            at.slider(key="retention_at_risk_threshold").set_value(threshold).run()
        expected = customers.at_risk(scores, fit, window_days=auto, max_p_alive=threshold)
        assert len(expected) > 0
        # the grid draws the first rows of a long list (ui.tables.MAX_SHOWN_ROWS); the download has all
        shown = expected["customer_id"].head(MAX_SHOWN_ROWS).tolist()
        assert at.dataframe[0].value["Customer id"].tolist() == shown
    at.radio(key="retention_window_mode").set_value("custom").run()
    at.number_input(key="retention_window_days").set_value(60).run()
    no_exception(at)
    assert any("Using 60 days" in c.value for c in at.caption)
    assert metric_values(at)["Churn rate"] != before
    monthly = customers.churn_monthly(cached.connection(), selection(), window_days=60)
    assert chart(at, "retention_churn_trend")["data"][1]["y"] == pytest.approx(monthly["churn_rate"].tolist())
    channel_names = chart(at, "retention_churn_by")["data"][0]["y"]
    at.radio(key="retention_churn_dim").set_value("region").run()
    no_exception(at)
    assert (
        chart(at, "retention_churn_by")["data"][0]["y"] != channel_names
        and "East China" in chart(at, "retention_churn_by")["data"][0]["y"]
    )
    all_sizes = chart(at, "retention_cohort_heatmap")["data"][0]["z"]
    at.multiselect(key="retention_cohort_channels").select("直播带货").run()
    no_exception(at)
    assert chart(at, "retention_cohort_heatmap")["data"][0]["z"] != all_sizes


def test_clv_calibration_and_360_view(make_app):
    at = open_page(make_app, VALUE, lang="en")
    f = selection()
    fit = clv.customer_value(cached.connection(), "demo", as_of=f.end)
    assert metric_values(at)["12-month CLV, total"] == fmt_money(fit.customers["clv_12m"].sum(), "en")
    caption = [c.value for c in at.caption if "Fitted on data up to" in c.value][0]
    at.slider(key="customer_value_holdout_weeks").set_value(12).run()
    no_exception(at)
    assert str(f.end - dt.timedelta(weeks=12)) in [c.value for c in at.caption if "Fitted on data up to" in c.value][0]
    assert caption != [c.value for c in at.caption if "Fitted on data up to" in c.value][0]
    customer = fit.customers.sort_values("clv_12m").iloc[-1]["customer_id"]
    at.text_input(key="customer_value_search").input(customer).run()
    no_exception(at)
    assert at.selectbox(key="customer_value_customer").value == customer
    orders = customers.customer_orders(cached.connection(), "demo", customer_id=customer)
    assert metric_values(at)["Orders"] == fmt_int(len(orders), "en")
    shown = [d.value for d in at.dataframe if "Order" in d.value.columns][0]
    assert shown["Order"].tolist() == orders["order_id"].tolist()
    at.text_input(key="customer_value_search").input("no-such-customer-xyz").run()
    assert any("No matching customer id" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_without_customer_ids_the_pages_say_so(make_app, tmp_path, page, lang):
    db = tmp_path / "anon.duckdb"
    con = warehouse.open_warehouse(db)
    warehouse_with(
        [line(f"o{i}", f"2024-01-{i + 1:02d}", None, "web", "east", 10) for i in range(20)], name="anon", con=con
    )
    at = make_app(db, lang=lang)
    at.switch_page(page).run()
    no_exception(at)
    message = [i.value for i in at.info]
    assert any(("customer_id" in m) and (("数据" in m) if lang == "zh" else ("Data page" in m)) for m in message)
    assert not at.get("plotly_chart")


def test_thin_data_says_why_and_keeps_the_360_view(make_app, tmp_path):
    db = tmp_path / "thin.duckdb"
    con = warehouse.open_warehouse(db)
    warehouse_with(
        [line(f"o{i}", f"2024-01-{i + 1:02d}", f"k{i}", "web", "east", 10) for i in range(20)], name="thin", con=con
    )
    at = make_app(db, lang="en")
    at.switch_page(VALUE).run()
    no_exception(at)
    assert any("at least 100 customers" in w.value for w in at.warning)
    at.text_input(key="customer_value_search").input("k1").run()
    no_exception(at)
    assert at.selectbox(key="customer_value_customer").value in {f"k{i}" for i in range(20)}
    assert metric_values(at)["P(alive)"] == "—"
