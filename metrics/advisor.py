"""Priority advisor (METRICS.md "Priority advisor"): sales channels or customer relationships first?

Two steps, so the page can re-weigh instantly:

1. :func:`measure` (DuckDB, cached by the page) computes the data signals from the other areas'
   public metrics — never their SQL again: churn and repeat rate (:func:`metrics.overview.kpis`),
   revenue growth by channel and channel ROI (:func:`metrics.channels.pnl`), HHI
   (:func:`metrics.channels.concentration`), coverage blind spots (:func:`metrics.channels.blind_spots`),
   the top-20% customers' revenue share (:func:`metrics.rfm.rfm`), the next yuan's return in channels
   vs retention programmes (:func:`metrics.budget.projection.marginal_returns` on
   :func:`metrics.budget.budget_model`) and CLV against acquisition cost
   (:func:`metrics.clv.channel_value`). A signal the data cannot support is returned with the
   reason (a translation key) instead of a value.
2. :func:`combine` (pure) mixes the stage/industry preset with the available signals.

The score, in [-100, 100] (negative = channels first, positive = customer relationships first)::

    prior     = stage_share · stage_prior + (1 − stage_share) · industry_prior
    vote_i    = sign_i · clip((value_i − threshold_i) ÷ scale_i, −1, 1)
                (sign +1 for "crm_above", −1 for "channels_above" and "crm_below")
    data      = 100 · Σ w_i · vote_i ÷ Σ w_i                      over the available signals
    evidence  = Σ w_i (available) ÷ Σ w_i (all signals)
    λ         = data_weight · evidence
    score     = (1 − λ) · prior + λ · data
    verdict   = balanced when |score| < balanced_band, else channels (score < 0) or crm (> 0)

So missing data shrinks the data's say instead of counting as a neutral vote. Every constant lives
in ``advisor_presets.toml`` and can be overridden per call (the page's weight panel).

A *contradiction* is a signal voting at least ``contradiction_vote`` against the direction of the
stage preset (e.g. a startup — channels — losing 60% of its customers: churn votes +1 for CRM), or
the data score as a whole pointing the other way by more than half the scale.

Suggested split of the annual acquisition + retention budget: current CRM share (last 12 months of
channel marketing and CRM spend, from the budget model) + ``split_max_shift`` · score ÷ 100, clipped
to [split_min_share, split_max_share]; ``split_default_share`` stands in when nothing was spent.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data import registry
from metrics import channels, clv, overview, rfm
from metrics.budget import BudgetModel, budget_model
from metrics.budget.projection import arrays, marginal_returns
from metrics.filters import Filters
from present.i18n import fmt_money, fmt_number, fmt_pct, label, t

PRESETS_FILE = Path(__file__).resolve().parent / "advisor_presets.toml"
STAGES = ("startup", "growth", "mature", "transformation")
INDUSTRIES = ("manufacturing", "retail", "b2b", "services")
SIGNALS = ("churn_rate", "repeat_rate", "channel_growth", "hhi", "blind_spots", "top20_share", "roi_gap", "clv_cac")
DIRECTIONS = {"crm_above": 1.0, "crm_below": -1.0, "channels_above": -1.0}
VERDICTS = ("channels", "balanced", "crm")
TOP_SHARE = 0.2  # "top 20% of customers"
MIN_CUSTOMERS_FOR_TOP = 5  # below this the top 20% is less than one customer
MAX_ACTIONS = 5


@dataclass(frozen=True)
class SignalRule:
    """How one signal votes: threshold and scale in the signal's unit, direction, weight, and where it comes from."""

    key: str
    threshold: float
    scale: float
    direction: str
    weight: float
    unit: str
    page: str
    metric: str

    def vote(self, value: float) -> float:
        """sign · clip((value − threshold) ÷ scale, −1, 1) in [−1, 1]; positive = CRM."""
        lean = max(-1.0, min(1.0, (value - self.threshold) / self.scale)) if self.scale > 0 else 0.0
        return DIRECTIONS[self.direction] * lean


