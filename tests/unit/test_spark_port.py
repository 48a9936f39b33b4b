"""The Spark side without Spark: every query translates (the lint), the portable variants give the
DuckDB query's results, the translation refuses what it cannot port, the engine setting, the
snapshot files a reader lists, and that the conformance suite calls every metric function.
Results on Spark itself: tests/conformance."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re

import pandas as pd
import pytest

import metrics
import metrics.spark
from data import warehouse
from data.snapshots import SNAPSHOT_FILES
from metrics.db import DUCKDB_ONLY, SQL_DIR, EngineUnavailable, _param_names, engine, query, sql_text
from metrics.filters import Filters
from metrics.spark import PORTABLE_DIR, port
from tests.conformance import calls

SELECTION = Filters("demo", dt.date(2024, 7, 1), dt.date(2024, 12, 31), ("电商平台",), ("华东",))
EVERYTHING = Filters("demo", dt.date(2023, 3, 17), dt.date(2025, 12, 30))


def _types(name: str) -> dict[str, str | None]:
    params = calls.query_params(SELECTION)
    missing = _param_names(name) - params.keys()
    assert not missing, f"{name}: give {sorted(missing)} a value in tests/conformance/calls.py query_params"
    return dict(port.signature({k: params[k] for k in _param_names(name)}))


@pytest.mark.parametrize("name", sorted(p.stem for p in SQL_DIR.glob("*.sql") if p.stem not in DUCKDB_ONLY))
def test_every_query_translates_to_spark(name):
    """The lint: a query that uses something the translation cannot port fails here, naming it.
    The fix is a portable variant in metrics/sql/spark/ (README "Scale out"); conformance then
    compares the results on both engines."""
    try:
        out = port.to_spark(metrics.spark.source(name), _types(name), metrics.spark.schema())
    except port.Unportable as error:
        pytest.fail(f"{name}.sql does not translate to Spark ({error}): write metrics/sql/spark/{name}.sql")
    assert "$" not in re.sub(r"/\*.*?\*/|'[^']*'", "", out, flags=re.DOTALL)
    assert port.TABLE_MARK.format("order_lines") in out or "order_lines" not in out


@pytest.mark.parametrize("path", sorted(PORTABLE_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_portable_variants_replace_refused_queries_only(path):
    original = SQL_DIR / path.name
    assert original.exists(), f"{path.name} is the variant of no query in metrics/sql"
    with pytest.raises(port.Unportable):
        port.to_spark(original.read_text(encoding="utf-8"), _types(path.stem), metrics.spark.schema())
    assert _param_names(path.stem) <= set(re.findall(r"\$(\w+)", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", sorted(PORTABLE_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_portable_variants_give_the_same_rows_on_duckdb(path, demo_db):
    con = warehouse.connect(demo_db)
    cases = [
        calls.query_params(EVERYTHING),
        calls.query_params(SELECTION),
        {
            **calls.query_params(SELECTION),
            "start": dt.date(2024, 12, 3),
            "end": dt.date(2024, 12, 20),
            "window_days": 31,
            "acq_channels": [],
        },
    ]
    for params in cases:
        bound = {k: params[k] for k in _param_names(path.stem)}
        expected = con.cursor().execute(sql_text(path.stem), bound).df()
        got = con.cursor().execute(path.read_text(encoding="utf-8"), bound).df()
        assert len(expected) > 0
        pd.testing.assert_frame_equal(expected, got)


@pytest.mark.parametrize(
    "sql, why",
    [
        ("SELECT quantile(revenue, 0.5) FROM order_lines", "discrete"),
        ("SELECT quantile_disc(revenue, 0.5) FROM order_lines", "discrete"),
        ("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY revenue) FROM order_lines", "PERCENTILE_APPROX"),
        ("SELECT quantile_cont(revenue::DECIMAL(18, 2), 0.5) FROM order_lines", "DECIMAL"),
        ("SELECT count(*) FROM order_lines WHERE channel = ANY(['a'])", "ANY"),
        ("SELECT 1::HUGEINT << 3", "HUGEINT"),
        ("SELECT k FROM range(0, 3) AS r(k)", "(?i)range"),
        ("SELECT datediff('week', DATE '2024-01-01', order_date) FROM order_lines", "(?i)week"),
        ("SELECT bar(revenue, 0, 100) FROM order_lines", "unchecked"),
        ("DELETE FROM order_lines", "write"),
        ("SELECT count(*) FROM dataset_lines($dataset, $start)", "arguments"),
    ],
)
def test_refuses_what_it_cannot_port(sql, why):
    with pytest.raises(port.Unportable, match=why):
        port.to_spark(sql, {"dataset": "VARCHAR", "start": "DATE"}, metrics.spark.schema())


def test_the_macros_expand_from_migration_009():
    found = port.macros()
    assert found["selected_lines"].params == ("ds", "d0", "d1", "chans", "regs") and found["selected_lines"].table
    assert found["dataset_lines"].params == ("ds",) and found["is_selected"].params == ("choices", "value")
    out = port.to_spark(
        "SELECT sum(net_revenue) FROM selected_lines($dataset, $start, $end, $channels, [])",
        {"dataset": "VARCHAR", "start": "DATE", "end": "DATE", "channels": None},
        metrics.spark.schema(),
    )
    code = re.sub(r"\s+", " ", out)
    assert "SIZE(:channels) = 0 OR ARRAY_CONTAINS(:channels, dataset_lines.channel)" in code
    assert "COALESCE(order_lines.refund, 0) AS net_revenue" in code
    assert "region" not in code.split("WHERE", 1)[1]  # an empty literal list selects every region


def test_month_differences_count_boundaries_with_parentheses():
    out = port.to_spark(
        "SELECT datediff('month', DATE '2024-01-31', order_date) AS k FROM order_lines", {}, metrics.spark.schema()
    )
    assert re.search(r"\(\s*YEAR\(order_lines.order_date\) \* 12 \+ MONTH\(order_lines.order_date\)\s*\)\s*-\s*\(", out)


def test_every_metric_function_is_in_the_conformance_suite():
    called = {"metrics." + re.sub(r"\[.*\]$", "", name) for name in calls.CALLS}
    found = set()
    for info in pkgutil.walk_packages(metrics.__path__, "metrics."):
        if info.name.startswith("metrics.spark"):
            continue
        module = importlib.import_module(info.name)
        for attr, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == info.name and not attr.startswith("_"):
                first = next(iter(inspect.signature(fn).parameters), None)
                if first == "con":
                    found.add(f"{info.name}.{attr}")
    missing = found - called - set(calls.NOT_CALLED)
    assert not missing, f"add to tests/conformance/calls.py CALLS (or NOT_CALLED with a reason): {sorted(missing)}"
    assert not (called - found), f"CALLS names no such function: {sorted(called - found)}"


def test_duckdb_is_the_default_engine_and_a_bad_setting_is_refused(monkeypatch, demo_db):
    monkeypatch.delenv("SALESLENS_ENGINE", raising=False)
    assert engine() == "duckdb"
    monkeypatch.setenv("SALESLENS_ENGINE", "Spark ")
    assert engine() == "spark"
    monkeypatch.setenv("SALESLENS_ENGINE", "presto")
    with pytest.raises(EngineUnavailable, match="duckdb, spark"):
        engine()
    monkeypatch.setenv("SALESLENS_ENGINE", "spark")
    monkeypatch.delenv("SALESLENS_SPARK_REMOTE", raising=False)
    with pytest.raises(EngineUnavailable, match="SALESLENS_SPARK_REMOTE"):
        query(warehouse.connect(demo_db), "dimension_values", dataset="demo")
    monkeypatch.setenv("SALESLENS_SPARK_REMOTE", "http://cluster:15002")
    with pytest.raises(EngineUnavailable, match="sc://HOST:PORT or local"):
        query(warehouse.connect(demo_db), "dimension_values", dataset="demo")


def test_spark_needs_a_warehouse_folder(monkeypatch):
    monkeypatch.setenv("SALESLENS_ENGINE", "spark")
    monkeypatch.setenv("SALESLENS_SPARK_REMOTE", "sc://127.0.0.1:1")
    with pytest.raises(EngineUnavailable, match="in-memory"):
        query(warehouse.connect(":memory:"), "dimension_values", dataset="demo")


def test_a_reader_lists_the_files_behind_its_views(demo_db, monkeypatch):
    con = warehouse.connect(demo_db)
    rows = con.execute(f"SELECT table_name, root, path FROM {SNAPSHOT_FILES} ORDER BY 1").fetchall()  # noqa: S608
    tables = {table for table, _, _ in rows}
    assert {"order_lines", "customer_firsts", "customers", "channel_costs"} <= tables
    for table, root, path in rows:
        assert not path.startswith("/") and path.endswith(f"{table}.parquet")
        assert (warehouse.db_path(root) / path).exists()
    lines = [(root, path) for table, root, path in rows if table == "order_lines"][0]
    assert metrics.spark.data_uri(*lines) == f"{lines[0]}/{lines[1]}"
    monkeypatch.setenv("SALESLENS_SPARK_DATA_URI", "s3a://lake/saleslens/")
    assert metrics.spark.data_uri(*lines) == f"s3a://lake/saleslens/{lines[1]}"
