"""The screens of the upload steps, shared by the Data page (orders) and the Datasets page (extras).

Every text that can carry something from the file (column names, cell values, the file name)
is shown through st.dataframe or escape_markdown, never as markup.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from data import ingest
from metrics import catalog
from present import i18n
from present.i18n import fmt_int, fmt_money
from ui import ingest_flow
from ui.ingest_flow import Flow, Progress
from ui.state import lang, t
from ui.tables import show
from ui.widgets import bullet_list, escape_markdown


def progress_bar() -> tuple[object, Progress]:
    """A bar and the ``progress(fraction, stage)`` callback data.ingest calls with read/parse/write."""
    stages = {"read": t("data_stage_read"), "parse": t("data_stage_parse"), "write": t("data_stage_write")}
    bar = st.progress(0.0, text=stages["read"])

    def update(fraction: float, stage: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=stages.get(stage, stages["parse"]))

    return bar, update


def field_label(name: str) -> str:
    key = f"data_field_{name}"
    return t(key) if key in i18n.table() else name


def _error(flow: Flow, lead: str) -> None:
    if flow.error is None:
        return
    if flow.error["code"] == "too_large":
        st.error(t("data_too_large", **flow.error["params"]))
    else:
        st.error(lead + " " + escape_markdown(ingest_flow.message("error", flow.error, lang())))


def upload_step(prefix: str, flow: Flow) -> object:
    """The uploader (and the sheet chooser of a workbook); reads a new file with a progress bar."""
    limit = ingest.max_upload_bytes()
    limit_mb = round(limit / 1048576, 1)
    upload = st.file_uploader(
        t("data_upload"),
        type=["csv", "tsv", "txt", "xlsx", "xls", "parquet"],
        key=f"{prefix}_upload",
        help=t("data_upload_help", limit_mb=limit_mb),
        max_upload_size=max(1, math.ceil(limit / 1048576)),
    )
    bar, progress = progress_bar()
    ingest_flow.receive(prefix, flow, upload, st.session_state.get(f"{prefix}_sheet"), progress)
    bar.empty()
    if upload is not None and flow.dismissed == getattr(upload, "file_id", None) and flow.step == "upload":
        st.info(t("data_cancelled"))
    if flow.filename and flow.step != "done":
        st.text(t("data_file_info", name=flow.filename, size=f"{flow.size / 1024:,.1f} KB"))
    if flow.step == "upload":
        _error(flow, t("data_file_failed"))
    if flow.step == "map" and flow.raw is not None and len(flow.raw.sheets) > 1:
        st.selectbox(t("data_sheet"), flow.raw.sheets, key=f"{prefix}_sheet")
    return upload


def profile_step(prefix: str, flow: Flow) -> None:
    """What the file was recognised as, the chooser to override it, the channel name and the rows that are not sales."""
    source = flow.source
    if flow.kind != "orders" or source is None:
        return
    current = lang()
    if source.layout is not None:
        key = "data_profile_chosen" if source.chosen else "data_profile_recognised"
        st.info(t(key, label=t(source.layout.label_key)))
    else:
        st.caption(t("data_profile_unknown"))
    left, right = st.columns(2)
    left.selectbox(
        t("data_profile"),
        ingest_flow.profile_ids(),
        key=f"{prefix}_profile",
        format_func=lambda p: ingest_flow.profile_label(p, current),
        on_change=ingest_flow.choose_profile,
        args=(prefix, flow),
    )
    if source.layout is not None:
        right.text_input(t("data_profile_channel"), key=f"{prefix}_channel", max_chars=60)
        excluded_table(prefix, source.shaped.excluded, source.shaped.rows_excluded)


def excluded_table(prefix: str, excluded: list[dict], total: int) -> None:
    """The rows a profile excluded, per reason and status value, before anything loads."""
    if not total:
        return
    current = lang()
    st.markdown(f"**{t('data_excluded', count=fmt_int(total, current))}**")
    st.caption(t("data_excluded_caption"))
    shown = ingest_flow.excluded_frame(excluded, current).rename(
        columns={
            "reason": t("data_reject_reason"),
            "column": t("data_excluded_column"),
            "value": t("data_excluded_value"),
            "rows": t("data_reject_count"),
        }
    )
    st.dataframe(shown, key=f"{prefix}_excluded", hide_index=True)


def _mapping_caption(source: str) -> str:
    if source.startswith("remembered"):
        return t("data_mapping_remembered")
    return t("data_mapping_profile") if source.startswith("profile") else t("data_mapping_auto")


def mapping_step(prefix: str, flow: Flow) -> None:
    """One selectbox per canonical field, the date order, and the button that validates."""
    profile_step(prefix, flow)
    st.subheader(t("data_mapping"))
    st.caption(_mapping_caption(flow.mapping_source))
    spec = ingest.SPECS[flow.kind]
    table = flow.source.table if flow.source is not None else flow.raw
    options = ["", *table.columns]
    not_mapped = t("data_not_mapped")
    current = lang()
    chosen: dict[str, str] = {}
    columns = st.columns(3)
    for index, fs in enumerate(spec.fields):
        label = t("data_required_mark", label=field_label(fs.name)) if fs.required else field_label(fs.name)
        with columns[index % 3]:
            chosen[fs.name] = st.selectbox(
                label,
                options,
                key=f"{prefix}_map_{fs.name}",
                format_func=lambda c, empty=not_mapped: option_label(c, current) or empty,
            )
    unused = [c for c in flow.raw.columns if c not in set(chosen.values())]
    if unused:
        st.caption(escape_markdown(t("data_unmapped_columns", columns=", ".join(unused))))
    date_order = st.radio(
        t("data_date_order"),
        ingest_flow.DATE_ORDERS,
        key=f"{prefix}_date_order",
        horizontal=True,
        format_func=lambda o: i18n.t(f"data_date_order_{o}", current),
    )
    missing = ingest_flow.missing(flow, chosen)
    if missing:
        st.warning(t("data_missing_required", fields=", ".join(field_label(m) for m in missing)))
    _error(flow, t("data_file_failed"))
    if st.button(t("data_validate"), key=f"{prefix}_validate", type="primary", disabled=bool(missing)):
        bar, progress = progress_bar()
        ingest_flow.validate(flow, chosen, date_order, progress, st.session_state.get(f"{prefix}_channel", ""))
        bar.empty()
        st.rerun()


def option_label(column: str, lang: str) -> str:
    """A column as the mapping offers it: a profile's computed column by its field's name."""
    if column.startswith("⟨") and column.endswith("⟩"):
        name = column[1:-1]
        key = f"data_field_{name}"
        return i18n.t("data_derived_column", lang, field=i18n.t(key, lang) if key in i18n.table() else name)
    return column


def report_step(prefix: str, flow: Flow) -> bool:
    """The validation report (nothing written yet); True when the file can be loaded."""
    report = flow.prepared.report
    current = lang()
    st.subheader(t("data_report"))
    st.caption(t("data_report_caption"))
    if not report.ok:
        st.error(t("data_errors"))
        bullet_list([ingest_flow.message("error", e, current) for e in report.errors])
    counts = [
        ("data_rows_read", report.rows_read),
        ("data_rows_accepted", report.rows_accepted),
        ("data_rows_rejected", report.rows_rejected),
    ]
    if report.source_profile:
        counts.append(("data_rows_excluded", report.rows_excluded))
    if report.kind == "orders":
        counts += [
            ("data_orders", report.orders),
            ("data_customers", report.customers if report.has_customer else None),
        ]
    for column, (key, value) in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(t(key), fmt_int(value, current), border=True)
    facts = []
    if report.source_profile:
        layout = ingest.find_profile(report.source_profile)
        facts.append(t("data_source", label=t(layout.label_key), channel=report.source_channel or "—"))
    if report.date_min:
        facts.append(t("data_date_range", start=report.date_min, end=report.date_max))
    if report.kind == "orders" and report.totals:
        facts.append(
            t(
                "data_totals",
                revenue=fmt_money(report.totals.get("revenue"), current),
                cost=fmt_money(report.totals.get("cost"), current),
            )
        )
        if "refund" in report.totals:
            facts.append(
                t(
                    "data_totals_refund",
                    refund=fmt_money(report.totals["refund"], current),
                    net=fmt_money(report.totals["net_revenue"], current),
                )
            )
    facts.append(t("data_duplicates", count=fmt_int(report.duplicate_lines, current)))
    if report.kind == "orders":
        facts.append(t("data_returns", count=fmt_int(report.negative_quantity_lines, current)))
    if report.derived:
        facts.append(t("data_derived", fields="; ".join(report.derived)))
    bullet_list(facts)
    missing = ingest_flow.unavailable(report)
    if missing and report.ok:
        st.warning(t("data_unavailable"))
        bullet_list([i18n.t(f"data_unavailable_{m}", current) for m in missing])
    elif report.kind == "orders" and report.ok:
        st.success(t("data_all_available"))
    notes = [w for w in report.warnings if w["code"] not in ("duplicate_lines", "returns_kept")]  # said above
    if notes:
        st.markdown(f"**{t('data_warnings')}**")
        bullet_list([ingest_flow.message("warn", w, current) for w in notes])
    excluded_table(f"{prefix}_report", report.excluded, report.rows_excluded)
    if report.rows_rejected:
        st.subheader(t("data_rejects"))
        counts_frame = ingest_flow.reject_counts_frame(report, current)
        show(
            counts_frame,
            key=f"{prefix}_reject_counts",
            dims={"reason": "raw"},
            headers={"reason": "data_reject_reason", "rows": "data_reject_count"},
        )
        rejects = ingest_flow.rejects_frame(report, current)
        if len(rejects) < report.rows_rejected:
            st.caption(
                t(
                    "data_rejects_listed",
                    listed=fmt_int(len(rejects), current),
                    total=fmt_int(report.rows_rejected, current),
                )
            )
        # a file row number is an identifier, not a quantity: shown as it is, unformatted
        show(
            rejects.astype({"row": "str"}),
            key=f"{prefix}_rejects",
            download="rejects",
            dims={"row": "raw", "reason": "raw", "field": "raw", "value": "raw"},
            headers={
                "row": "data_reject_row",
                "reason": "data_reject_reason",
                "field": "data_reject_field",
                "value": "data_reject_value",
            },
        )
    if report.preview:
        st.markdown(f"**{t('data_preview')}**")
        preview = pd.DataFrame(report.preview)
        # the file's own values: ids and names as they are, amounts formatted as the catalog's fields
        text = [
            c for c in preview.columns if not pd.api.types.is_numeric_dtype(preview[c].dtype) or catalog.find(c) is None
        ]
        show(
            preview,
            key=f"{prefix}_preview",
            dims=dict.fromkeys(text, "raw"),
            headers={c: f"={field_label(c)}" for c in preview.columns},
        )
    if flow.error:
        _error(flow, t("data_load_failed"))
    return report.ok


def back_buttons(prefix: str, flow: Flow) -> None:
    """Change mapping / Cancel, side by side."""
    left, right, _ = st.columns([1, 1, 3])
    if left.button(t("data_change_mapping"), key=f"{prefix}_change_mapping"):
        ingest_flow.back_to_mapping(prefix, flow)
        st.rerun()
    if right.button(t("data_cancel"), key=f"{prefix}_cancel"):
        ingest_flow.cancel(flow)
        st.rerun()


def load_button(prefix: str, flow: Flow, name: str | None, mode: str) -> None:
    """The Load button: writes all or nothing with a progress bar, then shows the next step."""
    if st.button(t("data_load"), key=f"{prefix}_load", type="primary", disabled=not name):
        bar, progress = progress_bar()
        ingest_flow.load(flow, name, mode, progress)
        bar.empty()
        st.rerun()
