"""Issue 10: real exports of ten systems load by themselves, with the right revenue, orders and customers.

Each fixture in ``export_fixtures.py`` is one system's export in its real layout, encoding and format,
with totals worked out by hand; it is loaded through the ``python -m data load`` command line (in
this process for speed, and a few times as a real subprocess).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from data import warehouse
from data.__main__ import main as data_cli
from data.ingest import IngestError, ingest, layouts, prepare, read_file, recognise, resolve
from data.ingest.profiles import PROFILE_DIR
from present import i18n
from tests.unit import export_fixtures as fx
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> tuple[int, dict]:
    """``python -m data ARGS`` in this process: exit code and the JSON report."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = data_cli(list(args))
    return code, json.loads(out.getvalue())


def lines(db: Path, name: str) -> list[tuple]:
    con = warehouse.connect(db)
    try:
        return con.execute(
            "SELECT order_id, product, quantity, revenue, refund, channel, region, customer_id "
            "FROM order_lines WHERE dataset = $n ORDER BY order_id, line",
            {"n": name},
        ).fetchall()
    finally:
        con.close()


def test_every_profile_is_valid_named_and_sourced():
    files = sorted(PROFILE_DIR.glob("*.toml"))
    assert len(files) == 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#") and re.search(r"Sources?\b", text), f"{path.name} does not cite its sources"
    table = i18n.table()
    for layout in layouts():
        assert layout.label_key in table, layout.id
        assert layout.channel and layout.fields.get("order_date"), layout.id
        assert "revenue" in layout.fields or "revenue" in layout.amounts, layout.id
        for rule in layout.rules:
            assert rule.reason is None or f"excluded_{rule.reason}" in table, (layout.id, rule.reason)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # the Tmall report, trailing spaces and all
        (
            ["订单编号", "总金额", "买家实际支付金额", "收货地址 ", "订单创建时间", "订单付款时间 ", "退款金额"],
            "taobao",
        ),
        (
            ["订单编号", "买家实付金额", "订单状态", "订单创建时间", "商品标题", "退款金额"],
            "taobao",
        ),  # current 千牛 names
        (
            ["下单时间", "订单号", "订单数量", "京东价", "结算金额", "下单账号"],
            "jd",
        ),  # shuffled, optional ones missing, 账
        (["ＯＲＤＥＲ", "订单号", "京东价", "应付金额", "下单帐号"], "jd"),
        (
            ["商品", "订单号", "订单状态", "商品数量（件）", "商家实收金额（元）", "支付时间"],
            "pdd",
        ),  # full-width brackets
        (["主订单编号", "子订单编号", "订单应付金额", "订单提交时间 "], "douyin"),
        (["Name", "Email", "Financial Status", "Lineitem quantity", "Lineitem price", "Subtotal"], "shopify"),
        (
            [
                "Bill No.",
                "Date",
                "Customer",
                "Material Code",
                "Material Name",
                "Qty",
                "Total Amount",
                "Document Status",
            ],
            "kingdee",
        ),  # Kingdee's English UI
        (["单据编号", "单据日期", "客户", "物料编码", "数量", "含税金额", "订单状态"], "yonyou.yonsuite"),
        (["record id", "deal name", "deal stage", "amount", "close date"], "hubspot"),  # case does not matter
        (["Id", "AccountId", "StageName", "Amount", "CloseDate", "IsWon"], "salesforce.export"),
    ],
    ids=[
        "tmall-issue",
        "qianniu",
        "jd-variant",
        "jd-fullwidth",
        "pdd-fullwidth",
        "douyin",
        "shopify",
        "kingdee-en",
        "yonsuite",
        "hubspot-case",
        "salesforce-export",
    ],
)
def test_recognition_is_robust_to_how_headers_are_written(header, expected):
    assert recognise(header).id == expected


