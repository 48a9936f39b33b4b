"""What the user is looking at: dataset, period, channels and regions, and how it travels in a URL.

Date presets are anchored on the dataset's last order date (the as-of date), not on today's
clock: an export from last year must not open on an empty "this month".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from data import access

PRESETS = ("this_month", "last_90_days", "ytd", "last_year", "all", "custom")
DEFAULT_PRESET = "last_year"


@dataclass(frozen=True)
class Filters:
    """A selection. Empty ``channels``/``regions`` mean all of them.

    The acting user's scope (``data.access``: a role mapping may limit someone to some regions or
    channels) is intersected in here, when the selection is made: every metric, cache key, export
    and report built from a Filters sees only the rows the user may read, whatever page built it.
    """

    dataset: str
    start: dt.date
    end: dt.date
    channels: tuple[str, ...] = field(default_factory=tuple)
    regions: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        scope = access.current().scope
        if scope.limits_rows:
            object.__setattr__(self, "channels", scope.narrow("channels", tuple(self.channels)))
            object.__setattr__(self, "regions", scope.narrow("regions", tuple(self.regions)))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def prior(self) -> Filters:
        """The range of equal length ending the day before ``start`` (METRICS.md).

        Near the calendar's start it is cut at ``date.min`` (see :attr:`comparisons_clamped`).
        """
        prior_end = shift_days(self.start, -1)
        return replace(self, start=shift_days(prior_end, -(self.days - 1)), end=prior_end)

    @property
    def year_ago(self) -> Filters:
        return replace(self, start=_shift_year(self.start), end=_shift_year(self.end))

    @property
    def comparisons_clamped(self) -> bool:
        """True when the prior or year-ago range would start before ``date.min`` and was cut there.

        Loads refuse dates before 1900, so only a warehouse filled before that check can get here;
        the page then says its comparisons are shortened instead of failing.
        """
        return (self.start - dt.date.min).days < self.days or self.start.year <= dt.MINYEAR

    def params(self) -> dict[str, object]:
        """Bound SQL parameters: $dataset $start $end $prior_start $prior_end $channels $regions."""
        prior = self.prior
        return {
            "dataset": self.dataset,
            "start": self.start,
            "end": self.end,
            "prior_start": prior.start,
            "prior_end": prior.end,
            "channels": list(self.channels),
            "regions": list(self.regions),
        }

    def key(self) -> tuple:
        """A hashable cache key (with the dataset version added by the caching layer)."""
        return (self.dataset, self.start, self.end, self.channels, self.regions)


def shift_days(day: dt.date, days: int) -> dt.date:
    """``day + days``, held within ``date.min``..``date.max`` instead of raising OverflowError."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min if days < 0 else dt.date.max


def _shift_year(day: dt.date) -> dt.date:
    if day.year <= dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def preset_range(preset: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The [start, end] of a preset for data spanning ``first``..``last`` (clipped to the data)."""
    if preset == "this_month":
        start = last.replace(day=1)
    elif preset == "last_90_days":
        start = shift_days(last, -89)
    elif preset == "ytd":
        start = last.replace(month=1, day=1)
    elif preset == "last_year":
        start = shift_days(last, -364)
    else:  # "all" and anything unknown
        start = first
    return max(start, first), last


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def to_query(filters: Filters, preset: str, lang: str) -> dict[str, str | list[str]]:
    """URL query parameters for a selection; the inverse of :func:`from_query`."""
    params: dict[str, str | list[str]] = {"lang": lang, "dataset": filters.dataset, "preset": preset}
    if preset == "custom":
        params["start"] = filters.start.isoformat()
        params["end"] = filters.end.isoformat()
    if filters.channels:
        params["channel"] = list(filters.channels)
    if filters.regions:
        params["region"] = list(filters.regions)
    return params


@dataclass(frozen=True)
class UrlState:
    """What a URL asked for, before it is checked against what exists."""

    lang: str | None
    dataset: str | None
    preset: str
    start: dt.date | None
    end: dt.date | None
    channels: tuple[str, ...]
    regions: tuple[str, ...]


def from_query(get_one: Mapping[str, str], get_all: Mapping[str, list[str]]) -> UrlState:
    """Read the URL parameters leniently: anything malformed falls back to its default."""
    lang = get_one.get("lang")
    preset = get_one.get("preset") or DEFAULT_PRESET
    start, end = parse_date(get_one.get("start")), parse_date(get_one.get("end"))
    if preset not in PRESETS:
        preset = DEFAULT_PRESET
    if (start or end) and "preset" not in get_one:
        preset = "custom"
    return UrlState(
        lang=lang if lang in ("zh", "en") else None,
        dataset=get_one.get("dataset") or None,
        preset=preset,
        start=start,
        end=end,
        channels=tuple(dict.fromkeys(get_all.get("channel", []))),
        regions=tuple(dict.fromkeys(get_all.get("region", []))),
    )
