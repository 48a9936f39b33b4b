"""Province from a province cell or a full address, and region from the province (``regions.toml``).

Chinese shipping addresses start with the province, written in full (``江苏省``, ``内蒙古自治区``),
short (``江西南昌市…``, JD writes no separator) or followed by a space (``上海 上海市 …``, Taobao).
Every short name has two characters except 黑龙江 and 内蒙古, so the province is the first three
characters when they are one of those, else the first two when they name a province. Work is done
on distinct values only: a million addresses hold far fewer distinct beginnings.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from pathlib import Path

import pandas as pd

REGIONS_FILE = Path(__file__).resolve().parent / "regions.toml"


@functools.cache
def region_table() -> dict[str, str]:
    """Short province name → region, from ``regions.toml``."""
    with REGIONS_FILE.open("rb") as handle:
        regions = tomllib.load(handle)["regions"]
    table: dict[str, str] = {}
    for region, provinces in regions.items():
        for province in provinces:
            if province in table:
                raise ValueError(f"{province} is listed under both {table[province]} and {region}")
            table[province] = region
    return table


def province_of(values: pd.Series) -> pd.Series:
    """The short province name each address or province cell starts with; NA when none does."""
    table = region_table()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = [_province(unicodedata.normalize("NFKC", str(u)).strip(), table) for u in uniques]
    out = pd.Series(found + [None], dtype="str").to_numpy()[codes]
    return pd.Series(out, index=values.index, dtype="str")


def _province(text: str, table: dict[str, str]) -> str | None:
    for width in (3, 2):
        if text[:width] in table:
            return text[:width]
    return None


def region_of(provinces: pd.Series) -> pd.Series:
    """The region of each short province name (NA for unknown or missing ones)."""
    return provinces.map(region_table(), na_action="ignore").astype("str")
