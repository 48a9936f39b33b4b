"""Raw table + mapping → typed canonical rows and a validation report, before anything is written.

Decisions (the Data page and the docs rely on them):

- Row numbers in rejects are 1-based *file* rows as a spreadsheet shows them: the header row
  counts (so the first data row under a header on row 1 is row 2).
- A row with any problem is rejected whole, with its first reason; the others load. The first
  ``MAX_LISTED_REJECTS`` rejects are listed, all are counted per reason.
- Lines identical in every column are duplicates: the first is kept, the rest dropped and
  counted (``duplicate_lines``). Repeated order ids with different content are separate lines
  of one order (``line`` = 1, 2, ... in file order).
- Revenue is net line revenue as given. Without a revenue column it is ``unit_price × quantity``
  (a discount column is then recorded, not subtracted). ``cost = revenue − profit`` when only
  profit is given.
- A discount column holding rates (every value in 0..1, or percent strings, or a header such as
  折扣率/discount rate) is converted to an amount: with revenue given (already net, as
  Superstore's Sales) ``amount = revenue × r / (1 − r)``; with derived revenue ``revenue × r``.
- Negative quantities are returns: kept, counted, and their revenue made negative when the file
  gave it positive.
- No order id column: each line becomes its own order with id ``H`` + 16 hex digits of a hash of
  the line's mapped values, so the same line appended again is recognised.
- No channel (region) column: every line gets ``全部`` and ``has_channel`` (``has_region``) is
  False; empty cells in a mapped channel/region column become ``未知``.
- No customer column: ``customer_id`` is NULL (the registry then says ``has_customer`` False).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from data.ingest import voice
from data.ingest.errors import IngestError
from data.ingest.mapping import FieldSpec, TableSpec, missing_required, normalise_header, spec
from data.ingest.parse import Parsed, parse_dates, parse_numbers, parse_text
from data.ingest.read import RawTable
from data.ingest.shape import derived_name
from data.ingest.source import Source, resolve, with_channel

MAX_LISTED_REJECTS = 1000
MAX_TEXT_CHARS = 2000
# Dates a sales file can hold: a year-1 or year-9999 date makes every "prior period" and "year
# ago" range leave the calendar. Amounts past ±10^13 (ten trillion) per line are not sales, and
# sums of them would overflow the exact DECIMAL(38,6) money arithmetic of RFM.
FIRST_DATE = np.datetime64("1900-01-01")
LAST_DATE = np.datetime64("2100-12-31")
MAX_AMOUNT = 1e13
PREVIEW_ROWS = 20
ALL_VALUE = "全部"
UNKNOWN_VALUE = "未知"
_MISSING_NUMBER = {"score": "missing_score", "visitors": "missing_visitors"}  # required numbers that are not money
_RATE_HEADERS = {normalise_header(h) for h in ("折扣率", "discount rate", "discount %", "discount pct", "折扣比例")}


@dataclass
class Reject:
    """One rejected row: file row number, reason code (text: ``ingest_reason_<code>``), field, value."""

    row: int
    code: str
    field: str | None = None
    value: str | None = None


@dataclass
class ValidationReport:
    """What a file will load as; JSON-serialisable through :meth:`to_dict` / :meth:`to_json`.

    ``ok`` is False when ``errors`` is not empty (nothing can load). Codes in ``errors``,
    ``warnings`` and ``rejects`` have texts ``ingest_error_*``, ``ingest_warn_*``,
    ``ingest_reason_*`` in ``data/ingest/messages.toml``; each entry carries its ``params``.
    """

    kind: str = "orders"
    source: str | None = None
    file_kind: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_source: str = "auto"
    source_profile: str | None = None
    source_profile_chosen: bool = False
    source_channel: str | None = None
    derived: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_excluded: int = 0
    excluded_counts: dict[str, int] = field(default_factory=dict)
    excluded: list[dict] = field(default_factory=list)
    rows_accepted: int = 0
    rows_rejected: int = 0
    reject_counts: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    duplicate_lines: int = 0
    duplicate_policy: str = "dropped"
    negative_quantity_lines: int = 0
    orders: int = 0
    customers: int = 0
    date_min: str | None = None
    date_max: str | None = None
    totals: dict[str, float | None] = field(default_factory=dict)
    has_channel: bool = True
    has_region: bool = True
    has_customer: bool = True
    synthetic_order_id: bool = False
    preview: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    dataset: str | None = None
    mode: str | None = None
    loaded: bool = False
    rows_inserted: int = 0
    skipped_existing: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        out = asdict(self)
        out["ok"] = self.ok
        return out

    def to_json(self, **kwargs: object) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str, **kwargs)


@dataclass
class Prepared:
    """Rows ready for the warehouse (``frame``: the target table's columns, without ``dataset``).

    ``columns`` are the file's headers (the memory key); ``memory`` the profile decisions to
    remember with the mapping (``Source.memory``).
    """

    frame: pd.DataFrame
    report: ValidationReport
    kind: str
    columns: list[str]
    memory: dict = field(default_factory=dict)


def apply_overrides(
    table: RawTable, kind: str, base: dict[str, str], source: str, overrides: dict[str, str] | None
) -> tuple[dict[str, str], str]:
    """The starting mapping with the user's overrides on top (empty value = unmap)."""
    table_spec = spec(kind)
    mapping = dict(base)
    for name, column in (overrides or {}).items():
        if name not in table_spec.names:
            raise IngestError("unknown_field", field=name, fields=", ".join(table_spec.names))
        if not column:
            mapping.pop(name, None)
            continue
        if column not in table.columns:
            raise IngestError("unknown_column", column=column, columns=", ".join(table.columns))
        mapping[name] = column
    if overrides:
        source = "user" if source == "auto" else f"{source}+user"
    return mapping, source


def prepare(
    raw: RawTable,
    mapping: dict[str, str] | None = None,
    *,
    kind: str = "orders",
    date_order: str = "auto",
    con: object = None,
    progress: Callable[[float, str], None] | None = None,
    profile: str | None = None,
    channel: str | None = None,
    source: Source | None = None,
) -> Prepared:
    """Type, check and normalise a raw table; nothing is written.

    Parameters
    ----------
    raw : RawTable
        From :func:`data.ingest.read.read_file`.
    mapping : dict[str, str], optional
        User overrides ``field → column`` (an empty column removes a field).
    kind : str
        ``orders`` (default) or an extra kind: ``channel_costs``, ``crm_spend``, ``customers``,
        ``weekly_spend``, ``crm_contacts``, ``experiments``, ``feedback``, ``interactions``, ``traffic``.
    date_order : {"auto", "MDY", "DMY"}
    con : DuckDB connection, optional
        When given, what was remembered for these headers (mapping, profile choice) is the start.
    profile : str, optional
        Source profile: a layout id or system name, ``'none'``, ``'auto'``; default the remembered
        choice, else recognition (see :mod:`data.ingest.source`).
    channel : str, optional
        Channel name for the sales of a file without a channel column (default: the system's).
    source : Source, optional
        A resolution already made for ``raw`` (the Data page shows it before validating).
    """
    src = source or resolve(raw, kind, profile=profile, channel=channel, con=con)
    if source is not None and channel is not None:
        src = with_channel(src, channel)
    table = src.table
    resolved, mapping_source = apply_overrides(table, kind, src.mapping, src.mapping_source, mapping)
    report = _new_report(src, kind, resolved, mapping_source)
    missing = missing_required(resolved, kind)
    if missing:
        report.errors.append({"code": "missing_required", "params": {"fields": ", ".join(missing)}})
        return Prepared(pd.DataFrame(), report, kind, raw.columns, src.memory())
    parsed = _parse_fields(table.frame, resolved, spec(kind), date_order, report)
    if progress:
        progress(0.5, "parse")
    reasons = _Reasons(len(table.frame))
    _check_fields(parsed, spec(kind), reasons)
    out = (
        _orders(parsed, resolved, report, reasons.flag, len(table.frame))
        if kind == "orders"
        else _extra_rows(parsed, spec(kind), report, table.frame.index)
    )
    if kind in _EVIDENCE:  # budget evidence (issue 11): weeks on Mondays, control groups, test windows
        out = _EVIDENCE[kind](out, resolved, report, reasons.flag)
    if kind in voice.HOOKS:  # customer voice (issue 15): scales, contact types, periods, profile fields
        out = voice.HOOKS[kind](out, parsed, resolved, report, reasons.flag)
    keep = _count_rows(table, resolved, reasons, report, raw.columns)
    out = _finish(out[keep].reset_index(drop=True), kind, report)
    report.preview = _preview(out)
    if progress:
        progress(0.6, "parse")
    return Prepared(out, report, kind, raw.columns, src.memory())


def _new_report(src: Source, kind: str, mapping: dict[str, str], mapping_source: str) -> ValidationReport:
    raw = src.raw
    report = ValidationReport(
        kind=kind,
        source=raw.filename,
        file_kind=raw.file_kind,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        sheets=list(raw.sheets),
        header_row=raw.header_row,
        columns=raw.columns,
        mapping=mapping,
        mapping_source=mapping_source,
        rows_read=len(raw.frame),
        warnings=list(raw.warnings),
    )
    shaped = src.shaped
    if shaped is not None:
        report.source_profile, report.source_profile_chosen = src.profile, src.chosen
        report.source_channel = shaped.channel if mapping.get("channel") == derived_name("channel") else None
        report.rows_excluded, report.excluded_counts = shaped.rows_excluded, dict(shaped.excluded_counts)
        report.excluded = [dict(e) for e in shaped.excluded]
        report.warnings += shaped.warnings
        report.derived += [
            d for d in shaped.derived if d.split(" = ")[0] in {f for f, c in mapping.items() if c == derived_name(f)}
        ]
    return report


def _parse_fields(
    frame: pd.DataFrame, mapping: dict[str, str], table_spec: TableSpec, date_order: str, report: ValidationReport
) -> dict[str, Parsed]:
    """Each mapped column parsed by its field's type (a date column whose order was guessed is warned)."""
    parsed: dict[str, Parsed] = {}
    for name, column in mapping.items():
        ftype = table_spec.field(name).type
        if ftype == "number":
            parsed[name] = parse_numbers(frame[column])
        elif ftype in ("date", "month"):
            parsed[name] = parse_dates(frame[column], date_order, allow_month=ftype == "month")
            if parsed[name].notes.get("date_order_assumed"):
                report.warnings.append({"code": "date_order_assumed", "params": {"column": column}})
        else:
            parsed[name] = parse_text(frame[column])
    return parsed


class _Reasons:
    """The first problem of each row: a reason code and the field it concerns (empty = no problem)."""

    def __init__(self, n: int) -> None:
        self.code = np.full(n, "", dtype=object)
        self.field = np.full(n, "", dtype=object)

    def flag(self, mask: np.ndarray, code: str, name: str) -> None:
        fresh = mask & (self.code == "")
        self.code[fresh] = code
        self.field[fresh] = name

    @property
    def ok(self) -> np.ndarray:
        return self.code == ""


def _check_fields(parsed: dict[str, Parsed], table_spec: TableSpec, reasons: _Reasons) -> None:
    """Flag every row whose mapped values are unusable, field by field in spec order."""
    checks = {"date": _check_date, "month": _check_date, "number": _check_number}
    lenient = voice.LENIENT.get(table_spec.kind, ())  # read leniently by their kind's hook
    for fs in table_spec.fields:
        if fs.name in parsed and fs.name not in lenient:
            checks.get(fs.type, _check_text)(parsed[fs.name], fs, reasons)


def _check_date(p: Parsed, fs: FieldSpec, reasons: _Reasons) -> None:
    reasons.flag(p.impossible, "impossible_date", fs.name)
    reasons.flag(p.bad, "bad_date", fs.name)
    days = p.values.to_numpy(dtype="datetime64[s]")
    reasons.flag(~np.isnat(days) & ((days < FIRST_DATE) | (days > LAST_DATE)), "date_out_of_range", fs.name)
    if fs.required:
        reasons.flag(p.missing, "missing_date", fs.name)


def _check_number(p: Parsed, fs: FieldSpec, reasons: _Reasons) -> None:
    reasons.flag(p.bad, "bad_number", fs.name)
    numbers = p.values.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        reasons.flag(np.isinf(numbers), "not_finite", fs.name)
        reasons.flag(np.abs(numbers) > MAX_AMOUNT, "amount_out_of_range", fs.name)
    if fs.required:
        reasons.flag(p.missing, _MISSING_NUMBER.get(fs.name, "missing_amount"), fs.name)


def _check_text(p: Parsed, fs: FieldSpec, reasons: _Reasons) -> None:
    lengths = p.values.str.len().fillna(0).to_numpy()
    reasons.flag(lengths > MAX_TEXT_CHARS, "text_too_long", fs.name)
    if fs.required or fs.name == "order_id":
        reasons.flag(p.missing, f"missing_{fs.name}" if fs.name != "customer_id" else "missing_customer", fs.name)


def _extra_rows(
    parsed: dict[str, Parsed], table_spec: TableSpec, report: ValidationReport, index: pd.Index
) -> pd.DataFrame:
    """Rows of an extra file (channel costs, CRM spend, customers); months start on the 1st."""
    out = pd.DataFrame(index=index)
    for fs in table_spec.fields:
        if fs.name in parsed:
            out[fs.name] = parsed[fs.name].values
        elif fs.name == "cost_type":
            out[fs.name] = "marketing"
            report.warnings.append({"code": "default_cost_type", "params": {"value": "marketing"}})
        else:
            out[fs.name] = None
    if table_spec.kind in ("channel_costs", "crm_spend"):
        out["month"] = out["month"].dt.to_period("M").dt.start_time.astype("datetime64[s]")
    return out


def _count_rows(
    raw: RawTable, mapping: dict[str, str], reasons: _Reasons, report: ValidationReport, file_columns: list[str]
) -> np.ndarray:
    """Count duplicates and rejects into the report (listing the first ones); return the rows to keep.

    Duplicates are lines identical in the file's own columns (a profile's derived columns can
    differ between two copies of a line, e.g. an order amount given to the first copy only).
    """
    frame = raw.frame
    own = frame if list(frame.columns) == list(file_columns) else frame[file_columns]
    duplicate = pd.util.hash_pandas_object(own, index=False).duplicated().to_numpy()
    keep = reasons.ok & ~duplicate
    rejected = ~reasons.ok & ~duplicate
    report.duplicate_lines = int(duplicate.sum())
    if report.duplicate_lines:
        report.warnings.append({"code": "duplicate_lines", "params": {"count": report.duplicate_lines}})
    report.rows_rejected = int(rejected.sum())
    report.rows_accepted = int(keep.sum())
    report.reject_counts = {str(k): int(v) for k, v in pd.Series(reasons.code[rejected]).value_counts().items()}
    row_numbers = raw.row_numbers.to_numpy()
    for i in np.flatnonzero(rejected)[:MAX_LISTED_REJECTS]:
        name = reasons.field[i]
        column = mapping.get(name)
        cell = frame[column].iat[i] if column else None
        text = None if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)[:80]
        report.rejects.append(Reject(int(row_numbers[i]), str(reasons.code[i]), name or None, text))
    return keep