@pytest.mark.parametrize(
    "header",
    [
        [
            "Row ID",
            "Order ID",
            "Order Date",
            "Ship Date",
            "Ship Mode",
            "Customer ID",
            "Customer Name",
            "Segment",
            "Country",
            "City",
            "State",
            "Postal Code",
            "Region",
            "Product ID",
            "Category",
            "Sub-Category",
            "Product Name",
            "Sales",
            "Quantity",
            "Discount",
            "Profit",
        ],  # superstore
        [
            "销售日期",
            "销售区域",
            "销售渠道",
            "销售订单",
            "品牌",
            "售价",
            "销售数量",
            "直接成本",
            "销售代表",
        ],  # cn_sales_channels_2020
        ["ID", "x", "t_x", "T", "zbar"],  # cdnow summary
        ORDERS_CSV.splitlines()[0].split(","),
        ["订单编号", "下单时间", "客户编号", "销售渠道", "销售区域", "商品名称", "数量", "实收金额", "成本"],
    ],
    ids=["superstore", "cn2020", "cdnow", "test-orders", "hostile"],
)
def test_other_files_are_not_recognised(header):
    assert recognise(header) is None


@pytest.mark.parametrize("export", fx.EXPORTS, ids=[e.name for e in fx.EXPORTS])
def test_export_loads_through_the_cli_with_hand_worked_totals(export, tmp_path):
    path, db = fx.write(export, tmp_path), tmp_path / "w.duckdb"
    code, report = run_cli("load", str(path), "--name", "x", "--db", str(db))
    want = export.expected
    assert code == 0, report["errors"]
    assert report["source_profile"] == want["profile"] and report["mapping_source"] == "profile"
    assert (report["rows_inserted"], report["orders"], report["rows_rejected"]) == (want["rows"], want["orders"], 0)
    assert (report["customers"] if report["has_customer"] else None) == want["customers"]
    assert report["excluded_counts"] == want["excluded"] and report["rows_excluded"] == sum(want["excluded"].values())
    assert report["totals"].get("net_revenue", report["totals"]["revenue"]) == pytest.approx(want["revenue"], abs=0.005)
    assert report["totals"].get("refund", 0) == pytest.approx(want.get("refund", 0))
    rows = lines(db, "x")
    assert sum(r[3] - (r[4] or 0) for r in rows) == pytest.approx(want["revenue"], abs=0.005)
    assert {r[5] for r in rows} == want["channels"]
    assert report["has_region"] is (want["regions"] is not None)
    if want["regions"] is not None:
        assert {r[6] for r in rows} == want["regions"]


def test_order_money_counts_once_and_lines_keep_product_and_quantity(tmp_path):
    """JD repeats the order's money on each SKU row; Douyin's postage sits on every sub-order."""
    for export in (fx.JD, fx.DOUYIN):
        run_cli("load", str(fx.write(export, tmp_path)), "--name", export.name, "--db", str(tmp_path / "w.duckdb"))
    jd = [(o, p, q, round(r, 2)) for o, p, q, r, *_ in lines(tmp_path / "w.duckdb", "jd")]
    assert jd[:2] == [("11729384001", "水晶项链", 2.0, 186.67), ("11729384001", "珍珠耳钉", 1.0, 93.33)]
    douyin = [(o, p, q, round(r, 2)) for o, p, q, r, *_ in lines(tmp_path / "w.duckdb", "douyin")]
    assert douyin == [
        ("6917926768823643751", "辣丝丝", 2.0, 28.9),
        ("6917926768823643751", "赠品小样", 1.0, 0.0),
        ("6917926768823643752", "麻辣牛肉", 1.0, 46.25),
        ("6917926768823643752", "牛肉干", 2.0, 27.75),
    ]


