"""Customer voice (METRICS.md "Customer voice, relationship health, conversion"): NPS and CSAT over
time and by channel, region and RFM segment, churn of detractors against promoters, the most frequent
phrases in comments, and referral (rate, how referred customers retain and what they are worth, top
referrers).

Definitions and choices where METRICS.md is silent (README "Customer voice"):

- **NPS** = % promoters (9–10) − % detractors (0–6) over the customers' latest 0–10 answer in the
  period (one per customer; same-day ties count the lowest score), −100..100. By month: the latest
  answer per customer in each month. By channel: the channel the answer is about (else the
  customer's acquisition channel); by region: the customer's region; by segment: the customer's RFM
  segment over the same period (respondents without an order in it: ``no_orders``).
- **CSAT** on its own scale (1–5 or 1–10): mean score and the share of answers in the top two boxes
  (4–5, or 9–10), over every answer in the period (satisfaction is asked per occasion).
- **Churn of detractors and promoters** = of the respondents whose latest answer is at least
  ``LAPSE_WINDOW_DAYS`` (180) before the as-of date, the share with no order in those days after it.
- **Referral rate** = new customers in the period whose customer record names a referrer (another
  customer id) ÷ all new customers (first order ever in the period). Referred against others:
  customers, the share who ordered again within 180 days of their first order (first orders at
  least 180 days before the as-of date) and revenue per customer to the as-of date.
- **Phrases**: a comment's clauses (split at punctuation: ，。！？；、,.!?;) folded (NFKC, lower
  case, spaces squeezed); an English clause longer than four words also counts each of its two-word
  phrases without stop words. A phrase counts once per comment; its language is Chinese when it
  holds a CJK character.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from metrics import rfm
from metrics.db import query
from metrics.filters import Filters

NPS_SCALE = "0-10"
LAPSE_WINDOW_DAYS = 180
REPEAT_WINDOW_DAYS = 180
GROUPS = ("promoter", "passive", "detractor")
DIMENSIONS = ("channel", "region", "segment")
NO_ORDERS = "no_orders"  # respondents without an order in the period have no RFM segment
TOP_BOXES = {"1-5": 4.0, "1-10": 9.0}
MAX_PHRASES = 20
_CLAUSES = re.compile(r"[，。！？；、,.!?;:：\n\r]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_STOP = frozenset(
    "a an the and or but is are was were be been it its this that to of in on for with at by from "
    "i we you they he she my our your very so too not no just really".split()
)


@dataclass(frozen=True)
class Availability:
    """What the customer-voice files hold for a dataset (rows)."""

    nps_answers: int = 0
    csat_answers: int = 0
    comments: int = 0
    customer_records: int = 0
    referrals: int = 0
    contacts: int = 0
    traffic_rows: int = 0
    stated_rates: int = 0

    @property
    def has_feedback(self) -> bool:
        return self.nps_answers + self.csat_answers > 0


def availability(con: duckdb.DuckDBPyConnection, dataset: str) -> Availability:
    row = query(con, "voice_availability", dataset=dataset).iloc[0]
    return Availability(**{k: int(v) for k, v in row.items()})


# --- NPS and CSAT ---------------------------------------------------------------------------------


def answers(con: duckdb.DuckDBPyConnection, f: Filters, *, first: object = None, last: object = None) -> pd.DataFrame:
    """Every answer dated first..last (default: the period) in the selection (see voice_answers.sql)."""
    return query(con, "voice_answers", first=first or f.start, last=last or f.end, **f.params())


def group_of(score: pd.Series) -> pd.Series:
    """promoter (9–10), passive (7–8), detractor (0–6) for 0–10 scores."""
    return pd.Series(np.select([score >= 9, score >= 7], ["promoter", "passive"], "detractor"), index=score.index)


def latest(frame: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each customer's latest answer (per ``by`` group too); same-day ties keep the lowest score."""
    ordered = frame.sort_values(
        ["customer_id", *by, "feedback_date", "score"], ascending=[True] * (len(by) + 2) + [False]
    )
    return ordered.drop_duplicates(["customer_id", *by], keep="last")


