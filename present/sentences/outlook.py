"""The outlook in words: which model each series got and why, its 春节 regressors, the backtest in one line."""

from __future__ import annotations

import math

from metrics.forecast import SeriesForecast
from present.i18n import fmt_number, fmt_pct, label, t


def method_label(forecast: SeriesForecast, lang: str) -> str:
    """The model's short name, or why the series is not forecast."""
    if not forecast.ok:
        return t(f"outlook_reason_{forecast.reason}", lang)
    return t(f"outlook_method_{forecast.method}", lang)


def method_note(forecast: SeriesForecast, lang: str) -> str:
    """One sentence on the series' model; the simpler models say why they are used."""
    if not forecast.ok:
        return f"{label(forecast.series, lang)}: {t(f'outlook_reason_{forecast.reason}', lang)}"
    return t(f"outlook_note_{forecast.method}", lang, series=label(forecast.series, lang), months=forecast.months)


def holidays_text(forecast: SeriesForecast, lang: str) -> str:
    """The 春节 regressors kept, with the change in a month fully inside each window, or that there are none."""
    if not forecast.holidays:
        return t("outlook_holidays_none", lang)
    effects = ("、" if lang == "zh" else ", ").join(
        f"{t(f'outlook_holiday_{name}', lang)} {fmt_pct(math.exp(coef) - 1, lang, signed=True, decimals=0)}"
        for name, coef in forecast.holidays.items()
    )
    return t("outlook_holidays_kept", lang, effects=effects)


def holidays_cell(forecast: SeriesForecast, lang: str) -> str:
    """The regressors kept, for a table cell ("—" when none)."""
    if not forecast.holidays:
        return "—"
    return ("、" if lang == "zh" else ", ").join(t(f"outlook_holiday_{name}", lang) for name in forecast.holidays)


def backtest_summary(pooled: dict[str, float], lang: str) -> str:
    """The pooled backtest in one sentence (MASE beside the seasonal naive and the straight line)."""
    return t(
        "outlook_backtest_summary",
        lang,
        points=int(pooled["points"]),
        mase=fmt_number(pooled["mase"], lang),
        snaive=fmt_number(pooled["snaive_mase"], lang),
        line=fmt_number(pooled["line_mase"], lang),
        coverage=fmt_pct(pooled["coverage"], lang),
    )
