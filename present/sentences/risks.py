"""Risks in words: each risk's title and the numbers that triggered it, the register as a table, the
rules that could not be judged — in the user's language, every number formatted as the app does."""

from __future__ import annotations

import math

import pandas as pd

from metrics.risks import RULES, Assessment, Item, Risk, band
from present.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, fmt_pts, label, t
from present.sentences.budget import lever_label


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def _month(value: object, lang: str) -> str:
    stamp = pd.Timestamp(str(value))
    return f"{stamp.year}年{stamp.month}月" if lang == "zh" else stamp.strftime("%b %Y")


def title(risk: Risk, lang: str) -> str:
    """The risk's name: a user's own words, or the rule's title with its subject."""
    if not risk.detected:
        return risk.title or ""
    e = risk.evidence
    if risk.rule in ("declining", "negative_contribution"):
        return t(f"risks_title_{risk.rule}", lang, channel=label(e["channel"], lang))
    if risk.rule == "goal_shortfall":
        return t("risks_title_goal_shortfall", lang, goal=f"{label(e['series'], lang)} · {_month(e['month'], lang)}")
    if risk.rule == "assumed_curves":
        return t("risks_title_assumed_curves", lang, plan=e["plan"] or t("risks_plan_current", lang))
    return t(f"risks_title_{risk.rule}", lang)


def evidence(risk: Risk, lang: str) -> str:
    """The numbers that triggered the risk, as a sentence (a user's risk: their description)."""
    if not risk.detected:
        return risk.description
    e, rule = risk.evidence, risk.rule
    if rule == "concentration":
        return t(
            "risks_evidence_concentration",
            lang,
            hhi=fmt_int(e["hhi"], "en"),
            channel=label(e["top_channel"], lang),
            share=fmt_pct(e["top_share"], lang),
            channels=e["channels"],
        )
    if rule == "declining":
        text = t(
            "risks_evidence_declining",
            lang,
            revenue=fmt_money(e["revenue"], lang),
            prior=fmt_money(e["prior_revenue"], lang),
            change=fmt_pct(e["change"], lang, signed=True),
            quarters=e["quarters_down"],
        )
        ahead = e.get("forecast_next")
        if isinstance(ahead, (int, float)) and math.isfinite(ahead):
            key = (
                "risks_evidence_declining_forecast"
                if ahead < float(e["revenue"])
                else "risks_evidence_declining_recovers"
            )
            text += (" " if lang == "en" else "") + t(key, lang, ahead=fmt_money(ahead, lang))
        return text
    if rule == "key_customers":
        return t(
            "risks_evidence_key_customers",
            lang,
            customer=e["top_customer"],
            top1=fmt_pct(e["top1_share"], lang),
            top10=fmt_pct(e["top10_share"], lang),
            dormant=e["dormant"],
            dormant_share=fmt_pct(e["dormant_share"], lang),
        )
    if rule == "rising_churn":
        return t(
            "risks_evidence_rising_churn",
            lang,
            months=e["months"],
            churn=fmt_pct(e["churn"], lang),
            before=fmt_pct(e["churn_year_ago"], lang),
            rise=fmt_pts(e["rise"], lang),
        )
    if rule == "price_conflict":
        parts = []
        if e["products"]:
            parts.append(
                t(
                    "risks_evidence_price_conflict",
                    lang,
                    products=e["products"],
                    gap=fmt_pct(e["max_gap"], lang),
                    channels=_sep(lang).join(label(c, lang) for c in e["channels"]),
                    low=fmt_money(e["low_revenue"], lang),
                    examples=_sep(lang).join(e["examples"]),
                )
            )
        if e["out_of_territory"]:
            parts.append(t("risks_evidence_out_of_territory", lang, amount=fmt_money(e["out_of_territory"], lang)))
        return (" " if lang == "en" else "").join(parts)
    if rule == "blind_spots":
        cells = _sep(lang).join(" × ".join(label(x, lang) for x in cell.split(" × ")) for cell in e["cells"])
        return t(
            "risks_evidence_blind_spots", lang, count=e["count"], cells=cells, at_stake=fmt_money(e["at_stake"], lang)
        )
    if rule == "goal_shortfall":
        return t(
            "risks_evidence_goal_shortfall",
            lang,
            series=label(e["series"], lang),
            month=_month(e["month"], lang),
            target=fmt_money(e["target"], lang),
            p50=fmt_money(e["p50"], lang),
            p10=fmt_money(e["p10"], lang),
            p90=fmt_money(e["p90"], lang),
            miss=fmt_pct(e["miss"], lang, decimals=0),
        )
    if rule == "assumed_curves":
        text = t(
            "risks_evidence_assumed_curves",
            lang,
            plan=e["plan"] or t("risks_plan_current", lang),
            share=fmt_pct(e["share"], lang),
            assumed=fmt_money(e["assumed_spend"], lang),
            spend=fmt_money(e["spend"], lang),
            levers=_sep(lang).join(lever_label(v, lang) for v in e["levers"]),
        )
        if e["moved"]:
            text += (" " if lang == "en" else "") + t(
                "risks_evidence_assumed_moved", lang, levers=_sep(lang).join(lever_label(v, lang) for v in e["moved"])
            )
        return text
    if rule == "negative_contribution":
        return t(
            "risks_evidence_negative_contribution",
            lang,
            contribution=fmt_money(e["contribution"], lang),
            cost=fmt_money(e["channel_cost"], lang),
            roi=fmt_pct(e["roi"], lang),
        )
    if rule == "data_health":
        if e["weak"]:
            weak = _sep(lang).join(
                f"{t(f'health_component_{k}', lang)} {fmt_number(v, lang, decimals=0)}"
                for k, v in zip(e["weak"], e["weak_scores"], strict=True)
            )
            return t("risks_evidence_data_health", lang, score=fmt_number(e["score"], lang, decimals=0), weak=weak)
        return t("risks_evidence_data_health_plain", lang, score=fmt_number(e["score"], lang, decimals=0))
    raise KeyError(rule)


