"""The risk register (METRICS.md "Outlook and risk"): risks detected from the data, risks users add,
and a response plan for each — ranked on a 5 × 5 matrix of likelihood × impact.

Risks are judged on the whole dataset as of its last order date, over the last 12 complete months
(the 12 before them for comparisons) — not on the sidebar's period or filters: a plan is attached
to a risk, and the register must not change when someone looks at another month. The rules are pure
functions (:mod:`metrics.risks.rules`); :func:`gather` reads their inputs in one pass of small
queries, :func:`assess` applies them (with the forecast, the budget model, the goals and the CRM
data-health score when they are at hand), :func:`register` does both for the command line and the
report. Plans and user-added risks live in the user-state store (:mod:`data.state`), keyed by the
risk's ``key``, so they survive restarts and reloads of the dataset; deleting the dataset deletes them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from data import access, registry
from data.state import store_for
from metrics import channels, customers, forecast
from metrics.db import query
from metrics.filters import Filters
from metrics.health import data_health
from metrics.risks import rules
from metrics.risks.rules import CATEGORIES, RULE_CATEGORY, RULES, Risk, level

__all__ = [
    "CATEGORIES",
    "RULES",
    "RULE_CATEGORY",
    "STATUSES",
    "Assessment",
    "Evidence",
    "Item",
    "Plan",
    "Risk",
    "assess",
    "delete_plan",
    "delete_user_risk",
    "gather",
    "items",
    "level",
    "plans",
    "register",
    "save_plan",
    "save_user_risk",
    "user_risks",
]

STATUSES = ("open", "in_progress", "done", "accepted")
OPEN_STATUSES = ("open", "in_progress")
SCALE = (1, 2, 3, 4, 5)
BANDS = ((1, 4, "low"), (5, 9, "medium"), (10, 16, "high"), (20, 25, "critical"))
CHURN_WINDOW_DAYS = 180
MAX_OWNER, MAX_ACTION, MAX_TITLE, MAX_DESCRIPTION = 80, 2000, 120, 2000


def band(score: int) -> str:
    """low (1–4), medium (5–9), high (10–16) or critical (20–25)."""
    return next(name for low, high, name in BANDS if low <= score <= high)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the rules read, for one dataset version (money in yuan; months are month starts).

    ``start``..``end``: the last 12 complete months (fewer when the data is shorter); ``revenue``
    their total. ``monthly``: month, channel, revenue of every complete month. ``channel_revenue``:
    channel → revenue in the window. ``top``: the ten largest customers (customer_id, revenue,
    last_order); ``identified_share`` of revenue. ``churn``: month, churn_rate (last 24 complete
    months, 180-day window). ``conflicts``: product, low_channel, gap, low_revenue. ``territory``:
    out-of-territory sales or None. ``spots``/``cells``: blind spots and the coverage they came from.
    ``pnl``: the channel P&L of the window.
    """

    dataset: str
    as_of: dt.date | None
    start: dt.date | None
    end: dt.date | None
    revenue: float
    monthly: pd.DataFrame
    channel_revenue: pd.Series
    has_customer: bool
    has_cost: bool
    has_channel_costs: bool
    top: pd.DataFrame = field(default_factory=pd.DataFrame)
    identified_share: float = float("nan")
    churn: pd.DataFrame = field(default_factory=pd.DataFrame)
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    territory: pd.DataFrame | None = None
    spots: pd.DataFrame = field(default_factory=pd.DataFrame)
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    pnl: pd.DataFrame = field(default_factory=pd.DataFrame)


def gather(con: duckdb.DuckDBPyConnection, dataset: str) -> Evidence:
    """Read every rule's input (module docstring for the windows). An empty dataset gives empty inputs."""
    ds = registry.get_dataset(con, dataset)
    monthly, last = forecast.monthly_history(con, dataset)
    if ds is None or ds.last_date is None:
        return Evidence(dataset, None, None, None, 0.0, monthly, pd.Series(dtype=float), False, False, False)
    end = forecast.add_months(last, 1) - dt.timedelta(days=1) if last is not None else ds.last_date
    start = max(ds.first_date, forecast.add_months(last, -11)) if last is not None else ds.first_date
    window = Filters(dataset, start, end)
    avail = channels.availability(con, dataset)
    pnl = channels.pnl(con, window, new_customers=False)
    revenue = float(pnl["revenue"].sum())
    top = query(con, "risk_top_customers", dataset=dataset, start=start, end=end, channels=[], regions=[])
    identified = float(top["identified_revenue"].iloc[0]) / revenue if len(top) and revenue else float("nan")
    top = top.dropna(subset=["customer_id"])[["customer_id", "revenue", "last_order"]].reset_index(drop=True)
    churn = pd.DataFrame(columns=["month", "churn_rate"])
    if ds.has_customer and last is not None:
        first = max(ds.first_date, forecast.add_months(last, -23))
        churn = customers.churn_monthly(con, Filters(dataset, first, end), window_days=CHURN_WINDOW_DAYS)
        churn = churn[pd.to_datetime(churn["month"]) >= pd.Timestamp(forecast.month_start(first))]
    prices = query(con, "channel_prices", **window.params())
    conflicts = channels.price_conflicts(con, window)
    low = prices.set_index(["product", "channel"])["revenue"]
    conflicts = conflicts.assign(
        low_revenue=[
            float(low.get((p, c), 0.0)) for p, c in zip(conflicts["product"], conflicts["low_channel"], strict=True)
        ]
    )
    cells = channels.coverage(con, window, customers=False)
    spots = channels.blind_spots(cells, channels.customer_regions(con, dataset))
    return Evidence(
        dataset,
        ds.last_date,
        start,
        end,
        revenue,
        monthly,
        pnl.set_index("channel")["revenue"],
        ds.has_customer,
        ds.has_cost,
        avail.has_channel_costs,
        top,
        identified,
        churn,
        conflicts,
        channels.out_of_territory(con, window),
        spots,
        cells,
        pnl,
    )


