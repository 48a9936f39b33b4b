"""Apply a source profile to a raw table: which rows are sales, and the columns that describe them.

The result is another raw table (the sales rows in file order, with their file row numbers) plus a
mapping onto it, so validation and the load run exactly as for any file. Columns the profile
computes are added under names no export uses (``⟨revenue⟩``, ``⟨province⟩``, ``⟨region⟩``,
``⟨channel⟩``) and can be chosen or replaced in the mapping like any other column.

Steps, in order: clean the cells the profile reads (``="…"`` wrappers, the system's words for
"empty", lower-cased ids); continue orders over blank order ids (``fill_key``) and fill order-level
cells a system writes only on an order's first line (``order_fill``); apply the row rules (excluded
rows are counted per reason and value); compute the amounts on the remaining rows, spreading
order-level money over the order's lines; then province, region and channel. Work on text is done
on distinct values, so a million rows with a few thousand statuses cost little.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.ingest.mapping import normalise_header
from data.ingest.parse import NULL_TOKENS, parse_numbers
from data.ingest.profiles import Amount, Layout, Rule, Term, fold
from data.ingest.read import RawTable
from data.ingest.regions import province_of, region_of

MAX_LISTED_EXCLUDED = 50
_MASKED = r"\*|＊|密文"  # 李**, 138****1234, Douyin's ##密文: shown to the seller, never an identity


def derived_name(name: str) -> str:
    """The column a profile computes for a field: ``⟨revenue⟩``."""
    return f"⟨{name}⟩"


@dataclass
class Shaped:
    """A raw table seen through a layout.

    Attributes
    ----------
    table : RawTable
        The rows that are sales, in file order with their file row numbers; derived columns added.
    mapping : dict[str, str]
        Field → column of ``table`` as the layout reads it.
    excluded_counts : dict[str, int]
        Rows excluded per reason (``excluded_<reason>`` texts).
    excluded : list[dict]
        ``{"reason", "column", "value", "rows"}`` per status value, most rows first (50 at most).
    channel : str
        The channel written where the file names none (the system's own, or the analyst's).
    channel_base : Series or None
        The file's channel column on the sales rows (NA where blank); None when it has none.
    """

    table: RawTable
    mapping: dict[str, str]
    excluded_counts: dict[str, int] = field(default_factory=dict)
    excluded: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    channel: str = ""
    channel_base: pd.Series | None = None

    @property
    def rows_excluded(self) -> int:
        return sum(self.excluded_counts.values())


class _Columns:
    """The file's headers looked up by their normalised form (first of equals wins)."""

    def __init__(self, columns: list[str]) -> None:
        self.by_norm: dict[str, str] = {}
        for column in columns:
            self.by_norm.setdefault(normalise_header(column), column)

    def find(self, headers: tuple[str, ...]) -> str | None:
        return next((self.by_norm[n] for n in map(normalise_header, headers) if n in self.by_norm), None)


def apply(raw: RawTable, layout: Layout, channel: str | None = None) -> Shaped:
    """The sales rows of ``raw`` read through ``layout``; ``channel`` overrides the system's name."""
    cols = _Columns(raw.columns)
    blanks = NULL_TOKENS | layout.blank
    frame = _clean(raw.frame, cols, layout)
    key = cols.find(layout.fields.get("order_id", ()))
    if key and layout.fill_key:
        frame[key] = _fill_down(frame[key], blanks)
    if key and layout.order_fill:
        _fill_within_orders(frame, key, [c for c in (cols.find((h,)) for h in layout.order_fill) if c], blanks)
    reasons, excluded = _apply_rules(frame, cols, layout.rules, blanks)
    keep = reasons == ""
    rows = frame[keep].reset_index(drop=True)
    table = dataclasses.replace(
        raw, frame=rows, row_numbers=raw.row_numbers[keep].reset_index(drop=True), warnings=list(raw.warnings)
    )
    shaped = Shaped(
        table,
        _plain_mapping(layout, cols),
        excluded=excluded,
        excluded_counts={str(k): int(v) for k, v in Counter(reasons[~keep]).most_common()},
    )
    _add_amounts(shaped, layout, cols, key)
    _add_places(shaped, layout, cols)
    _add_channel(shaped, layout, cols, channel or layout.channel, blanks)
    _drop_masked_customer(shaped)
    return shaped


