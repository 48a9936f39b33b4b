"""Files (bytes or a path) → a raw table: cleaned unique headers and untyped values.

CSV/TSV/TXT are decoded strictly (``decode.py``), their delimiter (``, ; TAB |``) and header row
are sniffed from the first lines (title or junk rows above the header are skipped), and the body is
parsed by pyarrow's multi-threaded CSV reader with every column read as text, so the typed parsing
in ``parse.py`` sees exactly what the file says. Excel (.xlsx/.xls/.xlsb/.ods) is read with
python-calamine, Parquet with pyarrow, both in a memory-capped child process (``sandbox.py``).
What a file *is* comes from its content, not its extension. Every file is held to the budgets of
``limits.py`` before its values are materialised.

Duplicate headers are kept, renamed with a suffix (``Sales``, ``Sales_2``) and reported as a
warning: refusing the whole file for a repeated label would block common ERP exports, and
auto-mapping only ever uses the first of them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data.ingest import sandbox
from data.ingest.decode import load_bytes, sniff_kind, to_utf8
from data.ingest.errors import IngestError
from data.ingest.limits import check_cells

Progress = Callable[[float, str], None]
Source = bytes | bytearray | memoryview | str | os.PathLike[str]

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 60
# pyarrow needs a whole row inside one block: 32 MB leaves room for absurd single fields (a 1 MB
# cell is fine) while still splitting a 60 MB file across both cores.
CSV_BLOCK_BYTES = 32 << 20
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


@dataclass
class RawTable:
    """A file read as a table, before any typing or mapping.

    Attributes
    ----------
    frame : DataFrame
        One column per header (cleaned, unique). Text and Excel files give strings only (an Excel
        cell as its text: ``1299.5``, ``2020-01-05``); Parquet keeps its column types.
    file_kind : str
        ``'text'``, ``'excel'`` or ``'parquet'`` (sniffed from the content).
    row_numbers : Series
        For each frame row, its 1-based row number in the file as a spreadsheet shows it (the
        header row counts; blank text lines are not counted).
    header_row : int
        1-based file row of the header.
    encoding, delimiter : str | None
        Text files only.
    sheet, sheets : str | None, list[str]
        Excel only: the sheet read and all sheets of the workbook.
    warnings : list[dict]
        ``{"code": ..., "params": {...}}``; texts are ``ingest_warn_<code>``.
    filename : str | None
        The client's file name, as text only.
    size_bytes : int
    """

    frame: pd.DataFrame
    file_kind: str
    row_numbers: pd.Series
    header_row: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    filename: str | None = None
    size_bytes: int = 0

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def clean_header(value: object) -> str:
    """A header cell without surrounding or repeated whitespace (NBSP, full-width, zero-width too)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def unique_headers(raw: list[object]) -> tuple[list[str], list[dict]]:
    """Cleaned headers made unique (``name_2``...), with a warning per renamed or blank header."""
    names: list[str] = []
    warnings: list[dict] = []
    used: set[str] = set()
    for position, value in enumerate(raw, start=1):
        name = clean_header(value)
        if not name:
            name = f"column_{position}"
            warnings.append({"code": "blank_header", "params": {"column": name}})
        if name in used:
            suffix = 2
            while f"{name}_{suffix}" in used:
                suffix += 1
            warnings.append({"code": "duplicate_header", "params": {"column": name, "renamed": f"{name}_{suffix}"}})
            name = f"{name}_{suffix}"
        used.add(name)
        names.append(name)
    return names, warnings


def _is_texty(cell: object) -> bool:
    text = str(cell).strip()
    return bool(text) and not re.fullmatch(r"[-+.,\d\s%/:年月日]+", text)


def find_header(rows: list[list[object]]) -> int:
    """0-based index of the header among the first rows.

    The header is the first row that is about as wide as the widest row (≥ 80% of its non-empty
    cells) and mostly text; title rows ("2020年销售报表") and notes above it are narrower.
    """
    counts = [sum(1 for c in row if str(c if c is not None else "").strip()) for row in rows]
    if not counts or max(counts) == 0:
        return 0
    widest = max(counts)
    for index, (row, count) in enumerate(zip(rows, counts, strict=True)):
        if count >= max(1, 0.8 * widest):
            texty = sum(1 for c in row if c is not None and _is_texty(c))
            if texty >= 0.5 * count:
                return index
    return 0


