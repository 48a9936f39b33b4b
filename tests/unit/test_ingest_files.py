"""Reading files: encodings, delimiters, junk rows, sheets, sniffing, and a corpus of bad inputs.

Each bad input must be rejected with a clear code (or loaded with an exact report) and leave the
warehouse exactly as it was.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import warehouse
from data.ingest import IngestError, describe, ingest, prepare, read_file
from present.exports import to_csv_bytes, to_xlsx_bytes
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes, fingerprint

FIXTURES = Path(__file__).resolve().parents[1] / "data"


def _xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    return to_xlsx_bytes({"notes": pd.DataFrame({"note": ["x"]}), sheet: frame})


def test_gbk_csv_round_trip() -> None:
    con = warehouse.connect(":memory:")
    report = ingest(con, csv_bytes(ORDERS_CSV, "gbk"), "gbk", filename="订单.csv")
    assert report.loaded and report.encoding == "gb18030"
    rows = (
        con.cursor().execute("SELECT order_id, line, channel, region, revenue FROM order_lines ORDER BY ALL").fetchall()
    )
    assert rows == [("A1", 1, "天猫", "华东", 100.0), ("A2", 1, "京东", "华南", 200.0), ("A2", 2, "京东", "华南", 50.0)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_encodings(encoding: str) -> None:
    raw = read_file(ORDERS_CSV.encode(encoding), filename="x.csv")
    assert raw.columns[0] == "订单编号" and len(raw.frame) == 3


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    raw = read_file(ORDERS_CSV.replace(",", delimiter).encode(), filename="x.txt")
    assert raw.delimiter == delimiter and raw.frame.shape == (3, 7)


def test_title_rows_skipped_and_exact_report() -> None:
    con = warehouse.connect(":memory:")
    report = ingest(con, FIXTURES / "ingest_cn_title.csv", "cn")
    assert report.header_row == 3 and report.loaded
    assert report.rows_read == 7 and report.duplicate_lines == 1
    assert report.reject_counts == {"impossible_date": 1, "bad_number": 1}
    assert [(r.row, r.code, r.field) for r in report.rejects] == [
        (8, "impossible_date", "order_date"),
        (9, "bad_number", "revenue"),
    ]
    assert report.rows_accepted == 4
    revenue = dict(con.cursor().execute("SELECT order_id, revenue FROM order_lines").fetchall())
    assert revenue == {"A001": 1234.5, "A002": -100.0, "A003": 0.12, "A006": 123.0}
    assert (
        con.cursor().execute("SELECT min(order_date), max(order_date) FROM order_lines").fetchall()[0][1].isoformat()
        == "2020-03-10"
    )


def test_headers_cleaned_and_duplicates_renamed() -> None:
    raw = read_file("\u00a0Order ID\u3000,Sales,Sales,\n1,2,3,4\n".encode(), filename="x.csv")
    assert raw.columns == ["Order ID", "Sales", "Sales_2", "column_4"]
    assert [w["code"] for w in raw.warnings] == ["duplicate_header", "blank_header"]


def test_excel_sheets_and_choice() -> None:
    frame = pd.DataFrame({"日期": ["2020-01-01", "2020-01-02"], "金额": [1.5, 2.5], "渠道": ["a", "b"]})
    data = _xlsx(frame)
    assert read_file(data, filename="x.xlsx").sheet == "data"  # the biggest sheet by default
    assert read_file(data, sheet="notes").columns == ["note"]
    with pytest.raises(IngestError) as err:
        read_file(data, sheet="nope")
    assert err.value.code == "no_such_sheet"


def test_parquet_and_wrong_extensions() -> None:
    frame = pd.DataFrame({"order_date": pd.to_datetime(["2020-01-01"]), "revenue": [3.0]})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame), buffer)
    con = warehouse.connect(":memory:")
    report = ingest(con, buffer.getvalue(), "pq", filename="really.csv")
    assert report.loaded and report.file_kind == "parquet"
    assert {"code": "extension_mismatch", "params": {"extension": ".csv", "kind": "parquet"}} in report.warnings
    xlsx_as_csv = read_file(_xlsx(pd.DataFrame({"a": [1]})), filename="data.csv")
    assert xlsx_as_csv.file_kind == "excel"
    assert read_file(ORDERS_CSV.encode(), filename="orders.xlsx").file_kind == "text"


def _truncated_xlsx() -> bytes:
    return _xlsx(pd.DataFrame({"a": range(100)}))[:700]


def _zip_not_excel() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


BAD_INPUTS = [
    ("empty", b"", "empty_file"),
    ("whitespace_only", b"  \r\n \r\n", "empty_file"),
    ("header_only", "订单编号,下单时间,实收金额\r\n".encode(), "no_rows"),
    ("binary_junk", bytes(range(256)) * 20, "binary"),
    ("truncated_xlsx", _truncated_xlsx(), "bad_excel"),
    ("zip_not_excel", _zip_not_excel(), "bad_excel"),
    ("bad_parquet", b"PAR1" + b"\x01" * 50, "bad_parquet"),
    ("undecodable", b"date,amount\n2020-01-01,\x81\x20\xff\xfe1\n", "undecodable"),
    ("one_column", b"amount\n1\n2\n", "missing_required"),
    ("no_amount_column", b"date,channel\n2020-01-01,a\n", "missing_required"),
    ("all_dates_impossible", b"date,amount\n2018-02-29,1\n2019-02-29,2\n", "no_valid_rows"),
    ("mixed_types_all_text", b"date,amount\n2020-01-01,abc\n2020-01-02,def\n", "no_valid_rows"),
]


@pytest.mark.parametrize(("data", "code"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_inputs_rejected_and_warehouse_unchanged(data: bytes, code: str) -> None:
    con = warehouse.connect(":memory:")
    ingest(con, csv_bytes(ORDERS_CSV), "existing", filename="ok.csv")
    before = fingerprint(con)
    report = ingest(con, data, "bad", filename="bad.csv")
    assert not report.loaded and [e["code"] for e in report.errors] == [code]
    assert describe(f"ingest_error_{code}", "zh", **report.errors[0]["params"]) != f"ingest_error_{code}"
    assert fingerprint(con) == before


def test_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESLENS_MAX_UPLOAD_MB", "0.0001")
    report = ingest(warehouse.connect(":memory:"), csv_bytes(ORDERS_CSV), "x", filename="x.csv")
    assert report.errors[0]["code"] == "too_large"


def test_mixed_types_and_huge_field_reported_per_row() -> None:
    big = "x" * 1_000_000
    text = f"date,amount,product\n2020-01-01,1,ok\n2020-01-02,two,ok\n2020-01-03,3,{big}\n2020-01-04,4,ok\n"
    con = warehouse.connect(":memory:")
    report = ingest(con, text.encode(), "mixed", filename="m.csv")
    assert report.loaded and report.rows_accepted == 2
    assert [(r.row, r.code) for r in report.rejects] == [(3, "bad_number"), (4, "text_too_long")]


def test_formula_cells_load_as_text_and_export_safely() -> None:
    evil = "=cmd|' /C calc'!A0"
    text = f'date,amount,product\n2020-01-01,1,"{evil}"\n2020-01-02,2,@SUM(A1)\n'
    con = warehouse.connect(":memory:")
    assert ingest(con, text.encode(), "evil", filename="e.csv").loaded
    frame = con.cursor().execute("SELECT product, revenue FROM order_lines ORDER BY revenue").df()
    assert frame["product"].tolist() == [evil, "@SUM(A1)"]
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == "'" + evil + ",1.0"


def test_rejects_are_capped_but_counted() -> None:
    lines = "\n".join(f"2020-01-01,x{i}" for i in range(1500))
    raw = read_file(f"date,amount\n2020-01-02,1\n{lines}\n".encode(), filename="c.csv")
    report = prepare(raw).report
    assert report.rows_rejected == 1500 and len(report.rejects) == 1000
    assert report.reject_counts == {"bad_number": 1500}
    assert report.to_json()  # JSON-serialisable
