"""The advisor's pure part: preset + signals → score, verdict, contradictions, split and actions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import numpy as np

from metrics.advisor.config import INDUSTRIES, MAX_ACTIONS, STAGES, Config, default_config
from metrics.advisor.evidence import Evidence, measure
from metrics.filters import Filters


@dataclass(frozen=True)
class Signal:
    """A measurement judged by its rule: ``vote`` in [−1, 1] (positive = CRM), None when unavailable."""

    key: str
    value: float | None
    threshold: float
    direction: str
    scale: float
    weight: float
    catalog: str  # the value's metric catalog key (how it reads)
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
        signals.append(
            Signal(
                m.key,
                m.value,
                rule.threshold,
                rule.direction,
                rule.scale,
                rule.weight,
                rule.catalog,
                rule.page,
                rule.metric,
                vote,
                m.reason,
                m.detail,
            )
        )
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
    advice = Advice(
        stage,
        industry,
        stage_prior,
        industry_prior,
        prior,
        data,
        evidence_share,
        lam,
        score,
        verdict_of(score, config.balanced_band),
        tuple(signals),
        against,
        notes,
        split,
        (),
    )
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
            found.append(
                (
                    strength,
                    Action(
                        "advisor_do_grow_channel", "channels", s.key, {"channel": d["top_channel"]}, (d["top_channel"],)
                    ),
                )
            )
        elif s.key == "hhi" and s.vote < 0 and d.get("top_channel") is not None:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_diversify", "channels", s.key, {"channel": d["top_channel"]})))
        elif s.key == "blind_spots" and d.get("count") and d.get("channel") is not None:
            found.append(
                (
                    max(strength, 0.1),
                    Action(
                        "advisor_do_blind_spots",
                        "channels_conflict",
                        s.key,
                        {"channel": d["channel"], "region": d["region"]},
                        (d["channel"],),
                    ),
                )
            )
        elif s.key == "top20_share" and s.vote > 0:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_key_accounts", "customer_value", s.key, {})))
        elif s.key == "clv_cac" and d.get("worst_channel") is not None and (d.get("worst_ratio") or 0) < 1:
            found.append(
                (
                    max(strength, 0.1),
                    Action("advisor_do_cac", "channels", s.key, {"channel": d["worst_channel"]}, (d["worst_channel"],)),
                )
            )
        elif s.key == "roi_gap":
            found.append((strength, Action("advisor_do_optimize", "budget_optimizer", s.key, {})))
        elif s.key == "nps" and s.vote > 0:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_voice", "voice", s.key, {})))
        elif s.key == "data_health" and s.vote > 0 and d.get("field"):  # type: ignore[operator]
            found.append((strength, Action("advisor_do_data_health", "datasets", s.key, {"field": d["field"]})))
        elif s.key == "conversion" and s.vote > 0 and d.get("channel") is not None:  # type: ignore[operator]
            found.append((strength, Action("advisor_do_conversion", "channels", s.key, {"channel": d["channel"]})))
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
