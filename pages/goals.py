"""SMART goals: the dataset's goals with progress, trend and status; create, edit and delete them.

Goals are saved per dataset in the warehouse and read fresh on every run. Rates are entered in percent.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from metrics import goals
from metrics.overview import dimension_values
from present import i18n
from present.charts import advisor as charts_advisor
from present.sentences import goals as goals_text
from ui import auth, cached, goals_widgets
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

FLASH = "_goals_flash"

st.title(t("goals_title"))
f = require_filters()
ds = cached.dataset(f.dataset)
if ds is None or ds.last_date is None:
    st.info(t("no_datasets"))
    st.stop()
st.caption(t("goals_caption", month=goals.current_month(ds.last_date).strftime("%Y-%m")))
dims = cached.run_dataset(dimension_values, f.dataset)
current_lang = lang()  # format_funcs bind the language now: Streamlit may call them outside this run
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(t(flash[0], metric=escape_markdown(flash[1])))

items = goals_widgets.progress(f.dataset)
st.subheader(t("goals_list"))
if not items:
    st.info(t("goals_none"))
else:
    goals_widgets.progress_table(items, key="goals_table")
    st.plotly_chart(figure(charts_advisor.goal_progress, items, lang()), key="goals_progress_chart", width="stretch")


def metric_options() -> list[str]:
    return [*[m for m in goals.METRICS if m != "channel_share"], *[goals.CHANNEL_SHARE + c for c in dims["channel"]]]


def to_input(metric: str, value: float | None) -> float:
    """Rates are typed in percent."""
    if value is None:
        return 0.0
    return value * 100 if goals.is_rate(metric) else float(value)


def from_input(metric: str, value: float | None) -> float | None:
    if value is None:
        return None
    return value / 100 if goals.is_rate(metric) else float(value)


def goal_form(prefix: str, current: goals.Goal | None) -> goals.Goal | None:
    """The goal's fields; returns the goal when the form's button was pressed."""
    options = metric_options()
    metric_default = current.metric if current and current.metric in options else options[0]
    metric = st.selectbox(
        t("goals_metric"),
        options,
        index=options.index(metric_default),
        key=f"{prefix}_metric",
        format_func=lambda m: goals_text.metric_label(m, current_lang),
    )
    left, right = st.columns(2)
    target = left.number_input(
        t("goals_target"),
        value=to_input(metric_default, current.target if current else None),
        key=f"{prefix}_target",
        help=t("goals_target_help"),
    )
    deadline = right.date_input(
        t("goals_deadline"),
        value=current.deadline if current else ds.last_date + dt.timedelta(days=180),
        key=f"{prefix}_deadline",
    )
    owner = left.text_input(
        t("goals_owner"), value=current.owner if current else "", key=f"{prefix}_owner", max_chars=goals.MAX_OWNER
    )
    baseline = right.number_input(
        t("goals_baseline"),
        value=to_input(metric_default, current.baseline) if current and current.baseline is not None else None,
        key=f"{prefix}_baseline",
    )
    channels = left.multiselect(
        t("goals_scope_channels"),
        dims["channel"],
        default=list(current.channels) if current else [],
        key=f"{prefix}_channels",
        format_func=lambda v: i18n.label(v, current_lang),
    )
    regions = right.multiselect(
        t("goals_scope_regions"),
        dims["region"],
        default=list(current.regions) if current else [],
        key=f"{prefix}_regions",
        format_func=lambda v: i18n.label(v, current_lang),
    )
    notes = st.text_area(
        t("goals_notes"), value=current.notes if current else "", key=f"{prefix}_notes", max_chars=goals.MAX_NOTES
    )
    if not st.form_submit_button(t("goals_save" if current else "goals_create"), type="primary"):
        return None
    return goals.Goal(
        f.dataset,
        metric,
        from_input(metric, target),
        deadline,
        owner,
        tuple(channels),
        tuple(regions),
        notes,
        from_input(metric, baseline),
        None if current is None or baseline is None else current.baseline_date,
        None if current is None else current.id,
    )


def save(goal: goals.Goal, done: str) -> None:
    try:
        saved = (
            goals.update(cached.connection(), goal, store=cached.store())
            if goal.id is not None
            else goals.create(cached.connection(), goal, store=cached.store())
        )
    except goals.GoalError as error:
        st.error(t(error.code))
        return
    except auth.PermissionDenied as refused:  # data.access, checked inside goals.create/update
        st.error(auth.denied_text(refused, lang()))
        return
    st.session_state[FLASH] = (done, goals_text.metric_label(saved.metric, lang()))
    st.rerun()


if items:
    st.subheader(t("goals_edit"))
    by_id = {p.goal.id: p for p in items}
    picked = st.selectbox(
        t("goals_pick"),
        list(by_id),
        key="goals_pick",
        format_func=lambda i: (
            f"{goals_text.metric_label(by_id[i].goal.metric, current_lang)} · {by_id[i].goal.owner} · {by_id[i].goal.deadline}"
        ),
    )
    chosen = by_id[picked]
    st.plotly_chart(
        figure(
            charts_advisor.goal_trend,
            chosen,
            lang(),
            t("goals_chart_title", metric=goals_text.metric_label(chosen.goal.metric, lang())),
        ),
        key="goals_trend_chart",
        width="stretch",
    )
    with st.form(f"goals_edit_form_{picked}"):
        edited = goal_form(f"goals_edit_{picked}", chosen.goal)
    if edited is not None:
        save(edited, "goals_saved")
    if st.button(t("goals_delete"), key=f"goals_delete_{picked}"):
        try:
            goals.delete(cached.store(), f.dataset, picked)
        except auth.PermissionDenied as refused:
            st.error(auth.denied_text(refused, lang()))
        else:
            st.session_state[FLASH] = ("goals_deleted", goals_text.metric_label(chosen.goal.metric, lang()))
            st.rerun()

st.subheader(t("goals_new"))
with st.form("goals_new_form", clear_on_submit=True):
    new = goal_form("goals_new", None)
if new is not None:
    save(new, "goals_created")
