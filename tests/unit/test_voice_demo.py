"""The demo's customer voice tells the truth about itself: the metrics recover what data/demo_voice.py
planted (session demo, 40k lines; the truths are computed from the generator's arrays)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import demo, warehouse
from metrics import conversion, health, relationship, rfm, voice
from metrics.filters import Filters

YEAR = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
LAST_YEAR = Filters("demo", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
ALL = Filters("demo", dt.date(2023, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def con(demo_db):
    connection = warehouse.connect(demo_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def truth(con):
    return demo.truths(con)["voice"]


def test_nps_is_the_planted_realised_score_and_live_commerce_trails(con, truth):
    planted = truth["feedback"]
    summary = voice.nps_summary(con, YEAR)
    assert summary.nps == pytest.approx(planted["nps_by_year"]["2025"])
    assert voice.nps_summary(con, LAST_YEAR).nps == pytest.approx(planted["nps_by_year"]["2024"])
    assert summary.responses == planted["responses_by_year"]["2025"]
    by_channel = voice.nps_by(con, YEAR, "channel").set_index("value")["nps"]
    assert by_channel.to_dict() == pytest.approx(planted["nps_by_channel_2025"])
    # 直播带货's detractor odds are planted at 1.8×: it has the lowest NPS of the consumer channels
    consumer = by_channel[["电商平台", "直营门店", "直播带货"]]
    assert consumer.idxmin() == "直播带货"


def test_detractors_churn_at_the_planted_higher_rate(con, truth):
    lapse = voice.churn_by_group(con, ALL).set_index("group")
    assert lapse["judged"].sum() == truth["feedback"]["judged_all"]
    assert lapse["lapse_rate"].to_dict() == pytest.approx(truth["feedback"]["lapse_180_all"])
    # leaving customers answer as detractors 52% of the time, staying ones 14%: the gap is planted
    assert lapse.loc["detractor", "lapse_rate"] > lapse.loc["promoter", "lapse_rate"] + 0.15


def test_detractors_most_frequent_complaint_is_the_planted_one(con, truth):
    words = voice.phrases(con, ALL, group="detractor")
    assert words["phrase"].iloc[0] == truth["feedback"]["detractor_top_phrase"] == "物流太慢"
    assert set(words["language"]) == {"zh", "en"}  # both languages' comments are read
    assert (words["detractors"] == words["comments"]).all()


def test_referral_rate_and_the_planted_super_referrers(con, truth):
    planted = truth["referral"]
    summary = voice.referral_summary(con, YEAR)
    assert summary.rate == pytest.approx(planted["rate_by_year"]["2025"])
    assert voice.referral_summary(con, LAST_YEAR).rate == pytest.approx(planted["rate_by_year"]["2024"])
    top = voice.top_referrers(con, YEAR, top=20)
    counts = dict(zip(top["referrer"], top["referred_customers"], strict=True))
    assert {k: counts.get(k, 0) for k in planted["super_referrers"]} == planted["super_referred_2025"]
    assert top["referrer"].iloc[0] in planted["super_referrers"]  # a quarter of referrals go to five KOCs
    # referred customers were drawn mostly from those who stay: they come back more often
    value = voice.referral_value(con, Filters("demo", dt.date(2024, 1, 1), dt.date(2025, 12, 31))).set_index("group")
    assert value.loc["referred", "repeat_rate"] > value.loc["others", "repeat_rate"]


def test_contact_frequency_and_the_rep_who_left(con, truth):
    planted = truth["contacts"]
    assert relationship.summary(con, YEAR)["contacts_per_customer"] == pytest.approx(
        planted["contacts_per_active_customer_2025"]
    )
    listed = relationship.no_contact(con, YEAR, days=90)
    gone = planted["departed"]
    # nobody took over 王磊's accounts after he left: every high-value one of them is on the list
    high = set(listed["customer_id"])
    top = rfm.rfm(con, YEAR)
    his_high_value = set(top[top["m"] == 5]["customer_id"]) & set(gone["customers"])
    assert his_high_value and his_high_value <= high
    owners = listed["owner"].dropna()
    assert owners.value_counts().idxmax() == gone["owner"]
    assert (listed.loc[listed["owner"] == gone["owner"], "last_contact"] <= pd.Timestamp(gone["left_on"])).all()


def test_conversion_recovers_the_planted_rates(con, truth):
    planted = truth["conversion"]
    found = conversion.conversion(con, YEAR).set_index("channel")
    for channel, rate in planted["planted_rates"].items():
        assert found.loc[channel, "basis"] == "computed"
        assert found.loc[channel, "conversion_rate"] == pytest.approx(planted["rate_by_year"][channel]["2025"])
        assert found.loc[channel, "conversion_rate"] == pytest.approx(rate, rel=0.1)  # monthly noise averages out
    mix = conversion.sources(con, YEAR).set_index("source")["visitor_share"]
    assert mix.to_dict() == pytest.approx(planted["sources"]["电商平台"], abs=0.03)


def test_crm_data_health_is_the_same_whether_records_reach_pandas_through_arrow_or_duckdb(con):
    """data_health reads the records through Arrow (metrics.db.query_large: 4x faster, half the memory at
    1.2M records); DuckDB's own conversion must give the same report, cell for cell."""
    from metrics import db

    records = db.query_large(con, "health_customers", dataset="demo")
    assert str(records["birth_date"].dtype) == "datetime64[us]" and str(records["as_of"].dtype) == "datetime64[us]"
    via_arrow = health.data_health(con, "demo")
    via_duckdb = health.assess(db.query(con, "health_customers", dataset="demo"), health.default_config())
    assert via_arrow.problems["problem"].nunique() >= 3  # the comparison covers invalid values, not only clean ones
    assert (via_arrow.score, via_arrow.customers, via_arrow.duplicate_customers, via_arrow.complete_records) == (
        via_duckdb.score,
        via_duckdb.customers,
        via_duckdb.duplicate_customers,
        via_duckdb.complete_records,
    )
    for part in ("fields", "breakdown", "by_region", "problems"):
        pd.testing.assert_frame_equal(
            getattr(via_arrow, part).astype(object), getattr(via_duckdb, part).astype(object), obj=part
        )


