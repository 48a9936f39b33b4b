"""One small export per source system, in that system's real column layout, encoding and format.

Headers are the ones the profile files cite (``data/ingest/profiles/*.toml``); cells not given in a
row are empty (``-`` where the system writes that). Each fixture carries its totals worked out by
hand in the comment above it: rows loaded, orders, customers, revenue net of refunds and the rows
excluded per reason. ``write(fixture, folder)`` puts the file on disk as the system would.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Export:
    name: str
    filename: str
    header: list[str]
    rows: list[dict[str, str | float]]
    expected: dict
    encoding: str = "utf-8"  # "gbk", "utf-8-sig" (BOM), "utf-8"; ignored for xlsx
    empty: str = ""  # what the system writes in an empty cell
    quote_all: bool = False
    title: str | None = None  # xlsx: a title row above the header
    footer: list[str] = field(default_factory=list)  # csv: lines after the table


def _csv(export: Export) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out,
        lineterminator="\n" if export.quote_all else "\r\n",
        quoting=csv.QUOTE_ALL if export.quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow(export.header)
    for row in export.rows:
        writer.writerow([row.get(h, export.empty) for h in export.header])
    for line in export.footer:
        out.write(line + "\n")
    return out.getvalue().encode(export.encoding)


def _xlsx(export: Export) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    top = 0
    if export.title:
        sheet.write(0, 0, export.title)
        top = 2
    sheet.write_row(top, 0, export.header)
    for r, row in enumerate(export.rows, start=top + 1):
        for c, h in enumerate(export.header):
            value = row.get(h)
            if value is not None and value != "":
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def content(export: Export) -> bytes:
    return _xlsx(export) if export.filename.endswith(".xlsx") else _csv(export)


def write(export: Export, folder: Path) -> Path:
    path = folder / export.filename
    path.write_bytes(content(export))
    return path


# ── 淘宝/天猫 classic 订单报表, GBK, the 44 columns with their trailing spaces ─────────────────────
TAOBAO_HEADER = (
    "订单编号,买家会员名,买家支付宝账号,支付交易号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,"
    "买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,"
    "宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,"
    "分阶段订单信息,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,买家姓名,买家身份证号,"
    "买家手机号"
).split(",")


def _tb(
    order: str, buyer: str, paid: str, postage: str, status: str, address: str, created: str, title: str, quantity: int
) -> dict:
    return {
        "订单编号": order,
        "买家会员名": buyer,
        "买家应付邮费": postage,
        "买家实际支付金额": paid,
        "订单状态": status,
        "收货人姓名": "李**",
        "收货地址 ": address,
        "联系手机": "138****1234",
        "订单创建时间": created,
        "订单付款时间 ": created,
        "宝贝标题 ": title,
        "宝贝总数量": quantity,
        "店铺名称": "某某旗舰店",
    }


# Sales: 1001 (105 − 10 postage = 95), 1002 (200), 1003 (59.90), 1006 (1299) → 4 rows, 4 orders,
# customers tb_alice, tb_bob, tb_erin = 3; revenue 95 + 200 + 59.90 + 1299 = 1653.90.
# Excluded: 1004 等待买家付款 (unpaid 1), 1005 交易关闭 (cancelled 1). 1001's id is written ="…".
TAOBAO = Export(
    "taobao",
    "ExportOrderList202403.csv",
    TAOBAO_HEADER,
    [
        _tb(
            '="1843000000000001001"',
            "tb_alice",
            "105.00",
            "10.00",
            "交易成功",
            "江苏省 南京市 建邺区 沙洲街道****",
            "2024-03-01 10:00:00",
            "羊毛围巾",
            1,
        ),
        _tb(
            "1843000000000001002",
            "tb_bob",
            "200.00",
            "0.00",
            "卖家已发货，等待买家确认",
            "浙江省 杭州市 西湖区 ***",
            "2024-03-02 11:30:00",
            "羊毛围巾,手套",
            3,
        ),
        _tb(
            "1843000000000001003",
            "tb_alice",
            "59.90",
            "0.00",
            "买家已付款,等待卖家发货",
            "上海 上海市 浦东新区 ***",
            "2024-03-05 09:15:00",
            "手套",
            1,
        ),
        _tb(
            "1843000000000001004",
            "tb_carol",
            "0.00",
            "0.00",
            "等待买家付款",
            "广东省 广州市 天河区 ***",
            "2024-03-06 20:00:00",
            "帽子",
            1,
        ),
        _tb(
            "1843000000000001005",
            "tb_dan",
            "88.00",
            "0.00",
            "交易关闭",
            "四川省 成都市 武侯区 ***",
            "2024-03-07 08:00:00",
            "帽子",
            1,
        ),
        _tb(
            "1843000000000001006",
            "tb_erin",
            "1299.00",
            "0.00",
            "交易成功",
            "北京 北京市 朝阳区 ***",
            "2024-03-08 16:45:00",
            "羊绒大衣",
            1,
        ),
    ],
    {
        "profile": "taobao",
        "rows": 4,
        "orders": 4,
        "customers": 3,
        "revenue": 1653.90,
        "excluded": {"unpaid": 1, "cancelled": 1},
        "channels": {"天猫"},
        "regions": {"华东", "华北"},
    },
    encoding="gbk",
)

# ── 京东 订单导出, GBK, one row per SKU with the order's money repeated ────────────────────────────
JD_HEADER = (
    "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,"
    "下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级（等级1-5为由高到低）,"
    "运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道"
).split(",")


def _jd(
    order: str,
    sku: str,
    name: str,
    qty: int,
    price: str,
    gross: str,
    settled: str,
    freight: str,
    status: str,
    account: str,
    address: str,
    when: str,
    note: str = "",
) -> dict:
    return {
        "订单号": order,
        "商品ID": sku,
        "商品名称": name,
        "订购数量": qty,
        "支付方式": "在线支付",
        "下单时间": when,
        "京东价": price,
        "订单金额": gross,
        "结算金额": settled,
        "余额支付": "0.00",
        "应付金额": settled,
        "订单状态": status,
        "订单类型": "销售订单",
        "下单帐号": account,
        "客户姓名": "王**",
        "客户地址": address,
        "联系电话": "137****1772",
        "商家备注": note,
        "运费金额": freight,
        "订单来源": "移动端订单",
        "订单渠道": "暂无来源",
    }


# Sales: J1 two SKUs (2 × 100 and 1 × 100), 结算金额 290 repeated on both rows, freight 10 → order revenue
# 280 counted once (186.67 + 93.33); J2 700; J4 (a child of the split J3) 450 → 4 rows, 3 orders,
# customers jd_wang, jd_li, jd_zhao = 3; revenue 280 + 700 + 450 = 1430.
# Excluded: J3 (删除)等待出库 (split_parent 1), J5 已取消 (cancelled 1), J6 等待付款 (unpaid 1).
JD = Export(
    "jd",
    "19453840.csv",
    JD_HEADER,
    [
        _jd(
            "11729384001",
            "1953814331",
            "水晶项链",
            2,
            "100.00",
            "310.00",
            "290.00",
            "10.00",
            "完成",
            "jd_wang",
            "江苏南京市鼓楼区中山路1号",
            "2024-01-05 10:00:00",
        ),
        _jd(
            "11729384001",
            "1953814332",
            "珍珠耳钉",
            1,
            "100.00",
            "310.00",
            "290.00",
            "10.00",
            "完成",
            "jd_wang",
            "江苏南京市鼓楼区中山路1号",
            "2024-01-05 10:00:00",
        ),
        _jd(
            "11729384002",
            "1953814333",
            "银手镯",
            1,
            "758.00",
            "758.00",
            "700.00",
            "0.00",
            "等待确认收货",
            "jd_li",
            "广东省深圳市南山区科技园",
            "2024-01-06 12:00:00",
        ),
        _jd(
            "11729384003",
            "1953814334",
            "套装",
            1,
            "500.00",
            "1097.00",
            "932.45",
            "0.00",
            "(删除)等待出库",
            "jd_zhao",
            "北京朝阳区建国路",
            "2024-01-07 09:00:00",
            "订单拆分为  11729384004    11729384005",
        ),
        _jd(
            "11729384004",
            "1953814335",
            "套装-项链",
            1,
            "500.00",
            "500.00",
            "450.00",
            "0.00",
            "等待出库",
            "jd_zhao",
            "北京朝阳区建国路",
            "2024-01-07 09:00:00",
        ),
        _jd(
            "11729384005",
            "1953814336",
            "套装-耳钉",
            1,
            "597.00",
            "597.00",
            "482.45",
            "0.00",
            "已取消",
            "jd_zhao",
            "北京朝阳区建国路",
            "2024-01-07 09:00:00",
        ),
        _jd(
            "11729384006",
            "1953814331",
            "水晶项链",
            1,
            "100.00",
            "100.00",
            "100.00",
            "0.00",
            "等待付款",
            "jd_qian",
            "河北省石家庄市",
            "2024-01-08 18:00:00",
        ),
    ],
    {
        "profile": "jd",
        "rows": 4,
        "orders": 3,
        "customers": 3,
        "revenue": 1430.00,
        "excluded": {"split_parent": 1, "cancelled": 1, "unpaid": 1},
        "channels": {"京东"},
        "regions": {"华东", "华南", "华北"},
    },
    encoding="gbk",
)

# ── 抖店 订单导出, UTF-8 with BOM, ids "\t…", empty cells "-" ───────────────────────────────────────
DOUYIN_HEADER = (
    "主订单编号,子订单编号,选购商品,商品规格,商品数量,商品ID,商家编码,商品单价,订单应付金额,运费,优惠总金额,平台优惠,商家优惠,"
    "达人优惠,商家改价,支付优惠,红包抵扣,手续费,支付方式,收件人,收件人手机号,省,市,区,街道,详细地址,是否修改过地址,买家留言,"
    "订单提交时间,旗帜颜色,商家备注,订单完成时间,支付完成时间,APP渠道,流量来源,订单状态,承诺发货时间,订单类型,鲁班落地页ID,达人ID,"
    "达人昵称,所属门店ID,售后状态,取消原因,预约发货时间,仓库ID,仓库名称"
).split(",")


def _dy(
    main: str,
    sub: str,
    item: str,
    qty: int,
    price: str,
    paid: str,
    freight: str,
    province: str,
    when: str,
    status: str,
    after_sale: str = "-",
    cancel: str = "-",
) -> dict:
    return {
        "主订单编号": "\t" + main,
        "子订单编号": "\t" + sub,
        "选购商品": "\t" + item,
        "商品数量": qty,
        "商品单价": price,
        "订单应付金额": paid,
        "运费": freight,
        "支付方式": "抖音支付",
        "收件人": "##密文",
        "收件人手机号": "$$密文",
        "省": province,
        "详细地址": "##密文",
        "订单提交时间": when,
        "APP渠道": "抖音",
        "订单状态": status,
        "售后状态": after_sale,
        "取消原因": cancel,
    }


# Sales: D1 = 辣丝丝 2 × 14.45 paid 28.90 plus a gift sub-order paid 0.00; D2 = two sub-orders paid 50 and
# 30 with the order's postage 6 on both rows (counted once: 3.75 and 2.25) → 4 rows, 2 orders; no
# buyer id (recipients are encrypted) → customers unavailable; revenue 28.90 + 0 + 50 + 30 − 6 = 102.90.
# Excluded: D3 已关闭 (cancelled 1), D4 售后 退款成功 (refunded 1), D5 待支付 (unpaid 1).
DOUYIN = Export(
    "douyin",
    "1791213782_3edeb47b86bdb5b9.csv",
    DOUYIN_HEADER,
    [
        _dy(
            "6917926768823643751",
            "6917926768823643751",
            "辣丝丝",
            2,
            "14.45",
            "28.90",
            "0.00",
            "四川省",
            "2024-05-01 10:00:00",
            "已完成",
        ),
        _dy(
            "6917926768823643751",
            "6917926768823643760",
            "赠品小样",
            1,
            "0.00",
            "0.00",
            "0.00",
            "四川省",
            "2024-05-01 10:00:00",
            "已完成",
        ),
        _dy(
            "6917926768823643752",
            "6917926768823643753",
            "麻辣牛肉",
            1,
            "56.00",
            "50.00",
            "6.00",
            "广东省",
            "2024-05-02 11:00:00",
            "已发货",
        ),
        _dy(
            "6917926768823643752",
            "6917926768823643754",
            "牛肉干",
            2,
            "18.00",
            "30.00",
            "6.00",
            "广东省",
            "2024-05-02 11:00:00",
            "已发货",
        ),
        _dy(
            "6917926768823643755",
            "6917926768823643755",
            "辣丝丝",
            1,
            "14.45",
            "14.45",
            "0.00",
            "湖南省",
            "2024-05-03 12:00:00",
            "已关闭",
            cancel="买家取消",
        ),
        _dy(
            "6917926768823643756",
            "6917926768823643756",
            "辣丝丝",
            1,
            "14.45",
            "14.45",
            "0.00",
            "湖北省",
            "2024-05-04 13:00:00",
            "已完成",
            after_sale="退款成功",
        ),
        _dy(
            "6917926768823643757",
            "6917926768823643757",
            "辣丝丝",
            1,
            "14.45",
            "14.45",
            "0.00",
            "江西省",
            "2024-05-05 14:00:00",
            "待支付",
        ),
    ],
    {
        "profile": "douyin",
        "rows": 4,
        "orders": 2,
        "customers": None,
        "revenue": 102.90,
        "excluded": {"cancelled": 1, "refunded": 1, "unpaid": 1},
        "channels": {"抖音"},
        "regions": {"西南", "华南"},
    },
    encoding="utf-8-sig",
    empty="-",
)

# ── 拼多多 订单导出, UTF-8 with BOM, the full current layout ──────────────────────────────────────────
PDD_HEADER = (
    "商品,订单号,订单状态,商品数量(件),是否审核中,支付时间,承诺发货时间,承诺送达时间,发货时间,确认收货时间,商品id,商品规格,样式ID,"
    "商品一级类目,商品二级类目,商品三级类目,商品四级类目,商家编码-规格维度,商家编码-商品维度,商家备注,买家留言,售后状态,消费者资料,"
    "订单成交时间,消费者资料上传时间,赠品名称,赠品id,赠品规格,赠品数量,团ID,团身份,是否已开始配送,配送员是否已送达,配送状态,"
    "同城是否普通快递,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),上门安装费(元),送货入户费(元),"
    "送货入户并安装费(元),用户实付金额(元),商家实收金额(元),快递单号,快递公司,省,市,区,街道/镇,配送员手机号,是否抽奖或0元试用,"
    "是否顺丰加价,用户购买手机号,旅行类信息,充值号码,是否门店自提,门店名称,门店自定义编码,关联货品编码,货品名称,货品类型,子货品,"
    "仓库名称,仓库所在地址,海淘清关订单号,支付ID,支付方式,保税仓,是否直播间成交,是否直播间引导成交,预约配送时间,是否节能补贴,是否分期,"
    "分期期数,手续费承担方,是否无痕发货,订单来源,是否社区团购,小区送达情况,分期方式"
).split(",")


def _pdd(
    order: str,
    item: str,
    status: str,
    qty: int,
    paid_at: str,
    listed: str,
    postage: str,
    received: str,
    province: str,
    after_sale: str = "无售后或售后取消",
) -> dict:
    return {
        "商品": item,
        "订单号": order,
        "订单状态": status,
        "商品数量(件)": qty,
        "支付时间": paid_at,
        "订单成交时间": paid_at,
        "商品一级类目": "日用百货",
        "售后状态": after_sale,
        "商品总价(元)": listed,
        "邮费(元)": postage,
        "店铺优惠折扣(元)": "5.00",
        "平台优惠折扣(元)": "3.00",
        "用户实付金额(元)": received,
        "商家实收金额(元)": received,
        "省": province,
        "用户购买手机号": "138****0000",
        "支付方式": "微信",
    }


# Sales: P1 34.90; P2 99.00 (written "99.00\t") − postage 5 = 94.00; P3 20.00 → 3 rows, 3 orders; no buyer
# id → customers unavailable; revenue 34.90 + 94.00 + 20.00 = 148.90.
# Excluded: P4 已取消 (cancelled 1), P5 售后 退款成功 and P7 "未发货，退款成功" (refunded 2), P6 待付款 (unpaid 1).
PDD = Export(
    "pdd",
    "orders_export20240301.csv",
    PDD_HEADER,
    [
        _pdd(
            "240301-111111111111111",
            "抽纸 10 包",
            "已签收",
            1,
            "2024-03-01 12:00:00",
            "39.90",
            "0.00",
            "34.90",
            "河南省",
        ),
        _pdd(
            "240302-222222222222222",
            "洗衣液 2 瓶",
            "已发货，待收货",
            2,
            "2024-03-02 08:30:00",
            "107.00",
            "5.00",
            "99.00\t",
            "湖北省",
        ),
        _pdd("240303-333333333333333", "牙刷", "待发货", 4, "2024-03-03 21:10:00", "28.00", "0.00", "20.00", "湖南省"),
        _pdd("240304-444444444444444", "牙刷", "已取消", 1, "2024-03-04 10:00:00", "7.00", "0.00", "7.00", "河南省"),
        _pdd(
            "240305-555555555555555",
            "抽纸 10 包",
            "已签收",
            1,
            "2024-03-05 10:00:00",
            "39.90",
            "0.00",
            "34.90",
            "河南省",
            "退款成功",
        ),
        _pdd("240306-666666666666666", "牙刷", "待付款", 1, "", "7.00", "0.00", "7.00", "湖南省"),
        _pdd(
            "240307-777777777777777",
            "牙刷",
            "未发货，退款成功",
            1,
            "2024-03-07 10:00:00",
            "7.00",
            "0.00",
            "7.00",
            "湖南省",
            "退款成功",
        ),
    ],
    {
        "profile": "pdd",
        "rows": 3,
        "orders": 3,
        "customers": None,
        "revenue": 148.90,
        "excluded": {"cancelled": 1, "refunded": 2, "unpaid": 1},
        "channels": {"拼多多"},
        "regions": {"华中"},
    },
    encoding="utf-8-sig",
)

# ── Shopify orders_export.csv, UTF-8, order fields on an order's first line only ─────────────────────
SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,"
    "Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,"
    "Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,"
    "Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,"
    "Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,"
    "Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,"
    "Payment References"
).split(",")


def _sh_order(
    name: str,
    email: str,
    status: str,
    subtotal: str,
    shipping: str,
    taxes: str,
    total: str,
    created: str,
    province: str,
    refunded: str = "0.00",
    cancelled: str = "",
    discount: str = "0.00",
) -> dict:
    return {
        "Name": name,
        "Email": email,
        "Financial Status": status,
        "Paid at": created,
        "Currency": "USD",
        "Subtotal": subtotal,
        "Shipping": shipping,
        "Taxes": taxes,
        "Total": total,
        "Discount Amount": discount,
        "Created at": created,
        "Shipping Province": province,
        "Shipping Country": "US",
        "Cancelled at": cancelled,
        "Payment Method": "Shopify Payments",
        "Refunded Amount": refunded,
        "Id": name.strip("#") + "0001",
        "Risk Level": "Low",
        "Source": "web",
        "Shipping Province Name": {"CA": "California", "NY": "New York"}[province],
    }


def _sh_line(name: str, qty: int, item: str, price: str, first: dict | None = None) -> dict:
    return {
        **(first or {}),
        "Name": name,
        "Lineitem quantity": qty,
        "Lineitem name": item,
        "Lineitem price": price,
        "Lineitem sku": item.upper()[:3],
        "Lineitem requires shipping": "true",
        "Lineitem taxable": "true",
        "Lineitem fulfillment status": "pending",
        "Lineitem discount": "0.00",
    }


# Sales: #1001 Subtotal 45 (2 × 20 + 1 × 10 less a 5 discount) spread 40:10 → 36 + 9; #1002 100 with 30
# refunded (partially_refunded); #1003 Subtotal 50 over 1 × 15, 1 × 15, 2 × 10 → 6 rows, 3 orders,
# customers jane@example.com (written Jane@Example.com once) and bob@example.com = 2;
# revenue 45 + 100 + 50 − 30 refunded = 165.
# Excluded (order fields filled down to every line first): #1004 pending, 2 lines (unpaid 2), #1005
# refunded (refunded 1), #1006 voided and cancelled (cancelled 1).
SHOPIFY = Export(
    "shopify",
    "orders_export_1.csv",
    SHOPIFY_HEADER,
    [
        _sh_line(
            "#1001",
            2,
            "Wool scarf",
            "20.00",
            _sh_order(
                "#1001",
                "Jane@Example.com",
                "paid",
                "45.00",
                "5.00",
                "4.50",
                "54.50",
                "2024-04-01 09:50:26 +0200",
                "CA",
                discount="5.00",
            ),
        ),
        _sh_line("#1001", 1, "Gloves", "10.00"),
        _sh_line(
            "#1002",
            1,
            "Wool coat",
            "100.00",
            _sh_order(
                "#1002",
                "bob@example.com",
                "partially_refunded",
                "100.00",
                "0.00",
                "0.00",
                "100.00",
                "2024-04-02 10:00:00 +0200",
                "NY",
                refunded="30.00",
            ),
        ),
        _sh_line(
            "#1003",
            1,
            "Hat",
            "15.00",
            _sh_order(
                "#1003", "jane@example.com", "paid", "50.00", "0.00", "0.00", "50.00", "2024-04-03 11:00:00 +0200", "CA"
            ),
        ),
        _sh_line("#1003", 1, "Beanie", "15.00"),
        _sh_line("#1003", 2, "Socks", "10.00"),
        _sh_line(
            "#1004",
            1,
            "Hat",
            "15.00",
            _sh_order(
                "#1004",
                "carl@example.com",
                "pending",
                "25.00",
                "0.00",
                "0.00",
                "25.00",
                "2024-04-04 12:00:00 +0200",
                "NY",
            ),
        ),
        _sh_line("#1004", 1, "Socks", "10.00"),
        _sh_line(
            "#1005",
            1,
            "Hat",
            "15.00",
            _sh_order(
                "#1005",
                "dora@example.com",
                "refunded",
                "15.00",
                "0.00",
                "0.00",
                "15.00",
                "2024-04-05 12:00:00 +0200",
                "CA",
                refunded="15.00",
            ),
        ),
        _sh_line(
            "#1006",
            1,
            "Gloves",
            "10.00",
            _sh_order(
                "#1006",
                "erik@example.com",
                "voided",
                "10.00",
                "0.00",
                "0.00",
                "10.00",
                "2024-04-06 12:00:00 +0200",
                "NY",
                cancelled="2024-04-06 13:00:00 +0200",
            ),
        ),
    ],
    {
        "profile": "shopify",
        "rows": 6,
        "orders": 3,
        "customers": 2,
        "revenue": 165.00,
        "refund": 30.00,
        "excluded": {"unpaid": 2, "refunded": 1, "cancelled": 1},
        "channels": {"Shopify"},
        "regions": {"US"},
    },
)

# ── 金蝶云星空 销售订单列表 引出, xlsx; an order's header cells blank on its later lines ──────────────
KINGDEE_HEADER = (
    "单据编号,日期,单据类型,业务类型,销售组织,客户,销售部门,销售员,单据状态,关闭状态,作废状态,物料编码,物料名称,"
    "规格型号,销售单位,销售数量,单价,含税单价,税率(%),税额,金额,价税合计,要货日期,备注"
).split(",")


def _kd(
    bill: str,
    date: str,
    customer: str,
    status: str,
    code: str,
    name: str,
    qty: float,
    tax_price: float,
    total: float,
    *,
    closed: str = "正常",
    voided: str = "未作废",
) -> dict:
    head = (
        {
            "单据编号": bill,
            "日期": date,
            "单据类型": "标准销售订单",
            "业务类型": "普通销售",
            "销售组织": "总公司",
            "客户": customer,
            "销售部门": "销售一部",
            "销售员": "张伟",
            "单据状态": status,
            "关闭状态": closed,
            "作废状态": voided,
        }
        if bill
        else {}
    )
    return {
        **head,
        "物料编码": code,
        "物料名称": name,
        "销售单位": "件",
        "销售数量": qty,
        "单价": round(tax_price / 1.13, 2),
        "含税单价": tax_price,
        "税率(%)": 13,
        "价税合计": total,
    }


# Sales (已审核, not voided; a closed order still counts): XSDD001 two lines 1130 + 282.50 (the second line's
# header cells blank), XSDD002 2260 (关闭状态 已关闭), XSDD006 99 → 4 rows, 3 orders, customers 华东贸易有限公司
# and 南方电子有限公司 = 2; revenue 1130 + 282.50 + 2260 + 99 = 3771.50.
# Excluded: XSDD003 创建 and XSDD005 审核中 on two lines (unaudited 3), XSDD004 已作废 (voided 1).
KINGDEE = Export(
    "kingdee",
    "销售订单列表.xlsx",
    KINGDEE_HEADER,
    [
        _kd("XSDD001", "2024-06-03", "华东贸易有限公司", "已审核", "A-100", "不锈钢保温杯", 10, 113.0, 1130.0),
        _kd("", "", "", "", "B-200", "杯套", 5, 56.5, 282.5),
        _kd(
            "XSDD002",
            "2024-06-10",
            "南方电子有限公司",
            "已审核",
            "C-300",
            "电热水壶",
            2,
            1130.0,
            2260.0,
            closed="已关闭",
        ),
        _kd("XSDD003", "2024-06-12", "南方电子有限公司", "创建", "C-300", "电热水壶", 1, 1130.0, 1130.0),
        _kd(
            "XSDD004",
            "2024-06-15",
            "华东贸易有限公司",
            "已审核",
            "A-100",
            "不锈钢保温杯",
            3,
            113.0,
            339.0,
            voided="已作废",
        ),
        _kd("XSDD005", "2024-06-20", "北方百货", "审核中", "A-100", "不锈钢保温杯", 1, 113.0, 113.0),
        _kd("", "", "", "", "B-200", "杯套", 1, 56.5, 56.5),
        _kd("XSDD006", "2024-07-01", "华东贸易有限公司", "已审核", "B-200", "杯套", 2, 49.5, 99.0),
    ],
    {
        "profile": "kingdee",
        "rows": 4,
        "orders": 3,
        "customers": 2,
        "revenue": 3771.50,
        "excluded": {"unaudited": 3, "voided": 1},
        "channels": {"金蝶云星空"},
        "regions": None,
    },
)

# ── 用友 U8 销售发票列表 输出, with its title row, thousands separators and a 合计 row (xlsx) ─────────
U8_HEADER = (
    "发票号,开票日期,发票类型,业务类型,销售类型,客户简称,销售部门,业务员,存货编码,存货名称,规格型号,数量,无税单价,"
    "含税单价,无税金额,税额,价税合计,税率(%),币种,制单人,审核人"
).split(",")


def _u8(
    invoice: str, date: str, customer: str, code: str, name: str, qty: float, tax_price: str, total: str, verifier: str
) -> dict:
    return {
        "发票号": invoice,
        "开票日期": date,
        "发票类型": "专用发票",
        "业务类型": "普通销售",
        "销售类型": "批发",
        "客户简称": customer,
        "销售部门": "销售部",
        "业务员": "李强",
        "存货编码": code,
        "存货名称": name,
        "数量": qty,
        "含税单价": tax_price,
        "价税合计": total,
        "税率(%)": 13,
        "币种": "人民币",
        "制单人": "王芳",
        "审核人": verifier,
    }


# Sales (审核人 set): FP0001 two lines 5,650.00 + 1,130.00, FP0002 565.00, FP0004 a red invoice −5 × 56.50 =
# −282.50 (a return) → 4 rows, 3 orders, customers 新华书店 and 博库 = 2;
# revenue 5650 + 1130 + 565 − 282.50 = 7062.50.
# Excluded: FP0003 without 审核人 (unaudited 1), the 合计 row (totals_row 1).
U8 = Export(
    "yonyou",
    "销售发票列表.xlsx",
    U8_HEADER,
    [
        _u8("FP0001", "2024-02-01", "新华书店", "BK-001", "图书甲", 100, "56.50", "5,650.00", "张三"),
        _u8("FP0001", "2024-02-01", "新华书店", "BK-002", "图书乙", 50, "22.60", "1,130.00", "张三"),
        _u8("FP0002", "2024-02-15", "博库", "BK-001", "图书甲", 10, "56.50", "565.00", "张三"),
        _u8("FP0003", "2024-02-18", "新华书店", "BK-003", "图书丙", 4, "56.50", "226.00", ""),
        _u8("FP0004", "2024-02-20", "新华书店", "BK-001", "图书甲", -5, "56.50", "-282.50", "张三"),
        {"发票号": "合计", "数量": 159, "价税合计": "7,288.50"},
    ],
    {
        "profile": "yonyou.u8",
        "rows": 4,
        "orders": 3,
        "customers": 2,
        "revenue": 7062.50,
        "excluded": {"unaudited": 1, "totals_row": 1},
        "channels": {"用友"},
        "regions": None,
    },
    title="销售发票列表",
)

# ── 简道云 CRM 合同 数据导出 (xlsx) ──────────────────────────────────────────────────────────────────
JIANDAOYUN_HEADER = (
    "合同编号,合同名称,客户名称,关联商机,签订日期,合同开始日期,合同结束日期,合同金额,已回款金额,未回款金额,"
    "合同状态,负责人,客户来源,备注,提交人,提交时间,更新时间"
).split(",")


def _jdy(number: str, customer: str, signed: str, amount: float, status: str, source: str) -> dict:
    return {
        "合同编号": number,
        "合同名称": f"{customer}年度采购合同",
        "客户名称": customer,
        "签订日期": signed,
        "合同开始日期": signed,
        "合同金额": amount,
        "已回款金额": 0,
        "未回款金额": amount,
        "合同状态": status,
        "负责人": "赵敏",
        "客户来源": source,
        "提交人": "赵敏",
        "提交时间": signed + " 09:00:00",
        "更新时间": signed + " 09:00:00",
    }


# Sales (执行中, 已完成): HT-001 120,000 (展会), HT-002 80,000 (no 客户来源 → 简道云), HT-005 45,000 (官网)
# → 3 rows, 3 orders, customers 甲公司, 乙公司, 丙公司 = 3; revenue 245,000.
# Excluded: HT-003 已作废 (voided 1), HT-004 审批中 (not_approved 1).
JIANDAOYUN = Export(
    "jiandaoyun",
    "合同.xlsx",
    JIANDAOYUN_HEADER,
    [
        _jdy("HT-001", "甲公司", "2024-01-10", 120000, "执行中", "展会"),
        _jdy("HT-002", "乙公司", "2024-02-01", 80000, "已完成", ""),
        _jdy("HT-003", "甲公司", "2024-03-05", 50000, "已作废", "展会"),
        _jdy("HT-004", "丙公司", "2024-03-20", 30000, "审批中", "官网"),
        _jdy("HT-005", "丙公司", "2024-04-02", 45000, "执行中", "官网"),
    ],
    {
        "profile": "jiandaoyun",
        "rows": 3,
        "orders": 3,
        "customers": 3,
        "revenue": 245000.00,
        "excluded": {"voided": 1, "not_approved": 1},
        "channels": {"展会", "简道云", "官网"},
        "regions": None,
    },
)

# ── Salesforce opportunity report, Details Only CSV: quoted, LF, m/d/yyyy, "USD …", footer lines ──────
SF_REPORT_HEADER = [
    "Opportunity Owner",
    "Account Name",
    "Opportunity Name",
    "Stage",
    "Fiscal Period",
    "Amount",
    "Probability (%)",
    "Age",
    "Close Date",
    "Created Date",
    "Next Step",
    "Lead Source",
    "Type",
]


def _sf(account: str, name: str, stage: str, amount: str, close: str, source: str, kind: str = "New Business") -> dict:
    return {
        "Opportunity Owner": "Ann Lee",
        "Account Name": account,
        "Opportunity Name": name,
        "Stage": stage,
        "Fiscal Period": "Q1-2024",
        "Amount": amount,
        "Probability (%)": "100%" if stage == "Closed Won" else "20%",
        "Age": "30",
        "Close Date": close,
        "Created Date": "1/2/2024",
        "Lead Source": source,
        "Type": kind,
    }


# Sales (Closed Won): Acme 64,237.68 and 8,500.50, Globex 12,000.00 → 3 rows, 3 orders (one per opportunity;
# the report has no id column), customers Acme Corp and Globex = 2; revenue 84,738.18.
# Excluded: Initech Closed Lost (lost 1), Umbrella and Hooli open stages (open 2). The footer lines
# are not rows.
SALESFORCE_REPORT = Export(
    "salesforce.report",
    "report1709251234567.csv",
    SF_REPORT_HEADER,
    [
        _sf("Acme Corp", "Acme - 200 Widgets", "Closed Won", "USD 64,237.68", "3/15/2024", "Web"),
        _sf(
            "Globex",
            "Globex - Renewal",
            "Closed Won",
            "USD 12,000.00",
            "4/2/2024",
            "Partner Referral",
            "Existing Business",
        ),
        _sf("Acme Corp", "Acme - Add-on", "Closed Won", "USD 8,500.50", "5/20/2024", "Web", "Existing Business"),
        _sf("Initech", "Initech - Pilot", "Closed Lost", "USD 30,000.00", "5/1/2024", "Trade Show"),
        _sf("Umbrella", "Umbrella - Expansion", "Negotiation/Review", "USD 45,000.00", "6/30/2024", "Web"),
        _sf("Hooli", "Hooli - New", "Prospecting", "USD 5,000.00", "7/15/2024", "Cold Call"),
    ],
    {
        "profile": "salesforce.report",
        "rows": 3,
        "orders": 3,
        "customers": 2,
        "revenue": 84738.18,
        "excluded": {"lost": 1, "open": 2},
        "channels": {"Web", "Partner Referral"},
        "regions": None,
    },
    quote_all=True,
    footer=[
        "",
        '"Opportunities by Stage"',
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."',
        '"Confidential Information - Do Not Distribute"',
        '"Generated By:  Ann Lee  4/1/2024 9:15 AM"',
        '"Acme Holdings, Inc."',
    ],
)

# ── Salesforce Data Export Opportunity.csv: API names, ISO dates, true/false ──────────────────────────
SF_EXPORT_HEADER = (
    "Id,IsDeleted,AccountId,IsPrivate,Name,Description,StageName,Amount,Probability,ExpectedRevenue,"
    "TotalOpportunityQuantity,CloseDate,Type,NextStep,LeadSource,IsClosed,IsWon,ForecastCategory,"
    "ForecastCategoryName,CampaignId,HasOpportunityLineItem,Pricebook2Id,OwnerId,CreatedDate,CreatedById,"
    "LastModifiedDate,LastModifiedById,SystemModstamp,LastActivityDate,FiscalQuarter,FiscalYear,"
    "Fiscal"
).split(",")


def _sfx(
    oid: str,
    account: str,
    stage: str,
    amount: str,
    close: str,
    source: str,
    closed: str,
    won: str,
    deleted: str = "false",
    qty: str = "",
) -> dict:
    return {
        "Id": oid,
        "IsDeleted": deleted,
        "AccountId": account,
        "IsPrivate": "false",
        "Name": f"Deal {oid[-3:]}",
        "StageName": stage,
        "Amount": amount,
        "TotalOpportunityQuantity": qty,
        "CloseDate": close,
        "Type": "New Business",
        "LeadSource": source,
        "IsClosed": closed,
        "IsWon": won,
        "OwnerId": "005000000000001AAA",
        "CreatedDate": "2024-01-02T08:00:00.000Z",
        "FiscalYear": "2024",
    }


# Sales (IsWon true, whatever the custom stage is called): 006…A 10,000, 006…C 2,500.50 (no LeadSource →
# Salesforce), 006…F 7,000 → 3 rows, 3 orders, customers 001…X and 001…Y = 2; revenue 19,500.50.
# Excluded: a custom lost stage with IsClosed true (lost 1), Prospecting (open 1), IsDeleted (deleted 1).
SALESFORCE_EXPORT = Export(
    "salesforce.export",
    "Opportunity.csv",
    SF_EXPORT_HEADER,
    [
        _sfx(
            "0065g00000AbCdEAAA",
            "0015g00000XxXxXAAX",
            "Closed Won - Signed",
            "10000",
            "2024-01-31",
            "Web",
            "true",
            "true",
            qty="10",
        ),
        _sfx(
            "0065g00000AbCdEAAB",
            "0015g00000XxXxXAAY",
            "Lost to competitor",
            "4000",
            "2024-02-10",
            "Web",
            "true",
            "false",
        ),
        _sfx(
            "0065g00000AbCdEAAC",
            "0015g00000XxXxXAAY",
            "Closed Won - Signed",
            "2500.5",
            "2024-02-29",
            "",
            "true",
            "true",
        ),
        _sfx("0065g00000AbCdEAAD", "0015g00000XxXxXAAX", "Prospecting", "9000", "2024-06-30", "Web", "false", "false"),
        _sfx(
            "0065g00000AbCdEAAE",
            "0015g00000XxXxXAAX",
            "Closed Won - Signed",
            "1000",
            "2024-03-01",
            "Web",
            "true",
            "true",
            deleted="true",
        ),
        _sfx(
            "0065g00000AbCdEAAF",
            "0015g00000XxXxXAAX",
            "Closed Won - Signed",
            "7000",
            "2024-03-15",
            "Phone Inquiry",
            "true",
            "true",
        ),
    ],
    {
        "profile": "salesforce.export",
        "rows": 3,
        "orders": 3,
        "customers": 2,
        "revenue": 19500.50,
        "excluded": {"lost": 1, "open": 1, "deleted": 1},
        "channels": {"Web", "Salesforce", "Phone Inquiry"},
        "regions": None,
    },
)

# ── HubSpot deals export, CSV UTF-8 with BOM ───────────────────────────────────────────────────────────
HUBSPOT_HEADER = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Pipeline",
    "Amount",
    "Close Date",
    "Create Date",
    "Deal owner",
    "Deal Type",
    "Last Activity Date",
    "Associated Company",
    "Associated Company IDs (Primary)",
    "Original Source Type",
    "Is Closed Won",
    "Is Deal Closed?",
]


def _hs(
    rid: str, stage: str, amount: str, close: str, company: str, company_id: str, source: str, won: str, closed: str
) -> dict:
    return {
        "Record ID": rid,
        "Deal Name": f"{company} deal",
        "Deal Stage": stage,
        "Pipeline": "Sales Pipeline",
        "Amount": amount,
        "Close Date": close,
        "Create Date": "2024-01-15 10:00",
        "Deal owner": "Max Mustermann",
        "Deal Type": "New Business",
        "Associated Company": company,
        "Associated Company IDs (Primary)": company_id,
        "Original Source Type": source,
        "Is Closed Won": won,
        "Is Deal Closed?": closed,
    }


# Sales (Is Closed Won true): 18001 5,000, 18002 12,500.50, 18005 2,500 (no source → HubSpot) → 3 rows,
# 3 orders, companies 9001 and 9002 = 2 customers; revenue 20,000.50.
# Excluded: 18003 Closed Lost (lost 1), 18004 Contract Sent (open 1).
HUBSPOT = Export(
    "hubspot",
    "hubspot-crm-exports-all-deals-2024-05-01.csv",
    HUBSPOT_HEADER,
    [
        _hs("18001", "Closed Won", "5000", "2024-03-05 14:22", "Northwind", "9001", "Organic Search", "true", "true"),
        _hs("18002", "Closed Won", "12500.50", "2024-03-20 09:00", "Contoso", "9002", "Paid Search", "true", "true"),
        _hs("18003", "Closed Lost", "8000", "2024-03-25 16:00", "Fabrikam", "9003", "Direct Traffic", "false", "true"),
        _hs(
            "18004",
            "Contract Sent",
            "3000",
            "2024-04-30 12:00",
            "Northwind",
            "9001",
            "Offline Sources",
            "false",
            "false",
        ),
        _hs("18005", "Closed Won", "2500", "2024-04-02 11:00", "Northwind", "9001", "", "true", "true"),
    ],
    {
        "profile": "hubspot",
        "rows": 3,
        "orders": 3,
        "customers": 2,
        "revenue": 20000.50,
        "excluded": {"lost": 1, "open": 1},
        "channels": {"Organic Search", "Paid Search", "HubSpot"},
        "regions": None,
    },
    encoding="utf-8-sig",
)

EXPORTS = (TAOBAO, JD, DOUYIN, PDD, SHOPIFY, KINGDEE, U8, JIANDAOYUN, SALESFORCE_REPORT, SALESFORCE_EXPORT, HUBSPOT)
