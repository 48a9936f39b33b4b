"""The risk rules: each a pure function of small tables that returns the risks it detects (maybe none).

Every risk carries the numbers that triggered it (``evidence``), a likelihood and an impact on the
1–5 scales of METRICS.md "Outlook and risk". Impact is always read from the same measure — the
revenue at stake as a share of the last 12 complete months' revenue, scored on ``IMPACT_EDGES``
(1 % · 3 % · 6 % · 12 %) — so scores compare across rules; each rule's likelihood reads the measure
that says how likely the loss is (its edges are the module constants below, and the README's table).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

RULES = (
    "concentration",
    "declining",
    "key_customers",
    "rising_churn",
    "price_conflict",
    "blind_spots",
    "goal_shortfall",
    "assumed_curves",
    "negative_contribution",
    "data_health",
)
# The source material's four kinds of risk (weak market acceptance, wrong partners, worsening channel
# conflict, input and output out of balance), plus the data the analysis stands on.
CATEGORIES = ("market", "partners", "conflict", "balance", "data")
RULE_CATEGORY = {
    "concentration": "partners",
    "declining": "market",
    "key_customers": "partners",
    "rising_churn": "market",
    "price_conflict": "conflict",
    "blind_spots": "partners",
    "goal_shortfall": "market",
    "assumed_curves": "balance",
    "negative_contribution": "balance",
    "data_health": "data",
}

IMPACT_EDGES = (0.01, 0.03, 0.06, 0.12)  # revenue at stake ÷ the last 12 months' revenue

HHI_LIMIT = 2500.0  # METRICS.md: concentrated above 2,500
HHI_EDGES = (2500.0, 3500.0, 5000.0, 7500.0)
CONCENTRATION_SHOCK = 0.25  # at stake: a quarter of the largest channel's sales

DECLINE_LIMIT = -0.03  # last 12 months vs the 12 before
DECLINE_QUARTERS = 4  # likelihood: how many of the last four quarters fell year on year

TOP1_LIMIT, TOP10_LIMIT = 0.10, 0.30  # key-customer dependence: largest customer, ten largest
DORMANT_DAYS = 90
DORMANT_EDGES = (0.0, 0.10, 0.25, 0.50)  # share of the top ten's revenue from customers quiet 90+ days

CHURN_MONTHS = 6
CHURN_RISE_POINTS, CHURN_RISE_RELATIVE = 0.02, 0.10
CHURN_EDGES = (0.10, 0.20, 0.35, 0.50)  # relative rise

GAP_EDGES = (0.15, 0.25, 0.40, 0.60)  # largest price gap
BLIND_SPOT_EDGES = (0, 1, 3, 6)  # number of blind-spot cells

MISS_EDGES = (0.50, 0.65, 0.80, 0.90)  # probability of missing the goal
ASSUMED_LIMIT = 0.25
ASSUMED_EDGES = (0.25, 0.40, 0.60, 0.80)  # share of the plan's spend on assumed curves
GUARDRAIL = 0.20  # an assumed lever moved further than ±20% (metrics.budget.constraints.GUARDRAIL)

ROI_EDGES = (0.0, 0.10, 0.25, 0.50)  # how far below zero the channel ROI is
HEALTH_LIMIT = 70.0  # a CRM data-health score below this is a risk
HEALTH_EDGES = (30.0, 45.0, 60.0, 75.0)  # 100 − score
HEALTH_WEAK = 60.0  # a breakdown component below this is weak


@dataclass(frozen=True)
class Risk:
    """One risk. ``key`` names it across reloads ("declining:经销商", "user:3"); a response plan is
    saved under it. ``evidence``: the numbers that triggered it (money in yuan, shares as fractions)."""

    key: str
    rule: str
    category: str
    likelihood: int
    impact: int
    subject: str | None = None
    evidence: Mapping[str, object] = field(default_factory=dict)
    title: str | None = None  # user-added risks: the user's words
    description: str = ""

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def detected(self) -> bool:
        return self.rule != "user"


def level(value: float, edges: Iterable[float]) -> int:
    """1 + the number of ``edges`` that ``value`` exceeds (1..5 for four edges); 1 when undefined."""
    if value is None or not math.isfinite(float(value)):
        return 1
    return 1 + sum(float(value) > e for e in edges)


def impact_of(at_stake: float, revenue: float) -> int:
    """Impact 1..5 of ``at_stake`` yuan against a year's ``revenue`` (IMPACT_EDGES)."""
    if not revenue or not math.isfinite(revenue) or revenue <= 0:
        return 1
    return level(abs(at_stake) / revenue, IMPACT_EDGES)