def test_relationship_customers_are_the_same_through_arrow_or_duckdb(con):
    """relationship.per_customer reads 1.2M rows at 10M lines through Arrow (metrics.db.query_large);
    DuckDB's own conversion gives the same customers, dates, counts, owners and flags."""
    from metrics import db

    for f in (YEAR, ALL):
        via_arrow = relationship.per_customer(con, f)
        params = dict(window=relationship.ACTIVE_WINDOW_DAYS, **f.params())
        via_duckdb = db.query(con, "rel_customers", **params)
        assert len(via_arrow) > 1000 and via_arrow["days_since_contact"].isna().any()  # never contacted: NA
        pd.testing.assert_frame_equal(via_arrow, via_duckdb, check_dtype=False)
        assert str(via_arrow["days_since_contact"].dtype) == "Int64"


def test_crm_data_health_finds_the_region_without_phones(con, truth):
    planted = truth["profiles"]
    report = health.data_health(con, "demo")
    fields = report.fields.set_index("field")
    for name, share in planted["completeness"].items():
        assert fields.loc[name, "completeness"] == pytest.approx(share), name
    assert fields.loc["phone", "invalid"] == planted["invalid"]["phone"]
    assert fields.loc["email", "invalid"] == planted["invalid"]["email"]
    assert (
        fields.loc["age", "invalid"] == planted["invalid"]["future_birth_dates"] + planted["invalid"]["impossible_ages"]
    )
    assert report.duplicate_customers == planted["duplicate_customers"]
    problems = report.problems["problem"].value_counts()
    assert problems["future_date"] == planted["invalid"]["future_birth_dates"]
    assert problems["impossible_age"] == planted["invalid"]["impossible_ages"]
    by_region = report.by_region.set_index("region")["phone"]
    assert by_region.idxmin() == planted["missing_phone_region"]
    assert by_region.to_dict() == pytest.approx(planted["phone_completeness_by_region"])
    assert report.score == pytest.approx(report.breakdown["points"].sum()) and 0 < report.score < 100
