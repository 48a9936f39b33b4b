"""The upload steps as a small state machine kept in the session: upload → map → report → done.

The Data page (orders) and the Datasets page (extra files) share it; each flow lives under its
own session key, so both can be half-way at once. Reading, typing, validation and the atomic
write are all ``data.ingest``'s; this module only remembers which step a session is at, what
the user chose, and turns failures into ``{code, params}`` the pages translate.

The client's file name is only ever text here (a report label and a default dataset name);
nothing builds a path from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from data import ingest
from data.ingest import IngestError, Prepared, RawTable, Source, ValidationReport
from data.ingest.errors import describe
from data.ingest.mapping import missing_required
from present import i18n
from ui import cached, state

Progress = Callable[[float, str], None]
STEPS = ("upload", "map", "report", "done")
DATE_ORDERS = ("auto", "MDY", "DMY")


@dataclass
class Flow:
    """One session's progress through loading one file of one kind."""

    kind: str = "orders"
    step: str = "upload"
    file_id: str | None = None
    filename: str = ""
    size: int = 0
    raw: RawTable | None = None
    source: Source | None = None
    channel: str = ""
    mapping_source: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    date_order: str = "auto"
    prepared: Prepared | None = None
    error: dict | None = None
    result: ValidationReport | None = None
    dismissed: str | None = None


def get(prefix: str, kind: str = "orders") -> Flow:
    """The flow stored under ``prefix`` (a fresh one when the kind changed)."""
    key = f"_{prefix}_flow"
    flow = st.session_state.get(key)
    if not isinstance(flow, Flow) or flow.kind != kind:
        flow = Flow(kind=kind)
        st.session_state[key] = flow
    return flow


def seed_widgets(prefix: str, flow: Flow) -> None:
    """Put the flow's mapping and date order into the mapping widgets' keys (before they draw).

    Widgets not drawn in a run lose their state, so coming back from the report re-seeds them.
    """
    for name in ingest.SPECS[flow.kind].names:
        st.session_state[f"{prefix}_map_{name}"] = flow.mapping.get(name, "")
    st.session_state[f"{prefix}_date_order"] = flow.date_order
    if flow.source is not None:
        st.session_state[f"{prefix}_profile"] = flow.source.profile
        st.session_state[f"{prefix}_channel"] = flow.channel
    if flow.raw is not None and flow.raw.sheet:
        st.session_state[f"{prefix}_sheet"] = flow.raw.sheet


def receive(prefix: str, flow: Flow, upload: object, sheet: str | None, progress: Progress) -> None:
    """Take the uploader's current file: read it when it is new (or another sheet was chosen).

    ``upload`` is Streamlit's UploadedFile or None. A removed file resets the flow, except after
    a load, whose result stays on screen.
    """
    if upload is None:
        if flow.step != "done":
            _restart(flow, None)
        return
    file_id = str(getattr(upload, "file_id", "") or f"{upload.name}:{upload.size}")
    if file_id == flow.dismissed:
        return
    new_file = file_id != flow.file_id
    other_sheet = bool(
        not new_file and flow.raw is not None and sheet and sheet != flow.raw.sheet and flow.step == "map"
    )
    if not (new_file or other_sheet):
        return
    _restart(flow, file_id)
    flow.filename, flow.size = str(upload.name), int(upload.size)
    limit = ingest.max_upload_bytes()
    if flow.size > limit:  # before touching the bytes
        flow.error = {
            "code": "too_large",
            "params": {"size_mb": round(flow.size / 1048576, 1), "limit_mb": round(limit / 1048576, 1)},
        }
        return
    try:
        flow.raw = ingest.read_file(
            upload.getvalue(),
            filename=flow.filename,
            sheet=None if new_file else sheet,
            max_bytes=limit,
            progress=progress,
        )
    except IngestError as exc:
        flow.error = {"code": exc.code, "params": exc.params}
        return
    if not _resolve(prefix, flow, None):
        return
    flow.step = "map"
    if new_file:
        st.session_state[f"{prefix}_name"] = default_name(flow.filename)


def _resolve(prefix: str, flow: Flow, profile: str | None) -> bool:
    """Recognise (or apply the chosen) source profile and start the mapping from it; False on failure."""
    try:
        flow.source = ingest.resolve(flow.raw, flow.kind, profile=profile, con=cached.store())
    except IngestError as exc:
        flow.error = {"code": exc.code, "params": exc.params}
        return False
    flow.mapping, flow.mapping_source = dict(flow.source.mapping), flow.source.mapping_source
    flow.channel = flow.source.channel or ""
    seed_widgets(prefix, flow)
    return True


def choose_profile(prefix: str, flow: Flow) -> None:
    """Profile chooser callback: read the file as the chosen system (or none) and map it afresh."""
    flow.error = None
    _resolve(prefix, flow, st.session_state.get(f"{prefix}_profile") or ingest.NO_PROFILE)


def profile_ids() -> list[str]:
    """The chooser's options: no profile, then every layout."""
    return [ingest.NO_PROFILE, *(layout.id for layout in ingest.layouts())]


def profile_label(profile: str, lang: str) -> str:
    """A layout's name in ``lang`` (``none``: read as a plain table)."""
    layout = ingest.find_profile(profile)
    return i18n.t(layout.label_key if layout else "data_profile_none", lang)


