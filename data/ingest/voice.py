"""The customer-voice kinds after typing (issue 15): feedback scales, contact types, traffic periods
and rates, and the customers file's profile fields.

Each hook takes the typed rows (``out``, indexed like the file), the parsed columns, the mapping, the
report and ``flag(mask, reason, field)`` (which rejects rows with a reason), and returns the rows in
the target table's columns. Decisions (README "Customer voice"):

- **feedback.** A row's scale is its ``scale`` cell when the file has one: ``0-10`` (or NPS, 推荐,
  11, 10) is a "would you recommend" answer (NPS); ``1-5`` (CSAT, 满意, 5) and ``1-10`` are
  satisfaction answers on that scale. Without a scale column the score column's header decides
  (NPS/推荐 → 0-10, CSAT/满意 → 1-5, or 1-10 when a score is above 5), else the scores do: any 0 or any
  score above 5 → 0-10, otherwise 1-5; the report says which was assumed. A score outside its scale
  rejects the row.
- **interactions.** Contact types are folded to ``visit``, ``call``, ``wecom``, ``email``, ``sms``
  (拜访/上门, 电话, 企业微信/微信, 邮件, 短信 and their English words); any other word is kept as written.
- **traffic.** A period cell is a day, a month (``2025-06``, ``2025年6月``) or a range
  (``2025-06-01~2025-06-30``, ``… 至 …``, ``… to …``). When every period is a single date and all
  are the 1st of a month (at least two months) the rows are months; when all are seven or more days
  apart on one weekday, weeks: the report says so. Without a period column the rows cover the
  dataset's whole range (NULL period). A stated conversion rate is a fraction (``3.2%`` → 0.032); a
  column whose rates are all ≥ 1 is read as percentages (``3.2`` → 0.032, with a warning). Total
  rows (合计, 汇总, 总计, Total) are left out as rejects: they are not a channel or a source.
- **customers.** Profile text (name, phone, e-mail, gender, referrer) is kept as written, valid or
  not: its validity is what CRM data health measures. A birth date or age that cannot be read (or a
  date outside 1900..2100) is kept empty and named in ``invalid_fields`` instead of refusing the
  customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from data.ingest.mapping import normalise_header
from data.ingest.parse import Parsed, parse_dates

Flag = Callable[[np.ndarray, str, str], None]

# Fields whose unreadable cells do not reject the row (customers' profile dates and numbers).
LENIENT = {"customers": ("birth_date", "age")}
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")

NPS, CSAT5, CSAT10 = "0-10", "1-5", "1-10"
SCALE_RANGES = {NPS: (0.0, 10.0), CSAT5: (1.0, 5.0), CSAT10: (1.0, 10.0)}
_SCALE_WORDS = {  # normalised like headers: "0-10" → "010"
    NPS: ("nps", "010", "0至10", "0到10", "11", "10", "推荐", "推荐意愿", "净推荐值", "netpromoterscore"),
    CSAT5: ("csat", "15", "1至5", "1到5", "5", "满意度", "满意", "satisfaction", "5星", "五星"),
    CSAT10: ("110", "1至10", "1到10", "csat10"),
}

CONTACT_TYPES = {
    "visit": ("visit", "meeting", "onsite", "in person", "拜访", "上门", "面访", "面谈", "到店", "门店接待"),
    "call": ("call", "phone", "phone call", "telephone", "电话", "通话", "来电", "去电", "外呼"),
    "wecom": ("wecom", "wechat", "wechat work", "企业微信", "企微", "微信", "私聊"),
    "email": ("email", "e-mail", "mail", "邮件", "电子邮件"),
    "sms": ("sms", "text message", "短信"),
}
_TYPE_OF = {normalise_header(w): key for key, words in CONTACT_TYPES.items() for w in words}
MAX_TYPE_CHARS = 40

TOTAL_WORDS = frozenset(
    normalise_header(w)
    for w in ("合计", "汇总", "总计", "总计数", "全部", "total", "totals", "grand total", "all", "sum")
)
_RANGE_SPLIT = re.compile(r"\s*(?:~|～|至|到|\bto\b|\s[-–—]\s|—|–)\s*", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*$")


# --- feedback ------------------------------------------------------------------------------------


def scale_of(text: object) -> str | None:
    """The scale a cell names (``"0-10"``, ``"NPS"``, ``"1-5"``...), None when it names none."""
    if not isinstance(text, str) or not text.strip():
        return None
    word = re.sub(r"(分制|分|points?|pts?)$", "", normalise_header(text))  # "0～10分", "1-5 points"
    for scale, words in _SCALE_WORDS.items():
        if word in {normalise_header(w) for w in words}:
            return scale
    if "nps" in word or "推荐" in word:
        return NPS
    if "csat" in word or "满意" in word:
        return CSAT5
    return None


def _file_scale(scores: pd.Series, header: str) -> str:
    """One scale for a file without a scale column: the score header's word, else the scores."""
    present = scores.dropna()
    word = normalise_header(header)
    high = bool((present > 5).any())
    if "nps" in word or "推荐" in word:
        return NPS
    if "csat" in word or "满意" in word:
        return CSAT10 if high else CSAT5
    return NPS if high or bool((present == 0).any()) else CSAT5


