"""The deterministic demo dataset: a consumer-goods company (skincare, personal care...) selling
through six channels in seven regions of China, 2023-01-01..2025-12-31, that tells the truth
about itself: its sales, marketing and retention follow the process METRICS.md's "Budget what-if"
describes, with every parameter planted and stored.

Everything is generated with ``numpy.random.default_rng(seed)`` and whole-array operations (no
Python loop per customer or order; one loop over the 158 weeks), then written in one transaction;
ids and names are built in DuckDB from integer codes. The same ``seed`` and ``orders`` give
identical rows.

How the rows come about:

1. **Channel revenue = baseline + incremental response** (net of refunds, per Monday-based week).
   Baseline = level × growth^years × exp(yearly Fourier terms) × (1 + holiday effects), the holidays
   being the moving windows of :mod:`data.calendar` (春节 eve and week, 618, 双11); incremental =
   beta · hill(x; alpha, kappa) with x(t) = s(t) + theta · x(t−1), s = the week's marketing spend,
   flighted (bursts, dark weeks, pushes before 618 and 双11). Per channel and seed: baseline share
   55–85%, theta 0.1–0.7, alpha 0.8–2.5, kappa 0.5–1.5 × the mean adstocked spend, and beta set so
   the marginal ROAS at the current spend (steady state) is 0.5–4. Each week's expected revenue is
   multiplied by lognormal noise (sd 3–6%).
2. **Orders come from one customer process.** New customers arrive as a share of each channel-week's
   orders (their first purchase is an order there); everyone buys at a Gamma-distributed rate
   (candidate purchases at ``CANDIDATE_BOOST`` × the rate) and may drop out after each purchase
   (Beta-distributed probability). Each week, every channel accepts just enough of its live
   customers' candidate purchases (chosen at random) to reach the week's order count = revenue ÷
   the channel's expected net revenue per order; a quarter of 直营门店's orders are anonymous
   walk-ins. Lines, products, prices, costs and refunds are drawn per order.
3. **CRM programmes reduce dropout, measured by holdouts.** Each programme runs one campaign a
   month for its audience (customers of its channels who buy that month, contacted at their first
   purchase of the month): 90% contacted, 10% control, at random, recorded per customer and
   campaign. A contacted customer's dropout probability after that month's purchases is multiplied
   by 1 − max_reduction · hill(the programme's spend that month; alpha, kappa). CRM spend varies
   month to month (0.3–1.7 × its base). Channel revenue follows (1) whatever CRM does: retention
   changes *who* buys, and its value is counted through retained customers, as the objective does.
4. **Two lift tests**: 8 weeks in the last year in which B2B直销's and 合作伙伴's spend ran 50% above
   plan; the measured lift is the true effect plus noise with a standard error of 15% of it.

What it planted is stored in ``dataset_truths`` (key -> JSON), computed from the generator's own
arrays, never from SQL on the result (``python -m data truths --dataset NAME`` prints it). Money is
in yuan, dates are ISO strings:

- ``response``: {"grain": "week", "channels": {channel: {baseline_share, beta, alpha, kappa, theta,
  margin, current_weekly_spend, marginal_roas, noise_sd, growth}}, "crm": {programme: {max_reduction,
  alpha, kappa, current_monthly_spend, audience, uplift, max_uplift}}}. beta and kappa in
  yuan per week (kappa on the adstocked spend), revenue net of refunds; baseline_share over the 156
  full weeks; margin = the variable contribution margin rate (gross profit net of refunds − commission
  − rebate, ÷ net revenue) over 2025; current = mean of the last 52 full weeks (12 months for CRM);
  marginal_roas at that spend. CRM kappa in yuan per month; uplift = {"90": .., "180": ..}, the true
  gain in the repurchase rate within that many days of a contact, averaged over the contacts whose
  window ends inside the data (the holdout's estimand); max_uplift = the 180-day gain per contact at
  full effect, so a month's spend s buys max_uplift · hill(s; alpha, kappa) per contacted customer.
- ``experiments``: [{lever, start, end, spend_change, lift, std_error, true_lift}] as loaded.
- ``channel_gross_margin``: {channel: (revenue - cost) / revenue over all lines}; revenue before refunds.
- ``channel_revenue_share``: {channel: channel revenue / total revenue}.
- ``channel_revenue_by_year``: {channel: {"2023": yuan, "2024": yuan, "2025": yuan}}.
- ``blind_spots``: [[channel, region], ...] cells with no sales at all (every other cell has sales).
- ``price_conflict_products``: [product, ...] that 直播带货 sells far below list price (窜货 risk).
- ``price_conflict_factor``: 直播带货 price of those products as a fraction of list price.
- ``channel_price_factors``: {channel: price as a fraction of list} for all other products.
- ``multichannel_customers``: customers with orders in >= 2 channels over the whole range.
- ``btyd_params``: {channel: {r, alpha, a, b}}: the intrinsic purchase rate ~ Gamma(r, rate alpha)
  per day and dropout after each purchase ~ Beta(a, b), by acquisition channel; the realised rate
  is the candidate rate × the week's acceptance (``acceptance``).
- ``acceptance``: {channel: mean share of live customers' candidate purchases accepted} (≈ 1 /
  ``CANDIDATE_BOOST`` when the customer base carries the channel's sales).
- ``acquisition_growth``: {channel: yearly factor of new customers (2025 over 2023, per year)}.
- ``quantity_trend``: {channel: yearly factor on quantity per line} (经销商 destocking; others 1).
- ``seasonality``: {channel: [12 monthly factors of the baseline's seasonal part, mean 1]}.
- ``holiday_effects``: {channel: {cny_eve, cny, d618, d11}}: the baseline's change on each day of
  those windows of :mod:`data.calendar` (春节's two move with the lunar date: 14 days before it,
  and 春节 with the 6 days after), e.g. 0.45 = +45% that day.
- ``repeat_rate_all``: customers with >= 2 distinct orders / customers with >= 1, whole range.
- ``dropped_share_at_end``: share of customers who had truly dropped out by the end date.
- ``anonymous_order_share``: anonymous orders / all 直营门店 orders.
- ``customers``: customers with >= 1 order (rows of the customers table).
- ``order_lines``: lines generated; ``orders``: distinct orders.
- ``date_range``: [first date, last date] of the generated range.
- ``seed``: the seed; ``orders_requested``: the ``orders`` argument.
- ``voice``: the customer's voice (:mod:`data.demo_voice`): {"feedback": NPS by year and by channel in
  2025, lapse within 180 days after the latest answer per NPS group, detractors' top phrase;
  "referral": rate by year, the super-referrers and their 2025 referrals; "contacts": contacts per
  active customer per month in 2025, the rep who left and his accounts; "profiles": completeness,
  invalid values, duplicate customers, phone completeness by region; "conversion": planted and
  realised rates by channel and year, the traffic sources' planted mix}.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from scipy.signal import lfilter
from scipy.special import ndtr

from data import access, calendar, demo_voice, registry
from data.warehouse import transaction

START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)
N_DAYS = (END - START).days + 1
# What build_demo reports to its progress callback, in order (the app shows them translated: demo_stage_*)
STAGES = ("customers", "purchases", "customer voice", "order lines", "costs", "writing", "done")
N_MONTHS = 36
_EPOCH_DAY = (START - dt.date(1970, 1, 1)).days
_WEEKDAY0 = START.weekday()  # Monday = 0: day 0 is the 7th day of week 0 (which starts 2022-12-26)
N_WEEKS = (N_DAYS - 1 + _WEEKDAY0) // 7 + 1

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ChannelSpec:
    """How one channel behaves. Rates per day, money in yuan, shares as fractions."""

    name: str
    consumer: bool
    order_share: float  # of all orders
    new_share: float  # base share of the channel's customer orders made by new customers (see _process)
    growth: float  # yearly factor of the baseline
    holidays: tuple[float, float, float, float]  # baseline effect of cny_eve, cny, d618, d11 (× share of days)
    fourier: tuple[float, float, float, float]  # sin/cos of the day of year, 1st and 2nd harmonic
    r: float  # purchase rate lambda ~ Gamma(r, rate alpha), per day
    alpha: float
    a: float  # dropout probability after each purchase ~ Beta(a, b)
    b: float
    extra_lines: float  # lines per order = min_lines + Poisson(extra_lines), capped
    min_lines: int
    quantity_median: float  # businesses: lognormal quantities; consumers: 1 + Poisson(0.35)
    quantity_sigma: float
    price_factor: float  # price as a fraction of list price
    refund_rate: float  # share of lines with a refund
    commission: float  # share of revenue
    rebate: float  # share of revenue
    management: float  # fixed monthly cost as a share of the channel's mean monthly revenue
    quantity_trend: float = 1.0  # yearly factor on business order quantities (distributor destocking)


# The order of this tuple is the channel code used in every array below.
CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "经销商",
        False,
        0.075,
        0.03,
        0.90,
        (0.45, -0.55, 0.05, 0.10),
        (0.02, 0.06, 0.0, 0.03),
        8.0,
        160.0,
        2.0,
        80.0,
        1.0,
        2,
        5.0,
        0.6,
        0.90,
        0.02,
        0.0,
        0.03,
        0.01,
        0.92,
    ),
    ChannelSpec(
        "电商平台",
        True,
        0.33,
        0.22,
        1.15,
        (0.10, -0.35, 1.00, 2.50),
        (-0.03, -0.04, 0.02, 0.0),
        0.9,
        90.0,
        1.0,
        2.5,
        0.6,
        1,
        1.0,
        0.0,
        0.95,
        0.02,
        0.05,
        0.0,
        0.0,
    ),
    ChannelSpec(
        "直营门店",
        True,
        0.33,
        0.15,
        1.00,
        (0.55, -0.25, 0.05, 0.10),
        (0.0, 0.08, 0.0, 0.04),
        1.2,
        110.0,
        0.9,
        3.0,
        0.5,
        1,
        1.0,
        0.0,
        1.00,
        0.015,
        0.0,
        0.0,
        0.12,
    ),
    ChannelSpec(
        "直播带货",
        True,
        0.14,
        0.30,
        1.60,
        (0.10, -0.40, 1.00, 3.00),
        (-0.03, -0.04, 0.02, 0.0),
        0.8,
        70.0,
        1.2,
        2.0,
        0.4,
        1,
        1.0,
        0.0,
        0.93,
        0.06,
        0.20,
        0.0,
        0.0,
    ),
    ChannelSpec(
        "B2B直销",
        False,
        0.03,
        0.03,
        1.05,
        (0.05, -0.30, 0.05, 0.05),
        (-0.02, 0.03, 0.0, 0.05),
        3.0,
        110.0,
        0.5,
        25.0,
        1.0,
        2,
        4.0,
        0.7,
        0.92,
        0.01,
        0.0,
        0.0,
        0.05,
    ),
    ChannelSpec(
        "合作伙伴",
        True,
        0.095,
        0.20,
        1.10,
        (0.10, -0.20, 0.20, 0.35),
        (0.0, 0.0, 0.0, 0.0),
        1.0,
        100.0,
        1.0,
        3.0,
        0.5,
        1,
        1.0,
        0.0,
        0.97,
        0.02,
        0.10,
        0.0,
        0.0,
    ),
)
CHANNEL_NAMES = [c.name for c in CHANNELS]
STORES = CHANNEL_NAMES.index("直营门店")
LIVE = CHANNEL_NAMES.index("直播带货")
PARTNERS = CHANNEL_NAMES.index("合作伙伴")
LIFT_TESTS = ("B2B直销", "合作伙伴")  # the small channels, whose weekly sales are noisiest
LIFT_WEEKS = 8
LIFT_FACTOR = 1.5
LIFT_SE = 0.15  # the test's standard error as a share of its true effect

# (region, weight, ((province, weight), ...))
REGIONS: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("华东", 0.34, (("上海", 0.22), ("江苏", 0.26), ("浙江", 0.24), ("山东", 0.18), ("安徽", 0.10))),
    ("华南", 0.20, (("广东", 0.62), ("福建", 0.24), ("广西", 0.10), ("海南", 0.04))),
    ("华北", 0.15, (("北京", 0.40), ("天津", 0.18), ("河北", 0.30), ("山西", 0.12))),
    ("华中", 0.13, (("湖北", 0.32), ("湖南", 0.28), ("河南", 0.30), ("江西", 0.10))),
    ("西南", 0.10, (("四川", 0.45), ("重庆", 0.30), ("云南", 0.15), ("贵州", 0.10))),
    ("西北", 0.04, (("陕西", 0.55), ("甘肃", 0.20), ("新疆", 0.15), ("宁夏", 0.10))),
    ("东北", 0.04, (("辽宁", 0.45), ("吉林", 0.25), ("黑龙江", 0.30))),
)
REGION_NAMES = [r[0] for r in REGIONS]
PROVINCE_NAMES = [p for r in REGIONS for p, _ in r[2]]
BLIND_SPOTS = ((STORES, REGION_NAMES.index("西北")), (PARTNERS, REGION_NAMES.index("东北")))

# category -> unit cost as a share of list price
CATEGORIES: dict[str, float] = {
    "护肤": 0.24,
    "彩妆": 0.30,
    "个人护理": 0.42,
    "母婴": 0.40,
    "家居清洁": 0.48,
    "男士护理": 0.34,
}
# (product, category, list price in yuan, popularity weight)
PRODUCTS: tuple[tuple[str, str, float, float], ...] = (
    ("玻尿酸精华液", "护肤", 299.0, 3.0),
    ("烟酰胺精华", "护肤", 259.0, 2.5),
    ("保湿面霜", "护肤", 199.0, 2.5),
    ("修护乳液", "护肤", 169.0, 2.0),
    ("氨基酸洁面乳", "护肤", 79.0, 3.5),
    ("补水面膜", "护肤", 99.0, 3.0),
    ("眼霜", "护肤", 359.0, 1.2),
    ("防晒霜", "护肤", 139.0, 2.5),
    ("爽肤水", "护肤", 129.0, 2.0),
    ("抗老精华", "护肤", 599.0, 1.0),
    ("口红", "彩妆", 189.0, 2.5),
    ("气垫粉底", "彩妆", 259.0, 1.8),
    ("眉笔", "彩妆", 59.0, 2.0),
    ("睫毛膏", "彩妆", 119.0, 1.5),
    ("眼影盘", "彩妆", 229.0, 1.2),
    ("腮红", "彩妆", 129.0, 1.0),
    ("散粉", "彩妆", 149.0, 1.2),
    ("唇釉", "彩妆", 159.0, 1.5),
    ("遮瑕膏", "彩妆", 139.0, 1.0),
    ("卸妆油", "彩妆", 169.0, 1.8),
    ("洗发水", "个人护理", 69.0, 3.5),
    ("护发素", "个人护理", 69.0, 2.0),
    ("沐浴露", "个人护理", 59.0, 3.0),
    ("身体乳", "个人护理", 89.0, 2.0),
    ("护手霜", "个人护理", 39.0, 2.5),
    ("牙膏", "个人护理", 29.0, 3.5),
    ("电动牙刷", "个人护理", 399.0, 1.0),
    ("漱口水", "个人护理", 45.0, 1.5),
    ("止汗露", "个人护理", 55.0, 1.0),
    ("洗手液", "个人护理", 35.0, 2.0),
    ("婴儿润肤霜", "母婴", 129.0, 1.5),
    ("婴儿洗发沐浴露", "母婴", 89.0, 1.5),
    ("婴儿湿巾", "母婴", 39.0, 2.5),
    ("护臀膏", "母婴", 69.0, 1.2),
    ("儿童牙膏", "母婴", 35.0, 1.5),
    ("婴儿爽身粉", "母婴", 49.0, 1.0),
    ("孕妇护肤油", "母婴", 219.0, 0.7),
    ("婴儿防晒乳", "母婴", 119.0, 0.8),
    ("洗衣液", "家居清洁", 59.0, 3.0),
    ("洗洁精", "家居清洁", 25.0, 2.5),
    ("衣物柔顺剂", "家居清洁", 49.0, 1.5),
    ("消毒喷雾", "家居清洁", 39.0, 1.5),
    ("香薰蜡烛", "家居清洁", 129.0, 0.8),
    ("厨房清洁剂", "家居清洁", 35.0, 1.5),
    ("男士洁面", "男士护理", 69.0, 1.8),
    ("剃须泡", "男士护理", 49.0, 1.2),
    ("男士控油乳", "男士护理", 129.0, 1.2),
    ("男士香水", "男士护理", 399.0, 0.6),
    ("发蜡", "男士护理", 59.0, 0.8),
)
# channel -> category preference multipliers (distributors and B2B move mass, low-margin goods;
# live commerce sells beauty): gives each channel its own mix and so its own gross margin.
CATEGORY_TILT: dict[str, dict[str, float]] = {
    "经销商": {"个人护理": 2.5, "家居清洁": 3.0, "母婴": 1.5, "护肤": 0.6, "彩妆": 0.5},
    "B2B直销": {"个人护理": 2.0, "家居清洁": 2.0, "男士护理": 1.5},
    "直播带货": {"护肤": 1.5, "彩妆": 1.5},
    "直营门店": {"护肤": 1.3, "彩妆": 1.3, "家居清洁": 0.6},
}
PRODUCT_NAMES = [p[0] for p in PRODUCTS]
PRODUCT_CATEGORIES = [p[1] for p in PRODUCTS]
PRICE_CONFLICT_PRODUCTS = ("玻尿酸精华液", "抗老精华", "气垫粉底", "口红", "电动牙刷")
PRICE_CONFLICT_FACTOR = 0.70

# programme -> (base monthly spend per audience customer in yuan, max_reduction, alpha, kappa / mean
# spend, audience: the channels whose customers it contacts)
CRM_PROGRAMMES: dict[str, tuple[float, float, float, float, tuple[str, ...]]] = {
    "会员积分": (3.0, 0.35, 1.2, 0.8, ("电商平台", "直营门店", "直播带货", "合作伙伴")),
    "短信企微触达": (0.6, 0.20, 2.0, 1.0, tuple(CHANNEL_NAMES)),
    "专属客服": (15.0, 0.40, 1.5, 1.2, ("经销商", "B2B直销")),
}
CONTROL_SHARE = 0.10  # of each campaign's audience, held back at random
UPLIFT_HORIZONS = (90, 180)  # days after the contact in which a repurchase counts
CHURN_REASONS = (("价格更低的竞品", 0.35), ("服务体验差", 0.20), ("物流慢", 0.15), ("不再需要", 0.30))
COST_TYPES = ("marketing", "commission", "rebate", "management")

MULTICHANNEL_SHARE = 0.08  # of consumer customers
SECOND_CHANNEL_PROB = 0.35  # of each later purchase of such a customer
ANONYMOUS_SHARE = 0.25  # of 直营门店 orders
MAX_DAILY_RATE = 0.5  # caps the Gamma tail: nobody buys more than every other day on average
CANDIDATE_BOOST = 4.0  # candidate purchases per unit of intrinsic rate; each week takes what its sales need
TARGET_ACCEPTANCE = 0.32  # the share of candidates a week takes when the customer base matches the sales
ACQUISITION_GAIN = 0.3  # share of a channel's customer-base gap closed by new customers each week
CONSUMER_EXTRA_CAP, BUSINESS_EXTRA_CAP = 4, 9  # most extra lines per order


def _group_starts(sorted_ids: np.ndarray) -> np.ndarray:
    """Boolean mask marking the first element of each run of equal ids."""
    first = np.ones(sorted_ids.size, dtype=bool)
    first[1:] = sorted_ids[1:] != sorted_ids[:-1]
    return first


def _stochastic_round(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Integers with the same expectation as ``x`` (floor, plus one with the fractional part's probability)."""
    low = np.floor(x)
    return (low + (rng.random(x.shape) < x - low)).astype(np.int64)


