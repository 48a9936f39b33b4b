"""Ingest errors and the bilingual texts of every reason, warning and error code.

The texts live in ``data/ingest/messages.toml`` (``ingest_reason_<code>``, ``ingest_warn_<code>``,
``ingest_error_<code>``) so the Data page shows them through the app's translation helper; this
module reads the same file (as data, not as an import of ``metrics``) to give the CLI and
exception messages an English text without a second copy of the strings.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LOCALE_FILE = Path(__file__).resolve().parent / "messages.toml"


@functools.cache
def _texts() -> dict[str, tuple[str, str]]:
    with LOCALE_FILE.open("rb") as handle:
        return {key: (pair[0], pair[1]) for key, pair in tomllib.load(handle).items()}


def describe(key: str, lang: str = "en", **params: object) -> str:
    """The text of a locale key (e.g. ``ingest_error_empty_file``) in ``zh`` or ``en``.

    Unknown keys come back as the key itself plus the parameters, so a message is never lost.
    """
    pair = _texts().get(key)
    if pair is None:
        return f"{key} {params}" if params else key
    text = pair[0] if lang == "zh" else pair[1]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


class IngestError(ValueError):
    """A file (or a load request) that cannot be ingested at all.

    Attributes
    ----------
    code : str
        Stable code; the texts are ``ingest_error_<code>`` in ``data/ingest/messages.toml``.
    params : dict
        Values for the text's ``{placeholders}``.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(describe(f"ingest_error_{code}", "en", **params))

    def message(self, lang: str = "en") -> str:
        return describe(f"ingest_error_{self.code}", lang, **self.params)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "params": {k: str(v) for k, v in self.params.items()},
            "message": str(self),
            "message_zh": self.message("zh"),
        }