def nps_counts(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """responses, promoters, passives, detractors and nps per ``by`` value (one row without ``by``)."""
    groups = group_of(frame["score"])
    counts = pd.DataFrame({"key": frame[by] if by else "total", "group": groups})
    table = counts.groupby(["key", "group"]).size().unstack("group").reindex(columns=list(GROUPS)).fillna(0)
    table.columns = ["promoters", "passives", "detractors"]
    table.insert(0, "responses", table.sum(axis=1))
    table = table.astype("int64")
    table["nps"] = 100.0 * (table["promoters"] - table["detractors"]) / table["responses"]
    return table.reset_index(names="value")


def _empty_nps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "value": pd.Series(dtype="object"),
            **{c: pd.Series(dtype="int64") for c in ("responses", "promoters", "passives", "detractors")},
            "nps": pd.Series(dtype=float),
        }
    )


@dataclass(frozen=True)
class NpsSummary:
    """NPS of the period and the prior period (None without answers), with the counts of the period."""

    nps: float | None
    prior: float | None
    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def change(self) -> float | None:
        return None if self.nps is None or self.prior is None else self.nps - self.prior


def nps_summary(con: duckdb.DuckDBPyConnection, f: Filters, *, both: pd.DataFrame | None = None) -> NpsSummary:
    """The period's NPS against the prior period's. ``both``: :func:`answers` from ``f.prior.start`` to
    ``f.end`` when the caller holds them (a page reads them once for every section), else read here."""
    both = answers(con, f, first=f.prior.start) if both is None else both
    both = both[both["scale"] == NPS_SCALE]
    now = latest(both[both["feedback_date"] >= pd.Timestamp(f.start)])
    before = latest(both[both["feedback_date"] < pd.Timestamp(f.start)])
    prior = None if before.empty else float(nps_counts(before)["nps"].iloc[0])
    if now.empty:
        return NpsSummary(None, prior, 0, 0, 0, 0)
    row = nps_counts(now).iloc[0]
    return NpsSummary(
        float(row["nps"]),
        prior,
        int(row["responses"]),
        int(row["promoters"]),
        int(row["passives"]),
        int(row["detractors"]),
    )


