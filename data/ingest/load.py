"""Prepared rows → the warehouse, all or nothing, plus the one-call ``ingest`` for CLI and page.

A load writes the rows and the registry row in one transaction inside the warehouse's writer
(:meth:`data.snapshots.Warehouse.writer`), which publishes the dataset's new snapshot only when it
succeeded: an exception, or a killed process, leaves the current version exactly as it was. The
confirmed mapping is remembered in the user-state store after the switch. Frames go in through
DuckDB's Arrow scan (one INSERT ... SELECT), never row by row.

Modes for an order file: ``new`` (the name must be free), ``replace`` (the dataset's order lines
are replaced; its channel costs, CRM spend and customers stay) and ``append`` (lines whose
``(order_id, line)`` already exist in the dataset are skipped; synthesised ids are content
hashes, so for files without order ids "same id" means "same content"). Extra files
(channel_costs, crm_spend, customers, weekly_spend, crm_contacts, experiments, feedback, interactions,
traffic) need an existing
dataset and replace (default) or append that table's rows for it.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from data import access, registry
from data.ingest.errors import IngestError
from data.ingest.mapping import remember_mapping, spec
from data.ingest.read import Source, read_file
from data.ingest.validate import ORDER_COLUMNS, Prepared, ValidationReport, prepare
from data.snapshots import Warehouse, WarehouseBusy
from data.warehouse import transaction

Progress = Callable[[float, str], None]
MODES = ("new", "replace", "append")
# Allow-lists: the only identifiers that ever reach SQL text.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "order_lines": ORDER_COLUMNS,
    "channel_costs": ("month", "channel", "cost_type", "amount"),
    "crm_spend": ("month", "programme", "amount"),
    "customers": (
        "customer_id",
        "acquisition_channel",
        "region",
        "first_order_date",
        "satisfaction",
        "churn_reason",
        "referred_by",
        "name",
        "phone",
        "email",
        "gender",
        "birth_date",
        "age",
        "invalid_fields",
    ),
    "marketing_weekly": ("week", "channel", "amount"),
    "crm_contacts": ("programme", "campaign", "customer_id", "contact_date", "is_control"),
    "experiments": ("lever", "start_date", "end_date", "spend_change", "lift", "std_error"),
    "feedback": ("customer_id", "feedback_date", "score", "scale", "comment", "channel"),
    "interactions": ("customer_id", "contact_date", "contact_type", "owner", "outcome"),
    "traffic": (
        "period_start",
        "period_end",
        "channel",
        "source",
        "source_detail",
        "visitors",
        "leads",
        "conversion_rate",
        "aov",
    ),
}
DATE_COLUMNS = {
    "order_date",
    "month",
    "first_order_date",
    "week",
    "contact_date",
    "start_date",
    "end_date",
    "feedback_date",
    "birth_date",
    "period_start",
    "period_end",
}
PAUSE_ENV = "SALESLENS_TEST_PAUSE_BEFORE_COMMIT"


def _quote(identifier: str) -> str:
    if not any(identifier in cols or identifier == table for table, cols in TABLE_COLUMNS.items()):
        raise ValueError(f"identifier {identifier!r} is not allow-listed")
    return '"' + identifier + '"'


def validate_name(name: str) -> str:
    """A dataset name: stripped, 1..60 characters, no control characters."""
    cleaned = (name or "").strip()
    if not 1 <= len(cleaned) <= 60 or any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise IngestError("bad_name", name=repr(name)[:80])
    return cleaned


def _select_list(table: str) -> str:
    parts = []
    for column in TABLE_COLUMNS[table]:
        q = _quote(column)
        parts.append(f"CAST({q} AS DATE)" if column in DATE_COLUMNS else q)
    return ", ".join(parts)


def _insert_sql(table: str, view: str, guard: str = "") -> str:
    """INSERT ... SELECT from the registered frame; every identifier comes from the allow-lists."""
    columns = ", ".join(map(_quote, TABLE_COLUMNS[table]))
    return f"INSERT INTO {_quote(table)} (dataset, {columns}) SELECT $n, {_select_list(table)} FROM {view} i{guard}"  # noqa: S608


def load(
    target: Warehouse | duckdb.DuckDBPyConnection,
    prepared: Prepared,
    name: str,
    *,
    mode: str = "new",
    source: str | None = None,
    remember: bool = True,
    strict: bool = False,
    progress: Progress | None = None,
) -> ValidationReport:
    """Write prepared rows atomically; return the report with ``loaded``/``rows_inserted`` filled.

    Parameters
    ----------
    mode : {"new", "replace", "append"}
        See the module docstring. Extra files accept ``replace`` or ``append`` (``new`` means replace).
    source : str, optional
        The client's file name, stored as text in the registry (default: the report's source).
    remember : bool
        Store the mapping used under this header set for next time.
    strict : bool
        Refuse the load when any row was rejected.

    Raises
    ------
    IngestError
        ``bad_name``, ``bad_mode``, ``not_valid`` (the report has errors), ``has_rejects`` (strict),
        ``dataset_exists`` (mode new), ``dataset_missing`` (extra file for an unknown dataset).
    data.access.PermissionDenied
        The one acting may not load (below analyst, the dataset outside their scope, or a scope
        limited to some regions or channels). Checked here, for every kind of file, so every page
        and command that loads is covered; the refusal is written to the audit log.
    """
    report = prepared.report
    name = validate_name(name)
    wh = Warehouse.of(target)
    who = access.require("data.load", dataset=name, store=wh.state)
    if mode not in MODES:
        raise IngestError("bad_mode", mode=mode)
    if not report.ok:
        raise IngestError("not_valid", codes=", ".join(e["code"] for e in report.errors))
    if strict and report.rows_rejected:
        raise IngestError("has_rejects", count=report.rows_rejected)
    table = spec(prepared.kind).table
    source_text = str(source or report.source or "upload")[:500]
    arrow = pa.Table.from_pandas(prepared.frame[list(TABLE_COLUMNS[table])], preserve_index=False)
    view = "ingest_incoming"
    # new and replace loads of an order file do not need the dataset's old lines in the writer
    skip = ("order_lines",) if table == "order_lines" and mode in ("new", "replace") else ()
    try:
        with wh.writer(name, skip=skip) as con:
            cur = con.cursor()
            cur.register(view, arrow)
            try:
                with transaction(cur):
                    inserted = _write(cur, view, table, name, mode, report, prepared, source_text, progress)
            finally:
                cur.unregister(view)
    except duckdb.Error as exc:  # the real cause, not a generic failure; nothing was written
        raise IngestError("write_failed", detail=str(exc).splitlines()[0][:300]) from exc
    except WarehouseBusy:
        raise IngestError("warehouse_busy") from None
    report.dataset, report.mode, report.loaded = name, mode, True
    report.rows_inserted = inserted
    report.skipped_existing = len(arrow) - inserted
    access.record(
        wh.state,
        "data.load",
        target=name,
        principal=who,
        detail={
            "kind": prepared.kind,
            "mode": mode,
            "source": source_text,
            "rows_inserted": inserted,
            "rows_rejected": report.rows_rejected,
            "skipped_existing": report.skipped_existing,
        },
    )
    if remember and report.mapping:
        remember_mapping(wh.state, prepared.columns, report.mapping, prepared.kind, prepared.memory)
    if progress:
        progress(1.0, "write")
    return report


def _write(
    cur: duckdb.DuckDBPyConnection,
    view: str,
    table: str,
    name: str,
    mode: str,
    report: ValidationReport,
    prepared: Prepared,
    source_text: str,
    progress: Progress | None,
) -> int:
    """Every write of one load, inside the caller's transaction; returns the rows inserted."""
    existing = cur.execute(
        "SELECT source, kind, has_channel, has_region FROM datasets WHERE name = $n", {"n": name}
    ).fetchall()
    if table == "order_lines":
        inserted = _write_orders(cur, view, name, mode, bool(existing))
        registry.refresh(
            cur, name, source=source_text, kind="upload", has_channel=report.has_channel, has_region=report.has_region
        )
    else:
        if not existing:
            raise IngestError("dataset_missing", name=name)
        if mode != "append":
            cur.execute(f"DELETE FROM {_quote(table)} WHERE dataset = $n", {"n": name})  # noqa: S608 (allow-listed)
        cur.execute(_insert_sql(table, view), {"n": name})
        inserted = len(prepared.frame)
        src, kind, has_channel, has_region = existing[0]
        registry.refresh(cur, name, source=src, kind=kind, has_channel=has_channel, has_region=has_region)
    if progress:
        progress(0.95, "write")
    pause = float(os.environ.get(PAUSE_ENV, "0") or 0)
    if pause > 0:
        print(f"pausing {pause}s before commit", flush=True)  # the kill test waits for this line
        time.sleep(pause)
    return inserted


