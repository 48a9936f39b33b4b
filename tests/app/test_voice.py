"""Customer voice, relationship health, CRM data health, channel conversion and the 360° timeline through
AppTest: both languages on the demo, the numbers behind the cards and charts, and on a dataset without
the customer-voice files, a message naming the file each view needs."""

from __future__ import annotations

import pytest

from data import registry
from metrics import conversion, health, relationship, voice
from metrics.filters import Filters, preset_range
from present import i18n
from present.formats import format_value
from tests.app.conftest import metric_values
from tests.app.test_channels import chart, no_exception, open_page
from tests.tiny import line, warehouse_with
from ui import cached
from ui.tables import MAX_SHOWN_ROWS

VOICE = "pages/voice.py"
RELATIONSHIP = "pages/relationship.py"


def selection(dataset: str = "demo") -> Filters:
    found = registry.get_dataset(cached.connection(), dataset)
    start, end = preset_range("last_year", found.first_date, found.last_date)
    return Filters(dataset, start, end)


def text_of(at) -> str:
    return " ".join(str(el.proto) for el in at.main)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customer_voice_on_the_demo(make_app, lang):
    at = open_page(make_app, VOICE, lang=lang)
    assert at.title[0].value == ("客户声音" if lang == "zh" else "Customer voice")
    f = selection()
    summary = voice.nps_summary(cached.connection(), f)
    cards = metric_values(at)
    assert cards["净推荐值 NPS" if lang == "zh" else "NPS"] == format_value("nps", summary.nps, lang)
    trend = chart(at, "voice_nps_trend")["data"][0]
    assert trend["y"] == pytest.approx(voice.nps_by(cached.connection(), f, "month")["nps"].tolist())
    lapse = chart(at, "voice_lapse_bars")["data"][0]
    assert lapse["y"] == pytest.approx(voice.churn_by_group(cached.connection(), f)["lapse_rate"].tolist())
    words = ("评论中最常见的说法", "推荐最多的客户") if lang == "zh" else ("Most frequent phrases", "Top referrers")
    assert all(w in text_of(at) for w in words)
    assert any("物流太慢" in df.value.to_string() for df in at.dataframe)  # the comments' own words
    # the sections that read the answers or the new customers once per run show what each metric reads itself
    con = cached.connection()
    phrases = voice.phrases(con, f)["phrase"].tolist()
    assert any(df.value.iloc[:, 0].tolist() == phrases for df in at.dataframe)
    referral = voice.referral_summary(con, f)
    assert referral.new_customers > 0 and referral.referred > 0
    assert cards["新客户数" if lang == "zh" else "New customers"] == format_value(
        "new_customers", referral.new_customers, lang
    )
    assert cards["推荐率" if lang == "zh" else "Referral rate"] == format_value("referral_rate", referral.rate, lang)
    top = voice.top_referrers(con, f)["referrer"].tolist()
    assert len(top) > 0 and any(df.value.iloc[:, 0].tolist() == top for df in at.dataframe)
    bars, line = chart(at, "voice_referral_trend")["data"][:2]
    months = voice.referral_by_month(con, f)
    assert bars["y"] == months["new_customers"].tolist() and sum(bars["y"]) == referral.new_customers
    assert line["y"] == pytest.approx(months["referral_rate"].tolist())


def test_nps_dimension_radio_redraws_the_bars(make_app):
    at = open_page(make_app, VOICE, lang="en")
    at.radio(key="voice_nps_dim").set_value("region").run()
    no_exception(at)
    bars = chart(at, "voice_nps_bars")["data"][0]
    assert bars["x"] == pytest.approx(voice.nps_by(cached.connection(), selection(), "region")["nps"].tolist())
    at.radio(key="voice_nps_dim").set_value("segment").run()
    no_exception(at)
    at.radio(key="voice_phrase_group").set_value("detractor").run()
    no_exception(at)


def test_csat_over_time_and_by_dimension(make_app):
    at = open_page(make_app, VOICE, lang="en")
    f = selection()
    months = voice.csat_by(cached.connection(), f, "month")
    assert len(months) >= 6  # the demo surveys satisfaction every month
    assert chart(at, "voice_csat_trend")["data"][0]["y"] == pytest.approx(months["csat_top2"].tolist())
    for dim in ("region", "segment"):
        at.radio(key="voice_csat_dim").set_value(dim).run()
        no_exception(at)
        by = voice.csat_by(cached.connection(), f, dim)
        assert chart(at, "voice_csat_bars")["data"][0]["x"] == pytest.approx(by["csat_top2"].tolist())
        assert by["responses"].sum() == months["responses"].sum()  # every answer counted once


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_relationship_health_on_the_demo(make_app, lang):
    at = open_page(make_app, RELATIONSHIP, lang=lang)
    f = selection()
    months = chart(at, "relationship_contacts_trend")["data"][-1]
    assert months["y"] == pytest.approx(relationship.monthly(cached.connection(), f)["contacts_per_customer"].tolist())
    at.slider(key="relationship_no_contact_days").set_value(180).run()
    no_exception(at)
    listed = relationship.no_contact(cached.connection(), f, days=180)
    assert str(len(listed)) in text_of(at)
    # a long list draws its first rows only (ui.tables.MAX_SHOWN_ROWS), in the metric's order, and says so
    at.slider(key="relationship_no_contact_days").set_value(30).run()
    listed = relationship.no_contact(cached.connection(), f, days=30)
    assert len(listed) > MAX_SHOWN_ROWS, "the demo's list must be longer than the grid draws"
    grid = next(df.value for df in at.dataframe if len(df.value) == MAX_SHOWN_ROWS)
    assert grid.iloc[:, 0].tolist() == listed["customer_id"].head(MAX_SHOWN_ROWS).tolist()
    told = i18n.t("table_first_rows_download", lang, shown=f"{MAX_SHOWN_ROWS:,}", total=f"{len(listed):,}")
    assert told in [c.value for c in at.caption]


