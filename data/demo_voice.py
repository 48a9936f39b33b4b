"""The demo's customer voice (issue 15): survey answers, one-to-one contacts, referrals, customer
profiles and traffic, generated from the orders and customers :mod:`data.demo` already made, with
planted truths the tests recover.

It draws from its own random stream (``default_rng([seed, 15])``), so the rest of the demo is
exactly what it was without it. How each part is planted, and how honest it is:

- **Feedback.** 12% of identified orders invite a survey (0–10 "would you recommend"), 35% answer,
  1–7 days later; 直营门店 answers also rate the service 1–5 (CSAT). The answer depends on what the
  customer is about to do: an order after which the customer drops out (the generator's own dropout,
  decided at purchase) is answered as a leaving customer (52% detractors, 20% promoters), any other
  as a staying one (14% detractors, 55% promoters); 直播带货 has 1.8× and B2B直销 0.6× the odds of a
  detractor. So detractors churn more *by construction of the scores*, not because a score changes
  behaviour: the association is planted, the direction of cause is not. 45% of answers carry a
  comment of one or two phrases from a bank per NPS group (12% in English); detractors' most
  frequent complaint is 物流太慢.
- **Referrals.** A consumer-channel customer acquired after the first 60 days names a referrer with
  probability 18% if they never drop out and 3% if they do (so referred customers retain better, by
  selection). The referrer is an earlier customer (promoters weigh 4×), or, for 25% of referrals, one
  of five planted super-referrers (KOCs).
- **Contacts.** Distributor and B2B customers have a sales rep (six reps) who visits, calls and
  chats on WeCom while the customer is active (until 120 days after the last order of one who drops
  out); 30% of consumer customers are enrolled in one-to-one WeCom service. Rep 王磊 left on
  2025-06-30 and nobody took over his accounts: none of them has been contacted since.
- **Profiles.** Every customer has a name, a mobile phone, a gender, 70% a birth date and 35% an
  e-mail. Planted flaws: 西北 records lack the phone 70% of the time (elsewhere 4%); 2% of phones
  are malformed; 3% of e-mails too; 0.5% of birth dates lie in the future and 0.5% give an age above
  120; 1.5% of customers carry the phone of an earlier customer (a duplicate record).
- **Traffic.** Monthly visitors of four channels = the month's orders ÷ a planted conversion rate ×
  lognormal noise (sd 8%): 电商平台 3.2% (split over four traffic sources), 直播带货 1.1%, 直营门店
  18% (footfall) and B2B直销 5% (web visitors, with leads = 12% of visitors).

Truths (key ``voice``) are computed from the generator's own arrays with the metrics' definitions,
never from SQL on the result, plus the planted parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

START = dt.date(2023, 1, 1)
_EPOCH_DAY = (START - dt.date(1970, 1, 1)).days

SURVEY_INVITE, SURVEY_RESPONSE = 0.12, 0.35
GROUP_PROBS = {"staying": (0.14, 0.31, 0.55), "leaving": (0.52, 0.28, 0.20)}  # detractor, passive, promoter
DETRACTOR_ODDS = {"直播带货": 1.8, "B2B直销": 0.6}
DETRACTOR_SCORES = (np.arange(7), np.array([1, 1, 2, 3, 5, 8, 10], dtype=float))
COMMENT_SHARE, ENGLISH_SHARE, TWO_PHRASES = 0.45, 0.12, 0.4
PHRASES = {
    "zh": {
        "promoter": (
            ("质量很好", 3.5),
            ("物流很快", 3.0),
            ("会推荐给朋友", 2.0),
            ("包装精美", 1.0),
            ("客服很耐心", 1.5),
        ),
        "passive": (("还可以", 3.0), ("性价比一般", 2.0), ("物流一般", 2.0), ("包装还行", 1.0)),
        "detractor": (
            ("物流太慢", 4.0),
            ("价格偏贵", 3.0),
            ("客服不回复", 2.0),
            ("包装破损", 1.5),
            ("效果不明显", 1.5),
        ),
    },
    "en": {
        "promoter": (("great quality", 3.0), ("fast delivery", 2.5), ("would recommend", 2.0)),
        "passive": (("it is ok", 2.0), ("average value", 2.0)),
        "detractor": (("slow delivery", 4.0), ("too expensive", 3.0), ("no reply from support", 2.0)),
    },
}
CSAT_CHANNEL = "直营门店"
REFERRAL_PROB = {"staying": 0.18, "leaving": 0.03}
REFERRAL_CHANNELS = ("电商平台", "直营门店", "直播带货", "合作伙伴")
REFERRAL_FROM_DAY = 60
SUPER_REFERRERS, SUPER_SHARE, PROMOTER_WEIGHT = 5, 0.25, 4.0
REPS = ("王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆")
REP_CHANNELS = ("经销商", "B2B直销")
REP_RATES = {"visit": 1 / 60, "call": 1 / 30, "wecom": 1 / 30}  # per day of the customer's active life
DEPARTED_REP, DEPARTED_ON = "王磊", dt.date(2025, 6, 30)
CONSUMER_ENROLLED, CONSUMER_RATES = 0.30, {"wecom": 1 / 60, "call": 1 / 240}
ADVISORS = 12
LAPSED_CONTACT_DAYS = 120
OUTCOMES = {
    "visit": ("达成意向", "跟进中", "已解决"),
    "call": ("跟进中", "无人接听", "已解决"),
    "wecom": ("已回复", "跟进中", "已解决"),
}
CONVERSION = {"电商平台": 0.032, "直播带货": 0.011, "直营门店": 0.18, "B2B直销": 0.05}
SOURCES = {"电商平台": (("手淘搜索", 0.45), ("首页推荐", 0.25), ("直通车", 0.20), ("站外广告", 0.10))}
LEAD_SHARE = {"B2B直销": 0.12}
TRAFFIC_NOISE = 0.08
MISSING_PHONE = {"西北": 0.70, "other": 0.04}
BAD_PHONE, BAD_EMAIL, FUTURE_BIRTH, OLD_BIRTH, DUPLICATE_PHONE = 0.02, 0.03, 0.005, 0.005, 0.015
EMAIL_SHARE, BIRTH_SHARE = 0.35, 0.70
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟"
LAPSE_WINDOW = 180
ACTIVE_WINDOW = 180


@dataclass(frozen=True)
class Facts:
    """What the demo made that the voice derives from (days are offsets from 2023-01-01).

    Customers are numbered 0..n-1 by their first purchase; orders are sorted by day, ``cust`` −1 for
    an anonymous walk-in.
    """

    channel_names: list[str]
    region_names: list[str]
    c_channel: np.ndarray
    c_region: np.ndarray
    c_first: np.ndarray
    c_dropped: np.ndarray
    o_day: np.ndarray
    o_channel: np.ndarray
    o_cust: np.ndarray
    n_days: int
    month_start: np.ndarray  # day offset of each month's first day (36 months)

    @property
    def order_keys(self) -> np.ndarray:
        """customer × (n_days + 1) + day of every identified order, sorted (a customer's orders in a run)."""
        known = self.o_cust >= 0
        return np.sort(self.o_cust[known].astype(np.int64) * (self.n_days + 1) + self.o_day[known])


def _date(days: np.ndarray) -> pa.Array:
    return pa.array((np.asarray(days, dtype=np.int64) + _EPOCH_DAY).astype(np.int32), pa.date32())


def _cid(numbers: np.ndarray) -> list[str]:
    return [f"C{n + 1:08d}" for n in numbers]


def _pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cdf = np.cumsum(weights, dtype=float)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(size), side="right"), len(weights) - 1)


