"""How a catalog metric reads, in either language: one formatter per format, "—" when undefined.

The same text on a KPI card, in a table cell, in a sentence and in the report (¥230.3万 / ¥2.3M,
12.3%, 2,087): a metric never reads two ways. Exact values are in the downloads, whose XLSX
cells keep the numbers with the Excel format of the same metric (:func:`xlsx_number_format`).
"""

from __future__ import annotations

import math

from metrics import catalog
from present.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, fmt_pts, is_missing, t

DASH = "—"


def _undefined(value: object) -> bool:
    return is_missing(value) or (isinstance(value, float) and math.isinf(value))


def format_value(key: str, value: object, lang: str) -> str:
    """``value`` of metric ``key`` as text ("—" when missing, NaN or infinite)."""
    if _undefined(value):
        return DASH
    fmt = catalog.get(key).format
    number = float(value)  # type: ignore[arg-type]
    if fmt == "money":
        return fmt_money(number, lang)
    if fmt == "integer":
        return fmt_int(number, lang)
    if fmt == "days":
        return t("unit_days", lang, days=f"{number:,.0f}")
    if fmt == "percent":
        return fmt_pct(number, lang)
    if fmt == "signed_percent":
        return fmt_pct(number, lang, signed=True)
    if fmt == "multiple":
        return f"{fmt_number(number, lang, decimals=1)}×"
    return fmt_number(number, lang)


def format_delta(key: str, delta: object, lang: str) -> str | None:
    """A change of metric ``key``: percentage points for rates, a signed relative change otherwise."""
    if _undefined(delta):
        return None
    if catalog.get(key).delta_in_points:
        return fmt_pts(delta, lang)
    return fmt_pct(delta, lang, signed=True)


def format_change(key: str, change: object, lang: str) -> str | None:
    """An absolute change in the metric's own unit (a scenario minus the current plan)."""
    if _undefined(change):
        return None
    if catalog.get(key).delta_in_points:
        return fmt_pts(change, lang)
    text = format_value(key, abs(float(change)), lang)  # type: ignore[arg-type]
    return ("-" if float(change) < 0 else "+") + text  # type: ignore[arg-type]


def delta_color(key: str) -> str:
    """Streamlit's delta colouring for the metric's good direction."""
    return {"up": "normal", "down": "inverse"}.get(catalog.get(key).good, "off")


def label(key: str, lang: str) -> str:
    """The metric's name in ``lang``."""
    return t(catalog.get(key).label, lang)


def xlsx_number_format(key: str) -> str | None:
    """The Excel number format of a metric's column in downloads (None: leave the cell as written)."""
    return {
        "money": "#,##0.00",
        "integer": "#,##0",
        "days": "#,##0",
        "percent": "0.0%",
        "signed_percent": "+0.0%;-0.0%;0.0%",
        "decimal": "#,##0.00",
        "multiple": '0.0"×"',
    }.get(catalog.get(key).format)
