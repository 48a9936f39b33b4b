"""Which system a file comes from and where its mapping starts: recognition, remembered choices, shaping.

Runs between reading a file and validating it. For order files:

1. the profile: the analyst's choice if given (``profile``: a layout id, a system name or
   ``'none'``; ``'auto'`` = recognise, ignoring a remembered choice); else the choice remembered for
   this header set; else recognition from the headers (``profiles.recognise``);
2. the rows: a profile shapes the table (``shape.apply``: excluded rows, derived columns); without
   one the table is the file as read, so an unknown system loads exactly as before profiles;
3. the mapping: the one remembered for this header set when it was confirmed with the same profile,
   else the profile's, else the synonym auto-match.

The channel name a profile writes where the file has none is the system's own unless the analyst
gave another (``channel``), which is then remembered with the mapping.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import duckdb

from data.ingest import profiles, shape
from data.ingest.errors import IngestError
from data.ingest.mapping import Remembered, auto_map, recall, valid_mapping
from data.ingest.profiles import Layout
from data.ingest.read import RawTable
from data.ingest.shape import Shaped

AUTO, NONE = "auto", "none"


@dataclass
class Source:
    """A file as the validation sees it.

    Attributes
    ----------
    raw : RawTable
        The file as read (its headers are the memory key).
    table : RawTable
        The rows to validate: ``raw`` itself, or the sales rows a profile kept, with its columns.
    layout : Layout or None
        The profile layout applied (None: a plain table).
    chosen : bool
        The analyst chose the profile (or none), rather than recognition.
    shaped : Shaped or None
        What the profile did: exclusions, derived columns, warnings.
    mapping, mapping_source :
        Where the mapping starts: ``'remembered'``, ``'profile'`` or ``'auto'``.
    channel_override : str or None
        The analyst's channel name, when it differs from the system's.
    """

    raw: RawTable
    table: RawTable
    layout: Layout | None = None
    chosen: bool = False
    shaped: Shaped | None = None
    mapping: dict[str, str] = dataclasses.field(default_factory=dict)
    mapping_source: str = "auto"
    channel_override: str | None = None

    @property
    def profile(self) -> str:
        """The layout id, or ``'none'``."""
        return self.layout.id if self.layout else NONE

    @property
    def channel(self) -> str | None:
        """The channel written where the file has none (None without a profile)."""
        return self.shaped.channel if self.shaped else None

    def memory(self) -> dict:
        """What to remember with the mapping (see :func:`data.ingest.mapping.remember_mapping`)."""
        return {"profile": self.profile, "chosen": self.chosen, "channel": self.channel_override}


def _choose(
    columns: list[str], kind: str, profile: str | None, remembered: Remembered | None
) -> tuple[Layout | None, bool]:
    if kind != "orders":
        return None, False
    if profile is None and remembered is not None and remembered.chosen:
        return (None if remembered.profile == NONE else profiles.find(remembered.profile, columns)), True
    if profile in (None, AUTO):
        return profiles.recognise(columns), False
    if profile == NONE:
        return None, True
    layout = profiles.find(profile, columns)
    if layout is None:
        names = sorted({lay.system for lay in profiles.layouts()} | {lay.id for lay in profiles.layouts()})
        raise IngestError("unknown_profile", name=profile, profiles=", ".join([NONE, AUTO, *names]))
    return layout, True


def resolve(
    raw: RawTable,
    kind: str = "orders",
    *,
    profile: str | None = None,
    channel: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Source:
    """Recognise (or apply the chosen) profile and find where the mapping starts; nothing is written.

    Raises ``IngestError('unknown_profile')`` for a profile name no profile file defines.
    """
    remembered = recall(con, raw.columns, kind) if con is not None else None
    layout, chosen = _choose(raw.columns, kind, profile, remembered)
    same = remembered is not None and remembered.profile == (layout.id if layout else NONE)
    override = None
    if layout is not None:
        override = channel.strip() if channel and channel.strip() else (remembered.channel if same else None)
        override = None if override == layout.channel else override
    shaped = shape.apply(raw, layout, override) if layout else None
    table = shaped.table if shaped else raw
    kept = valid_mapping(remembered.mapping, table.columns, kind) if same else {}
    if kept:
        mapping, source = kept, "remembered"
    elif shaped is not None:
        mapping, source = dict(shaped.mapping), "profile"
    else:
        mapping, source = auto_map(raw.columns, kind), "auto"
    return Source(raw, table, layout, chosen, shaped, mapping, source, override)


def with_channel(source: Source, channel: str | None) -> Source:
    """The same source with the analyst's channel name (blank or the system's own: no override)."""
    if source.shaped is None:
        return source
    name = (channel or "").strip() or source.layout.channel
    if name == source.shaped.channel:
        return source
    shaped = shape.with_channel(source.shaped, name)
    override = None if name == source.layout.channel else name
    return dataclasses.replace(source, shaped=shaped, table=shaped.table, channel_override=override)
