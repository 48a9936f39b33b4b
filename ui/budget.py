"""Streamlit glue shared by the budget pages: the model with the manager's curves, the what-if
allocation in session state, its sliders, and pre-filled values from the URL or another page.

State (per session, reset when the dataset changes):
- ``_budget_overrides``: {lever id: Override} — manual curves;
- ``_budget_alloc``: [annual yuan per lever] — the what-if allocation, the one truth the sliders
  (``budget_pct_<i>`` / ``budget_amt_<i>``) and the total (``budget_total``) are written from.

Pre-fill (for links, e.g. from a future priority advisor): URL ``budget_total`` (annual yuan) and
``budget_crm_share`` (0..1), or ``st.session_state["budget_prefill"] = {"total": .., "crm_share": ..}``
set by another page before ``st.switch_page``. Channels then share ``total × (1 − crm_share)`` and
CRM programmes ``total × crm_share``, each in proportion to current spend (equally when none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from metrics.budget import BudgetModel, Override, allocation_frame, budget_model, with_overrides
from metrics.budget.projection import Arrays, arrays
from present.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, fmt_pts
from present.sentences.budget import lever_label
from ui import cached
from ui.state import initial_query, lang, t
from ui.widgets import escape_markdown

OVERRIDES = "_budget_overrides"
ALLOC = "_budget_alloc"
DATASET = "_budget_dataset"
PREFILL = "budget_prefill"
T = TypeVar("T")


def base_model(dataset: str) -> BudgetModel:
    """The dataset's fitted model without any manual curve (cached per dataset version)."""
    return cached.run_dataset(budget_model, dataset)


def model(dataset: str) -> tuple[BudgetModel, Arrays]:
    """The dataset's fitted model (cached) with this session's manual curves applied."""
    _reset_on_dataset_change(dataset)
    base = base_model(dataset)
    chosen = with_overrides(base, tuple(st.session_state[OVERRIDES].values()))
    if ALLOC not in st.session_state or len(st.session_state[ALLOC]) != len(chosen.levers):
        set_allocation(chosen, _prefilled(chosen))
    return chosen, arrays(chosen)


def _reset_on_dataset_change(dataset: str) -> None:
    if st.session_state.get(DATASET) != dataset:
        st.session_state[DATASET] = dataset
        st.session_state[OVERRIDES] = {}
        st.session_state.pop(ALLOC, None)


# A link's budget above ¥1 trillion a year is a typo or an attack (budget_total=1e308 made the
# slider's maximum infinite); it is ignored like any other malformed value.
MAX_PREFILL_TOTAL = 1e12


def _number(text: object, upper: float = MAX_PREFILL_TOTAL) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and 0 <= value <= upper else None


def _prefilled(m: BudgetModel) -> np.ndarray:
    """The starting allocation: a pre-filled split when one was asked for, else the current plan."""
    asked = st.session_state.pop(PREFILL, None) or {}
    query = initial_query()
    total = _number(asked.get("total", query.get("budget_total")))
    share = _number(asked.get("crm_share", query.get("budget_crm_share")))
    current = m.current_allocation()
    if total is None and share is None:
        return current
    total = current.sum() if total is None else total
    crm = np.array([lv.kind == "crm" for lv in m.levers])
    share = (current[crm].sum() / current.sum() if current.sum() else 0.0) if share is None else min(share, 1.0)
    if not crm.any():
        share = 0.0
    out = np.zeros(len(current))
    for mask, amount in ((~crm, total * (1 - share)), (crm, total * share)):
        if mask.any():
            weights = current[mask] if current[mask].sum() > 0 else np.ones(mask.sum())
            out[mask] = amount * weights / weights.sum()
    return out


def allocation() -> np.ndarray:
    return np.asarray(st.session_state[ALLOC], dtype=float)


def set_allocation(m: BudgetModel, values: np.ndarray) -> None:
    """Make ``values`` the what-if allocation and write it into every slider's state."""
    values = np.maximum(np.asarray(values, dtype=float), 0.0)
    st.session_state[ALLOC] = values.tolist()
    for i, lever in enumerate(m.levers):
        st.session_state[f"budget_amt_{i}"] = float(round(values[i], 2))
        if lever.current > 0:
            st.session_state[f"budget_pct_{i}"] = float(round((values[i] / lever.current - 1) * 100, 1))
    st.session_state["budget_total"] = float(round(values.sum(), 2))