@dataclass(frozen=True)
class Config:
    """Presets and rules (from ``advisor_presets.toml``, optionally edited). Priors in [−100, 100]."""

    stage_priors: dict[str, float]
    industry_priors: dict[str, float]
    industry_notes: dict[str, str]
    rules: dict[str, SignalRule]
    stage_share: float
    data_weight: float
    balanced_band: float
    contradiction_vote: float
    split_max_shift: float
    split_min_share: float
    split_max_share: float
    split_default_share: float

    def with_weights(self, weights: dict[str, float]) -> Config:
        """A copy with some signal weights replaced (unknown keys are ignored; negatives count as 0)."""
        rules = {key: replace(rule, weight=max(0.0, float(weights[key])) if key in weights else rule.weight)
                 for key, rule in self.rules.items()}
        return replace(self, rules=rules)


def parse_config(raw: dict) -> Config:
    """Check and build a :class:`Config` from the TOML layout (ValueError on a missing or bad entry)."""
    stages = {name: float(raw["stages"][name]["prior"]) for name in STAGES}
    industries = {name: float(raw["industries"][name]["prior"]) for name in INDUSTRIES}
    for name, prior in {**stages, **industries}.items():
        if not -100 <= prior <= 100:
            raise ValueError(f"prior of {name} must be within [-100, 100]")
    rules = {}
    for key in SIGNALS:
        spec = raw["signals"][key]
        if spec["direction"] not in DIRECTIONS:
            raise ValueError(f"signal {key}: unknown direction {spec['direction']!r}")
        rules[key] = SignalRule(key, float(spec["threshold"]), float(spec["scale"]), spec["direction"],
                                float(spec["weight"]), spec["unit"], spec["page"], spec["metric"])
    c = raw["combine"]
    return Config(stages, industries, {name: raw["industries"][name].get("note", "") for name in INDUSTRIES}, rules,
                  float(c["stage_share"]), float(c["data_weight"]), float(c["balanced_band"]),
                  float(c["contradiction_vote"]), float(c["split_max_shift"]), float(c["split_min_share"]),
                  float(c["split_max_share"]), float(c["split_default_share"]))


@functools.cache
def default_config() -> Config:
    with PRESETS_FILE.open("rb") as handle:
        return parse_config(tomllib.load(handle))


# --- step 1: the data signals -------------------------------------------------------------------

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
        return replace(self, measurements=tuple(measurement if m.key == measurement.key else m
                                                for m in self.measurements))


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
        Measurement("churn_rate", churn.value, None, {"prior": churn.prior, "window_days": overview.DEFAULT_CHURN_WINDOW_DAYS})
        if churn.value is not None else _na("churn_rate", "advisor_na_no_history"),
        Measurement("repeat_rate", repeat.value, None, {"prior": repeat.prior, "customers": cards["active_customers"].value})
        if repeat.value is not None else _na("repeat_rate", "advisor_na_no_sales"),
    ]
    scores = rfm.rfm(con, f)
    share = top_share(scores["monetary"])
    out.append(Measurement("top20_share", share, None, {"customers": len(scores)}) if share is not None
               else _na("top20_share", "advisor_na_few_customers", customers=len(scores)))
    return out


def _channel_signals(con: duckdb.DuckDBPyConnection, f: Filters, ds: registry.Dataset, pnl: pd.DataFrame) -> list[Measurement]:
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
            out.append(Measurement("channel_growth", (float(sold["revenue"].sum()) - prior) / prior, None, {
                "top_channel": None if best is None else best["channel"],
                "top_growth": None if best is None else float(best["growth"])}))
        conc = channels.concentration(pnl, channels.declining(con, f))
        out.append(Measurement("hhi", conc.hhi, None, {"top_channel": conc.top_channel, "top_share": conc.top_share,
                                                       "band": conc.band})
                   if conc.hhi is not None else _na("hhi", "advisor_na_no_sales"))
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
            out.append(Measurement("blind_spots", len(gaps) / (n_channels * n_regions), None, {
                "count": len(gaps), "cells": n_channels * n_regions,
                "channel": None if first.empty else first["channel"].iloc[0],
                "region": None if first.empty else first["region"].iloc[0]}))
    return out


