"""The executive report's customer-voice section (issue 15): NPS, satisfaction, referral rate, channel
conversion and CRM data health, each as the app computes it, or the file that would give it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics import conversion, health, voice
from metrics.filters import Filters
from present.i18n import t
from present.tables import text_frame


@dataclass(frozen=True)
class VoiceSection:
    """What the report shows of the customer's voice (None parts: the data has no such file)."""

    headline: pd.DataFrame  # metric, value, prior
    conversion: pd.DataFrame | None
    health_fields: pd.DataFrame | None
    missing: tuple[str, ...]  # file kinds whose views are empty (feedback, customers, traffic)


def gather(con: duckdb.DuckDBPyConnection, f: Filters) -> VoiceSection:
    found = voice.availability(con, f.dataset)
    rows, missing = [], []
    if found.has_feedback:
        nps = voice.nps_summary(con, f)
        rows.append(("nps", nps.nps, nps.prior))
        csat = voice.csat(con, f)
        if len(csat):
            rows.append(("csat_top2", float(csat["csat_top2"].iloc[0]), None))
    else:
        missing.append("feedback")
    if found.referrals:
        referral = voice.referral_summary(con, f)
        rows.append(("referral_rate", referral.rate, referral.prior_rate))
    report = health.data_health(con, f.dataset)
    if report is not None:
        rows += [("data_health_score", report.score, None), ("duplicate_rate", report.duplicate_rate, None)]
    if not found.referrals or report is None:
        missing.append("customers")
    table = conversion.conversion(con, f)
    if table.empty:
        missing.append("traffic")
    else:
        rows.append(("conversion_rate", conversion.pooled_rate(table), None))
    headline = pd.DataFrame(rows, columns=["metric", "value", "prior"])
    return VoiceSection(
        headline,
        None if table.empty else table,
        None if report is None else report.fields[["field", "completeness", "invalid", "duplicates"]],
        tuple(missing),
    )


def headline_table(section: VoiceSection, lang: str) -> pd.DataFrame:
    return text_frame(
        section.headline,
        lang,
        metric_column="metric",
        headers={"metric": "report_col_kpi", "value": "report_col_value", "prior": "report_col_prior"},
    )


def html(
    section: VoiceSection | None, lang: str, table: Callable[[pd.DataFrame], str], e: Callable[[object], str]
) -> list[str]:
    """The section's HTML parts (``table`` renders escaped tables, ``e`` escapes text)."""
    if section is None:
        return []
    parts = [f"<h2>{e(t('report_voice', lang))}</h2>"]
    if len(section.headline):
        parts.append(table(headline_table(section, lang)))
    if section.conversion is not None:
        parts += [
            f"<h3>{e(t('conv_title', lang))}</h3>",
            table(
                text_frame(
                    section.conversion,
                    lang,
                    dims={"channel": "data", "level": "key:conv_level_", "basis": "key:conv_basis_"},
                )
            ),
        ]
    if section.health_fields is not None:
        parts += [
            f"<h3>{e(t('health_title', lang))}</h3>",
            table(
                text_frame(
                    section.health_fields,
                    lang,
                    dims={"field": lambda v: t(f"data_field_{v}", lang)},
                    row_metrics={
                        "completeness": "profile_completeness",
                        "invalid": "invalid_values",
                        "duplicates": "duplicate_customers",
                    },
                    headers={
                        "field": "health_col_field",
                        "completeness": "metric_profile_completeness",
                        "invalid": "metric_invalid_values",
                        "duplicates": "metric_duplicate_customers",
                    },
                )
            ),
        ]
    notes = [t("report_voice_missing", lang, file=t(f"datasets_extra_kind_{kind}", lang)) for kind in section.missing]
    parts += [f"<p class='note'>{e(note)}</p>" for note in notes]
    return parts


def sheets(section: VoiceSection | None, lang: str) -> dict[str, pd.DataFrame]:
    """The section's tables for the report's XLSX (raw numbers)."""
    if section is None:
        return {}
    out = {t("report_voice", lang)[:31]: section.headline}
    if section.conversion is not None:
        out[t("conv_title", lang)[:31]] = section.conversion
    if section.health_fields is not None:
        out[t("health_title", lang)[:31]] = section.health_fields
    return out