def _on_lever(m: BudgetModel, i: int, mode: str) -> None:
    values = allocation()
    if mode == "pct" and m.levers[i].current > 0:
        values[i] = m.levers[i].current * (1 + st.session_state[f"budget_pct_{i}"] / 100)
    else:
        values[i] = st.session_state[f"budget_amt_{i}"]
    set_allocation(m, values)


def _on_total(m: BudgetModel) -> None:
    values, wanted = allocation(), float(st.session_state["budget_total"])
    base = values if values.sum() > 0 else (m.current_allocation() if m.current_allocation().sum() > 0
                                            else np.ones(len(values)))
    set_allocation(m, base * wanted / base.sum())


def slider_limits(m: BudgetModel) -> tuple[float, list[float]]:
    """Maximum of the total slider and of each lever's amount slider (3× today, at least the total)."""
    current = m.current_allocation()
    top_total = max(3 * current.sum(), 1.5 * allocation().sum(), 10_000.0)
    return top_total, [max(3 * c, top_total / 2) for c in current]


def sliders(m: BudgetModel) -> None:
    """The total and one slider per lever (amount or % change), three to a row."""
    mode = st.radio(t("budget_slider_mode"), ("pct", "amount"), key="budget_mode", horizontal=True,
                    format_func={c: t(f"budget_mode_{c}") for c in ("pct", "amount")}.__getitem__)
    top_total, tops = slider_limits(m)
    st.slider(t("budget_total"), 0.0, top_total, key="budget_total", step=max(round(top_total / 300, -2), 1.0), format="%.0f",
              on_change=_on_total, args=(m,), help=t("budget_total_help"))
    columns = st.columns(3)
    for i, lever in enumerate(m.levers):
        name = escape_markdown(lever_label(lever.id, lang()))  # a widget label is Markdown
        with columns[i % 3]:
            if mode == "pct" and lever.current > 0:
                top = max(200.0, float(np.ceil(st.session_state[f"budget_pct_{i}"])))
                st.slider(t("budget_lever_pct", lever=name), -100.0, top, key=f"budget_pct_{i}", step=1.0, format="%+.0f%%",
                          on_change=_on_lever, args=(m, i, "pct"))
            else:
                top = max(tops[i], st.session_state[f"budget_amt_{i}"])
                st.slider(t("budget_lever_amount", lever=name), 0.0, top, key=f"budget_amt_{i}",
                          step=max(round(top / 300, -1), 1.0), format="%.0f", on_change=_on_lever, args=(m, i, "amount"))


def set_override(lever: str, override: Override | None) -> None:
    """Apply (or with None remove) a manual curve; the next run re-derives the model."""
    if override is None:
        st.session_state[OVERRIDES].pop(lever, None)
    else:
        st.session_state[OVERRIDES][lever] = override


# ---------------------------------------------------------------- tables and cards

CARD_OUTCOMES = (("revenue", "money"), ("gross_profit", "money"), ("new_customers", "count"), ("churn", "ratio"),
                 ("retained_value", "money"), ("incremental_gp", "money"), ("roi", "number"))


def _fmt(kind: str, value: object) -> str:
    return {"money": fmt_money, "count": fmt_int, "ratio": fmt_pct, "number": fmt_number}[kind](value, lang())


def projection_cards(frame: pd.DataFrame) -> None:
    """One card per outcome: the scenario, its change vs the current plan, P10–P90 in the help."""
    rows = frame.set_index("outcome")
    columns = [*st.columns(4), *st.columns(4)]
    for column, (key, kind) in zip(columns, CARD_OUTCOMES, strict=False):
        row = rows.loc[key]
        delta = row["delta"]
        if not np.isfinite(delta):
            shown = None
        elif kind == "ratio":  # a rate moves in percentage points
            shown = fmt_pts(delta, lang())
        else:
            shown = ("+" if delta >= 0 else "") + _fmt(kind, delta)
        with column:
            st.metric(t(f"budget_outcome_{key}"), _fmt(kind, row["scenario"]), shown, border=True,
                      delta_color="inverse" if key == "churn" else "normal",
                      help=t("budget_band", p10=_fmt(kind, row["p10"]), p90=_fmt(kind, row["p90"])))