# ---------------------------------------------------------------- applying the rules


@dataclass(frozen=True)
class Assessment:
    """The detected risks, highest score first, and the rules that could not be judged (rule → reason key)."""

    dataset: str
    as_of: dt.date | None
    start: dt.date | None
    end: dt.date | None
    risks: tuple[Risk, ...]
    skipped: Mapping[str, str]


def rank(risks: Iterable[Risk]) -> list[Risk]:
    """Highest score first; ties by impact, then likelihood, then key."""
    return sorted(risks, key=lambda r: (-r.score, -r.impact, -r.likelihood, r.key))


def goal_forecasts(goal_list: Iterable[object], outlook: forecast.Outlook) -> list[dict[str, object]]:
    """The forecast of each revenue goal whose scope is a forecast series (the total, or one channel
    without a region filter) at its deadline's month, when that month is within the horizon."""
    out = []
    for goal in goal_list:
        if getattr(goal, "metric", None) != "revenue" or goal.regions or len(goal.channels) > 1:  # type: ignore[attr-defined]
            continue
        series = goal.channels[0] if goal.channels else forecast.TOTAL  # type: ignore[attr-defined]
        found = outlook.get(series)
        if found is None or not found.ok:
            continue
        month = pd.Timestamp(forecast.month_start(goal.deadline))  # type: ignore[attr-defined]
        row = found.frame[found.frame["period"] == month]
        if row.empty:
            continue
        out.append(
            {
                "id": goal.id,
                "series": series,
                "month": month.date(),
                "target": goal.target,  # type: ignore[attr-defined]
                "p10": float(row["p10"].iloc[0]),
                "p50": float(row["p50"].iloc[0]),
                "p90": float(row["p90"].iloc[0]),
            }
        )
    return out


def budget_plans(model: object, scenarios: Iterable[object] = ()) -> list[tuple[str | None, pd.DataFrame]]:
    """The current plan and each saved scenario as (name, frame lever, source, current, planned)."""
    from metrics.budget import with_overrides

    levers = getattr(model, "levers", ())
    if not levers:
        return []
    current = np.array([lv.current for lv in levers], dtype=float)
    out = [
        (
            None,
            pd.DataFrame(
                {
                    "lever": [lv.id for lv in levers],
                    "source": [lv.curve.source for lv in levers],
                    "current": current,
                    "planned": current,
                }
            ),
        )
    ]
    for scenario in scenarios:
        chosen = with_overrides(model, tuple(scenario.overrides))  # type: ignore[arg-type, attr-defined]
        out.append(
            (
                scenario.name,
                pd.DataFrame(
                    {  # type: ignore[attr-defined]
                        "lever": [lv.id for lv in chosen.levers],
                        "source": [lv.curve.source for lv in chosen.levers],
                        "current": current,
                        "planned": scenario.vector(chosen),
                    }
                ),
            )
        )  # type: ignore[attr-defined]
    return out


def health_parts(breakdown: object) -> dict[str, float]:
    """A data-health breakdown as part → score 0–100: :class:`metrics.health.HealthReport`'s frame
    (component, value as a share 0–1, weight, points) scores each component by 100 × value; a
    mapping or Series is taken as part → score."""
    if breakdown is None:
        return {}
    if isinstance(breakdown, pd.DataFrame):
        if breakdown.empty or not {"component", "value"} <= set(breakdown.columns):
            return {}
        return {
            str(k): 100.0 * float(v)
            for k, v in zip(breakdown["component"], breakdown["value"], strict=True)
            if pd.notna(v)
        }
    items = breakdown.items() if isinstance(breakdown, (Mapping, pd.Series)) else ()
    return {str(k): float(v) for k, v in items if isinstance(v, (int, float, np.number)) and not isinstance(v, bool)}


