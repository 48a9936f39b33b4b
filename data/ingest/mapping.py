"""Which file column feeds which canonical field: table specs, synonyms, auto-match and memory.

Headers are normalised before matching (NFKC folds full-width letters and digits, then case is
folded and spaces/punctuation dropped: ``"Order ID"``, ``"order_id"`` and ``"ＯＲＤＥＲ ＩＤ"``
all become ``orderid``). Auto-matching takes the first column (in file order) whose normalised
header is a synonym of a field, never the same column for two fields; user overrides win over
both a remembered and an auto mapping. ``Segment`` is deliberately not a channel synonym:
customer segments are not sales channels, so the user must choose to map it.

A confirmed mapping is remembered in the warehouse (``ingest_mappings``, migration 002) under
the sorted set of normalised headers, and offered again when a file with the same headers comes;
with it, the source profile it was confirmed with and the analyst's profile and channel choices
(migration 008, see ``data/ingest/source.py``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from data import access
from data.state import store_for


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field: its name, value type (text|number|date|month) and whether required."""

    name: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """A kind of file the ingest understands and the warehouse table it loads into."""

    kind: str
    table: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name: str, type_: str, synonyms: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, type_, required, tuple(s.strip() for s in synonyms.split("|") if s.strip()))


ORDERS = TableSpec(
    "orders",
    "order_lines",
    (
        _f(
            "order_id",
            "text",
            "order id|order no|order number|订单编号|订单号|订单id|订单 ID|单据编号|单据号|单号|"
            "FBillNo|bill no|销售订单|销售订单号|销售单号|SO number|document no|invoice no|发票号|交易单号",
        ),
        _f(
            "order_date",
            "date",
            "order date|date|下单时间|下单日期|订单日期|销售日期|购药时间|日期|交易日期|交易时间|"
            "成交时间|付款时间|支付时间|FDate|created at|order time|transaction date|invoice date|单据日期",
            True,
        ),
        _f(
            "customer_id",
            "text",
            "customer id|customer no|customer number|customer code|client id|客户|客户id|客户编号|"
            "客户代码|客户号|会员id|会员号|会员卡号|社保卡号|用户id|买家id|buyer id|account id|FCustId|cust id",
        ),
        _f("channel", "text", "channel|sales channel|销售渠道|渠道|渠道名称|销售平台|平台|渠道类型|来源渠道"),
        _f("region", "text", "region|sales region|销售区域|区域|大区|地区|销售大区|territory"),
        _f("province", "text", "province|state|省份|省|省市|州"),
        _f(
            "product",
            "text",
            "product|product name|产品|产品名称|商品|商品名称|药品名称|品名|item|item name|sku name|"
            "FMaterialName|物料名称",
        ),
        _f("category", "text", "category|product category|品类|类别|产品类别|商品类别|分类|大类"),
        _f("quantity", "number", "quantity|qty|销售数量|数量|销量|购买数量|units|FQty|件数"),
        _f("unit_price", "number", "unit price|price|售价|单价|销售单价|价格|FPrice|零售价"),
        _f(
            "revenue",
            "number",
            "revenue|sales|amount|销售额|金额|实收金额|销售金额|应收金额|实付金额|实收|"
            "sales amount|net sales|total|FAmount|成交金额|应收",
        ),
        _f("cost", "number", "cost|成本|直接成本|销售成本|成本金额|cogs|cost of goods|FCost"),
        _f("profit", "number", "profit|利润|毛利|毛利润|gross profit"),
        _f("discount", "number", "discount|折扣|折扣率|discount rate|优惠金额|折扣金额|优惠"),
        _f("refund", "number", "refund|退款|退款金额|refund amount|退货金额"),
    ),
)

CHANNEL_COSTS = TableSpec(
    "channel_costs",
    "channel_costs",
    (
        _f("month", "month", "month|月份|月|期间|period|date|日期", True),
        _f("channel", "text", "channel|渠道|销售渠道|渠道名称", True),
        _f("cost_type", "text", "cost type|type|费用类型|类型|费用项目|项目"),
        _f("amount", "number", "amount|金额|费用|费用金额|cost|spend|支出", True),
    ),
)

CRM_SPEND = TableSpec(
    "crm_spend",
    "crm_spend",
    (
        _f("month", "month", "month|月份|月|期间|period|date|日期", True),
        _f("programme", "text", "programme|program|campaign|项目|活动|计划|客户关系项目|crm programme", True),
        _f("amount", "number", "amount|金额|费用|投入|spend|cost|支出", True),
    ),
)