def projection_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The projection table with translated outcome names and column headers."""
    out = frame.assign(outcome=[t(f"budget_outcome_{o}") for o in frame["outcome"]])
    return out.rename(columns={"outcome": t("budget_col_outcome"), "current": t("budget_col_current"),
                               "scenario": t("budget_col_scenario"), "delta": t("budget_col_delta")})


def allocation_display(m: BudgetModel) -> pd.DataFrame:
    """The current allocation table (metrics.budget.allocation_frame) for the screen and downloads."""
    frame = allocation_frame(m).round({"spend": 0, "share": 3, "revenue": 0, "new_customers": 0,
                                       "retained_customers": 0, "contribution": 0, "roi": 2, "r2": 3})
    frame = frame.assign(lever=[lever_label(i, lang()) for i in frame["lever"]],
                         kind=[t(f"budget_kind_{k}") for k in frame["kind"]],
                         curve=[t(f"budget_source_{s}") for s in frame["curve"]]).drop(columns="name")
    return frame.rename(columns={c: t(f"budget_col_{c}") for c in ("lever", "kind", "spend", "share", "revenue",
                                                                   "new_customers", "contribution", "roi", "curve", "r2")}
                        | {"retained_customers": t("budget_col_retained")})


def optimizer_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The optimizer's per-lever table with translated names, kinds and statuses."""
    out = frame.assign(lever=[lever_label(i, lang()) for i in frame["lever"]],
                       kind=[t(f"budget_kind_{k}") for k in frame["kind"]],
                       status=[t(f"budget_status_{s}") for s in frame["status"]])
    names = {"lever": "lever", "kind": "kind", "current": "current", "proposed": "proposed", "change": "change",
             "status": "status", "marginal_return": "marginal"}
    out = out.round({"current": 0, "proposed": 0, "change": 0, "marginal_return": 2})
    return out.drop(columns=["lower", "upper"]).rename(columns={k: t(f"budget_col_{v}") for k, v in names.items()})


def compare_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Scenarios as columns, outcomes as rows (the current plan first)."""
    if frame.empty:
        return frame
    wide = frame.pivot(index="outcome", columns="scenario", values="value")
    current = frame.drop_duplicates("outcome").set_index("outcome")["current"]
    wide.insert(0, t("budget_col_current"), current)
    wide = wide.loc[list(frame["outcome"].drop_duplicates())]
    wide.index = [t(f"budget_outcome_{o}") for o in wide.index]
    wide = wide.round(4)
    return wide.rename_axis(t("budget_col_outcome")).reset_index()


def split_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The channels-vs-CRM curve as a table (feasible budget levels only)."""
    part = frame[frame["feasible"]].drop(columns="feasible").round({"total": 0, "channels": 0, "crm": 0,
                                                                    "crm_share": 3, "objective": 0})
    names = {"total": "total", "channels": "channels", "crm": "crm", "crm_share": "crm_share"}
    return part.rename(columns={k: t(f"budget_col_{v}") for k, v in names.items()}
                       | {"objective": t("budget_outcome_incremental_gp")})


def binding_text(binding: tuple[str, ...]) -> str:
    """Binding constraints ("total", "max:<lever>"...) in words."""
    parts = []
    for item in binding:
        kind, _, lever = item.partition(":")
        parts.append(t(f"budget_binding_{kind}", lever=lever_label(lever, lang())) if lever else t("budget_binding_total"))
    return ", ".join(parts)


def memo(key: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """Keep the last result of ``compute()`` for these ``inputs`` in the session (one slot per key)."""
    slot = st.session_state.get(key)
    if slot is None or slot[0] != inputs:
        slot = (inputs, compute())
        st.session_state[key] = slot
    return slot[1]
