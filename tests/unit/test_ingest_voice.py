"""The customer-voice kinds (feedback, interactions, traffic) and the customers file's profile and
referral fields: each loads a good file, rejects bad rows with their row numbers, and refuses a file it
cannot use, through the same ingest path as every extra file."""

from __future__ import annotations

import datetime as dt

import pytest

from data import registry, warehouse
from data.ingest import ingest
from data.ingest.voice import contact_type, parse_periods, scale_of
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes

GOOD = {
    "feedback": "客户编号,反馈日期,推荐意愿,评价内容,渠道\nC1,2020-01-08,10,物流很快，质量很好,天猫\n"
    "C2,2020-01-09,3,太贵了,京东\nC1,2020-02-01,8,,天猫\n",
    "interactions": "customer_id,contact date,type,owner,outcome\nC1,2020-01-05,拜访,王磊,成交意向\n"
    "C2,2020-01-06,企业微信,李娜,\nC2,2020-01-20,E-mail,李娜,已回复\n",
    "traffic": "月份,渠道,访客数,线索数\n2020-01,天猫,1000,40\n2020-01,京东,500,\n2020-02,天猫,1200,52\n",
    "customers": "客户编号,手机号,邮箱,性别,出生日期,推荐人\nC1,13800138000,a@b.com,女,1990-05-01,\n"
    "C2,+86 139-0013-9000,B@Example.com,male,1985/2/3,C1\n",
}
BAD_ROWS = {  # (file, accepted rows, {reason: count}); the bad rows are file rows 3, 4 and 5
    "feedback": (
        "customer,date,score,scale\nC1,2020-01-08,9,NPS\nC2,2020-01-09,11,0-10\nC3,2020-01-09,4,一到五分\n"
        ",2020-01-10,5,1-5\n",
        1,
        {"score_out_of_scale": 1, "bad_scale": 1, "missing_customer": 1},
    ),
    "interactions": (
        "客户编号,日期,方式\nC1,2020-01-05,电话\nC2,2020-02-30,拜访\nC3,2020-01-06,\n,2020-01-06,拜访\n",
        1,
        {"impossible_date": 1, "missing_contact_type": 1, "missing_customer": 1},
    ),
    "traffic": (
        "日期,渠道,访客数,转化率\n2020-01-06,天猫,100,2%\n2020-13-45,天猫,100,2%\n2020-01-07,天猫,-5,2%\n"
        "2020-01-08,天猫,100,120%\n",
        1,
        {"bad_period": 1, "negative_visitors": 1, "bad_rate": 1},
    ),
    "customers": (
        "客户编号,手机号,推荐人\nC1,13800138000,\n,13900139000,C1\nC2,x" + "9" * 2001 + ",\n,,\n",
        1,
        {"missing_customer": 2, "text_too_long": 1},
    ),
}
TABLES = {"feedback": "feedback", "interactions": "interactions", "traffic": "traffic", "customers": "customers"}
COLUMNS = {  # what each table's rows read, in a stable order
    "feedback": "customer_id, feedback_date, score, scale, comment, channel",
    "interactions": "customer_id, contact_date, contact_type, owner, outcome",
    "traffic": "period_start, period_end, channel, source, visitors, leads, conversion_rate, aov",
    "customers": "customer_id, phone, email, gender, birth_date, referred_by, invalid_fields",
}


@pytest.fixture
def con():
    connection = warehouse.connect(":memory:")
    assert ingest(connection, csv_bytes(ORDERS_CSV), "s", filename="orders.csv").loaded
    return connection


def rows(con, kind: str) -> list[tuple]:
    return con.cursor().execute(f"SELECT {COLUMNS[kind]} FROM {TABLES[kind]} ORDER BY ALL").fetchall()  # noqa: S608


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_good_file_loads(con, kind):
    before = registry.get_dataset(con, "s").version
    report = ingest(con, GOOD[kind].encode(), "s", kind=kind)
    assert report.loaded and report.rows_rejected == 0, (report.errors, report.reject_counts)
    assert len(rows(con, kind)) == report.rows_inserted == GOOD[kind].count("\n") - 1
    assert registry.get_dataset(con, "s").version == before + 1


