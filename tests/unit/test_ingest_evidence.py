"""The budget evidence kinds (weekly_spend, crm_contacts, experiments): each loads a good file,
rejects bad rows with their row numbers, and refuses a file it cannot use — through the same
ingest path as every extra file."""

from __future__ import annotations

import datetime as dt

import pytest

from data import registry, warehouse
from data.ingest import ingest
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes

GOOD = {
    "weekly_spend": "周,渠道,金额\n2020-01-08,天猫,1200\n2020-01-13,天猫,0\n2020-01-13,京东,300.5\n",
    "crm_contacts": "programme,campaign,customer_id,contact_date,group\n会员积分,2020-01,C1,2020-01-05,control\n"
    "会员积分,2020-01,C2,2020-01-05,触达组\n短信,S1,C1,2020-01-09,contacted\n",
    "experiments": "渠道,开始日期,结束日期,增量投入,增量销售额,标准误\n天猫,2020-03-02,2020-04-26,50000,120000,18000\n",
}
BAD_ROWS = {  # (file, accepted rows, {reason: count})
    "weekly_spend": (
        "week,channel,amount\n2020-01-08,天猫,100\n2020-01-13,天猫,-3\n2020-01-20,天猫,abc\n2020-02-31,京东,1\n",
        1,
        {"negative_spend": 1, "bad_number": 1, "impossible_date": 1},
    ),
    "crm_contacts": (
        "programme,campaign,customer_id,contact_date,group\nP,C,1,2020-01-05,control\n"
        "P,C,2,2020-01-05,maybe\nP,C,,2020-01-05,control\nP,,3,2020-01-05,test\n",
        1,
        {"bad_group": 1, "missing_customer": 1, "missing_campaign": 1},
    ),
    "experiments": (
        "lever,start,end,spend change,lift,se\nA,2020-03-01,2020-03-31,10,20,5\n"
        "A,2020-05-01,2020-04-01,10,20,5\nA,2020-05-01,2020-06-01,10,20,0\n,2020-05-01,2020-06-01,1,2,3\n",
        1,
        {"bad_window": 1, "bad_std_error": 1, "missing_lever": 1},
    ),
}
TABLES = {"weekly_spend": "marketing_weekly", "crm_contacts": "crm_contacts", "experiments": "experiments"}


@pytest.fixture
def con():
    connection = warehouse.connect(":memory:")
    assert ingest(connection, csv_bytes(ORDERS_CSV), "s", filename="orders.csv").loaded
    return connection


def rows(con, table: str) -> list[tuple]:
    return con.cursor().execute(f"SELECT * EXCLUDE (dataset) FROM {table} ORDER BY ALL").fetchall()  # noqa: S608


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_good_file_loads(con, kind):
    before = registry.get_dataset(con, "s").version
    report = ingest(con, GOOD[kind].encode(), "s", kind=kind)
    assert report.loaded and report.rows_rejected == 0, report.errors
    assert len(rows(con, TABLES[kind])) == report.rows_inserted == GOOD[kind].count("\n") - 1
    assert registry.get_dataset(con, "s").version == before + 1  # the budget model refits


def test_good_files_hold_what_they_said(con):
    for kind, text in GOOD.items():
        ingest(con, text.encode(), "s", kind=kind)
    # weeks start on Monday: 2020-01-08 (a Wednesday) is the week of 2020-01-06
    assert rows(con, "marketing_weekly") == [
        (dt.date(2020, 1, 6), "天猫", 1200.0),
        (dt.date(2020, 1, 13), "京东", 300.5),
        (dt.date(2020, 1, 13), "天猫", 0.0),
    ]
    assert rows(con, "crm_contacts") == [
        ("会员积分", "2020-01", "C1", dt.date(2020, 1, 5), True),
        ("会员积分", "2020-01", "C2", dt.date(2020, 1, 5), False),
        ("短信", "S1", "C1", dt.date(2020, 1, 9), False),
    ]
    assert rows(con, "experiments") == [("天猫", dt.date(2020, 3, 2), dt.date(2020, 4, 26), 50000.0, 120000.0, 18000.0)]


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_bad_rows_are_rejected_with_their_row_numbers(con, kind):
    text, accepted, reasons = BAD_ROWS[kind]
    report = ingest(con, text.encode(), "s", kind=kind)
    assert report.loaded and report.rows_accepted == accepted and report.reject_counts == reasons
    assert [r.row for r in report.rejects] == [3, 4, 5]  # the header is row 1
    assert len(rows(con, TABLES[kind])) == accepted


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_file_it_cannot_use_is_refused_and_nothing_changes(con, kind):
    ingest(con, GOOD[kind].encode(), "s", kind=kind)
    before = (rows(con, TABLES[kind]), registry.get_dataset(con, "s").version)
    unusable = ingest(con, b"foo,bar\n1,2\n", "s", kind=kind)
    assert not unusable.loaded and unusable.errors[0]["code"] == "missing_required"
    all_bad = ingest(
        con,
        BAD_ROWS[kind][0].splitlines()[0].encode()
        + b"\n"
        + b"\n".join(line.encode() for line in BAD_ROWS[kind][0].splitlines()[2:]),
        "s",
        kind=kind,
    )
    assert not all_bad.loaded and all_bad.errors[0]["code"] == "no_valid_rows"
    assert not ingest(con, GOOD[kind].encode(), "nope", kind=kind).loaded  # no such dataset
    assert (rows(con, TABLES[kind]), registry.get_dataset(con, "s").version) == before


def test_a_wide_spend_export_loads_one_column_at_a_time(con):
    wide = b"DATE,tv_S,search_S\n2020-01-06,100,7\n2020-01-13,0,9\n"
    first = ingest(con, wide, "s", kind="weekly_spend", mapping={"amount": "tv_S"})
    assert first.loaded and first.warnings[0]["code"] == "channel_from_header"
    assert ingest(con, wide, "s", kind="weekly_spend", mapping={"amount": "search_S"}, mode="append").loaded
    totals = con.cursor().execute("SELECT channel, sum(amount) FROM marketing_weekly GROUP BY 1 ORDER BY 1").fetchall()
    assert totals == [("search_S", 16.0), ("tv_S", 100.0)]
