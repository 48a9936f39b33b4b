"""The deterministic demo dataset: a consumer-goods company (skincare, personal care...) selling
through six channels in seven regions of China, 2023-01-01..2025-12-31.

Everything is generated with ``numpy.random.default_rng(seed)`` and whole-array operations (no
Python loop per customer or order), then written in one transaction; ids and names are built in
DuckDB from integer codes. The same ``seed`` and ``orders`` give identical rows.

The generator plants known structure so tests (and people) can check that the analytics find it.
What it planted is stored in ``dataset_truths`` (key -> JSON), computed from the generator's own
arrays, never from SQL on the result. Money is in yuan, dates are ISO strings, rates per day:

- ``channel_gross_margin``: {channel: (revenue - cost) / revenue over all lines}; revenue before refunds.
- ``channel_revenue_share``: {channel: channel revenue / total revenue}.
- ``channel_revenue_by_year``: {channel: {"2023": yuan, "2024": yuan, "2025": yuan}}.
- ``blind_spots``: [[channel, region], ...] cells with no sales at all (every other cell has sales).
- ``price_conflict_products``: [product, ...] that 直播带货 sells far below list price (窜货 risk).
- ``price_conflict_factor``: 直播带货 price of those products as a fraction of list price.
- ``channel_price_factors``: {channel: price as a fraction of list} for all other products.
- ``multichannel_customers``: customers with orders in >= 2 channels over the whole range.
- ``hill_channel``: {channel: {beta, alpha, kappa, sigma}}: monthly revenue = beta * s^alpha /
  (s^alpha + kappa^alpha) * lognormal(0, sigma) noise, s = that month's marketing spend (yuan).
- ``hill_crm``: {programme: {max_reduction, alpha, kappa (yuan)}}: each purchase's dropout probability
  is p * prod_k (1 - max_reduction_k * hill_k(CRM spend of programme k that month)), all customers.
- ``btyd_params``: {channel: {r, alpha, a, b}}: purchase rate ~ Gamma(r, rate alpha) per day,
  dropout after each purchase ~ Beta(a, b), by acquisition channel.
- ``acquisition_growth``: {channel: yearly factor of new customers per month}.
- ``quantity_trend``: {channel: yearly factor on quantity per line} (经销商 destocking; others 1).
- ``seasonality``: {channel: [12 monthly factors, mean 1]} of purchases and acquisitions.
- ``repeat_rate_all``: customers with >= 2 distinct orders / customers with >= 1, whole range.
- ``dropped_share_at_end``: share of customers who had truly dropped out by the end date.
- ``anonymous_order_share``: anonymous orders / all 直营门店 orders.
- ``customers``: customers with >= 1 order (rows of the customers table).
- ``order_lines``: lines generated; ``orders``: distinct orders.
- ``date_range``: [first date, last date] of the generated range.
- ``seed``: the seed; ``orders_requested``: the ``orders`` argument.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from data import registry
from data.warehouse import transaction

START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)
N_DAYS = (END - START).days + 1
N_MONTHS = 36
_EPOCH_DAY = (START - dt.date(1970, 1, 1)).days

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ChannelSpec:
    """How one channel behaves. Rates per day, money in yuan, shares as fractions."""

    name: str
    consumer: bool
    acquisitions: float  # new customers per month at the start, per unit of scale
    stock_months: float  # customers already acquired before 2023, in months of acquisitions
    growth: float  # yearly factor of new customers per month
    season: tuple[float, ...]  # Jan..Dec, normalised to mean 1 below
    r: float  # purchase rate lambda ~ Gamma(r, rate alpha), per day
    alpha: float
    a: float  # dropout probability after each purchase ~ Beta(a, b)
    b: float
    extra_lines: float  # lines per order = min_lines + Poisson(extra_lines)
    min_lines: int
    quantity_median: float  # businesses: lognormal quantities; consumers: 1 + Poisson(0.35)
    quantity_sigma: float
    price_factor: float  # price as a fraction of list price
    refund_rate: float  # share of lines with a refund
    commission: float  # share of revenue
    rebate: float  # share of revenue
    management: float  # fixed monthly cost as a share of the channel's mean monthly revenue
    hill_alpha: float
    kappa_ratio: float  # kappa as a share of the channel's mean monthly revenue
    noise_sigma: float
    quantity_trend: float = 1.0  # yearly factor on business order quantities (distributor destocking)


# The order of this tuple is the channel code used in every array below.
CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("经销商", False, 3.0, 70, 0.90,
                (1.35, 0.55, 0.95, 1.0, 1.0, 1.05, 0.9, 0.9, 1.0, 1.15, 1.15, 1.0),
                8.0, 160.0, 2.0, 80.0, 1.0, 2, 5.0, 0.6, 0.90, 0.02, 0.0, 0.03, 0.01, 1.1, 0.02, 0.05, 0.92),
    ChannelSpec("电商平台", True, 260, 10, 1.15,
                (0.85, 0.65, 0.9, 0.9, 1.0, 1.45, 0.85, 0.85, 0.9, 1.0, 1.75, 1.1),
                0.9, 90.0, 1.0, 2.5, 0.6, 1, 1.0, 0.0, 0.95, 0.02, 0.05, 0.0, 0.0, 1.6, 0.06, 0.05),
    ChannelSpec("直营门店", True, 160, 14, 1.00,
                (1.5, 0.75, 0.9, 0.95, 1.0, 0.95, 0.9, 0.95, 1.0, 1.05, 1.0, 1.25),
                1.2, 110.0, 0.9, 3.0, 0.5, 1, 1.0, 0.0, 1.00, 0.015, 0.0, 0.0, 0.12, 1.3, 0.03, 0.05),
    ChannelSpec("直播带货", True, 90, 2, 1.60,
                (0.85, 0.6, 0.9, 0.9, 1.0, 1.5, 0.85, 0.85, 0.9, 1.0, 2.0, 1.1),
                0.8, 70.0, 1.2, 2.0, 0.4, 1, 1.0, 0.0, 0.93, 0.06, 0.20, 0.0, 0.0, 2.2, 0.08, 0.08),
    ChannelSpec("B2B直销", False, 2.5, 36, 1.05,
                (1.0, 0.65, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95, 1.05, 1.05, 1.05, 1.25),
                3.0, 110.0, 0.5, 25.0, 1.0, 2, 4.0, 0.7, 0.92, 0.01, 0.0, 0.0, 0.05, 1.2, 0.03, 0.05),
    ChannelSpec("合作伙伴", True, 60, 10, 1.10,
                (1.0, 0.8, 0.95, 0.95, 1.0, 1.15, 0.95, 0.95, 1.0, 1.05, 1.2, 1.05),
                1.0, 100.0, 1.0, 3.0, 0.5, 1, 1.0, 0.0, 0.97, 0.02, 0.10, 0.0, 0.0, 1.4, 0.04, 0.06),
)
CHANNEL_NAMES = [c.name for c in CHANNELS]
STORES = CHANNEL_NAMES.index("直营门店")
LIVE = CHANNEL_NAMES.index("直播带货")
PARTNERS = CHANNEL_NAMES.index("合作伙伴")

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
    "护肤": 0.24, "彩妆": 0.30, "个人护理": 0.42, "母婴": 0.40, "家居清洁": 0.48, "男士护理": 0.34,
}
# (product, category, list price in yuan, popularity weight)
PRODUCTS: tuple[tuple[str, str, float, float], ...] = (
    ("玻尿酸精华液", "护肤", 299.0, 3.0), ("烟酰胺精华", "护肤", 259.0, 2.5), ("保湿面霜", "护肤", 199.0, 2.5),
    ("修护乳液", "护肤", 169.0, 2.0), ("氨基酸洁面乳", "护肤", 79.0, 3.5), ("补水面膜", "护肤", 99.0, 3.0),
    ("眼霜", "护肤", 359.0, 1.2), ("防晒霜", "护肤", 139.0, 2.5), ("爽肤水", "护肤", 129.0, 2.0),
    ("抗老精华", "护肤", 599.0, 1.0),
    ("口红", "彩妆", 189.0, 2.5), ("气垫粉底", "彩妆", 259.0, 1.8), ("眉笔", "彩妆", 59.0, 2.0),
    ("睫毛膏", "彩妆", 119.0, 1.5), ("眼影盘", "彩妆", 229.0, 1.2), ("腮红", "彩妆", 129.0, 1.0),
    ("散粉", "彩妆", 149.0, 1.2), ("唇釉", "彩妆", 159.0, 1.5), ("遮瑕膏", "彩妆", 139.0, 1.0),
    ("卸妆油", "彩妆", 169.0, 1.8),
    ("洗发水", "个人护理", 69.0, 3.5), ("护发素", "个人护理", 69.0, 2.0), ("沐浴露", "个人护理", 59.0, 3.0),
    ("身体乳", "个人护理", 89.0, 2.0), ("护手霜", "个人护理", 39.0, 2.5), ("牙膏", "个人护理", 29.0, 3.5),
    ("电动牙刷", "个人护理", 399.0, 1.0), ("漱口水", "个人护理", 45.0, 1.5), ("止汗露", "个人护理", 55.0, 1.0),
    ("洗手液", "个人护理", 35.0, 2.0),
    ("婴儿润肤霜", "母婴", 129.0, 1.5), ("婴儿洗发沐浴露", "母婴", 89.0, 1.5), ("婴儿湿巾", "母婴", 39.0, 2.5),
    ("护臀膏", "母婴", 69.0, 1.2), ("儿童牙膏", "母婴", 35.0, 1.5), ("婴儿爽身粉", "母婴", 49.0, 1.0),
    ("孕妇护肤油", "母婴", 219.0, 0.7), ("婴儿防晒乳", "母婴", 119.0, 0.8),
    ("洗衣液", "家居清洁", 59.0, 3.0), ("洗洁精", "家居清洁", 25.0, 2.5), ("衣物柔顺剂", "家居清洁", 49.0, 1.5),
    ("消毒喷雾", "家居清洁", 39.0, 1.5), ("香薰蜡烛", "家居清洁", 129.0, 0.8), ("厨房清洁剂", "家居清洁", 35.0, 1.5),
    ("男士洁面", "男士护理", 69.0, 1.8), ("剃须泡", "男士护理", 49.0, 1.2), ("男士控油乳", "男士护理", 129.0, 1.2),
    ("男士香水", "男士护理", 399.0, 0.6), ("发蜡", "男士护理", 59.0, 0.8),
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

# programme -> (base monthly spend in yuan per requested line, max_reduction, alpha, kappa / base)
CRM_PROGRAMMES: dict[str, tuple[float, float, float, float]] = {
    "会员积分": (0.20, 0.30, 1.2, 0.8),
    "短信企微触达": (0.08, 0.15, 2.0, 1.0),
    "专属客服": (0.12, 0.25, 1.5, 1.2),
}
CHURN_REASONS = (("价格更低的竞品", 0.35), ("服务体验差", 0.20), ("物流慢", 0.15), ("不再需要", 0.30))
COST_TYPES = ("marketing", "commission", "rebate", "management")

MULTICHANNEL_SHARE = 0.08  # of consumer customers
SECOND_CHANNEL_PROB = 0.35  # of each later purchase of such a customer
ANONYMOUS_SHARE = 0.25  # of 直营门店 orders
MAX_DAILY_RATE = 0.5  # caps the Gamma tail: nobody buys more than every other day on average
# Lines (anonymous store lines included) per unit of ``scale``, one unit being the acquisitions in
# CHANNELS; measured once. The generator oversamples by OVERSAMPLE, then keeps whole customers
# until the requested lines are reached, so the estimate only has to be roughly right.
LINES_PER_SCALE = 237_000.0
OVERSAMPLE = 1.08
# The busiest month sits at this fraction of beta: high enough that the curve visibly bends.
HILL_TOP = 0.85


def _calendar() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Month start day, month length, month of each day and year of each month (offsets from START)."""
    starts = np.array([(dt.date(2023 + m // 12, m % 12 + 1, 1) - START).days for m in range(N_MONTHS)] + [N_DAYS])
    lengths = np.diff(starts)
    month_of_day = np.repeat(np.arange(N_MONTHS), lengths)
    return starts[:-1], lengths, month_of_day, np.arange(N_MONTHS) // 12


def _hill(s: np.ndarray, alpha: float, kappa: float) -> np.ndarray:
    """The Hill saturation s^alpha / (s^alpha + kappa^alpha), 0..1 (METRICS.md's form without beta)."""
    sa = np.power(s, alpha)
    return sa / (sa + kappa**alpha)


def _group_starts(sorted_ids: np.ndarray) -> np.ndarray:
    """Boolean mask marking the first element of each run of equal ids."""
    first = np.ones(sorted_ids.size, dtype=bool)
    first[1:] = sorted_ids[1:] != sorted_ids[:-1]
    return first


@dataclass
class _Purchases:
    """Customers and their kept purchases before subsampling (codes, days from START)."""

    channel: np.ndarray  # per customer
    lam: np.ndarray
    p: np.ndarray
    order_cust: np.ndarray  # per purchase, grouped by customer and sorted by time
    order_day: np.ndarray
    order_drop: np.ndarray  # the customer dropped out right after this purchase
    order_lines: np.ndarray


def _season_matrix() -> np.ndarray:
    """(channel, month 0..35) seasonality factors with mean 1 per channel."""
    season = np.array([c.season for c in CHANNELS], dtype=float)
    season /= season.mean(axis=1, keepdims=True)
    return np.tile(season, (1, 3))


def _simulate(rng: np.random.Generator, scale: float, crm_factor: np.ndarray) -> _Purchases:
    """BG/NBD-like purchases for every customer acquired in (or before) the range.

    New customers per channel-month = acquisitions × scale × growth^(years) × seasonality; each
    buys at once (acquisition = first purchase), then at Poisson rate lambda thinned by the
    channel's seasonality, and after each purchase drops out with probability p × crm_factor.
    Customers acquired before 2023 ("stock") start without a forced purchase.
    """
    starts, lengths, month_of_day, _ = _calendar()
    season = _season_matrix()
    n_ch = len(CHANNELS)
    base = np.array([c.acquisitions for c in CHANNELS]) * scale
    growth = np.array([c.growth for c in CHANNELS])
    months = np.arange(N_MONTHS)
    expected = base[:, None] * growth[:, None] ** (months[None, :] / 12.0) * season
    new_counts = rng.poisson(expected).ravel()
    new_ch = np.repeat(np.repeat(np.arange(n_ch), N_MONTHS), new_counts)
    new_month = np.repeat(np.tile(months, n_ch), new_counts)
    new_day = starts[new_month] + (rng.random(new_ch.size) * lengths[new_month]).astype(np.int64)
    stock_counts = rng.poisson(base * np.array([c.stock_months for c in CHANNELS]))
    stock_ch = np.repeat(np.arange(n_ch), stock_counts)

    channel = np.concatenate([new_ch, stock_ch]).astype(np.int8)
    t0 = np.concatenate([new_day, np.zeros(stock_ch.size, dtype=np.int64)]).astype(np.float64)
    forced = np.concatenate([np.ones(new_ch.size, bool), np.zeros(stock_ch.size, bool)])
    n_cust = channel.size
    r = np.array([c.r for c in CHANNELS])[channel]
    alpha = np.array([c.alpha for c in CHANNELS])[channel]
    lam = np.minimum(rng.gamma(r, 1.0 / alpha), MAX_DAILY_RATE)
    p = rng.beta(np.array([c.a for c in CHANNELS])[channel], np.array([c.b for c in CHANNELS])[channel])

    # Candidate purchases at the peak seasonal rate over the remaining window, then thinned to
    # each month's rate (exact for a Poisson process with a piecewise-constant rate).
    peak = season.max(axis=1)
    window = N_DAYS - t0
    n_cand = rng.poisson(lam * peak[channel] * window)
    cand_cust = np.repeat(np.arange(n_cust), n_cand)
    cand_t = t0[cand_cust] + rng.random(cand_cust.size) * window[cand_cust]
    cand_day = cand_t.astype(np.int64)
    ch_c = channel[cand_cust]
    accept = rng.random(cand_cust.size) * peak[ch_c] < season[ch_c, month_of_day[cand_day]]
    cand_cust, cand_t = cand_cust[accept], cand_t[accept]

    first_cust = np.flatnonzero(forced)
    all_cust = np.concatenate([cand_cust, first_cust])
    all_t = np.concatenate([cand_t, t0[first_cust]])
    # customers are < 2^31 and days < 1097: the combined key keeps ~1e-5 day resolution
    order = np.argsort(all_cust * float(N_DAYS + 1) + all_t)
    order_cust = all_cust[order]
    order_day = all_t[order].astype(np.int64)
    del all_cust, all_t, cand_cust, cand_t, order

    drop = rng.random(order_cust.size) < p[order_cust] * crm_factor[month_of_day[order_day]]
    # keep purchases up to and including the first dropout: drops strictly before this one == 0
    cum = np.cumsum(drop, dtype=np.int64)
    first = _group_starts(order_cust)
    group = np.cumsum(first) - 1
    before_group = (cum - drop)[first]
    keep = (cum - drop - before_group[group]) == 0
    order_cust, order_day, drop = order_cust[keep], order_day[keep], drop[keep]

    consumer = np.array([c.consumer for c in CHANNELS])
    min_lines = np.array([c.min_lines for c in CHANNELS])
    extra = np.array([c.extra_lines for c in CHANNELS])
    ch_o = channel[order_cust]
    lines = min_lines[ch_o] + np.minimum(rng.poisson(extra[ch_o]), np.where(consumer[ch_o], 4, 9))
    return _Purchases(channel, lam, p, order_cust, order_day, drop, lines.astype(np.int64))


def _crm(rng: np.random.Generator, orders: int) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, float]]]:
    """Monthly CRM spend (programme, month) in yuan, the dropout factor per month, and the truths."""
    spend = np.empty((len(CRM_PROGRAMMES), N_MONTHS))
    factor = np.ones(N_MONTHS)
    truth = {}
    for k, (prog, (base_per_line, max_red, alpha, kappa_ratio)) in enumerate(CRM_PROGRAMMES.items()):
        base = base_per_line * orders
        spend[k] = np.round(base * rng.uniform(0.3, 1.7, N_MONTHS), 2)
        kappa = base * kappa_ratio
        factor *= 1.0 - max_red * _hill(spend[k], alpha, kappa)
        truth[prog] = {"max_reduction": max_red, "alpha": alpha, "kappa": kappa}
    return spend, factor, truth


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


def _assign_regions(rng: np.random.Generator, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Region and province code per customer; every allowed channel × region cell gets a customer."""
    weights = _region_weights()
    region = np.empty(channel.size, dtype=np.int64)
    for c in range(len(CHANNELS)):  # six channels, not per customer
        idx = np.flatnonzero(channel == c)
        region[idx] = _choose(rng, weights[c], idx.size)
        allowed = np.flatnonzero(weights[c] > 0)
        k = min(allowed.size, idx.size)
        region[idx[:k]] = allowed[:k]  # customers are in random order: the first few cover the map
    return region, _provinces(rng, region)


def _provinces(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """A province code (index into PROVINCE_NAMES) within each row's region."""
    province = np.empty(region.size, dtype=np.int64)
    offset = 0
    for reg, (_, _, provs) in enumerate(REGIONS):
        idx = np.flatnonzero(region == reg)
        province[idx] = offset + _choose(rng, np.array([w for _, w in provs]), idx.size)
        offset += len(provs)
    return province


def build_demo(target: object, *, orders: int = 300_000, seed: int = 42, name: str = "demo",
               progress: Progress | None = None) -> dict[str, object]:
    """Generate the demo dataset and write it as dataset ``name``, replacing any previous one.

    Parameters
    ----------
    target : the warehouse (``data.snapshots.Warehouse``, or an in-memory connection).
    orders : order lines to generate (at least 1,000); the result is within ±5% (in practice ±1%).
    seed : the only source of randomness; same seed and ``orders`` give identical rows.
    name : dataset name in every table.
    progress : called as ``progress(fraction 0..1, stage)`` at a handful of stages.

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

    with Warehouse.of(target).writer(name, skip=(*registry.FACT_TABLES, "customer_firsts")) as con:
        _write(con, name, tables, truth)
    report(1.0, "done")
    return {"name": name, "order_lines": truth["order_lines"], "orders": truth["orders"],
            "customers": truth["customers"], "seconds": round(time.perf_counter() - began, 3), "seed": seed}


def _generate(orders: int, seed: int, report: Progress) -> tuple[dict[str, pa.Table], dict[str, object]]:
    """All rows as integer-coded Arrow tables plus the truths."""
    rng = np.random.default_rng(seed)
    starts, lengths, month_of_day, _ = _calendar()
    season = _season_matrix()
    n_ch = len(CHANNELS)
    consumer = np.array([c.consumer for c in CHANNELS])
    crm_spend, crm_factor, hill_crm = _crm(rng, orders)

    # Weight of each customer in lines, counting the anonymous store lines its orders imply.
    anon_ratio = ANONYMOUS_SHARE / (1.0 - ANONYMOUS_SHARE)
    scale = orders / LINES_PER_SCALE * OVERSAMPLE
    for _ in range(4):
        sim = _simulate(rng, scale, crm_factor)
        is_store = sim.channel[sim.order_cust] == STORES
        lines_per_cust = np.bincount(sim.order_cust, weights=sim.order_lines * (1.0 + anon_ratio * is_store),
                                     minlength=sim.channel.size)
        total = lines_per_cust.sum()
        if total >= orders:
            break
        scale *= orders / total * OVERSAMPLE
    report(0.25, "purchases")

    # Keep whole customers in random order until the requested lines are reached: the process of
    # each kept customer is untouched, only the number of customers shrinks.
    perm = rng.permutation(sim.channel.size)
    perm = perm[lines_per_cust[perm] > 0]
    kept = perm[np.cumsum(lines_per_cust[perm]) <= orders]
    keep_mask = np.zeros(sim.channel.size, dtype=bool)
    keep_mask[kept] = True
    o_keep = keep_mask[sim.order_cust]
    o_cust_old = sim.order_cust[o_keep]
    o_day = sim.order_day[o_keep]
    o_drop = sim.order_drop[o_keep]
    o_lines = sim.order_lines[o_keep]

    # Customer numbers by first purchase (then by the random order of `kept`).
    first_day = np.full(sim.channel.size, N_DAYS, dtype=np.int64)
    first_of_group = _group_starts(o_cust_old)
    first_day[o_cust_old[first_of_group]] = o_day[first_of_group]
    kept_sorted = kept[np.argsort(first_day[kept], kind="stable")]
    new_no = np.full(sim.channel.size, -1, dtype=np.int64)
    new_no[kept_sorted] = np.arange(kept_sorted.size)
    n_cust = kept_sorted.size
    o_cust = new_no[o_cust_old]
    c_channel = sim.channel[kept_sorted].astype(np.int64)
    c_first = first_day[kept_sorted]
    c_orders = np.bincount(o_cust, minlength=n_cust)
    c_dropped = np.bincount(o_cust, weights=o_drop, minlength=n_cust) > 0

    # Regions in random customer order so the coverage fix-up picks random customers.
    shuffled = rng.permutation(n_cust)
    region_s, province_s = _assign_regions(rng, c_channel[shuffled])
    c_region = np.empty(n_cust, dtype=np.int64)
    c_province = np.empty(n_cust, dtype=np.int64)
    c_region[shuffled], c_province[shuffled] = region_s, province_s

    # Multichannel consumers: a second consumer channel allowed in their region.
    region_w = _region_weights()
    second = np.full(n_cust, -1, dtype=np.int64)
    multi = consumer[c_channel] & (rng.random(n_cust) < MULTICHANNEL_SHARE)
    idx = np.flatnonzero(multi)
    # weights over channels: consumer channels with sales in the region, never the primary one
    cw = (region_w[:, c_region[idx]].T > 0) & consumer[None, :]
    cw[np.arange(idx.size), c_channel[idx]] = False
    pick = rng.random((idx.size, n_ch)) * cw
    second[idx] = np.argmax(pick, axis=1)
    o_channel = c_channel[o_cust]
    routed = (second[o_cust] >= 0) & ~_group_starts(o_cust) & (rng.random(o_cust.size) < SECOND_CHANNEL_PROB)
    o_channel[routed] = second[o_cust][routed]
    multichannel = int(np.unique(o_cust[routed]).size)

    # Anonymous walk-in store orders, following the store channel's season and trend.
    n_store = int((o_channel == STORES).sum())
    n_anon = int(round(n_store * anon_ratio))
    store_month_w = season[STORES] * CHANNELS[STORES].growth ** (np.arange(N_MONTHS) / 12.0)
    a_month = _choose(rng, store_month_w, n_anon)
    a_day = starts[a_month] + (rng.random(n_anon) * lengths[a_month]).astype(np.int64)
    a_region = _choose(rng, region_w[STORES], n_anon)
    a_province = _provinces(rng, a_region)
    spec = CHANNELS[STORES]
    a_lines = spec.min_lines + np.minimum(rng.poisson(spec.extra_lines, n_anon), 4)
    # All orders, numbered by date.
    day = np.concatenate([o_day, a_day])
    ord_sort = np.argsort(day, kind="stable")
    day = day[ord_sort]
    cust_no = np.concatenate([o_cust + 1, np.zeros(n_anon, dtype=np.int64)])[ord_sort]
    channel = np.concatenate([o_channel, np.full(n_anon, STORES)])[ord_sort]
    region = np.concatenate([c_region[o_cust], a_region])[ord_sort]
    province = np.concatenate([c_province[o_cust], a_province])[ord_sort]
    n_lines = np.concatenate([o_lines, a_lines])[ord_sort]
    n_orders = day.size
    report(0.4, "order lines")

    tables_lines, money = _lines(rng, day, cust_no, channel, region, province, n_lines)
    report(0.6, "costs")

    line_month = month_of_day[money["day"]]
    line_ch = money["channel"]
    revenue, cost = money["revenue"], money["cost"]
    rev_cm = np.bincount(line_ch * N_MONTHS + line_month, weights=revenue, minlength=n_ch * N_MONTHS)
    rev_cm = rev_cm.reshape(n_ch, N_MONTHS)
    rev_c = rev_cm.sum(axis=1)
    cost_c = np.bincount(line_ch, weights=cost, minlength=n_ch)
    rev_cy = rev_cm.reshape(n_ch, 3, 12).sum(axis=2)

    costs, hill_channel = _channel_costs(rng, rev_cm)

    cust_table = _customers_table(rng, n_cust, c_channel, c_region, c_first, c_dropped)
    crm_table = pa.table({
        "month": pa.array((np.tile(starts, len(CRM_PROGRAMMES)) + _EPOCH_DAY).astype(np.int32), pa.date32()),
        "programme": np.repeat(np.arange(len(CRM_PROGRAMMES)), N_MONTHS),
        "amount": crm_spend.ravel(),
    })

    truth: dict[str, object] = {
        "channel_gross_margin": {CHANNEL_NAMES[c]: float((rev_c[c] - cost_c[c]) / rev_c[c]) for c in range(n_ch)},
        "channel_revenue_share": {CHANNEL_NAMES[c]: float(rev_c[c] / rev_c.sum()) for c in range(n_ch)},
        "channel_revenue_by_year": {CHANNEL_NAMES[c]: {str(2023 + y): float(rev_cy[c, y]) for y in range(3)}
                                    for c in range(n_ch)},
        "blind_spots": [[CHANNEL_NAMES[c], REGION_NAMES[r]] for c, r in BLIND_SPOTS],
        "price_conflict_products": list(PRICE_CONFLICT_PRODUCTS),
        "price_conflict_factor": PRICE_CONFLICT_FACTOR,
        "channel_price_factors": {c.name: c.price_factor for c in CHANNELS},
        "multichannel_customers": multichannel,
        "hill_channel": hill_channel,
        "hill_crm": hill_crm,
        "btyd_params": {c.name: {"r": c.r, "alpha": c.alpha, "a": c.a, "b": c.b} for c in CHANNELS},
        "acquisition_growth": {c.name: c.growth for c in CHANNELS},
        "quantity_trend": {c.name: c.quantity_trend for c in CHANNELS},
        "seasonality": {CHANNEL_NAMES[c]: [float(x) for x in season[c, :12]] for c in range(n_ch)},
        "repeat_rate_all": float((c_orders >= 2).sum() / n_cust),
        "dropped_share_at_end": float(c_dropped.mean()),
        "anonymous_order_share": float(n_anon / int((channel == STORES).sum())),
        "customers": int(n_cust),
        "order_lines": int(n_lines.sum()),
        "orders": int(n_orders),
        "date_range": [START.isoformat(), END.isoformat()],
        "seed": seed,
        "orders_requested": orders,
    }
    return {"lines": tables_lines, "costs": costs, "customers": cust_table, "crm": crm_table}, truth


def _lines(rng: np.random.Generator, day: np.ndarray, cust_no: np.ndarray, channel: np.ndarray,
           region: np.ndarray, province: np.ndarray, n_lines: np.ndarray) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Expand orders (sorted by day) into coded order lines with prices, costs and refunds."""
    n_orders = day.size
    line_order = np.repeat(np.arange(n_orders), n_lines)
    order_start = np.cumsum(n_lines) - n_lines
    line_no = np.arange(line_order.size) - order_start[line_order] + 1
    ch = channel[line_order]
    n = line_order.size

    consumer = np.array([c.consumer for c in CHANNELS])
    list_price = np.array([p[2] for p in PRODUCTS])
    unit_cost = np.round(list_price * np.array([CATEGORIES[p[1]] for p in PRODUCTS])
                         * (1.0 + 0.05 * ((np.arange(len(PRODUCTS)) % 5) - 2)), 2)
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
    quantity = np.where(consumer[ch], 1.0 + np.minimum(rng.poisson(0.35, n), 5), business_q)

    factor = np.array([c.price_factor for c in CHANNELS])[ch]
    factor = np.where((ch == LIVE) & conflict[product], PRICE_CONFLICT_FACTOR, factor)
    channel_price = list_price[product] * factor
    # a small per-line discount (coupons): 30% of lines, up to 3%, keeps channel gaps under 15%
    disc = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 0.03, n), 0.0)
    unit_price = np.round(channel_price * (1.0 - disc), 2)
    revenue = np.round(quantity * unit_price, 2)
    discount = np.maximum(np.round(quantity * channel_price - revenue, 2), 0.0)
    cost = np.round(quantity * unit_cost[product], 2)
    refund_rate = np.array([c.refund_rate for c in CHANNELS])[ch]
    refunded = rng.random(n) < refund_rate
    part = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.2, 0.8, n))
    refund = np.where(refunded, np.round(revenue * part, 2), 0.0)

    line_day = day[line_order]
    table = pa.table({
        "order_no": pa.array(line_order + 1, pa.int64()),
        "line": pa.array(line_no, pa.int32()),
        "order_date": pa.array((line_day + _EPOCH_DAY).astype(np.int32), pa.date32()),
        "cust_no": pa.array(cust_no[line_order], pa.int64()),
        "ch": pa.array(ch, pa.int8()),
        "reg": pa.array(region[line_order], pa.int8()),
        "prov": pa.array(province[line_order], pa.int8()),
        "prod": pa.array(product, pa.int8()),
        "quantity": quantity, "unit_price": unit_price, "revenue": revenue,
        "cost": cost, "discount": discount, "refund": refund,
    })
    return table, {"day": line_day, "channel": ch, "revenue": revenue, "cost": cost}