def test_conversion_sits_beside_the_channel_pnl(make_app):
    at = open_page(make_app, "pages/channels.py", lang="en")
    lines = chart(at, "channels_conversion_trend")["data"]
    expected = conversion.by_month(cached.connection(), selection())
    assert {trace["name"] for trace in lines} == {"Marketplaces", "Live commerce", "Direct stores", "B2B direct sales"}
    assert sum(len(trace["y"]) for trace in lines) == len(expected)


def test_crm_data_health_on_the_datasets_page(make_app):
    at = open_page(make_app, "pages/datasets.py", lang="zh")
    report = health.data_health(cached.connection(), "demo")
    assert metric_values(at)["客户信息健康分"] == format_value("data_health_score", report.score, "zh")
    bars = chart(at, "datasets_health_breakdown")["data"][1]
    assert bars["x"] == pytest.approx(report.breakdown["points"].tolist())
    assert any("西北" in df.value.to_string() for df in at.dataframe)


def test_the_360_view_shows_contacts_and_feedback(make_app):
    at = open_page(make_app, "pages/customer_value.py", lang="en")
    contacted = relationship.no_contact(cached.connection(), selection(), days=30)
    customer = contacted.dropna(subset=["owner"])["customer_id"].iloc[0]
    at.text_input(key="customer_value_search").set_value(customer).run()
    no_exception(at)
    traces = chart(at, "customer_value_timeline")["data"]
    events = relationship.timeline(cached.connection(), "demo", customer_id=customer)
    assert sum(len(trace["x"]) for trace in traces) == len(events)
    assert {"Orders", "Contacts"} <= {trace["name"] for trace in traces}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_the_files_each_view_names_the_file_it_needs(make_app, tmp_path, lang):
    from data.snapshots import Warehouse

    wh = Warehouse.open(tmp_path / "plain")
    warehouse_with(
        [line("a", "2024-01-05", "c1", "web", "east", 10.0), line("b", "2024-02-05", "c2", "web", "east", 20.0)],
        name="plain",
        con=wh,
    )
    needs = {
        "zh": ("客户反馈", "客户属性", "客户互动", "流量", "python -m data load"),
        "en": ("Customer feedback", "Customer attributes", "Customer contacts", "Traffic", "python -m data load"),
    }[lang]
    seen = ""
    for page in (VOICE, RELATIONSHIP, "pages/channels.py", "pages/datasets.py"):
        at = make_app(db=tmp_path / "plain", lang=lang, dataset="plain", preset="all")
        at.switch_page(page).run()
        no_exception(at)
        seen += " ".join(i.value for i in at.info)
    assert all(word in seen for word in needs), seen
    assert "--kind feedback" in seen and "--kind traffic" in seen and "--kind interactions" in seen


def test_a_feedback_file_loads_on_the_datasets_page_and_lights_up_the_voice_page(make_app, tmp_path):
    from data.snapshots import Warehouse
    from tests.app.test_data_page import mapping, metrics, upload, validate

    db = tmp_path / "shop"
    warehouse_with(
        [line("a", "2024-01-05", "c1", "web", "east", 10.0), line("b", "2024-01-06", "c2", "web", "east", 20.0)],
        name="shop",
        con=Warehouse.open(db),
    )
    at = make_app(db=db, lang="zh", dataset="shop", preset="all")
    at.switch_page("pages/datasets.py").run()
    at.radio(key="datasets_extra_kind").set_value("feedback").run()
    upload(
        at,
        "nps.csv",
        "客户编号,反馈日期,推荐意愿,评价内容\nc1,2024-01-05,10,很好\nc2,2024-01-06,3,太慢\nc3,2024-01-06,12,\n".encode(),
        key="datasets_extra_upload",
    )
    assert mapping(at, "datasets_extra") == {
        "customer_id": "客户编号",
        "feedback_date": "反馈日期",
        "score": "推荐意愿",
        "comment": "评价内容",
        "scale": "",
        "channel": "",
    }
    validate(at, "datasets_extra")
    cards = metrics(at)
    assert (cards["读取行数"], cards["可导入行数"], cards["拒绝行数"]) == ("3", "2", "1")
    assert any("评分超出其量表范围" in str(df.value.to_string()) for df in at.dataframe)  # the bad row, in words
    at.button(key="datasets_extra_load").click().run()
    no_exception(at)
    at.switch_page(VOICE).run()
    no_exception(at)
    assert metric_values(at)["净推荐值 NPS"] == "0"  # one promoter, one detractor
