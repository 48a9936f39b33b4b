"""The Data and Datasets pages through AppTest: upload → map → report → load, delete, extra files.

Every test that writes gets its own copy of a small demo warehouse, so the session's demo (read
by the other page tests) is never touched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from data import registry
from metrics import overview
from metrics.filters import Filters
from present.i18n import fmt_money
from tests import hostile
from tests.conftest import ROOT, copy_warehouse
from tests.shared_data import shared_file
from tests.unit.ingest_helpers import fingerprint
from ui import cached, ingest_flow

DATA = "pages/data.py"
DATASET_COLUMNS = {"en": "Source file", "zh": "来源文件"}
DATASETS = "pages/datasets.py"
# 5 data lines: one repeats the line before it exactly, one has an impossible date (row 5 in the
# file, counting the header as row 1), one is a return. The channel sits in 门店类型, a header the
# synonyms do not know, beside a 销售渠道 column that auto-matches.
ORDERS = """订单编号,下单时间,客户编号,销售渠道,门店类型,销售区域,数量,实收金额,成本
A1,2020-01-05,C1,天猫,直营,华东,2,100,60
A2,2020-01-06,C2,京东,加盟,华南,1,200,120
A2,2020-01-06,C2,京东,加盟,华南,1,200,120
A3,2018-02-29,C2,京东,加盟,华南,1,50,20
A4,2020-02-01,C3,天猫,直营,华东,-1,30,10
"""


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data_page") / "base.duckdb"
    subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", "2000", "--db", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def fresh(small_db: Path, tmp_path: Path) -> Path:
    """A private copy of the small demo warehouse for a test that writes."""
    copy = tmp_path / "w.duckdb"
    copy_warehouse(small_db, copy)
    return copy


def open_page(make_app, db: Path, page: str = DATA, lang: str = "en"):
    at = make_app(db=db, lang=lang)
    at.switch_page(page).run()
    no_exception(at)
    return at


def upload(at, name: str, content: bytes, key: str = "data_upload"):
    at.file_uploader(key=key).set_value((name, content, "text/csv")).run()
    no_exception(at)
    return at


def frame(at, *columns: str):
    """The table shown with these columns (read-only st.dataframe elements carry no key)."""
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert found, [d.value.columns.tolist() for d in at.dataframe]
    return found[0]


def plain(at) -> str:
    """All Markdown on the page with the escaping backslashes removed."""
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def mapping(at, prefix: str = "data") -> dict[str, str]:
    return {s.key[len(prefix) + 5 :]: s.value for s in at.selectbox if s.key and s.key.startswith(f"{prefix}_map_")}


def validate(at, prefix: str = "data"):
    at.button(key=f"{prefix}_validate").click().run()
    no_exception(at)
    return at


def load_new(at, name: str):
    at.text_input(key="data_name").set_value(name)
    at.button(key="data_load").click().run()
    no_exception(at)
    return at


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_upload_map_report_and_load(make_app, fresh, encoding):
    at = open_page(make_app, fresh)
    upload(at, "orders.csv", ORDERS.encode(encoding))
    suggested = mapping(at)
    assert suggested["order_id"] == "订单编号" and suggested["order_date"] == "下单时间"
    assert suggested["channel"] == "销售渠道" and suggested["revenue"] == "实收金额"
    assert suggested["product"] == "" and suggested["province"] == ""
    assert any("automatically" in c.value for c in at.caption)

    at.selectbox(key="data_map_channel").set_value("门店类型").run()
    validate(at)
    assert metrics(at) == {
        "Rows read": "5",
        "Rows accepted": "3",
        "Rows rejected": "1",
        "Orders": "3",
        "Customers": "3",
    }
    text = plain(at)
    assert "Dates: 2020-01-05 to 2020-02-01" in text
    assert "Duplicates: 1 lines" in text and "Negative quantities (returns): 1 lines" in text
    # revenue 100 + 200 − 30 (the return made negative), cost 60 + 120 + 10
    assert f"Total revenue {fmt_money(270, 'en')}; total cost {fmt_money(190, 'en')}" in text
    rejects = frame(at, "Row", "Value")
    assert rejects.to_dict("records") == [
        {
            "Row": "5",
            "Reason": "Impossible date (e.g. 29 February in a non-leap year)",
            "Field": "order_date",
            "Value": "2018-02-29",
        }
    ]
    counts = frame(at, "Reason", "Rows")
    assert counts.to_dict("records") == [{"Reason": "Impossible date (e.g. 29 February in a non-leap year)", "Rows": 1}]
    assert any("Every analysis is available" in s.value for s in at.success)
    assert at.text_input(key="data_name").value == "orders"  # from the file name, as text
    assert registry.get_dataset(cached.current_warehouse().reader(), "orders") is None  # nothing written before Load

    load_new(at, "my orders")
    assert any("Loaded dataset my orders: 3 lines written" in s.value for s in at.success)
    ds = registry.get_dataset(cached.current_warehouse().reader(), "my orders")
    assert ds.order_lines == 3 and ds.orders == 3 and ds.source == "orders.csv" and ds.kind == "upload"
    channels = (
        cached.current_warehouse()
        .reader()
        .cursor()
        .execute("SELECT DISTINCT channel FROM order_lines WHERE dataset = 'my orders' ORDER BY 1")
        .fetchall()
    )
    assert channels == [("加盟",), ("直营",)]  # the user's choice, not the auto-matched 销售渠道

    at.button(key="data_show_dataset").click().run()
    no_exception(at)
    assert at.sidebar.selectbox(key="sidebar_dataset").value == "my orders"


def test_chinese_labels_and_remembered_mapping(make_app, fresh):
    at = open_page(make_app, fresh, lang="zh")
    upload(at, "orders.csv", ORDERS.encode())
    at.selectbox(key="data_map_channel").set_value("门店类型").run()
    validate(at)
    assert metrics(at)["读取行数"] == "5" and metrics(at)["拒绝行数"] == "1"
    assert frame(at, "行号").columns.tolist() == ["行号", "原因", "字段", "值"]
    load_new(at, "第一批")
    assert any("已导入数据集 第一批" in s.value for s in at.success)
    # the same headers again: the confirmed mapping comes back, with the user's channel column
    upload(at, "again.csv", ORDERS.encode())
    assert mapping(at)["channel"] == "门店类型"
    assert any("沿用了上次" in c.value for c in at.caption)


def test_change_mapping_keeps_choices_and_cancel_writes_nothing(make_app, fresh):
    at = open_page(make_app, fresh)
    before = fingerprint(cached.current_warehouse())
    upload(at, "orders.csv", ORDERS.encode())
    at.selectbox(key="data_map_customer_id").set_value("").run()
    validate(at)
    assert metrics(at)["Customers"] == "—"
    assert any("These analyses will be unavailable" in w.value for w in at.warning)
    assert "Customer analytics (no customer id)" in plain(at)
    at.button(key="data_change_mapping").click().run()
    no_exception(at)
    assert mapping(at)["customer_id"] == "" and mapping(at)["order_id"] == "订单编号"
    at.radio(key="data_date_order").set_value("DMY").run()
    validate(at)
    at.button(key="data_cancel").click().run()
    no_exception(at)
    assert not at.metric and any("Cancelled" in i.value for i in at.info)
    assert fingerprint(cached.current_warehouse()) == before


def test_missing_required_field_blocks_validation(make_app, fresh):
    at = open_page(make_app, fresh)
    upload(at, "no_amount.csv", "订单编号,下单时间,备注\nA1,2020-01-05,x\n".encode())
    assert any("Required fields are not mapped: Revenue" in w.value for w in at.warning)
    assert at.button(key="data_validate").disabled


@pytest.mark.parametrize(
    ("name", "content", "lang", "expected"),
    [
        ("junk.csv", bytes(range(256)) * 4, "en", "Unrecognised binary file"),
        ("junk.csv", bytes(range(256)) * 4, "zh", "无法识别的二进制文件"),
        ("empty.csv", b"", "en", "The file is empty"),
        # issue 12: bombs are refused on screen, in the user's language, and the server lives on
        ("bomb.xlsx", hostile.xlsx_dimension_bomb(), "en", "needs more than 1400 MB of memory"),
        ("bomb.xlsx", hostile.xlsx_dimension_bomb(), "zh", "文件解压后所需内存超过 1400 MB"),
        ("rows.parquet", hostile.parquet_row_bomb(), "zh", "超过上限 15,000,000"),
        ("nul.csv", b"a,b\n" + b"1,2\n" * 40000 + b"3,\x00\n", "en", "Line 40002 holds a NUL character"),
    ],
    ids=["binary-en", "binary-zh", "empty", "dimension-bomb-en", "dimension-bomb-zh", "parquet-rows-zh", "nul-en"],
)
def test_unreadable_file_shows_a_translated_error(make_app, fresh, name, content, lang, expected):
    at = make_app(db=fresh, lang=lang)
    at.switch_page(DATA).run()
    before = fingerprint(cached.current_warehouse())
    at.file_uploader(key="data_upload").set_value((name, content, "text/csv")).run()
    assert not at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]
    assert not any(s.key and s.key.startswith("data_map_") for s in at.selectbox)
    assert fingerprint(cached.current_warehouse()) == before


def test_impossible_dates_only_cannot_load(make_app, fresh):
    at = open_page(make_app, fresh)
    before = fingerprint(cached.current_warehouse())
    upload(at, "bad.csv", "订单编号,下单时间,实收金额\nA1,2018-02-29,10\nA2,2019-02-30,20\n".encode())
    at.button(key="data_validate").click().run()
    assert not at.exception and [e.value for e in at.error] == ["This cannot be loaded:"]
    assert metrics(at)["Rows rejected"] == "2" and metrics(at)["Rows accepted"] == "0"
    assert "No row can be loaded (2 rows rejected)" in plain(at)
    assert not [b for b in at.button if b.key == "data_load"]
    assert fingerprint(cached.current_warehouse()) == before


def test_file_over_the_limit_is_refused_with_a_message(make_app, fresh, monkeypatch):
    monkeypatch.setenv("SALESLENS_MAX_UPLOAD_MB", "0.0001")  # about 105 bytes
    at = open_page(make_app, fresh)
    at.file_uploader(key="data_upload").set_value(("big.csv", ORDERS.encode(), "text/csv")).run()
    assert any("File too large" in e.value and "Split the file" in e.value for e in at.error)


def test_formula_cell_loads_as_text(make_app, fresh):
    at = open_page(make_app, fresh)
    upload(at, "f.csv", "订单编号,下单时间,产品,实收金额\nA1,2020-01-05,=1+1,10\nA2,2020-01-06,@SUM(A1),20\n".encode())
    validate(at)
    assert frame(at, "Product")["Product"].tolist() == ["=1+1", "@SUM(A1)"]
    load_new(at, "formulas")
    rows = (
        cached.current_warehouse()
        .reader()
        .cursor()
        .execute("SELECT product, revenue FROM order_lines WHERE dataset = 'formulas' ORDER BY order_id")
        .fetchall()
    )
    assert rows == [("=1+1", 10.0), ("@SUM(A1)", 20.0)]


def test_replace_and_append_into_an_existing_dataset(make_app, fresh):
    at = open_page(make_app, fresh)
    upload(at, "orders.csv", ORDERS.encode())
    validate(at)
    load_new(at, "target")
    upload(at, "more.csv", (ORDERS + "A9,2020-03-01,C9,天猫,直营,华东,1,40,10\n").encode())
    validate(at)
    at.radio(key="data_mode").set_value("append").run()
    assert at.selectbox(key="data_target").options == ["target"]  # the demo is not offered
    at.button(key="data_load").click().run()
    no_exception(at)
    assert any("1 lines written, 3 already present skipped" in s.value for s in at.success)
    assert registry.get_dataset(cached.current_warehouse().reader(), "target").order_lines == 4
    upload(at, "one.csv", "订单编号,下单时间,实收金额\nB1,2021-01-01,5\n".encode())
    validate(at)
    at.radio(key="data_mode").set_value("replace").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert registry.get_dataset(cached.current_warehouse().reader(), "target").order_lines == 1


def test_superstore_with_region_as_channel(make_app, fresh):
    content = shared_file("superstore", "Sample - Superstore.csv").read_bytes()
    at = open_page(make_app, fresh)
    upload(at, "Sample - Superstore.csv", content)
    assert mapping(at)["channel"] == ""  # Segment is deliberately not a channel synonym
    at.selectbox(key="data_map_channel").set_value("Region").run()
    validate(at)
    assert metrics(at)["Rows read"] == "9,994" and metrics(at)["Rows accepted"] == "9,994"
    load_new(at, "superstore")
    con = cached.current_warehouse().reader()
    ds = registry.get_dataset(con, "superstore")
    assert ds.order_lines == 9994
    total = (
        con.cursor()
        .execute("SELECT sum(revenue - coalesce(refund, 0)) FROM order_lines WHERE dataset = 'superstore'")
        .fetchall()[0][0]
    )
    assert total == pytest.approx(2297200.86, abs=0.01)
    cards = {c.key: c for c in overview.kpis(con, Filters("superstore", ds.first_date, ds.last_date))}
    assert cards["revenue"].value == pytest.approx(2297200.86, abs=0.01)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_datasets_list_and_delete_with_confirmation(make_app, fresh, lang):
    at = open_page(make_app, fresh, lang=lang)
    upload(at, "orders.csv", ORDERS.encode())
    validate(at)
    load_new(at, "doomed")
    at.switch_page(DATASETS).run()
    no_exception(at)
    table = frame(at, DATASET_COLUMNS[lang])
    name_col, rows_col, source_col = table.columns[0], table.columns[1], table.columns[6]
    assert table[name_col].tolist() == ["demo", "doomed"]
    assert table[rows_col].tolist()[1] == 3 and table[source_col].tolist()[1] == "orders.csv"
    at.selectbox(key="datasets_delete_name").set_value("doomed").run()
    assert at.button(key="datasets_delete").disabled
    at.text_input(key="datasets_delete_confirm").set_value("doome").run()
    assert at.button(key="datasets_delete").disabled
    at.text_input(key="datasets_delete_confirm").set_value("doomed").run()
    at.button(key="datasets_delete").click().run()
    no_exception(at)
    assert registry.get_dataset(cached.current_warehouse().reader(), "doomed") is None
    assert registry.get_dataset(cached.current_warehouse().reader(), "demo") is not None
    assert frame(at, DATASET_COLUMNS[lang]).iloc[:, 0].tolist() == ["demo"]
    assert at.sidebar.selectbox(key="sidebar_dataset").options == ["demo"]


def test_extra_file_channel_costs(make_app, fresh):
    at = open_page(make_app, fresh, page=DATASETS)
    assert at.info and not at.file_uploader  # no uploaded dataset yet: extras need one
    at.switch_page(DATA).run()
    upload(at, "orders.csv", ORDERS.encode())
    validate(at)
    load_new(at, "shop")
    at.switch_page(DATASETS).run()
    at.radio(key="datasets_extra_kind").set_value("channel_costs").run()
    costs = "月份,渠道,费用类型,金额\n2020-01,天猫,marketing,1000\n2020-02,京东,commission,\n2020-02,京东,rebate,300\n"
    upload(at, "costs.csv", costs.encode(), key="datasets_extra_upload")
    assert mapping(at, "datasets_extra") == {
        "month": "月份",
        "channel": "渠道",
        "cost_type": "费用类型",
        "amount": "金额",
    }
    validate(at, "datasets_extra")
    report_cards = {k: v for k, v in metrics(at).items() if k.startswith("Rows")}  # not the CRM data health cards
    assert report_cards == {"Rows read": "3", "Rows accepted": "2", "Rows rejected": "1"}
    at.button(key="datasets_extra_load").click().run()
    no_exception(at)
    assert any("2 rows written to dataset shop" in s.value for s in at.success)
    rows = (
        cached.current_warehouse()
        .reader()
        .cursor()
        .execute("SELECT month, channel, amount FROM channel_costs WHERE dataset = 'shop' ORDER BY month")
        .fetchall()
    )
    assert [(str(m), c, a) for m, c, a in rows] == [("2020-01-01", "天猫", 1000.0), ("2020-02-01", "京东", 300.0)]


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("orders.csv", "orders"),
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\销售 2024.xlsx", "销售 2024"),
        (".hidden", ".hidden"),
        ("", "upload"),
        ("a\x00b.csv", "ab"),
    ],
)
def test_default_name_is_text_from_the_last_part(filename, expected):
    assert ingest_flow.default_name(filename) == expected


def test_excel_sheet_chooser(make_app, fresh):
    import io

    import pandas as pd

    from present.exports import to_xlsx_bytes

    orders = pd.read_csv(io.StringIO(ORDERS))
    book = to_xlsx_bytes({"notes": pd.DataFrame({"note": ["x"]}), "orders": orders})
    at = open_page(make_app, fresh)
    at.file_uploader(key="data_upload").set_value(("book.xlsx", book, "application/vnd.ms-excel")).run()
    no_exception(at)
    assert at.selectbox(key="data_sheet").options == ["notes", "orders"]
    assert at.selectbox(key="data_sheet").value == "orders"  # the sheet with the most rows
    assert mapping(at)["order_id"] == "订单编号"
    at.selectbox(key="data_sheet").set_value("notes").run()
    no_exception(at)
    assert mapping(at)["order_id"] == "" and at.button(key="data_validate").disabled
    at.selectbox(key="data_sheet").set_value("orders").run()
    validate(at)
    assert metrics(at)["Rows read"] == "5" and metrics(at)["Rows accepted"] == "3"


def test_every_dynamic_label_is_translated():
    from data.ingest import SPECS
    from present import i18n

    keys = {f"data_field_{f}" for s in SPECS.values() for f in s.names}
    keys |= {f"data_mode_{m}" for m in ("new", "replace", "append")}
    keys |= {f"data_date_order_{o}" for o in ingest_flow.DATE_ORDERS}
    keys |= {f"datasets_extra_kind_{k}" for k in SPECS if k != "orders"}
    keys |= {f"data_unavailable_{u}" for u in ("customer", "margin", "channel", "region")}
    keys |= {"datasets_kind_demo", "datasets_kind_upload", "value_全部", "value_未知"}
    assert keys - set(i18n.table()) == set()
    assert i18n.label("全部", "en") == "All" and i18n.label("未知", "en") == "Unknown"


def test_file_name_and_headers_are_shown_as_text(make_app, fresh):
    at = open_page(make_app, fresh)
    evil = "<img src=x onerror=alert(1)>**b**.csv"
    upload(at, evil, "订单编号,下单时间,实收金额,<script>x</script>\nA1,2020-01-05,10,[link](http://x)\n".encode())
    assert any(evil in t.value for t in at.text)  # st.text: shown as typed
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("\\<script\\>x\\</script\\>" in v for v in shown)
    assert not any("<script>" in v or "<img" in v for v in shown)
    validate(at)
    load_new(at, "<b>x</b>")
    assert any("\\<b\\>x\\</b\\>" in s.value for s in at.success)
    assert registry.get_dataset(cached.current_warehouse().reader(), "<b>x</b>").source == evil


def test_recognised_export_shows_what_is_not_a_sale_and_loads_with_an_edited_channel(make_app, fresh):
    """Issue 10: a JD export is recognised, its non-sales shown before loading, its channel editable."""
    from tests.unit import export_fixtures as fx

    at = open_page(make_app, fresh)
    upload(at, "19453840.csv", fx.content(fx.JD))
    assert [i.value for i in at.info] == ["Recognised: JD merchant centre · order export"]
    assert at.selectbox(key="data_profile").value == "jd"
    excluded = frame(at, "Column", "Value")
    assert excluded.to_dict("records") == [
        {"Reason": "Cancelled or closed", "Column": "订单状态", "Value": "已取消", "Rows": 1},
        {
            "Reason": "Split parent order (its child orders are listed)",
            "Column": "订单状态",
            "Value": "(删除)等待出库",
            "Rows": 1,
        },
        {"Reason": "Not paid", "Column": "订单状态", "Value": "等待付款", "Rows": 1},
    ]
    assert mapping(at)["revenue"] == "⟨revenue⟩" and mapping(at)["region"] == "⟨region⟩"
    assert "Revenue (computed by the source profile)" in at.selectbox(key="data_map_revenue").options
    assert at.text_input(key="data_channel").value == "京东"
    at.text_input(key="data_channel").set_value("京东自营").run()
    validate(at)
    assert metrics(at) == {
        "Rows read": "7",
        "Rows accepted": "4",
        "Rows rejected": "0",
        "Not sales": "3",
        "Orders": "3",
        "Customers": "3",
    }
    assert "Source: JD merchant centre · order export; channel: 京东自营" in plain(at)
    load_new(at, "jd")
    rows = (
        cached.current_warehouse()
        .reader()
        .cursor()
        .execute("SELECT DISTINCT channel, sum(revenue) OVER () FROM order_lines WHERE dataset = 'jd'")
        .fetchall()
    )
    assert rows == [("京东自营", pytest.approx(1430.0))]


def test_profile_override_is_remembered_for_the_same_headers(make_app, fresh):
    from tests.unit import export_fixtures as fx

    at = open_page(make_app, fresh, lang="zh")
    upload(at, "19453840.csv", fx.content(fx.JD))
    assert [i.value for i in at.info] == ["已识别：京东商家后台 · 订单导出"]
    at.selectbox(key="data_profile").set_value("none").run()
    no_exception(at)
    assert mapping(at)["revenue"] == "" and at.button(key="data_validate").disabled  # read as today: no revenue
    assert not at.info and not [d for d in at.dataframe if "列" in d.value.columns]
    at.selectbox(key="data_map_revenue").set_value("应付金额").run()
    validate(at)
    assert metrics(at)["读取行数"] == "7" and metrics(at)["可导入行数"] == "7"  # every row, nothing excluded
    load_new(at, "京东原样")
    upload(at, "again.csv", fx.content(fx.JD))
    assert at.selectbox(key="data_profile").value == "none"
    assert mapping(at)["revenue"] == "应付金额" and any("沿用了上次" in c.value for c in at.caption)