def assess(
    evidence: Evidence,
    *,
    outlook: forecast.Outlook | None = None,
    budget: object = None,
    scenarios: Iterable[object] = (),
    goals: Iterable[object] = (),
    health: object = None,
) -> Assessment:
    """Apply every rule to ``evidence``. ``outlook`` (the forecast), ``budget`` (the budget model) and
    ``health`` (:func:`metrics.health.data_health`'s report; None when the dataset has no customers
    file) are optional: a rule whose input is missing is listed in ``skipped`` with the reason,
    never judged as "no risk"."""
    e, skipped, found = evidence, {}, []
    if e.as_of is None:
        return Assessment(e.dataset, None, None, None, (), {rule: "risks_skip_no_data" for rule in RULES})
    found += rules.concentration(e.channel_revenue)
    months = e.monthly["month"].nunique() if not e.monthly.empty else 0
    if months >= 24:
        ahead = {}
        if outlook is not None:
            for s in outlook.series:
                ahead[s.series] = forecast.next_year(s)[1]
        found += rules.declining(e.monthly, forecast_next=ahead)
    else:
        skipped["declining"] = "risks_skip_short_history"
    if e.has_customer:
        found += rules.key_customers(e.top, e.revenue, e.as_of)
        if len(e.churn) >= 12 + rules.CHURN_MONTHS:
            share = e.identified_share if math.isfinite(e.identified_share) else 1.0
            found += rules.rising_churn(e.churn, share)
        else:
            skipped["rising_churn"] = "risks_skip_short_history"
    else:
        skipped["key_customers"] = skipped["rising_churn"] = "risks_skip_no_customer"
    found += rules.price_conflict(e.conflicts, e.revenue, e.territory)
    found += rules.blind_spots(e.spots, e.cells)
    if outlook is None:
        skipped["goal_shortfall"] = "risks_skip_no_forecast"
    else:
        found += rules.goal_shortfall(goal_forecasts(goals, outlook), e.revenue)
    if budget is None:
        skipped["assumed_curves"] = "risks_skip_no_budget"
    else:
        found += rules.assumed_curves(budget_plans(budget, scenarios), e.revenue)
    if e.has_cost and e.has_channel_costs:
        found += rules.negative_contribution(e.pnl, e.revenue)
    else:
        skipped["negative_contribution"] = "risks_skip_no_costs"
    if health is not None:
        found += rules.data_health(getattr(health, "score", None), health_parts(getattr(health, "breakdown", None)))
    else:
        skipped["data_health"] = "risks_skip_no_health"
    return Assessment(e.dataset, e.as_of, e.start, e.end, tuple(rank(found)), skipped)


def register(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    *,
    store: object = None,
    outlook: forecast.Outlook | None = None,
    budget: object = None,
) -> Assessment:
    """Every rule on ``dataset``, fitting the forecast and the budget model when not given (slow:
    the command line and the report; the pages pass the models fitted in the background).
    ``store`` holds the goals and scenarios (default: an in-memory warehouse's own connection)."""
    from metrics import goals as goal_module
    from metrics.budget import budget_model
    from metrics.budget import scenarios as budget_scenarios

    store = con if store is None else store
    evidence = gather(con, dataset)
    if evidence.as_of is None:
        return assess(evidence)
    outlook = outlook or forecast.outlook(con, dataset)
    budget = budget or budget_model(con, dataset)
    health = data_health(con, dataset)
    return assess(
        evidence,
        outlook=outlook,
        budget=budget,
        scenarios=budget_scenarios.list_scenarios(store, dataset),
        goals=goal_module.list_goals(store, dataset),
        health=health,
    )


# ---------------------------------------------------------------- plans and user-added risks