def _restart(flow: Flow, file_id: str | None) -> None:
    kind, dismissed = flow.kind, flow.dismissed
    flow.__dict__.update(Flow(kind=kind, file_id=file_id, dismissed=dismissed).__dict__)


def missing(flow: Flow, mapping: dict[str, str]) -> list[str]:
    """Required fields the chosen mapping leaves out (orders: revenue may come from price × quantity)."""
    return missing_required({k: v for k, v in mapping.items() if v}, flow.kind)


def validate(flow: Flow, mapping: dict[str, str], date_order: str, progress: Progress, channel: str = "") -> None:
    """Type and check the file with the user's mapping (every field given; "" = not mapped) and channel name."""
    flow.mapping = {k: v for k, v in mapping.items() if v}
    flow.date_order = date_order if date_order in DATE_ORDERS else "auto"
    flow.channel = (channel or "").strip()[:60] or (flow.source.channel if flow.source else "") or ""
    flow.error = None
    try:
        flow.prepared = ingest.prepare(
            flow.raw,
            mapping,
            kind=flow.kind,
            date_order=flow.date_order,
            con=cached.store(),
            progress=progress,
            source=flow.source,
            channel=flow.channel or None,
        )
    except IngestError as exc:
        flow.error = {"code": exc.code, "params": exc.params}
        return
    flow.step = "report"


def back_to_mapping(prefix: str, flow: Flow) -> None:
    flow.step, flow.prepared, flow.error = "map", None, None
    seed_widgets(prefix, flow)


def cancel(flow: Flow) -> None:
    """Forget the file; the same upload stays ignored until the user picks another."""
    file_id = flow.file_id
    _restart(flow, None)
    flow.dismissed = file_id


def load(flow: Flow, name: str, mode: str, progress: Progress) -> bool:
    """Write the prepared rows all or nothing; True when loaded (then caches are cleared)."""
    flow.error = None
    try:
        flow.result = ingest.load(
            cached.current_warehouse(), flow.prepared, name, mode=mode, source=flow.filename, progress=progress
        )
    except IngestError as exc:
        flow.error = {"code": exc.code, "params": exc.params}
        return False
    cached.clear()
    flow.step, flow.prepared, flow.raw, flow.source = "done", None, None, None
    return True


def show_dataset(name: str) -> None:
    """Button callback: runs before the next script run, so the sidebar draws with ``name`` chosen."""
    state.select(dataset=name)


def targets(include_demo: bool = False) -> list[str]:
    """Datasets a file may replace or extend; the demo only when asked (it is easy to damage)."""
    return [d.name for d in cached.datasets() if include_demo or d.kind != "demo"]


def delete(name: str) -> bool:
    """Delete a dataset and its rows in one transaction; caches are cleared."""
    deleted = cached.current_warehouse().delete(name)
    cached.clear()
    return deleted


def default_name(filename: str) -> str:
    """A dataset name suggested from the client's file name: its last part without extension."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    return "".join(ch for ch in stem if ch.isprintable()).strip()[:60] or "upload"


def rejects_frame(report: ValidationReport, lang: str) -> pd.DataFrame:
    """The listed rejects: file row, translated reason, field, the cell as text (never markup)."""
    return pd.DataFrame(
        {
            "row": pd.Series([r.row for r in report.rejects], dtype="int64"),
            "reason": pd.Series([describe(f"ingest_reason_{r.code}", lang) for r in report.rejects], dtype="str"),
            "field": pd.Series([r.field or "" for r in report.rejects], dtype="str"),
            "value": pd.Series([r.value for r in report.rejects], dtype="str"),
        }
    )


def reject_counts_frame(report: ValidationReport, lang: str) -> pd.DataFrame:
    """Rows rejected per reason (all of them, not only the listed ones), most frequent first."""
    counts = sorted(report.reject_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(
        {
            "reason": pd.Series([describe(f"ingest_reason_{c}", lang) for c, _ in counts], dtype="str"),
            "rows": pd.Series([n for _, n in counts], dtype="int64"),
        }
    )


def unavailable(report: ValidationReport) -> list[str]:
    """Which analyses a loaded order file cannot support: ``customer``, ``margin``, ``channel``, ``region``."""
    if report.kind != "orders":
        return []
    flags = (
        ("customer", report.has_customer),
        ("margin", report.totals.get("cost") is not None),
        ("channel", report.has_channel),
        ("region", report.has_region),
    )
    return [name for name, ok in flags if not ok]


def excluded_frame(excluded: list[dict], lang: str) -> pd.DataFrame:
    """Rows a profile excluded, per reason and status value (values as text, never markup)."""
    return pd.DataFrame(
        {
            "reason": pd.Series([i18n.t(f"excluded_{e['reason']}", lang) for e in excluded], dtype="str"),
            "column": pd.Series([e["column"] for e in excluded], dtype="str"),
            "value": pd.Series([e["value"] for e in excluded], dtype="str"),
            "rows": pd.Series([e["rows"] for e in excluded], dtype="int64"),
        }
    )


def message(kind: str, entry: dict, lang: str) -> str:
    """The text of an ``{code, params}`` entry: ``kind`` is ``error``, ``warn`` or ``reason``."""
    return describe(f"ingest_{kind}_{entry['code']}", lang, **entry.get("params", {}))
