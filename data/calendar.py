"""The Chinese retail calendar the budget model and the demo share: 春节 dates and the holiday
windows (METRICS.md "Budget what-if": seasonality with moving holidays 春节, 618, 双11).

Windows, per calendar day: ``cny_eve`` the 14 days before 春节 (stocking up), ``cny`` 春节 and the
six days after it (shops and logistics pause), ``d618`` June 1–18, ``d11`` November 1–11. 春节
comes from :data:`CNY`; outside its years the two 春节 windows are empty.
"""

from __future__ import annotations

import numpy as np

CNY = {
    2010: "02-14",
    2011: "02-03",
    2012: "01-23",
    2013: "02-10",
    2014: "01-31",
    2015: "02-19",
    2016: "02-08",
    2017: "01-28",
    2018: "02-16",
    2019: "02-05",
    2020: "01-25",
    2021: "02-12",
    2022: "02-01",
    2023: "01-22",
    2024: "02-10",
    2025: "01-29",
    2026: "02-17",
    2027: "02-06",
    2028: "01-26",
    2029: "02-13",
    2030: "02-03",
    2031: "01-23",
    2032: "02-11",
    2033: "01-31",
    2034: "02-19",
    2035: "02-08",
}
HOLIDAYS = ("cny_eve", "cny", "d618", "d11")


def holiday_days(days: np.ndarray) -> dict[str, np.ndarray]:
    """For each calendar day (datetime64[D]), whether it lies in each holiday window (bool arrays)."""
    days = np.asarray(days, dtype="datetime64[D]")
    cny = np.array([np.datetime64(f"{year}-{md}") for year, md in CNY.items()])
    after = np.searchsorted(cny, days, side="right")  # index of the first 春节 after the day
    until_next = np.where(after < len(cny), (cny[np.minimum(after, len(cny) - 1)] - days).astype(int), 10_000)
    since_last = np.where(after > 0, (days - cny[np.maximum(after - 1, 0)]).astype(int), 10_000)
    years = days.astype("datetime64[Y]")
    day_of_year = (days - years.astype("datetime64[D]")).astype(int)
    year = years.astype(int) + 1970
    leap = ((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))).astype(int)
    june1, nov1 = 151 + leap, 304 + leap
    return {
        "cny_eve": (until_next >= 1) & (until_next <= 14),
        "cny": since_last <= 6,
        "d618": (day_of_year >= june1) & (day_of_year < june1 + 18),
        "d11": (day_of_year >= nov1) & (day_of_year < nov1 + 11),
    }


def period_shares(starts: np.ndarray, ends: np.ndarray, names: tuple[str, ...] = HOLIDAYS) -> np.ndarray:
    """(n, len(names)): the share of each period's days [start, end) inside each holiday window."""
    starts, ends = np.asarray(starts, dtype="datetime64[D]"), np.asarray(ends, dtype="datetime64[D]")
    if not len(starts):
        return np.zeros((0, len(names)))
    days = np.arange(starts.min(), ends.max())
    inside = holiday_days(days)
    out = np.zeros((len(starts), len(names)))
    cumulative = {name: np.concatenate([[0], np.cumsum(inside[name])]) for name in names}
    first, last = (starts - days[0]).astype(int), (ends - days[0]).astype(int)
    lengths = np.maximum(last - first, 1)
    for j, name in enumerate(names):
        out[:, j] = (cumulative[name][last] - cumulative[name][first]) / lengths
    return out
