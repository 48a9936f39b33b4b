"""File ingest: read (CSV/TSV/TXT, Excel, Parquet) → recognise → map → validate → atomic load.

Typical use (the Data page)::

    raw = read_file(upload_bytes, filename=upload.name, sheet=chosen_sheet)
    source = resolve(raw, "orders", con=con)                         # known system? rows that are sales
    show(source.layout, source.shaped.excluded, source.mapping)      # let the user override any of it
    prepared = prepare(raw, user_overrides, kind="orders", con=con, source=source, channel=name)
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
from data.ingest.profiles import Layout, layouts, recognise
from data.ingest.profiles import find as find_profile
from data.ingest.read import RawTable, list_sheets, read_file
from data.ingest.source import AUTO as AUTO_PROFILE
from data.ingest.source import NONE as NO_PROFILE
from data.ingest.source import Source, resolve
from data.ingest.validate import Prepared, Reject, ValidationReport, prepare

__all__ = [
    "AUTO_PROFILE",
    "MODES",
    "NO_PROFILE",
    "SPECS",
    "IngestError",
    "Layout",
    "MappingSuggestion",
    "Parsed",
    "Prepared",
    "RawTable",
    "Reject",
    "Source",
    "ValidationReport",
    "auto_map",
    "decode_text",
    "describe",
    "find_profile",
    "header_key",
    "ingest",
    "layouts",
    "list_sheets",
    "load",
    "max_upload_bytes",
    "normalise_header",
    "parse_dates",
    "parse_numbers",
    "parse_text",
    "prepare",
    "read_file",
    "recall_mapping",
    "recognise",
    "remember_mapping",
    "resolve",
    "sniff_kind",
    "suggest_mapping",
    "validate_name",
]