def _channel_costs(rng: np.random.Generator, rev_cm: np.ndarray) -> tuple[pa.Table, dict[str, dict[str, float]]]:
    """Monthly costs per channel and type, with marketing derived from the planted Hill curves.

    Marketing spend inverts response = beta · s^alpha / (s^alpha + kappa^alpha) at the month's
    revenue divided by lognormal noise, so the realised (spend, revenue) pairs lie on the curve
    up to exactly that noise; beta = max(revenue / noise) / HILL_TOP keeps every month below saturation.
    """
    starts, _, _, _ = _calendar()
    rows_month, rows_ch, rows_type, rows_amount = [], [], [], []
    truth = {}
    for c, spec in enumerate(CHANNELS):  # six channels
        revenue = rev_cm[c]
        mean_month = revenue.mean()
        noise = np.exp(spec.noise_sigma * rng.standard_normal(N_MONTHS))
        y = revenue / noise
        beta = y.max() / HILL_TOP
        kappa = spec.kappa_ratio * mean_month
        marketing = kappa * np.power(y / (beta - y), 1.0 / spec.hill_alpha)
        truth[spec.name] = {"beta": float(beta), "alpha": spec.hill_alpha, "kappa": float(kappa),
                            "sigma": spec.noise_sigma}
        management = spec.management * mean_month * rng.uniform(0.95, 1.05, N_MONTHS)
        for t, amount in enumerate((marketing, revenue * spec.commission, revenue * spec.rebate, management)):
            if not np.any(amount > 0):
                continue
            rows_month.append(starts)
            rows_ch.append(np.full(N_MONTHS, c))
            rows_type.append(np.full(N_MONTHS, t))
            rows_amount.append(np.round(amount, 2))
    table = pa.table({
        "month": pa.array((np.concatenate(rows_month) + _EPOCH_DAY).astype(np.int32), pa.date32()),
        "ch": np.concatenate(rows_ch), "cost_type": np.concatenate(rows_type),
        "amount": np.concatenate(rows_amount),
    })
    return table, truth