def _hill(x: np.ndarray | float, alpha: float, kappa: float) -> np.ndarray:
    """The Hill saturation x^alpha / (x^alpha + kappa^alpha), 0..1 (0 at x ≤ 0)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(x > 0, 1.0 / (1.0 + np.power(kappa / np.where(x > 0, x, 1.0), alpha)), 0.0)


def _marginal(s: float, beta: float, alpha: float, kappa: float, theta: float) -> float:
    """Steady-state marginal ROAS at weekly spend s: d/ds of beta · hill(s / (1 − theta))."""
    x = s / (1 - theta)
    h = float(_hill(x, alpha, kappa))
    return beta * alpha * h * (1 - h) / x / (1 - theta)


@dataclass(frozen=True)
class _Calendar:
    """Days, Monday-based weeks and months of the range (offsets from START)."""

    week_of_day: np.ndarray
    week_start: np.ndarray  # day offset of each week's Monday (week 0 starts before START)
    week_days: np.ndarray  # days of each week inside the range
    full: np.ndarray  # the week's seven days are all inside
    month_of_day: np.ndarray
    month_start: np.ndarray
    month_len: np.ndarray
    holidays: np.ndarray  # (weeks, 4) share of each week's days in each window of data.calendar
    years: np.ndarray  # middle of each week, in years since START
    day_of_year: np.ndarray  # middle of each week


def _calendar() -> _Calendar:
    days = np.arange(N_DAYS)
    week_of_day = (days + _WEEKDAY0) // 7
    week_start = 7 * np.arange(N_WEEKS) - _WEEKDAY0
    week_days = np.bincount(week_of_day, minlength=N_WEEKS)
    month_start = np.array([(dt.date(2023 + m // 12, m % 12 + 1, 1) - START).days for m in range(N_MONTHS)] + [N_DAYS])
    month_len = np.diff(month_start)
    start = np.datetime64(START) + week_start
    middle = start + 3
    years_d = middle.astype("datetime64[Y]")
    return _Calendar(
        week_of_day,
        week_start,
        week_days,
        week_days == 7,
        np.repeat(np.arange(N_MONTHS), month_len),
        month_start[:-1],
        month_len,
        calendar.period_shares(start, start + 7),
        (week_start + 3.5) / 365.25,
        (middle - years_d.astype("datetime64[D]")).astype(float),
    )


def _baseline_shape(spec: ChannelSpec, cal: _Calendar) -> np.ndarray:
    """growth^years × exp(yearly Fourier terms) × (1 + holiday effects), per week (level 1)."""
    angle = 2 * np.pi * cal.day_of_year / 365.25
    f = spec.fourier
    season = f[0] * np.sin(angle) + f[1] * np.cos(angle) + f[2] * np.sin(2 * angle) + f[3] * np.cos(2 * angle)
    return spec.growth**cal.years * np.exp(season) * (1.0 + cal.holidays @ np.array(spec.holidays))


def _flighted(rng: np.random.Generator, cal: _Calendar) -> np.ndarray:
    """A flighted weekly spend plan with mean 1: bursts of 2–8 weeks at varying intensity, gaps, one or
    two budget freezes, always on and pushed in 618 and 双11 weeks; nothing in the two partial weeks."""
    s = np.zeros(N_WEEKS)
    t, on = 0, rng.random() < 0.7
    while t < N_WEEKS:
        length = int(rng.integers(2, 9)) if on else int(rng.integers(1, 4))
        if on:
            s[t : t + length] = rng.lognormal(0.0, 0.45) * rng.lognormal(0.0, 0.15, size=min(length, N_WEEKS - t))
        t += length
        on = (not on) if rng.random() < 0.85 else on
    for _ in range(int(rng.integers(1, 3))):
        begin = int(rng.integers(1, N_WEEKS - 6))
        s[begin : begin + int(rng.integers(2, 5))] = 0.0
    # nobody goes dark for 618 or 双11: campaigns run through both, pushed harder
    festival = (cal.holidays[:, 2] > 0) | (cal.holidays[:, 3] > 0)
    dark = festival & (s == 0)
    s[dark] = rng.lognormal(0.0, 0.3, int(dark.sum()))
    s *= 1.0 + rng.uniform(0.5, 1.5) * cal.holidays[:, 2] + rng.uniform(0.8, 2.0) * cal.holidays[:, 3]
    s[~cal.full] = 0.0
    return s / s[cal.full].mean()


def _expected_lines() -> np.ndarray:
    """Expected lines per order per channel: min_lines + E[min(Poisson(extra), cap)]."""
    out = []
    k = np.arange(40)
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, 40)))])
    for spec in CHANNELS:
        pmf = np.exp(-spec.extra_lines + k * np.log(max(spec.extra_lines, 1e-12)) - log_fact)
        cap = CONSUMER_EXTRA_CAP if spec.consumer else BUSINESS_EXTRA_CAP
        out.append(spec.min_lines + float(np.sum(np.minimum(k, cap) * pmf)))
    return np.array(out)


def _expected_order_value(cal: _Calendar) -> np.ndarray:
    """(channels, weeks): expected net revenue (after refunds) of one order, from the line process of
    :func:`_lines` (products, price factors, discounts, quantities with their trend, refunds)."""
    popularity = np.array([p[3] for p in PRODUCTS])
    list_price = np.array([p[2] for p in PRODUCTS])
    conflict = np.isin(np.array(PRODUCT_NAMES), PRICE_CONFLICT_PRODUCTS)
    # P(round(Q) = q) for a lognormal Q, exactly: max(1, round(.)) makes every q below 1.5 a 1
    q = np.arange(1, 2001, dtype=float)
    k = np.arange(30)
    poisson = np.exp(-0.35 + k * np.log(0.35) - np.concatenate([[0.0], np.cumsum(np.log(k[1:]))]))
    consumer_q = 1.0 + float(np.sum(np.minimum(k, 5) * poisson))  # 1 + min(Poisson(0.35), 5)
    out = np.empty((len(CHANNELS), N_WEEKS))
    lines = _expected_lines()
    for c, spec in enumerate(CHANNELS):
        tilt = CATEGORY_TILT.get(spec.name, {})
        w = popularity * np.array([tilt.get(category, 1.0) for category in PRODUCT_CATEGORIES])
        factor = np.where((c == LIVE) & conflict, PRICE_CONFLICT_FACTOR, spec.price_factor)
        price = float(np.sum(w * list_price * factor) / w.sum()) * (1.0 - 0.3 * 0.015)  # coupons: 30% of lines, ~1.5%
        if spec.consumer:
            quantity = np.full(N_WEEKS, consumer_q)
        else:
            mu = np.log(max(spec.quantity_median, 1.0)) + np.log(spec.quantity_trend) * cal.years
            upper = ndtr((np.log(q + 0.5)[None, :] - mu[:, None]) / spec.quantity_sigma)
            lower = ndtr((np.log(np.maximum(q - 0.5, 1e-300))[None, :] - mu[:, None]) / spec.quantity_sigma)
            lower[:, 0] = 0.0
            quantity = (upper - lower) @ q
        refund = 0.75 * spec.refund_rate  # half the refunds are whole, half 20–80% of the line
        out[c] = lines[c] * quantity * price * (1.0 - refund)
    return out


@dataclass(frozen=True)
class _Plan:
    """Planted weekly spend and expected revenue per channel, the lift tests, and their truths."""

    spend: np.ndarray  # (channels, weeks) yuan
    expected: np.ndarray  # (channels, weeks) expected net revenue of a full week (baseline + response)
    revenue: np.ndarray  # (channels, weeks) the same with the planted noise, for the week's days in range
    truth: dict[str, dict[str, float]]
    tests: list[dict[str, object]]
    shapes: np.ndarray  # (channels, weeks) baseline shape (level 1)


def _plant(rng: np.random.Generator, cal: _Calendar, order_value: np.ndarray, orders: np.ndarray) -> _Plan:
    """Draw each channel's media parameters and spend plan and scale them to ``orders`` orders."""
    n_ch = len(CHANNELS)
    spend, expected, revenue, shapes = (np.zeros((n_ch, N_WEEKS)) for _ in range(4))
    full = np.flatnonzero(cal.full)
    last_year = full[-52:]
    truth: dict[str, dict[str, float]] = {}
    tests: list[dict[str, object]] = []
    for c, spec in enumerate(CHANNELS):
        theta, alpha = rng.uniform(0.1, 0.7), rng.uniform(0.8, 2.5)
        kappa_ratio, target = rng.uniform(0.5, 1.5), rng.uniform(0.5, 4.0)
        share, noise_sd = rng.uniform(0.55, 0.85), rng.uniform(0.03, 0.06)
        s = _flighted(rng, cal)
        planned = s.copy()
        window = None
        if spec.name in LIFT_TESTS:  # 8 weeks of the last year with spend in each, near the usual level
            starts = [i for i in last_year[:-LIFT_WEEKS] if np.all(s[i : i + LIFT_WEEKS] > 0)] or list(
                last_year[:-LIFT_WEEKS]
            )
            gap = [abs(s[i : i + LIFT_WEEKS].mean() - s[last_year].mean()) for i in starts]
            first = int(starts[int(np.argmin(gap))])
            window = slice(first, first + LIFT_WEEKS)
            s[window] += (LIFT_FACTOR - 1.0) * s[window].mean()  # the same extra amount each week
        x = lfilter([1.0], [1.0, -theta], s)
        kappa = kappa_ratio * x[cal.full & (x > 0)].mean()
        current = s[last_year].mean()
        beta = target / _marginal(current, 1.0, alpha, kappa, theta)
        response = beta * _hill(x, alpha, kappa)
        shape = _baseline_shape(spec, cal)
        level = share / (1 - share) * response[full].sum() / shape[full].sum()
        mu = level * shape + response
        scale = orders[c] / float(np.sum(mu * cal.week_days / 7.0 / order_value[c]))
        spend[c], expected[c], shapes[c] = s * scale, mu * scale, shape
        noise = np.exp(noise_sd * rng.standard_normal(N_WEEKS) - noise_sd**2 / 2)
        revenue[c] = expected[c] * noise * cal.week_days / 7.0
        truth[spec.name] = {
            "baseline_share": float(level * shape[full].sum() / mu[full].sum()),
            "beta": float(beta * scale),
            "alpha": float(alpha),
            "kappa": float(kappa * scale),
            "theta": float(theta),
            "current_weekly_spend": float(current * scale),
            "marginal_roas": float(target),
            "noise_sd": float(noise_sd),
            "growth": spec.growth,
            "level": float(level * scale),
        }
        if window is not None:
            x0 = lfilter([1.0], [1.0, -theta], planned)
            true_lift = float(beta * scale * np.sum(_hill(x[window], alpha, kappa) - _hill(x0[window], alpha, kappa)))
            se = LIFT_SE * true_lift
            first_day = np.datetime64(START) + int(cal.week_start[window.start])
            tests.append(
                {
                    "lever": spec.name,
                    "start": str(first_day),
                    "end": str(first_day + 7 * LIFT_WEEKS - 1),
                    "spend_change": round(float((s[window] - planned[window]).sum() * scale), 2),
                    "lift": round(true_lift + se * float(rng.standard_normal()), 2),
                    "std_error": round(se, 2),
                    "true_lift": true_lift,
                }
            )
    return _Plan(spend, expected, revenue, truth, tests, shapes)