def generate(seed: int, facts: Facts) -> tuple[dict[str, pa.Table], dict[str, object]]:
    """The voice tables (coded Arrow, written by :func:`write`) and the truths (key ``voice``)."""
    rng = np.random.default_rng([seed, 15])
    keys = facts.order_keys
    fb, fb_truth = _feedback(rng, facts, keys)
    referred_by, ref_truth = _referrals(rng, facts, fb)
    contacts, contact_truth = _contacts(rng, facts, keys)
    profiles, profile_truth = _profiles(rng, facts)
    profiles = profiles.append_column(
        "referred_by", pa.array([None if r < 0 else f"C{r + 1:08d}" for r in referred_by], pa.string())
    )
    traffic, traffic_truth = _traffic(rng, facts)
    truth = {
        "feedback": fb_truth,
        "referral": ref_truth,
        "contacts": contact_truth,
        "profiles": profile_truth,
        "conversion": traffic_truth,
    }
    return {"feedback": fb.table, "contacts": contacts, "profiles": profiles, "traffic": traffic}, truth


# --- feedback ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answers:
    table: pa.Table
    cust: np.ndarray  # per NPS answer
    day: np.ndarray
    score: np.ndarray


def _latest(cust: np.ndarray, day: np.ndarray, score: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Indices of each customer's latest answer among ``keep`` (same day: the lowest score)."""
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((-score[idx], day[idx], cust[idx]))]
    last = np.r_[cust[order][1:] != cust[order][:-1], True]
    return order[last]


