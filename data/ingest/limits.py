"""How much of a file the ingest will take on: bytes, cells and the memory a reader may use.

The upload limit (``SALESLENS_MAX_UPLOAD_MB``) counts the bytes as they arrive, but a few
kilobytes of a zipped spreadsheet or a Parquet file can describe gigabytes once opened. Three
more budgets therefore apply, each with an environment variable and a default sized so that a
loading process stays under 2 GB of resident memory (measured in ``tests/unit/test_hostile.py``):

``SALESLENS_MAX_CELLS`` (default 15,000,000)
    rows × columns of the table a file opens into, checked before the values are materialised:
    from the line count for text files, the sheet's dimensions for Excel (after the reader sized
    it, before a single cell becomes a Python object) and the footer for Parquet. About 1M lines of
    a 15-column export; a larger file loads in parts with ``--append``.
``SALESLENS_READER_MEMORY_MB`` (default 1400)
    the memory ceiling (``RLIMIT_DATA``) of the child process that opens Excel and Parquet files
    (``data/ingest/sandbox.py``). A file whose container expands past it (a dimension bomb, a
    dictionary bomb) kills only that child, and the upload is refused.
``SALESLENS_READER_SECONDS`` (default 300)
    the wall-clock limit of that child.
"""

from __future__ import annotations

import os

from data.ingest.errors import IngestError

DEFAULT_MAX_MB = 200
DEFAULT_MAX_CELLS = 15_000_000
DEFAULT_READER_MEMORY_MB = 1400
DEFAULT_READER_SECONDS = 300


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw.strip() else default
    except ValueError:
        return default
    return value if value > 0 and value == value and value != float("inf") else default


def max_upload_bytes() -> int:
    """The size limit: ``SALESLENS_MAX_UPLOAD_MB`` (megabytes, default 200)."""
    return int(_env_number("SALESLENS_MAX_UPLOAD_MB", DEFAULT_MAX_MB) * 1024 * 1024)


def max_cells() -> int:
    """rows × columns a file may open into: ``SALESLENS_MAX_CELLS`` (default 15M)."""
    return int(_env_number("SALESLENS_MAX_CELLS", DEFAULT_MAX_CELLS))


def reader_memory_bytes() -> int:
    """Memory ceiling of the container-reading child: ``SALESLENS_READER_MEMORY_MB`` (default 1400)."""
    return int(_env_number("SALESLENS_READER_MEMORY_MB", DEFAULT_READER_MEMORY_MB) * 1024 * 1024)


def reader_seconds() -> float:
    """Wall-clock limit of the container-reading child: ``SALESLENS_READER_SECONDS`` (default 300)."""
    return _env_number("SALESLENS_READER_SECONDS", DEFAULT_READER_SECONDS)


def check_size(size: int, limit: int | None = None) -> None:
    """Raise ``IngestError('too_large')`` when ``size`` bytes exceed the limit."""
    limit = max_upload_bytes() if limit is None else limit
    if size > limit:
        raise IngestError("too_large", size_mb=round(size / 1048576, 1), limit_mb=round(limit / 1048576, 1))


def check_cells(rows: int, columns: int, limit: int | None = None) -> None:
    """Raise ``IngestError('too_many_cells')`` when a ``rows`` × ``columns`` table is over the budget."""
    limit = max_cells() if limit is None else limit
    cells = int(rows) * max(int(columns), 1)
    if cells > limit:
        raise IngestError(
            "too_many_cells", rows=f"{int(rows):,}", columns=int(columns), cells=f"{cells:,}", limit=f"{limit:,}"
        )