def _crm_plan(
    rng: np.random.Generator, cal: _Calendar, customer_orders: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, dict[str, object]]]:
    """Monthly spend per programme (0.3–1.7 × a base that follows its audience's expected buyers),
    the dropout reduction r[k, month] it buys for a contacted customer, and the audience masks."""
    monthly_orders = np.zeros((len(CHANNELS), N_MONTHS))
    for w in range(N_WEEKS):  # a week's orders fall on its days in proportion
        days = np.arange(max(cal.week_start[w], 0), min(cal.week_start[w] + 7, N_DAYS))
        np.add.at(monthly_orders, (slice(None), cal.month_of_day[days]), customer_orders[:, w : w + 1] / len(days))
    spend = np.zeros((len(CRM_PROGRAMMES), N_MONTHS))
    reduction = np.zeros_like(spend)
    audience = np.zeros((len(CRM_PROGRAMMES), len(CHANNELS)), dtype=bool)
    truth: dict[str, dict[str, object]] = {}
    for k, (name, (per_customer, max_reduction, alpha, kappa_ratio, channels)) in enumerate(CRM_PROGRAMMES.items()):
        audience[k] = np.isin(CHANNEL_NAMES, channels)
        base = per_customer * 0.8 * monthly_orders[audience[k]].sum(axis=0)  # ~0.8 buyers per order in a month
        spend[k] = np.round(base * rng.uniform(0.3, 1.7, N_MONTHS), 2)
        kappa = kappa_ratio * float(spend[k].mean())
        reduction[k] = max_reduction * _hill(spend[k], alpha, kappa)
        truth[name] = {
            "max_reduction": max_reduction,
            "alpha": alpha,
            "kappa": kappa,
            "current_monthly_spend": float(spend[k, -12:].mean()),
            "audience": list(channels),
        }
    return spend, reduction, audience, truth