def _nps(score: np.ndarray) -> float:
    return float(100.0 * ((score >= 9).mean() - (score <= 6).mean())) if score.size else float("nan")


def _feedback(rng: np.random.Generator, facts: Facts, keys: np.ndarray) -> tuple[_Answers, dict]:
    known = facts.o_cust >= 0
    order_idx = np.flatnonzero(known)
    cust = facts.o_cust[order_idx]
    # the last order of each customer: after it a dropped customer buys nothing more
    last = np.zeros(order_idx.size, dtype=bool)
    by_cust = np.lexsort((facts.o_day[order_idx], cust))
    ends = np.r_[cust[by_cust][1:] != cust[by_cust][:-1], True]
    last[by_cust[ends]] = True
    leaving = last & facts.c_dropped[cust]
    asked = rng.random(order_idx.size) < SURVEY_INVITE * SURVEY_RESPONSE
    rows = order_idx[asked]
    leave = leaving[asked]
    who = facts.o_cust[rows]
    day = facts.o_day[rows] + rng.integers(1, 8, rows.size)
    inside = day < facts.n_days
    rows, leave, who, day = rows[inside], leave[inside], who[inside], day[inside]
    channel = facts.o_channel[rows]
    names = np.array(facts.channel_names)
    odds = np.array([DETRACTOR_ODDS.get(n, 1.0) for n in facts.channel_names])[channel]
    base = np.where(leave[:, None], np.array(GROUP_PROBS["leaving"]), np.array(GROUP_PROBS["staying"]))
    det = odds * base[:, 0] / (odds * base[:, 0] + 1 - base[:, 0])
    rest = (1 - det) / (1 - base[:, 0])
    probs = np.column_stack([det, base[:, 1] * rest, base[:, 2] * rest])
    group = (rng.random(rows.size)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)  # 0 det, 1 passive, 2 promoter
    score = np.where(
        group == 0,
        DETRACTOR_SCORES[0][_pick(rng, DETRACTOR_SCORES[1], rows.size)],
        np.where(group == 1, 7 + rng.integers(0, 2, rows.size), 9 + rng.integers(0, 2, rows.size)),
    )
    comments = _comments(rng, group)
    # 直营门店 answers also rate the service 1–5
    store = names[channel] == CSAT_CHANNEL
    csat = np.clip(np.round(rng.normal(np.where(leave, 2.8, 4.2), 0.8)), 1, 5)[store]
    table = pa.table(
        {
            "cust_no": np.concatenate([who, who[store]]) + 1,
            "feedback_date": _date(np.concatenate([day, day[store]])),
            "score": np.concatenate([score.astype(float), csat]),
            "scale": pa.array(["0-10"] * rows.size + ["1-5"] * int(store.sum())),
            "comment": pa.array(comments + [None] * int(store.sum()), pa.string()),
            "ch": np.concatenate([channel, channel[store]]).astype(np.int8),
        }
    )
    answers = _Answers(table, who, day, score.astype(float))
    return answers, _feedback_truth(facts, keys, answers, channel, comments, group)


def _comments(rng: np.random.Generator, group: np.ndarray) -> list[str | None]:
    """One or two distinct phrases of the answer's NPS group and language (a repeated draw gives one)."""
    keys = ("detractor", "passive", "promoter")
    has = rng.random(group.size) < COMMENT_SHARE
    english = rng.random(group.size) < ENGLISH_SHARE
    two = rng.random(group.size) < TWO_PHRASES
    out: list[str | None] = [None] * group.size
    for lang in ("zh", "en"):
        for g, key in enumerate(keys):
            idx = np.flatnonzero(has & (english == (lang == "en")) & (group == g))
            bank = PHRASES[lang][key]
            weights = np.array([w for _, w in bank])
            first, second = _pick(rng, weights, idx.size), _pick(rng, weights, idx.size)
            joiner = "，" if lang == "zh" else ", "
            for i, a, b, both in zip(idx, first, second, two[idx] & (first != second), strict=True):
                out[i] = bank[a][0] + joiner + bank[b][0] if both else bank[a][0]
    return out