def _customers_table(rng: np.random.Generator, n_cust: int, channel: np.ndarray, region: np.ndarray,
                     first_day: np.ndarray, dropped: np.ndarray) -> pa.Table:
    """One row per customer with survey satisfaction (40%) and churn reasons (60% of dropped)."""
    surveyed = rng.random(n_cust) < 0.4
    score = np.clip(np.round(rng.normal(np.where(dropped, 2.7, 4.1), 0.9)), 1, 5)
    satisfaction = pa.array(score, pa.float64(), mask=~surveyed)
    reason = _choose(rng, np.array([w for _, w in CHURN_REASONS]), n_cust)
    has_reason = dropped & (rng.random(n_cust) < 0.6)
    return pa.table({
        "cust_no": np.arange(1, n_cust + 1),
        "ch": channel.astype(np.int8), "reg": region.astype(np.int8),
        "first_order_date": pa.array((first_day + _EPOCH_DAY).astype(np.int32), pa.date32()),
        "satisfaction": satisfaction,
        "reason": pa.array(reason.astype(np.int8), pa.int8(), mask=~has_reason),
    })


def _write(con: duckdb.DuckDBPyConnection, name: str, tables: dict[str, pa.Table], truth: dict[str, object]) -> None:
    """Replace dataset ``name`` in every table and refresh its registry row, in one transaction."""
    cur = con.cursor()
    dims = {"n": name, "channels": CHANNEL_NAMES, "regions": REGION_NAMES, "provinces": PROVINCE_NAMES}
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
                """
                INSERT INTO customers
                SELECT $n, 'C' || lpad(cust_no::VARCHAR, 8, '0'), $channels[ch + 1], $regions[reg + 1],
                       first_order_date, satisfaction, $reasons[reason + 1]
                FROM demo_customers
                """,
                {"n": name, "channels": CHANNEL_NAMES, "regions": REGION_NAMES,
                 "reasons": [r for r, _ in CHURN_REASONS]},
            )
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