@dataclass
class _Flow:
    """What the weekly process produced: customers, purchases, every candidate purchase, each week's
    acceptance and the CRM contacts."""

    channel: np.ndarray  # per customer: primary (acquisition) channel
    region: np.ndarray
    province: np.ndarray
    dropped: np.ndarray  # dropped out by the end
    acquired: np.ndarray  # (channels, weeks) new customers
    cust: np.ndarray  # per purchase
    time: np.ndarray
    order_channel: np.ndarray
    cand_cust: np.ndarray  # per candidate purchase
    cand_time: np.ndarray
    cand_channel: np.ndarray
    acceptance: np.ndarray  # (channels, weeks) share of live customers' candidates accepted
    contacts: dict[str, np.ndarray]  # programme, month, cust, time, control, p, others, effect


class _Population:
    """Customers as they arrive: rates, regions, second channels and candidate purchases, kept in
    weekly buckets so the loop takes each week's candidates in one slice."""

    def __init__(self, rng: np.random.Generator, cal: _Calendar, capacity: int) -> None:
        self.rng, self.cal, self.size = rng, cal, 0
        self.channel = np.zeros(capacity, dtype=np.int64)
        self.lam, self.p = np.zeros(capacity), np.zeros(capacity)
        self.region, self.province = np.zeros(capacity, dtype=np.int64), np.zeros(capacity, dtype=np.int64)
        self.buckets: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(N_WEEKS)]
        self.covered = np.zeros(len(CHANNELS), dtype=np.int64)
        self.rate = np.zeros(len(CHANNELS))  # Σ purchase rate of the live customers per primary channel

    def add(self, channel: np.ndarray, t0: np.ndarray, *, cover: bool) -> np.ndarray:
        """New customers of ``channel`` from time ``t0`` on (days); returns their indices.

        ``cover``: the first customers of each channel take its allowed regions in turn, so every
        channel × region cell outside the blind spots has a buyer (new customers always buy).
        """
        rng, n = self.rng, channel.size
        idx = np.arange(self.size, self.size + n)
        self.size += n
        self.channel[idx] = channel
        r, alpha = np.array([c.r for c in CHANNELS])[channel], np.array([c.alpha for c in CHANNELS])[channel]
        self.lam[idx] = np.minimum(rng.gamma(r, 1.0 / alpha), MAX_DAILY_RATE)
        self.p[idx] = rng.beta(np.array([c.a for c in CHANNELS])[channel], np.array([c.b for c in CHANNELS])[channel])
        weights = _region_weights()
        region = np.empty(n, dtype=np.int64)
        for c in np.unique(channel):  # at most six channels
            mine = np.flatnonzero(channel == c)
            region[mine] = _choose(rng, weights[c], mine.size)
            if cover:
                allowed = np.flatnonzero(weights[c] > 0)[self.covered[c] :]
                k = min(allowed.size, mine.size)
                region[mine[:k]] = allowed[:k]
                self.covered[c] += k
        self.region[idx], self.province[idx] = region, _provinces(rng, region)
        self.rate += np.bincount(channel, weights=self.lam[idx], minlength=len(CHANNELS))
        # multichannel consumers buy some of their later purchases in a second consumer channel of their region
        consumer = np.array([c.consumer for c in CHANNELS])
        second = np.full(n, -1, dtype=np.int64)
        multi = np.flatnonzero(consumer[channel] & (rng.random(n) < MULTICHANNEL_SHARE))
        allowed = (weights[:, region[multi]].T > 0) & consumer[None, :]
        allowed[np.arange(multi.size), channel[multi]] = False
        second[multi] = np.argmax(rng.random((multi.size, len(CHANNELS))) * allowed, axis=1)
        window = N_DAYS - t0
        count = rng.poisson(self.lam[idx] * CANDIDATE_BOOST * window)
        owner = np.repeat(np.arange(n), count)
        when = t0[owner] + rng.random(owner.size) * window[owner]
        where = channel[owner].copy()
        routed = (second[owner] >= 0) & (rng.random(owner.size) < SECOND_CHANNEL_PROB)
        where[routed] = second[owner][routed]
        week = self.cal.week_of_day[np.minimum(when.astype(np.int64), N_DAYS - 1)]
        order = np.argsort(week, kind="stable")
        bounds = np.searchsorted(week[order], np.arange(N_WEEKS + 1))
        # kept until their week, for every customer at once: the compact types halve the memory
        # (customer indices fit int32, channels int8; the values are unchanged)
        cust32, where8 = idx[owner].astype(np.int32), where.astype(np.int8)
        for w in np.flatnonzero(np.diff(bounds)):
            part = order[bounds[w] : bounds[w + 1]]
            self.buckets[w].append((cust32[part], when[part], where8[part]))
        return idx

    def week(self, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Week ``w``'s candidate purchases (customer, time, channel), and forget them."""
        parts, self.buckets[w] = self.buckets[w], []
        if not parts:
            return np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0, dtype=np.int8)
        return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))  # type: ignore[return-value]