def with_channel(shaped: Shaped, channel: str) -> Shaped:
    """The same rows with another channel name where the file has none."""
    frame = shaped.table.frame.copy(deep=False)
    frame[derived_name("channel")] = _channel_values(shaped.channel_base, channel, len(frame))
    table = dataclasses.replace(shaped.table, frame=frame)
    return dataclasses.replace(shaped, table=table, channel=channel)


def _used_columns(layout: Layout, cols: _Columns) -> set[str]:
    headers = [*layout.fields.values(), layout.province_from, layout.channel_from, *(r.column for r in layout.rules)]
    headers += [(h,) for h in (*layout.order_fill, *layout.lowercase)]
    headers += [f.headers for a in layout.amounts.values() for t in (*a.line, *a.order, *a.weight) for f in t.factors]
    return {c for c in (cols.find(h) for h in headers) if c}


def _clean(frame: pd.DataFrame, cols: _Columns, layout: Layout) -> pd.DataFrame:
    """A shallow copy whose text columns the layout reads are cleaned (distinct values only)."""
    out = frame.copy(deep=False)
    lower = {cols.find((h,)) for h in layout.lowercase}
    for column in _used_columns(layout, cols):
        values = out[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        before = pd.Series(uniques, dtype="str")
        u = before.str.strip(" \t\r\n\u00a0\u3000\ufeff")
        u = u.str.replace(r'^="(.*)"$', r"\1", regex=True)  # old Taobao CSVs guard ids from Excel this way
        if layout.blank:
            u = u.mask(u.str.normalize("NFKC").str.casefold().isin(layout.blank), "")
        if column in lower:
            u = u.str.lower()
        if not u.equals(before):  # most columns need nothing: rebuilding them is the costly part
            out[column] = pd.Series(np.append(u.to_numpy(dtype=object), None)[codes], index=values.index, dtype="str")
    return out


def _is_blank(values: pd.Series, blanks: frozenset[str]) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    blank = [fold(u) in blanks or not fold(u) for u in uniques] + [True]
    return np.asarray(blank, dtype=bool)[codes]


def _fill_down(values: pd.Series, blanks: frozenset[str]) -> pd.Series:
    """Blank order ids continue the order above (merged cells, header cells left blank on later lines)."""
    return values.mask(_is_blank(values, blanks)).ffill().astype("str")


def _fill_within_orders(frame: pd.DataFrame, key: str, columns: list[str], blanks: frozenset[str]) -> None:
    """Blank cells of order-level columns take the first value their order has."""
    for column in dict.fromkeys(columns):
        if column == key:
            continue
        values = frame[column]
        blank = _is_blank(values, blanks)
        if blank.any():
            first = values.mask(blank).groupby(frame[key], sort=False).transform("first")
            frame[column] = values.where(~blank, first)


def _rule_hits(rule: Rule, values: pd.Series, blanks: frozenset[str]) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    folded = [fold(u) for u in uniques] + [""]
    hits = [_matches(rule, f, f in blanks or not f) for f in folded]
    return np.asarray(hits, dtype=bool)[codes]


def _matches(rule: Rule, folded: str, blank: bool) -> bool:
    if rule.any:
        return True
    if rule.empty or rule.nonempty:
        return blank == rule.empty
    if rule.values:
        return folded in rule.values
    if rule.prefix:
        return folded.startswith(rule.prefix)
    return any(part in folded for part in rule.contains)


def _apply_rules(
    frame: pd.DataFrame, cols: _Columns, rules: tuple[Rule, ...], blanks: frozenset[str]
) -> tuple[np.ndarray, list[dict]]:
    """Each row's exclusion reason ("" = a sale) and the excluded rows per reason and value."""
    reasons = np.full(len(frame), "", dtype=object)
    decided = np.zeros(len(frame), dtype=bool)
    detail: Counter = Counter()
    for rule in rules:
        column = cols.find(rule.column)
        if column is None:
            continue
        hit = _rule_hits(rule, frame[column], blanks) & ~decided
        decided |= hit
        if rule.reason and hit.any():
            reasons[hit] = rule.reason
            for value, rows in frame[column][hit].fillna("").value_counts(sort=False).items():
                detail[(rule.reason, column, str(value)[:80])] += int(rows)
    listed = sorted(detail.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_LISTED_EXCLUDED]
    return reasons, [{"reason": r, "column": c, "value": v, "rows": n} for (r, c, v), n in listed]


def _plain_mapping(layout: Layout, cols: _Columns) -> dict[str, str]:
    found = {name: cols.find(headers) for name, headers in layout.fields.items()}
    return {name: column for name, column in found.items() if column}


def _order_groups(frame: pd.DataFrame, key: str | None) -> np.ndarray:
    """An integer per order; a line without an order id is an order of its own."""
    n = len(frame)
    if key is None:
        return np.arange(n)
    codes, _ = pd.factorize(frame[key], use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=0) + 1 + np.arange(n), codes)


