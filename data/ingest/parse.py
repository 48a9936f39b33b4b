"""Vectorised parsers for numbers, dates and text in the messy forms real exports use.

Every parser returns the typed values plus masks saying which cells were missing and which were
present but unusable, so validation can reject rows with a reason instead of coercing silently.
Work is done on *unique* strings (``pd.factorize``): a million-row date column has a few thousand
distinct dates, so the regex work is tiny and the result is spread back by integer codes.

Dates
-----
Accepted in one column, mixed: ISO ``2020-01-05`` (optionally with a time, ``T``, timezone or a
weekday such as ``星期五``/``周五``/``Friday``), ``2020/1/5``, ``2020.1.5``, ``2020年1月5日``,
``20200105``, ``M/D/YYYY`` or ``D/M/YYYY``, ``MM-DD-YY`` (two-digit years: 00–68 → 20xx,
69–99 → 19xx, as ``strptime``), month names (``Jan 5, 2020``), Excel serial numbers
(5 digits, 1954..2119, origin 1899-12-30) and native date/datetime cells.
Day/month order of ``A/B/Y`` forms is chosen per column: the order under which more values are
real calendar dates wins (e.g. any ``4/15/2017`` proves M/D); when both orders fit every value the
column is read as M/D (the Superstore/US export convention) and a ``date_order_assumed`` warning
is raised; the caller can force ``"MDY"`` or ``"DMY"``. Impossible dates (``2018-02-29``) are
reported as ``impossible_date``, never rolled over to another day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NULL_TOKENS = frozenset({"", "-", "--", "—", "–", "n/a", "na", "nan", "nat", "null", "none", "#n/a", "/", "无"})

_CURRENCY = r"(?i)rmb|cny|usd|eur|gbp|[¥$€£元]"
_EU_NUMBER = r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[-+]?\d+,\d{1,2}|[-+]?\d+,\d{4,}"
_US_NUMBER = r"[-+]?\d{1,3}(?:,\d{3})+\.\d+"

_WEEKDAY = (
    r"(?i)\s*[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?\s*|"
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\b\.?,?\s*"
)
_TIME = r"(?i)(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?\s*(?:z|[+-]\d{2}:?\d{2})?)$"
_YMD = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_ABY = r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$"
_YM = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"
_SERIAL = r"^\d{5}(?:\.\d+)?$"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class Parsed:
    """A parsed column.

    Attributes
    ----------
    values : Series
        float64 (numbers), datetime64 at midnight (dates) or string (text); NaN/NaT/NA where
        ``missing`` or ``bad``.
    missing : ndarray[bool]
        Empty cell or a null token (``""``, ``-``, ``N/A``, ``null``...).
    bad : ndarray[bool]
        Present but not a value of this type (text in a number column, unparseable date).
    impossible : ndarray[bool]
        Dates only: shaped like a date but not on the calendar (``2018-02-29``); also in ``bad``.
    notes : dict
        What the parser decided: ``percent``, ``decimal_comma``, ``date_order``, ``date_order_assumed``.
    """

    values: pd.Series
    missing: np.ndarray
    bad: np.ndarray
    impossible: np.ndarray | None = None
    notes: dict = field(default_factory=dict)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings (NA for missing); integral floats print without ``.0``."""
    if values.dtype == object:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [_cell_text(u) for u in uniques]
        out = np.array(texts + [None], dtype=object)[codes]
        text = pd.Series(out, index=values.index, dtype="str")
    elif pd.api.types.is_float_dtype(values.dtype):
        text = values.map(_cell_text, na_action="ignore").astype("str")
    else:
        text = values.astype("str")
    return text.str.strip(" \t\r\n\u00a0\u3000\u200b\ufeff")


def _cell_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return str(value)


def _nulls(text: pd.Series) -> np.ndarray:
    return (text.isna() | text.str.lower().isin(NULL_TOKENS)).to_numpy(dtype=bool)


def parse_text(values: pd.Series) -> Parsed:
    """Text cells stripped; missing cells and null tokens become NA."""
    text = _as_text(values)
    missing = _nulls(text)
    text = text.mask(missing)
    return Parsed(text, missing, np.zeros(len(text), dtype=bool))