def _process(
    rng: np.random.Generator, cal: _Calendar, targets: np.ndarray, reduction: np.ndarray, audience: np.ndarray
) -> _Flow:
    """Week by week: new customers arrive and buy; each channel accepts just enough live candidates
    to reach its order count; first purchases of a month draw the CRM contacts; a customer who drops
    out after a purchase buys nothing from the next week on (the week's accepted purchases all
    happen, so every channel meets its order count).

    New customers per channel-week = its base share of the orders, plus a correction that keeps the
    live customers' purchase capacity at what the channel's sales (smoothed over ±8 weeks) need at
    ``TARGET_ACCEPTANCE``: the customer base grows and shrinks with the channel, so the realised
    purchase rates stay near the intrinsic ones (``btyd_params``).
    """
    n_ch, n_prog = len(CHANNELS), reduction.shape[0]
    new_share = np.array([c.new_share for c in CHANNELS])
    mean_rate = np.array([c.r / c.alpha for c in CHANNELS])
    kernel = np.ones(17) / 17
    padded = np.pad(targets.astype(float), ((0, 0), (8, 8)), mode="edge")
    smooth = np.array([np.convolve(row, kernel, mode="valid") for row in padded])
    wanted_rate = smooth * (1 - new_share[:, None]) / (CANDIDATE_BOOST * 7 * TARGET_ACCEPTANCE)
    first_full = int(np.flatnonzero(cal.full)[0])
    stock = rng.poisson(wanted_rate[:, first_full] / mean_rate)
    people = _Population(rng, cal, int(stock.sum() + targets.sum()) + 16)
    people.add(np.repeat(np.arange(n_ch), stock), np.zeros(int(stock.sum())), cover=False)

    alive = np.ones(people.channel.size, dtype=bool)
    contact_month = np.full(people.channel.size, -1, dtype=np.int64)
    contacted = np.zeros((people.channel.size, n_prog), dtype=bool)
    in_crm = np.zeros(people.channel.size, dtype=bool)  # contacted or held back at least once
    acceptance = np.ones((n_ch, N_WEEKS))
    acquired = np.zeros((n_ch, N_WEEKS), dtype=np.int64)
    purchases, candidates, contact_parts = [], [], []
    for w in range(N_WEEKS):
        gap = (wanted_rate[:, w] - people.rate) / mean_rate
        expected_new = np.clip(new_share * targets[:, w] + ACQUISITION_GAIN * gap, 0.0, 0.8 * targets[:, w])
        acquired[:, w] = rng.poisson(expected_new)
        new_ch = np.repeat(np.arange(n_ch), acquired[:, w])
        t0 = max(cal.week_start[w], 0) + rng.random(new_ch.size) * cal.week_days[w]
        first = people.add(new_ch, t0, cover=True)
        c_cust, c_time, c_ch = people.week(w)
        week_candidates = (c_cust, c_time, c_ch)
        live = alive[c_cust]
        c_cust, c_time, c_ch = c_cust[live], c_time[live], c_ch[live]
        available = np.bincount(c_ch, minlength=n_ch)
        wanted = np.maximum(targets[:, w] - acquired[:, w], 0)
        acceptance[:, w] = np.where(available > 0, np.minimum(wanted / np.maximum(available, 1), 1.0), 1.0)
        rank_key = np.lexsort((rng.random(c_ch.size), c_ch))
        ranked_ch = c_ch[rank_key]
        rank = np.arange(ranked_ch.size) - np.searchsorted(ranked_ch, ranked_ch)
        taken = rank_key[rank < wanted[ranked_ch]]
        cust = np.concatenate([first, c_cust[taken]])
        when = np.concatenate([t0, c_time[taken]])
        chan = np.concatenate([new_ch, c_ch[taken]])
        order = np.lexsort((when, cust))
        cust, when, chan = cust[order], when[order], chan[order]
        month = cal.month_of_day[np.minimum(when.astype(np.int64), N_DAYS - 1)]

        # CRM: the first purchase of a customer in a month draws that month's contacts
        group = _group_starts(cust * N_MONTHS + month)
        gid = np.cumsum(group) - 1
        heads = np.flatnonzero(group)
        head_cust, head_month = cust[heads], month[heads]
        fresh = contact_month[head_cust] != head_month
        in_audience = audience[:, people.channel[head_cust]].T  # (heads, programmes)
        control = rng.random(in_audience.shape) < CONTROL_SHARE
        status = np.where(fresh[:, None], in_audience & ~control, contacted[head_cust])
        factor = np.prod(1.0 - reduction[:, month].T * status[gid], axis=1)
        drop = rng.random(cust.size) < people.p[cust] * factor
        gone = np.unique(cust[drop])
        alive[gone] = False  # from next week on: the week's accepted purchases all happen
        people.rate -= np.bincount(people.channel[gone], weights=people.lam[gone], minlength=n_ch)
        last_head = np.r_[head_cust[1:] != head_cust[:-1], True] & fresh  # the latest fresh month per customer
        contact_month[head_cust[last_head]] = head_month[last_head]
        contacted[head_cust[last_head]] = status[last_head]
        rows, progs = np.nonzero(in_audience & fresh[:, None])
        if rows.size:
            others = np.prod(1.0 - reduction[:, head_month[rows]].T * status[rows], axis=1) / (
                1.0 - reduction[progs, head_month[rows]] * status[rows, progs]
            )
            contact_parts.append(
                {
                    "programme": progs,
                    "month": head_month[rows],
                    "cust": head_cust[rows],
                    "time": when[heads][rows],
                    "control": control[rows, progs],
                    "p": people.p[head_cust[rows]],
                    "others": others,
                    "effect": reduction[progs, head_month[rows]],
                }
            )
        purchases.append((cust, when, chan))
        # the true CRM uplift reads only the candidates of customers contacted (or held back) so far:
        # a candidate before a customer's first contact is outside every contact's window
        if rows.size:
            in_crm[head_cust[rows]] = True
        keep = in_crm[week_candidates[0]]
        candidates.append(tuple(part[keep] for part in week_candidates))
    n = people.size
    contacts = {key: np.concatenate([part[key] for part in contact_parts]) for key in contact_parts[0]}
    bought = [np.concatenate([p[i] for p in purchases]) for i in range(3)]
    offered = [np.concatenate([c[i] for c in candidates]) for i in range(3)]
    return _Flow(
        people.channel[:n],
        people.region[:n],
        people.province[:n],
        ~alive[:n],
        acquired,
        *bought,
        *offered,
        acceptance,
        contacts,
    )


