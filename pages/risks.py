"""Risk register (风险评估与应对预案): detected and added risks on a 5 × 5 matrix, the numbers behind
each, and a response plan per risk (owner, action, due date, status), saved per dataset."""

from __future__ import annotations

import streamlit as st

from metrics import risks
from present import i18n
from present.charts import risks as charts_risks
from present.sentences import risks as risks_text
from ui import auth, cached
from ui import risks as ui_risks
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.widgets import bullet_list, escape_markdown

require_shell()  # before anything else: a page never runs without the shell

FLASH = "_risks_flash"

st.title(t("risks_title"))
f = require_filters()
found = ui_risks.register(f.dataset)
a = found.assessment
if a.as_of is None:
    st.info(t("no_sales_in_period"))
    st.stop()
st.caption(t("risks_caption", as_of=a.as_of, start=a.start, end=a.end))
current_lang = lang()  # format_funcs bind the language now: Streamlit may call them outside this run
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(t(flash[0], risk=escape_markdown(flash[1])))

st.subheader(t("risks_matrix"))
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(figure(charts_risks.matrix, found.items, lang()), key="risks_matrix_chart", width="stretch")
with right:
    st.caption(t("risks_matrix_help"))
    if found.items:
        bullet_list(
            [
                f"#{item.rank} {risks_text.title(item.risk, lang())} — "
                f"{t(f'risks_band_{risks.band(item.risk.score)}')} ({item.risk.likelihood} × {item.risk.impact} = "
                f"{item.risk.score})"
                for item in found.items[:8]
            ]
        )
    else:
        st.info(t("risks_none"))
    if a.skipped:
        st.markdown(f"**{t('risks_skipped')}**")
        bullet_list(risks_text.skipped(a, lang()))

st.subheader(t("risks_register"))
if found.items:
    ui_risks.table(found.items, key="risks_table", download="risk_register")

by_key = {item.risk.key: item for item in found.items}


def label_of(key: str) -> str:
    item = by_key[key]
    return f"#{item.rank} {risks_text.title(item.risk, current_lang)}"


if found.items:
    st.subheader(t("risks_plan"))
    picked = st.selectbox(t("risks_plan_pick"), list(by_key), key="risks_plan_pick", format_func=label_of)
    chosen = by_key[picked]
    st.caption(escape_markdown(risks_text.evidence(chosen.risk, lang())))
    plan = chosen.plan
    with st.form(f"risks_plan_form_{picked}"):
        left, right = st.columns(2)
        owner = left.text_input(
            t("risks_plan_owner"),
            value=plan.owner if plan else "",
            max_chars=risks.MAX_OWNER,
            key=f"risks_plan_owner_{picked}",
        )
        status = right.selectbox(
            t("risks_plan_status"),
            risks.STATUSES,
            index=risks.STATUSES.index(plan.status) if plan else 0,
            key=f"risks_plan_status_{picked}",
            format_func=lambda s: i18n.t(f"risks_status_{s}", current_lang),
        )
        action = st.text_area(
            t("risks_plan_action"),
            value=plan.action if plan else "",
            max_chars=risks.MAX_ACTION,
            key=f"risks_plan_action_{picked}",
        )
        due = left.date_input(t("risks_plan_due"), value=plan.due if plan else None, key=f"risks_plan_due_{picked}")
        saved = st.form_submit_button(t("risks_plan_save"), type="primary")
    if saved:
        try:
            risks.save_plan(cached.store(), f.dataset, risks.Plan(picked, owner, action, due, status))
        except risks.RiskError as error:
            st.error(t(error.code))
        except auth.PermissionDenied as refused:  # data.access, checked inside risks.save_plan
            st.error(auth.denied_text(refused, lang()))
        else:
            st.session_state[FLASH] = ("risks_plan_saved", risks_text.title(chosen.risk, lang()))
            st.rerun()
    if plan is not None and st.button(t("risks_plan_delete"), key=f"risks_plan_delete_{picked}"):
        try:
            risks.delete_plan(cached.store(), f.dataset, picked)
        except auth.PermissionDenied as refused:
            st.error(auth.denied_text(refused, lang()))
        else:
            st.session_state[FLASH] = ("risks_plan_deleted", risks_text.title(chosen.risk, lang()))
            st.rerun()


