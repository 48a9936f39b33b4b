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

from data.ingest.errors import IngestError
from data.ingest.mapping import auto_map, missing_required, normalise_header, recall_mapping, spec
from data.ingest.parse import Parsed, parse_dates, parse_numbers, parse_text
from data.ingest.read import RawTable

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
    derived: list[str] = field(default_factory=list)
    rows_read: int = 0
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
    """Rows ready for the warehouse (``frame``: the target table's columns, without ``dataset``)."""

    frame: pd.DataFrame
    report: ValidationReport
    kind: str
    columns: list[str]


def resolve_mapping(raw: RawTable, kind: str, overrides: dict[str, str] | None, con: object = None) -> tuple[dict[str, str], str]:
    """Remembered (if ``con``) or auto mapping, then the user's overrides on top (empty value = unmap)."""
    table_spec = spec(kind)
    remembered = recall_mapping(con, raw.columns, kind) if con is not None else None
    mapping, source = (dict(remembered), "remembered") if remembered else (auto_map(raw.columns, kind), "auto")
    for name, column in (overrides or {}).items():
        if name not in table_spec.names:
            raise IngestError("unknown_field", field=name, fields=", ".join(table_spec.names))
        if not column:
            mapping.pop(name, None)
            continue
        if column not in raw.columns:
            raise IngestError("unknown_column", column=column, columns=", ".join(raw.columns))
        mapping[name] = column
    if overrides:
        source = "user" if source == "auto" else f"{source}+user"
    return mapping, source


def prepare(raw: RawTable, mapping: dict[str, str] | None = None, *, kind: str = "orders",
            date_order: str = "auto", con: object = None,
            progress: Callable[[float, str], None] | None = None) -> Prepared:
    """Type, check and normalise a raw table; nothing is written.

    Parameters
    ----------
    raw : RawTable
        From :func:`data.ingest.read.read_file`.
    mapping : dict[str, str], optional
        User overrides ``field → column`` (an empty column removes a field).
    kind : str
        ``orders`` (default) or an extra kind: ``channel_costs``, ``crm_spend``, ``customers``,
        ``weekly_spend``, ``crm_contacts``, ``experiments``.
    date_order : {"auto", "MDY", "DMY"}
    con : DuckDB connection, optional
        When given, a mapping remembered for these headers is used as the starting point.
    """
    table_spec = spec(kind)
    resolved, source = resolve_mapping(raw, kind, mapping, con)
    report = ValidationReport(kind=kind, source=raw.filename, file_kind=raw.file_kind, encoding=raw.encoding,
                              delimiter=raw.delimiter, sheet=raw.sheet, sheets=list(raw.sheets),
                              header_row=raw.header_row, columns=raw.columns, mapping=resolved,
                              mapping_source=source, rows_read=len(raw.frame), warnings=list(raw.warnings))
    missing = missing_required(resolved, kind)
    if missing:
        report.errors.append({"code": "missing_required", "params": {"fields": ", ".join(missing)}})
        return Prepared(pd.DataFrame(), report, kind, raw.columns)
    frame = raw.frame
    n = len(frame)
    parsed: dict[str, Parsed] = {}
    for name, column in resolved.items():
        ftype = table_spec.field(name).type
        values = frame[column]
        if ftype == "number":
            parsed[name] = parse_numbers(values)
        elif ftype in ("date", "month"):
            parsed[name] = parse_dates(values, date_order, allow_month=ftype == "month")
            if parsed[name].notes.get("date_order_assumed"):
                report.warnings.append({"code": "date_order_assumed", "params": {"column": column}})
        else:
            parsed[name] = parse_text(values)
    if progress:
        progress(0.5, "parse")

    reason = np.full(n, "", dtype=object)
    reason_field = np.full(n, "", dtype=object)

    def flag(mask: np.ndarray, code: str, name: str) -> None:
        fresh = mask & (reason == "")
        reason[fresh] = code
        reason_field[fresh] = name

    for fs in table_spec.fields:
        p = parsed.get(fs.name)
        if p is None:
            continue
        if fs.type in ("date", "month"):
            flag(p.impossible, "impossible_date", fs.name)
            flag(p.bad, "bad_date", fs.name)
            days = p.values.to_numpy(dtype="datetime64[s]")
            flag(~np.isnat(days) & ((days < FIRST_DATE) | (days > LAST_DATE)), "date_out_of_range", fs.name)
            if fs.required:
                flag(p.missing, "missing_date", fs.name)
        elif fs.type == "number":
            flag(p.bad, "bad_number", fs.name)
            numbers = p.values.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                flag(np.isinf(numbers), "not_finite", fs.name)
                flag(np.abs(numbers) > MAX_AMOUNT, "amount_out_of_range", fs.name)
            if fs.required:
                flag(p.missing, "missing_amount", fs.name)
        else:
            lengths = p.values.str.len().fillna(0).to_numpy()
            flag(lengths > MAX_TEXT_CHARS, "text_too_long", fs.name)
            if fs.required or fs.name == "order_id":
                flag(p.missing, f"missing_{fs.name}" if fs.name != "customer_id" else "missing_customer", fs.name)

    out = pd.DataFrame(index=frame.index)
    if kind == "orders":
        out = _orders(parsed, resolved, report, flag, n)
    else:
        for fs in table_spec.fields:
            if fs.name in parsed:
                out[fs.name] = parsed[fs.name].values
            elif fs.name == "cost_type":
                out[fs.name] = "marketing"
                report.warnings.append({"code": "default_cost_type", "params": {"value": "marketing"}})
            else:
                out[fs.name] = None
        if kind == "channel_costs" or kind == "crm_spend":
            out["month"] = out["month"].dt.to_period("M").dt.start_time.astype("datetime64[s]")
        elif kind in _EVIDENCE:
            out = _EVIDENCE[kind](out, resolved, report, flag)

    duplicate = pd.util.hash_pandas_object(frame, index=False).duplicated().to_numpy()
    keep = (reason == "") & ~duplicate
    rejected = (reason != "") & ~duplicate
    report.duplicate_lines = int(duplicate.sum())
    if report.duplicate_lines:
        report.warnings.append({"code": "duplicate_lines", "params": {"count": report.duplicate_lines}})
    report.rows_rejected = int(rejected.sum())
    report.rows_accepted = int(keep.sum())
    codes = pd.Series(reason[rejected])
    report.reject_counts = {str(k): int(v) for k, v in codes.value_counts().items()}
    listed = np.flatnonzero(rejected)[:MAX_LISTED_REJECTS]
    row_numbers = raw.row_numbers.to_numpy()
    for i in listed:
        name = reason_field[i]
        column = resolved.get(name)
        cell = frame[column].iat[i] if column else None
        text = None if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)[:80]
        report.rejects.append(Reject(int(row_numbers[i]), str(reason[i]), name or None, text))
    out = out[keep].reset_index(drop=True)
    if kind == "orders":
        _finish_orders(out, report)
    elif kind == "customers":
        out = out.drop_duplicates("customer_id", keep="first")
    if report.rows_accepted == 0:
        report.errors.append({"code": "no_valid_rows", "params": {"rejected": report.rows_rejected}})
    head = out.head(PREVIEW_ROWS).copy()
    for column in head.columns:
        if pd.api.types.is_datetime64_any_dtype(head[column].dtype):
            head[column] = head[column].dt.strftime("%Y-%m-%d")
    report.preview = json.loads(head.to_json(orient="records", force_ascii=False))
    if progress:
        progress(0.6, "parse")
    return Prepared(out, report, kind, raw.columns)


