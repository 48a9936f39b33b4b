"""Load data: upload a file, confirm the column mapping, read the validation report, then load it."""

from __future__ import annotations

import streamlit as st

from data.ingest import MODES
from present import i18n
from present.i18n import fmt_int
from ui import auth, ingest_flow, ingest_view
from ui.state import lang, require_shell, t
from ui.widgets import escape_markdown

require_shell()  # before anything else: a page never runs without the shell

st.title(t("data_title"))
st.caption(t("data_caption"))
if not (who := auth.principal()).can("data.load"):  # ingest.load refuses it server-side all the same
    st.info(
        auth.denied_text(
            auth.PermissionDenied("data.load", who, "role" if not who.at_least("analyst") else "rows"), lang()
        )
    )
    st.stop()

flow = ingest_flow.get("data", "orders")
ingest_view.upload_step("data", flow)

if flow.step == "map":
    ingest_view.mapping_step("data", flow)

elif flow.step == "report":
    if ingest_view.report_step("data", flow):
        current = lang()
        mode = st.radio(
            t("data_mode"),
            MODES,
            key="data_mode",
            horizontal=True,
            format_func=lambda m: i18n.t(f"data_mode_{m}", current),
        )
        if mode == "new":
            name = st.text_input(t("data_name"), key="data_name", max_chars=60)
        else:
            targets = ingest_flow.targets()
            name = st.selectbox(t("data_target"), targets, key="data_target") if targets else None
            if not targets:
                st.info(t("data_no_targets"))
        ingest_view.load_button("data", flow, name, mode)
    ingest_view.back_buttons("data", flow)

elif flow.step == "done":
    report = flow.result
    current = lang()
    st.success(
        t(
            "data_loaded",
            name=escape_markdown(report.dataset),
            inserted=fmt_int(report.rows_inserted, current),
            skipped=fmt_int(report.skipped_existing, current),
            rejected=fmt_int(report.rows_rejected, current),
        )
    )
    if st.session_state.get("sidebar_dataset") != report.dataset:
        st.button(
            t("data_show_dataset"),
            key="data_show_dataset",
            type="primary",
            on_click=ingest_flow.show_dataset,
            args=(report.dataset,),
        )
