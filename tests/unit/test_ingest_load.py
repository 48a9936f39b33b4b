"""Loading: known answers on the shared real files, modes, mapping memory, extra files, atomicity."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data import registry, warehouse
from data.ingest import IngestError, ingest, load, prepare, read_file, suggest_mapping
from tests.shared_data import shared_file
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes, fingerprint

ROOT = Path(__file__).resolve().parents[2]


def _shares(con, name: str) -> dict[str, tuple[float, float]]:
    rows = (
        con.cursor()
        .execute(
            "SELECT channel, sum(revenue) / sum(sum(revenue)) OVER (), 1 - sum(cost) / sum(revenue) "
            "FROM order_lines WHERE dataset = $n GROUP BY channel",
            {"n": name},
        )
        .fetchall()
    )
    return {channel: (round(share * 100, 2), round(margin * 100, 2)) for channel, share, margin in rows}


def test_superstore_known_answers() -> None:
    path = shared_file("superstore", "Sample - Superstore.csv")
    con = warehouse.connect(":memory:")
    report = ingest(con, path, "superstore", mapping={"channel": "Region"})
    assert report.loaded and report.rows_rejected == 0 and report.duplicate_lines == 0
    assert (report.rows_inserted, report.orders, report.customers) == (9994, 5009, 793)
    assert (report.date_min, report.date_max) == ("2014-01-03", "2017-12-30")
    assert report.totals["revenue"] == pytest.approx(2297200.86, abs=0.01)
    assert report.totals["revenue"] - report.totals["cost"] == pytest.approx(286397.02, abs=0.01)
    assert _shares(con, "superstore") == {
        "West": (31.58, 14.94),
        "East": (29.55, 13.48),
        "Central": (21.82, 7.92),
        "South": (17.05, 11.93),
    }
    ds = registry.get_dataset(con, "superstore")
    assert (ds.order_lines, ds.orders, ds.customers, ds.has_channel, ds.has_cost) == (9994, 5009, 793, True, True)
    # Discount is a rate (0.2); Sales is already net, so revenue is untouched and discount is an amount.
    assert "discount_rate_converted" in [w["code"] for w in report.warnings]


def test_superstore_auto_mapping_has_no_channel() -> None:
    path = shared_file("superstore", "Sample - Superstore.csv")
    suggestion = suggest_mapping(read_file(path).columns)
    assert "channel" not in suggestion.mapping and "Segment" in suggestion.unmapped_columns
    assert suggestion.mapping["revenue"] == "Sales" and suggestion.missing_required == []


def test_cn_2020_known_answers() -> None:
    path = shared_file("cn_sales_channels_2020", "2020年销售数据.xlsx")
    con = warehouse.connect(":memory:")
    report = ingest(con, path, "cn2020", sheet="data")
    assert report.loaded and report.derived == ["revenue = unit_price * quantity"]
    assert (report.rows_inserted, report.orders, report.duplicate_lines) == (
        1945,
        1940,
        0,
    )  # 5 repeated order numbers: 2-line orders
    assert report.totals == {"revenue": 39772087.0, "cost": 11845372.0}
    assert (report.date_min, report.date_max, report.has_customer) == ("2020-01-01", "2020-12-31", False)
    assert _shares(con, "cn2020") == {
        "天猫": (34.48, 69.94),
        "拼多多": (21.09, 70.07),
        "京东": (19.35, 70.75),
        "实体": (13.06, 70.68),
        "抖音": (12.03, 69.91),
    }
    assert con.cursor().execute("SELECT max(line) FROM order_lines").fetchall()[0][0] == 2


def test_modes_new_replace_append() -> None:
    con = warehouse.connect(":memory:")
    assert ingest(con, csv_bytes(ORDERS_CSV), "s", filename="a.csv").rows_inserted == 3
    before = fingerprint(con)
    again = ingest(con, csv_bytes(ORDERS_CSV), "s", filename="a.csv")
    assert not again.loaded and again.errors[0]["code"] == "dataset_exists" and fingerprint(con) == before
    more = ORDERS_CSV + "A3,2020-01-07,C3,天猫,华东,70,30\n"
    appended = ingest(con, csv_bytes(more), "s", filename="b.csv", mode="append")
    assert (appended.rows_inserted, appended.skipped_existing) == (1, 3)
    assert registry.get_dataset(con, "s").version == 2
    replaced = ingest(con, csv_bytes(ORDERS_CSV), "s", filename="c.csv", mode="replace")
    assert replaced.rows_inserted == 3 and registry.get_dataset(con, "s").order_lines == 3


def test_append_without_order_ids_dedupes_by_content() -> None:
    con = warehouse.connect(":memory:")
    text = "date,amount\n2020-01-01,5\n2020-01-02,6\n"
    first = ingest(con, text.encode(), "anon", filename="x.csv")
    assert first.synthetic_order_id and first.has_channel is False and first.has_customer is False
    second = ingest(con, (text + "2020-01-03,7\n").encode(), "anon", filename="y.csv", mode="append")
    assert (second.rows_inserted, second.skipped_existing) == (1, 2)
    ds = registry.get_dataset(con, "anon")
    assert (ds.orders, ds.has_channel, ds.has_region, ds.has_customer) == (3, False, False, False)


def test_mapping_remembered_and_overrides() -> None:
    con = warehouse.connect(":memory:")
    text = "when,gross,seg\n2020-01-01,5,x\n"
    first = ingest(
        con, text.encode(), "m1", filename="x.csv", mapping={"order_date": "when", "revenue": "gross", "channel": "seg"}
    )
    assert first.loaded and first.mapping_source == "user"
    assert suggest_mapping(["seg", "GROSS", "When"], con=con).source == "remembered"
    second = ingest(con, text.encode(), "m2", filename="x.csv")
    assert second.mapping_source == "remembered" and second.has_channel
    with pytest.raises(IngestError) as err:
        prepare(read_file(text.encode()), {"revenue": "nope"})
    assert err.value.code == "unknown_column"


def test_failure_inside_transaction_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    con = warehouse.connect(":memory:")
    ingest(con, csv_bytes(ORDERS_CSV), "keep", filename="a.csv")
    before = fingerprint(con)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "refresh", explode)
    prepared = prepare(read_file(csv_bytes(ORDERS_CSV)))
    for name, mode in (("new-one", "new"), ("keep", "replace")):
        with pytest.raises(RuntimeError):
            load(con, prepared, name, mode=mode)
        assert fingerprint(con) == before


@pytest.mark.parametrize("name", ["", " ", "x" * 61, "bad\x00name", "tab\tname"])
def test_bad_dataset_names(name: str) -> None:
    prepared = prepare(read_file(csv_bytes(ORDERS_CSV)))
    with pytest.raises(IngestError) as err:
        load(warehouse.connect(":memory:"), prepared, name)
    assert err.value.code == "bad_name"


def test_extra_files() -> None:
    con = warehouse.connect(":memory:")
    costs = '月份,渠道,费用类型,金额\n2020-01,天猫,marketing,"1,000"\n2020年2月,京东,commission,200\n'
    assert ingest(con, costs.encode(), "s", kind="channel_costs").errors[0]["code"] == "dataset_missing"
    ingest(con, csv_bytes(ORDERS_CSV), "s", filename="a.csv")
    report = ingest(con, costs.encode(), "s", kind="channel_costs")
    assert report.loaded
    assert con.cursor().execute("SELECT month::VARCHAR, amount FROM channel_costs ORDER BY 1").fetchall() == [
        ("2020-01-01", 1000.0),
        ("2020-02-01", 200.0),
    ]
    crm = "month,campaign,amount\n2020-01,会员日,300\n"
    assert ingest(con, crm.encode(), "s", kind="crm_spend").rows_inserted == 1
    customers = "客户编号,获客渠道,满意度,首次下单日期\nC1,天猫,4.5,2019-12-01\nC2,京东,,\n"
    assert ingest(con, customers.encode(), "s", kind="customers").rows_inserted == 2
    assert registry.get_dataset(con, "s").version == 4


def _big_csv(path: Path, lines: int) -> None:
    frame = pd.DataFrame(
        {"订单编号": [f"O{i}" for i in range(lines)], "下单时间": "2020-01-05", "销售渠道": "天猫", "实收金额": "12.5"}
    )
    frame.to_csv(path, index=False)


def test_killed_load_leaves_warehouse_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "w"
    ingest(warehouse.open_warehouse(db), csv_bytes(ORDERS_CSV), "keep", filename="a.csv")
    before = fingerprint(db)
    source = tmp_path / "big.csv"
    _big_csv(source, 200_000)
    env = {**os.environ, "SALESLENS_TEST_PAUSE_BEFORE_COMMIT": "30"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "data", "load", str(source), "--name", "keep", "--replace", "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        line = b""
        while b"pausing" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
        assert b"pausing" in line, "the load never reached its commit point"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert fingerprint(db) == before
    assert registry.get_dataset(warehouse.connect(db), "keep").order_lines == 3
    # the killed writer's unfinished folder is removed by the next writer's cleanup
    assert any(p.name.startswith(".tmp-") for p in (db / "snapshots").iterdir())
    warehouse.open_warehouse(db).cleanup()
    assert not any(p.name.startswith(".tmp-") for p in (db / "snapshots").iterdir())


def test_cli_exit_codes(tmp_path: Path) -> None:
    db, source = tmp_path / "c.duckdb", tmp_path / "订单.csv"
    source.write_bytes(csv_bytes(ORDERS_CSV, "gbk"))
    run = [sys.executable, "-m", "data", "load", str(source), "--db", str(db)]
    ok = subprocess.run(run + ["--map", "region="], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(ok.stdout)
    assert ok.returncode == 0 and report["dataset"] == "订单" and report["has_region"] is False
    again = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in json.loads(again.stdout)["errors"][0]["message"]
    replaced = subprocess.run(run + ["--replace", "--name", "订单"], cwd=ROOT, capture_output=True, text=True)
    assert replaced.returncode == 0


class _FailingCommit:
    """A cursor whose COMMIT fails the way DuckDB's does: the transaction is already over."""

    def __init__(self, cur):
        self._cur = cur

    def execute(self, sql, *args):
        if sql.strip().upper() == "COMMIT":
            self._cur.execute("ROLLBACK")
            raise duckdb.ConstraintException('Duplicate key "kind: orders" violates primary key constraint')
        return self._cur.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._cur, name)


class _Connection:
    def __init__(self, con):
        self._con = con

    def cursor(self):
        return _FailingCommit(self._con.cursor())


def test_a_failed_commit_reports_its_cause_and_writes_nothing() -> None:
    """Issue 12: the ROLLBACK after a failed COMMIT raised 'no transaction is active' over the cause."""
    con = warehouse.connect(":memory:")
    ingest(con, csv_bytes(ORDERS_CSV), "keep", filename="a.csv")
    before = fingerprint(con)
    prepared = prepare(read_file(csv_bytes(ORDERS_CSV), filename="b.csv"), con=con)
    with pytest.raises(IngestError) as caught:
        load(_Connection(con), prepared, "second")
    assert caught.value.code == "write_failed"
    assert "Duplicate key" in caught.value.message("en") and "写入数据仓库失败" in caught.value.message("zh")
    assert fingerprint(con) == before