def sniff_delimiter(lines: list[str]) -> str:
    """The candidate giving the most rows with the same (>1) field count; ties go to the wider."""
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=delim) if r]
        if not widths:
            continue
        width, freq = Counter(widths).most_common(1)[0]
        score = (freq, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_text(data: bytes, progress: Progress | None) -> RawTable:
    utf8, encoding, warnings = to_utf8(data)
    if not utf8.strip():
        raise IngestError("empty_file")
    # Sniff on the first lines, each cut short: csv refuses fields over 128 kB, data may be larger.
    head_text = utf8[:262144].decode("utf-8", errors="ignore")
    head = [line[:65536] for line in head_text.splitlines()[:SNIFF_LINES]]
    delimiter = sniff_delimiter(head)
    parsed = [row for row in csv.reader(head, delimiter=delimiter)]
    nonblank = [i for i, row in enumerate(parsed) if any(c.strip() for c in row)]
    header_line = nonblank[find_header([parsed[i] for i in nonblank])] if nonblank else 0
    names, more = unique_headers(parsed[header_line])
    warnings += more
    # Cut the bytes after the header line; pyarrow then reads only the data, named by us.
    offset = 0
    for _ in range(header_line + 1):
        nxt = utf8.find(b"\n", offset)
        offset = len(utf8) if nxt < 0 else nxt + 1
    body = utf8[offset:]
    if not body.strip():
        raise IngestError("no_rows")
    check_cells(body.count(b"\n") + (not body.endswith(b"\n")), len(names))
    if progress:
        progress(0.15, "read")
    skipped: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        skipped.append(row.number if row.number is not None else -1)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise IngestError("unreadable", detail=str(exc).splitlines()[0][:200]) from None
    del body, utf8
    frame = table.to_pandas()
    if skipped:
        warnings.append({"code": "bad_row_shape", "params": {"count": len(skipped), "columns": len(names)}})
    rows = pd.Series(range(header_line + 2, header_line + 2 + len(frame)), index=frame.index)
    return RawTable(
        frame, "text", rows, header_row=header_line + 1, encoding=encoding, delimiter=delimiter, warnings=warnings
    )


def list_sheets(source: Source) -> list[str]:
    """Sheet names of a workbook (``[]`` for CSV/Parquet)."""
    data = load_bytes(source)
    return sandbox.excel_sheets(data) if sniff_kind(data) == "excel" else []


def _read_excel(data: bytes, sheet: str | int | None) -> RawTable:
    opened = sandbox.open_excel(data, sheet)
    warnings: list[dict] = []
    if opened.chosen_automatically:
        warnings.append({"code": "sheet_chosen", "params": {"sheet": opened.sheet, "sheets": ", ".join(opened.sheets)}})
    table = opened.table
    if table.num_rows == 0:
        raise IngestError("empty_file")
    head = [list(row.values()) for row in table.slice(0, SNIFF_LINES).to_pylist()]
    header = find_header(head)
    columns, more = unique_headers(head[header])
    warnings += more
    frame = table.slice(header + 1).rename_columns(columns).to_pandas()
    start = opened.start[0]
    rows = pd.Series(range(start + header + 2, start + header + 2 + len(frame)), index=frame.index)
    return RawTable(
        frame, "excel", rows, header_row=start + header + 1, sheet=opened.sheet, sheets=opened.sheets, warnings=warnings
    )


def _read_parquet(data: bytes) -> RawTable:
    table = sandbox.open_parquet(data)
    columns, warnings = unique_headers(list(table.column_names))
    frame = table.rename_columns(columns).to_pandas()
    rows = pd.Series(range(2, 2 + len(frame)), index=frame.index)
    return RawTable(frame, "parquet", rows, warnings=warnings)


def read_file(
    source: Source,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> RawTable:
    """Read an upload (bytes) or a path into a :class:`RawTable`.

    Parameters
    ----------
    source : bytes or path
        The file content (uploads) or a path (CLI). A path is only opened, never built from
        ``filename``.
    filename : str, optional
        The client's name for the file: kept as text for the report, used for nothing else.
    sheet : str or int, optional
        Excel sheet name or 0-based index; default the sheet with the most rows (warned).
    max_bytes : int, optional
        Size limit; default ``SALESLENS_MAX_UPLOAD_MB`` (200 MB).
    progress : callable(fraction, stage), optional

    Raises
    ------
    IngestError
        ``too_large``, ``empty_file``, ``binary``, ``undecodable``, ``bad_excel``, ``bad_parquet``,
        ``no_such_sheet``, ``unreadable``, ``no_rows``.
    """
    data = load_bytes(source, max_bytes)
    if filename is None and not isinstance(source, (bytes, bytearray, memoryview)):
        filename = Path(source).name
    if progress:
        progress(0.0, "read")
    kind = sniff_kind(data, filename)
    ext = Path(filename or "").suffix.lower()
    if kind == "excel":
        raw = _read_excel(data, sheet)
    elif kind == "parquet":
        raw = _read_parquet(data)
    else:
        raw = _read_text(data, progress)
    expected = {"excel": (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), "parquet": (".parquet", ".pq")}
    if ext and ext not in expected.get(kind, (".csv", ".tsv", ".txt", ".tab", ".dat")):
        raw.warnings.append({"code": "extension_mismatch", "params": {"extension": ext, "kind": kind}})
    if raw.frame.empty:
        raise IngestError("no_rows")
    raw.filename = filename
    raw.size_bytes = len(data)
    if progress:
        progress(0.3, "read")
    return raw