def _risk(rule: str, likelihood: int, impact: int, subject: str | None = None, **evidence: object) -> Risk:
    key = rule if subject is None else f"{rule}:{subject}"
    return Risk(
        key,
        rule,
        RULE_CATEGORY[rule],
        max(1, min(5, int(likelihood))),
        max(1, min(5, int(impact))),
        subject,
        {k: _plain(v) for k, v in evidence.items()},
    )


def _plain(value: object) -> object:
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------- the rules


def concentration(revenue: pd.Series) -> list[Risk]:
    """HHI of the channels' revenue shares above 2,500 (``revenue``: channel → last 12 months' revenue).

    Likelihood from the HHI (HHI_EDGES); at stake: a quarter of the largest channel's revenue.
    """
    revenue = revenue[revenue > 0]
    total = float(revenue.sum())
    if total <= 0 or len(revenue) == 0:
        return []
    shares = revenue / total
    hhi = float(((shares * 100) ** 2).sum())
    if hhi <= HHI_LIMIT:
        return []
    top = str(shares.idxmax())
    return [
        _risk(
            "concentration",
            level(hhi, HHI_EDGES),
            impact_of(CONCENTRATION_SHOCK * revenue[top], total),
            hhi=hhi,
            top_channel=top,
            top_share=float(shares[top]),
            channels=len(shares),
        )
    ]


def declining(monthly: pd.DataFrame, *, forecast_next: Mapping[str, float] | None = None) -> list[Risk]:
    """Channels whose last 12 complete months sold at least 3% less than the 12 before.

    ``monthly``: month, channel, revenue — complete months, the last one last (channels need 24).
    Likelihood = 1 + how many of the last four quarters fell year on year (at least 2), + 1 when the
    forecast's next 12 months (``forecast_next``: channel → P50 sum) are below the last 12. At
    stake: the revenue lost against the year before.
    """
    if monthly.empty:
        return []
    last = monthly["month"].max()
    months = pd.date_range(end=last, periods=24, freq="MS")
    wide = monthly.pivot_table(index="month", columns="channel", values="revenue", aggfunc="sum").reindex(months)
    total = float(wide.iloc[12:].sum(min_count=1).sum())
    out = []
    for channel in wide.columns:
        values = wide[channel].to_numpy(dtype=float)
        if np.isnan(values).any():  # the channel does not cover two years
            continue
        prior, recent = values[:12].sum(), values[12:].sum()
        if prior <= 0:
            continue
        change = recent / prior - 1
        if change > DECLINE_LIMIT:
            continue
        quarters = [
            values[12 + 3 * q : 15 + 3 * q].sum() < values[3 * q : 3 + 3 * q].sum() for q in range(DECLINE_QUARTERS)
        ]
        likelihood = max(2, 1 + sum(quarters))
        ahead = (forecast_next or {}).get(channel)
        continues = ahead is not None and math.isfinite(ahead) and ahead < recent
        out.append(
            _risk(
                "declining",
                likelihood + int(continues),
                impact_of(prior - recent, total),
                channel,
                channel=channel,
                revenue=recent,
                prior_revenue=prior,
                change=change,
                quarters_down=int(sum(quarters)),
                forecast_next=ahead if ahead is not None else None,
            )
        )
    return out


def key_customers(top: pd.DataFrame, total: float, as_of: object) -> list[Risk]:
    """Dependence on a few customers: the largest ≥ 10% or the ten largest ≥ 30% of the last 12 months' revenue.

    ``top``: customer_id, revenue, last_order of the ten largest customers; ``total``: all revenue.
    Likelihood: 2, or more when some of them have not ordered for DORMANT_DAYS (DORMANT_EDGES on
    their share of the ten's revenue); at stake: the largest customer's revenue.
    """
    if top.empty or not total or total <= 0:
        return []
    top = top.sort_values("revenue", ascending=False)
    top1, top10 = float(top["revenue"].iloc[0]) / total, float(top["revenue"].head(10).sum()) / total
    if top1 < TOP1_LIMIT and top10 < TOP10_LIMIT:
        return []
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=DORMANT_DAYS)
    quiet = top.head(10)[pd.to_datetime(top.head(10)["last_order"]) < cutoff]
    dormant = float(quiet["revenue"].sum()) / float(top["revenue"].head(10).sum())
    likelihood = 2 if quiet.empty else max(2, level(dormant, DORMANT_EDGES))
    return [
        _risk(
            "key_customers",
            likelihood,
            impact_of(float(top["revenue"].iloc[0]), total),
            top_customer=str(top["customer_id"].iloc[0]),
            top1_share=top1,
            top10_share=top10,
            dormant=len(quiet),
            dormant_share=dormant,
        )
    ]


