"""Number and date parsers: hand-picked cases with ids, then Hypothesis properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.ingest.parse import parse_dates, parse_numbers

NUMBER_CASES = [
    ("plain", "1234.5", 1234.5),
    ("thousands", "1,234,567.25", 1234567.25),
    ("yuan_fullwidth_sign", "￥1,234.50", 1234.5),
    ("yuan_sign", "¥ 88", 88.0),
    ("rmb_prefix", "RMB 5", 5.0),
    ("yuan_suffix", "5元", 5.0),
    ("dollar", "$7.10", 7.1),
    ("euro", "€3", 3.0),
    ("percent", "12%", 0.12),
    ("parentheses_negative", "(1,000)", -1000.0),
    ("stray_spaces", " 3 ", 3.0),
    ("nbsp", "\u00a01\u00a0000", 1000.0),
    ("fullwidth_digits", "１２３", 123.0),
    ("negative", "-4.5", -4.5),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in NUMBER_CASES], ids=[c[0] for c in NUMBER_CASES])
def test_number_forms(text: str, expected: float) -> None:
    parsed = parse_numbers(pd.Series([text, "1"]))
    assert parsed.values.iloc[0] == pytest.approx(expected)
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["USD 64,237.68", "USD 1,000.00"], [64237.68, 1000.0]),
        (["1.299,00 €", "12,50 €"], [1299.0, 12.5]),
        (["¥1,299.00", "¥12"], [1299.0, 12.0]),
        (["EUR 1.299,00", "€ 7"], [1299.0, 7.0]),
    ],
    ids=["usd-code", "euro-suffix", "yuan", "eur-code"],
)
def test_currency_strings_from_exports(values: list[str], expected: list[float]) -> None:
    """Issue 10: amounts as Salesforce, European shops and Chinese back offices write them."""
    parsed = parse_numbers(pd.Series(values, dtype=object))
    assert parsed.values.tolist() == pytest.approx(expected) and not parsed.bad.any()


def test_decimal_comma_column() -> None:
    parsed = parse_numbers(pd.Series(["1.234,56", "12,5", "7"]))
    assert parsed.values.tolist() == pytest.approx([1234.56, 12.5, 7.0])
    assert parsed.notes["decimal_comma"]


def test_text_and_nulls_in_numbers() -> None:
    parsed = parse_numbers(pd.Series(["abc", "", "N/A", "-", "3"]))
    assert parsed.bad.tolist() == [True, False, False, False, False]
    assert parsed.missing.tolist() == [False, True, True, True, False]


DATE_CASES = [
    ("iso", "2020-01-05", "2020-01-05"),
    ("slash_ymd", "2020/1/5", "2020-01-05"),
    ("chinese", "2020年1月5日", "2020-01-05"),
    ("weekday_cn", "2018-01-05 星期五", "2018-01-05"),
    ("timestamp", "2020-01-05 13:45:10", "2020-01-05"),
    ("iso_tz", "2020-01-05T10:00:00Z", "2020-01-05"),
    ("compact", "20200105", "2020-01-05"),
    ("excel_serial", "43835", "2020-01-05"),
    ("month_name", "Jan 5, 2020", "2020-01-05"),
    ("fullwidth", "２０２０－０１－０５", "2020-01-05"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DATE_CASES], ids=[c[0] for c in DATE_CASES])
def test_date_forms(text: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([text]))
    assert parsed.values.iloc[0] == pd.Timestamp(expected)


def test_superstore_mixed_formats_pick_month_first() -> None:
    parsed = parse_dates(pd.Series(["11-08-16", "4/15/2017", "06-12-16"]))
    assert parsed.values.tolist() == [
        pd.Timestamp("2016-11-08"),
        pd.Timestamp("2017-04-15"),
        pd.Timestamp("2016-06-12"),
    ]
    assert parsed.notes["date_order"] == "MDY"


def test_day_first_column_detected() -> None:
    parsed = parse_dates(pd.Series(["25/12/2020", "01/02/2020"]))
    assert parsed.values.tolist() == [pd.Timestamp("2020-12-25"), pd.Timestamp("2020-02-01")]


def test_ambiguous_order_is_flagged_and_forcible() -> None:
    assert parse_dates(pd.Series(["01/02/2020", "03/04/2020"])).notes.get("date_order_assumed")
    forced = parse_dates(pd.Series(["01/02/2020"]), order="DMY")
    assert forced.values.iloc[0] == pd.Timestamp("2020-02-01")


def test_impossible_dates_rejected_not_coerced() -> None:
    parsed = parse_dates(pd.Series(["2018-02-29", "2019/13/01", "banana", "", "2020-02-29"]))
    assert parsed.impossible.tolist() == [True, True, False, False, False]
    assert parsed.bad.tolist() == [True, True, True, False, False]
    assert parsed.missing.tolist() == [False, False, False, True, False]
    assert parsed.values.iloc[4] == pd.Timestamp("2020-02-29")


def test_native_cells() -> None:
    parsed = parse_dates(pd.Series([dt.date(2020, 1, 5), dt.datetime(2020, 1, 6, 12), "2020-01-07"], dtype=object))
    assert parsed.values.dt.day.tolist() == [5, 6, 7]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False), min_size=1, max_size=20),
    st.sampled_from(["{:,.2f}", "¥{:,.2f}", "{:.2f}元", "$ {:,.2f}", "{:.2f}"]),
)
def test_formatted_numbers_round_trip(values: list, template: str) -> None:
    texts = []
    for v in values:
        text = template.format(abs(v))
        texts.append(f"({text})" if v < 0 else text)
    parsed = parse_numbers(pd.Series(texts))
    assert not parsed.bad.any()
    np.testing.assert_allclose(parsed.values.to_numpy(), [float(v) for v in values], rtol=0, atol=1e-6)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2060, 12, 31)), min_size=1, max_size=15),
    st.sampled_from(
        [
            "{d:%Y-%m-%d}",
            "{d.year}/{d.month}/{d.day}",
            "{d.year}年{d.month}月{d.day}日",
            "{d:%Y%m%d}",
            "{d:%Y-%m-%d} 10:30:00",
        ]
    ),
)
def test_unambiguous_dates_round_trip(days: list[dt.date], template: str) -> None:
    parsed = parse_dates(pd.Series([template.format(d=d) for d in days]))
    assert not parsed.bad.any()
    assert [v.date() for v in parsed.values] == days


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), min_size=1, max_size=15))
def test_month_first_dates_with_evidence_round_trip(days: list[dt.date]) -> None:
    # 12/25 proves the column is month-first; every other value must then read the same way.
    texts = ["12/25/2020"] + [f"{d.month}/{d.day}/{d.year}" for d in days]
    parsed = parse_dates(pd.Series(texts))
    assert [v.date() for v in parsed.values[1:]] == days


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=12))
def test_parsers_never_crash(text: str) -> None:
    parse_numbers(pd.Series([text, "1"]))
    parse_dates(pd.Series([text, "2020-01-01"]))