# crm_contacts: the words a file uses for the two groups (normalised like headers).
CONTROL_WORDS = frozenset(normalise_header(w) for w in ("control", "holdout", "hold out", "control group", "对照",
                                                         "对照组", "控制组", "留出组", "未触达", "0", "false", "no"))
CONTACTED_WORDS = frozenset(normalise_header(w) for w in ("contacted", "treatment", "test", "test group", "exposed",
                                                           "触达", "触达组", "实验组", "已触达", "1", "true", "yes"))


def _weekly_spend(out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport,
                  flag: Callable[[np.ndarray, str, str], None]) -> pd.DataFrame:
    """Weeks move to their Monday; without a channel column the amount column's header names it."""
    week = out["week"]
    out["week"] = (week - pd.to_timedelta(week.dt.weekday, unit="D")).astype("datetime64[s]")
    if "channel" not in mapping:
        out["channel"] = str(mapping["amount"])
        report.warnings.append({"code": "channel_from_header", "params": {"value": str(mapping["amount"])}})
    with np.errstate(invalid="ignore"):
        flag(out["amount"].to_numpy(dtype="float64", na_value=np.nan) < 0, "negative_spend", "amount")
    return out


def _crm_contacts(out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport,
                  flag: Callable[[np.ndarray, str, str], None]) -> pd.DataFrame:
    """The group column becomes ``is_control``; a value that is neither group rejects the row."""
    words = out["group"].map(lambda v: normalise_header(v) if isinstance(v, str) else "")
    control, contacted = words.isin(CONTROL_WORDS).to_numpy(), words.isin(CONTACTED_WORDS).to_numpy()
    flag(~(control | contacted), "bad_group", "group")
    return out.drop(columns="group").assign(is_control=control)