def rising_churn(churn: pd.DataFrame, revenue_share: float = 1.0) -> list[Risk]:
    """Monthly churn of the last six months above the same months a year before by ≥ 2 points and ≥ 10%.

    ``churn``: month, churn_rate (complete months, the last one last; 18 needed). Likelihood from
    the relative rise (CHURN_EDGES); at stake: the extra share of the customer base lost over a year
    (12 × the rise in monthly churn) × ``revenue_share`` (identified customers' share of revenue).
    """
    rates = churn.sort_values("month")["churn_rate"].to_numpy(dtype=float)
    if len(rates) < 12 + CHURN_MONTHS:
        return []
    recent, before = np.nanmean(rates[-CHURN_MONTHS:]), np.nanmean(rates[-12 - CHURN_MONTHS : -12])
    if not (math.isfinite(recent) and math.isfinite(before)) or before <= 0:
        return []
    rise = recent - before
    if rise < CHURN_RISE_POINTS or rise / before < CHURN_RISE_RELATIVE:
        return []
    at_stake_share = min(1.0, 12 * rise) * revenue_share
    return [
        _risk(
            "rising_churn",
            level(rise / before, CHURN_EDGES),
            level(at_stake_share, IMPACT_EDGES),
            churn=recent,
            churn_year_ago=before,
            rise=rise,
            months=CHURN_MONTHS,
        )
    ]


def price_conflict(conflicts: pd.DataFrame, total: float, out_of_territory: pd.DataFrame | None = None) -> list[Risk]:
    """Price conflict and 窜货: products sold in two channels with a price gap above the threshold, and
    sales outside a channel's assigned regions (when a territory table exists).

    ``conflicts``: product, low_channel, gap, low_revenue (the low-price channel's revenue of it).
    Likelihood from the largest gap (GAP_EDGES), 5 when out-of-territory sales exist; at stake: the
    low-price channels' revenue of those products plus out-of-territory revenue.
    """
    outside = 0.0 if out_of_territory is None or out_of_territory.empty else float(out_of_territory["revenue"].sum())
    if conflicts.empty and outside <= 0:
        return []
    gap = float(conflicts["gap"].max()) if not conflicts.empty else float("nan")
    likelihood = 5 if outside > 0 else level(gap, GAP_EDGES)
    at_stake = float(conflicts["low_revenue"].sum()) + outside
    worst = conflicts.sort_values("gap", ascending=False).head(3) if not conflicts.empty else conflicts
    return [
        _risk(
            "price_conflict",
            likelihood,
            impact_of(at_stake, total),
            products=len(conflicts),
            max_gap=gap if math.isfinite(gap) else None,
            low_revenue=float(conflicts["low_revenue"].sum()) if len(conflicts) else 0.0,
            out_of_territory=outside,
            examples=[str(p) for p in worst["product"]] if len(worst) else [],
            channels=sorted({str(c) for c in worst["low_channel"]}) if len(worst) else [],
        )
    ]


def blind_spots(spots: pd.DataFrame, cells: pd.DataFrame) -> list[Risk]:
    """Coverage blind spots (METRICS.md "Coverage"): ``spots`` from metrics.channels.blind_spots,
    ``cells`` the channel × region revenue of the same months.

    Likelihood from the number of blind-spot cells (BLIND_SPOT_EDGES); at stake: for a channel's gap,
    the channel's revenue × the region's share of all revenue (what it would sell there at its usual
    mix); for an under-served region, its customer share minus its revenue share of all revenue.
    """
    if spots.empty:
        return []
    total = float(cells["revenue"].sum())
    by_channel = cells.groupby("channel")["revenue"].sum()
    by_region = cells.groupby("region")["revenue"].sum()
    at_stake = 0.0
    for _, row in spots.iterrows():
        if row["rule"] == "channel_gap" and total > 0:
            at_stake += float(by_channel.get(row["channel"], 0.0)) * float(by_region.get(row["region"], 0.0)) / total
        elif row["rule"] == "customer_share":
            at_stake += max(float(row["customer_share"]) - float(row["revenue_share"]), 0.0) * total
    cells_named = [
        f"{c} × {r}" if c is not None and not (isinstance(c, float) and math.isnan(c)) else str(r)
        for c, r in zip(spots["channel"], spots["region"], strict=True)
    ]
    return [
        _risk(
            "blind_spots",
            level(len(spots), BLIND_SPOT_EDGES),
            impact_of(at_stake, total),
            count=len(spots),
            at_stake=at_stake,
            cells=cells_named[:6],
        )
    ]


def miss_probability(target: float, p10: float, p50: float, p90: float) -> float:
    """P(outcome < target) from a forecast's P10/P50/P90: normal on the side of the median the
    target lies (its spread from that side's quantile), so a skewed band reads as skewed."""
    side = (p50 - p10) if target < p50 else (p90 - p50)
    if side <= 0:
        return 1.0 if target > p50 else 0.0
    z = (target - p50) / (side / 1.2815515655446004)
    return float(0.5 * math.erfc(-z / math.sqrt(2)))