class _Numbers:
    """Each column parsed as numbers once, however many expressions read it."""

    def __init__(self, frame: pd.DataFrame, cols: _Columns) -> None:
        self.frame, self.cols, self.parsed = frame, cols, {}

    def column(self, headers: tuple[str, ...]) -> str | None:
        return self.cols.find(headers)

    def get(self, column: str):
        if column not in self.parsed:
            self.parsed[column] = parse_numbers(self.frame[column])
        return self.parsed[column]


def _evaluate(terms: tuple[Term, ...], numbers: _Numbers) -> tuple[np.ndarray, np.ndarray] | None:
    """Values of an expression per row and the text of a cell that is not a number (None: no bad cell).

    None when a required column is absent. Empty cells of optional columns count as 0.
    """
    n = len(numbers.frame)
    total = np.zeros(n)
    bad_text = np.full(n, None, dtype=object)
    for term in terms:
        product = np.ones(n)
        for factor in term.factors:
            column = numbers.column(factor.headers)
            if column is None:
                if factor.optional:
                    product = None
                    break
                return None
            parsed = numbers.get(column)
            values = parsed.values.to_numpy(dtype="float64", na_value=np.nan)
            if factor.optional:
                values = np.where(parsed.missing, 0.0, values)
            bad = parsed.bad & pd.isna(bad_text)
            bad_text[bad] = numbers.frame[column][bad].astype("str").to_numpy()
            product = product * values
        if product is not None:
            total = total + term.sign * product
    return total, bad_text


def _spread(
    order_values: np.ndarray, weight: np.ndarray | None, groups: np.ndarray, duplicate: np.ndarray
) -> np.ndarray:
    """Each order's amount (its first value) shared over its lines by weight, equally without one.

    Exact duplicate lines get nothing: validation drops them, and the amount stays whole.
    """
    by_order = pd.Series(order_values).groupby(groups)
    first = by_order.transform("first").to_numpy()
    w = np.ones(len(groups)) if weight is None else np.clip(np.nan_to_num(weight), 0, None)
    w = np.where(duplicate, 0.0, w)
    w_sum = pd.Series(w).groupby(groups).transform("sum").to_numpy()
    lines = pd.Series((~duplicate).astype(float)).groupby(groups).transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(w_sum > 0, w / w_sum, np.where(duplicate, 0.0, 1.0 / lines))
    return first * share