def _roi_gap(model: BudgetModel, ds: registry.Dataset, pnl: pd.DataFrame) -> Measurement:
    if not ds.has_customer:
        return _na("roi_gap", "advisor_na_no_customer")
    a = arrays(model)
    x = model.current_allocation()
    returns = marginal_returns(a, x) if len(x) else np.zeros(0)
    usable = np.array([lv.current > 0 and lv.curve.source != "none" for lv in model.levers], dtype=bool)
    crm = np.array([lv.kind == "crm" for lv in model.levers], dtype=bool)
    if not (usable & ~crm).any():
        return _na("roi_gap", "advisor_na_no_channel_costs")
    if not (usable & crm).any():
        return _na("roi_gap", "advisor_na_no_crm_spend")
    channel_mr = float(np.average(returns[usable & ~crm], weights=x[usable & ~crm]))
    crm_mr = float(np.average(returns[usable & crm], weights=x[usable & crm]))
    cost = float(pnl["channel_cost"].sum(min_count=1)) if "channel_cost" in pnl else float("nan")
    contribution = float(pnl["contribution"].sum(min_count=1)) if "contribution" in pnl else float("nan")
    channel_roi = contribution / cost if cost and np.isfinite(cost) and np.isfinite(contribution) else None
    return Measurement("roi_gap", crm_mr - channel_mr, None, {
        "channel_marginal": channel_mr, "crm_marginal": crm_mr, "channel_roi": channel_roi,
        "start": str(model.start), "end": str(model.end)})


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
    return Measurement("clv_cac", pooled, None, {
        "worst_channel": None if worst is None else worst["channel"],
        "worst_ratio": None if worst is None else float(worst["clv_to_cac"]),
        "best_channel": None if best is None else best["channel"],
        "best_ratio": None if best is None else float(best["clv_to_cac"])})


def measure(con: duckdb.DuckDBPyConnection, f: Filters, *, with_clv: bool = True) -> Evidence:
    """Every data signal for the selection (module docstring). Spend covers the dataset's last 12 months.

    ``with_clv=False`` leaves the CLV signal out (reason ``advisor_na_pending``) for a caller that
    adds it from a fit it already holds (:func:`clv_signal`, :meth:`Evidence.with_measurement`).
    """
    ds = registry.get_dataset(con, f.dataset)
    if ds is None:
        raise KeyError(f.dataset)
    pnl = channels.pnl(con, f, new_customers=False)
    model = budget_model(con, f.dataset)
    found = {m.key: m for m in [*_customer_signals(con, f, ds.has_customer), *_channel_signals(con, f, ds, pnl),
                                _roi_gap(model, ds, pnl)]}
    found["clv_cac"] = (clv_signal(ds.has_customer, clv.acquisition_cost(con, f),
                                   lambda: clv.customer_value(con, f.dataset, as_of=f.end))
                        if with_clv else _na("clv_cac", "advisor_na_pending"))
    spend_channel = sum(lv.current for lv in model.levers if lv.kind == "channel")
    spend_crm = sum(lv.current for lv in model.levers if lv.kind == "crm")
    return Evidence(tuple(found[key] for key in SIGNALS), float(spend_channel), float(spend_crm),
                    None if model.start is None else model.start.isoformat(),
                    None if model.end is None else model.end.isoformat())


# --- step 2: combine ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Signal:
    """A measurement judged by its rule: ``vote`` in [−1, 1] (positive = CRM), None when unavailable."""

    key: str
    value: float | None
    threshold: float
    direction: str
    scale: float
    weight: float
    unit: str
    page: str
    metric: str
    vote: float | None
    reason: str | None
    detail: dict

    @property
    def available(self) -> bool:
        return self.vote is not None


