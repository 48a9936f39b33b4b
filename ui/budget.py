"""Streamlit glue shared by the budget pages: the model with the manager's curves, the what-if
allocation in session state, its sliders, and pre-filled values from the URL or another page.

State (per session, reset when the dataset changes):
- ``_budget_overrides``: {lever id: Override} — manual curves;
- ``_budget_alloc``: [annual yuan per lever] — the what-if allocation, the one truth the sliders
  (``budget_pct_<i>`` / ``budget_amt_<i>``) and the total (``budget_total``) are written from.

Pre-fill: URL ``budget_total`` (annual yuan) and ``budget_crm_share`` (0..1), or from another page
``ui.navigate.go("budget", budget={"total": .., "crm_share": ..})`` (which calls :func:`prefill`). Channels then share ``total × (1 − crm_share)`` and
CRM programmes ``total × crm_share``, each in proportion to current spend (equally when none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from metrics.budget import BudgetModel, Override, allocation_frame, budget_model, with_overrides
from metrics.budget.constraints import GUARDRAIL
from metrics.budget.model import remember
from metrics.budget.plotting import curves_table
from metrics.budget.projection import OUTCOME_METRIC, Arrays, arrays
from present.formats import format_value
from present.i18n import fmt_money, fmt_number, fmt_pct
from present.sentences.budget import lever_label
from ui import cached
from ui.state import initial_query, lang, t
from ui.tables import show
from ui.widgets import escape_markdown, metric_card

OVERRIDES = "_budget_overrides"
ALLOC = "_budget_alloc"
DATASET = "_budget_dataset"
PREFILL = "budget_prefill"
_REMEMBERED: set[tuple] = set()  # (version, scope, warehouse, reader) whose fitted model budget.model holds
T = TypeVar("T")


def start(dataset: str) -> None:
    """Start fitting the dataset's budget model in the background (the shell calls this for every page)."""
    cached.prefetch_model(budget_model, dataset)


def base_model(dataset: str) -> BudgetModel:
    """The dataset's fitted model without any manual curve: fitted once per dataset version in the
    background; a page that needs it first waits behind a progress bar."""
    model = cached.run_model(budget_model, dataset, wait_text=t("budget_fitting"))
    con = cached.connection()
    kept = (*cached.version_key(dataset), cached.db_path(), id(con))  # budget.model keeps fits per reader
    if kept not in _REMEMBERED:  # once per version and reader: remember() runs two small queries
        remember(con, dataset, model)  # the advisor's evidence then reads it, not a second fit
        if len(_REMEMBERED) > 64:
            _REMEMBERED.clear()
        _REMEMBERED.add(kept)
    return model


def model(dataset: str) -> tuple[BudgetModel, Arrays]:
    """The dataset's fitted model (cached) with this session's manual curves applied."""
    _reset_on_dataset_change(dataset)
    base = base_model(dataset)
    chosen = with_overrides(base, tuple(st.session_state[OVERRIDES].values()))
    if ALLOC not in st.session_state or len(st.session_state[ALLOC]) != len(chosen.levers):
        set_allocation(chosen, _prefilled(chosen))
    elif any(key not in st.session_state for key in _slider_keys(chosen)):
        # Streamlit drops a widget's state on a run that does not draw it: after a visit to another
        # page the sliders come back from the what-if the session kept, not with a KeyError
        set_allocation(chosen, allocation())
    return chosen, arrays(chosen)


def _slider_keys(m: BudgetModel) -> list[str]:
    """The session-state keys the sliders read before drawing themselves."""
    keys = ["budget_total", *(f"budget_amt_{i}" for i in range(len(m.levers)))]
    return keys + [f"budget_pct_{i}" for i, lever in enumerate(m.levers) if lever.current > 0]


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


def prefill(total: float | None, crm_share: float | None) -> None:
    """Start the what-if from this split on the budget page's next run (``ui.navigate.go(budget=...)``)."""
    st.session_state[PREFILL] = {"total": total, "crm_share": crm_share}
    st.session_state.pop(ALLOC, None)  # the what-if starts again from the suggested split


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
    base = (
        values
        if values.sum() > 0
        else (m.current_allocation() if m.current_allocation().sum() > 0 else np.ones(len(values)))
    )
    set_allocation(m, base * wanted / base.sum())


def slider_limits(m: BudgetModel) -> tuple[float, list[float]]:
    """Maximum of the total slider and of each lever's amount slider (3× today, at least the total)."""
    current = m.current_allocation()
    top_total = max(3 * current.sum(), 1.5 * allocation().sum(), 10_000.0)
    return top_total, [max(3 * c, top_total / 2) for c in current]