def _amount_column(amount: Amount, numbers: _Numbers, groups: np.ndarray, duplicate: np.ndarray) -> pd.Series | None:
    line = _evaluate(amount.line, numbers) if amount.line else (np.zeros(len(groups)), np.full(len(groups), None))
    order = _evaluate(amount.order, numbers) if amount.order else None
    if line is None or (amount.order and order is None):
        return None
    values, bad_text = line
    if order is not None:
        weight = _evaluate(amount.weight, numbers) if amount.weight else None
        values = values + _spread(order[0], None if weight is None else weight[0], groups, duplicate)
        order_bad = pd.Series(order[1]).groupby(groups).transform("first").to_numpy()
        bad_text = np.where(pd.isna(bad_text), order_bad, bad_text)
    out = pd.Series(values)
    bad = ~pd.isna(bad_text)
    if bad.any():  # keep the cell as written, so validation rejects the row and shows the value
        out = out.astype(object)
        out[bad] = bad_text[bad]
    return out


def _add_amounts(shaped: Shaped, layout: Layout, cols: _Columns, key: str | None) -> None:
    frame = shaped.table.frame
    numbers = _Numbers(frame, cols)
    groups = _order_groups(frame, key)
    spread = any(a.order for a in layout.amounts.values())
    duplicate = (
        pd.util.hash_pandas_object(frame, index=False).duplicated().to_numpy()
        if spread
        else np.zeros(len(frame), dtype=bool)
    )
    for name, amount in layout.amounts.items():
        values = _amount_column(amount, numbers, groups, duplicate)
        if values is None:
            continue
        frame[derived_name(name)] = values
        shaped.mapping[name] = derived_name(name)
        shaped.derived.append(f"{name} = {_describe(amount, cols)}")


def _render(terms: tuple[Term, ...], cols: _Columns) -> str:
    text = ""
    for term in terms:
        names = [cols.find(f.headers) for f in term.factors]
        if None in names:
            continue
        text += (" - " if term.sign < 0 else " + " if text else "") + " * ".join(names)
    return text.strip()


def _describe(amount: Amount, cols: _Columns) -> str:
    """The formula as columns, in notation that reads the same in both languages.

    ``(A - B) × w / Σw, w = C * D``: the order's amount shared by its lines' weights; ``/ n``: equally.
    """
    parts = [_render(amount.line, cols)] if amount.line else []
    if amount.order:
        share = f" × w / Σw, w = {_render(amount.weight, cols)}" if amount.weight else " / n"
        parts.append(f"({_render(amount.order, cols)}){share}")
    return " + ".join(parts)


def _add_places(shaped: Shaped, layout: Layout, cols: _Columns) -> None:
    """Province from an address or province column; region from the province when the layout says so."""
    frame = shaped.table.frame
    source = cols.find(layout.province_from)
    if source:
        frame[derived_name("province")] = province_of(frame[source])
        shaped.mapping["province"] = derived_name("province")
    if layout.region_from_province and "province" in shaped.mapping:
        provinces = frame[shaped.mapping["province"]]
        frame[derived_name("region")] = region_of(provinces if source else province_of(provinces))
        shaped.mapping["region"] = derived_name("region")


def _channel_values(base: pd.Series | None, channel: str, n: int) -> pd.Series:
    if base is None:
        return pd.Series(channel, index=range(n), dtype="str")
    return base.fillna(channel)


def _add_channel(shaped: Shaped, layout: Layout, cols: _Columns, channel: str, blanks: frozenset[str]) -> None:
    """The file's channel column (lead source), its blanks and a file without one given ``channel``."""
    frame = shaped.table.frame
    source = cols.find(layout.channel_from)
    if source:
        values = frame[source].astype("str").str.strip()
        shaped.channel_base = values.mask(_is_blank(values, blanks))
    shaped.channel = channel
    frame[derived_name("channel")] = _channel_values(shaped.channel_base, channel, len(frame))
    shaped.mapping["channel"] = derived_name("channel")


def _drop_masked_customer(shaped: Shaped) -> None:
    """Masked buyer names or phones (李**, 138****1234) are not ids: no customer column then."""
    column = shaped.mapping.get("customer_id")
    if column is None:
        return
    values = shaped.table.frame[column].dropna().astype("str")
    values = values[values.str.strip() != ""]
    if not values.empty and values.str.contains(_MASKED, regex=True).mean() > 0.5:
        del shaped.mapping["customer_id"]
        shaped.warnings.append({"code": "customer_masked", "params": {"column": column}})