def risk_form(prefix: str, current: risks.Risk | None) -> tuple | None:
    """A user risk's fields; the values when the form's button was pressed."""
    title = st.text_input(
        t("risks_user_title"), value=current.title if current else "", max_chars=risks.MAX_TITLE, key=f"{prefix}_title"
    )
    description = st.text_area(
        t("risks_user_description"),
        value=current.description if current else "",
        max_chars=risks.MAX_DESCRIPTION,
        key=f"{prefix}_description",
    )
    cols = st.columns(3)
    category = cols[0].selectbox(
        t("risks_user_category"),
        risks.CATEGORIES,
        key=f"{prefix}_category",
        index=risks.CATEGORIES.index(current.category) if current else 0,
        format_func=lambda c: i18n.t(f"risks_category_{c}", current_lang),
    )
    likelihood = cols[1].select_slider(
        t("risks_user_likelihood"),
        risks.SCALE,
        key=f"{prefix}_likelihood",
        value=current.likelihood if current else 3,
        format_func=lambda v: i18n.t(f"risks_likelihood_{v}", current_lang),
    )
    impact = cols[2].select_slider(
        t("risks_user_impact"),
        risks.SCALE,
        key=f"{prefix}_impact",
        value=current.impact if current else 3,
        format_func=lambda v: i18n.t(f"risks_impact_{v}", current_lang),
    )
    pressed = st.form_submit_button(t("risks_user_update" if current else "risks_user_save"), type="primary")
    return (title, description, category, likelihood, impact) if pressed else None


def save_user(values: tuple, done: str, risk_id: int | None = None) -> None:
    try:
        saved = risks.save_user_risk(cached.store(), f.dataset, *values, risk_id=risk_id)
    except risks.RiskError as error:
        st.error(t(error.code))
        return
    except auth.PermissionDenied as refused:
        st.error(auth.denied_text(refused, lang()))
        return
    st.session_state[FLASH] = (done, saved.title or "")
    st.rerun()


users = {item.risk.key: item.risk for item in found.items if not item.risk.detected}
if users:
    st.subheader(t("risks_edit_user"))
    key = st.selectbox(t("risks_plan_pick"), list(users), key="risks_user_pick", format_func=label_of)
    with st.form(f"risks_user_edit_{key}"):
        edited = risk_form(f"risks_user_edit_{key}", users[key])
    if edited is not None:
        save_user(edited, "risks_user_updated", int(key[5:]))
    if st.button(t("risks_user_delete"), key=f"risks_user_delete_{key}"):
        try:
            risks.delete_user_risk(cached.store(), f.dataset, key)
        except auth.PermissionDenied as refused:
            st.error(auth.denied_text(refused, lang()))
        else:
            st.session_state[FLASH] = ("risks_user_deleted", users[key].title or "")
            st.rerun()

st.subheader(t("risks_add"))
with st.form("risks_user_new", clear_on_submit=True):
    added = risk_form("risks_user_new", None)
if added is not None:
    save_user(added, "risks_user_saved")

if found.orphans:
    st.subheader(t("risks_orphans"))
    st.caption(t("risks_orphans_caption"))
    st.dataframe(
        [
            {
                t("risks_col_risk"): risks_text.key_label(p.risk, lang()),
                t("risks_col_owner"): p.owner,
                t("risks_col_action"): p.action,
                t("risks_col_due"): p.due.isoformat() if p.due else "—",
                t("risks_col_status"): t(f"risks_status_{p.status}"),
            }
            for p in found.orphans
        ],
        hide_index=True,
        width="stretch",
        key="risks_orphans_table",
    )
