"""Bytes → text, strictly, and what kind of file some bytes really are.

DuckDB here cannot read GBK/GB18030, so text files are decoded in Python: UTF-8 (BOM optional),
UTF-16 when a BOM or the NUL pattern of ASCII-in-UTF-16 says so, then GB18030; every attempt is
strict. There is deliberately no latin-1 fallback: latin-1 "decodes" any bytes, so it would turn
an undecodable file into silent mojibake instead of a clear rejection.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from data.ingest.errors import IngestError
from data.ingest.limits import check_size, max_upload_bytes  # noqa: F401 (max_upload_bytes: re-exported)

ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (Compound File Binary)
_CHUNK = 16 << 20
_LISTED_LINES = 10


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


def _valid(data: bytes, encoding: str) -> int | None:
    """None when ``data`` decodes strictly as ``encoding``, else the byte offset of the first failure.

    Decodes in chunks and keeps no text, so a 200 MB file never becomes an 800 MB string here.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    for offset in range(0, len(data), _CHUNK):
        try:
            decoder.decode(view[offset : offset + _CHUNK], final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def _recode(data: bytes, encoding: str) -> bytes:
    """``data`` (strictly valid in ``encoding``) as UTF-8, chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    parts = [
        decoder.decode(view[offset : offset + _CHUNK], final=offset + _CHUNK >= len(data)).encode("utf-8")
        for offset in range(0, len(data), _CHUNK)
    ]
    return b"".join(parts)


def _line_numbers(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_LISTED_LINES])
    return shown + (" …" if len(lines) > _LISTED_LINES else "")


def _per_line(data: bytes) -> tuple[bytes, str, list[dict]]:
    """A file that is not UTF-8 as a whole: GB18030, or a mix of UTF-8 and GBK lines.

    Each line with non-ASCII bytes is classified. All GB18030 → the file is GB18030. Some lines
    valid UTF-8 and others only GB18030 (an export appended to by another tool) → each line is
    decoded in its own encoding and a warning names the lines of the smaller group; reading the
    whole file as GB18030 would turn UTF-8 "电商平台" into "鐢靛晢骞冲彴" without a word.
    A line that is neither is refused with its line number.
    """
    lines = data.split(b"\n")
    utf8: list[int] = []
    gbk: list[int] = []
    broken: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(number)
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                gbk.append(number)
            except UnicodeDecodeError:
                broken.append(number)
    if broken:
        raise IngestError("undecodable", lines=_line_numbers(broken))
    if not utf8:
        return _recode(data, "gb18030"), "gb18030", []
    as_utf8 = set(utf8)
    text = b"\n".join(
        line if n in as_utf8 or line.isascii() else line.decode("gb18030").encode("utf-8")
        for n, line in enumerate(lines, start=1)
    )
    minority, label = (utf8, "UTF-8") if len(utf8) <= len(gbk) else (gbk, "GBK")
    warning = {
        "code": "mixed_encoding",
        "params": {"utf8": len(utf8), "gbk": len(gbk), "minority": label, "lines": _line_numbers(minority)},
    }
    return text, "utf-8+gb18030", [warning]


def to_utf8(data: bytes) -> tuple[bytes, str, list[dict]]:
    """Decode strictly and return ``(utf8_bytes, encoding, warnings)``.

    Order: UTF-8 (a BOM is dropped), UTF-16 when a BOM or NUL pattern says so, then line by line:
    GB18030 (a superset of GBK and GB2312), or UTF-8 and GBK lines mixed (warned). Raises
    ``IngestError('undecodable')`` with the failing line numbers, and ``('nul_byte')`` with the line
    of a NUL character anywhere in the text.
    """
    if data.startswith(b"\xef\xbb\xbf") and _valid(data, "utf-8") is None:
        out, encoding, warnings = data[3:], "utf-8", []
    elif (utf16 := _utf16_encoding(data)) is not None and _valid(data, utf16) is None:
        out, encoding, warnings = data.decode(utf16).lstrip("\ufeff").encode("utf-8"), utf16, []
    elif _valid(data, "utf-8") is None:
        out, encoding, warnings = data, "utf-8", []
    else:
        out, encoding, warnings = _per_line(data)
    nul = out.find(b"\x00")
    if nul >= 0:
        raise IngestError("nul_byte", line=out.count(b"\n", 0, nul) + 1)
    return out, encoding, warnings


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode strictly; return ``(text, encoding)`` (see :func:`to_utf8`)."""
    out, encoding, _ = to_utf8(data)
    return out.decode("utf-8"), encoding