def _uplift_truth(cal: _Calendar, flow: _Flow) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Per horizon H and contact: whether its window ends inside the data, and the true effect of the
    contact on "repurchase within H days".

    Dropout happens only right after a purchase and takes effect the next week, so a customer who
    did not drop out at the contact purchase repurchases within H days exactly when one of their
    candidate purchases on days (contact, contact + H] is accepted: q = 1 − Π (1 − acceptance of
    that candidate's channel-week); one who did, only through the rest of that week (q_week). The
    contact lowers the dropout probability d from p · others to p · others · (1 − effect), so its
    effect is p · others · effect · (q − q_week).
    """
    c = flow.contacts
    day = c["time"].astype(np.int64)
    complete = {horizon: day + horizon <= N_DAYS - 1 for horizon in UPLIFT_HORIZONS}
    effect = {horizon: np.zeros(day.size) for horizon in UPLIFT_HORIZONS}
    # by ranges of customers, so the sorted candidates of one range at a time are in memory (at 10M
    # lines all of them at once doubled the build's peak); each contact's sums read only its own
    # customer's candidates, so the ranges change nothing but the order of the floating-point sums
    n_cust = int(max(flow.cand_cust.max(initial=0), c["cust"].max(initial=0))) + 1
    edges = np.linspace(0, n_cust, UPLIFT_CHUNKS + 1).astype(np.int64)
    for lo_cust, hi_cust in zip(edges[:-1], edges[1:], strict=True):
        mine = np.flatnonzero((c["cust"] >= lo_cust) & (c["cust"] < hi_cust))
        theirs = np.flatnonzero((flow.cand_cust >= lo_cust) & (flow.cand_cust < hi_cust))
        if mine.size:
            _uplift_part(cal, flow, theirs, mine, day, effect)
    return complete, effect


UPLIFT_CHUNKS = 16


def _uplift_part(
    cal: _Calendar, flow: _Flow, theirs: np.ndarray, mine: np.ndarray, day: np.ndarray, effect: dict[int, np.ndarray]
) -> None:
    """:func:`_uplift_truth` for the contacts ``mine`` from the candidates ``theirs`` (the same customers)."""
    c = flow.contacts
    # the contacts by (customer, day), so each binary search starts where the previous one ended (numpy
    # resumes from the last position for increasing keys); each contact's value is computed alone, so
    # the order changes no number (with the one-key sort below: the uplift truth 6.5 -> 3.9 s at 10M
    # lines, arrays identical)
    mine = mine[np.lexsort((day[mine], c["cust"][mine]))]
    cust, cand_day = flow.cand_cust[theirs].astype(np.int64), flow.cand_time[theirs].astype(np.int64)
    key = cust * (N_DAYS + 1) + cand_day
    order = np.argsort(key, kind="stable")  # = lexsort((cand_day, cust)), one int64 key sorts faster
    key = key[order]
    week = cal.week_of_day[np.minimum(cand_day[order], N_DAYS - 1)]
    log_miss = np.log(np.clip(1.0 - flow.acceptance[flow.cand_channel[theirs][order], week], 1e-12, 1.0))
    cumulative = np.concatenate([[0.0], np.cumsum(log_miss)])
    who, when = c["cust"][mine].astype(np.int64), day[mine]
    lo = np.searchsorted(key, who * (N_DAYS + 1) + when + 1, side="left")
    week_end = cal.week_start[cal.week_of_day[when]] + 6
    in_week = np.searchsorted(key, who * (N_DAYS + 1) + week_end, side="right")
    drop = c["p"][mine] * c["others"][mine]
    for horizon in UPLIFT_HORIZONS:
        hi = np.searchsorted(key, who * (N_DAYS + 1) + when + horizon, side="right")
        q = 1.0 - np.exp(cumulative[hi] - cumulative[lo])
        q_week = 1.0 - np.exp(cumulative[np.minimum(in_week, hi)] - cumulative[lo])
        effect[horizon][mine] = drop * c["effect"][mine] * (q - q_week)


def _choose(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Categorical draws from unnormalised weights (vectorised inverse CDF)."""
    cdf = np.cumsum(weights, dtype=float)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(size), side="right"), weights.size - 1)


def _region_weights() -> np.ndarray:
    """(channel, region) weights with the planted blind spots at zero."""
    w = np.tile(np.array([r[1] for r in REGIONS]), (len(CHANNELS), 1))
    for ch, reg in BLIND_SPOTS:
        w[ch, reg] = 0.0
    return w


