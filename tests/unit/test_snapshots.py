"""Issue 13: the snapshot warehouse — readers pinned to a version, one writer, the switch, cleanup,
the import of a single-file warehouse, rollups derived at load time, and the SQLite user store."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import duckdb
import pytest

from data import registry, snapshots, warehouse
from data.snapshots import MANIFEST, SNAPSHOTS, Warehouse
from metrics import overview
from metrics.db import query
from metrics.filters import Filters
from tests.tiny import line, warehouse_with

LINES = [
    line("o1", "2024-01-03", "c1", "online", "east", 100.0, 60.0),
    line("o1", "2024-01-03", "c1", "online", "east", 50.0, None, line_no=2),  # no cost: margin ignores it
    line("o2", "2024-01-03", "c2", "store", "west", 80.0, 50.0, refund=10.0),
    line("o3", "2024-02-10", None, "store", "west", 40.0, 30.0),  # anonymous
    line("o4", "2024-02-11", "c1", "store", "east", 30.0, 20.0),
]
F = Filters(dataset="tiny", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))


def _open(path: Path) -> Warehouse:
    Warehouse._opened.pop(path.resolve(), None)  # as a new process would
    return Warehouse.open(path)


def _revenue(con: duckdb.DuckDBPyConnection) -> float:
    return next(k.value for k in overview.kpis(con, F) if k.key == "revenue")


def _folders(wh: Warehouse) -> set[str]:
    return {p.name for p in (wh.root / SNAPSHOTS).iterdir()}


def test_rollups_answer_what_the_lines_answer():
    con = warehouse_with(LINES)
    days = query(con, "overview_trend", **F.params())
    assert days["revenue"].sum() == pytest.approx(100 + 50 + 70 + 40 + 30)
    assert days["gross_profit"].sum() == pytest.approx(40 + 20 + 10 + 10)  # the line without a cost adds nothing
    assert days["revenue_with_cost"].sum() == pytest.approx(100 + 70 + 40 + 30)
    heads = con.execute("SELECT order_date, customer_key FROM customer_days ORDER BY order_date").fetchall()
    assert len(heads) == 3  # o1, o2, o4: one per order of a known customer, the anonymous o3 left out
    cards = {k.key: k.value for k in overview.kpis(con, F)}
    assert cards["orders"] == 4 and cards["active_customers"] == 2 and cards["repeat_rate"] == 0.5


def test_a_reader_keeps_its_version_while_a_load_publishes_the_next(tmp_path):
    wh = Warehouse.open(tmp_path / "w")
    first = warehouse_with(LINES, con=wh)
    token = wh.token()
    second = warehouse_with(LINES[:2], con=wh)  # an append to the same dataset
    assert wh.token() != token and wh.datasets()[0].version == 2
    assert _revenue(first) == pytest.approx(290.0)  # the open page still reads the old files
    assert _revenue(second) == pytest.approx(440.0)


def test_a_failed_write_publishes_nothing_and_leaves_no_folder(tmp_path):
    wh = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=wh)
    before, token = _folders(wh), wh.token()
    with pytest.raises(RuntimeError, match="boom"), wh.writer("tiny") as con:
        con.execute("DELETE FROM order_lines")
        raise RuntimeError("boom")
    assert wh.token() == token
    wh.cleanup()
    assert _folders(wh) == before
    assert _revenue(wh.reader()) == pytest.approx(290.0)


def test_cleanup_removes_superseded_versions_after_the_grace_period(tmp_path, monkeypatch):
    wh = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=wh)
    old = _folders(wh)
    warehouse_with(LINES[:2], con=wh)
    assert old < _folders(wh)  # within the grace period the old version stays for open pages
    monkeypatch.setattr(snapshots, "GRACE_SECONDS", -1)
    wh.cleanup()
    current = {row["snapshot"] for row in wh.state.datasets()}
    assert _folders(wh) == current and not (old & current)
    assert wh.delete("tiny") and wh.datasets() == []
    wh.cleanup()
    assert _folders(wh) == set()


def test_a_snapshot_from_before_the_rollups_gets_them_when_opened(tmp_path):
    wh = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=wh)
    folder = wh.root / SNAPSHOTS / wh.state.datasets()[0]["snapshot"]
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for table in ("daily_sales", "customer_days"):  # as written by a version before migration 013
        (folder / f"{table}.parquet").unlink()
        del manifest["tables"][table]
    manifest["schema"] = 12
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert _revenue(wh.reader()) is None or _revenue(wh.reader()) == 0  # what a reader would show without them
    reopened = _open(tmp_path / "w")
    row = reopened.state.datasets()[0]
    assert row["snapshot"] != folder.name and row["version"] == 2  # rewritten once: same rows, a new version
    assert _revenue(reopened.reader()) == pytest.approx(290.0)
    assert _open(tmp_path / "w").state.datasets()[0]["snapshot"] == row["snapshot"]  # and only once


def test_a_single_file_warehouse_is_imported_with_its_user_state(tmp_path):
    legacy = tmp_path / "old.duckdb"
    con = duckdb.connect(str(legacy))
    warehouse.migrate(con)
    cur = con.cursor()
    cur.execute(
        "INSERT INTO order_lines (dataset, order_id, line, order_date, customer_id, channel, region, revenue, cost) "
        "VALUES ('old', 'o1', 1, DATE '2024-03-01', 'c1', 'online', 'east', 120.0, 70.0)"
    )
    registry.refresh(cur, "old", source="file.csv", kind="upload")
    cur.execute(
        "INSERT INTO budget_scenarios (dataset, name, notes, payload, saved_at) "
        "VALUES ('old', 'Plan', '', '{}', now()::TIMESTAMP)"
    )
    con.close()
    wh = _open(legacy)
    assert wh.root == tmp_path / "old.duckdb.d"
    assert [d.name for d in wh.datasets()] == ["old"]
    assert [s["name"] for s in wh.state.scenarios("old")] == ["Plan"]
    reader = wh.reader()
    f = Filters(dataset="old", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    assert next(k.value for k in overview.kpis(reader, f) if k.key == "gross_profit") == pytest.approx(50.0)


def test_a_reader_reaches_no_other_file(tmp_path):
    wh = Warehouse.open(tmp_path / "w")
    reader = warehouse_with(LINES, con=wh)
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(duckdb.Error):
        reader.execute(f"SELECT * FROM read_csv('{secret}')").fetchall()  # noqa: S608 - the attack under test
    with pytest.raises(duckdb.Error):
        reader.execute("SET allowed_paths = []")
    with pytest.raises(duckdb.Error):
        reader.execute("DELETE FROM order_lines")


def test_the_user_store_takes_concurrent_writers(tmp_path):
    wh = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=wh)
    errors: list[BaseException] = []

    def save(worker: int) -> None:
        try:
            store = _open(tmp_path / "w").state if worker % 2 else wh.state
            for i in range(40):
                store.save_scenario("tiny", f"w{worker}-{i}", "", "{}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(wh.state.scenarios("tiny")) == 160


def test_a_derived_result_lives_beside_its_snapshot_and_goes_with_it(tmp_path, monkeypatch):
    wh = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=wh)
    folder = wh.state.datasets()[0]["snapshot"]
    path = wh.derived_path(folder, "model:tiny")
    assert snapshots.load_derived(path) is None
    snapshots.save_derived(path, {"fitted": [1, 2, 3]})
    assert snapshots.load_derived(path) == {"fitted": [1, 2, 3]}
    assert path.name != "model:tiny" and path.parent.parent.name == folder  # our name, beside the snapshot
    warehouse_with(LINES[:2], con=wh)
    monkeypatch.setattr(snapshots, "GRACE_SECONDS", -1)
    wh.cleanup()
    assert not path.exists()


def test_snapshot_files_are_sorted_whether_or_not_the_rows_came_in_order(tmp_path):
    """The writer skips its sort when the rows were inserted in order (data.snapshots._in_order): rows
    inserted out of order, with their keys so nothing re-sorts them first, are still written sorted,
    and the check answers as ORDER BY sorts (NULLs last): False for a pair out of order, True otherwise."""
    wh = Warehouse.open(tmp_path / "w")
    rows = [("o3", "2024-01-05", 1), ("o1", "2024-01-03", 2), ("o2", "2024-01-03", 1), ("o1", "2024-01-03", 1)]
    with wh.writer("tiny") as con:
        cur = con.cursor()
        with warehouse.transaction(cur):
            for order_id, day, line_no in rows:
                cur.execute(
                    "INSERT INTO order_lines (dataset, order_id, line, order_date, customer_id, channel, region, "
                    "revenue, order_first, customer_key) VALUES ('tiny', $o, $l, $d::DATE, 'c1', 'web', 'east', 1, "
                    "$l = 1, 1)",
                    {"o": order_id, "l": line_no, "d": day},
                )
            assert not snapshots._in_order(cur, "order_lines")
            registry.refresh(cur, "tiny", source="tests", kind="upload")
    folder = wh.root / SNAPSHOTS / wh.state.dataset("tiny")["snapshot"]
    written = (
        duckdb.connect()
        .execute(
            f"SELECT order_id, order_date::VARCHAR, line FROM read_parquet('{folder / 'order_lines.parquet'}')"  # noqa: S608
        )
        .fetchall()
    )
    assert written == [
        ("o1", "2024-01-03", 1),
        ("o1", "2024-01-03", 2),
        ("o2", "2024-01-03", 1),
        ("o3", "2024-01-05", 1),
    ]

    con = duckdb.connect()
    con.execute("CREATE TABLE daily_sales (order_date DATE, channel VARCHAR, region VARCHAR)")
    con.execute(
        "INSERT INTO daily_sales VALUES ('2024-01-01', 'a', 'x'), ('2024-01-01', 'b', 'x'), ('2024-01-02', 'a', 'x')"
    )
    assert snapshots._in_order(con.cursor(), "daily_sales")
    con.execute("INSERT INTO daily_sales VALUES ('2024-01-02', NULL, 'x')")  # NULLs last, as ORDER BY puts them
    assert snapshots._in_order(con.cursor(), "daily_sales")
    con.execute("INSERT INTO daily_sales VALUES ('2024-01-02', 'a', 'x')")  # a value after a NULL
    assert not snapshots._in_order(con.cursor(), "daily_sales")
    con.execute("DELETE FROM daily_sales WHERE channel IS NULL OR rowid = 4")
    con.execute("INSERT INTO daily_sales VALUES ('2024-01-02', 'a', 'w')")  # region w before x on the same key
    assert not snapshots._in_order(con.cursor(), "daily_sales")