def feedback(
    out: pd.DataFrame, parsed: dict[str, Parsed], mapping: dict[str, str], report: object, flag: Flag
) -> pd.DataFrame:
    score = out["score"]
    if "scale" in mapping:
        scale = out["scale"].map(scale_of)
        flag((scale.isna() & out["scale"].notna()).to_numpy(), "bad_scale", "scale")
        fallback = _file_scale(score, mapping["score"])
        if scale.isna().any():  # empty scale cells take the file's
            report.warnings.append({"code": "scale_assumed", "params": {"scale": fallback}})
        scale = scale.fillna(fallback)
    else:
        chosen = _file_scale(score, mapping["score"])
        report.warnings.append({"code": "scale_assumed", "params": {"scale": chosen}})
        scale = pd.Series(chosen, index=out.index, dtype="str")
    low = scale.map(lambda s: SCALE_RANGES.get(s, (np.nan, np.nan))[0]).astype("float64")
    high = scale.map(lambda s: SCALE_RANGES.get(s, (np.nan, np.nan))[1]).astype("float64")
    with np.errstate(invalid="ignore"):
        outside = ((score < low) | (score > high)).to_numpy(dtype=bool, na_value=False)
    flag(outside, "score_out_of_scale", "score")
    return out.assign(scale=scale)[["customer_id", "feedback_date", "score", "scale", "comment", "channel"]]


# --- interactions --------------------------------------------------------------------------------


