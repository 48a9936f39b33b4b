"""The advisor in words: reasons with their numbers and sources, verdict, summary, contradictions,
actions, the suggested split, and the signals table."""

from __future__ import annotations

import pandas as pd

from metrics.advisor import Action, Advice, Signal, Split
from present.formats import format_value
from present.i18n import fmt_money, fmt_number, fmt_pct, label, t


def _lean_key(vote: float) -> str:
    if abs(vote) < 0.05:
        return "advisor_lean_neutral"
    return "advisor_lean_crm" if vote > 0 else "advisor_lean_channels"


def lean_text(vote: float | None, lang: str) -> str:
    return "—" if vote is None else t(_lean_key(vote), lang)


def source_text(s: Signal, lang: str) -> str:
    return t("advisor_source", lang, page=t(f"nav_{s.page}", lang), metric=s.metric)


def _detail_values(s: Signal, lang: str) -> dict[str, str]:
    d = s.detail
    return {
        "prior": fmt_pct(d.get("prior"), lang),
        "days": str(d.get("window_days", "")),
        "channel": label(d.get("top_channel") or d.get("channel") or "—", lang),
        "growth": fmt_pct(d.get("top_growth"), lang, signed=True),
        "share": fmt_pct(d.get("top_share"), lang),
        "count": str(d.get("count", "")),
        "cells": str(d.get("cells", "")),
        "region": label(d.get("region") or "—", lang),
        "customers": str(d.get("customers", "")),
        "channel_mr": fmt_number(d.get("channel_marginal"), lang),
        "crm_mr": fmt_number(d.get("crm_marginal"), lang),
        "gap": fmt_number(s.value, lang),
        "gap_low": fmt_number(d.get("gap_p10"), lang),
        "gap_high": fmt_number(d.get("gap_p90"), lang),
        "roi": fmt_pct(d.get("channel_roi"), lang),
        "start": str(d.get("start", "")),
        "end": str(d.get("end", "")),
        "worst": label(d.get("worst_channel") or "—", lang),
        "worst_ratio": format_value("clv_to_cac", d.get("worst_ratio"), lang),
        "best": label(d.get("best_channel") or "—", lang),
        "best_ratio": format_value("clv_to_cac", d.get("best_ratio"), lang),
        # the customer-voice signals (issue 15)
        "responses": str(d.get("responses", "")),
        "detractor_share": fmt_pct(d.get("detractor_share"), lang),
        "field": t(f"data_field_{d['field']}", lang) if d.get("field") else "—",
        "field_completeness": fmt_pct(d.get("field_completeness"), lang),
        "worst_rate": fmt_pct(d.get("worst_rate"), lang),
    }


def reason_text(s: Signal, lang: str) -> str:
    """One sentence: the number, the threshold, which way it leans, and the detail behind it."""
    if not s.available:
        why = t(s.detail["why"], lang) if s.detail.get("why") else ""
        return t(
            "advisor_unavailable",
            lang,
            signal=t(f"advisor_signal_{s.key}", lang),
            reason=t(s.reason or "advisor_na_no_sales", lang, why=why, **_detail_values(s, lang)),
        )
    values = _detail_values(s, lang)
    return t(
        f"advisor_reason_{s.key}",
        lang,
        value=format_value(s.catalog, s.value, lang),
        threshold=format_value(s.catalog, s.threshold, lang),
        lean=lean_text(s.vote, lang),
        **values,
    )


def reasons(advice: Advice, lang: str) -> list[str]:
    """The available signals' sentences, strongest first, each ending with its source."""
    ranked = sorted((s for s in advice.signals if s.available), key=lambda s: -abs(s.vote) * s.weight)  # type: ignore[arg-type]
    return [f"{reason_text(s, lang)} {source_text(s, lang)}" for s in ranked]


def unavailable(advice: Advice, lang: str) -> list[str]:
    return [reason_text(s, lang) for s in advice.signals if not s.available]


