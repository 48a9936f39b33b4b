"""One translation table for every user-facing string, and number formatting per language.

The table is the union of ``present/locales/*.toml`` and the ingest's own messages
(``data/ingest/messages.toml``, which the data layer's CLI reads too) (one file per area of the app so several
people can add strings without touching the same file). Each entry is
``key = ["中文", "English"]``; a key may appear in one file only, and both texts must be
non-empty with the same ``{placeholders}`` (``tests/unit/test_i18n.py`` enforces all three).

Data values (channel and region names from the demo) translate through the ``value_*`` keys of
``values.toml``; a value with no entry, e.g. from an uploaded file, is shown as it is.
"""

from __future__ import annotations

import functools
import math
import tomllib
from pathlib import Path

LANGS = ("zh", "en")
LOCALES = Path(__file__).resolve().parent / "locales"
INGEST_MESSAGES = Path(__file__).resolve().parents[1] / "data" / "ingest" / "messages.toml"


@functools.cache
def table() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for path in [*sorted(LOCALES.glob("*.toml")), INGEST_MESSAGES]:
        with path.open("rb") as handle:
            for key, pair in tomllib.load(handle).items():
                if key in merged:
                    raise ValueError(f"translation key {key!r} defined twice (again in {path.name})")
                merged[key] = (pair[0], pair[1])
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in.

    An unknown key raises KeyError: a missing translation is a bug the tests must catch.
    """
    text = table()[key][LANGS.index(lang) if lang in LANGS else 0]
    return text.format(**values) if values else text


@functools.cache
def _values() -> dict[str, tuple[str, str]]:
    return {key[len("value_") :]: pair for key, pair in table().items() if key.startswith("value_")}


def label(value: object, lang: str) -> str:
    """A data value (channel, region, segment...) in the user's language; unknown ones as they are."""
    text = "" if value is None else str(value)
    pair = _values().get(text)
    if pair is None:
        return text
    return pair[0] if lang == "zh" else pair[1]


def is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_money(x: object, lang: str, *, decimals: int = 1) -> str:
    """¥ with 万/亿 in Chinese, K/M/B in English; "—" when undefined."""
    if is_missing(x):
        return "—"
    value = float(x)  # type: ignore[arg-type]
    sign = "-" if value < 0 else ""
    a = abs(value)
    if lang == "zh":
        if a >= 1e8:
            return f"{sign}¥{a / 1e8:.{decimals + 1}f}亿"
        if a >= 1e4:
            return f"{sign}¥{a / 1e4:.{decimals}f}万"
        return f"{sign}¥{a:,.0f}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= size:
            return f"{sign}¥{a / size:.{decimals}f}{suffix}"
    return f"{sign}¥{a:,.0f}"


def fmt_int(x: object, lang: str) -> str:
    if is_missing(x):
        return "—"
    value = float(x)  # type: ignore[arg-type]
    if lang == "zh" and abs(value) >= 1e5:
        return f"{value / 1e4:.1f}万"
    return f"{value:,.0f}"


def fmt_pct(x: object, lang: str, *, decimals: int = 1, signed: bool = False) -> str:
    """A ratio (0.123) as a percentage ("12.3%"); "—" when undefined."""
    if is_missing(x) or (isinstance(x, float) and math.isinf(x)):
        return "—"
    sign = "+" if signed else ""
    return f"{float(x) * 100:{sign}.{decimals}f}%"  # type: ignore[arg-type]


def fmt_pts(x: object, lang: str) -> str:
    """A difference of two ratios in percentage points: "+1.2 pts" / "+1.2 个百分点"."""
    if is_missing(x):
        return "—"
    return t("delta_pts", lang, value=f"{float(x) * 100:+.1f}")  # type: ignore[arg-type]


def fmt_number(x: object, lang: str, *, decimals: int = 2) -> str:
    if is_missing(x):
        return "—"
    return f"{float(x):,.{decimals}f}"  # type: ignore[arg-type]