def nps_by(
    con: duckdb.DuckDBPyConnection, f: Filters, dimension: str, *, frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """NPS per channel, region, RFM segment or month of the period (module docstring).

    Columns: value (the channel, region, segment key or month), responses, promoters, passives,
    detractors, nps; largest first (months in order).
    """
    if dimension not in (*DIMENSIONS, "month"):
        raise ValueError(f"unknown dimension {dimension!r}")
    frame = answers(con, f) if frame is None else frame
    frame = frame[frame["scale"] == NPS_SCALE]
    if frame.empty:
        return _empty_nps()
    if dimension == "month":
        frame = frame.assign(month=frame["feedback_date"].dt.to_period("M").dt.start_time)
        return nps_counts(latest(frame, ("month",)), "month").sort_values("value", ignore_index=True)
    frame = latest(frame)
    if dimension == "segment":
        segments = rfm.rfm(con, f)[["customer_id", "segment"]]
        frame = frame.merge(segments, on="customer_id", how="left")
        frame["segment"] = frame["segment"].fillna(NO_ORDERS)
    frame[dimension] = frame[dimension].fillna("未知")
    return nps_counts(frame, dimension).sort_values(["responses", "value"], ascending=[False, True], ignore_index=True)


def nps_table(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """``python -m metrics export nps``: dimension, value, responses, promoters, passives, detractors, nps
    for the total, each month, channel, region and RFM segment."""
    frame = answers(con, f)
    frame = frame[frame["scale"] == NPS_SCALE]
    parts = []
    if not frame.empty:
        parts.append(nps_counts(latest(frame)).assign(dimension="total"))
    for dimension in ("month", *DIMENSIONS):
        part = nps_by(con, f, dimension)
        if dimension == "month" and not part.empty:
            part["value"] = pd.to_datetime(part["value"]).dt.strftime("%Y-%m")
        parts.append(part.assign(dimension=dimension))
    out = pd.concat(parts, ignore_index=True) if parts else _empty_nps().assign(dimension=pd.Series(dtype="str"))
    return out[["dimension", "value", "responses", "promoters", "passives", "detractors", "nps"]]


def csat(con: duckdb.DuckDBPyConnection, f: Filters, *, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per satisfaction scale of the period: scale, responses, csat_mean (on that scale), csat_top2.
    ``frame``: the period's :func:`answers` when the caller holds them (as for :func:`nps_by`, :func:`csat_by`,
    :func:`phrases`), else read here."""
    frame = answers(con, f) if frame is None else frame
    frame = frame[frame["scale"] != NPS_SCALE]
    rows = [
        {
            "scale": scale,
            "responses": len(part),
            "csat_mean": float(part["score"].mean()),
            "csat_top2": float((part["score"] >= TOP_BOXES[scale]).mean()),
        }
        for scale, part in frame.groupby("scale")
    ]
    return pd.DataFrame(rows, columns=["scale", "responses", "csat_mean", "csat_top2"])


def csat_by(
    con: duckdb.DuckDBPyConnection, f: Filters, dimension: str, *, frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """CSAT per month, channel, region or RFM segment of the period, on the period's main CSAT scale
    (the one with the most answers; ties by name): every answer counts (METRICS.md "CSAT").

    Columns: value, scale, responses, csat_mean, csat_top2; months in order, else most answers first.
    """
    if dimension not in (*DIMENSIONS, "month"):
        raise ValueError(f"unknown dimension {dimension!r}")
    columns = ["value", "scale", "responses", "csat_mean", "csat_top2"]
    frame = answers(con, f) if frame is None else frame
    frame = frame[frame["scale"] != NPS_SCALE]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    counts = frame["scale"].value_counts()
    scale = sorted(counts[counts == counts.max()].index)[0]
    frame = frame[frame["scale"] == scale].assign(top=lambda x: x["score"] >= TOP_BOXES[scale])
    if dimension == "month":
        frame = frame.assign(value=frame["feedback_date"].dt.to_period("M").dt.start_time)
    elif dimension == "segment":
        segments = rfm.rfm(con, f)[["customer_id", "segment"]]
        frame = frame.merge(segments, on="customer_id", how="left")
        frame = frame.assign(value=frame["segment"].fillna(NO_ORDERS))
    else:
        frame = frame.assign(value=frame[dimension].fillna("未知"))
    out = (
        frame.groupby("value")
        .agg(responses=("score", "size"), csat_mean=("score", "mean"), csat_top2=("top", "mean"))
        .reset_index()
        .assign(scale=scale)
    )
    order = ["value"] if dimension == "month" else ["responses", "value"]
    ascending = [True] if dimension == "month" else [False, True]
    return out.sort_values(order, ascending=ascending, ignore_index=True)[columns]


# --- churn by NPS group ---------------------------------------------------------------------------


def churn_by_group(con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = LAPSE_WINDOW_DAYS) -> pd.DataFrame:
    """group (promoter, passive, detractor), respondents, judged (window complete), lapsed, lapse_rate."""
    frame = query(con, "voice_lapse", window=int(window_days), as_of=f.end, **f.params())
    judged = frame[frame["complete"].astype(bool)]
    out = pd.DataFrame({"group": list(GROUPS)})
    out["respondents"] = out["group"].map(frame["group_key"].value_counts()).fillna(0).astype("int64")
    out["judged"] = out["group"].map(judged["group_key"].value_counts()).fillna(0).astype("int64")
    out["lapsed"] = out["group"].map(judged.groupby("group_key")["lapsed"].sum()).fillna(0).astype("int64")
    out["lapse_rate"] = out["lapsed"] / out["judged"].where(out["judged"] > 0)
    return out


# --- phrases --------------------------------------------------------------------------------------


def phrases_of(comment: str) -> set[str]:
    """The phrases one comment contributes (module docstring), each once."""
    text = unicodedata.normalize("NFKC", comment).casefold()
    found: set[str] = set()
    for clause in _CLAUSES.split(text):
        clause = " ".join(clause.split())
        if len(clause) < 2 or clause.isdigit():
            continue
        words = clause.split(" ")
        if _CJK.search(clause) or len(words) <= 4:
            if len(clause) <= 40:
                found.add(clause)
            continue
        kept = [w for w in words if w not in _STOP]
        found.update(f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False))
    return found


def phrases(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    group: str | None = None,
    top: int = MAX_PHRASES,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The most frequent phrases in the period's comments: phrase, language (zh|en), comments (how many
    comments hold it), comment_share (of the comments), and per NPS group how many (0–10 answers).

    ``group`` keeps the comments of one NPS group (promoter, passive, detractor).
    """
    frame = answers(con, f) if frame is None else frame
    frame = frame[frame["comment"].notna() & (frame["comment"].astype(str).str.strip() != "")]
    nps = frame["scale"] == NPS_SCALE
    frame = frame.assign(group=np.where(nps, group_of(frame["score"]), None))
    if group is not None:
        frame = frame[frame["group"] == group]
    columns = ["phrase", "language", "comments", "comment_share", *[f"{g}s" for g in GROUPS]]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    counts: Counter[str] = Counter()
    per_group: dict[str, Counter[str]] = {g: Counter() for g in GROUPS}
    for comment, who in zip(frame["comment"].astype(str), frame["group"], strict=True):
        found = phrases_of(comment)
        counts.update(found)
        if who in per_group:
            per_group[who].update(found)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    out = pd.DataFrame({"phrase": [p for p, _ in ranked], "comments": [n for _, n in ranked]})
    out["language"] = ["zh" if _CJK.search(p) else "en" for p in out["phrase"]]
    out["comment_share"] = out["comments"] / len(frame)
    for g in GROUPS:
        out[f"{g}s"] = [per_group[g][p] for p in out["phrase"]]
    return out[columns]


# --- referral -------------------------------------------------------------------------------------


def new_customers(con: duckdb.DuckDBPyConnection, f: Filters, *, window_days: int = REPEAT_WINDOW_DAYS) -> pd.DataFrame:
    """The period's new customers with referred, referred_by, repeat_in_window and revenue (voice_referrals.sql)."""
    return query(con, "voice_referrals", window=int(window_days), **f.params())


@dataclass(frozen=True)
class ReferralSummary:
    new_customers: int
    referred: int
    rate: float | None
    prior_rate: float | None

    @property
    def change(self) -> float | None:
        return None if self.rate is None or self.prior_rate is None else self.rate - self.prior_rate


def referral_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> ReferralSummary:
    return summarise_referrals(new_customers(con, f), new_customers(con, f.prior))


def summarise_referrals(now: pd.DataFrame, before: pd.DataFrame) -> ReferralSummary:
    """:func:`referral_summary` from :func:`new_customers` of the period and of the one before (pure: a
    page that holds the new customers reads them once, not once per section)."""
    rate = float(now["referred"].mean()) if len(now) else None
    prior = float(before["referred"].mean()) if len(before) else None
    return ReferralSummary(len(now), int(now["referred"].sum()), rate, prior)


def referral_value(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """referred vs others among the period's new customers: group (referred|others), customers,
    judged (180-day window complete), repeat_rate (within 180 days), revenue_per_customer (to the as-of date)."""
    return value_of_referrals(new_customers(con, f))


def value_of_referrals(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`referral_value` from :func:`new_customers` (pure)."""
    rows = []
    for group, part in (("referred", frame[frame["referred"]]), ("others", frame[~frame["referred"]])):
        judged = part["repeat_in_window"].dropna().astype(bool)
        rows.append(
            {
                "group": group,
                "customers": len(part),
                "judged": len(judged),
                "repeat_rate": float(judged.mean()) if len(judged) else np.nan,
                "revenue_per_customer": float(part["revenue"].mean()) if len(part) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def referral_by_month(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """month, new_customers, referred, referral_rate per calendar month of the period."""
    return referrals_by_month(new_customers(con, f))


def referrals_by_month(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`referral_by_month` from :func:`new_customers` (pure)."""
    if frame.empty:
        return pd.DataFrame(columns=["month", "new_customers", "referred", "referral_rate"])
    frame = frame.assign(month=pd.to_datetime(frame["first_date"]).dt.to_period("M").dt.start_time)
    out = frame.groupby("month").agg(new_customers=("customer_id", "size"), referred=("referred", "sum"))
    out["referral_rate"] = out["referred"] / out["new_customers"]
    return out.reset_index()


def top_referrers(
    con: duckdb.DuckDBPyConnection, f: Filters, *, top: int = 10, new: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The referrers who brought most of the period's new customers: referrer, referred_customers (new ones),
    referred_revenue (theirs, to the as-of date), is_customer, revenue (the referrer's own), latest_score.
    ``new``: :func:`new_customers` of ``f`` when the caller holds it (else read here)."""
    frame = new_customers(con, f) if new is None else new
    frame = frame[frame["referred"]]
    columns = ["referrer", "referred_customers", "referred_revenue", "is_customer", "revenue", "latest_score"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    counts = frame.groupby("referred_by").agg(
        referred_customers=("customer_id", "size"), referred_revenue=("revenue", "sum")
    )
    counts = (
        counts.reset_index()
        .sort_values(["referred_customers", "referred_revenue", "referred_by"], ascending=[False, False, True])
        .head(top)
    )
    who = query(con, "voice_referrers", referrers=counts["referred_by"].tolist(), **f.params())
    out = counts.merge(who, left_on="referred_by", right_on="customer_id", how="left")
    out = out.rename(columns={"referred_by": "referrer"})
    return out[columns].reset_index(drop=True)