def _finish(out: pd.DataFrame, kind: str, report: ValidationReport) -> pd.DataFrame:
    if kind == "orders":
        _finish_orders(out, report)
    elif kind == "customers":
        out = out.drop_duplicates("customer_id", keep="first")
    if report.rows_accepted == 0:
        report.errors.append({"code": "no_valid_rows", "params": {"rejected": report.rows_rejected}})
    return out


def _preview(out: pd.DataFrame) -> list[dict]:
    """The first rows as JSON records, dates as ``YYYY-MM-DD``."""
    head = out.head(PREVIEW_ROWS).copy()
    for column in head.columns:
        if pd.api.types.is_datetime64_any_dtype(head[column].dtype):
            head[column] = head[column].dt.strftime("%Y-%m-%d")
    return json.loads(head.to_json(orient="records", force_ascii=False))


# crm_contacts: the words a file uses for the two groups (normalised like headers).
CONTROL_WORDS = frozenset(
    normalise_header(w)
    for w in (
        "control",
        "holdout",
        "hold out",
        "control group",
        "对照",
        "对照组",
        "控制组",
        "留出组",
        "未触达",
        "0",
        "false",
        "no",
    )
)
CONTACTED_WORDS = frozenset(
    normalise_header(w)
    for w in (
        "contacted",
        "treatment",
        "test",
        "test group",
        "exposed",
        "触达",
        "触达组",
        "实验组",
        "已触达",
        "1",
        "true",
        "yes",
    )
)


