"""Bytes → text, strictly, and what kind of file some bytes really are.

DuckDB here cannot read GBK/GB18030, so text files are decoded in Python: UTF-8 (BOM optional),
UTF-16 when a BOM or the NUL pattern of ASCII-in-UTF-16 says so, then GB18030; every attempt is
strict. There is deliberately no latin-1 fallback: latin-1 "decodes" any bytes, so it would turn
an undecodable file into silent mojibake instead of a clear rejection.
"""

from __future__ import annotations

import os
from pathlib import Path

from data.ingest.errors import IngestError

DEFAULT_MAX_MB = 200

ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (Compound File Binary)



def max_upload_bytes() -> int:
    """The size limit: ``SALESLENS_MAX_UPLOAD_MB`` (megabytes, default 200)."""
    raw = os.environ.get("SALESLENS_MAX_UPLOAD_MB", "")
    try:
        megabytes = float(raw) if raw.strip() else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def check_size(size: int, limit: int | None = None) -> None:
    """Raise ``IngestError('too_large')`` when ``size`` bytes exceed the limit."""
    limit = max_upload_bytes() if limit is None else limit
    if size > limit:
        raise IngestError("too_large", size_mb=round(size / 1048576, 1), limit_mb=round(limit / 1048576, 1))


def load_bytes(source: bytes | bytearray | memoryview | str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The file's bytes, refusing files over the limit before reading them."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        check_size(len(data), limit)
        return data
    path = Path(source)
    if not path.is_file():
        raise IngestError("not_found", path=str(path))
    check_size(path.stat().st_size, limit)
    return path.read_bytes()


def sniff_kind(data: bytes, filename: str | None = None) -> str:
    """``'excel'``, ``'parquet'`` or ``'text'`` from the content; the extension only breaks ties.

    Raises ``IngestError('empty_file')`` for no bytes and ``('binary')`` for bytes that are neither a
    known container nor text (a NUL byte outside a UTF-16 pattern).
    """
    if not data:
        raise IngestError("empty_file")
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        return "excel"
    if data.startswith(PARQUET_MAGIC):
        return "parquet"
    if _utf16_encoding(data) is None and b"\x00" in data[:65536]:
        raise IngestError("binary", filename=filename or "")
    return "text"


def _utf16_encoding(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4:
        # ASCII text in UTF-16 puts a NUL in every other byte: which half says the byte order.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode strictly; return ``(text, encoding)``.

    Order: UTF-8 (a BOM is dropped), UTF-16 when a BOM or NUL pattern says so, GB18030 (a superset
    of GBK and GB2312). Raises ``IngestError('undecodable')`` when none decodes every byte.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    # UTF-16 before plain UTF-8: ASCII in UTF-16 is also valid UTF-8 (NUL is a legal byte there).
    utf16 = _utf16_encoding(data)
    if utf16:
        try:
            return data.decode(utf16).lstrip("\ufeff"), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise IngestError("undecodable", position=exc.start) from None
