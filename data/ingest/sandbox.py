"""Open Excel and Parquet files in a child process with a memory ceiling.

A zipped spreadsheet or a Parquet file is a compressed description of a table, and its size
says little about what it opens into: two cells at A1 and XFD1048576 make a 1.5 KB .xlsx that the
reader sizes as 17 billion cells, and 166 KB of Parquet can hold 20M rows. Opening such a file
in the app's own process would take the server down for every user, so containers are opened
here, in a child with ``RLIMIT_DATA`` set (``SALESLENS_READER_MEMORY_MB``) and a wall-clock limit.
The child checks the table's dimensions against ``SALESLENS_MAX_CELLS`` before any cell becomes
a Python object and its decoded size against twice the upload limit, then hands the table back as
an Arrow IPC file (Excel: every cell as its text) through a private temporary file. When the child dies, only the upload is
refused.

The child runs this file as a script and imports nothing of the project, so its start costs
only the reader's import; user-supplied file names never reach it (it gets temp paths).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_TOO_MANY = 3  # exit code: the child refused with a reason written as JSON


@dataclass
class ExcelSheet:
    """One sheet read as text columns (``table``: every cell as its text, empty cells null).

    ``start`` is the 0-based (row, column) of the table's first cell in the sheet.
    """

    sheets: list[str]
    sheet: str
    start: tuple[int, int]
    table: object  # pyarrow.Table of string columns named 0..n-1
    chosen_automatically: bool = False


def _run(mode: str, data: bytes, args: dict) -> Path:
    """Run the child on ``data``; return the path of its output (the caller deletes its folder)."""
    from data.ingest.errors import IngestError
    from data.ingest.limits import max_cells, max_upload_bytes, reader_memory_bytes, reader_seconds

    folder = Path(tempfile.mkdtemp(prefix="saleslens-read-"))
    source, output = folder / "in", folder / "out"
    source.write_bytes(data)
    request = dict(
        args, mode=mode, max_cells=max_cells(), memory=reader_memory_bytes(), max_bytes=2 * max_upload_bytes()
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-I", __file__, str(source), str(output), json.dumps(request)],
            capture_output=True,
            timeout=reader_seconds(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        _cleanup(folder)
        raise IngestError("reader_timeout", seconds=int(reader_seconds())) from None
    source.unlink(missing_ok=True)
    if proc.returncode == _TOO_MANY:
        refusal = json.loads(output.read_text(encoding="utf-8"))
        _cleanup(folder)
        raise IngestError(refusal["code"], **refusal["params"])
    if proc.returncode != 0:
        _cleanup(folder)
        raise IngestError("unpacks_too_big", limit_mb=reader_memory_bytes() // 1048576)
    return output


def _cleanup(folder: Path) -> None:
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
    folder.rmdir()


def open_excel(data: bytes, sheet: str | int | None) -> ExcelSheet:
    """One sheet's cells as text (default sheet: the one with the most rows)."""
    output = _run("excel", data, {"sheet": sheet})
    try:
        table = _read_ipc(output)
    finally:
        _cleanup(output.parent)
    meta = json.loads(table.schema.metadata[b"saleslens"].decode("utf-8"))
    return ExcelSheet(
        meta["sheets"],
        meta["sheet"],
        tuple(meta["start"]),
        table.replace_schema_metadata(None),
        meta["chosen_automatically"],
    )


def _read_ipc(path: Path):  # -> pyarrow.Table
    import pyarrow as pa

    with pa.memory_map(str(path), "r") as source:
        table = pa.ipc.open_file(source).read_all()
    # memory_map would keep the file open; one copy in memory instead, the file is removed next
    return table.combine_chunks() if table.num_rows else table


def excel_sheets(data: bytes) -> list[str]:
    """A workbook's sheet names (opening the workbook can already expand its shared strings)."""
    output = _run("sheets", data, {})
    try:
        return json.loads(output.read_text(encoding="utf-8"))
    finally:
        _cleanup(output.parent)


def open_parquet(data: bytes):  # -> pyarrow.Table
    """The whole table (Parquet), read in the child and handed back as an Arrow IPC file."""
    output = _run("parquet", data, {})
    try:
        return _read_ipc(output)
    finally:
        _cleanup(output.parent)


# --- the child -----------------------------------------------------------------------------------


