"""File ingest: read (CSV/TSV/TXT, Excel, Parquet) → map → validate → atomic load.

Typical use (the Data page)::

    raw = read_file(upload_bytes, filename=upload.name, sheet=chosen_sheet)
    suggestion = suggest_mapping(raw.columns, "orders", con)       # show, let the user edit
    prepared = prepare(raw, user_overrides, kind="orders", con=con)
    show(prepared.report)                                            # nothing written yet
    report = load(con, prepared, name, mode="new")                   # all or nothing

or in one call: ``ingest(con, path_or_bytes, name, ...)``.
"""

from __future__ import annotations

from data.ingest.decode import decode_text, max_upload_bytes, sniff_kind
from data.ingest.errors import IngestError, describe
from data.ingest.load import MODES, ingest, load, validate_name
from data.ingest.mapping import (
    SPECS,
    MappingSuggestion,
    auto_map,
    header_key,
    normalise_header,
    recall_mapping,
    remember_mapping,
    suggest_mapping,
)
from data.ingest.parse import Parsed, parse_dates, parse_numbers, parse_text
from data.ingest.read import RawTable, list_sheets, read_file
from data.ingest.validate import Prepared, Reject, ValidationReport, prepare

__all__ = [
    "MODES", "SPECS", "IngestError", "MappingSuggestion", "Parsed", "Prepared", "RawTable", "Reject",
    "ValidationReport", "auto_map", "decode_text", "describe", "header_key", "ingest", "list_sheets", "load",
    "max_upload_bytes", "normalise_header", "parse_dates", "parse_numbers", "parse_text", "prepare",
    "read_file", "recall_mapping", "remember_mapping", "sniff_kind", "suggest_mapping", "validate_name",
]