def _feedback_truth(
    facts: Facts, key: np.ndarray, a: _Answers, channel: np.ndarray, comments: list, group: np.ndarray
) -> dict:
    year = {
        y: (a.day >= (dt.date(y, 1, 1) - START).days) & (a.day <= (dt.date(y, 12, 31) - START).days)
        for y in (2024, 2025)
    }
    names = np.array(facts.channel_names)
    latest_2025 = _latest(a.cust, a.day, a.score, year[2025])  # one answer per customer, then by its channel
    by_channel = {
        str(names[c]): _nps(a.score[latest_2025][channel[latest_2025] == c]) for c in np.unique(channel[latest_2025])
    }
    # lapse after the latest answer over the whole range, judged when its window ends in the data
    idx = _latest(a.cust, a.day, a.score, np.ones(a.cust.size, dtype=bool))
    judged = idx[a.day[idx] + LAPSE_WINDOW <= facts.n_days - 1]
    base = a.cust[judged].astype(np.int64) * (facts.n_days + 1)
    lo = np.searchsorted(key, base + a.day[judged], side="right")
    hi = np.searchsorted(key, base + a.day[judged] + LAPSE_WINDOW, side="right")
    lapsed = hi == lo
    s = a.score[judged]
    lapse = {
        name: float(lapsed[mask].mean())
        for name, mask in (("detractor", s <= 6), ("passive", (s >= 7) & (s <= 8)), ("promoter", s >= 9))
    }
    detractor_phrases: dict[str, int] = {}
    for text, g in zip(comments, group, strict=True):
        if text is not None and g == 0:
            for phrase in text.replace(", ", "，").split("，"):
                detractor_phrases[phrase] = detractor_phrases.get(phrase, 0) + 1
    top = sorted(detractor_phrases.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return {
        "group_probabilities": GROUP_PROBS,
        "detractor_odds": DETRACTOR_ODDS,
        "nps_by_year": {str(y): _nps(a.score[_latest(a.cust, a.day, a.score, m)]) for y, m in year.items()},
        "responses_by_year": {str(y): int(_latest(a.cust, a.day, a.score, m).size) for y, m in year.items()},
        "nps_by_channel_2025": by_channel,
        "lapse_180_all": lapse,
        "judged_all": int(judged.size),
        "detractor_top_phrase": top,
    }


# --- referrals -----------------------------------------------------------------------------------


def _referrals(rng: np.random.Generator, facts: Facts, answers: _Answers) -> tuple[np.ndarray, dict]:
    n = facts.c_channel.size
    names = np.array(facts.channel_names)
    consumer = np.isin(names[facts.c_channel], REFERRAL_CHANNELS)
    p = np.where(facts.c_dropped, REFERRAL_PROB["leaving"], REFERRAL_PROB["staying"])
    referred = consumer & (facts.c_first >= REFERRAL_FROM_DAY) & (rng.random(n) < p)
    promoter = np.zeros(n, dtype=bool)
    promoter[answers.cust[answers.score >= 9]] = True
    weight = np.where(promoter, PROMOTER_WEIGHT, 1.0)
    cumulative = np.cumsum(weight)
    earlier = np.searchsorted(facts.c_first, facts.c_first, side="left")  # customers who first bought before
    targets = np.flatnonzero(referred & (earlier > 0))
    referrer = np.full(n, -1, dtype=np.int64)
    draw = rng.random(targets.size) * cumulative[earlier[targets] - 1]
    referrer[targets] = np.minimum(np.searchsorted(cumulative, draw, side="right"), earlier[targets] - 1)
    early = np.flatnonzero(consumer & ~facts.c_dropped & (facts.c_first < REFERRAL_FROM_DAY))
    kocs = np.sort(rng.choice(early, size=min(SUPER_REFERRERS, early.size), replace=False))
    to_koc = targets[rng.random(targets.size) < SUPER_SHARE]
    referrer[to_koc] = kocs[rng.integers(0, kocs.size, to_koc.size)]
    has = referrer >= 0
    rates = {}
    for y in (2024, 2025):
        new = (facts.c_first >= (dt.date(y, 1, 1) - START).days) & (facts.c_first <= (dt.date(y, 12, 31) - START).days)
        rates[str(y)] = float(has[new].mean())
    y2025 = facts.c_first >= (dt.date(2025, 1, 1) - START).days
    counts = np.bincount(referrer[has & y2025], minlength=n)
    return referrer, {
        "probabilities": REFERRAL_PROB,
        "super_share": SUPER_SHARE,
        "promoter_weight": PROMOTER_WEIGHT,
        "rate_by_year": rates,
        "referred_total": int(has.sum()),
        "super_referrers": _cid(kocs),
        "super_referred_2025": {f"C{k + 1:08d}": int(counts[k]) for k in kocs},
    }


# --- contacts ------------------------------------------------------------------------------------


def _contacts(rng: np.random.Generator, facts: Facts, keys: np.ndarray) -> tuple[pa.Table, dict]:
    n = facts.c_channel.size
    names = np.array(facts.channel_names)
    last_order = np.full(n, -1, dtype=np.int64)
    known = facts.o_cust >= 0
    np.maximum.at(last_order, facts.o_cust[known], facts.o_day[known])
    life_end = np.where(
        facts.c_dropped, np.minimum(last_order + LAPSED_CONTACT_DAYS, facts.n_days - 1), facts.n_days - 1
    )
    life = np.maximum(life_end - facts.c_first, 0) + 1
    rep_customer = np.isin(names[facts.c_channel], REP_CHANNELS)
    enrolled = ~rep_customer & (rng.random(n) < CONSUMER_ENROLLED)
    rep = rng.integers(0, len(REPS), n)
    advisor = rng.integers(0, ADVISORS, n)
    parts_cust, parts_day, parts_type = [], [], []
    for types, who in ((REP_RATES, rep_customer), (CONSUMER_RATES, enrolled)):
        people = np.flatnonzero(who)
        for kind, rate in types.items():
            count = rng.poisson(rate * life[people])
            owner_of = np.repeat(people, count)
            parts_cust.append(owner_of)
            parts_day.append(facts.c_first[owner_of] + (rng.random(owner_of.size) * life[owner_of]).astype(np.int64))
            parts_type.append(np.full(owner_of.size, kind))
    cust = np.concatenate(parts_cust)
    day = np.concatenate(parts_day)
    kind = np.concatenate(parts_type)
    owner = np.where(
        rep_customer[cust],
        np.array(REPS)[rep[cust]],
        np.char.add("客服", np.char.zfill((advisor[cust] + 1).astype(str), 2)),
    )
    departed = (owner == DEPARTED_REP) & (day > (DEPARTED_ON - START).days)
    cust, day, kind, owner = cust[~departed], day[~departed], kind[~departed], owner[~departed]
    kinds = np.array(list(OUTCOMES))
    by_name = np.argsort(kinds)
    code = by_name[np.searchsorted(kinds[by_name], kind)]
    outcome = np.array([OUTCOMES[k] for k in kinds])[code, rng.integers(0, 3, kind.size)]
    order = np.lexsort((kind, day, cust))
    table = pa.table(
        {
            "cust_no": cust[order] + 1,
            "contact_date": _date(day[order]),
            "contact_type": pa.array(kind[order], pa.string()),
            "owner": pa.array(owner[order], pa.string()),
            "outcome": pa.array(outcome[order], pa.string()),
        }
    )
    accounts = np.flatnonzero(rep_customer & (np.array(REPS)[rep] == DEPARTED_REP))
    return table, {
        "rep_rates_per_day": REP_RATES,
        "consumer_rates_per_day": CONSUMER_RATES,
        "enrolled_share": CONSUMER_ENROLLED,
        "departed": {"owner": DEPARTED_REP, "left_on": DEPARTED_ON.isoformat(), "customers": _cid(accounts)},
        "contacts_per_active_customer_2025": _contact_rate(facts, keys, day, 2025),
    }


def _contact_rate(facts: Facts, key: np.ndarray, day: np.ndarray, year: int) -> float:
    """Σ contacts of the year ÷ Σ customers active at each month's end (relationship.monthly's rate)."""
    first, last = (dt.date(year, 1, 1) - START).days, (dt.date(year, 12, 31) - START).days
    contacts = int(((day >= first) & (day <= last)).sum())
    size = facts.n_days + 1
    customers = np.unique(key // size)
    active_months = 0
    for m in range(12):
        end = (dt.date(year + (m == 11), (m + 1) % 12 + 1, 1) - dt.timedelta(days=1) - START).days
        q = np.searchsorted(key, customers * size + end, side="right") - 1  # each customer's last order by then
        found = key[np.maximum(q, 0)]
        active_months += int(((q >= 0) & (found // size == customers) & (found % size > end - ACTIVE_WINDOW)).sum())
    return contacts / active_months


# --- profiles ------------------------------------------------------------------------------------


def _profiles(rng: np.random.Generator, facts: Facts) -> tuple[pa.Table, dict]:
    n = facts.c_channel.size
    regions = np.array(facts.region_names)[facts.c_region]
    name = np.char.add(
        np.array(list(SURNAMES))[rng.integers(0, len(SURNAMES), n)],
        np.array(list(GIVEN))[rng.integers(0, len(GIVEN), n)],
    )
    two = rng.random(n) < 0.6
    name = np.where(two, np.char.add(name, np.array(list(GIVEN))[rng.integers(0, len(GIVEN), n)]), name)
    phone = np.char.add(
        np.char.add("1", rng.integers(3, 10, n).astype(str)), np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9)
    ).astype(object)
    bad_phone = rng.random(n) < BAD_PHONE
    phone[bad_phone] = [p[:7] if i % 2 else p[:3] + "****" + p[7:] for i, p in enumerate(phone[bad_phone])]
    duplicate = (rng.random(n) < DUPLICATE_PHONE) & (np.arange(n) > 0) & ~bad_phone
    source = (rng.random(n) * np.arange(n)).astype(np.int64)
    phone[duplicate] = phone[source[duplicate]]
    bad_phone |= duplicate & bad_phone[source]  # a copy of a malformed number is malformed too
    missing = rng.random(n) < np.where(regions == "西北", MISSING_PHONE["西北"], MISSING_PHONE["other"])
    phone[missing] = None
    email = np.char.add(np.char.add("c", np.char.zfill(np.arange(1, n + 1).astype(str), 8)), "@mail.example.cn").astype(
        object
    )
    has_email = rng.random(n) < EMAIL_SHARE
    bad_email = has_email & (rng.random(n) < BAD_EMAIL)
    email[bad_email] = [e.replace("@", "#") for e in email[bad_email]]
    email[~has_email] = None
    gender = np.where(rng.random(n) < 0.62, "女", "男").astype(object)
    birth = (dt.date(1960, 1, 1) - START).days + (rng.random(n) * 365.25 * 45).astype(np.int64)
    has_birth = rng.random(n) < BIRTH_SHARE
    future = has_birth & (rng.random(n) < FUTURE_BIRTH)
    ancient = has_birth & ~future & (rng.random(n) < OLD_BIRTH)
    birth[future] = (dt.date(2027, 1, 1) - START).days + rng.integers(0, 1500, int(future.sum()))
    birth[ancient] = (dt.date(1880, 1, 1) - START).days + rng.integers(0, 3000, int(ancient.sum()))
    table = pa.table(
        {
            "cust_no": np.arange(1, n + 1),
            "name": pa.array(name.tolist()),
            "phone": pa.array(phone.tolist(), pa.string()),
            "email": pa.array(email.tolist(), pa.string()),
            "gender": pa.array(gender.tolist()),
            "birth_date": pa.array((birth + _EPOCH_DAY).astype(np.int32), pa.date32(), mask=~has_birth),
        }
    )
    valid_phone = ~missing & ~bad_phone
    in_group = np.zeros(n, dtype=bool)
    for values, filled in ((phone, ~missing), (email, has_email)):
        unique, counts = np.unique(values[filled].astype(str), return_counts=True)
        in_group |= filled & np.isin(values.astype(str), unique[counts > 1])
    age_valid = has_birth & ~future & ~ancient
    return table, {
        "missing_phone_region": "西北",
        "missing_phone_probability": MISSING_PHONE,
        "phone_completeness_by_region": {r: float(valid_phone[regions == r].mean()) for r in np.unique(regions)},
        "completeness": {
            "phone": float(valid_phone.mean()),
            "email": float((has_email & ~bad_email).mean()),
            "gender": 1.0,
            "name": 1.0,
            "age": float(age_valid.mean()),
        },
        "invalid": {
            "phone": int((bad_phone & ~missing).sum()),
            "email": int(bad_email.sum()),
            "future_birth_dates": int(future.sum()),
            "impossible_ages": int(ancient.sum()),
        },
        "duplicate_customers": int(in_group.sum()),
    }


# --- traffic -------------------------------------------------------------------------------------


def _traffic(rng: np.random.Generator, facts: Facts) -> tuple[pa.Table, dict]:
    months = facts.month_start.size
    month_of_order = np.searchsorted(facts.month_start, facts.o_day, side="right") - 1
    month_end = np.r_[facts.month_start[1:], facts.n_days] - 1
    rows = {"month": [], "end": [], "ch": [], "source": [], "visitors": [], "leads": []}
    realised: dict[str, dict[str, float]] = {}
    for name, rate in CONVERSION.items():
        c = facts.channel_names.index(name)
        orders = np.bincount(month_of_order[facts.o_channel == c], minlength=months).astype(float)
        visitors = np.round(orders / rate * rng.lognormal(-(TRAFFIC_NOISE**2) / 2, TRAFFIC_NOISE, months))
        split = SOURCES.get(name, ((None, 1.0),))
        shares = np.array([s for _, s in split])
        mix = rng.dirichlet(shares * 200, months)  # each month's source mix around the planted shares
        parts = np.floor(visitors[:, None] * mix)
        parts[:, 0] += visitors - parts.sum(axis=1)  # whole visitors, summing to the month's
        for k, (source, _) in enumerate(split):
            rows["month"].append(facts.month_start)
            rows["end"].append(month_end)
            rows["ch"].append(np.full(months, c))
            rows["source"] += [source] * months
            rows["visitors"].append(parts[:, k])
            lead = LEAD_SHARE.get(name)
            rows["leads"] += [None] * months if lead is None else list(np.round(parts[:, k] * lead))
        realised[name] = {
            str(2023 + y): float(orders[12 * y : 12 * y + 12].sum() / visitors[12 * y : 12 * y + 12].sum())
            for y in range(3)
        }
    table = pa.table(
        {
            "period_start": _date(np.concatenate(rows["month"])),
            "period_end": _date(np.concatenate(rows["end"])),
            "ch": np.concatenate(rows["ch"]).astype(np.int8),
            "source": pa.array(rows["source"], pa.string()),
            "visitors": np.concatenate(rows["visitors"]),
            "leads": pa.array(rows["leads"], pa.float64()),
        }
    )
    return table, {
        "planted_rates": CONVERSION,
        "noise_sd": TRAFFIC_NOISE,
        "rate_by_year": realised,
        "sources": {k: dict(v) for k, v in SOURCES.items()},
    }


# --- writing -------------------------------------------------------------------------------------


def write(cur: object, name: str, tables: dict[str, pa.Table], channel_names: list[str]) -> None:
    """Insert the voice rows of dataset ``name`` (inside the demo's transaction; customers already in)."""
    for alias, table in tables.items():
        cur.register(f"voice_{alias}", table)
    try:
        cid = "'C' || lpad(cust_no::VARCHAR, 8, '0')"
        cur.execute(
            f"INSERT INTO feedback SELECT $n, {cid}, feedback_date, score, scale, comment, $channels[ch + 1] "  # noqa: S608 (constant)
            "FROM voice_feedback",
            {"n": name, "channels": channel_names},
        )
        cur.execute(
            f"INSERT INTO interactions SELECT $n, {cid}, contact_date, contact_type, owner, outcome "  # noqa: S608
            "FROM voice_contacts",
            {"n": name},
        )
        cur.execute(
            "INSERT INTO traffic SELECT $n, period_start, period_end, $channels[ch + 1], source, NULL, visitors, "
            "leads, NULL, NULL FROM voice_traffic",
            {"n": name, "channels": channel_names},
        )
        cur.execute(
            "UPDATE customers c SET name = p.name, phone = p.phone, email = p.email, gender = p.gender, "
            "birth_date = p.birth_date, referred_by = p.referred_by FROM voice_profiles p "
            "WHERE c.dataset = $n AND c.customer_id = 'C' || lpad(p.cust_no::VARCHAR, 8, '0')",
            {"n": name},
        )
    finally:
        for alias in tables:
            cur.unregister(f"voice_{alias}")
