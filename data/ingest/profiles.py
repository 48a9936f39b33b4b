"""Source profiles: what the exports of known systems look like and what their rows mean, as data.

One TOML file per system in ``data/ingest/profiles/`` (its comment names the sources). A file sets
``system`` (the ``--profile`` name), ``channel`` (the channel its sales get when the file has no
channel column: the system itself, editable before loading) and one or more ``[[layout]]``:

``id``
    ``system`` or ``system.variant``; its label is ``profile_<id with . as _>`` in
    ``present/locales/profiles.toml``.
``signature``
    groups of header alternatives; the layout fits a file when every group has a header in it.
    Headers compare normalised (NFKC width folding, case, spaces and punctuation dropped), so
    trailing spaces, full-width brackets and column order do not matter; English and Chinese UI
    captions are simply alternatives.
``fields``
    canonical field → ``"A|B"``: the first of these headers the file has.
``amounts``
    money fields computed from columns: a string is a per-line expression; a table has ``line``,
    ``order`` and ``weight`` expressions. An ``order`` amount is one value per order (repeated on
    each line, as JD does, or only on an order's first line, as Shopify does), taken once and
    spread over the order's lines in proportion to ``weight`` (equally without one), so revenue
    counts once and each line keeps its product and quantity. Expressions add and subtract terms
    (``" + "``, ``" - "``), a term multiplies factors (``" * "``), a factor is ``"A|B"`` and a
    trailing ``?`` makes it optional (absent column: the term is left out; empty cell: 0).
``rules``
    ordered row rules on a status column (``column``, alternatives): ``keep = true`` or
    ``exclude = "<reason>"``, matching ``values`` / ``prefix`` / ``contains`` (compared in
    NFKC-folded lower case, so "，" and "," are the same), ``empty``, ``nonempty`` or ``any``.
    The first rule that matches a row decides; a rule whose column the file lacks is skipped;
    rows no rule matches are sales. Excluded rows are counted per reason (``excluded_<reason>``).
``blank``, ``lowercase``, ``fill_key``, ``order_fill``
    cell texts meaning "empty" in this system (``无退款申请``); columns to lower-case (e-mail
    ids); ``fill_key``: a line with a blank order id continues the order above (merged or blanked
    header cells); ``order_fill``: columns whose blank cells take their order's first value.
``province_from``, ``region_from_province``, ``channel_from``
    a column holding an address or a province (→ short province name, ``regions.py``); whether
    the region comes from that province; a column holding the channel (lead source), whose blank
    cells get the system's channel.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from data.ingest.mapping import ORDERS, normalise_header

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
AMOUNT_FIELDS = ("revenue", "refund", "cost", "discount")
MATCHERS = ("values", "prefix", "contains", "empty", "nonempty", "any")
_TERM_SPLIT = re.compile(r"\s+([+-])\s+")


@dataclass(frozen=True)
class Factor:
    """One column of an expression: header alternatives, optional or not."""

    headers: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class Term:
    sign: int
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Amount:
    """A money field from columns: per-line terms plus per-order terms spread by weight."""

    line: tuple[Term, ...] = ()
    order: tuple[Term, ...] = ()
    weight: tuple[Term, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Rule:
    """Keep or exclude the rows whose ``column`` matches; see the module docstring."""

    column: tuple[str, ...]
    reason: str | None  # None: keep
    values: frozenset[str] = frozenset()
    prefix: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    empty: bool = False
    nonempty: bool = False
    any: bool = False


@dataclass(frozen=True)
class Layout:
    """One export layout of one system."""

    id: str
    system: str
    channel: str
    signature: tuple[tuple[str, ...], ...]
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    amounts: dict[str, Amount] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    blank: frozenset[str] = frozenset()
    lowercase: tuple[str, ...] = ()
    fill_key: bool = False
    order_fill: tuple[str, ...] = ()
    province_from: tuple[str, ...] = ()
    region_from_province: bool = False
    channel_from: tuple[str, ...] = ()

    @property
    def label_key(self) -> str:
        """The translation key of the layout's name (``profile_jd``, ``profile_salesforce_report``)."""
        return "profile_" + self.id.replace(".", "_")

    def headers(self) -> set[str]:
        """Every normalised header the layout knows (for scoring how well a file fits)."""
        names = {h for group in self.signature for h in group}
        names |= {h for alts in (*self.fields.values(), self.province_from, self.channel_from) for h in alts}
        names |= {h for rule in self.rules for h in rule.column}
        names |= {
            h
            for a in self.amounts.values()
            for t in (*a.line, *a.order, *a.weight)
            for f in t.factors
            for h in f.headers
        }
        return {normalise_header(h) for h in names}