def goal_shortfall(goals: Iterable[Mapping[str, object]], revenue: float) -> list[Risk]:
    """Revenue goals the forecast is more likely to miss than to meet.

    ``goals``: id, series, month (the deadline's month), target, p10, p50, p90 (the forecast of the
    goal's series in that month). Likelihood from the probability of missing (MISS_EDGES); at
    stake: the monthly shortfall (target − P50) over a year, against ``revenue``.
    """
    out = []
    for goal in goals:
        target, p10, p50, p90 = (float(goal[k]) for k in ("target", "p10", "p50", "p90"))  # type: ignore[arg-type]
        if not target > p50:
            continue
        miss = miss_probability(target, p10, p50, p90)
        out.append(
            _risk(
                "goal_shortfall",
                level(miss, MISS_EDGES),
                impact_of(12 * (target - p50), revenue),
                str(goal["id"]),
                goal=goal["id"],
                series=goal["series"],
                month=str(goal["month"]),
                target=target,
                p10=p10,
                p50=p50,
                p90=p90,
                miss=miss,
                shortfall=(target - p50) / target,
            )
        )
    return out


def assumed_curves(plans: Iterable[tuple[str | None, pd.DataFrame]], revenue: float) -> list[Risk]:
    """A budget plan that leans on assumed curves: ≥ 25% of its spend on levers whose response curve
    is assumed rather than measured.

    ``plans``: (scenario name, None for the current plan; frame lever, source, current, planned).
    Likelihood from that share (ASSUMED_EDGES), + 1 when the plan moves an assumed lever beyond
    ±20% of its current spend; at stake: the spend on assumed curves. One risk per plan.
    """
    out = []
    for name, frame in plans:
        spend = float(frame["planned"].sum())
        if spend <= 0:
            continue
        assumed = frame[frame["source"] == "assumed"]
        share = float(assumed["planned"].sum()) / spend
        if share < ASSUMED_LIMIT:
            continue
        moved = assumed[
            (assumed["current"] > 0) & ((assumed["planned"] / assumed["current"] - 1).abs() > GUARDRAIL + 1e-9)
        ]
        out.append(
            _risk(
                "assumed_curves",
                level(share, ASSUMED_EDGES) + int(not moved.empty),
                impact_of(float(assumed["planned"].sum()), revenue),
                name or "*",
                plan=name,
                share=share,
                assumed_spend=float(assumed["planned"].sum()),
                spend=spend,
                levers=[str(v) for v in assumed["lever"]],
                moved=[str(v) for v in moved["lever"]],
            )
        )
    return out


def negative_contribution(pnl: pd.DataFrame, total: float) -> list[Risk]:
    """Input and output out of balance: a channel whose contribution (gross profit − channel cost) over
    the last 12 months is negative. ``pnl``: channel, contribution, roi, channel_cost. Likelihood
    from how far below zero the ROI is (ROI_EDGES, at least 2); at stake: the loss."""
    out = []
    for _, row in pnl[pnl["contribution"] < 0].iterrows():
        roi = float(row["roi"]) if pd.notna(row["roi"]) else float("nan")
        out.append(
            _risk(
                "negative_contribution",
                max(2, level(-roi, ROI_EDGES)),
                impact_of(-float(row["contribution"]), total),
                str(row["channel"]),
                channel=row["channel"],
                contribution=float(row["contribution"]),
                roi=roi,
                channel_cost=float(row["channel_cost"]),
            )
        )
    return out


def data_health(score: float | None, breakdown: Mapping[str, float] | None = None) -> list[Risk]:
    """CRM data health (score 0–100, ``metrics.health``) below 70.

    Likelihood from 100 − score (HEALTH_EDGES); impact from how many parts of the ``breakdown``
    (part → score 0–100) are weak (below 60): 2, + 1 for a quarter, half and three quarters of them.
    """
    if score is None or not math.isfinite(float(score)) or float(score) >= HEALTH_LIMIT:
        return []
    parts = {str(k): float(v) for k, v in (breakdown or {}).items() if v is not None and math.isfinite(float(v))}
    weak = sorted((k for k, v in parts.items() if v < HEALTH_WEAK), key=lambda k: parts[k])
    share = len(weak) / len(parts) if parts else 0.0
    impact = 2 + sum(share >= e for e in (0.25, 0.5, 0.75))
    return [
        _risk(
            "data_health",
            level(100.0 - float(score), HEALTH_EDGES),
            impact,
            score=float(score),
            weak=weak[:3],
            weak_scores=[parts[k] for k in weak[:3]],
            parts=len(parts),
        )
    ]