def _provinces(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """A province code (index into PROVINCE_NAMES) within each row's region."""
    province = np.empty(region.size, dtype=np.int64)
    offset = 0
    for reg, (_, _, provs) in enumerate(REGIONS):
        idx = np.flatnonzero(region == reg)
        province[idx] = offset + _choose(rng, np.array([w for _, w in provs]), idx.size)
        offset += len(provs)
    return province


def build_demo(
    target: object, *, orders: int = 300_000, seed: int = 42, name: str = "demo", progress: Progress | None = None
) -> dict[str, object]:
    """Generate the demo dataset and write it as dataset ``name``, replacing any previous one.

    Parameters
    ----------
    target : the warehouse (``data.snapshots.Warehouse``, or an in-memory connection).
    orders : order lines to generate (at least 1,000); the result is within ±5% (in practice ±1%).
    seed : the only source of randomness; same seed and ``orders`` give identical rows.
    name : dataset name in every table.
    progress : called as ``progress(fraction 0..1, stage)`` at each of :data:`STAGES`, in order.

    Returns
    -------
    dict with name, order_lines, orders, customers, seconds (wall time), seed.
    """
    if orders < 1000:
        raise ValueError("orders must be at least 1000 for the planted structure to exist")
    report = progress or (lambda frac, stage: None)
    began = time.perf_counter()
    report(0.0, "customers")
    tables, truth = _generate(orders, seed, report)
    report(0.7, "writing")
    from data.snapshots import Warehouse

    wh = Warehouse.of(target)
    with wh.writer(name, skip=(*registry.FACT_TABLES, "customer_firsts")) as con:
        _write(con, name, tables, truth)
    # in the audit log like any load: by the operator (command line) or the visitor whose first
    # visit to an empty warehouse built it (the app)
    access.record(
        wh.state,
        "data.load",
        target=name,
        detail={"kind": "demo", "mode": "replace", "rows_inserted": truth["order_lines"], "seed": seed},
    )
    report(1.0, "done")
    return {
        "name": name,
        "order_lines": truth["order_lines"],
        "orders": truth["orders"],
        "customers": truth["customers"],
        "seconds": round(time.perf_counter() - began, 3),
        "seed": seed,
    }


def _give_back() -> None:
    """Return freed heap memory to the system (glibc's malloc_trim; elsewhere nothing). The weekly
    process frees thousands of arrays under glibc's 32 MB mmap threshold, and the heap keeps them:
    at 10M lines 2.0 GB resident after the candidates are freed, 0.9 GB after a trim."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # not glibc
        pass


def _generate(orders: int, seed: int, report: Progress) -> tuple[dict[str, pa.Table], dict[str, object]]:
    """All rows as integer-coded Arrow tables plus the truths."""
    rng = np.random.default_rng(seed)
    cal = _calendar()
    n_ch = len(CHANNELS)
    share = np.array([c.order_share for c in CHANNELS])
    order_value = _expected_order_value(cal)
    plan = _plant(rng, cal, order_value, orders / float(share @ _expected_lines()) * share)
    order_counts = plan.revenue / order_value  # expected orders per channel-week, noise included
    anonymous = np.where(np.arange(n_ch) == STORES, ANONYMOUS_SHARE, 0.0)
    customer_orders = order_counts * (1.0 - anonymous[:, None])
    crm_spend, reduction, audience, crm_truth = _crm_plan(rng, cal, customer_orders)
    report(0.1, "customers")
    flow = _process(rng, cal, _stochastic_round(rng, customer_orders), reduction, audience)
    # the true CRM uplift needs every candidate purchase; computed now (it draws nothing from rng), the
    # candidates (several times the purchases) are freed before the lines are made
    complete, effect = _uplift_truth(cal, flow)
    flow.cand_cust = flow.cand_time = flow.cand_channel = np.zeros(0)
    _give_back()
    report(0.3, "purchases")

    # Customers who bought, numbered by their first purchase.
    by_time = np.argsort(flow.time, kind="stable")
    o_cust_old, o_time, o_channel = flow.cust[by_time], flow.time[by_time], flow.order_channel[by_time]
    buyers, first_at = np.unique(o_cust_old, return_index=True)
    buyers = buyers[np.argsort(first_at, kind="stable")]
    new_no = np.full(flow.channel.size, -1, dtype=np.int64)
    new_no[buyers] = np.arange(buyers.size)
    n_cust = buyers.size
    o_cust = new_no[o_cust_old]
    c_channel, c_region = flow.channel[buyers], flow.region[buyers]
    c_first = np.floor(o_time[np.sort(first_at)]).astype(np.int64)
    c_orders = np.bincount(o_cust, minlength=n_cust)
    c_dropped = flow.dropped[buyers]
    channels_per_customer = np.unique(o_cust * n_ch + o_channel)
    multichannel = int(np.sum(np.bincount(channels_per_customer // n_ch, minlength=n_cust) >= 2))

    # Anonymous walk-in store orders: a quarter of the store channel's orders, week by week.
    n_anon = _stochastic_round(rng, order_counts[STORES] * ANONYMOUS_SHARE)
    a_week = np.repeat(np.arange(N_WEEKS), n_anon)
    a_day = np.maximum(cal.week_start[a_week], 0) + (rng.random(a_week.size) * cal.week_days[a_week]).astype(np.int64)
    a_region = _choose(rng, _region_weights()[STORES], a_week.size)
    a_province = _provinces(rng, a_region)

    consumer = np.array([c.consumer for c in CHANNELS])
    day = np.concatenate([np.floor(o_time).astype(np.int64), a_day])
    channel = np.concatenate([o_channel, np.full(a_week.size, STORES)])
    extra = np.array([c.extra_lines for c in CHANNELS])[channel]
    cap = np.where(consumer[channel], CONSUMER_EXTRA_CAP, BUSINESS_EXTRA_CAP)
    n_lines = np.array([c.min_lines for c in CHANNELS])[channel] + np.minimum(rng.poisson(extra), cap)
    ord_sort = np.argsort(day, kind="stable")
    day, channel, n_lines = day[ord_sort], channel[ord_sort], n_lines[ord_sort]
    cust_no = np.concatenate([o_cust + 1, np.zeros(a_week.size, dtype=np.int64)])[ord_sort]
    region = np.concatenate([c_region[o_cust], a_region])[ord_sort]
    province = np.concatenate([flow.province[buyers][o_cust], a_province])[ord_sort]
    n_orders = day.size
    # the customer's voice (issue 15), from these orders and customers on a random stream of its own: made
    # before the lines (it reads orders, not lines), so its working arrays and the lines' never coexist
    report(0.35, "customer voice")
    voice_tables, voice_truth = demo_voice.generate(
        seed,
        demo_voice.Facts(
            CHANNEL_NAMES,
            REGION_NAMES,
            c_channel,
            c_region,
            c_first,
            c_dropped,
            day,
            channel,
            cust_no - 1,
            N_DAYS,
            cal.month_start,
        ),
    )
    _give_back()
    report(0.4, "order lines")

    tables_lines, money = _lines(rng, day, cust_no, channel, region, province, n_lines)
    report(0.6, "costs")
    month = cal.month_of_day[money["day"]]
    cell = money["channel"] * N_MONTHS + month
    revenue, cost, refund = money["revenue"], money["cost"], money["refund"]
    rev_cm = np.bincount(cell, weights=revenue, minlength=n_ch * N_MONTHS).reshape(n_ch, N_MONTHS)
    net_cm = rev_cm - np.bincount(cell, weights=refund, minlength=n_ch * N_MONTHS).reshape(n_ch, N_MONTHS)
    cost_cm = np.bincount(cell, weights=cost, minlength=n_ch * N_MONTHS).reshape(n_ch, N_MONTHS)
    del money, month, cell, revenue, cost, refund  # per-line arrays: the Arrow table holds what is written
    _give_back()
    rev_c = rev_cm.sum(axis=1)
    costs = _channel_costs(rng, cal, plan.spend, rev_cm)

    contacts = flow.contacts
    response = {"grain": "week", "channels": {}, "crm": {}}
    last = slice(N_MONTHS - 12, N_MONTHS)
    for c, spec in enumerate(CHANNELS):
        net = net_cm[c, last].sum()
        variable = rev_cm[c, last].sum() * (spec.commission + spec.rebate)
        margin = (net - cost_cm[c, last].sum() - variable) / net
        response["channels"][spec.name] = {**plan.truth[spec.name], "margin": float(margin)}
    for k, name in enumerate(CRM_PROGRAMMES):
        mine = contacts["programme"] == k
        uplift = {str(h): float(effect[h][mine & complete[h]].mean()) for h in UPLIFT_HORIZONS}
        h = max(UPLIFT_HORIZONS)
        use = mine & complete[h]
        # a contact at reduction r gains r × (p · others · (q − q_week)); averaged, the gain at full effect
        per_reduction = float(np.mean(effect[h][use] / contacts["effect"][use]))
        response["crm"][name] = {
            **crm_truth[name],
            "uplift": uplift,
            "max_uplift": per_reduction * CRM_PROGRAMMES[name][1],
        }
    per_year = [flow.acquired[:, (cal.years >= y) & (cal.years < y + 1)].sum(axis=1) for y in (0, 2)]
    angle_season = plan.shapes / np.array([c.growth for c in CHANNELS])[:, None] ** cal.years[None, :]
    week_month = cal.month_of_day[np.clip(cal.week_start + 3, 0, N_DAYS - 1)] % 12
    season = np.array([[angle_season[c, week_month == m].mean() for m in range(12)] for c in range(n_ch)])
    season /= season.mean(axis=1, keepdims=True)
    truth: dict[str, object] = {
        "response": response,
        "experiments": plan.tests,
        "channel_gross_margin": {
            CHANNEL_NAMES[c]: float((rev_c[c] - cost_cm[c].sum()) / rev_c[c]) for c in range(n_ch)
        },
        "channel_revenue_share": {CHANNEL_NAMES[c]: float(rev_c[c] / rev_c.sum()) for c in range(n_ch)},
        "channel_revenue_by_year": {
            CHANNEL_NAMES[c]: {str(2023 + y): float(rev_cm[c, 12 * y : 12 * y + 12].sum()) for y in range(3)}
            for c in range(n_ch)
        },
        "blind_spots": [[CHANNEL_NAMES[c], REGION_NAMES[r]] for c, r in BLIND_SPOTS],
        "price_conflict_products": list(PRICE_CONFLICT_PRODUCTS),
        "price_conflict_factor": PRICE_CONFLICT_FACTOR,
        "channel_price_factors": {c.name: c.price_factor for c in CHANNELS},
        "multichannel_customers": multichannel,
        "btyd_params": {c.name: {"r": c.r, "alpha": c.alpha, "a": c.a, "b": c.b} for c in CHANNELS},
        "acceptance": {CHANNEL_NAMES[c]: float(flow.acceptance[c, cal.full].mean()) for c in range(n_ch)},
        "acquisition_growth": {CHANNEL_NAMES[c]: float(np.sqrt(per_year[1][c] / per_year[0][c])) for c in range(n_ch)},
        "quantity_trend": {c.name: c.quantity_trend for c in CHANNELS},
        "seasonality": {CHANNEL_NAMES[c]: [float(x) for x in season[c]] for c in range(n_ch)},
        "holiday_effects": {spec.name: dict(zip(calendar.HOLIDAYS, spec.holidays, strict=True)) for spec in CHANNELS},
        "repeat_rate_all": float((c_orders >= 2).sum() / n_cust),
        "dropped_share_at_end": float(c_dropped.mean()),
        "anonymous_order_share": float(a_week.size / int((channel == STORES).sum())),
        "customers": int(n_cust),
        "order_lines": int(n_lines.sum()),
        "orders": int(n_orders),
        "date_range": [START.isoformat(), END.isoformat()],
        "seed": seed,
        "orders_requested": orders,
    }
    full = np.flatnonzero(cal.full)
    weekly = pa.table(
        {
            "week": pa.array(
                (np.repeat(cal.week_start[full][None, :], n_ch, axis=0).ravel() + _EPOCH_DAY).astype(np.int32),
                pa.date32(),
            ),
            "ch": np.repeat(np.arange(n_ch), full.size),
            "amount": np.round(plan.spend[:, full], 2).ravel(),
        }
    )
    crm_table = pa.table(
        {
            "month": pa.array(
                (np.tile(cal.month_start, len(CRM_PROGRAMMES)) + _EPOCH_DAY).astype(np.int32), pa.date32()
            ),
            "programme": np.repeat(np.arange(len(CRM_PROGRAMMES)), N_MONTHS),
            "amount": crm_spend.ravel(),
        }
    )
    contacts_table = pa.table(
        {  # a contact comes with a purchase: every contacted customer is a buyer
            "programme": contacts["programme"].astype(np.int8),
            "month": pa.array((cal.month_start[contacts["month"]] + _EPOCH_DAY).astype(np.int32), pa.date32()),
            "cust_no": new_no[contacts["cust"]] + 1,
            "contact_date": pa.array((contacts["time"].astype(np.int64) + _EPOCH_DAY).astype(np.int32), pa.date32()),
            "is_control": contacts["control"],
        }
    )
    cust_table = _customers_table(rng, n_cust, c_channel, c_region, c_first, c_dropped)
    truth["voice"] = voice_truth
    return {
        "lines": tables_lines,
        "costs": costs,
        "customers": cust_table,
        "crm": crm_table,
        "weekly": weekly,
        "contacts": contacts_table,
        **{f"voice_{k}": v for k, v in voice_tables.items()},
    }, truth


def _channel_costs(rng: np.random.Generator, cal: _Calendar, spend: np.ndarray, rev_cm: np.ndarray) -> pa.Table:
    """Monthly costs per channel and type: marketing = the weekly plan spread over its days (so the
    monthly and weekly tables agree), commission and rebate as shares of revenue, a fixed management fee."""
    n_ch = len(CHANNELS)
    marketing = np.zeros((n_ch, N_MONTHS))
    for w in np.flatnonzero(spend.sum(axis=0) > 0):
        days = np.arange(cal.week_start[w], cal.week_start[w] + 7)
        np.add.at(marketing, (slice(None), cal.month_of_day[days]), spend[:, w : w + 1] / 7.0)
    rows_month, rows_ch, rows_type, rows_amount = [], [], [], []
    for c, spec in enumerate(CHANNELS):
        revenue = rev_cm[c]
        management = spec.management * revenue.mean() * rng.uniform(0.95, 1.05, N_MONTHS)
        for t, amount in enumerate((marketing[c], revenue * spec.commission, revenue * spec.rebate, management)):
            if not np.any(amount > 0):
                continue
            rows_month.append(cal.month_start)
            rows_ch.append(np.full(N_MONTHS, c))
            rows_type.append(np.full(N_MONTHS, t))
            rows_amount.append(np.round(amount, 2))
    return pa.table(
        {
            "month": pa.array((np.concatenate(rows_month) + _EPOCH_DAY).astype(np.int32), pa.date32()),
            "ch": np.concatenate(rows_ch),
            "cost_type": np.concatenate(rows_type),
            "amount": np.concatenate(rows_amount),
        }
    )


def _lines(
    rng: np.random.Generator,
    day: np.ndarray,
    cust_no: np.ndarray,
    channel: np.ndarray,
    region: np.ndarray,
    province: np.ndarray,
    n_lines: np.ndarray,
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Expand orders (sorted by day) into coded order lines with prices, costs and refunds."""
    n_orders = day.size
    line_order = np.repeat(np.arange(n_orders), n_lines)
    order_start = np.cumsum(n_lines) - n_lines
    line_no = np.arange(line_order.size) - order_start[line_order] + 1
    ch = channel[line_order]
    n = line_order.size

    consumer = np.array([c.consumer for c in CHANNELS])
    list_price = np.array([p[2] for p in PRODUCTS])
    unit_cost = np.round(
        list_price
        * np.array([CATEGORIES[p[1]] for p in PRODUCTS])
        * (1.0 + 0.05 * ((np.arange(len(PRODUCTS)) % 5) - 2)),
        2,
    )
    conflict = np.isin(np.array(PRODUCT_NAMES), PRICE_CONFLICT_PRODUCTS)
    product = np.empty(n, dtype=np.int64)
    popularity = np.array([p[3] for p in PRODUCTS])
    for c, spec in enumerate(CHANNELS):  # six channels
        idx = np.flatnonzero(ch == c)
        tilt = CATEGORY_TILT.get(spec.name, {})
        weights = popularity * np.array([tilt.get(category, 1.0) for category in PRODUCT_CATEGORIES])
        product[idx] = _choose(rng, weights, idx.size)

    mu = np.log(np.array([max(c.quantity_median, 1.0) for c in CHANNELS]))
    sigma = np.array([c.quantity_sigma for c in CHANNELS])
    trend = np.log(np.array([c.quantity_trend for c in CHANNELS]))
    years = day[line_order] / 365.25
    business_q = np.maximum(1.0, np.round(np.exp(mu[ch] + trend[ch] * years + sigma[ch] * rng.standard_normal(n))))
    quantity = np.where(
        consumer[ch], 1.0 + np.minimum(rng.poisson(0.35, n), 5), business_q
    )  # see _expected_order_value
    del years, business_q  # each per-line temporary goes once used: 10M lines hold 80 MB per column

    factor = np.array([c.price_factor for c in CHANNELS])[ch]
    factor = np.where((ch == LIVE) & conflict[product], PRICE_CONFLICT_FACTOR, factor)
    channel_price = list_price[product] * factor
    # a small per-line discount (coupons): 30% of lines, up to 3%, keeps channel gaps under 15%
    disc = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 0.03, n), 0.0)
    unit_price = np.round(channel_price * (1.0 - disc), 2)
    revenue = np.round(quantity * unit_price, 2)
    discount = np.maximum(np.round(quantity * channel_price - revenue, 2), 0.0)
    del factor, channel_price, disc
    cost = np.round(quantity * unit_cost[product], 2)
    refund_rate = np.array([c.refund_rate for c in CHANNELS])[ch]
    refunded = rng.random(n) < refund_rate
    part = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.2, 0.8, n))
    refund = np.where(refunded, np.round(revenue * part, 2), 0.0)
    del refund_rate, refunded, part

    line_day = day[line_order]
    table = pa.table(
        {
            "order_no": pa.array(line_order + 1, pa.int64()),
            "line": pa.array(line_no, pa.int32()),
            "order_date": pa.array((line_day + _EPOCH_DAY).astype(np.int32), pa.date32()),
            "cust_no": pa.array(cust_no[line_order], pa.int64()),
            "ch": pa.array(ch, pa.int8()),
            "reg": pa.array(region[line_order], pa.int8()),
            "prov": pa.array(province[line_order], pa.int8()),
            "prod": pa.array(product, pa.int8()),
            "quantity": quantity,
            "unit_price": unit_price,
            "revenue": revenue,
            "cost": cost,
            "discount": discount,
            "refund": refund,
        }
    )
    return table, {"day": line_day, "channel": ch, "revenue": revenue, "cost": cost, "refund": refund}