def alternatives(text: str) -> tuple[str, ...]:
    """``"A|B"`` → ``("A", "B")``."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def parse_expression(text: str) -> tuple[Term, ...]:
    """``"A|B - C? + D * E"`` → terms (see the module docstring)."""
    body = text.strip()
    first = 1
    if body[:2] in ("- ", "+ "):
        first, body = (-1 if body[0] == "-" else 1), body[2:].strip()
    parts = _TERM_SPLIT.split(body)
    signs = [first] + [1 if op == "+" else -1 for op in parts[1::2]]
    terms = []
    for sign, term in zip(signs, parts[0::2], strict=True):
        factors = []
        for raw in term.split(" * "):
            raw = raw.strip()
            optional = raw.endswith("?")
            headers = alternatives(raw.rstrip("?"))
            if not headers:
                raise ValueError(f"empty column in expression {text!r}")
            factors.append(Factor(headers, optional))
        terms.append(Term(sign, tuple(factors)))
    return tuple(terms)


def _amount(spec: str | dict) -> Amount:
    if isinstance(spec, str):
        return Amount(line=parse_expression(spec), text=spec)
    unknown = set(spec) - {"line", "order", "weight"}
    if unknown or not (spec.get("line") or spec.get("order")):
        raise ValueError(f"an amount needs line and/or order (and optional weight): {spec}")
    parts = {k: parse_expression(v) for k, v in spec.items()}
    text = " + ".join(filter(None, (spec.get("line"), spec.get("order") and f"[{spec['order']}] per order")))
    return Amount(text=text, **parts)


def _rule(spec: dict) -> Rule:
    unknown = set(spec) - {"column", "keep", "exclude", *MATCHERS}
    matchers = [m for m in MATCHERS if spec.get(m)]
    if unknown or len(matchers) != 1 or ("keep" in spec) == ("exclude" in spec):
        raise ValueError(f"a rule needs a column, keep or exclude, and one matcher: {spec}")
    return Rule(
        column=alternatives(spec["column"]),
        reason=spec.get("exclude"),
        values=frozenset(fold(v) for v in spec.get("values", ())),
        prefix=tuple(fold(v) for v in spec.get("prefix", ())),
        contains=tuple(fold(v) for v in spec.get("contains", ())),
        empty=bool(spec.get("empty")),
        nonempty=bool(spec.get("nonempty")),
        any=bool(spec.get("any")),
    )


def fold(text: str) -> str:
    """Status text as rules compare it (and shape.py folds row values): width folded, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


LAYOUT_KEYS = {
    "id",
    "signature",
    "fields",
    "amounts",
    "rules",
    "blank",
    "lowercase",
    "fill_key",
    "order_fill",
    "province_from",
    "region_from_province",
    "channel_from",
}


def _layout(spec: dict, system: str, channel: str) -> Layout:
    unknown = set(spec) - LAYOUT_KEYS
    fields = {name: alternatives(value) for name, value in spec.get("fields", {}).items()}
    amounts = {name: _amount(value) for name, value in spec.get("amounts", {}).items()}
    bad_fields = (set(fields) | set(amounts)) - set(ORDERS.names) | set(amounts) - set(AMOUNT_FIELDS)
    if unknown or bad_fields or set(fields) & set(amounts):
        raise ValueError(f"layout {spec.get('id')}: unknown keys {sorted(unknown)} or fields {sorted(bad_fields)}")
    return Layout(
        id=spec["id"],
        system=system,
        channel=channel,
        signature=tuple(tuple(group) for group in spec["signature"]),
        fields=fields,
        amounts=amounts,
        rules=tuple(_rule(r) for r in spec.get("rules", ())),
        blank=frozenset(fold(b) for b in spec.get("blank", ())),
        lowercase=tuple(spec.get("lowercase", ())),
        fill_key=bool(spec.get("fill_key")),
        order_fill=tuple(spec.get("order_fill", ())),
        province_from=alternatives(spec.get("province_from", "")),
        region_from_province=bool(spec.get("region_from_province")),
        channel_from=alternatives(spec.get("channel_from", "")),
    )


def load_profile(path: Path) -> tuple[Layout, ...]:
    """The layouts of one profile file; ``ValueError`` names what is wrong with it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    try:
        system, channel = data["system"], data["channel"]
        layouts = tuple(_layout(spec, system, channel) for spec in data["layout"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    if any(not (lay.id == system or lay.id.startswith(system + ".")) for lay in layouts):
        raise ValueError(f"{path.name}: layout ids must be {system!r} or start with {system + '.'!r}")
    return layouts


@functools.cache
def layouts() -> tuple[Layout, ...]:
    """Every layout of every profile file, in file-name order."""
    found = tuple(lay for path in sorted(PROFILE_DIR.glob("*.toml")) for lay in load_profile(path))
    ids = [lay.id for lay in found]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate layout ids in {PROFILE_DIR}")
    return found


@functools.cache
def _signatures() -> tuple[tuple[Layout, tuple[frozenset[str], ...], frozenset[str]], ...]:
    return tuple(
        (lay, tuple(frozenset(normalise_header(h) for h in g) for g in lay.signature), frozenset(lay.headers()))
        for lay in layouts()
    )


def candidates(columns: list[str]) -> list[Layout]:
    """The layouts whose signature the headers satisfy, best fit first.

    Fit = how many of the file's headers the layout knows; ties keep file order.
    """
    present = {normalise_header(c) for c in columns}
    scored = [
        (-len(known & present), index, lay)
        for index, (lay, groups, known) in enumerate(_signatures())
        if all(group & present for group in groups)
    ]
    return [lay for *_, lay in sorted(scored, key=lambda s: s[:2])]


def recognise(columns: list[str]) -> Layout | None:
    """The best-fitting layout for these headers, or None (an unknown system)."""
    found = candidates(columns)
    return found[0] if found else None


def find(name: str, columns: list[str] | None = None) -> Layout | None:
    """A layout by id, or by system name (then the system's best fit for ``columns``, else its first)."""
    by_id = {lay.id: lay for lay in layouts()}
    if name in by_id:
        return by_id[name]
    system = [lay for lay in layouts() if lay.system == name]
    fitting = [lay for lay in candidates(columns or []) if lay.system == name]
    return (fitting or system or [None])[0]