def parse_numbers(values: pd.Series, decimal_comma: bool | None = None) -> Parsed:
    """Numbers from numeric cells or strings like ``¥1,234.50``, ``(12)``, ``12%``, ``１２３``, ``1.234,56``.

    Percent strings become fractions (``12%`` → 0.12). Parentheses mean negative. The decimal
    comma is detected per column when ``decimal_comma`` is None: some value must look European
    (``1.234,56``, ``12,5``) and none American with both separators (``1,234.56``); a lone
    ``1,234`` is read as one thousand two hundred thirty-four.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = values.astype("float64")
        missing = out.isna().to_numpy()
        return Parsed(out, missing, np.zeros(len(out), dtype=bool))
    text = _as_text(values)
    missing = _nulls(text)
    has_comma = text.str.contains(",", regex=False).fillna(False).to_numpy(dtype=bool)
    if decimal_comma is None:
        # Judged without currency marks and spaces: "1.299,00 €" and "USD 64,237.68" are numbers first.
        commas = pd.Series(text[has_comma].unique(), dtype="str").str.normalize("NFKC")
        commas = commas.str.replace(r"\s+", "", regex=True).str.replace(_CURRENCY, "", regex=True)
        decimal_comma = bool(commas.str.fullmatch(_EU_NUMBER).any() and not commas.str.fullmatch(_US_NUMBER).any())
    # each distinct text converted once (an order export repeats its prices and quantities: 1M cells,
    # ~50k distinct; 0.26 -> 0.05 s a column), then spread back by code
    codes, uniques = pd.factorize(text)
    converted = pd.to_numeric(pd.Series(uniques, dtype="str"), errors="coerce").astype("float64").to_numpy()
    fast = pd.Series(np.append(converted, np.nan)[codes], index=text.index, dtype="float64")
    slow = (fast.isna().to_numpy() & ~missing) | (has_comma if decimal_comma else False)
    percent = False
    if slow.any():
        codes, uniques = pd.factorize(text[slow])
        cleaned, percent = _clean_numbers(pd.Series(uniques, dtype="str"), decimal_comma)
        fast[slow] = cleaned.to_numpy()[codes]
    bad = fast.isna().to_numpy() & ~missing
    return Parsed(fast, missing, bad, notes={"percent": percent, "decimal_comma": decimal_comma})


def _clean_numbers(u: pd.Series, decimal_comma: bool) -> tuple[pd.Series, bool]:
    s = u.str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    negative = s.str.fullmatch(r"\(.*\)") | s.str.fullmatch(r".*\d-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*\d)-$", r"\1", regex=True)
    s = s.str.replace(_CURRENCY, "", regex=True)
    pct = s.str.endswith("%")
    s = s.str.rstrip("%").str.replace("'", "", regex=False)
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        s = s.str.replace(r"(?<=\d),(?=\d{3}(?:\D|$))", "", regex=True)
    num = pd.to_numeric(s.where(s.str.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")), errors="coerce").astype(
        "float64"
    )
    num = num.where(~pct, num / 100).where(~negative, -num)
    return num, bool(pct.any())


def parse_dates(values: pd.Series, order: str = "auto", *, allow_month: bool = False) -> Parsed:
    """Calendar dates (datetime64 at midnight) from mixed formats; see the module docstring.

    Parameters
    ----------
    order : {"auto", "MDY", "DMY"}
        Day/month order for ``A/B/Y`` forms.
    allow_month : bool
        Also accept ``2020-01`` / ``2020年1月`` as the first day of that month (monthly tables).
    """
    n = len(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        out = out.dt.floor("D").astype("datetime64[s]")
        missing = out.isna().to_numpy()
        return Parsed(out, missing, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        values = values.astype(object)
    native = (
        np.array([isinstance(v, (dt.date, pd.Timestamp)) for v in values], dtype=bool)
        if values.dtype == object
        else np.zeros(n, dtype=bool)
    )
    text = _as_text(values.where(~native) if native.any() else values)
    missing = _nulls(text) & ~native
    codes, uniques = pd.factorize(text.mask(missing))
    parsed, shaped, notes = _parse_unique_dates(pd.Series(uniques, dtype="str"), order, allow_month)
    lookup = np.append(parsed.to_numpy(dtype="datetime64[s]"), np.datetime64("NaT"))
    out = pd.Series(lookup[codes], index=values.index, dtype="datetime64[s]")
    shape_ok = np.append(shaped.to_numpy(dtype=bool), False)[codes]
    if native.any():
        out[native] = pd.to_datetime(pd.Series(values[native].tolist()), errors="coerce").dt.floor("D").to_numpy()
    is_nat = out.isna().to_numpy()
    bad = is_nat & ~missing
    impossible = bad & shape_ok
    return Parsed(out, missing, bad, impossible, notes)


def _ymd(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": pd.to_numeric(year), "month": pd.to_numeric(month), "day": pd.to_numeric(day)})
    return pd.to_datetime(frame, errors="coerce")


def _parse_unique_dates(u: pd.Series, order: str, allow_month: bool) -> tuple[pd.Series, pd.Series, dict]:
    """Parse distinct strings; return (dates, 'looked like a date', notes)."""
    notes: dict = {}
    result = pd.Series(pd.NaT, index=u.index, dtype="datetime64[s]")
    shaped = pd.Series(False, index=u.index)
    if u.empty:
        return result, shaped, notes
    s = u.str.normalize("NFKC").str.replace(_WEEKDAY, " ", regex=True).str.strip()
    s = s.str.replace(_TIME, "", regex=True).str.strip().str.rstrip(",").str.strip()

    def put(mask: pd.Series, dates: pd.Series) -> None:
        nonlocal result, shaped
        result = result.where(~mask, dates.astype("datetime64[s]"))
        shaped = shaped | mask

    ymd = s.str.extract(_YMD)
    m = ymd[0].notna()
    if m.any():
        put(m, _ymd(ymd[0], ymd[1], ymd[2]).reindex(u.index))
    compact = s.str.extract(_COMPACT)
    m = compact[0].notna() & compact[0].astype("float").between(1900, 2100)
    if m.any():
        put(m, _ymd(compact[0], compact[1], compact[2]).reindex(u.index))
    aby = s.str.extract(_ABY)
    m = aby[0].notna()
    if m.any():
        year = pd.to_numeric(aby[2])
        year = year.where(aby[2].str.len() == 4, np.where(year < 69, 2000 + year, 1900 + year))
        mdy = _ymd(year, aby[0], aby[1])
        dmy = _ymd(year, aby[1], aby[0])
        chosen = order.upper()
        if chosen not in ("MDY", "DMY"):
            ok_mdy, ok_dmy = int(mdy[m].notna().sum()), int(dmy[m].notna().sum())
            chosen = "DMY" if ok_dmy > ok_mdy else "MDY"
            if ok_mdy == ok_dmy and bool((aby[0][m].astype(int) != aby[1][m].astype(int)).any()):
                notes["date_order_assumed"] = True
        notes["date_order"] = chosen
        put(m, (mdy if chosen == "MDY" else dmy).reindex(u.index))
    serial = s.str.fullmatch(_SERIAL)
    if serial.any():
        days = pd.to_numeric(s.where(serial), errors="coerce")
        days = days.where(days.between(20000, 80000))
        put(serial, (EXCEL_EPOCH + pd.to_timedelta(np.floor(days), unit="D")))
    if allow_month:
        ym = s.str.extract(_YM)
        m = ym[0].notna() & ~shaped
        if m.any():
            put(m, _ymd(ym[0], ym[1], pd.Series(1, index=u.index)).reindex(u.index))
    words = ~shaped & s.str.contains(r"[A-Za-z]{3}", regex=True)
    if words.any():
        # Month names make the order unambiguous, so pandas' flexible parser is safe here.
        named = pd.Series([pd.to_datetime(x, errors="coerce", format="mixed") for x in s[words]], index=s[words].index)
        named = pd.to_datetime(named, errors="coerce").dt.floor("D")
        result = result.where(~words, named.reindex(u.index).astype("datetime64[s]"))
    return result.dt.floor("D"), shaped, notes