@dataclass(frozen=True)
class Split:
    """Suggested annual split between channels and CRM. ``total`` None when nothing was spent."""

    crm_share: float
    current_crm_share: float | None
    total: float | None

    @property
    def channel_share(self) -> float:
        return 1.0 - self.crm_share


@dataclass(frozen=True)
class Action:
    """A next step: a sentence (translation key + values) and the page (url path) with its filters."""

    key: str
    page: str
    signal: str | None
    values: dict
    channels: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Advice:
    stage: str
    industry: str
    stage_prior: float
    industry_prior: float
    prior: float
    data_score: float | None
    evidence: float
    data_weight: float
    score: float
    verdict: str
    signals: tuple[Signal, ...]
    contradictions: tuple[str, ...]  # signal keys; "overall" when the data as a whole disagrees
    notes: tuple[str, ...]  # translation keys (industry notes)
    split: Split
    actions: tuple[Action, ...]

    def signal(self, key: str) -> Signal:
        return next(s for s in self.signals if s.key == key)


def verdict_of(score: float, band: float) -> str:
    if abs(score) < band:
        return "balanced"
    return "crm" if score > 0 else "channels"


def combine(evidence: Evidence, stage: str, industry: str, config: Config | None = None) -> Advice:
    """The recommendation from a preset and the measured signals (module docstring for the formula)."""
    config = config or default_config()
    if stage not in STAGES or industry not in INDUSTRIES:
        raise ValueError(f"unknown stage or industry: {stage!r}, {industry!r}")
    stage_prior, industry_prior = config.stage_priors[stage], config.industry_priors[industry]
    prior = config.stage_share * stage_prior + (1 - config.stage_share) * industry_prior
    signals = []
    for m in evidence.measurements:
        rule = config.rules[m.key]
        vote = rule.vote(m.value) if m.value is not None and m.reason is None else None
        signals.append(Signal(m.key, m.value, rule.threshold, rule.direction, rule.scale, rule.weight, rule.unit,
                              rule.page, rule.metric, vote, m.reason, m.detail))
    total_weight = sum(s.weight for s in signals)
    used = [s for s in signals if s.available and s.weight > 0]
    used_weight = sum(s.weight for s in used)
    data = 100.0 * sum(s.weight * s.vote for s in used) / used_weight if used_weight > 0 else None  # type: ignore[operator]
    evidence_share = used_weight / total_weight if total_weight > 0 else 0.0
    lam = config.data_weight * evidence_share if data is not None else 0.0
    score = max(-100.0, min(100.0, (1 - lam) * prior + lam * (data or 0.0)))
    direction = float(np.sign(stage_prior))
    against = tuple(s.key for s in used if direction and s.vote * direction <= -config.contradiction_vote)  # type: ignore[operator]
    if direction and data is not None and data * direction <= -50:
        against = (*against, "overall")
    notes = tuple(n for n in (config.industry_notes.get(industry, ""),) if n)
    split = suggest_split(evidence, score, config)
    advice = Advice(stage, industry, stage_prior, industry_prior, prior, data, evidence_share, lam, score,
                    verdict_of(score, config.balanced_band), tuple(signals), against, notes, split, ())
    return replace(advice, actions=actions(advice))


def suggest_split(evidence: Evidence, score: float, config: Config) -> Split:
    total = evidence.channel_spend + evidence.crm_spend
    current = evidence.crm_spend / total if total > 0 else None
    base = config.split_default_share if current is None else current
    share = min(config.split_max_share, max(config.split_min_share, base + config.split_max_shift * score / 100.0))
    return Split(round(share, 4), current, total if total > 0 else None)


