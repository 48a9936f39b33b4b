"""Datasets: what the warehouse holds, deleting one (confirmed by its name), the CRM data health of its
customer records, and extra files per dataset."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.ingest import SPECS
from present import i18n
from present.charts import voice as charts_voice
from present.i18n import fmt_int
from ui import auth, cached, ingest_flow, ingest_view
from ui import health as ui_health
from ui.downloads import download_buttons
from ui.figures import figure
from ui.state import filters, lang, require_shell, t
from ui.tables import show
from ui.voice_pages import needs
from ui.widgets import escape_markdown, metric_card

require_shell()  # before anything else: a page never runs without the shell


def field_label(name: object) -> str:
    return (
        i18n.t(f"data_field_{name}", current) if name != "phone_or_email" else i18n.t("health_phone_or_email", current)
    )


def yes_no(flag: object) -> str:
    return i18n.t("voice_yes" if flag else "voice_no", current)


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
    table = pd.DataFrame(
        {
            "name": [d.name for d in found],
            "order_lines": [d.order_lines for d in found],
            "orders": [d.orders for d in found],
            "customers": pd.array([d.customers if d.has_customer else None for d in found], dtype="Int64"),
            "first_date": [d.first_date for d in found],
            "last_date": [d.last_date for d in found],
            "source": pd.Series([d.source for d in found], dtype="str"),
            "kind": [d.kind for d in found],
            "loaded_at": [d.loaded_at for d in found],
            "version": [d.version for d in found],
        }
    )
    show(
        table,
        key="datasets_table",
        dims={
            "name": "raw",
            "first_date": "raw",
            "last_date": "raw",
            "source": "raw",
            "loaded_at": "raw",
            "kind": lambda k: i18n.t(f"datasets_kind_{k}", current) if k in ("demo", "upload") else str(k),
        },
        headers={
            "name": "datasets_col_name",
            "first_date": "datasets_col_first",
            "last_date": "datasets_col_last",
            "source": "datasets_col_source",
            "kind": "datasets_col_kind",
            "loaded_at": "datasets_col_loaded",
        },
    )

deleted = st.session_state.pop("_datasets_deleted", None)
if deleted:
    st.success(t("datasets_deleted", name=escape_markdown(deleted)))


def _delete(name: str) -> None:
    """Button callback: runs before the next script run, so the sidebar no longer offers ``name``."""
    if ingest_flow.delete(name):
        st.session_state["_datasets_deleted"] = name
    st.session_state["datasets_delete_confirm"] = ""


# Writing sections only for those who may write; data.access refuses the writes server-side all the same.
if found and who.can("dataset.delete"):
    st.subheader(t("datasets_delete"))
    names = [d.name for d in found]
    victim = st.selectbox(t("datasets_delete_choose"), names, key="datasets_delete_name")
    if next(d for d in found if d.name == victim).kind == "demo":
        st.warning(t("datasets_delete_demo"))
    typed = st.text_input(t("datasets_delete_confirm"), key="datasets_delete_confirm")
    st.button(
        t("datasets_delete_button"),
        key="datasets_delete",
        type="primary",
        disabled=typed.strip() != victim,
        on_click=auth.guarded(_delete),
        args=(victim,),
    )

st.subheader(t("health_title"))
if found:  # for a user whose scope limits rows: their customers' records (data.scoped)
    names, selected = [d.name for d in found], filters()
    shown = selected.dataset if selected is not None and selected.dataset in names else names[0]
    health_of = st.selectbox(t("health_dataset"), names, index=names.index(shown), key="datasets_health_dataset")
    # the sidebar's dataset has its report queued in the background (app.py); another is computed now
    report = ui_health.report(health_of, queued=selected is not None and health_of == selected.dataset)
    if report is None:
        needs("customers", "health_view")
    else:
        st.caption(t("health_note", as_of=str(report.as_of)[:10]))
        cards = st.columns(4)
        for column, (key, value) in zip(
            cards,
            (
                ("data_health_score", report.score),
                ("customers", report.customers),
                ("complete_records", report.complete_records / report.customers),
                ("duplicate_rate", report.duplicate_rate),
            ),
            strict=True,
        ):
            with column:
                metric_card(key, value)
        left, right = st.columns([2, 3])
        with left:
            st.plotly_chart(
                figure(charts_voice.health_breakdown, report.breakdown, current),
                key="datasets_health_breakdown",
                width="stretch",
            )
        with right:
            show(
                report.fields,
                key="datasets_health_fields",
                dims={"field": field_label, "collected": yes_no, "required": yes_no},
                row_metrics={
                    "completeness": "profile_completeness",
                    "invalid": "invalid_values",
                    "duplicates": "duplicate_customers",
                    "filled": "filled_values",
                },
                headers={
                    "field": "health_col_field",
                    "completeness": "metric_profile_completeness",
                    "invalid": "metric_invalid_values",
                    "duplicates": "metric_duplicate_customers",
                    "filled": "metric_filled_values",
                    "collected": "health_col_collected",
                    "required": "health_col_required",
                },
            )
        st.markdown(f"**{t('health_by_region')}**")
        weakest = report.weakest_region("phone")
        if weakest is not None:
            st.caption(
                t(
                    "health_weakest_region",
                    region=escape_markdown(i18n.label(weakest[0], current)),
                    share=i18n.fmt_pct(weakest[1], current),
                )
            )
        fields = [c for c in report.by_region.columns if c not in ("region", "customers")]
        show(
            report.by_region,
            key="datasets_health_regions",
            dims={"region": "data"},
            row_metrics=dict.fromkeys(fields, "profile_completeness"),
            headers={c: f"data_field_{c}" for c in fields},
        )
        if not report.problems.empty:
            st.markdown(f"**{t('health_problems', count=fmt_int(len(report.problems), current))}**")
            show(
                report.problems.head(200),
                key="datasets_health_problems",
                dims={"customer_id": "raw", "field": field_label, "value": "raw", "problem": "key:health_problem_"},
                headers={"field": "health_col_field", "value": "health_col_value", "problem": "health_col_problem"},
            )
            download_buttons(report.problems, "crm_problems", key="datasets_health_problems_download")

if not who.can("data.load"):
    st.stop()
st.subheader(t("datasets_extra"))
st.caption(t("datasets_extra_caption"))
targets = ingest_flow.targets()
if not targets:
    st.info(t("datasets_extra_none"))
    st.stop()
target = st.selectbox(t("datasets_extra_dataset"), targets, key="datasets_extra_dataset")
kinds = [k for k in SPECS if k != "orders"]
kind = st.radio(
    t("datasets_extra_kind"),
    kinds,
    key="datasets_extra_kind",
    format_func=lambda k: i18n.t(f"datasets_extra_kind_{k}", current),
)
flow = ingest_flow.get("datasets_extra", kind)
ingest_view.upload_step("datasets_extra", flow)
if flow.step == "map":
    ingest_view.mapping_step("datasets_extra", flow)
elif flow.step == "report":
    if ingest_view.report_step("datasets_extra", flow):
        mode = st.radio(
            t("datasets_extra_mode"),
            ("replace", "append"),
            key="datasets_extra_mode",
            horizontal=True,
            format_func=lambda m: i18n.t(f"datasets_extra_mode_{m}", current),
        )
        ingest_view.load_button("datasets_extra", flow, target, mode)
    ingest_view.back_buttons("datasets_extra", flow)
elif flow.step == "done":
    st.success(
        t(
            "datasets_extra_loaded",
            rows=fmt_int(flow.result.rows_inserted, current),
            name=escape_markdown(flow.result.dataset),
        )
    )