def _weekly_spend(
    out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport, flag: Callable[[np.ndarray, str, str], None]
) -> pd.DataFrame:
    """Weeks move to their Monday; without a channel column the amount column's header names it."""
    week = out["week"]
    out["week"] = (week - pd.to_timedelta(week.dt.weekday, unit="D")).astype("datetime64[s]")
    if "channel" not in mapping:
        out["channel"] = str(mapping["amount"])
        report.warnings.append({"code": "channel_from_header", "params": {"value": str(mapping["amount"])}})
    with np.errstate(invalid="ignore"):
        flag(out["amount"].to_numpy(dtype="float64", na_value=np.nan) < 0, "negative_spend", "amount")
    return out


def _crm_contacts(
    out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport, flag: Callable[[np.ndarray, str, str], None]
) -> pd.DataFrame:
    """The group column becomes ``is_control``; a value that is neither group rejects the row."""
    words = out["group"].map(lambda v: normalise_header(v) if isinstance(v, str) else "")
    control, contacted = words.isin(CONTROL_WORDS).to_numpy(), words.isin(CONTACTED_WORDS).to_numpy()
    flag(~(control | contacted), "bad_group", "group")
    return out.drop(columns="group").assign(is_control=control)


def _experiments(
    out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport, flag: Callable[[np.ndarray, str, str], None]
) -> pd.DataFrame:
    """A window must not end before it starts; a standard error must be positive."""
    with np.errstate(invalid="ignore"):
        flag((out["end_date"] < out["start_date"]).to_numpy(dtype=bool, na_value=False), "bad_window", "end_date")
        flag(~(out["std_error"].to_numpy(dtype="float64", na_value=np.nan) > 0), "bad_std_error", "std_error")
    return out