CUSTOMERS = TableSpec(
    "customers",
    "customers",
    (
        _f(
            "customer_id",
            "text",
            "customer id|customer no|客户|客户id|客户编号|客户代码|会员id|会员卡号|社保卡号|用户id|"
            "Customer ID|customer",
            True,
        ),
        _f("acquisition_channel", "text", "acquisition channel|获客渠道|来源渠道|渠道|channel|source|来源"),
        _f("region", "text", "region|区域|地区|销售区域|大区"),
        _f(
            "first_order_date",
            "date",
            "first order date|first purchase date|首次下单日期|首购日期|首次购买日期|注册日期",
        ),
        _f("satisfaction", "number", "satisfaction|满意度|csat|满意度评分|score"),
        _f("churn_reason", "text", "churn reason|流失原因|reason"),
        # issue 15: referral and the profile fields CRM data health measures (kept as written; see validate)
        _f(
            "referred_by",
            "text",
            "referred by|referrer|referrer id|referral|invited by|推荐人|推荐人编号|推荐人id|"
            "推荐客户|推荐者|介绍人|邀请人|推荐会员",
        ),
        _f("name", "text", "name|customer name|full name|contact name|姓名|客户姓名|会员姓名|联系人|联系人姓名"),
        _f(
            "phone",
            "text",
            "phone|mobile|tel|telephone|phone number|mobile phone|cell|手机|手机号|手机号码|电话|"
            "联系电话|联系方式|移动电话",
        ),
        _f("email", "text", "email|e-mail|email address|mail|邮箱|电子邮箱|电子邮件|邮件地址"),
        _f("gender", "text", "gender|sex|性别"),
        _f("birth_date", "date", "birth date|birthday|date of birth|dob|生日|出生日期|出生年月"),
        _f("age", "number", "age|年龄"),
    ),
)

# Budget evidence (migration 010). A weekly spend file without a channel column names the channel
# by its amount column's header, so a wide export (one column per channel) loads one column at a
# time: ``--map amount=tv_S --append``.
WEEKLY_SPEND = TableSpec(
    "weekly_spend",
    "marketing_weekly",
    (
        _f("week", "date", "week|week start|周|周次|周开始|周一|date|日期|期间", True),
        _f("channel", "text", "channel|medium|渠道|媒体|渠道名称|销售渠道"),
        _f("amount", "number", "amount|spend|金额|费用|投入|营销费用|cost|支出", True),
    ),
)

CRM_CONTACTS = TableSpec(
    "crm_contacts",
    "crm_contacts",
    (
        _f("programme", "text", "programme|program|项目|客户关系项目|crm programme", True),
        _f("campaign", "text", "campaign|campaign id|活动|活动编号|批次|波次", True),
        _f("customer_id", "text", "customer id|customer no|客户|客户id|客户编号|会员id|会员卡号|用户id|customer", True),
        _f("contact_date", "date", "contact date|触达日期|发送日期|联系日期|date|日期", True),
        _f("group", "text", "group|组别|分组|holdout|对照|control group|test group|cell", True),
    ),
)

EXPERIMENTS = TableSpec(
    "experiments",
    "experiments",
    (
        _f("lever", "text", "lever|channel|medium|渠道|杠杆|媒体", True),
        _f("start_date", "date", "start|start date|开始|开始日期|起始日期", True),
        _f("end_date", "date", "end|end date|结束|结束日期|截止日期", True),
        _f("spend_change", "number", "spend change|delta spend|test spend|增量投入|投入变化|投入增量", True),
        _f("lift", "number", "lift|measured lift|incremental revenue|增量销售额|提升|增量收入", True),
        _f("std_error", "number", "std error|standard error|se|标准误|标准误差", True),
    ),
)

