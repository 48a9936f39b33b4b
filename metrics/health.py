"""CRM data health (METRICS.md "Profile completeness" and "Duplicate rate"): how complete and how
accurate the customers file's records are, and one score with its breakdown.

Per profile field (``metrics/health.toml``): completeness = customers with a valid value ÷ customers;
invalid = values written but unusable; duplicates (phone, e-mail) = customers sharing the normalised
value with another customer id. Rules where METRICS.md is silent (README "Customer voice"):

- **phone**: spaces, dashes, dots and brackets dropped, a leading +86 / 0086 / 86 removed; valid when
  a mainland mobile number (11 digits, 1[3-9]…), a landline with its area code (0 + 9–11 digits) or
  an international number written with + (8–15 digits). Masked numbers (138****1234) are invalid.
- **email**: trimmed and lower-cased; valid when ``local@domain.tld``.
- **name**: valid when written, not masked (``*``) and at most 50 characters.
- **gender**: 男/女/其他 or male/female/other (M/F); 未知/unknown counts as empty.
- **age**: from the birth date (whole years at the as-of day) or the age column; invalid when the
  cell could not be read, the birth date is after the as-of day (a future date) or the age is
  outside [0, 120] (an impossible age).
- **region** (the record's own, not its first order's): valid when written (未知 counts as empty).
- A ``past_date`` rule (for a date column a company adds to the TOML) is invalid after the as-of day.
- The as-of day is the dataset's last order date, as everywhere in SalesLens: a date after it is
  in the future of the data.
- Duplicates compare normalised phones of at least 7 digits and e-mails, whether valid or not (a
  placeholder number shared by many records is exactly the duplication to find).
- The score's components (weights in the TOML): mean field completeness, complete records (every
  required field valid), validity (valid ÷ filled) and uniqueness (1 − duplicate rate); a component
  the data cannot define (nothing filled; no phone or e-mail collected) is left out and the others
  reweighted, so the breakdown always adds up to the score.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from metrics.db import query_large

CONFIG_FILE = Path(__file__).resolve().parent / "health.toml"
DERIVED_INPUTS = (CONFIG_FILE,)  # a report kept on disk (ui.cached) is computed again when the rules change
COMPONENTS = ("completeness", "complete_records", "validity", "uniqueness")
RULES = ("phone", "email", "name", "gender", "age", "text", "past_date")
PROBLEMS = ("invalid_format", "future_date", "impossible_age", "unreadable", "duplicate")
MAX_PROBLEMS = 20_000  # rows of the downloadable problem list
MIN_PHONE_DIGITS = 7

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_INTERNATIONAL = re.compile(r"^\+\d{8,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[a-z]{2,}$")
_GENDERS = frozenset({"男", "女", "其他", "male", "female", "other", "m", "f", "男性", "女性"})
_EMPTY_WORDS = frozenset({"未知", "unknown", "不详", "保密", "n/a"})


@dataclass(frozen=True)
class HealthConfig:
    fields: tuple[str, ...]
    rules: dict[str, str]
    required: tuple[str, ...]
    weights: dict[str, float]
    min_age: float
    max_age: float


@functools.cache
def default_config() -> HealthConfig:
    with CONFIG_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    fields = tuple(raw["fields"])
    rules = {name: raw["fields"][name]["rule"] for name in fields}
    if not set(rules.values()) <= set(RULES) or set(raw["weights"]) != set(COMPONENTS):
        raise ValueError("health.toml: unknown rule or weights other than " + ", ".join(COMPONENTS))
    return HealthConfig(
        fields,
        rules,
        tuple(n for n in fields if raw["fields"][n].get("required")),
        {k: float(v) for k, v in raw["weights"].items()},
        float(raw["ages"]["min"]),
        float(raw["ages"]["max"]),
    )


@dataclass(frozen=True)
class HealthReport:
    """The health of a dataset's customer records.

    Attributes
    ----------
    score : float
        0–100 (see the module docstring).
    customers : int
        Customer records in the customers file.
    fields : DataFrame
        field, completeness (share), invalid (count), duplicates (count; phone and e-mail), filled
        (count), collected (bool: any value written at all), required (bool).
    breakdown : DataFrame
        component, value (0..1), weight (share of the used weight), points (its part of the score);
        components the data cannot define are absent.
    by_region : DataFrame
        region, customers, then the completeness of each field but region (one column per field).
    problems : DataFrame
        customer_id, field, value, problem (one of PROBLEMS), at most MAX_PROBLEMS rows.
    duplicate_customers, complete_records : int
        Customers in a duplicate group; customers with every required field valid.
    as_of : date or None
        The day after which a date is in the future (the dataset's last order date).
    """

    score: float
    customers: int
    fields: pd.DataFrame
    breakdown: pd.DataFrame
    by_region: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    duplicate_customers: int = 0
    complete_records: int = 0
    as_of: object = None

    @property
    def duplicate_rate(self) -> float:
        return self.duplicate_customers / self.customers if self.customers else float("nan")

    def weakest_region(self, field: str) -> tuple[str, float] | None:
        """The region whose customers have ``field`` valid least often, and that share (None: one region)."""
        if field not in self.by_region or len(self.by_region) < 2:
            return None
        row = self.by_region.sort_values([field, "region"]).iloc[0]
        return str(row["region"]), float(row[field])


# --- per-field rules ------------------------------------------------------------------------------


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped text; empty, null and "unknown" words become NA (None)."""
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "") | text.str.casefold().isin(_EMPTY_WORDS).fillna(False)
    return text.astype(object).where(~empty, None)


