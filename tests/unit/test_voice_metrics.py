"""Customer voice, relationship health, conversion and CRM data health on tiny tables whose answers are
worked out by hand (METRICS.md "Customer voice, relationship health, conversion")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.ingest import ingest
from metrics import conversion, health, relationship, voice
from metrics.filters import Filters
from tests.tiny import line, warehouse_with

JAN_FEB = Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 2, 29))


def tiny(**files: str):
    """Orders of four customers (A and B in 天猫, C in 京东, D in 天猫 and 京东), plus extra files by kind."""
    con = warehouse_with(
        [
            line("o1", "2023-12-01", "A", "天猫", "华东", 100.0),
            line("o2", "2024-01-05", "A", "天猫", "华东", 300.0),
            line("o3", "2024-01-10", "B", "天猫", "华南", 50.0),
            line("o4", "2024-02-01", "C", "京东", "华南", 80.0),
            line("o5", "2024-02-02", "D", "京东", "华东", 20.0),
            line("o6", "2024-02-20", "B", "天猫", "华南", 70.0),
            line("o7", "2024-02-21", None, "天猫", "华东", 10.0),
        ]
    )
    for kind, text in files.items():
        report = ingest(con, text.encode(), "tiny", kind=kind)
        assert report.loaded and not report.rows_rejected, (kind, report.errors, report.reject_counts)
    return con


FEEDBACK = (
    "customer,date,score,comment,channel\n"
    "A,2023-12-20,2,太慢了,天猫\n"  # prior period: a detractor
    "A,2024-01-06,3,物流太慢，价格偏贵,天猫\n"  # superseded by A's later answer
    "A,2024-02-10,10,Fast delivery. Great quality and friendly support team,天猫\n"
    "B,2024-01-11,8,,天猫\n"
    "B,2024-01-11,6,物流太慢,天猫\n"  # same day as the 8: the lower score counts
    "C,2024-02-02,9,物流太慢!,京东\n"
    "D,2024-02-03,5,,\n"
)  # no channel: D's acquisition channel (京东, its first order)


def test_nps_counts_each_customers_latest_answer_once():
    con = tiny(feedback=FEEDBACK)
    s = voice.nps_summary(con, JAN_FEB)
    # latest per customer: A 10 (promoter), B 6 (detractor, same-day tie → lowest), C 9, D 5 → 2 − 2 of 4
    assert (s.responses, s.promoters, s.passives, s.detractors, s.nps) == (4, 2, 0, 2, 0.0)
    assert s.prior == -100.0 and s.change == 100.0  # the prior period held one detractor
    by_channel = voice.nps_by(con, JAN_FEB, "channel").set_index("value")
    assert by_channel.loc["天猫", ["responses", "nps"]].tolist() == [2, 0.0]
    assert by_channel.loc["京东", ["responses", "nps"]].tolist() == [2, 0.0]
    months = voice.nps_by(con, JAN_FEB, "month")
    # January: A 3 and B 6 (both detractors); February: A 10, C 9, D 5
    assert months["nps"].tolist() == [-100.0, pytest.approx(100 / 3)]
    regions = voice.nps_by(con, JAN_FEB, "region").set_index("value")["nps"].to_dict()
    assert regions == {"华东": 0.0, "华南": 0.0}  # A+D in 华东, B+C in 华南
    segments = voice.nps_by(con, JAN_FEB, "segment")
    assert segments["responses"].sum() == 4
    scoped = voice.nps_summary(con, Filters("tiny", JAN_FEB.start, JAN_FEB.end, channels=("京东",)))
    assert (scoped.responses, scoped.nps) == (2, 0.0)  # C and D


def test_the_nps_export_lists_every_dimension():
    table = voice.nps_table(tiny(feedback=FEEDBACK), JAN_FEB)
    assert table.columns.tolist() == ["dimension", "value", "responses", "promoters", "passives", "detractors", "nps"]
    assert set(table["dimension"]) == {"total", "month", "channel", "region", "segment"}
    assert table[table["dimension"] == "total"]["responses"].tolist() == [4]
    assert table[table["dimension"] == "month"]["value"].tolist() == ["2024-01", "2024-02"]


def test_csat_mean_and_top_two_boxes_on_its_own_scale():
    con = tiny(
        feedback="customer,date,score,scale\nA,2024-01-06,5,1-5\nB,2024-01-07,3,1-5\nC,2024-02-02,4,1-5\n"
        "D,2024-02-03,9,1-10\n"
    )
    table = voice.csat(con, JAN_FEB).set_index("scale")
    assert table.loc["1-5", ["responses", "csat_mean", "csat_top2"]].tolist() == [3, 4.0, pytest.approx(2 / 3)]
    assert table.loc["1-10", ["responses", "csat_mean", "csat_top2"]].tolist() == [1, 9.0, 1.0]
    assert voice.nps_summary(con, JAN_FEB).nps is None  # no 0–10 answers
    # by month and dimension on the main scale (1-5: most answers); every answer counts
    months = voice.csat_by(con, JAN_FEB, "month")
    assert months["scale"].unique().tolist() == ["1-5"]
    assert months["responses"].tolist() == [2, 1] and months["csat_top2"].tolist() == [0.5, 1.0]
    assert months["csat_mean"].tolist() == [4.0, 4.0]
    channels = voice.csat_by(con, JAN_FEB, "channel").set_index("value")
    # no channel in the file: each answer takes its customer's acquisition channel (A, B 天猫; C 京东)
    assert channels.loc["天猫", ["responses", "csat_top2"]].tolist() == [2, 0.5]
    assert channels.loc["京东", ["responses", "csat_top2"]].tolist() == [1, 1.0]
    assert voice.csat_by(con, JAN_FEB, "segment")["responses"].sum() == 3
    with pytest.raises(ValueError):
        voice.csat_by(con, JAN_FEB, "province")


def test_lapse_after_the_latest_answer_needs_a_complete_window():
    con = tiny(feedback=FEEDBACK)
    period = Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    # January's latest answers: A 3 (01-06) and B 6 (01-11), both detractors. With a 20-day window and the
    # as-of date 01-31 both windows are complete (01-26, 01-31) and neither customer ordered in them.
    table = voice.churn_by_group(con, period, window_days=20).set_index("group")
    assert table.loc["detractor", ["respondents", "judged", "lapsed"]].tolist() == [2, 2, 2]
    longer = voice.churn_by_group(con, Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 3, 31)), window_days=45)
    row = longer.set_index("group")
    # latest answers: A 10 (02-10, judged by 03-26, no later order: lapsed), B 6 (01-11: ordered 02-20), C 9
    # (02-02, lapsed), D 5 (02-03, lapsed)
    assert row.loc["promoter", ["respondents", "judged", "lapsed", "lapse_rate"]].tolist() == [2, 2, 2, 1.0]
    assert row.loc["detractor", ["respondents", "judged", "lapsed", "lapse_rate"]].tolist() == [2, 2, 1, 0.5]


def test_phrases_are_clauses_and_english_bigrams_counted_once_per_comment():
    assert voice.phrases_of("物流太慢，价格偏贵！物流太慢") == {"物流太慢", "价格偏贵"}
    assert voice.phrases_of("Fast delivery. Great quality and friendly support team") == {
        "fast delivery",
        "great quality",
        "quality friendly",
        "friendly support",
        "support team",
    }
    table = voice.phrases(tiny(feedback=FEEDBACK), JAN_FEB)
    top = table.iloc[0]
    # 物流太慢 in A's January comment, B's and C's ("物流太慢!")
    assert (top["phrase"], top["language"], top["comments"], top["detractors"], top["promoters"]) == (
        "物流太慢",
        "zh",
        3,
        2,
        1,
    )
    assert table["comment_share"].iloc[0] == pytest.approx(3 / 4)  # of the 4 comments in the period
    assert "en" in set(table["language"])


def test_referral_rate_value_and_top_referrers():
    con = tiny(customers="customer_id,referred_by\nA,\nB,A\nC,A\nD,D\n")
    s = voice.referral_summary(con, JAN_FEB)
    # new in Jan–Feb: B, C, D (A first bought in December); B and C name A, D names itself (not a referral)
    assert (s.new_customers, s.referred, s.rate) == (3, 2, pytest.approx(2 / 3))
    value = voice.referral_value(
        con,
        Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ).set_index("group")
    assert value.loc["referred", ["customers", "revenue_per_customer"]].tolist() == [2, 100.0]  # (120 + 80) / 2
    top = voice.top_referrers(con, JAN_FEB)
    assert top[["referrer", "referred_customers", "referred_revenue", "is_customer", "revenue"]].values.tolist() == [
        ["A", 2, 200.0, True, 400.0]
    ]


def test_contacts_per_active_customer_per_month_and_the_no_contact_list():
    con = tiny(
        interactions="customer,date,type,owner\nA,2024-01-03,visit,王磊\nA,2024-01-20,call,王磊\n"
        "C,2024-02-05,企业微信,李娜\nZ,2024-02-06,call,李娜\n"
    )
    months = relationship.monthly(con, JAN_FEB)
    # active at 01-31: A, B (orders within 180 days); at 02-29: A, B, C, D
    assert months[["interactions", "active_customers"]].values.tolist() == [[2, 2], [2, 4]]
    assert months["contacts_per_customer"].tolist() == [1.0, 0.5]
    assert relationship.summary(con, JAN_FEB)["contacts_per_customer"] == pytest.approx(4 / 6)
    # with a channel filter the unknown Z no longer counts and actives are 天猫's customers (A, B)
    scoped = relationship.monthly(con, Filters("tiny", JAN_FEB.start, JAN_FEB.end, channels=("天猫",)))
    assert scoped[["interactions", "active_customers"]].values.tolist() == [[2, 2], [0, 2]]
    buckets = relationship.days_since_contact(con, JAN_FEB).set_index("bucket")["customers"]
    assert buckets[["le30", "le90", "never"]].tolist() == [1, 1, 2]  # C 24 days, A 40 days; B and D never
    listed = relationship.no_contact(con, JAN_FEB, days=30)
    # M score 5 = the top fifth by revenue: A (¥300); last contact 40 days before 02-29
    assert listed[["customer_id", "days_since_contact", "owner"]].values.tolist() == [["A", 40, "王磊"]]
    events = relationship.timeline(con, "tiny", customer_id="A")
    assert events["kind"].tolist() == ["contact", "order", "contact", "order"]


def test_active_customers_at_each_month_end_count_each_customer_once_and_respect_the_window_edge():
    # active at a month end d: a buying day in (d - 180, d]. 2024-01-31 - 180 = 2023-08-04; 02-29 - 180 = 09-02
    con = warehouse_with(
        [
            line("p1", "2023-06-01", "P", "天猫", "华东", 10.0),  # P: last bought 06-20, out of both windows
            line("p2", "2023-06-20", "P", "天猫", "华东", 10.0),
            line("q1", "2023-09-03", "Q", "天猫", "华东", 10.0),  # Q: three buying days, every window: once each
            line("q2", "2023-12-01", "Q", "天猫", "华东", 10.0),
            line("q3", "2024-01-15", "Q", "京东", "华东", 10.0),
            line("q4", "2024-01-15", "Q", "天猫", "华东", 10.0),  # a second order the same day
            line("r1", "2023-08-04", "R", "京东", "华南", 10.0),  # exactly 180 days before 01-31: not active
            line("r2", "2024-02-10", "R", "京东", "华南", 10.0),
            line("s1", "2023-09-02", "S", "京东", "华南", 10.0),  # exactly 180 days before 02-29: only January
        ]
    )
    months = relationship.monthly(con, JAN_FEB)
    assert months["active_customers"].tolist() == [2, 2]  # 01-31: Q, S; 02-29: Q, R
    by_region = relationship.monthly(con, Filters("tiny", JAN_FEB.start, JAN_FEB.end, regions=("华南",)))
    assert by_region["active_customers"].tolist() == [1, 1]  # S, then R


def test_conversion_keeps_stated_rates_and_computes_the_others():
    con = tiny(
        traffic="period,channel,source,visitors,conversion rate\n2024-01,天猫,搜索,100,\n2024-01,天猫,广告,100,\n"
        "2024-02,京东,,50,\n2024-02-01~2024-02-29,,直播,400,2.5%\n2024-01-01~2024-02-29,抖音,,80,\n"
    )
    table = conversion.conversion(con, JAN_FEB).set_index("channel")
    # 天猫 January: 200 visitors (two sources) and its January orders o2, o3 once: 2 / 200
    assert table.loc["天猫", ["visitors", "orders", "conversion_rate", "basis"]].tolist() == [
        200.0,
        2.0,
        0.01,
        "computed",
    ]
    assert table.loc["京东", ["orders", "conversion_rate"]].tolist() == [2.0, 0.04]
    assert table.loc["直播", ["level", "orders", "conversion_rate", "basis"]].tolist() == [
        "source",
        10.0,
        0.025,
        "stated",
    ]
    assert table.loc["抖音", "basis"] == "none" and pd.isna(table.loc["抖音", "conversion_rate"])  # sells nothing
    half = conversion.conversion(con, Filters("tiny", dt.date(2024, 2, 1), dt.date(2024, 2, 29))).set_index("channel")
    assert half.loc["直播", "visitors"] == 400.0 and half.loc["抖音", "visitors"] == pytest.approx(80 * 29 / 60)
    assert "天猫" not in half.index  # January's rows are outside February
    monthly = conversion.by_month(con, JAN_FEB)
    assert monthly[monthly["channel"] == "天猫"][["visitors", "orders"]].values.tolist() == [[200.0, 2.0]]
    # over the channels and sources with a rate (抖音 has none)
    assert conversion.pooled_rate(conversion.conversion(con, JAN_FEB)) == pytest.approx((2 + 2 + 10) / 650)
    export = conversion.export_frame(con, JAN_FEB)
    assert export.columns[:4].tolist() == ["channel", "visitors", "orders", "conversion_rate"]


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("13800138000", True),
        ("138 0013 8000", True),
        ("+86 138-0013-8000", True),
        ("008613800138000", True),
        ("021-64881234", True),
        ("+44 20 7946 0958", True),
        ("138****8000", False),
        ("1380013", False),
        ("12800138000", False),
        ("电话", False),
    ],
)
def test_phone_rules(raw, valid):
    phone = health.normalise_phone(pd.Series([raw]))
    assert bool(health._phone_valid(phone).iloc[0]) is valid


def test_data_health_counts_completeness_invalid_duplicates_and_scores_them():
    con = tiny(
        customers="客户编号,手机号,邮箱,性别,生日,年龄,区域,姓名\n"
        "A,138 0013 8000,a@x.cn,女,1990-05-01,,华东,王芳\n"
        "B,+86 13800138000,bad-mail,?,2030-01-01,,华南,李*\n"
        "C,,c@x.cn,男,,150,华南,\n"
        "D,12345,A@X.cn,未知,1990-13-45,,,赵六\n"
    )
    report = health.data_health(con, "tiny")
    fields = report.fields.set_index("field")
    assert fields.loc["phone", ["completeness", "invalid", "duplicates"]].tolist() == [0.5, 1, 2]  # A and B share one
    assert fields.loc["email", ["completeness", "invalid", "duplicates"]].tolist() == [0.75, 1, 2]  # a@x.cn = A@X.cn
    assert fields.loc["gender", ["completeness", "invalid", "filled"]].tolist() == [0.5, 1, 3]  # 未知 is empty
    # ages: A valid; B born after the as-of day (2024-02-21); C 150; D unreadable
    assert fields.loc["age", ["completeness", "invalid"]].tolist() == [0.25, 3]
    assert fields.loc["name", ["completeness", "invalid"]].tolist() == [0.5, 1]  # 李* is masked
    assert fields.loc["region", "completeness"] == 0.75
    assert report.duplicate_customers == 3 and report.complete_records == 2  # A, B, D; phone is the required field
    parts = report.breakdown.set_index("component")["value"]
    assert parts["completeness"] == pytest.approx((0.5 + 0.75 + 0.5 + 0.5 + 0.25 + 0.75) / 6)
    assert parts["complete_records"] == 0.5 and parts["uniqueness"] == 0.25
    assert parts["validity"] == pytest.approx(1 - 7 / 20)  # 20 values filled, 7 invalid
    assert report.score == pytest.approx(
        100 * (0.4 * parts["completeness"] + 0.2 * 0.5 + 0.2 * parts["validity"] + 0.2 * 0.25)
    )
    problems = report.problems
    assert set(problems["problem"]) == {"invalid_format", "future_date", "impossible_age", "unreadable", "duplicate"}
    by_region = report.by_region.set_index("region")
    # D has no region of its own: it counts under its first order's, 华东 (with A)
    assert by_region.loc["华东", ["customers", "phone"]].tolist() == [2, 0.5]
    assert by_region.loc["华南", ["customers", "phone"]].tolist() == [2, 0.5]
    assert health.export_frame(report).columns.tolist() == ["field", "completeness", "invalid", "duplicates"]


def test_the_advisor_takes_the_data_health_signal_from_a_report_computed_elsewhere():
    """The advisor page measures without the report (with_health=False) and adds it from the background
    fit (advisor.health_signal): the same evidence as measuring it in place."""
    from metrics import advisor

    con = tiny(
        customers="客户编号,手机号,邮箱,性别,区域,姓名\nA,13800138000,a@x.cn,女,华东,王芳\nB,12345,,,华南,李四\n"
    )
    whole = advisor.measure(con, JAN_FEB)
    pending = advisor.measure(con, JAN_FEB, with_health=False)
    assert pending.get("data_health").reason == "advisor_na_pending"
    handed = pending.with_measurement(advisor.health_signal(health.data_health(con, "tiny")))
    assert handed == whole and whole.get("data_health").value == health.data_health(con, "tiny").score
    assert whole.get("data_health").detail["field"] == "age"  # never collected: the weakest field
    assert advisor.health_signal(None).reason == "advisor_na_no_customers_file"


def test_data_health_without_a_customers_file_is_none():
    con = tiny()
    assert health.data_health(con, "tiny") is None
    assert health.export_frame(None).empty
