"""The budget model of one dataset: its levers, their curves and the economics around them.

Units: a lever's ``current`` spend and every allocation are *annual* yuan (the last 12 months);
curves are monthly, and a plan's annual spend is assumed spread evenly over 12 months, so a
channel's annual revenue is 12 · R(spend / 12). Consequently the "current plan" projection is the
model's value at the current spend, not the booked revenue (seasonality and noise are left out);
both sides of every comparison come from the same model.

Choices where METRICS.md is silent (also in the README):

- The 12-month window is the 12 calendar months ending with the month of the last order date.
- Channel "margin-adjusted revenue" uses the *variable contribution margin*: (gross profit −
  commission − rebate) ÷ revenue over the window, since those costs move with revenue while
  management cost does not. Without cost data the margin is unknown; revenue then stands in for
  gross profit (``value_basis = "revenue"``) and the page says so.
- New customers from a channel scale with its revenue (new customers per yuan over the window).
- CRM: the curves give a relative churn reduction; the level is anchored on the observed 12-month
  churn (180-day window): churn_zero = observed ÷ Π(1 − mr_k · hill_k(current_k)), and
  churn(plan) = churn_zero · Π(1 − mr_k · hill_k(plan_k)) with the programmes acting independently
  (as in the demo generator). Base = customers active at the as-of date. Retained value =
  base · (1 − churn) · GP12, GP12 = the window's gross profit per customer with an order in it (a
  simple historical average; a predictive CLV can replace it later).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from metrics.budget import curves
from metrics.budget.curves import Curve
from metrics.db import query

CHURN_WINDOW_DAYS = 180
KINDS = ("channel", "crm")


def lever_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


@dataclass(frozen=True, eq=False)
class Lever:
    """One thing money can go to. ``current`` = last 12 months' spend (yuan).

    Channel economics: ``margin`` (variable contribution margin, NaN when unknown),
    ``gross_margin``, ``new_per_revenue`` (new customers per yuan of revenue), ``revenue``,
    ``new_customers`` and ``gross_profit`` observed over the window. CRM levers leave them NaN.
    """

    id: str
    kind: str
    name: str
    current: float
    curve: Curve
    margin: float = float("nan")
    gross_margin: float = float("nan")
    new_per_revenue: float = float("nan")
    revenue: float = float("nan")
    new_customers: float = float("nan")
    gross_profit: float = float("nan")


@dataclass(frozen=True, eq=False)
class BudgetModel:
    """Everything a projection or the optimizer needs, for one dataset."""

    dataset: str
    start: dt.date | None
    end: dt.date | None
    levers: tuple[Lever, ...]
    base_customers: float
    churn_observed: float  # 12-month churn over the window, NaN when undefined
    churn_zero: float  # churn with no CRM spend, per the curves
    gp_per_customer: float  # 12-month gross profit (or revenue) per customer
    value_basis: str  # gross_profit | revenue
    has_channel_spend: bool
    has_crm_spend: bool
    has_customers: bool

    @property
    def ids(self) -> list[str]:
        return [lever.id for lever in self.levers]

    def lever(self, lever: str) -> Lever:
        """A lever by id ("channel:经销商") or, when unambiguous, by bare name ("经销商")."""
        for item in self.levers:
            if item.id == lever:
                return item
        named = [item for item in self.levers if item.name == lever]
        if len(named) == 1:
            return named[0]
        raise KeyError(lever)

    def current_allocation(self) -> np.ndarray:
        return np.array([lever.current for lever in self.levers], dtype=float)


def _ratio(numerator: float, denominator: float) -> float:
    if denominator is None or pd.isna(denominator) or denominator == 0 or numerator is None or pd.isna(numerator):
        return float("nan")
    return float(numerator) / float(denominator)


def _window(last: dt.date) -> tuple[dt.date, dt.date]:
    month = last.year * 12 + last.month - 1 - 11
    return dt.date(month // 12, month % 12 + 1, 1), last


def _last_date(con: duckdb.DuckDBPyConnection, dataset: str) -> dt.date | None:
    rows = con.cursor().execute("SELECT last_date FROM datasets WHERE name = $n", {"n": dataset}).fetchall()
    return rows[0][0] if rows else None


def budget_model(con: duckdb.DuckDBPyConnection, dataset: str) -> BudgetModel:
    """Fit every lever of ``dataset`` and gather the economics (module docstring for the rules).

    Channels with sales but no marketing spend become levers with no curve (``source="none"``),
    so a manager can still plan them with manual curves. An empty dataset gives no levers.
    """
    last = _last_date(con, dataset)
    if last is None:
        return BudgetModel(dataset, None, None, (), 0.0, float("nan"), float("nan"), float("nan"), "revenue",
                           False, False, False)
    start, end = _window(last)
    levers = list(_channel_levers(query(con, "budget_channel_monthly", dataset=dataset), start))
    base = query(con, "budget_customer_base", dataset=dataset, start=start, end=end,
                 window_days=CHURN_WINDOW_DAYS).iloc[0]
    lapse = query(con, "budget_lapse_monthly", dataset=dataset, window_days=CHURN_WINDOW_DAYS)
    crm = query(con, "budget_crm_monthly", dataset=dataset)
    levers += _crm_levers(crm, lapse, start)
    churn_observed = _ratio(base["churned"], base["active_at_start"])
    has_cost = not pd.isna(base["gross_profit"]) and base["revenue_with_cost"] not in (0, None)
    value = base["gross_profit"] if has_cost else base["revenue"]
    gp12 = _ratio(value, base["customers"])
    model = BudgetModel(
        dataset, start, end, tuple(levers), float(base["active_at_end"] or 0), churn_observed, churn_observed,
        gp12, "gross_profit" if has_cost else "revenue",
        bool(any(lv.kind == "channel" and lv.curve.months for lv in levers)), not crm.empty,
        bool(base["customers"]),
    )
    return anchor_churn(model)


def anchor_churn(model: BudgetModel) -> BudgetModel:
    """Recompute churn_zero so the curves reproduce the observed churn at the current CRM spend."""
    factor = 1.0
    for lever in model.levers:
        if lever.kind == "crm":
            factor *= 1.0 - float(lever.curve.response(lever.current / 12.0))
    churn_zero = model.churn_observed / factor if factor > 0 else float("nan")
    return replace(model, churn_zero=min(churn_zero, 1.0) if np.isfinite(churn_zero) else churn_zero)


def _channel_levers(monthly: pd.DataFrame, start: dt.date) -> list[Lever]:
    levers = []
    for salt, (channel, part) in enumerate(monthly.groupby("channel", sort=True)):
        window = part[part["month"] >= pd.Timestamp(start)]
        spend = float(window["marketing"].sum())
        revenue = float(window["revenue"].sum())
        history = part[part["has_marketing"]]
        curve = curves.fit_channel(history["marketing"].to_numpy(), history["revenue"].to_numpy(),
                                   current=(spend / 12.0, revenue / 12.0), salt=salt)
        gross_profit = window["gross_profit"].sum(min_count=1)
        with_cost = window["revenue_with_cost"].sum(min_count=1)
        gross_margin = _ratio(gross_profit, with_cost)
        variable = _ratio(float(window["variable_cost"].sum()), revenue)
        levers.append(Lever(
            lever_id("channel", channel), "channel", str(channel), spend, curve,
            margin=gross_margin - (variable if np.isfinite(variable) else 0.0),
            gross_margin=gross_margin, new_per_revenue=_ratio(float(window["new_customers"].sum()), revenue),
            revenue=revenue, new_customers=float(window["new_customers"].sum()),
            gross_profit=float(gross_profit) if not pd.isna(gross_profit) else float("nan"),
        ))
    return levers


def _crm_levers(crm: pd.DataFrame, lapse: pd.DataFrame, start: dt.date) -> list[Lever]:
    rates = lapse.assign(rate=lapse["lapsed"] / lapse["buyers"].where(lapse["buyers"] > 0))[["month", "rate"]]
    levers = []
    for salt, (programme, part) in enumerate(crm.groupby("programme", sort=True), start=100):
        spend = float(part.loc[part["month"] >= pd.Timestamp(start), "amount"].sum())
        paired = part.merge(rates, on="month", how="inner")
        curve, _ = curves.fit_crm(paired["amount"].to_numpy(), paired["rate"].to_numpy(),
                                  current_spend=spend / 12.0, salt=salt)
        levers.append(Lever(lever_id("crm", programme), "crm", str(programme), spend, curve))
    return levers


@dataclass(frozen=True)
class Override:
    """A manager's curve for one lever: top = beta (yuan/month) or max_reduction (0..1)."""

    lever: str
    top: float
    alpha: float
    kappa: float