def _refuse(output: Path, code: str, **params: object) -> None:
    output.write_text(json.dumps({"code": code, "params": params}, ensure_ascii=False), encoding="utf-8")
    sys.exit(_TOO_MANY)


def _check_cells(output: Path, rows: int, columns: int, limit: int) -> None:
    cells = int(rows) * max(int(columns), 1)
    if cells > limit:
        _refuse(
            output,
            "too_many_cells",
            rows=f"{int(rows):,}",
            columns=int(columns),
            cells=f"{cells:,}",
            limit=f"{limit:,}",
        )


def _cell_text(value: object) -> str | None:
    """A cell as the text the parsers read (as ``data.ingest.parse`` prints Excel values)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _write_table(output: Path, table, request: dict, metadata: dict | None = None) -> None:
    import pyarrow as pa

    if table.nbytes > request["max_bytes"]:
        _refuse(output, "unpacks_too_big", limit_mb=request["max_bytes"] // 1048576)
    if metadata is not None:
        table = table.replace_schema_metadata({"saleslens": json.dumps(metadata, ensure_ascii=False)})
    with pa.OSFile(str(output), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _child_excel(source: Path, output: Path, request: dict) -> None:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(source))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types for broken containers
        _refuse(output, "bad_excel", detail=str(exc)[:200])
    if request["mode"] == "sheets":
        output.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        return
    sheet = request.get("sheet")
    try:
        if sheet is None:
            # The biggest sheet: workbooks put notes, targets and lookups on smaller sheets.
            heights = {name: book.get_sheet_by_name(name).height for name in names}
            chosen = max(names, key=lambda n: heights[n])
        else:
            text = str(sheet)
            chosen = names[int(text)] if isinstance(sheet, int) or (text not in names and text.isdigit()) else text
            if chosen not in names:
                _refuse(output, "no_such_sheet", sheet=chosen, sheets=", ".join(names))
        ws = book.get_sheet_by_name(chosen)
        _check_cells(output, ws.height, ws.width, request["max_cells"])
        width, start = ws.width, ws.start or (0, 0)
        # Column by column into Arrow strings, a block of rows at a time: Python objects for every
        # cell of a big sheet at once would cost ~150 bytes each, Arrow text about its length.
        chunks: list[list] = [[] for _ in range(width)]
        block: list[list] = [[] for _ in range(width)]
        for number, row in enumerate(ws.iter_rows(), start=1):
            for column in range(width):
                block[column].append(_cell_text(row[column]) if column < len(row) else None)
            if number % 65536 == 0:
                for column in range(width):
                    chunks[column].append(pa.array(block[column], pa.string()))
                    block[column] = []
        for column in range(width):
            chunks[column].append(pa.array(block[column], pa.string()))
    except IndexError:
        _refuse(output, "no_such_sheet", sheet=str(sheet), sheets=", ".join(names))
    except Exception as exc:
        _refuse(output, "bad_excel", detail=str(exc)[:200])
    table = pa.table({str(i): pa.chunked_array(parts, pa.string()) for i, parts in enumerate(chunks)})
    _write_table(
        output,
        table,
        request,
        {
            "sheets": names,
            "sheet": chosen,
            "start": list(start),
            "chosen_automatically": sheet is None and len(names) > 1,
        },
    )


def _child_parquet(source: Path, output: Path, request: dict) -> None:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(str(source))
        meta = parquet.metadata
    except Exception as exc:
        _refuse(output, "bad_parquet", detail=str(exc)[:200])
    _check_cells(output, meta.num_rows, meta.num_columns, request["max_cells"])
    try:
        table = parquet.read()
        # Dictionary columns decode here, inside the ceiling: one 20 KB value repeated a million
        # times is 20 GB of text once a table is typed.
        table = table.cast(_dense_schema(table.schema))
    except MemoryError:
        raise
    except Exception as exc:
        _refuse(output, "bad_parquet", detail=str(exc)[:200])
    _write_table(output, table, request)


def _dense_schema(schema):
    import pyarrow as pa

    fields = [pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in schema]
    return pa.schema(fields)


def _child_main(argv: list[str]) -> None:
    import resource

    source, output, request = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    limit = int(request["memory"])
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    if request["mode"] in ("excel", "sheets"):
        _child_excel(source, output, request)
    else:
        _child_parquet(source, output, request)


if __name__ == "__main__":
    _child_main(sys.argv[1:])