class RiskError(ValueError):
    """A plan or risk that cannot be saved; ``code`` is a translation key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Plan:
    """A response plan: who does what by when, and where it stands (``status`` in STATUSES)."""

    risk: str
    owner: str
    action: str
    due: dt.date | None
    status: str
    updated_at: dt.datetime | None = None
    saved_by: str | None = None  # who saved it (data.access)

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


def _text(value: object, limit: int, code: str, *, required: bool = True, one_line: bool = True) -> str:
    """``value`` trimmed (on one line unless ``one_line`` is False); RiskError ``code`` when empty or too long."""
    cleaned = " ".join(str(value or "").split()) if one_line else str(value or "").strip()
    if (required and not cleaned) or len(cleaned) > limit:
        raise RiskError(code)
    return cleaned


def save_plan(store: object, dataset: str, plan: Plan) -> Plan:
    """Save (create or replace) the plan of ``plan.risk``; RiskError with a translation key when invalid.

    Planners and above may (data.access: the check is here, so no page or request can skip it)."""
    target = store_for(store)
    who = access.require("risk_plan.save", dataset=dataset, store=target)
    if not plan.risk or len(plan.risk) > 300:
        raise RiskError("risks_err_risk")
    if plan.status not in STATUSES:
        raise RiskError("risks_err_status")
    if plan.due is not None and not isinstance(plan.due, dt.date):
        raise RiskError("risks_err_due")
    owner = _text(plan.owner, MAX_OWNER, "risks_err_owner")
    action = _text(plan.action, MAX_ACTION, "risks_err_action", one_line=False)
    target.save_risk_plan(dataset, plan.risk, owner, action, plan.due, plan.status, by=who.actor)
    return plans(store, dataset)[plan.risk]


def plans(store: object, dataset: str) -> dict[str, Plan]:
    """The dataset's plans by risk key."""
    out = {}
    for row in store_for(store).risk_plans(dataset):
        due = (
            None
            if row["due"] is None or (isinstance(row["due"], float) and math.isnan(row["due"]))
            else pd.Timestamp(row["due"]).date()
        )
        out[row["risk"]] = Plan(
            row["risk"],
            row["owner"],
            row["action"],
            due,
            row["status"],
            pd.Timestamp(row["updated_at"]).to_pydatetime(),
            row.get("saved_by"),
        )
    return out


def delete_plan(store: object, dataset: str, risk: str) -> bool:
    """Delete the plan of ``risk`` (planners and above); recorded in the audit log."""
    target = store_for(store)
    who = access.require("risk_plan.delete", dataset=dataset, store=target)
    existed = target.delete_risk_plan(dataset, risk)
    if existed:
        access.record(target, "risk_plan.delete", target=f"{dataset}/{risk}", principal=who)
    return existed


def save_user_risk(
    store: object,
    dataset: str,
    title: str,
    description: str,
    category: str,
    likelihood: int,
    impact: int,
    *,
    risk_id: int | None = None,
) -> Risk:
    """Add a risk (or edit user risk ``risk_id``); RiskError with a translation key when invalid.
    Planners and above may (the same right as a plan's)."""
    who = access.require("risk_plan.save", dataset=dataset, store=store_for(store))
    if category not in CATEGORIES:
        raise RiskError("risks_err_category")
    if likelihood not in SCALE or impact not in SCALE:
        raise RiskError("risks_err_scale")
    fields = {
        "title": _text(title, MAX_TITLE, "risks_err_title"),
        "description": _text(description, MAX_DESCRIPTION, "risks_err_description", required=False, one_line=False),
        "category": category,
        "likelihood": int(likelihood),
        "impact": int(impact),
    }
    target = store_for(store)
    if risk_id is None:
        risk_id = target.insert_user_risk(dataset, fields, by=who.actor)
    elif not target.update_user_risk(dataset, risk_id, fields, by=who.actor):
        raise KeyError(risk_id)
    return next(r for r in user_risks(store, dataset) if r.key == f"user:{risk_id}")


def user_risks(store: object, dataset: str) -> list[Risk]:
    return [
        Risk(
            f"user:{row['id']}",
            "user",
            row["category"],
            int(row["likelihood"]),
            int(row["impact"]),
            title=row["title"],
            description=row["description"],
        )
        for row in store_for(store).user_risks(dataset)
    ]


def delete_user_risk(store: object, dataset: str, key: str) -> bool:
    """Delete a user-added risk (``user:<id>``) and its plan."""
    target = store_for(store)
    who = access.require("risk_plan.delete", dataset=dataset, store=target)
    if not key.startswith("user:") or not key[5:].isdigit():
        return False
    existed = target.delete_user_risk(dataset, int(key[5:]))
    if existed:
        access.record(target, "risk_plan.delete", target=f"{dataset}/{key}", principal=who)
    return existed


@dataclass(frozen=True)
class Item:
    """A row of the register: rank (1 = highest score), the risk and its plan (None: no plan yet)."""

    rank: int
    risk: Risk
    plan: Plan | None

    @property
    def open(self) -> bool:
        return self.plan is None or self.plan.open


def items(assessment: Assessment, user: Iterable[Risk], saved: Mapping[str, Plan]) -> tuple[list[Item], list[Plan]]:
    """The register: detected and user-added risks ranked together with their plans, and the plans
    whose risk is no longer detected (kept: the risk may come back, and the record of what was done
    stays)."""
    ranked = rank([*assessment.risks, *user])
    listed = [Item(i + 1, risk, saved.get(risk.key)) for i, risk in enumerate(ranked)]
    keys = {risk.key for risk in ranked}
    return listed, [plan for key, plan in saved.items() if key not in keys]


def top_open(listed: list[Item], n: int = 3) -> list[Item]:
    """The ``n`` highest-ranked risks whose plan is not done or accepted (the overview's section)."""
    return [item for item in listed if item.open][:n]
