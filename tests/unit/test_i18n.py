"""The translation table: complete in both languages, consistent, and covering every key used."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from present import i18n

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders():
    problems = []
    for key, (zh, en) in i18n.table().items():
        if not zh.strip() or not en.strip():
            problems.append(f"{key}: empty text")
        elif _fields(zh) != _fields(en):
            problems.append(f"{key}: placeholders differ {_fields(zh)} vs {_fields(en)}")
    assert not problems, "\n".join(problems)


def test_every_literal_key_used_in_code_exists():
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")
    used = {}
    for folder in ("app.py", "pages", "ui", "present", "cli", "metrics"):
        for path in [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                used.setdefault(key, path.name)
    missing = {key: where for key, where in used.items() if key not in i18n.table()}
    assert not missing, f"keys used but not translated: {missing}"
    assert len(used) > 20  # the scan really found the calls


@pytest.mark.parametrize("prefix", ["kpi_help_", "preset_"])
def test_dynamic_key_families_are_complete(prefix):
    from metrics.filters import PRESETS

    names = (
        PRESETS
        if prefix == "preset_"
        else ("revenue", "gross_profit", "margin", "orders", "active_customers", "aov", "repeat_rate", "churn_rate")
    )
    for name in names:
        assert f"{prefix}{name}" in i18n.table()


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        i18n.t("no_such_key_anywhere", "en")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (123_456_789, "zh", "¥1.23亿"),
        (12_345, "zh", "¥1.2万"),
        (999, "zh", "¥999"),
        (12_345_678, "en", "¥12.3M"),
        (-4_500, "en", "-¥4.5K"),
        (None, "en", "—"),
        (float("nan"), "zh", "—"),
    ],
)
def test_money_format_per_language(value, lang, expected):
    assert i18n.fmt_money(value, lang) == expected


def test_ratio_and_points_format():
    assert i18n.fmt_pct(0.1234, "en") == "12.3%"
    assert i18n.fmt_pct(0.05, "zh", signed=True) == "+5.0%"
    assert i18n.fmt_pct(None, "zh") == "—"
    assert i18n.fmt_pts(-0.012, "en") == "-1.2 pts"
    assert i18n.fmt_pts(0.012, "zh") == "+1.2 个百分点"


def test_data_values_translate_and_unknown_values_pass_through():
    assert i18n.label("直播带货", "en") == "Live commerce"
    assert i18n.label("直播带货", "zh") == "直播带货"
    assert i18n.label("Some Channel <b>", "en") == "Some Channel <b>"


def test_every_demo_build_stage_is_shown_in_both_languages():
    """A fresh app shows the demo build's stages (data.demo.STAGES) in the session's language: a small
    build reports exactly those, in order, and each has its own Chinese label (not the English word)."""
    from data import demo, warehouse

    seen = []
    demo.build_demo(warehouse.connect(":memory:"), orders=5_000, progress=lambda frac, stage: seen.append(stage))
    assert list(dict.fromkeys(seen)) == list(demo.STAGES)
    for stage in demo.STAGES:
        zh, en = (i18n.t("demo_stage_" + stage.replace(" ", "_"), lang) for lang in ("zh", "en"))
        assert en == stage and zh != en and not zh.isascii()