def test_good_files_hold_what_they_said(con):
    for kind, text in GOOD.items():
        report = ingest(con, text.encode(), "s", kind=kind)
        assert report.loaded, report.errors
    # the score header says 推荐 (recommend): a 0-10 NPS question; an empty comment stays empty
    assert rows(con, "feedback") == [
        ("C1", dt.date(2020, 1, 8), 10.0, "0-10", "物流很快，质量很好", "天猫"),
        ("C1", dt.date(2020, 2, 1), 8.0, "0-10", None, "天猫"),
        ("C2", dt.date(2020, 1, 9), 3.0, "0-10", "太贵了", "京东"),
    ]
    assert rows(con, "interactions") == [
        ("C1", dt.date(2020, 1, 5), "visit", "王磊", "成交意向"),
        ("C2", dt.date(2020, 1, 6), "wecom", "李娜", None),
        ("C2", dt.date(2020, 1, 20), "email", "李娜", "已回复"),
    ]
    # "2020-01" is the whole month
    assert rows(con, "traffic") == [
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31), "京东", None, 500.0, None, None, None),
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31), "天猫", None, 1000.0, 40.0, None, None),
        (dt.date(2020, 2, 1), dt.date(2020, 2, 29), "天猫", None, 1200.0, 52.0, None, None),
    ]
    # profile text is kept exactly as written: its validity is CRM data health's business, not the load's
    assert rows(con, "customers") == [
        ("C1", "13800138000", "a@b.com", "女", dt.date(1990, 5, 1), None, None),
        ("C2", "+86 139-0013-9000", "B@Example.com", "male", dt.date(1985, 2, 3), "C1", None),
    ]


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_bad_rows_are_rejected_with_their_row_numbers(con, kind):
    text, accepted, reasons = BAD_ROWS[kind]
    report = ingest(con, text.encode(), "s", kind=kind)
    assert report.loaded and report.rows_accepted == accepted and report.reject_counts == reasons, report.reject_counts
    assert [r.row for r in report.rejects] == [3, 4, 5]  # the header is row 1
    assert len(rows(con, kind)) == accepted


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_file_it_cannot_use_is_refused_and_nothing_changes(con, kind):
    ingest(con, GOOD[kind].encode(), "s", kind=kind)
    before = (rows(con, kind), registry.get_dataset(con, "s").version)
    unusable = ingest(con, b"foo,bar\n1,2\n", "s", kind=kind)
    assert not unusable.loaded and unusable.errors[0]["code"] == "missing_required"
    header, _, *bad = BAD_ROWS[kind][0].splitlines()
    all_bad = ingest(con, "\n".join([header, *bad]).encode() + b"\n", "s", kind=kind)
    assert not all_bad.loaded and all_bad.errors[0]["code"] == "no_valid_rows"
    assert not ingest(con, GOOD[kind].encode(), "nope", kind=kind).loaded  # no such dataset
    assert (rows(con, kind), registry.get_dataset(con, "s").version) == before


def test_traffic_needs_a_channel_or_a_source(con):
    report = ingest(con, "日期,访客数\n2020-01-01,100\n".encode(), "s", kind="traffic")
    assert not report.loaded and report.errors[0] == {"code": "missing_required", "params": {"fields": "channel"}}


def test_a_shop_snapshot_keeps_its_stated_rates_written_as_text(con):
    """A 生意参谋-style traffic-source snapshot, GBK with a title row: percentages as text, a total row
    left out, no period column (the dataset's whole range stands in), rates ≥ 1 read as percent."""
    text = (
        "统计时间：2020-01-01~2020-01-31\n流量来源,来源明细,访客数,支付转化率,客单价\n"
        '淘内免费,手淘搜索,"12,000",3.25%,158.30\n付费流量,直通车,5000,2.10%,142\n汇总,,17000,2.91%,153\n'
    )
    report = ingest(con, text.encode("gbk"), "s", kind="traffic")
    assert report.loaded and report.reject_counts == {"total_row": 1}
    assert {w["code"] for w in report.warnings} == {"no_period"}
    assert rows(con, "traffic") == [
        (None, None, None, "付费流量", 5000.0, None, 0.021, 142.0),
        (None, None, None, "淘内免费", 12000.0, None, 0.0325, 158.3),
    ]
    percent = ingest(con, "渠道,访客数,转化率\n天猫,100,3.2\n京东,50,1.5\n".encode(), "s", kind="traffic")
    assert percent.loaded and [w["code"] for w in percent.warnings] == ["no_period", "rate_in_percent"]
    assert [r[6] for r in rows(con, "traffic")] == [pytest.approx(0.015), pytest.approx(0.032)]


@pytest.mark.parametrize(
    ("cells", "grain", "ends"),
    [
        (["2020-01-01", "2020-02-01"], "months", ["2020-01-31", "2020-02-29"]),
        (["2020-01-06", "2020-01-13", "2020-01-27"], "weeks", ["2020-01-12", "2020-01-19", "2020-02-02"]),
        (["2020-01-06", "2020-01-07"], None, ["2020-01-06", "2020-01-07"]),
    ],
    ids=["firsts-are-months", "mondays-are-weeks", "days"],
)
def test_single_dates_that_are_months_or_weeks_become_them(con, cells, grain, ends):
    text = "date,channel,visitors\n" + "".join(f"{c},天猫,10\n" for c in cells)
    report = ingest(con, text.encode(), "s", kind="traffic")
    assert report.loaded and [w["code"] for w in report.warnings] == ([f"period_{grain}"] if grain else [])
    assert [str(r[1]) for r in rows(con, "traffic")] == ends