_EVIDENCE = {"weekly_spend": _weekly_spend, "crm_contacts": _crm_contacts, "experiments": _experiments}


def _orders(
    parsed: dict[str, Parsed],
    mapping: dict[str, str],
    report: ValidationReport,
    flag: Callable[[np.ndarray, str, str], None],
    n: int,
) -> pd.DataFrame:
    """Order-line columns with derived revenue/cost, discount amounts, placeholders and ids."""
    out = pd.DataFrame(index=range(n))
    revenue, cost = _revenue_and_cost(parsed, report, flag)
    quantity = _value(parsed, "quantity")
    if quantity is not None:
        revenue = _returns_negative(quantity, revenue, report)
    discount = _discount_amount(parsed, mapping, revenue, report)
    _text_columns(out, parsed, report)
    out["order_date"] = _value(parsed, "order_date")
    out["quantity"] = quantity
    out["unit_price"] = _value(parsed, "unit_price")
    out["revenue"] = revenue
    out["cost"] = cost
    out["discount"] = discount
    out["refund"] = _value(parsed, "refund")
    out["order_id"] = _value(parsed, "order_id") if "order_id" in parsed else _synthetic_ids(parsed, report)
    for name in ("quantity", "unit_price", "revenue", "cost", "discount", "refund"):
        if out[name].isna().all():
            out[name] = np.nan
    return out