def normalise_phone(values: pd.Series) -> pd.Series:
    """Phones as digits (a leading + kept for international numbers), mainland prefixes dropped."""
    text = _text(values)
    known = text.notna()
    cleaned = text.astype("string").str.replace(r"[\s\-.()（）]", "", regex=True)
    plus = cleaned.str.startswith("+").fillna(False)
    digits = cleaned.str.lstrip("+")
    size = digits.str.len()
    # 0086 + 11 digits, or 86 + 11 digits (13 in all): the mainland number without its prefix
    long_prefix = (digits.str.startswith("0086") & (size == 15)).fillna(False)
    short_prefix = (~long_prefix & digits.str.startswith("86") & (size == 13)).fillna(False)
    out = plus.map({True: "+", False: ""}).astype("string") + digits
    out = out.where(~long_prefix, digits.str.slice(4)).where(~short_prefix, digits.str.slice(2))
    return out.astype(object).where(known, None)


def normalise_email(values: pd.Series) -> pd.Series:
    text = _text(values)
    return text.astype("string").str.casefold().astype(object).where(text.notna(), None)


def _phone_valid(phone: pd.Series) -> pd.Series:
    text = phone.astype("string")
    valid = text.str.match(_MOBILE.pattern) | text.str.match(_LANDLINE.pattern) | text.str.match(_INTERNATIONAL.pattern)
    return valid.fillna(False).astype(bool)


@dataclass
class _Field:
    filled: pd.Series  # bool per customer
    valid: pd.Series  # bool per customer
    problem: pd.Series  # problem code per customer (None: fine or empty)
    shown: pd.Series  # the value as written, for the problem list


