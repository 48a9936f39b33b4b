"""The advisor's data signals, measured from the other areas' public metrics (never their SQL)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from data import registry
from metrics import channels, clv, conversion, health, overview, rfm, voice
from metrics.advisor.config import MIN_CUSTOMERS_FOR_TOP, SIGNALS, TOP_SHARE
from metrics.budget import BudgetModel, budget_model
from metrics.budget.projection import arrays, marginal_draws, marginal_returns
from metrics.filters import Filters


@dataclass(frozen=True)
class Measurement:
    """A signal's value, or ``reason`` (translation key) when the data cannot give it.

    ``detail`` holds the numbers and names behind the sentence and the next-step link.
    """

    key: str
    value: float | None
    reason: str | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """Everything :func:`measure` found: the signals and the current spend split (annual yuan,
    last 12 months of the dataset, as the budget model sees it)."""

    measurements: tuple[Measurement, ...]
    channel_spend: float
    crm_spend: float
    spend_start: str | None
    spend_end: str | None

    def get(self, key: str) -> Measurement:
        return next(m for m in self.measurements if m.key == key)

    def with_measurement(self, measurement: Measurement) -> Evidence:
        """A copy with one signal's measurement replaced."""
        return replace(
            self, measurements=tuple(measurement if m.key == measurement.key else m for m in self.measurements)
        )


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) or (isinstance(x, float) and math.isinf(x)) else float(x)  # type: ignore[arg-type]


def _na(key: str, reason: str, **detail: object) -> Measurement:
    return Measurement(key, None, reason, dict(detail))


def top_share(revenue: pd.Series, share: float = TOP_SHARE) -> float | None:
    """Revenue share of the top ``share`` of customers (at least one; rounded up), over positive revenue.

    None when fewer than MIN_CUSTOMERS_FOR_TOP customers or no positive revenue.
    """
    values = np.sort(revenue.clip(lower=0).to_numpy(dtype=float))[::-1]
    if len(values) < MIN_CUSTOMERS_FOR_TOP or values.sum() <= 0:
        return None
    k = max(1, math.ceil(share * len(values) - 1e-9))
    return float(values[:k].sum() / values.sum())


def _customer_signals(con: duckdb.DuckDBPyConnection, f: Filters, has_customer: bool) -> list[Measurement]:
    if not has_customer:
        return [_na(key, "advisor_na_no_customer") for key in ("churn_rate", "repeat_rate", "top20_share")]
    cards = {card.key: card for card in overview.kpis(con, f)}
    churn, repeat = cards["churn_rate"], cards["repeat_rate"]
    out = [
        Measurement(
            "churn_rate", churn.value, None, {"prior": churn.prior, "window_days": overview.DEFAULT_CHURN_WINDOW_DAYS}
        )
        if churn.value is not None
        else _na("churn_rate", "advisor_na_no_history"),
        Measurement(
            "repeat_rate", repeat.value, None, {"prior": repeat.prior, "customers": cards["active_customers"].value}
        )
        if repeat.value is not None
        else _na("repeat_rate", "advisor_na_no_sales"),
    ]
    scores = rfm.rfm(con, f)
    share = top_share(scores["monetary"])
    out.append(
        Measurement("top20_share", share, None, {"customers": len(scores)})
        if share is not None
        else _na("top20_share", "advisor_na_few_customers", customers=len(scores))
    )
    return out


