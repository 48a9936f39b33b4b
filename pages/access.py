"""Access & audit (admins): the role mapping (who has which role and scope) and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import rolemap
from data.access import ROLES
from present import i18n
from ui import auth, cached
from ui.state import lang, require_shell, t
from ui.tables import show
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

who = auth.require("audit.read")  # server-side: the page refuses anyone below admin, not only its menu entry
current = lang()
st.title(t("nav_access"))
if not auth.configured():
    st.info(t("auth_off"))

st.subheader(t("roles_title"))
st.caption(t("roles_caption"))
try:
    mapping = rolemap.read(auth.roles_path())
except rolemap.RoleMapError as error:
    st.error(t(error.code, detail=escape_markdown(error.detail)))
    mapping = rolemap.RoleMap()
if mapping.users:
    show(
        pd.DataFrame(
            {
                "user": [e.key for e in mapping.users.values()],
                "role": [e.role or "" for e in mapping.users.values()],
                "datasets": [", ".join(e.scope.datasets) for e in mapping.users.values()],
                "regions": [", ".join(e.scope.regions) for e in mapping.users.values()],
                "channels": [", ".join(e.scope.channels) for e in mapping.users.values()],
            }
        ),
        key="roles_table",
        dims={
            "user": "raw",
            "role": lambda r: i18n.t(f"access_role_{r}", current) if r else "—",
            "datasets": "raw",
            "regions": "raw",
            "channels": "raw",
        },
        headers={
            "user": "roles_user",
            "role": "roles_role",
            "datasets": "auth_scope_datasets",
            "regions": "auth_scope_regions",
            "channels": "auth_scope_channels",
        },
    )


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


with st.form("roles_form", clear_on_submit=False):
    user = st.text_input(t("roles_user"), key="roles_user", max_chars=rolemap.MAX_KEY)
    role = st.selectbox(
        t("roles_role"), ROLES, key="roles_role", format_func=lambda r: i18n.t(f"access_role_{r}", current)
    )
    datasets = st.text_input(t("roles_datasets"), key="roles_datasets")
    regions = st.text_input(t("roles_regions"), key="roles_regions")
    channels = st.text_input(t("roles_channels"), key="roles_channels")
    save_col, remove_col = st.columns(2)
    save = save_col.form_submit_button(t("roles_save"), type="primary")
    remove = remove_col.form_submit_button(t("roles_remove"))
if save or remove:
    try:
        if save:
            item = rolemap.entry(
                user, role, datasets=_names(datasets), regions=_names(regions), channels=_names(channels)
            )
            rolemap.save_user(cached.store(), item, auth.roles_path())
            st.success(t("roles_saved", who=escape_markdown(item.key)))
        elif rolemap.remove_user(cached.store(), user, auth.roles_path()):
            st.success(t("roles_removed", who=escape_markdown(rolemap.normalise_key(user))))
    except rolemap.RoleMapError as error:
        st.error(t(error.code, detail=escape_markdown(error.detail)))

st.subheader(t("audit_title"))
st.caption(t("audit_caption"))
entries = pd.DataFrame(cached.store().audit_log())
if entries.empty:
    st.info(t("audit_none"))
else:
    entries = entries[["happened_at", "actor", "role", "action", "target", "outcome", "detail"]]
    show(
        entries,
        key="audit_table",
        dims={c: "raw" for c in ("happened_at", "actor", "role", "action", "target", "outcome", "detail")},
        headers={
            c: f"audit_col_{k}"
            for c, k in (
                ("happened_at", "at"),
                ("actor", "actor"),
                ("role", "role"),
                ("action", "action"),
                ("target", "target"),
                ("outcome", "outcome"),
                ("detail", "detail"),
            )
        },
        download="audit_log",
    )