def test_cli_subprocess_reports_profile_and_profile_none_behaves_as_before(tmp_path):
    path, db = fx.write(fx.JD, tmp_path), tmp_path / "w.duckdb"
    run = [sys.executable, "-m", "data", "load", str(path), "--db", str(db)]
    done = subprocess.run(run + ["--name", "jd", "--channel", "京东自营"], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["source_profile"] == "jd" and report["source_channel"] == "京东自营"
    assert report["excluded_counts"] == {"split_parent": 1, "cancelled": 1, "unpaid": 1}
    plain = subprocess.run(run + ["--name", "jd2", "--profile", "none"], cwd=ROOT, capture_output=True, text=True)
    refused = json.loads(plain.stdout)
    assert plain.returncode == 2 and refused["source_profile"] is None
    assert refused["errors"][0]["message"] == "Required fields are not mapped: revenue; map them to columns"


def test_profile_and_channel_choices_are_remembered_per_header_set():
    con = warehouse.connect(":memory:")
    data = fx.content(fx.TAOBAO)
    first = ingest(con, data, "a", filename="t.csv", channel="淘宝")
    assert first.source_channel == "淘宝" and first.loaded
    again = ingest(con, data, "b", filename="t.csv")
    assert again.source_profile == "taobao" and again.source_channel == "淘宝" and again.mapping_source == "remembered"
    plain = ingest(
        con,
        data,
        "c",
        filename="t.csv",
        profile="none",
        mapping={"revenue": "买家实际支付金额", "order_date": "订单创建时间"},
    )
    assert plain.loaded and plain.source_profile is None and plain.rows_inserted == 6  # every row, as before profiles
    assert ingest(con, data, "d", filename="t.csv").source_profile is None  # the analyst's "none" is remembered
    assert ingest(con, data, "e", filename="t.csv", profile="auto").source_profile == "taobao"
    assert ingest(con, data, "f", filename="t.csv").source_profile == "taobao"


def test_unknown_profile_is_refused_with_the_choices():
    report = ingest(warehouse.connect(":memory:"), fx.content(fx.JD), "x", filename="j.csv", profile="sap")
    assert report.errors[0]["code"] == "unknown_profile" and "jd" in report.errors[0]["params"]["profiles"]


def test_forced_system_picks_its_layout_and_a_plain_table_stays_plain():
    raw = read_file(fx.content(fx.SALESFORCE_EXPORT), filename="Opportunity.csv")
    assert resolve(raw, profile="salesforce").layout.id == "salesforce.export"
    plain = read_file(csv_bytes(ORDERS_CSV))
    source = resolve(plain)
    assert source.layout is None and source.table is plain and source.mapping_source == "auto"


def test_masked_buyers_are_not_customers():
    header = "订单编号,买家会员名,买家实付金额,订单状态,订单创建时间,退款金额\n"
    body = "1,t**1,10,交易成功,2024-01-01 10:00:00,无退款申请\n2,张**,20,交易成功,2024-01-02 10:00:00,5\n"
    report = prepare(read_file((header + body).encode()), kind="orders").report
    assert report.source_profile == "taobao" and not report.has_customer
    assert [w["params"]["column"] for w in report.warnings if w["code"] == "customer_masked"] == ["买家会员名"]
    assert report.totals == {"revenue": 30.0, "cost": None, "refund": 5.0, "net_revenue": 25.0}


def test_duplicate_line_does_not_split_the_order_amount():
    text = fx.content(fx.JD).decode("gbk").splitlines()
    raw = read_file("\n".join([*text[:2], text[1], *text[2:]]).encode("gbk"), filename="jd.csv")
    report = prepare(raw).report
    assert report.duplicate_lines == 1 and report.totals["revenue"] == pytest.approx(1430.0)


def test_a_bad_amount_is_rejected_with_the_cell_as_written():
    text = fx.content(fx.PDD).decode("utf-8-sig").replace("34.90,34.90,", "34.90,三十四,", 1)
    report = prepare(read_file(text.encode("utf-8-sig"), filename="orders_export.csv")).report
    assert [(r.code, r.field, r.value) for r in report.rejects] == [("bad_number", "revenue", "三十四")]


def test_profiles_do_not_apply_to_extra_files():
    raw = read_file("月份,渠道,金额\n2020-01,天猫,5\n".encode())
    assert resolve(raw, "channel_costs", profile="jd").layout is None


def test_unknown_profile_raises_in_resolve():
    with pytest.raises(IngestError) as caught:
        resolve(read_file(csv_bytes(ORDERS_CSV)), profile="nope")
    assert caught.value.code == "unknown_profile"
