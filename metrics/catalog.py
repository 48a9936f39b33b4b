"""The metric catalog (``metrics/catalog.toml``): each number's kind, format, label and good direction.

A metric is data, not code (STYLE.md): cards, tables, charts, goals, the advisor, the report and
XLSX downloads look a metric up here instead of re-declaring how it reads. Formatting itself
lives in :mod:`present.formats`; this module only knows what a metric *is*.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOG_FILE = Path(__file__).resolve().parent / "catalog.toml"
KINDS = ("money", "count", "ratio", "number")
FORMATS = ("money", "integer", "percent", "signed_percent", "decimal", "multiple", "days")
GOOD = ("up", "down", "none")
POINT_FORMATS = ("percent", "signed_percent")  # deltas of these are percentage points


@dataclass(frozen=True)
class Metric:
    """One catalog entry (see the file's header for the meaning of each field)."""

    key: str
    kind: str
    format: str
    label: str
    good: str
    definition: str
    numerator: str | None = None
    denominator: str | None = None

    @property
    def delta_in_points(self) -> bool:
        """Deltas of rates are percentage points (now − prior), of everything else relative."""
        return self.format in POINT_FORMATS


class CatalogError(ValueError):
    """The catalog file breaks one of its rules."""


def parse(raw: dict) -> tuple[dict[str, Metric], dict[str, str]]:
    """Entries and families from the TOML's content, checked; CatalogError names the first problem."""
    families = dict(raw.get("families", {}))
    entries: dict[str, Metric] = {}
    for key, fields in raw.items():
        if key == "families":
            continue
        try:
            metric = Metric(key=key, **fields)
        except TypeError as exc:
            raise CatalogError(f"{key}: {exc}") from None
        if metric.kind not in KINDS or metric.format not in FORMATS or metric.good not in GOOD:
            raise CatalogError(f"{key}: unknown kind, format or direction")
        if (metric.kind == "ratio") != bool(metric.numerator and metric.denominator):
            raise CatalogError(f"{key}: a ratio, and only a ratio, names a numerator and a denominator")
        entries[key] = metric
    for metric in entries.values():
        for part in (metric.numerator, metric.denominator):
            if part is not None and part not in entries:
                raise CatalogError(f"{metric.key}: {part} is not in the catalog")
    for prefix, target in families.items():
        if target not in entries:
            raise CatalogError(f"family {prefix}: {target} is not in the catalog")
    return entries, families


@functools.cache
def _loaded() -> tuple[dict[str, Metric], dict[str, str]]:
    with CATALOG_FILE.open("rb") as handle:
        return parse(tomllib.load(handle))


def entries() -> dict[str, Metric]:
    return _loaded()[0]


def get(key: str) -> Metric:
    """The metric ``key``; KeyError when the catalog has none (a bug the tests must catch)."""
    return entries()[key]


def find(column: str) -> Metric | None:
    """The metric a table column holds: its own name, or a family prefix (``cost_marketing``)."""
    found = entries().get(column)
    if found is not None:
        return found
    for prefix, target in _loaded()[1].items():
        if column.startswith(prefix):
            return entries()[target]
    return None