def _channel_signals(
    con: duckdb.DuckDBPyConnection, f: Filters, ds: registry.Dataset, pnl: pd.DataFrame
) -> list[Measurement]:
    out = []
    sold = pnl[pnl["revenue"] != 0]
    if not ds.has_channel:
        out += [_na("channel_growth", "advisor_na_no_channel"), _na("hhi", "advisor_na_no_channel")]
    else:
        known = sold.dropna(subset=["growth"])
        prior = float(sold["prior_revenue"].sum()) if "prior_revenue" in sold else 0.0
        if sold["growth"].isna().all() or prior <= 0:
            out.append(_na("channel_growth", "advisor_na_no_prior"))
        else:
            best = known.sort_values("growth", ascending=False).iloc[0] if not known.empty else None
            out.append(
                Measurement(
                    "channel_growth",
                    (float(sold["revenue"].sum()) - prior) / prior,
                    None,
                    {
                        "top_channel": None if best is None else best["channel"],
                        "top_growth": None if best is None else float(best["growth"]),
                    },
                )
            )
        conc = channels.concentration(pnl, channels.declining(con, f))
        out.append(
            Measurement(
                "hhi", conc.hhi, None, {"top_channel": conc.top_channel, "top_share": conc.top_share, "band": conc.band}
            )
            if conc.hhi is not None
            else _na("hhi", "advisor_na_no_sales")
        )
    if not (ds.has_channel and ds.has_region):
        out.append(_na("blind_spots", "advisor_na_no_region" if ds.has_channel else "advisor_na_no_channel"))
    else:
        cells = channels.coverage(con, f, customers=False)  # only revenue per cell is read
        n_channels, n_regions = cells["channel"].nunique(), cells["region"].nunique()
        if n_regions < 2 or n_channels < 1:
            out.append(_na("blind_spots", "advisor_na_one_region"))
        else:
            spots = channels.blind_spots(cells, channels.customer_regions(con, f.dataset), f.regions)
            gaps = spots[spots["rule"] == "channel_gap"]
            # The gap in the channel with most revenue matters most: it is the one the next step opens.
            rank = {name: i for i, name in enumerate(pnl["channel"])}
            first = gaps.assign(rank=gaps["channel"].map(rank)).sort_values(["rank", "region"]).head(1)
            out.append(
                Measurement(
                    "blind_spots",
                    len(gaps) / (n_channels * n_regions),
                    None,
                    {
                        "count": len(gaps),
                        "cells": n_channels * n_regions,
                        "channel": None if first.empty else first["channel"].iloc[0],
                        "region": None if first.empty else first["region"].iloc[0],
                    },
                )
            )
    return out


def _roi_gap(model: BudgetModel, ds: registry.Dataset, pnl: pd.DataFrame) -> Measurement:
    """CRM's next-yuan return minus channels' (spend-weighted marginal returns at current spend).

    It votes only when the evidence is clear (METRICS.md "Uncertainty"): the gap computed under each
    of the curves' joint draws has a P10–P90 interval that excludes 0. Otherwise it abstains with
    reason ``advisor_na_unclear`` and keeps the numbers, so the page says how unclear it is.
    """
    if not ds.has_customer:
        return _na("roi_gap", "advisor_na_no_customer")
    a = arrays(model)
    x = model.current_allocation()
    usable = np.array([lv.current > 0 and lv.curve.source != "none" for lv in model.levers], dtype=bool)
    crm = np.array([lv.kind == "crm" for lv in model.levers], dtype=bool)
    if not (usable & ~crm).any():
        return _na("roi_gap", "advisor_na_no_channel_costs")
    if not (usable & crm).any():
        return _na("roi_gap", "advisor_na_no_crm_spend")
    returns = marginal_returns(a, x)
    draws = marginal_draws(a, x)
    channels, programmes = usable & ~crm, usable & crm
    channel_mr = float(np.average(returns[channels], weights=x[channels]))
    crm_mr = float(np.average(returns[programmes], weights=x[programmes]))
    gaps = np.average(draws[:, programmes], axis=1, weights=x[programmes]) - np.average(
        draws[:, channels], axis=1, weights=x[channels]
    )
    low, high = (float(v) for v in np.percentile(gaps, [10, 90]))
    cost = float(pnl["channel_cost"].sum(min_count=1)) if "channel_cost" in pnl else float("nan")
    contribution = float(pnl["contribution"].sum(min_count=1)) if "contribution" in pnl else float("nan")
    channel_roi = contribution / cost if cost and np.isfinite(cost) and np.isfinite(contribution) else None
    clear = low > 0 or high < 0
    return Measurement(
        "roi_gap",
        crm_mr - channel_mr,
        None if clear else "advisor_na_unclear",
        {
            "channel_marginal": channel_mr,
            "crm_marginal": crm_mr,
            "channel_roi": channel_roi,
            "gap_p10": low,
            "gap_p90": high,
            "start": str(model.start),
            "end": str(model.end),
        },
    )


def clv_signal(has_customer: bool, cost: pd.DataFrame, fit: Callable[[], clv.ClvResult]) -> Measurement:
    """CLV ÷ acquisition cost from :func:`metrics.clv.acquisition_cost`'s frame and a CLV fit, which
    ``fit()`` gives only when needed (it is the slow part; the page passes its cached fit)."""
    if not has_customer:
        return _na("clv_cac", "advisor_na_no_customer")
    if cost["marketing_cost"].isna().all() or not (cost["marketing_cost"].fillna(0) > 0).any():
        return _na("clv_cac", "advisor_na_no_channel_costs")
    result = fit()
    if not result.ok:
        return _na("clv_cac", "advisor_na_clv", why=result.reason)
    table = clv.channel_value(result, cost).dropna(subset=["cac"])
    table = table[table["new_customers"] > 0]
    if table.empty:
        return _na("clv_cac", "advisor_na_no_new_customers")
    # Pooled: CLV of the period's new customers (at their channel's mean) ÷ the marketing that bought them.
    pooled = float((table["clv_mean"] * table["new_customers"]).sum() / table["marketing_cost"].sum())
    ranked = table.dropna(subset=["clv_to_cac"]).sort_values("clv_to_cac")
    worst = ranked.iloc[0] if not ranked.empty else None
    best = ranked.iloc[-1] if not ranked.empty else None
    return Measurement(
        "clv_cac",
        pooled,
        None,
        {
            "worst_channel": None if worst is None else worst["channel"],
            "worst_ratio": None if worst is None else float(worst["clv_to_cac"]),
            "best_channel": None if best is None else best["channel"],
            "best_ratio": None if best is None else float(best["clv_to_cac"]),
        },
    )


