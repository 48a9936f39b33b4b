"""The overview's headlines: what moved revenue, margin, customers and regions, in words with numbers."""

from __future__ import annotations

import pandas as pd

from metrics.overview import Kpi
from present.i18n import fmt_int, fmt_money, fmt_pct, fmt_pts, label, t


def _signed(x: float | None, lang: str) -> str:
    return fmt_pct(x, lang, signed=True)


def headlines(cards: list[Kpi], moves: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per headline in ``lang``: revenue and its driver, margin, customers, movers."""
    by_key = {card.key: card for card in cards}
    sentences = []
    revenue = by_key["revenue"]
    channels = moves[moves["dim"] == "channel"]
    if revenue.delta is None:
        sentences.append(t("headline_revenue_no_prior", lang, revenue=fmt_money(revenue.value, lang)))
    else:
        lead = channels.sort_values("change", ascending=revenue.delta < 0).head(1)
        driver = label(lead["value"].iloc[0], lang) if not lead.empty else "—"
        key = "headline_revenue_up" if revenue.delta >= 0 else "headline_revenue_down"
        sentences.append(
            t(
                key,
                lang,
                revenue=fmt_money(revenue.value, lang),
                delta=_signed(revenue.delta, lang),
                driver=driver,
                driver_change=fmt_money(lead["change"].iloc[0] if not lead.empty else None, lang),
            )
        )
    margin = by_key["margin"]
    if margin.value is not None:
        with_margin = channels.dropna(subset=["margin"])
        if not with_margin.empty:
            low = with_margin.sort_values("margin").iloc[0]
            sentences.append(
                t(
                    "headline_margin",
                    lang,
                    margin=fmt_pct(margin.value, lang),
                    delta=fmt_pts(margin.delta, lang),
                    channel=label(low["value"], lang),
                    channel_margin=fmt_pct(low["margin"], lang),
                )
            )
    churn, active = by_key["churn_rate"], by_key["active_customers"]
    if active.value:
        if churn.value is None:
            sentences.append(
                t(
                    "headline_customers_no_churn",
                    lang,
                    active=fmt_int(active.value, lang),
                    repeat=fmt_pct(by_key["repeat_rate"].value, lang),
                )
            )
        else:
            sentences.append(
                t(
                    "headline_customers",
                    lang,
                    active=fmt_int(active.value, lang),
                    churn=fmt_pct(churn.value, lang),
                    prior_churn=fmt_pct(churn.prior, lang),
                    repeat=fmt_pct(by_key["repeat_rate"].value, lang),
                )
            )
    regions = moves[(moves["dim"] == "region")].dropna(subset=["growth"])
    if len(regions) >= 2:
        ordered = regions.sort_values("growth")
        top, bottom = ordered.iloc[-1], ordered.iloc[0]
        key = "headline_regions" if bottom["growth"] < 0 else "headline_regions_all_up"
        sentences.append(
            t(
                key,
                lang,
                top=label(top["value"], lang),
                top_growth=_signed(top["growth"], lang),
                bottom=label(bottom["value"], lang),
                bottom_growth=_signed(bottom["growth"], lang),
            )
        )
    return sentences