def actions(advice: Advice) -> tuple[Action, ...]:
    """What to do next, strongest signal first (at most MAX_ACTIONS), then the budget split."""
    found: list[tuple[float, Action]] = []
    for s in advice.signals:
        if not s.available:
            continue
        strength = abs(s.vote) * s.weight  # type: ignore[arg-type]
        d = s.detail
        if s.key == "churn_rate" and s.vote > 0:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_retention", "retention", s.key, {})))
        elif s.key == "repeat_rate" and s.vote > 0:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_segments", "customers", s.key, {})))
        elif s.key == "channel_growth" and d.get("top_channel") is not None and (d.get("top_growth") or 0) > 0:
            found.append((strength, Action("advisor_do_grow_channel", "channels", s.key, {"channel": d["top_channel"]},
                                           (d["top_channel"],))))
        elif s.key == "hhi" and s.vote < 0 and d.get("top_channel") is not None:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_diversify", "channels", s.key, {"channel": d["top_channel"]})))
        elif s.key == "blind_spots" and d.get("count") and d.get("channel") is not None:
            found.append((max(strength, 0.1), Action("advisor_do_blind_spots", "channels_conflict", s.key,
                                                     {"channel": d["channel"], "region": d["region"]}, (d["channel"],))))
        elif s.key == "top20_share" and s.vote > 0:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_key_accounts", "customer_value", s.key, {})))
        elif s.key == "clv_cac" and d.get("worst_channel") is not None and (d.get("worst_ratio") or 0) < 1:
            found.append((max(strength, 0.1), Action("advisor_do_cac", "channels", s.key,
                                                     {"channel": d["worst_channel"]}, (d["worst_channel"],))))
        elif s.key == "roi_gap":
            found.append((strength, Action("advisor_do_optimize", "budget_optimizer", s.key, {})))
    ordered = [a for _, a in sorted(found, key=lambda pair: -pair[0])][:MAX_ACTIONS]
    split = advice.split
    params = {"budget_crm_share": split.crm_share}
    if split.total is not None:
        params["budget_total"] = round(split.total, 2)
    ordered.append(Action("advisor_do_budget", "budget", None, {"crm": split.crm_share}, (), params))
    return tuple(ordered)


def advise(con: duckdb.DuckDBPyConnection, f: Filters, *, stage: str, industry: str) -> Advice:
    """:func:`measure` then :func:`combine` with the default presets (CLI, report)."""
    return combine(measure(con, f), stage, industry)


# --- sentences ----------------------------------------------------------------------------------

def format_value(unit: str, value: float | None, lang: str) -> str:
    if unit == "ratio":
        return fmt_pct(value, lang)
    if unit == "hhi":
        return fmt_number(value, lang, decimals=0)
    if unit == "multiple":
        return "—" if value is None else f"{fmt_number(value, lang, decimals=1)}×"
    return fmt_number(value, lang, decimals=2)


def lean_text(vote: float | None, lang: str) -> str:
    if vote is None:
        return "—"
    if abs(vote) < 0.05:
        return t("advisor_lean_neutral", lang)
    return t("advisor_lean_crm" if vote > 0 else "advisor_lean_channels", lang)


def source_text(s: Signal, lang: str) -> str:
    return t("advisor_source", lang, page=t(f"nav_{s.page}", lang), metric=s.metric)


def _detail_values(s: Signal, lang: str) -> dict[str, str]:
    d = s.detail
    return {
        "prior": fmt_pct(d.get("prior"), lang), "days": str(d.get("window_days", "")),
        "channel": label(d.get("top_channel") or d.get("channel") or "—", lang),
        "growth": fmt_pct(d.get("top_growth"), lang, signed=True), "share": fmt_pct(d.get("top_share"), lang),
        "count": str(d.get("count", "")), "cells": str(d.get("cells", "")), "region": label(d.get("region") or "—", lang),
        "customers": str(d.get("customers", "")),
        "channel_mr": fmt_number(d.get("channel_marginal"), lang), "crm_mr": fmt_number(d.get("crm_marginal"), lang),
        "roi": fmt_pct(d.get("channel_roi"), lang), "start": str(d.get("start", "")), "end": str(d.get("end", "")),
        "worst": label(d.get("worst_channel") or "—", lang), "worst_ratio": format_value("multiple", d.get("worst_ratio"), lang),
        "best": label(d.get("best_channel") or "—", lang), "best_ratio": format_value("multiple", d.get("best_ratio"), lang),
    }