def _judge(rule: str, name: str, frame: pd.DataFrame, config: HealthConfig) -> _Field:
    index = frame.index
    none = pd.Series(None, index=index, dtype="object")
    if rule == "phone":
        phone = normalise_phone(frame["phone"])
        filled = phone.notna()
        valid = _phone_valid(phone)
        return _Field(filled, valid, none.where(~(filled & ~valid), "invalid_format"), frame["phone"])
    if rule == "email":
        email = normalise_email(frame["email"])
        filled = email.notna()
        valid = email.map(lambda v: v is not None and bool(_EMAIL.match(v)))
        return _Field(filled, valid, none.where(~(filled & ~valid), "invalid_format"), frame["email"])
    if rule == "name":
        text = _text(frame["name"])
        filled = text.notna()
        valid = text.map(lambda v: v is not None and "*" not in v and len(v) <= 50 and not v.isdigit())
        return _Field(filled, valid, none.where(~(filled & ~valid), "invalid_format"), frame["name"])
    if rule == "gender":
        text = _text(frame["gender"])
        filled = text.notna()
        valid = text.map(lambda v: v is not None and v.casefold() in _GENDERS)
        return _Field(filled, valid, none.where(~(filled & ~valid), "invalid_format"), frame["gender"])
    if rule == "age":
        return _age(frame, config)
    if rule == "past_date":
        day = pd.to_datetime(frame[name])
        filled = day.notna()
        future = (day > pd.to_datetime(frame["as_of"])).fillna(False).astype(bool)
        return _Field(filled, filled & ~future, none.where(~future, "future_date"), day.dt.strftime("%Y-%m-%d"))
    text = _text(frame[name])
    filled = text.notna()
    return _Field(filled, filled, none, frame[name])


def _age(frame: pd.DataFrame, config: HealthConfig) -> _Field:
    """A birth date or an age: readable, not after the as-of day, the age within the configured range."""
    index = frame.index
    unread = frame["invalid_fields"].fillna("").map(lambda v: bool({"birth_date", "age"} & set(v.split(","))))
    born = pd.to_datetime(frame["birth_date"])
    as_of = pd.to_datetime(frame["as_of"])
    years = (
        as_of.dt.year
        - born.dt.year
        - ((as_of.dt.month * 100 + as_of.dt.day) < (born.dt.month * 100 + born.dt.day)).astype(int)
    )
    future = (born > as_of).fillna(False).astype(bool)
    age = years.where(born.notna(), frame["age"].astype("float64"))
    filled = age.notna() | unread
    impossible = ((age < config.min_age) | (age > config.max_age)).fillna(False).astype(bool) & ~future
    problem = pd.Series(None, index=index, dtype="object")
    problem = problem.where(~unread, "unreadable").where(~future, "future_date").where(~impossible, "impossible_age")
    valid = filled & problem.isna()
    shown = born.dt.strftime("%Y-%m-%d").where(
        born.notna(), frame["age"].map(lambda v: None if pd.isna(v) else f"{v:g}")
    )
    return _Field(filled, valid, problem, shown.where(~unread, "?"))