def with_overrides(model: BudgetModel, overrides: tuple[Override, ...] | list[Override]) -> BudgetModel:
    """The model with manual curves replacing fitted or assumed ones (unknown levers raise KeyError).

    CRM max_reduction must be below 1; churn is re-anchored on the observed churn afterwards.
    """
    if not overrides:
        return model
    by_id = {model.lever(o.lever).id: o for o in overrides}
    levers = []
    for lever in model.levers:
        o = by_id.get(lever.id)
        if o is not None:
            if lever.kind == "crm" and o.top >= 1:
                raise ValueError("max_reduction must be below 1")
            lever = replace(lever, curve=curves.manual(o.top, o.alpha, o.kappa))
        levers.append(lever)
    return anchor_churn(replace(model, levers=tuple(levers)))


def allocation_frame(model: BudgetModel) -> pd.DataFrame:
    """Current allocation (last 12 months) and what each lever returned.

    Columns: lever, kind, name, spend, share, revenue, new_customers, retained_customers,
    contribution, roi, curve, r2. For channels revenue and new customers are observed; contribution
    = margin × revenue (revenue itself when the margin is unknown). For CRM, retained customers are
    what the curves credit the programme with — base × (churn without it − churn with all
    programmes) — and contribution is their 12-month value. ROI = (contribution − spend) ÷ spend,
    NaN when spend is 0.
    """
    total = sum(lever.current for lever in model.levers)
    rows = []
    crm_factor = {lv.id: 1.0 - float(lv.curve.response(lv.current / 12.0)) for lv in model.levers if lv.kind == "crm"}
    all_factor = float(np.prod(list(crm_factor.values()))) if crm_factor else 1.0
    for lever in model.levers:
        if lever.kind == "channel":
            margin = lever.margin if np.isfinite(lever.margin) else 1.0
            contribution, revenue, new, retained = margin * lever.revenue, lever.revenue, lever.new_customers, np.nan
        else:
            without = all_factor / crm_factor[lever.id] if crm_factor[lever.id] > 0 else np.nan
            retained = model.base_customers * model.churn_zero * (without - all_factor)
            contribution = retained * model.gp_per_customer
            revenue, new = np.nan, np.nan
        rows.append({
            "lever": lever.id, "kind": lever.kind, "name": lever.name, "spend": lever.current,
            "share": lever.current / total if total else np.nan, "revenue": revenue, "new_customers": new,
            "retained_customers": retained, "contribution": contribution,
            "roi": (contribution - lever.current) / lever.current if lever.current else np.nan,
            "curve": lever.curve.source, "r2": lever.curve.r2 if lever.curve.r2 is not None else np.nan,
        })
    return pd.DataFrame(rows, columns=["lever", "kind", "name", "spend", "share", "revenue", "new_customers",
                                       "retained_customers", "contribution", "roi", "curve", "r2"])
