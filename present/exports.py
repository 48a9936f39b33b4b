"""Download bytes for tables: CSV (UTF-8 with BOM) and XLSX, safe against formula injection.

A spreadsheet treats a cell starting with ``= + - @`` (or a tab/CR/LF before one) as a formula,
so a product named ``=cmd|' /C calc'!A0`` in an uploaded file could run on the analyst's
machine when exported. Every *string* cell and header starting with one of those characters
gets a leading apostrophe; numbers (including negative ones) stay numbers.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_UNSAFE_NAME = re.compile(r"[^\w\-.]+", re.UNICODE)


def escape_cell(value: object) -> object:
    """The value, with an apostrophe in front when it is a string a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [escape_cell(str(c)) for c in df.columns]
    for position, dtype in enumerate(df.dtypes):
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)):
            out.isetitem(position, df.iloc[:, position].map(escape_cell, na_action="ignore"))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with a BOM (so Excel opens Chinese text correctly), formula-safe, no index."""
    # CRLF rows (what Excel writes) also make the writer quote any cell holding a lone CR.
    return _safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: object, used: set[str]) -> str:
    # Excel: ≤ 31 characters, none of []:*?/\ , unique within the workbook.
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


EXCEL_MAX_ROWS = 1_048_576  # rows per worksheet, header included


def _split_long(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Sheets longer than Excel allows continue on further sheets ("name", "name (2)", ...)."""
    out: dict[str, pd.DataFrame] = {}
    step = EXCEL_MAX_ROWS - 1
    for name, frame in sheets.items():
        if len(frame) <= step:
            out[name] = frame
            continue
        for part, start in enumerate(range(0, len(frame), step), start=1):
            out[name if part == 1 else f"{name} ({part})"] = frame.iloc[start : start + step]
    return out


def to_xlsx_bytes(data: pd.DataFrame | dict[str, pd.DataFrame], number_formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx workbook (xlsxwriter) of one frame or ``{sheet name: frame}``, formula-safe.

    Strings are written as strings (``strings_to_formulas`` off and escaped anyway, so a file opened
    in another tool or re-saved stays inert); numbers stay numeric cells. ``number_formats`` gives
    columns (by header) an Excel number format, e.g. ``0.0%`` for a margin (the metric catalog's).
    """
    sheets = _split_long(data if isinstance(data, dict) else {"Sheet1": data})
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            sheet = _sheet_name(name, used)
            _safe_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
            for position, column in enumerate(frame.columns):
                fmt = (number_formats or {}).get(str(column))
                if fmt:
                    writer.sheets[sheet].set_column(position, position, 14, writer.book.add_format({"num_format": fmt}))
    return buffer.getvalue()


def safe_filename(stem: str, ext: str) -> str:
    """A download name: letters (any script), digits, ``- _ .`` only, ≤ 100 characters, never empty.

    ``safe_filename("渠道 / 2020", "csv")`` → ``"渠道_2020.csv"``.
    """
    text = unicodedata.normalize("NFKC", str(stem))
    text = _UNSAFE_NAME.sub("_", text).strip("._-") or "export"
    extension = re.sub(r"[^A-Za-z0-9]", "", str(ext).lstrip("."))[:10] or "dat"
    return f"{text[:100]}.{extension}"