def _duplicates(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Per contact field (phone, email): whether each customer shares its normalised value (a phone of
    at least 7 digits) with another customer id."""
    phone = normalise_phone(frame["phone"])
    phone = phone.where((phone.astype("string").str.count(r"\d") >= MIN_PHONE_DIGITS).fillna(False), None)
    found = {}
    for name, key in (("phone", phone), ("email", normalise_email(frame["email"]))):
        known = key.notna()
        shared: set[str] = set()
        if known.any():
            per_value = frame.loc[known, "customer_id"].groupby(key[known], sort=False).nunique()
            shared = set(per_value[per_value > 1].index)
        found[name] = (key.isin(shared) & known).astype(bool)
    return found


# --- the report ----------------------------------------------------------------------------------


def data_health(
    con: duckdb.DuckDBPyConnection, dataset: str, *, config: HealthConfig | None = None
) -> HealthReport | None:
    """The dataset's CRM data health; None when it has no customers file (no customer records)."""
    frame = query_large(con, "health_customers", dataset=dataset)
    if frame.empty:
        return None
    return assess(frame, config or default_config())


def assess(frame: pd.DataFrame, config: HealthConfig) -> HealthReport:
    """The report for customer records as :file:`health_customers.sql` returns them (pure)."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    judged = {name: _judge(config.rules[name], name, frame, config) for name in config.fields}
    shared = _duplicates(frame)
    duplicate = shared["phone"] | shared["email"]
    rows = []
    for name in config.fields:
        j = judged[name]
        rule = config.rules[name]
        dups = int(shared[rule].sum()) if rule in shared else 0
        rows.append(
            {
                "field": name,
                "completeness": float(j.valid.mean()),
                "invalid": int((j.filled & ~j.valid).sum()),
                "duplicates": dups,
                "filled": int(j.filled.sum()),
                "collected": bool(j.filled.any()),
                "required": name in config.required,
            }
        )
    fields = pd.DataFrame(rows)
    complete = np.ones(n, dtype=bool)
    for name in config.required:
        complete &= judged[name].valid.to_numpy(dtype=bool)
    filled = int(fields["filled"].sum())
    contact_collected = any(judged[n].filled.any() for n in config.fields if config.rules[n] in ("phone", "email"))
    values = {
        "completeness": float(fields["completeness"].mean()),
        "complete_records": float(complete.mean()) if config.required else None,
        "validity": float((filled - fields["invalid"].sum()) / filled) if filled else None,
        "uniqueness": 1.0 - float(duplicate.mean()) if contact_collected else None,
    }
    used = {k: config.weights[k] for k, v in values.items() if v is not None and config.weights[k] > 0}
    total = sum(used.values())
    breakdown = pd.DataFrame(
        [
            {"component": k, "value": values[k], "weight": w / total, "points": 100.0 * w / total * values[k]}
            for k, w in used.items()
        ],
        columns=["component", "value", "weight", "points"],
    )
    by_region = _by_region(frame, judged, config)
    return HealthReport(
        score=float(breakdown["points"].sum()),
        customers=n,
        fields=fields,
        breakdown=breakdown,
        by_region=by_region,
        problems=_problems(frame, judged, duplicate),
        duplicate_customers=int(duplicate.sum()),
        complete_records=int(complete.sum()),
        as_of=frame["as_of"].iloc[0] if n else None,
    )


def _by_region(frame: pd.DataFrame, judged: dict[str, _Field], config: HealthConfig) -> pd.DataFrame:
    region = frame["group_region"].fillna("未知")
    valid = pd.DataFrame({name: judged[name].valid.astype(float) for name in config.fields if name != "region"})
    out = valid.groupby(region).mean()
    out.insert(0, "customers", region.value_counts())
    return out.reset_index(names="region").sort_values(
        ["customers", "region"], ascending=[False, True], ignore_index=True
    )


def _problems(frame: pd.DataFrame, judged: dict[str, _Field], duplicate: pd.Series) -> pd.DataFrame:
    parts = []
    for name, j in judged.items():
        bad = j.problem.notna()
        if bad.any():
            parts.append(
                pd.DataFrame(
                    {
                        "customer_id": frame.loc[bad, "customer_id"],
                        "field": name,
                        "value": j.shown[bad].astype("object"),
                        "problem": j.problem[bad],
                    }
                )
            )
    if duplicate.any():
        shown = frame["phone"].where(frame["phone"].notna(), frame["email"])
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": frame.loc[duplicate, "customer_id"],
                    "field": "phone_or_email",
                    "value": shown[duplicate].astype("object"),
                    "problem": "duplicate",
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in ("customer_id", "field", "value", "problem")})
    out = pd.concat(parts, ignore_index=True).sort_values(["customer_id", "field"], ignore_index=True)
    return out.head(MAX_PROBLEMS).astype({"customer_id": "str", "field": "str", "problem": "str"})


def export_frame(report: HealthReport | None) -> pd.DataFrame:
    """``python -m metrics export data_health``: field, completeness, invalid, duplicates (empty without a file)."""
    if report is None:
        return pd.DataFrame(
            {
                "field": pd.Series(dtype="str"),
                "completeness": pd.Series(dtype=float),
                "invalid": pd.Series(dtype="int64"),
                "duplicates": pd.Series(dtype="int64"),
            }
        )
    return report.fields[["field", "completeness", "invalid", "duplicates"]]
