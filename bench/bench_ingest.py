"""Ingest benchmark: upload-to-loaded for a 1M-line CSV, GBK decoding, XLSX reading, source recognition.

Run: ``python bench/bench_ingest.py [--lines N] [--xlsx-rows N] [--jd-lines N]``. Files are generated in
a temp dir; nothing is asserted. Targets: 1M CSV < 10 s, GBK decode ≥ 50 MB/s, XLSX 200k < 3 s,
recognition < 50 ms added to a load (cold: profile files parsed in that call).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data import warehouse  # noqa: E402
from data.ingest import decode_text, ingest, profiles, read_file, resolve  # noqa: E402
from present.exports import to_xlsx_bytes  # noqa: E402


def orders_frame(lines: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1461, lines), unit="D")
    channels = np.array(["天猫", "京东", "拼多多", "抖音", "实体门店", "经销商"])
    regions = np.array(["华东", "华南", "华北", "华中", "西南", "西北", "东北"])
    quantity = rng.integers(1, 20, lines)
    price = rng.choice([19.9, 99.0, 169.0, 399.0, 1299.0], lines)
    return pd.DataFrame(
        {
            "订单编号": np.char.add("SO", (np.arange(lines) // 2).astype(str)),
            "下单时间": days.strftime("%Y-%m-%d"),
            "客户编号": np.char.add("C", rng.integers(0, 200_000, lines).astype(str)),
            "销售渠道": channels[rng.integers(0, len(channels), lines)],
            "销售区域": regions[rng.integers(0, len(regions), lines)],
            "商品名称": np.char.add("商品-", rng.integers(0, 5000, lines).astype(str)),
            "销售数量": quantity,
            "单价": price,
            "实收金额": np.round(quantity * price, 2),
            "成本": np.round(quantity * price * 0.6, 2),
        }
    )


def jd_frame(lines: int, seed: int = 11) -> pd.DataFrame:
    """A JD merchant order export: two SKU rows per order, the order's money repeated on both."""
    rng = np.random.default_rng(seed)
    orders = np.arange(lines) // 2
    status = np.array(["完成", "等待确认收货", "等待出库", "(删除)等待出库", "已取消", "等待付款"])
    return pd.DataFrame(
        {
            "订单号": (11729000000 + orders).astype(str),
            "商品名称": np.char.add("商品-", rng.integers(0, 500, lines).astype(str)),
            "订购数量": rng.integers(1, 4, lines),
            "下单时间": "2024-01-05 10:00:00",
            "京东价": 99.0,
            "订单金额": 310.0,
            "结算金额": 290.0,
            "余额支付": 0.0,
            "应付金额": 290.0,
            "运费金额": 10.0,
            "订单状态": status[rng.choice(len(status), lines, p=[0.5, 0.2, 0.15, 0.05, 0.05, 0.05])][orders % lines],
            "下单帐号": np.char.add("jd_", (orders % 50_000).astype(str)),
            "客户地址": "江苏南京市鼓楼区中山路1号",
        }
    )


def recognition_rows(data: bytes, jd: bytes, con) -> list[tuple[str, str, str]]:
    """What recognition adds to a load: header matching (cold and warm) and the whole resolve step."""
    raw = read_file(data, filename="orders.csv")
    profiles.layouts.cache_clear()
    profiles._signatures.cache_clear()  # noqa: SLF001 (cold: the profile files are parsed in this call)
    cold_s, found = timed(lambda: profiles.recognise(raw.columns))
    warm_s, _ = timed(lambda: [profiles.recognise(raw.columns) for _ in range(100)])
    unknown_s, _ = timed(lambda: resolve(raw, con=con))
    jd_raw = read_file(jd, filename="jd.csv")
    shaped_s, source = timed(lambda: resolve(jd_raw, con=con))
    return [
        (
            f"recognition, cold (10 profile files parsed), {len(raw.columns)} headers",
            f"{cold_s * 1000:.1f} ms",
            "< 50 ms",
        ),
        ("recognition, warm", f"{warm_s * 10:.3f} ms", "< 50 ms"),
        (
            f"  resolve() on the unknown {len(raw.frame):,}-line file (found: {found})",
            f"{unknown_s * 1000:.1f} ms",
            "< 50 ms",
        ),
        (
            f"JD export {len(jd_raw.frame):,} lines: recognise + shape ({source.shaped.rows_excluded:,} not sales)",
            f"{shaped_s * 1000:.0f} ms",
            "",
        ),
        ("  JD export upload→loaded", f"{timed(lambda: ingest(con, jd, 'bench_jd', filename='jd.csv'))[0]:.2f} s", ""),
    ]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--jd-lines", type=int, default=200_000)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        frame = orders_frame(args.lines)
        csv_path = tmpdir / "orders.csv"
        frame.to_csv(csv_path, index=False)
        size_mb = csv_path.stat().st_size / 1048576
        data = csv_path.read_bytes()
        con = warehouse.connect(tmpdir / "bench.duckdb")
        stages: list[tuple[float, str, float]] = []
        clock = time.perf_counter()
        seconds, report = timed(
            lambda: ingest(
                con,
                data,
                "bench",
                filename="orders.csv",
                progress=lambda f, s: stages.append((f, s, time.perf_counter() - clock)),
            )
        )
        assert report.loaded, report.errors
        rows.append((f"CSV {args.lines:,} lines ({size_mb:.0f} MB) upload→loaded", f"{seconds:.2f} s", "< 10 s"))
        for frac, stage, at in stages:
            rows.append((f"  progress {frac:4.0%} {stage}", f"{at:.2f} s", ""))
        pandas_s, _ = timed(lambda: pd.read_csv(csv_path))
        rows.append(("  plain pandas.read_csv (no typing, no load)", f"{pandas_s:.2f} s", ""))
        read_s, _ = timed(lambda: read_file(data, filename="orders.csv"))
        rows.append(("  our read stage only", f"{read_s:.2f} s", ""))

        gbk = frame.head(300_000).to_csv(index=False).encode("gb18030")
        decode_s, _ = timed(lambda: decode_text(gbk))
        rows.append(
            (f"GBK→text decode ({len(gbk) / 1048576:.0f} MB)", f"{len(gbk) / 1048576 / decode_s:.0f} MB/s", "≥ 50 MB/s")
        )

        xlsx = to_xlsx_bytes(frame.head(args.xlsx_rows))
        xlsx_path = tmpdir / "orders.xlsx"
        xlsx_path.write_bytes(xlsx)
        ours_s, _ = timed(lambda: read_file(xlsx, filename="orders.xlsx"))
        rows.append((f"XLSX {args.xlsx_rows:,} rows read (calamine)", f"{ours_s:.2f} s", "< 3 s"))
        pd_s, _ = timed(lambda: pd.read_excel(xlsx_path, engine="calamine"))
        rows.append(("  pandas.read_excel(engine='calamine')", f"{pd_s:.2f} s", ""))
        total_s, rep = timed(lambda: ingest(con, xlsx, "bench_xlsx", filename="orders.xlsx"))
        rows.append(("  XLSX upload→loaded", f"{total_s:.2f} s", ""))
        jd = jd_frame(args.jd_lines).to_csv(index=False).encode("gb18030")
        rows += recognition_rows(data, jd, con)
        con.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>12}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")


if __name__ == "__main__":
    main()
