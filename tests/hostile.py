"""Hostile and odd files, generated on demand (bombs must never be committed).

Each builder returns the file's bytes. The spreadsheet builders write the OOXML parts by hand, so
a test controls exactly which cells exist and how they compress.
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared_type}</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>'
)
_SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(sheet_data: bytes, shared_strings: bytes | None = None) -> bytes:
    """A minimal one-sheet workbook around ``sheet_data`` (the ``<row>`` elements)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        shared = shared_strings is not None
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.format(shared_type=_SHARED_TYPE if shared else ""))
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared_rel=_SHARED_REL if shared else ""))
        book.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet_data + _SHEET_TAIL)
        if shared:
            book.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


def xlsx_dimension_bomb() -> bytes:
    """Two cells, A1 and XFD1048576: a reader that sizes the sheet from them needs 17 billion cells."""
    return xlsx(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )


def xlsx_cell_flood(rows: int = 1_100_000, columns: int = 16) -> bytes:
    """Millions of one-digit cells, positions implied (no ``r`` attributes): a few MB zipped."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return xlsx(row * rows)


def xlsx_shared_string_bomb(cells: int = 400_000, length: int = 30_000) -> bytes:
    """One long shared string referenced by every cell: tiny zipped, gigabytes as Python strings."""
    shared = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>" + b"A" * length + b"</t></si></sst>"
    )
    header = b'<row><c t="inlineStr"><is><t>note</t></is></c></row>'
    row = b'<row><c t="s"><v>0</v></c></row>'
    return xlsx(header + row * cells, shared)


def parquet_row_bomb(rows: int = 20_000_000) -> bytes:
    """A Parquet file of a few hundred KB holding ``rows`` identical rows (run-length encoded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    chunk = pa.table({"订单编号": pa.array(["SO1"] * 1_000_000), "金额": pa.array([1.0] * 1_000_000)})
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, chunk.schema, compression="zstd") as writer:
        for _ in range(rows // 1_000_000):
            writer.write_table(chunk)
    return buffer.getvalue()


def parquet_dictionary_bomb(rows: int = 200_000, length: int = 20_000) -> bytes:
    """Few rows by the cell budget, but each holds the same 20 KB string: 4 GB once decoded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    value = "x" * length
    table = pa.table(
        {
            "订单编号": pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array([value])),
            "金额": pa.array([1.0] * rows),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def csv_cell_flood(rows: int, columns: int = 10) -> bytes:
    """A header and ``rows`` lines of one-character fields."""
    header = ",".join(f"c{i}" for i in range(columns)).encode() + b"\n"
    return header + (b",".join([b"1"] * columns) + b"\n") * rows