def health_signal(report: health.HealthReport | None) -> Measurement:
    """The CRM data health signal from :func:`metrics.health.data_health`'s report (None: no customers file)."""
    if report is None:
        return _na("data_health", "advisor_na_no_customers_file")
    weakest = report.fields.sort_values(["completeness", "field"]).iloc[0]
    return Measurement(
        "data_health",
        report.score,
        None,
        {
            "field": weakest["field"],
            "field_completeness": float(weakest["completeness"]),
            "duplicate_rate": report.duplicate_rate,
            "customers": report.customers,
        },
    )


def _voice_signals(con: duckdb.DuckDBPyConnection, f: Filters, *, with_health: bool = True) -> list[Measurement]:
    """NPS of the period, the CRM data health score (the customers file as a whole) and the conversion
    of visitors into orders pooled over the channels (and sources) with a rate (issue 15)."""
    out = []
    nps = voice.nps_summary(con, f)
    total = nps.promoters + nps.passives + nps.detractors
    out.append(
        Measurement(
            "nps",
            nps.nps,
            None,
            {"responses": nps.responses, "detractor_share": nps.detractors / total, "prior_nps": nps.prior},
        )
        if nps.nps is not None
        else _na("nps", "advisor_na_no_feedback")
    )
    out.append(
        health_signal(health.data_health(con, f.dataset)) if with_health else _na("data_health", "advisor_na_pending")
    )
    table = conversion.conversion(con, f)
    pooled = conversion.pooled_rate(table) if not table.empty else None
    if pooled is None:
        out.append(_na("conversion", "advisor_na_no_traffic"))
    else:
        rated = table.dropna(subset=["conversion_rate"]).sort_values(["conversion_rate", "channel"])
        out.append(
            Measurement(
                "conversion",
                pooled,
                None,
                {"channel": rated["channel"].iloc[0], "worst_rate": float(rated["conversion_rate"].iloc[0])},
            )
        )
    return out


def measure(con: duckdb.DuckDBPyConnection, f: Filters, *, with_clv: bool = True, with_health: bool = True) -> Evidence:
    """Every data signal for the selection (module docstring). Spend covers the dataset's last 12 months.

    ``with_clv=False`` leaves the CLV signal out (reason ``advisor_na_pending``) for a caller that
    adds it from a fit it already holds (:func:`clv_signal`, :meth:`Evidence.with_measurement`);
    ``with_health=False`` the same for the CRM data health (:func:`health_signal`; the report covers
    the whole customers file, whatever the selection, and takes ~11 s at 1.2M records).
    """
    ds = registry.get_dataset(con, f.dataset)
    if ds is None:
        raise KeyError(f.dataset)
    pnl = channels.pnl(con, f, new_customers=False)
    model = budget_model(con, f.dataset)
    found = {
        m.key: m
        for m in [
            *_customer_signals(con, f, ds.has_customer),
            *_channel_signals(con, f, ds, pnl),
            _roi_gap(model, ds, pnl),
            *_voice_signals(con, f, with_health=with_health),
        ]
    }
    found["clv_cac"] = (
        clv_signal(
            ds.has_customer, clv.acquisition_cost(con, f), lambda: clv.customer_value(con, f.dataset, as_of=f.end)
        )
        if with_clv
        else _na("clv_cac", "advisor_na_pending")
    )
    spend_channel = sum(lv.current for lv in model.levers if lv.kind == "channel")
    spend_crm = sum(lv.current for lv in model.levers if lv.kind == "crm")
    return Evidence(
        tuple(found[key] for key in SIGNALS),
        float(spend_channel),
        float(spend_crm),
        None if model.start is None else model.start.isoformat(),
        None if model.end is None else model.end.isoformat(),
    )


# --- step 2: combine ----------------------------------------------------------------------------