def contact_type(text: object) -> str | None:
    """``visit``/``call``/``wecom``/``email``/``sms`` for a word of those, else the word itself (trimmed)."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _TYPE_OF.get(normalise_header(text), text.strip()[:MAX_TYPE_CHARS])


def interactions(
    out: pd.DataFrame, parsed: dict[str, Parsed], mapping: dict[str, str], report: object, flag: Flag
) -> pd.DataFrame:
    types = out["contact_type"].map(contact_type)
    other = int((types.notna() & ~types.isin(list(CONTACT_TYPES))).sum())
    if other:
        report.warnings.append({"code": "contact_type_kept", "params": {"count": other}})
    return out.assign(contact_type=types)[["customer_id", "contact_date", "contact_type", "owner", "outcome"]]


# --- traffic -------------------------------------------------------------------------------------


def _month_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2) or match.group(3))
    if not 1 <= month <= 12:
        return None
    first = pd.Timestamp(year=year, month=month, day=1)
    return first, first + pd.offsets.MonthEnd(0)


def parse_periods(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray, bool]:
    """(start, end, bad, single) per cell: a day, a month or a range (module docstring).

    ``single`` says every readable cell was one date (the caller may then infer months or weeks).
    """
    texts = [None if pd.isna(v) else str(v).strip() for v in values]
    start = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    end = start.copy()
    bad = np.zeros(len(values), dtype=bool)
    single = True
    parts: dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None, bool]] = {}
    for text in dict.fromkeys(v for v in texts if v is not None):
        month = _month_bounds(text)
        if month is not None:
            parts[text] = (*month, False)
            continue
        pieces = [p for p in _RANGE_SPLIT.split(text) if p]
        if len(pieces) == 2:
            days = parse_dates(pd.Series(pieces, dtype="str")).values
            ok = days.notna().all() and days.iloc[0] <= days.iloc[1]
            parts[text] = (days.iloc[0], days.iloc[1], False) if ok else (None, None, False)
            continue
        day = parse_dates(pd.Series([text], dtype="str")).values.iloc[0]
        parts[text] = (day, day, True) if pd.notna(day) else (None, None, True)
    for i, cell in enumerate(texts):
        if cell is None:
            continue
        first, last, is_day = parts[cell]
        if first is None or pd.isna(first):
            bad[i] = True
            continue
        start.iat[i], end.iat[i] = first, last
        single = single and is_day
    return start, end, bad, single


def _grain(start: pd.Series) -> str:
    """``month``/``week``/``day`` for a column of single dates (module docstring)."""
    days = pd.Series(start.dropna().unique()).sort_values()
    if len(days) < 2:
        return "day"
    if (days.dt.day == 1).all():
        return "month"
    gaps = days.diff().dropna().dt.days
    if days.dt.weekday.nunique() == 1 and gaps.min() >= 7:
        return "week"
    return "day"


def traffic(
    out: pd.DataFrame, parsed: dict[str, Parsed], mapping: dict[str, str], report: object, flag: Flag
) -> pd.DataFrame:
    if "period" in mapping:
        start, end, bad, single = parse_periods(out["period"])
        flag(bad, "bad_period", "period")
        if single and start.notna().any():
            grain = _grain(start)
            if grain == "month":
                end = (start + pd.offsets.MonthEnd(0)).astype("datetime64[s]")
            elif grain == "week":
                end = (start + pd.Timedelta(days=6)).astype("datetime64[s]")
            if grain != "day":
                report.warnings.append({"code": f"period_{grain}s", "params": {"column": mapping["period"]}})
    else:
        start = end = pd.Series(pd.NaT, index=out.index, dtype="datetime64[s]")
        report.warnings.append({"code": "no_period", "params": {}})
    names = pd.concat([out.get("channel", pd.Series(dtype="str")), out.get("source", pd.Series(dtype="str"))], axis=1)
    total = names.apply(lambda col: col.map(lambda v: isinstance(v, str) and normalise_header(v) in TOTAL_WORDS))
    flag(total.any(axis=1).to_numpy(dtype=bool), "total_row", "source" if "source" in mapping else "channel")
    keys = out[["channel", "source"]]
    flag(keys.isna().all(axis=1).to_numpy(), "missing_source", "channel")
    visitors = out["visitors"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        flag(visitors < 0, "negative_visitors", "visitors")
    rate = out["conversion_rate"]
    if "conversion_rate" in mapping:
        present = rate.dropna()
        if not parsed["conversion_rate"].notes.get("percent") and len(present) and bool((present >= 1).all()):
            rate = rate / 100.0
            report.warnings.append({"code": "rate_in_percent", "params": {"column": mapping["conversion_rate"]}})
        with np.errstate(invalid="ignore"):
            flag(((rate < 0) | (rate > 1)).to_numpy(dtype=bool, na_value=False), "bad_rate", "conversion_rate")
    return out.assign(period_start=start, period_end=end, conversion_rate=rate)[
        [
            "period_start",
            "period_end",
            "channel",
            "source",
            "source_detail",
            "visitors",
            "leads",
            "conversion_rate",
            "aov",
        ]
    ]


# --- customers -----------------------------------------------------------------------------------


def customers(
    out: pd.DataFrame, parsed: dict[str, Parsed], mapping: dict[str, str], report: object, flag: Flag
) -> pd.DataFrame:
    invalid = pd.Series("", index=out.index, dtype="str")
    counts = {}
    for name in LENIENT["customers"]:
        if name not in parsed:
            continue
        unread = parsed[name].bad.copy()
        values = out[name]
        if name == "birth_date":
            outside = ((values < FIRST_DATE) | (values > LAST_DATE)).to_numpy(dtype=bool, na_value=False)
            unread |= outside
            out[name] = values.mask(outside)
        else:
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                odd = ~np.isfinite(numbers) & ~np.isnan(numbers) | (np.abs(numbers) > 1e6)
            unread |= odd
            out[name] = values.mask(odd)
        separator = invalid.map(lambda v: "," if v else "")
        invalid = invalid.where(~unread, invalid + separator + name)
        counts[name] = int(unread.sum())
    if any(counts.values()):
        report.warnings.append(
            {
                "code": "profile_unreadable",
                "params": {"count": sum(counts.values()), "fields": ", ".join(k for k, v in counts.items() if v)},
            }
        )
    return out.assign(invalid_fields=invalid.replace("", None))


HOOKS = {"feedback": feedback, "interactions": interactions, "traffic": traffic, "customers": customers}
