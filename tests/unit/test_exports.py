"""Download bytes: formula cells escaped in CSV and XLSX, numbers unchanged, names safe."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from present import exports
from present.exports import safe_filename, to_csv_bytes, to_xlsx_bytes

EVIL = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "安全", None]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"=header": EVIL, "amount": [-1.5, 2, 3, 4, 5, 6, 7, 8, 9]})


def test_csv_has_bom_and_escapes() -> None:
    data = to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["'=header", "amount"]
    assert back["'=header"].tolist()[:4] == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)"]
    assert back["'=header"].tolist()[-2:] == ["安全", ""]
    assert back["amount"].tolist() == [-1.5, 2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("as_dict", [False, True], ids=["frame", "sheets"])
def test_xlsx_escapes_and_keeps_numbers(as_dict: bool) -> None:
    frame = _frame()
    data = to_xlsx_bytes({"渠道/汇总": frame, "b": frame} if as_dict else frame)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == (["渠道_汇总", "b"] if as_dict else ["Sheet1"])
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["'=header", "amount"]
    assert [r[0] for r in rows[1:8]] == ["'" + v for v in EVIL[:7]]
    assert rows[8][0] == "安全"
    assert [r[1] for r in rows[1:]] == [-1.5, 2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize(
    ("stem", "ext", "expected"),
    [
        ("渠道 / 2020", "csv", "渠道_2020.csv"),
        ("../../etc/passwd", ".xlsx", "etc_passwd.xlsx"),
        ("", "csv", "export.csv"),
        ("a" * 300, "c$v", "a" * 100 + ".cv"),
    ],
    ids=["chinese", "traversal", "empty", "long"],
)
def test_safe_filename(stem: str, ext: str, expected: str) -> None:
    assert safe_filename(stem, ext) == expected


def test_a_table_longer_than_a_worksheet_continues_on_further_sheets(monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 4)  # a worksheet of a header and 3 rows
    data = exports.to_xlsx_bytes(pd.DataFrame({"customer_id": [f"C{i}" for i in range(7)], "clv": range(7)}))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Sheet1", "Sheet1 (2)", "Sheet1 (3)"]
    rows = [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()[1:]]
    assert [r[0] for r in rows] == [f"C{i}" for i in range(7)]