def key_label(key: str, lang: str) -> str:
    """A risk's key in words when only the key is left (a plan whose risk is no longer detected)."""
    rule, _, subject = key.partition(":")
    if rule not in RULES:
        return key
    name = t(f"risks_rule_{rule}", lang)
    return f"{name}: {label(subject, lang)}" if subject and subject != "*" else name


def skipped(assessment: Assessment, lang: str, *, only: tuple[str, ...] | None = None) -> list[str]:
    """ "Rule: why it could not be judged", one per skipped rule."""
    return [
        f"{t(f'risks_rule_{rule}', lang)}: {t(reason, lang)}"
        for rule, reason in assessment.skipped.items()
        if only is None or rule in only
    ]


REGISTER_COLUMNS = (
    "rank",
    "risk",
    "category",
    "likelihood",
    "impact",
    "score",
    "band",
    "evidence",
    "owner",
    "action",
    "due",
    "status",
    "source",
)


def register_frame(listed: list[Item]) -> pd.DataFrame:
    """The register as data (numbers as numbers, keys not text): one row per item, REGISTER_COLUMNS
    plus ``key``; the screen and the report translate it with :func:`texts`."""
    rows = []
    for item in listed:
        r, p = item.risk, item.plan
        rows.append(
            {
                "rank": item.rank,
                "key": r.key,
                "category": r.category,
                "risk_likelihood": r.likelihood,
                "risk_impact": r.impact,
                "risk_score": r.score,
                "band": band(r.score),
                "owner": p.owner if p else None,
                "action": p.action if p else None,
                "due": p.due.isoformat() if p and p.due else None,
                "status": p.status if p else "none",
                "source": "detected" if r.detected else "user",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "rank",
            "key",
            "category",
            "risk_likelihood",
            "risk_impact",
            "risk_score",
            "band",
            "owner",
            "action",
            "due",
            "status",
            "source",
        ],
    )


def table(listed: list[Item], lang: str) -> pd.DataFrame:
    """The register as the page, the report and the download show it: translated text, numbers kept."""
    frame = register_frame(listed)
    frame.insert(2, "risk", [title(i.risk, lang) for i in listed])
    frame["evidence"] = [evidence(i.risk, lang) for i in listed]
    return frame[
        [
            "rank",
            "risk",
            "category",
            "risk_likelihood",
            "risk_impact",
            "risk_score",
            "band",
            "evidence",
            "owner",
            "action",
            "due",
            "status",
            "source",
        ]
    ]


TABLE_DIMS = {
    "rank": "raw",
    "risk": "raw",
    "category": "key:risks_category_",
    "band": "key:risks_band_",
    "evidence": "raw",
    "owner": "raw",
    "action": "raw",
    "due": "raw",
    "status": "key:risks_status_",
    "source": "key:risks_source_",
}
TABLE_HEADERS = {
    "rank": "risks_col_rank",
    "risk": "risks_col_risk",
    "category": "risks_col_category",
    "band": "risks_col_band",
    "evidence": "risks_col_evidence",
    "owner": "risks_col_owner",
    "action": "risks_col_action",
    "due": "risks_col_due",
    "status": "risks_col_status",
    "source": "risks_col_source",
}