def _customers_table(
    rng: np.random.Generator,
    n_cust: int,
    channel: np.ndarray,
    region: np.ndarray,
    first_day: np.ndarray,
    dropped: np.ndarray,
) -> pa.Table:
    """One row per customer with survey satisfaction (40%) and churn reasons (60% of dropped)."""
    surveyed = rng.random(n_cust) < 0.4
    score = np.clip(np.round(rng.normal(np.where(dropped, 2.7, 4.1), 0.9)), 1, 5)
    satisfaction = pa.array(score, pa.float64(), mask=~surveyed)
    reason = _choose(rng, np.array([w for _, w in CHURN_REASONS]), n_cust)
    has_reason = dropped & (rng.random(n_cust) < 0.6)
    return pa.table(
        {
            "cust_no": np.arange(1, n_cust + 1),
            "ch": channel.astype(np.int8),
            "reg": region.astype(np.int8),
            "first_order_date": pa.array((first_day + _EPOCH_DAY).astype(np.int32), pa.date32()),
            "satisfaction": satisfaction,
            "reason": pa.array(reason.astype(np.int8), pa.int8(), mask=~has_reason),
        }
    )


def _write(con: duckdb.DuckDBPyConnection, name: str, tables: dict[str, pa.Table], truth: dict[str, object]) -> None:
    """Replace dataset ``name`` in every table and refresh its registry row, in one transaction."""
    cur = con.cursor()
    dims = {"n": name, "channels": CHANNEL_NAMES, "regions": REGION_NAMES, "provinces": PROVINCE_NAMES}
    voice = {alias[len("voice_") :]: tables.pop(alias) for alias in list(tables) if alias.startswith("voice_")}
    for alias, table in tables.items():
        cur.register(f"demo_{alias}", table)
    try:
        with transaction(cur):
            for table_name in registry.FACT_TABLES:
                cur.execute(f"DELETE FROM {table_name} WHERE dataset = $n", {"n": name})  # noqa: S608 - module constant
            # lpad widths: 9 digits of orders and 8 of customers cover far more than 10M lines
            cur.execute(
                """
                INSERT INTO order_lines (dataset, order_id, line, order_date, customer_id, channel, region, province,
                                         product, category, quantity, unit_price, revenue, cost, discount, refund,
                                         order_first, customer_key)
                SELECT $n, 'SO' || lpad(order_no::VARCHAR, 9, '0'), line, order_date,
                       CASE WHEN cust_no > 0 THEN 'C' || lpad(cust_no::VARCHAR, 8, '0') END,
                       $channels[ch + 1], $regions[reg + 1], $provinces[prov + 1],
                       $products[prod + 1], $categories[prod + 1],
                       quantity, unit_price, revenue, cost, discount, refund,
                       -- every demo order has one date, channel, region and customer: its line 1 marks it
                       line = 1, CASE WHEN cust_no > 0 THEN cust_no END
                FROM demo_lines
                """,
                {**dims, "products": PRODUCT_NAMES, "categories": PRODUCT_CATEGORIES},
            )
            cur.unregister("demo_lines")  # the lines are in DuckDB now: free their Arrow copy before the rest
            del tables["lines"]
            cur.execute(
                "INSERT INTO channel_costs SELECT $n, month, $channels[ch + 1], $types[cost_type + 1], amount "
                "FROM demo_costs",
                {"n": name, "channels": CHANNEL_NAMES, "types": list(COST_TYPES)},
            )
            cur.execute(
                "INSERT INTO crm_spend SELECT $n, month, $programmes[programme + 1], amount FROM demo_crm",
                {"n": name, "programmes": list(CRM_PROGRAMMES)},
            )
            cur.execute(
                "INSERT INTO marketing_weekly SELECT $n, week, $channels[ch + 1], amount FROM demo_weekly",
                {"n": name, "channels": CHANNEL_NAMES},
            )
            cur.execute(
                "INSERT INTO crm_contacts SELECT $n, $programmes[programme + 1], strftime(month, '%Y-%m'), "
                "'C' || lpad(cust_no::VARCHAR, 8, '0'), contact_date, is_control FROM demo_contacts",
                {"n": name, "programmes": list(CRM_PROGRAMMES)},
            )
            cur.executemany(
                "INSERT INTO experiments VALUES ($n, $lever, $start::DATE, $end::DATE, $change, $lift, $se)",
                [
                    {
                        "n": name,
                        "lever": t["lever"],
                        "start": t["start"],
                        "end": t["end"],
                        "change": t["spend_change"],
                        "lift": t["lift"],
                        "se": t["std_error"],
                    }
                    for t in truth["experiments"]
                ],
            )
            cur.execute(
                """
                INSERT INTO customers (dataset, customer_id, acquisition_channel, region, first_order_date,
                                       satisfaction, churn_reason)
                SELECT $n, 'C' || lpad(cust_no::VARCHAR, 8, '0'), $channels[ch + 1], $regions[reg + 1],
                       first_order_date, satisfaction, $reasons[reason + 1]
                FROM demo_customers
                """,
                {
                    "n": name,
                    "channels": CHANNEL_NAMES,
                    "regions": REGION_NAMES,
                    "reasons": [r for r, _ in CHURN_REASONS],
                },
            )
            demo_voice.write(cur, name, voice, CHANNEL_NAMES)
            cur.executemany(
                "INSERT INTO dataset_truths VALUES ($n, $k, $v)",
                [{"n": name, "k": key, "v": json.dumps(value, ensure_ascii=False)} for key, value in truth.items()],
            )
            registry.refresh(cur, name, source="demo", kind="demo")
    finally:
        for alias in tables:
            cur.unregister(f"demo_{alias}")


def truths(con: duckdb.DuckDBPyConnection, name: str = "demo") -> dict[str, object]:
    """What the generator planted in dataset ``name``: key -> parsed JSON (empty if none)."""
    rows = con.cursor().execute("SELECT key, value FROM dataset_truths WHERE dataset = $n", {"n": name}).fetchall()
    return {key: json.loads(value) for key, value in rows}