def _experiments(out: pd.DataFrame, mapping: dict[str, str], report: ValidationReport,
                 flag: Callable[[np.ndarray, str, str], None]) -> pd.DataFrame:
    """A window must not end before it starts; a standard error must be positive."""
    with np.errstate(invalid="ignore"):
        flag((out["end_date"] < out["start_date"]).to_numpy(dtype=bool, na_value=False), "bad_window", "end_date")
        flag(~(out["std_error"].to_numpy(dtype="float64", na_value=np.nan) > 0), "bad_std_error", "std_error")
    return out


_EVIDENCE = {"weekly_spend": _weekly_spend, "crm_contacts": _crm_contacts, "experiments": _experiments}


def _orders(parsed: dict[str, Parsed], mapping: dict[str, str], report: ValidationReport,
            flag: Callable[[np.ndarray, str, str], None], n: int) -> pd.DataFrame:
    """Order-line columns with derived revenue/cost, discount amounts, placeholders and ids."""
    def values(name: str) -> pd.Series | None:
        return parsed[name].values if name in parsed else None

    out = pd.DataFrame(index=range(n))
    quantity, price = values("quantity"), values("unit_price")
    if "revenue" in parsed:
        revenue = values("revenue").copy()
        flag(parsed["revenue"].missing, "missing_amount", "revenue")
    else:
        revenue = price * quantity
        report.derived.append("revenue = unit_price * quantity")
        flag(parsed["unit_price"].missing | parsed["quantity"].missing, "missing_amount", "unit_price")
    cost = values("cost")
    if cost is None and "profit" in parsed:
        cost = revenue - values("profit")
        report.derived.append("cost = revenue - profit")
    if quantity is not None:
        returns = (quantity < 0).to_numpy()
        report.negative_quantity_lines = int(returns.sum())
        if returns.any():
            revenue = revenue.where(~(returns & (revenue > 0).to_numpy()), -revenue.abs())
            report.warnings.append({"code": "returns_kept", "params": {"count": int(returns.sum())}})
    discount = values("discount")
    if discount is not None:
        d = parsed["discount"]
        present = discount.dropna()
        is_rate = bool(d.notes.get("percent")) or normalise_header(mapping["discount"]) in _RATE_HEADERS or (
            not present.empty and bool(present.between(0, 1).all()) and bool((present < 1).any()))
        if is_rate:
            if "revenue" in parsed:
                discount = (revenue * discount / (1 - discount)).where(discount < 1)
            else:
                discount = revenue * discount
            report.derived.append("discount amount from rate")
            report.warnings.append({"code": "discount_rate_converted", "params": {"column": mapping["discount"]}})
    for name in ("customer_id", "channel", "region", "province", "product", "category"):
        out[name] = values(name) if name in parsed else pd.Series(pd.NA, index=out.index, dtype="str")
    report.has_channel = "channel" in parsed
    report.has_region = "region" in parsed
    report.has_customer = "customer_id" in parsed
    for name in ("channel", "region"):
        if name in parsed:
            out[name] = out[name].fillna(UNKNOWN_VALUE)
        else:
            out[name] = ALL_VALUE
            report.warnings.append({"code": f"no_{name}", "params": {"value": ALL_VALUE}})
    out["order_date"] = values("order_date")
    out["quantity"] = quantity
    out["unit_price"] = price
    out["revenue"] = revenue
    out["cost"] = cost
    out["discount"] = discount
    out["refund"] = values("refund")
    if "order_id" in parsed:
        out["order_id"] = values("order_id")
    else:
        content = pd.DataFrame({k: p.values for k, p in parsed.items()})
        hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
        out["order_id"] = pd.Series([f"H{h:016x}" for h in hashes], dtype="str")
        report.synthetic_order_id = True
        report.warnings.append({"code": "synthetic_order_id", "params": {}})
    for name in ("quantity", "unit_price", "revenue", "cost", "discount", "refund"):
        if out[name].isna().all():
            out[name] = np.nan
    return out


ORDER_COLUMNS = ("order_id", "line", "order_date", "customer_id", "channel", "region", "province", "product",
                 "category", "quantity", "unit_price", "revenue", "cost", "discount", "refund")


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
    report.totals = {"revenue": round(float(out["revenue"].sum()), 2),
                     "cost": round(float(cost.sum()), 2) if cost.notna().any() else None}