def reason_text(s: Signal, lang: str) -> str:
    """One sentence: the number, the threshold, which way it leans, and the detail behind it."""
    if not s.available:
        why = t(s.detail["why"], lang) if s.detail.get("why") else ""
        return t("advisor_unavailable", lang, signal=t(f"advisor_signal_{s.key}", lang),
                 reason=t(s.reason or "advisor_na_no_sales", lang, why=why))
    values = _detail_values(s, lang)
    return t(f"advisor_reason_{s.key}", lang, value=format_value(s.unit, s.value, lang),
             threshold=format_value(s.unit, s.threshold, lang), lean=lean_text(s.vote, lang), **values)


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
    return t("advisor_summary", lang, stage=t(f"advisor_stage_{advice.stage}", lang),
             industry=t(f"advisor_industry_{advice.industry}", lang), prior=f"{advice.prior:+.0f}",
             data="—" if advice.data_score is None else f"{advice.data_score:+.0f}",
             weight=fmt_pct(advice.data_weight, lang, decimals=0), evidence=fmt_pct(advice.evidence, lang, decimals=0),
             score=f"{advice.score:+.0f}")


def contradiction_texts(advice: Advice, lang: str) -> list[str]:
    """Where the data disagrees with the stage preset, in words with the numbers."""
    if not advice.contradictions:
        return []
    stage = t(f"advisor_stage_{advice.stage}", lang)
    wanted = t("advisor_dir_crm" if advice.stage_prior > 0 else "advisor_dir_channels", lang)
    out = []
    for key in advice.contradictions:
        if key == "overall":
            out.append(t("advisor_contradiction_overall", lang, stage=stage, wanted=wanted,
                         data=f"{advice.data_score:+.0f}"))
            continue
        s = advice.signal(key)
        out.append(t("advisor_contradiction", lang, stage=stage, wanted=wanted,
                     signal=t(f"advisor_signal_{key}", lang), value=format_value(s.unit, s.value, lang),
                     threshold=format_value(s.unit, s.threshold, lang), lean=lean_text(s.vote, lang)))
    return out


def action_text(action: Action, lang: str) -> str:
    values = {k: (fmt_pct(v, lang) if k == "crm" else label(v, lang)) for k, v in action.values.items()}
    return t(action.key, lang, **values)


def split_text(split: Split, lang: str) -> str:
    return t("advisor_split", lang, channels=fmt_pct(split.channel_share, lang), crm=fmt_pct(split.crm_share, lang),
             current=fmt_pct(split.current_crm_share, lang),
             total="—" if split.total is None else fmt_money(split.total, lang))


def signals_frame(advice: Advice, lang: str) -> pd.DataFrame:
    """The signals as a table for the page, the report and the XLSX (formatted text columns)."""
    return pd.DataFrame([{
        t("advisor_col_signal", lang): t(f"advisor_signal_{s.key}", lang),
        t("advisor_col_value", lang): format_value(s.unit, s.value, lang),
        t("advisor_col_threshold", lang): format_value(s.unit, s.threshold, lang),
        t("advisor_col_lean", lang): lean_text(s.vote, lang) if s.available else t("advisor_not_available", lang),
        t("advisor_col_vote", lang): None if s.vote is None else round(s.vote, 2),
        t("advisor_col_weight", lang): s.weight,
        t("advisor_col_source", lang): t(f"nav_{s.page}", lang) + " · " + s.metric,
    } for s in advice.signals])