def _value(parsed: dict[str, Parsed], name: str) -> pd.Series | None:
    return parsed[name].values if name in parsed else None


def _revenue_and_cost(
    parsed: dict[str, Parsed], report: ValidationReport, flag: Callable[[np.ndarray, str, str], None]
) -> tuple[pd.Series, pd.Series | None]:
    """Revenue as given or ``unit_price × quantity``; cost as given or ``revenue − profit``."""
    if "revenue" in parsed:
        revenue = parsed["revenue"].values.copy()
        flag(parsed["revenue"].missing, "missing_amount", "revenue")
    else:
        revenue = parsed["unit_price"].values * parsed["quantity"].values
        report.derived.append("revenue = unit_price * quantity")
        flag(parsed["unit_price"].missing | parsed["quantity"].missing, "missing_amount", "unit_price")
    cost = _value(parsed, "cost")
    if cost is None and "profit" in parsed:
        cost = revenue - parsed["profit"].values
        report.derived.append("cost = revenue - profit")
    return revenue, cost


def _returns_negative(quantity: pd.Series, revenue: pd.Series, report: ValidationReport) -> pd.Series:
    """Lines with a negative quantity are returns: counted, and their revenue made negative."""
    returns = (quantity < 0).to_numpy()
    report.negative_quantity_lines = int(returns.sum())
    if not returns.any():
        return revenue
    report.warnings.append({"code": "returns_kept", "params": {"count": int(returns.sum())}})
    return revenue.where(~(returns & (revenue > 0).to_numpy()), -revenue.abs())