def sliders(m: BudgetModel) -> None:
    """The total and one slider per lever (amount or % change), three to a row."""
    mode = st.radio(
        t("budget_slider_mode"),
        ("pct", "amount"),
        key="budget_mode",
        horizontal=True,
        format_func={c: t(f"budget_mode_{c}") for c in ("pct", "amount")}.__getitem__,
    )
    top_total, tops = slider_limits(m)
    st.slider(
        t("budget_total"),
        0.0,
        top_total,
        key="budget_total",
        step=max(round(top_total / 300, -2), 1.0),
        format="%.0f",
        on_change=_on_total,
        args=(m,),
        help=t("budget_total_help"),
    )
    columns = st.columns(3)
    for i, lever in enumerate(m.levers):
        name = escape_markdown(lever_label(lever.id, lang()))  # a widget label is Markdown
        with columns[i % 3]:
            if mode == "pct" and lever.current > 0:
                top = max(200.0, float(np.ceil(st.session_state[f"budget_pct_{i}"])))
                st.slider(
                    t("budget_lever_pct", lever=name),
                    -100.0,
                    top,
                    key=f"budget_pct_{i}",
                    step=1.0,
                    format="%+.0f%%",
                    on_change=_on_lever,
                    args=(m, i, "pct"),
                )
            else:
                top = max(tops[i], st.session_state[f"budget_amt_{i}"])
                st.slider(
                    t("budget_lever_amount", lever=name),
                    0.0,
                    top,
                    key=f"budget_amt_{i}",
                    step=max(round(top / 300, -1), 1.0),
                    format="%.0f",
                    on_change=_on_lever,
                    args=(m, i, "amount"),
                )


def set_override(lever: str, override: Override | None) -> None:
    """Apply (or with None remove) a manual curve; the next run re-derives the model."""
    if override is None:
        st.session_state[OVERRIDES].pop(lever, None)
    else:
        st.session_state[OVERRIDES][lever] = override


# ---------------------------------------------------------------- tables and cards

CARD_OUTCOMES = ("revenue", "gross_profit", "new_customers", "churn", "retained_value", "incremental_gp", "roi")


def projection_cards(frame: pd.DataFrame) -> None:
    """One card per outcome: the scenario, its change vs the current plan, P10–P90 in the help."""
    rows = frame.set_index("outcome")
    columns = [*st.columns(4), *st.columns(4)]
    for column, outcome in zip(columns, CARD_OUTCOMES, strict=False):
        row, key = rows.loc[outcome], OUTCOME_METRIC[outcome]
        with column:
            metric_card(
                key,
                row["scenario"],
                row["delta"],
                change=True,
                help=t(
                    "budget_band", p10=format_value(key, row["p10"], lang()), p90=format_value(key, row["p90"], lang())
                ),
            )


def projection_table(frame: pd.DataFrame) -> None:
    """The projection: one row per outcome, each formatted as its catalog metric."""
    show(
        frame.assign(outcome=[OUTCOME_METRIC[o] for o in frame["outcome"]]),
        metric_column="outcome",
        headers={
            "current": "budget_col_current",
            "scenario": "budget_col_scenario",
            "delta": "budget_col_delta",
            "p10": "budget_col_p10",
            "p50": "budget_col_p50",
            "p90": "budget_col_p90",
        },
    )


def allocation_table(m: BudgetModel, *, download: str) -> None:
    """The current allocation, formatted by the catalog, with its downloads."""
    frame = allocation_frame(m).drop(columns="name").rename(columns={"share": "spend_share", "roi": "budget_roi"})
    show(
        frame,
        dims={"lever": lambda i: lever_label(i, lang()), "kind": "key:budget_kind_", "curve": "key:budget_source_"},
        headers={"curve": "budget_col_curve"},
        key="budget_current",
        download=download,
    )


def _reason(code: object) -> str:
    return t(f"budget_reason_{code}") if isinstance(code, str) and code else "—"


def sources_table(m: BudgetModel, a: Arrays, *, download: str) -> None:
    """Where each lever's curve comes from (metrics.budget.plotting.curves_table), with downloads."""
    show(
        curves_table(m, a=a),
        key="budget_sources",
        download=download,
        dims={
            "lever": lambda i: lever_label(i, lang()),
            "kind": "key:budget_kind_",
            "source": "key:budget_source_",
            "reason": _reason,
            "grain": "key:budget_grain_",
        },
        headers={
            "source": "budget_col_source",
            "reason": "budget_col_reason",
            "grain": "budget_col_grain",
            "mroas_p10": "budget_col_mroas_p10",
            "mroas_p50": "budget_col_mroas_p50",
            "mroas_p90": "budget_col_mroas_p90",
        },
        row_metrics={"mroas_p10": "marginal_roas", "mroas_p50": "marginal_roas", "mroas_p90": "marginal_roas"},
    )


