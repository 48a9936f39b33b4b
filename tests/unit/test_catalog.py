"""The metric catalog: valid as data, every entry labelled and defined, and the one way numbers read."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from metrics import catalog
from present import formats, i18n
from present.tables import export_frame, text_frame, view
from tests.shared_data import SHARED_DATA
from tests.unit.test_docs import README


def test_every_entry_has_both_languages_and_a_definition_that_exists():
    metrics_md = SHARED_DATA.parent / "METRICS.md"
    rows = None
    if metrics_md.exists():
        text = metrics_md.read_text(encoding="utf-8")
        sections = {m.group(1).split(" (")[0]: m.start() for m in re.finditer(r"^## (.+)$", text, re.M)}
        rows = (text, sections)
    headings = set(re.findall(r"^## (.+)$", README, re.M))
    for metric in catalog.entries().values():
        zh, en = i18n.table()[metric.label]
        assert zh.strip() and en.strip(), metric.key
        source, _, where = metric.definition.partition(" › ")
        if source == "README":
            assert any(h.startswith(where) for h in headings), f"{metric.key}: README has no section {where!r}"
        else:
            assert source == "METRICS.md", metric.key
            if rows is None:
                continue  # ../shared is not beside this clone (tests/shared_data.py says why elsewhere)
            text, sections = rows
            section, _, row = where.partition(" › ")
            assert section in sections, f"{metric.key}: METRICS.md has no section {section!r}"
            if row:
                assert f"| {row} |" in text, f"{metric.key}: METRICS.md has no row {row!r}"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (
            {"x": {"kind": "money", "format": "money", "label": "l", "good": "up", "definition": "d", "colour": "red"}},
            "unexpected keyword",
        ),
        ({"x": {"kind": "volume", "format": "money", "label": "l", "good": "up", "definition": "d"}}, "unknown kind"),
        ({"x": {"kind": "ratio", "format": "percent", "label": "l", "good": "up", "definition": "d"}}, "a ratio"),
        (
            {
                "x": {
                    "kind": "money",
                    "format": "money",
                    "label": "l",
                    "good": "up",
                    "definition": "d",
                    "numerator": "x",
                    "denominator": "x",
                }
            },
            "a ratio",
        ),
        (
            {
                "x": {
                    "kind": "ratio",
                    "format": "percent",
                    "label": "l",
                    "good": "up",
                    "definition": "d",
                    "numerator": "y",
                    "denominator": "x",
                }
            },
            "y is not in the catalog",
        ),
        ({"families": {"cost_": "nothing"}}, "family cost_"),
    ],
    ids=["unknown-field", "unknown-kind", "ratio-without-parts", "parts-without-ratio", "unknown-part", "family"],
)
def test_a_broken_catalog_is_refused(raw, problem):
    with pytest.raises(catalog.CatalogError, match=problem):
        catalog.parse(raw)


@pytest.mark.parametrize(
    ("key", "value", "zh", "en"),
    [
        ("revenue", 2_303_271.5, "¥230.3万", "¥2.3M"),
        ("revenue", 123_456_789, "¥1.23亿", "¥123.5M"),
        ("margin", 0.037, "3.7%", "3.7%"),
        ("growth", 0.125, "+12.5%", "+12.5%"),
        ("orders", 123_456, "12.3万", "123,456"),
        ("hhi", 2087.4, "2,087", "2,087"),
        ("clv_to_cac", 3.21, "3.2×", "3.2×"),
        ("recency_days", 45, "45 天", "45 d"),
        ("marginal_return", 1.234, "1.23", "1.23"),
        ("margin", None, "—", "—"),
        ("roi", float("nan"), "—", "—"),
        ("growth", math.inf, "—", "—"),
    ],
)
def test_values_read_the_same_everywhere_in_both_languages(key, value, zh, en):
    assert formats.format_value(key, value, "zh") == zh
    assert formats.format_value(key, value, "en") == en


def test_deltas_are_points_for_rates_and_relative_otherwise():
    assert formats.format_delta("churn_rate", 0.021, "en") == i18n.fmt_pts(0.021, "en")
    assert formats.format_delta("revenue", 0.05, "en") == "+5.0%"
    assert formats.format_change("revenue", -20_000, "zh") == "-¥2.0万"
    assert formats.delta_color("churn_rate") == "inverse" and formats.delta_color("revenue") == "normal"
    assert formats.delta_color("share") == "off"


def test_tables_format_every_number_from_the_catalog_and_refuse_an_unknown_one():
    frame = pd.DataFrame(
        {
            "channel": ["电商平台", "经销商"],
            "revenue": [2_303_271.5, np.nan],
            "margin": [0.037, None],
            "cost_marketing": [12_000.0, 0.0],
        }
    )
    text = text_frame(frame, "en", dims={"channel": "data"})
    assert text.columns.tolist() == ["Channel", "Revenue", "Gross margin", "Channel cost: Marketing"]
    assert text.iloc[0].tolist() == ["Marketplaces", "¥2.3M", "3.7%", "¥12.0K"]
    assert text.iloc[1].tolist() == ["Distributors", "—", "—", "¥0"]
    styler = view(frame, "zh", dims={"channel": "data"})
    assert styler.data["销售额"].iloc[0] == 2_303_271.5  # the screen sorts by the number, shows the text
    exported, number_formats = export_frame(frame, "zh", dims={"channel": "data"})
    assert exported["毛利率"].iloc[0] == 0.037 and number_formats["毛利率"] == "0.0%"
    with pytest.raises(KeyError, match="no catalog entry"):
        view(frame.assign(mystery=[1.0, 2.0]), "en", dims={"channel": "data"})


def test_rows_of_different_metrics_read_each_in_its_own_format():
    frame = pd.DataFrame({"outcome": ["revenue", "churn_rate", "budget_roi"], "current": [1e6, 0.3, 2.5]})
    text = text_frame(frame, "zh", metric_column="outcome", headers={"current": "budget_col_current"})
    assert text.to_dict("list") == {"指标": ["销售额", "流失率", "投入回报倍数"], "当前": ["¥100.0万", "30.0%", "2.5×"]}