def _write_orders(cur: duckdb.DuckDBPyConnection, view: str, name: str, mode: str, exists: bool) -> int:
    if exists and mode == "new":
        raise IngestError("dataset_exists", name=name)
    if mode == "replace":
        cur.execute("DELETE FROM order_lines WHERE dataset = $n", {"n": name})
    guard = ""
    if mode == "append" and exists:
        guard = (
            " WHERE NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.dataset = $n"
            " AND o.order_id = i.order_id AND o.line = i.line)"
        )
    before = cur.execute("SELECT count(*) FROM order_lines WHERE dataset = $n", {"n": name}).fetchall()[0][0]
    cur.execute(_insert_sql("order_lines", view, guard), {"n": name})
    after = cur.execute("SELECT count(*) FROM order_lines WHERE dataset = $n", {"n": name}).fetchall()[0][0]
    return int(after - before)


def ingest(
    con: Warehouse | duckdb.DuckDBPyConnection,
    source: Source,
    name: str | None = None,
    *,
    filename: str | None = None,
    kind: str = "orders",
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    mode: str = "new",
    date_order: str = "auto",
    dry_run: bool = False,
    strict: bool = False,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    profile: str | None = None,
    channel: str | None = None,
) -> ValidationReport:
    """Read, recognise, map, validate and (unless ``dry_run``) load one file; never raises for a bad file.

    Returns the report; ``report.loaded`` says whether anything was written and
    ``report.errors`` why not (file-level failures appear there as ``{"code", "params"}``).
    ``name`` defaults to the file name's stem. ``profile`` and ``channel`` as in
    :func:`data.ingest.validate.prepare`.
    """
    label = filename or (None if isinstance(source, (bytes, bytearray, memoryview)) else Path(source).name)
    try:
        raw = read_file(source, filename=label, sheet=sheet, max_bytes=max_bytes, progress=progress)
        prepared = prepare(
            raw, mapping, kind=kind, date_order=date_order, con=con, progress=progress, profile=profile, channel=channel
        )
    except IngestError as exc:
        return ValidationReport(kind=kind, source=label, errors=[{"code": exc.code, "params": exc.params}])
    report = prepared.report
    if dry_run or not report.ok:
        return report
    try:
        return load(
            con,
            prepared,
            name or Path(label or "upload").stem,
            mode=mode,
            source=label,
            strict=strict,
            progress=progress,
        )
    except IngestError as exc:
        report.errors.append({"code": exc.code, "params": exc.params})
        return report