# The customer's voice, the relationship and the funnel (migration 011, issue 15).
FEEDBACK = TableSpec(
    "feedback",
    "feedback",
    (
        _f(
            "customer_id",
            "text",
            "customer id|customer no|客户|客户id|客户编号|会员id|会员卡号|用户id|买家id|customer",
            True,
        ),
        _f(
            "feedback_date",
            "date",
            "date|feedback date|survey date|response date|answered at|submitted at|日期|"
            "反馈日期|评价日期|回复日期|提交时间|调研日期|评价时间|答卷时间|时间",
            True,
        ),
        _f(
            "score",
            "number",
            "score|rating|nps|nps score|csat|satisfaction|评分|分数|得分|打分|满意度|推荐意愿|推荐度|"
            "推荐得分|星级|评价分",
            True,
        ),
        _f("scale", "text", "scale|survey|survey type|question|量表|问卷|问卷类型|题目|评分范围"),
        _f(
            "comment",
            "text",
            "comment|comments|feedback|verbatim|review|text|评论|评价|评价内容|意见|建议|留言|反馈内容|反馈",
        ),
        _f("channel", "text", "channel|sales channel|渠道|销售渠道|购买渠道|平台|渠道名称"),
    ),
)

INTERACTIONS = TableSpec(
    "interactions",
    "interactions",
    (
        _f("customer_id", "text", "customer id|customer no|客户|客户id|客户编号|会员id|会员卡号|用户id|customer", True),
        _f(
            "contact_date",
            "date",
            "date|contact date|interaction date|activity date|日期|联系日期|互动日期|跟进日期|"
            "跟进时间|拜访日期|沟通日期|时间",
            True,
        ),
        _f(
            "contact_type",
            "text",
            "type|contact type|interaction type|activity type|method|channel|方式|类型|联系方式|"
            "互动方式|跟进方式|跟进类型|沟通方式|活动类型|渠道",
            True,
        ),
        _f(
            "owner",
            "text",
            "owner|rep|sales rep|account manager|assigned to|负责人|跟进人|销售|销售代表|客户经理|业务员|归属人|员工",
        ),
        _f("outcome", "text", "outcome|result|status|结果|跟进结果|沟通结果|状态"),
    ),
)

# One of channel or source is required too (mapping.missing_required).
TRAFFIC = TableSpec(
    "traffic",
    "traffic",
    (
        _f("period", "text", "period|date|month|week|日期|统计日期|统计时间|统计周期|月份|周|时间|期间"),
        _f("channel", "text", "channel|sales channel|store|shop|渠道|销售渠道|店铺|平台|渠道名称"),
        _f("source", "text", "source|traffic source|medium|utm source|流量来源|来源|访客来源|流量渠道|一级来源"),
        _f("source_detail", "text", "source detail|campaign|utm campaign|来源明细|二级来源|流量来源明细"),
        _f(
            "visitors",
            "number",
            "visitors|visits|sessions|uv|users|traffic|访客数|访客|访问人数|独立访客|uv数|浏览人数|"
            "进店人数|进店访客数|客流|客流量|观看人数",
            True,
        ),
        _f("leads", "number", "leads|inquiries|线索|线索数|留资数|咨询人数|询盘|询单人数"),
        _f(
            "conversion_rate",
            "number",
            "conversion rate|conversion|cvr|转化率|支付转化率|成交转化率|下单转化率|购买转化率|支付转化",
        ),
        _f("aov", "number", "aov|average order value|avg order value|客单价|平均客单价|笔单价"),
    ),
)

SPECS: dict[str, TableSpec] = {
    s.kind: s
    for s in (
        ORDERS,
        CHANNEL_COSTS,
        CRM_SPEND,
        CUSTOMERS,
        WEEKLY_SPEND,
        CRM_CONTACTS,
        EXPERIMENTS,
        FEEDBACK,
        INTERACTIONS,
        TRAFFIC,
    )
}

_DROP = re.compile(r"[\W_]+", re.UNICODE)


def normalise_header(header: object) -> str:
    """Fold width and case and drop spaces/punctuation: ``"Order ID"`` → ``"orderid"``."""
    return _DROP.sub("", unicodedata.normalize("NFKC", str(header)).casefold())


def spec(kind: str) -> TableSpec:
    """The spec of a file kind (``orders``, ``channel_costs``, ``crm_spend``, ``customers``, ``weekly_spend``,
    ``crm_contacts``, ``experiments``, ``feedback``, ``interactions``, ``traffic``)."""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(SPECS)}") from None


def auto_map(columns: Iterable[str], kind: str = "orders") -> dict[str, str]:
    """Field → column for every field whose synonym matches a header; each column used once."""
    columns = list(columns)
    normalised = [normalise_header(c) for c in columns]
    used: set[int] = set()
    mapping: dict[str, str] = {}
    for fs in spec(kind).fields:
        wanted = {normalise_header(s) for s in (fs.name, *fs.synonyms)}
        for index, norm in enumerate(normalised):
            if index not in used and norm in wanted:
                mapping[fs.name] = columns[index]
                used.add(index)
                break
    return mapping