def _discount_amount(
    parsed: dict[str, Parsed], mapping: dict[str, str], revenue: pd.Series, report: ValidationReport
) -> pd.Series | None:
    """The discount column as an amount; a column of rates is converted (see the module docstring)."""
    if "discount" not in parsed:
        return None
    d = parsed["discount"]
    discount = d.values
    present = discount.dropna()
    is_rate = (
        bool(d.notes.get("percent"))
        or normalise_header(mapping["discount"]) in _RATE_HEADERS
        or (not present.empty and bool(present.between(0, 1).all()) and bool((present < 1).any()))
    )
    if not is_rate:
        return discount
    report.derived.append("discount amount from rate")
    report.warnings.append({"code": "discount_rate_converted", "params": {"column": mapping["discount"]}})
    if "revenue" in parsed:
        return (revenue * discount / (1 - discount)).where(discount < 1)
    return revenue * discount


def _text_columns(out: pd.DataFrame, parsed: dict[str, Parsed], report: ValidationReport) -> None:
    """Customer, channel, region, province, product, category; placeholders where a column is absent."""
    for name in ("customer_id", "channel", "region", "province", "product", "category"):
        out[name] = _value(parsed, name) if name in parsed else pd.Series(pd.NA, index=out.index, dtype="str")
    report.has_channel = "channel" in parsed
    report.has_region = "region" in parsed
    report.has_customer = "customer_id" in parsed
    for name in ("channel", "region"):
        if name in parsed:
            out[name] = out[name].fillna(UNKNOWN_VALUE)
        else:
            out[name] = ALL_VALUE
            report.warnings.append({"code": f"no_{name}", "params": {"value": ALL_VALUE}})


def _synthetic_ids(parsed: dict[str, Parsed], report: ValidationReport) -> pd.Series:
    """Without an order id column each line is its own order, named by a hash of its mapped values."""
    content = pd.DataFrame({k: p.values for k, p in parsed.items()})
    hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
    report.synthetic_order_id = True
    report.warnings.append({"code": "synthetic_order_id", "params": {}})
    return pd.Series([f"H{h:016x}" for h in hashes], dtype="str")


ORDER_COLUMNS = (
    "order_id",
    "line",
    "order_date",
    "customer_id",
    "channel",
    "region",
    "province",
    "product",
    "category",
    "quantity",
    "unit_price",
    "revenue",
    "cost",
    "discount",
    "refund",
)


def _finish_orders(out: pd.DataFrame, report: ValidationReport) -> None:
    out["line"] = out.groupby("order_id", sort=False).cumcount().astype("int32") + 1
    out.drop(columns=[c for c in out.columns if c not in ORDER_COLUMNS], inplace=True)
    out.sort_index(axis=1, inplace=True)
    if out.empty:
        report.totals = {"revenue": 0.0, "cost": None}
        return
    report.orders = int(out["order_id"].nunique())
    report.customers = int(out["customer_id"].nunique())
    report.date_min = out["order_date"].min().date().isoformat()
    report.date_max = out["order_date"].max().date().isoformat()
    cost = out["cost"]
    report.totals = {
        "revenue": round(float(out["revenue"].sum()), 2),
        "cost": round(float(cost.sum()), 2) if cost.notna().any() else None,
    }
    if out["refund"].notna().any():  # every metric shows revenue net of refunds
        refund = float(out["refund"].sum())
        report.totals |= {"refund": round(refund, 2), "net_revenue": round(float(out["revenue"].sum()) - refund, 2)}