def verdict_text(advice: Advice, lang: str) -> str:
    return t(f"advisor_verdict_{advice.verdict}", lang, score=f"{advice.score:+.0f}")


def summary_text(advice: Advice, lang: str) -> str:
    """How the score was made: prior, data score, how much the data counted."""
    return t(
        "advisor_summary",
        lang,
        stage=t(f"advisor_stage_{advice.stage}", lang),
        industry=t(f"advisor_industry_{advice.industry}", lang),
        prior=f"{advice.prior:+.0f}",
        data="—" if advice.data_score is None else f"{advice.data_score:+.0f}",
        weight=fmt_pct(advice.data_weight, lang, decimals=0),
        evidence=fmt_pct(advice.evidence, lang, decimals=0),
        score=f"{advice.score:+.0f}",
    )


def contradiction_texts(advice: Advice, lang: str) -> list[str]:
    """Where the data disagrees with the stage preset, in words with the numbers."""
    if not advice.contradictions:
        return []
    stage = t(f"advisor_stage_{advice.stage}", lang)
    wanted = t("advisor_dir_crm" if advice.stage_prior > 0 else "advisor_dir_channels", lang)
    out = []
    for key in advice.contradictions:
        if key == "overall":
            out.append(
                t("advisor_contradiction_overall", lang, stage=stage, wanted=wanted, data=f"{advice.data_score:+.0f}")
            )
            continue
        s = advice.signal(key)
        out.append(
            t(
                "advisor_contradiction",
                lang,
                stage=stage,
                wanted=wanted,
                signal=t(f"advisor_signal_{key}", lang),
                value=format_value(s.catalog, s.value, lang),
                threshold=format_value(s.catalog, s.threshold, lang),
                lean=lean_text(s.vote, lang),
            )
        )
    return out


def action_text(action: Action, lang: str) -> str:
    values = {
        k: (fmt_pct(v, lang) if k == "crm" else t(f"data_field_{v}", lang) if k == "field" else label(v, lang))
        for k, v in action.values.items()
    }
    return t(action.key, lang, **values)


def split_text(split: Split, lang: str) -> str:
    return t(
        "advisor_split",
        lang,
        channels=fmt_pct(split.channel_share, lang),
        crm=fmt_pct(split.crm_share, lang),
        current=fmt_pct(split.current_crm_share, lang),
        total="—" if split.total is None else fmt_money(split.total, lang),
    )


def signals_frame(advice: Advice) -> pd.DataFrame:
    """The signals as a table (page, report, XLSX): one row per signal, its value and threshold in
    the signal's own metric (``catalog``), its lean, vote and weight, and where it comes from."""
    return pd.DataFrame(
        {
            "signal": [s.key for s in advice.signals],
            "catalog": [s.catalog for s in advice.signals],
            "value": [s.value for s in advice.signals],
            "threshold": [s.threshold for s in advice.signals],
            "lean": [_lean_key(s.vote) if s.available else "advisor_not_available" for s in advice.signals],
            "vote": [s.vote for s in advice.signals],
            "weight": [s.weight for s in advice.signals],
            "source": [f"{s.page}|{s.metric}" for s in advice.signals],
        }
    )


def signals_table_spec(advice: Advice, lang: str) -> dict:
    """How :func:`signals_frame` reads (``present.tables``): value and threshold in each row's metric."""
    return {
        "row_keys": [s.catalog for s in advice.signals],
        "row_metrics": {"vote": "advisor_vote", "weight": "advisor_weight"},
        "dims": {
            "signal": "key:advisor_signal_",
            "catalog": "hide",
            "lean": "key:",
            "source": lambda v: t(f"nav_{v.split('|')[0]}", lang) + " · " + v.split("|", 1)[1],
        },
        "headers": {
            "signal": "advisor_col_signal",
            "value": "advisor_col_value",
            "threshold": "advisor_col_threshold",
            "lean": "advisor_col_lean",
            "vote": "advisor_col_vote",
            "weight": "advisor_col_weight",
            "source": "advisor_col_source",
        },
    }