def header_key(columns: Iterable[str]) -> str:
    """The memory key of a header set: JSON of its sorted normalised headers."""
    return json.dumps(sorted(normalise_header(c) for c in columns), ensure_ascii=False)


@dataclass(frozen=True)
class Remembered:
    """What was confirmed for a header set: the mapping and the source profile decisions (migration 008).

    ``profile`` is a layout id or ``'none'``; ``chosen`` says the analyst chose it; ``channel`` is the
    channel name the analyst gave (None: the system's own).
    """

    mapping: dict[str, str]
    profile: str = "none"
    chosen: bool = False
    channel: str | None = None


def recall(store: object, columns: Iterable[str], kind: str = "orders") -> Remembered | None:
    """Everything remembered for this exact header set, if anything (the mapping unchecked).

    ``store`` is the warehouse's user-state store (a Warehouse, a Store or an in-memory connection).
    """
    row = store_for(store).recall_mapping(kind, header_key(columns))
    if row is None:
        return None
    return Remembered(json.loads(row["mapping"]), row["profile"] or "none", bool(row["profile_chosen"]), row["channel"])


def valid_mapping(mapping: dict[str, str], columns: Iterable[str], kind: str = "orders") -> dict[str, str]:
    """The part of a mapping that still fits: known fields, columns the table has."""
    valid, present = set(spec(kind).names), set(columns)
    return {f: c for f, c in mapping.items() if f in valid and c in present}


def recall_mapping(con: object, columns: Iterable[str], kind: str = "orders") -> dict[str, str] | None:
    """The mapping last confirmed for this exact header set, if any (and still valid for it)."""
    columns = list(columns)
    remembered = recall(con, columns, kind)
    return None if remembered is None else valid_mapping(remembered.mapping, columns, kind)


def remember_mapping(
    store: object, columns: Iterable[str], mapping: dict[str, str], kind: str = "orders", profile: dict | None = None
) -> None:
    """Store a confirmed mapping in the user-state store (one upsert per header set).

    ``profile`` is ``{"profile", "chosen", "channel"}`` as :class:`Remembered` holds them (default:
    no profile, nothing chosen).
    """
    target = store_for(store)
    who = access.require("mapping.save", store=target)  # analysts and admins (data/access.py)
    decided = {"profile": "none", "chosen": False, "channel": None, **(profile or {})}
    target.remember_mapping(
        kind,
        header_key(columns),
        mapping,
        decided["profile"],
        bool(decided["chosen"]),
        decided["channel"],
        by=who.actor,
    )


@dataclass(frozen=True)
class MappingSuggestion:
    """A proposed mapping for the Data page to show and let the user edit.

    Attributes
    ----------
    mapping : dict[str, str]
        Field → column.
    source : str
        ``'remembered'`` (same headers confirmed before) or ``'auto'`` (synonyms).
    unmapped_columns : list[str]
        File columns no field uses.
    missing_required : list[str]
        Required fields without a column (for orders, ``revenue`` counts as present when
        ``unit_price`` and ``quantity`` are both mapped).
    """

    mapping: dict[str, str]
    source: str
    unmapped_columns: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)


def missing_required(mapping: dict[str, str], kind: str = "orders") -> list[str]:
    missing = [f.name for f in spec(kind).fields if f.required and f.name not in mapping]
    if kind == "orders" and "revenue" not in mapping and not {"unit_price", "quantity"} <= set(mapping):
        missing.append("revenue")
    if kind == "traffic" and not {"channel", "source"} & set(mapping):  # visitors of what: a channel or a source
        missing.append("channel")
    return missing


def suggest_mapping(columns: Iterable[str], kind: str = "orders", con: object = None) -> MappingSuggestion:
    """A remembered mapping for these headers if the warehouse has one, else the auto-match."""
    columns = list(columns)
    remembered = recall_mapping(con, columns, kind) if con is not None else None
    mapping, source = (remembered, "remembered") if remembered else (auto_map(columns, kind), "auto")
    used = set(mapping.values())
    return MappingSuggestion(mapping, source, [c for c in columns if c not in used], missing_required(mapping, kind))