def test_periods_read_days_months_and_ranges():
    import pandas as pd

    start, end, bad, single = parse_periods(
        pd.Series(["2025-06", "2025年7月", "2025-06-01~2025-06-30", "2025/6/3 至 2025/6/9", "2025-06-09", "soon", None])
    )
    assert [str(d.date()) if pd.notna(d) else None for d in start] == [
        "2025-06-01",
        "2025-07-01",
        "2025-06-01",
        "2025-06-03",
        "2025-06-09",
        None,
        None,
    ]
    assert [str(d.date()) if pd.notna(d) else None for d in end] == [
        "2025-06-30",
        "2025-07-31",
        "2025-06-30",
        "2025-06-09",
        "2025-06-09",
        None,
        None,
    ]
    assert bad.tolist() == [False] * 5 + [True, False] and not single


@pytest.mark.parametrize(
    ("cell", "scale"),
    [
        ("NPS", "0-10"),
        ("0-10", "0-10"),
        ("0～10分", "0-10"),
        ("1-5", "1-5"),
        ("CSAT", "1-5"),
        ("满意度", "1-5"),
        ("1-10", "1-10"),
        ("五分制?", None),
        ("", None),
    ],
)
def test_scale_words(cell, scale):
    assert scale_of(cell) == scale


def test_scales_are_inferred_from_the_header_or_the_scores(con):
    def scales(text: str) -> list[str]:
        report = ingest(con, text.encode(), "s", kind="feedback")
        assert report.loaded, report.errors
        return sorted({r[3] for r in rows(con, "feedback")})

    assert scales("customer,date,score\nC1,2020-01-01,4\nC2,2020-01-02,5\n") == ["1-5"]  # all within 1..5
    assert scales("customer,date,score\nC1,2020-01-01,0\nC2,2020-01-02,5\n") == ["0-10"]  # a 0 is NPS
    assert scales("customer,date,满意度\nC1,2020-01-01,7\nC2,2020-01-02,9\n") == ["1-10"]  # satisfaction above 5
    mixed = "customer,date,score,scale\nC1,2020-01-01,9,NPS\nC2,2020-01-02,4,1-5\nC3,2020-01-02,3,\n"
    assert scales(mixed) == ["0-10", "1-5"]  # the empty scale cell takes the file's (a 9 → 0-10)


def test_contact_types_fold_to_their_kind():
    assert [
        contact_type(w) for w in ("上门拜访", "拜访", "Phone call", "企业微信", "WeChat", "邮件", "短信", "直播间", "")
    ] == ["上门拜访", "visit", "call", "wecom", "wecom", "email", "sms", "直播间", None]


def test_unreadable_profile_dates_and_ages_are_kept_empty_and_named(con):
    text = "客户编号,生日,年龄,手机\nC1,1990-13-45,abc,1\nC2,1801-01-01,35,2\nC3,1990-01-01,35,3\n"
    report = ingest(con, text.encode(), "s", kind="customers")
    assert report.loaded and report.rows_rejected == 0
    assert report.warnings[-1] == {"code": "profile_unreadable", "params": {"count": 3, "fields": "birth_date, age"}}
    found = (
        con.cursor().execute("SELECT customer_id, birth_date, age, invalid_fields FROM customers ORDER BY 1").fetchall()
    )
    assert found == [
        ("C1", None, None, "birth_date,age"),
        ("C2", None, 35.0, "birth_date"),
        ("C3", dt.date(1990, 1, 1), 35.0, None),
    ]


def test_a_snapshot_from_before_the_profile_fields_still_reads(tmp_path):
    """Migration 011 added columns to customers; a snapshot written without them reads them as NULL."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from data import snapshots

    wh = warehouse.open_warehouse(tmp_path / "wh")
    assert ingest(wh, csv_bytes(ORDERS_CSV), "s", filename="orders.csv").loaded
    assert ingest(wh, GOOD["customers"].encode(), "s", kind="customers").loaded
    folder = tmp_path / "wh" / snapshots.SNAPSHOTS / wh.state.datasets()[0]["snapshot"]
    old = pq.read_table(folder / "customers.parquet").select(["dataset", "customer_id", "acquisition_channel"])
    pq.write_table(pa.table(old), folder / "customers.parquet")  # as a version before 011 wrote it
    Warehouse = type(wh)
    Warehouse._opened.clear()
    reader = warehouse.open_warehouse(tmp_path / "wh").reader()
    assert reader.cursor().execute("SELECT customer_id, phone, birth_date FROM customers ORDER BY 1").fetchall() == [
        ("C1", None, None),
        ("C2", None, None),
    ]
