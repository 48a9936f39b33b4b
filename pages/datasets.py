"""Datasets: what the warehouse holds, deleting one (confirmed by its name), and extra files per dataset."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.ingest import SPECS
from present import i18n
from present.i18n import fmt_int
from ui import auth, cached, ingest_flow, ingest_view
from ui.state import lang, require_shell, t
from ui.tables import show
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

st.title(t("datasets_title"))
st.caption(t("datasets_caption"))
current = lang()
who = auth.principal()
if auth.configured():
    st.caption(t("auth_on", who=escape_markdown(who.name), role=t(f"access_role_{who.role}")))
else:
    st.info(t("auth_off"))

found = [d for d in cached.datasets() if who.scope.allows_dataset(d.name)]
if not found:
    st.info(t("datasets_none"))
else:
    table = pd.DataFrame({
        "name": [d.name for d in found], "order_lines": [d.order_lines for d in found],
        "orders": [d.orders for d in found],
        "customers": pd.array([d.customers if d.has_customer else None for d in found], dtype="Int64"),
        "first_date": [d.first_date for d in found], "last_date": [d.last_date for d in found],
        "source": pd.Series([d.source for d in found], dtype="str"), "kind": [d.kind for d in found],
        "loaded_at": [d.loaded_at for d in found], "version": [d.version for d in found],
    })
    show(table, key="datasets_table",
         dims={"name": "raw", "first_date": "raw", "last_date": "raw", "source": "raw", "loaded_at": "raw",
               "kind": lambda k: i18n.t(f"datasets_kind_{k}", current) if k in ("demo", "upload") else str(k)},
         headers={"name": "datasets_col_name", "first_date": "datasets_col_first", "last_date": "datasets_col_last",
                  "source": "datasets_col_source", "kind": "datasets_col_kind", "loaded_at": "datasets_col_loaded"})

deleted = st.session_state.pop("_datasets_deleted", None)
if deleted:
    st.success(t("datasets_deleted", name=escape_markdown(deleted)))


def _delete(name: str) -> None:
    """Button callback: runs before the next script run, so the sidebar no longer offers ``name``."""
    if ingest_flow.delete(name):
        st.session_state["_datasets_deleted"] = name
    st.session_state["datasets_delete_confirm"] = ""


if not who.can("data.load"):  # the sections below write; data.access refuses them server-side all the same
    st.stop()

if found:
    st.subheader(t("datasets_delete"))
    names = [d.name for d in found]
    victim = st.selectbox(t("datasets_delete_choose"), names, key="datasets_delete_name")
    if next(d for d in found if d.name == victim).kind == "demo":
        st.warning(t("datasets_delete_demo"))
    typed = st.text_input(t("datasets_delete_confirm"), key="datasets_delete_confirm")
    st.button(t("datasets_delete_button"), key="datasets_delete", type="primary", disabled=typed.strip() != victim,
              on_click=auth.guarded(_delete), args=(victim,))

st.subheader(t("datasets_extra"))
st.caption(t("datasets_extra_caption"))
targets = ingest_flow.targets()
if not targets:
    st.info(t("datasets_extra_none"))
    st.stop()
target = st.selectbox(t("datasets_extra_dataset"), targets, key="datasets_extra_dataset")
kinds = [k for k in SPECS if k != "orders"]
kind = st.radio(t("datasets_extra_kind"), kinds, key="datasets_extra_kind",
                format_func=lambda k: i18n.t(f"datasets_extra_kind_{k}", current))
flow = ingest_flow.get("datasets_extra", kind)
ingest_view.upload_step("datasets_extra", flow)
if flow.step == "map":
    ingest_view.mapping_step("datasets_extra", flow)
elif flow.step == "report":
    if ingest_view.report_step("datasets_extra", flow):
        mode = st.radio(t("datasets_extra_mode"), ("replace", "append"), key="datasets_extra_mode", horizontal=True,
                        format_func=lambda m: i18n.t(f"datasets_extra_mode_{m}", current))
        ingest_view.load_button("datasets_extra", flow, target, mode)
    ingest_view.back_buttons("datasets_extra", flow)
elif flow.step == "done":
    st.success(t("datasets_extra_loaded", rows=fmt_int(flow.result.rows_inserted, current),
                 name=escape_markdown(flow.result.dataset)))