def curve_caption(m: BudgetModel, a: Arrays, lever_id: str) -> str:
    """One line on where the picked lever's curve comes from and what it says at today's spend."""
    lever = m.lever(lever_id)
    curve, fit, language = lever.curve, lever.curve.fit, lang()
    source = t(f"budget_source_{curve.source}")
    row = curves_table(m, a=a).set_index("lever").loc[lever.id]
    if lever.kind == "channel" and fit.baseline_share and curve.source in ("fitted", "calibrated", "assumed"):
        low, mid, high = fit.baseline_share
        point = float(curve.slope(lever.current))  # the fitted curve's own slope, as its chart and the model check show
        return t(
            "budget_curve_fit",
            source=source,
            grain=t(f"budget_grain_{fit.grain}"),
            periods=fit.periods,
            baseline=fmt_pct(mid, language),
            baseline_low=fmt_pct(low, language),
            baseline_high=fmt_pct(high, language),
            mroas=fmt_number(point, language),
            mroas_low=fmt_number(row["mroas_p10"], language),
            mroas_high=fmt_number(row["mroas_p90"], language),
            theta=fmt_number(fit.theta, language),
            lifts=fit.lifts,
        )
    if lever.kind == "crm" and fit.uplift:
        low, mid, high = fit.uplift
        return t(
            "budget_curve_fit_crm",
            source=source,
            campaigns=fit.campaigns,
            reach=fmt_number(fit.reach, language),
            uplift=fmt_pct(mid, language, signed=True),
            uplift_low=fmt_pct(low, language, signed=True),
            uplift_high=fmt_pct(high, language, signed=True),
            value=fmt_money(lever.value, language),
        )
    return t("budget_curve_plain", source=source)


def outside_evidence(m: BudgetModel, planned: np.ndarray) -> list[str]:
    """Levers with assumed curves that ``planned`` moves beyond the guardrail's ±20% (their projections are guesses)."""
    current = m.current_allocation()
    return [
        lever.id
        for i, lever in enumerate(m.levers)
        if lever.curve.source == "assumed" and current[i] > 0 and abs(planned[i] / current[i] - 1) > GUARDRAIL + 1e-9
    ]


def check_table(frame: pd.DataFrame) -> None:
    """Fitted against planted, per lever (metrics.budget.check.table)."""
    show(
        frame,
        key="budget_check_table",
        dims={"lever": lambda i: lever_label(i, lang()), "kind": "key:budget_kind_", "source": "key:budget_source_"},
        headers={"source": "budget_col_source"}
        | {
            f"{w}_{c}": f"budget_col_{w}_{c}"
            for w in ("planted", "fitted")
            for c in ("mroas", "marginal", "baseline_share", "theta")
        },
        row_metrics={
            "planted_mroas": "marginal_roas",
            "fitted_mroas": "marginal_roas",
            "planted_marginal": "marginal_return",
            "fitted_marginal": "marginal_return",
            "planted_baseline_share": "baseline_share",
            "fitted_baseline_share": "baseline_share",
            "planted_theta": "carryover",
            "fitted_theta": "carryover",
        },
    )


def optimizer_table(frame: pd.DataFrame, *, download: str) -> None:
    """The optimizer's per-lever table (amounts as spend, the marginal return per yuan), with downloads."""
    show(
        frame.drop(columns=["lower", "upper"]),
        key="budget_opt",
        download=download,
        dims={
            "lever": lambda i: lever_label(i, lang()),
            "kind": "key:budget_kind_",
            "status": "key:budget_status_",
            "source": "key:budget_source_",
        },
        headers={
            "current": "budget_col_current",
            "proposed": "budget_col_proposed",
            "change": "budget_col_change",
            "source": "budget_col_source",
        },
        row_metrics={"current": "spend", "proposed": "spend", "change": "spend"},
    )


def compare_table(frame: pd.DataFrame) -> None:
    """Scenarios as columns, outcomes as rows (the current plan first), each row in its metric's format."""
    if frame.empty:
        return
    wide = frame.pivot(index="outcome", columns="scenario", values="value")
    current = frame.drop_duplicates("outcome").set_index("outcome")["current"]
    wide.insert(0, "current", current)
    wide = wide.loc[list(frame["outcome"].drop_duplicates())]
    wide.index = [OUTCOME_METRIC[o] for o in wide.index]
    table = wide.rename_axis("outcome").reset_index()
    # scenario names are the manager's own text: shown as typed (a table header is plain text)
    show(
        table,
        metric_column="outcome",
        headers={"current": "budget_col_current"}
        | {str(c): f"={c}" for c in table.columns if c not in ("outcome", "current")},
    )


def split_table(frame: pd.DataFrame, *, download: str) -> None:
    """The channels-vs-CRM curve (feasible budget levels only), with downloads."""
    part = frame[frame["feasible"]].drop(columns="feasible")
    show(
        part.rename(columns={"channels": "spend_channels", "crm": "crm_spend", "objective": "incremental_gp"}),
        headers={"total": "budget_col_total", "spend_channels": "budget_col_channels"},
        row_metrics={"total": "spend", "spend_channels": "spend"},
        key="budget_split",
        download=download,
    )


def binding_text(binding: tuple[str, ...]) -> str:
    """Binding constraints ("total", "max:<lever>"...) in words."""
    parts = []
    for item in binding:
        kind, _, lever = item.partition(":")
        parts.append(
            t(f"budget_binding_{kind}", lever=lever_label(lever, lang())) if lever else t("budget_binding_total")
        )
    return ", ".join(parts)


def memo(key: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """Keep the last result of ``compute()`` for these ``inputs`` in the session (one slot per key)."""
    slot = st.session_state.get(key)
    if slot is None or slot[0] != inputs:
        slot = (inputs, compute())
        st.session_state[key] = slot
    return slot[1]
