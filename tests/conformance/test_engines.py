"""DuckDB and Spark agree on every metric function, every CLI export and every query in metrics/sql:
counts and strings identical, money within 1e-9 relative, rows in the same order (every query has a
total ORDER BY). The Spark side runs on a real Spark Connect server (conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pandas as pd
import pytest

from tests.conformance import calls, harness
from tests.conformance.calls import DATASET
from tests.conftest import ROOT

# The first test also sets up the session fixture (server start, both passes: ~1.5 min, more on a
# loaded machine), which counts against its timeout: more room than pytest.ini's 240 s.
pytestmark = [pytest.mark.spark, pytest.mark.timeout(600)]


@pytest.mark.parametrize("name", list(calls.CALLS))
def test_metric_function(outcome, name):
    duck, spark = outcome.duck[name], outcome.spark[name]
    assert not isinstance(duck, Exception), f"{name} failed on DuckDB: {duck}"
    assert not isinstance(spark, Exception), f"{name} failed on Spark: {spark}"
    assert not harness.differences(duck, spark, name)


def test_queries_no_function_reaches(outcome):
    """The queries the calls did not reach on this demo (e.g. territories it has none of) ran directly."""
    direct = [k for k in outcome.duck if k.startswith("query.")]
    for name in direct:
        assert not isinstance(outcome.spark[name], Exception), outcome.spark[name]
        assert not harness.differences(outcome.duck[name], outcome.spark[name], name)


def test_every_query_ran_on_spark_with_and_without_list_filters(outcome):
    from metrics.db import DUCKDB_ONLY, SQL_DIR, _param_names

    asked = [outcome.recorder.recorded.get(k) or (k[0], dict(k[1])) for k in outcome.recorder.asked]
    ran = {name for name, _ in asked}
    selects = {p.stem for p in SQL_DIR.glob("*.sql")} - set(DUCKDB_ONLY)
    assert selects <= ran, f"never ran on Spark: {sorted(selects - ran)}"
    for name in sorted(selects):
        if {"channels", "regions"} & _param_names(name):
            lists = [params.get("channels", []) or params.get("regions", []) for n, params in asked if n == name]
            assert any(lists), f"{name} never ran with a channel or region filter"
    failed = {k[0]: v for k, v in outcome.recorder.spark.items() if isinstance(v, Exception)}
    assert not failed, failed


def _cells(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", calls.EXPORTS)
def test_cli_export(outcome, name):
    """The same CSV: identical bytes, or (money summed in another order) numbers within 1e-9."""
    duck, spark = outcome.csv_duck[name], outcome.csv_spark[name]
    assert not isinstance(spark, Exception), spark
    if duck == spark:
        return
    a, b = _cells(duck), _cells(spark)
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for column in a.columns:
        for x, y in zip(a[column], b[column], strict=True):
            if x != y:
                assert harness._close(float(x), float(y)), f"{name}.{column}: {x} vs {y}"


def test_export_in_its_own_process(outcome):
    """`SALESLENS_ENGINE=spark SALESLENS_SPARK_REMOTE=sc://… python -m metrics export channels`:
    the settings reach a fresh process, and its CSV is DuckDB's."""
    env = dict(os.environ, SALESLENS_ENGINE="spark", SALESLENS_SPARK_REMOTE=outcome.url)
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "export", "channels", "--dataset", DATASET, "--db", str(outcome.db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.decode("utf-8") == outcome.csv_duck["channels"].decode("utf-8-sig")


PROBES = """
SELECT datediff('month', DATE '2024-01-31', DATE '2024-02-01') AS month_boundary,
       datediff('month', DATE '2023-11-15', x_date) AS months_since,
       datediff('year', DATE '2023-12-31', DATE '2024-01-01') AS year_boundary,
       datediff('day', DATE '2024-02-28', DATE '2024-03-01') AS days,
       (x_date - DATE '2024-01-01')::INTEGER AS date_minus_date,
       (DATE '2024-01-31' + to_months(1))::DATE AS plus_month,
       date_trunc('week', x_date)::DATE AS monday,
       strftime(x_date, '%Y%m%d') AS ymd,
       len($empty) AS len_empty, len($some) AS len_some,
       is_selected($empty, x_text) AS all_selected, is_selected($some, x_text) AS picked,
       is_selected([], x_text) AS empty_literal,
       (SELECT count(*) FROM (SELECT unnest(generate_series(3, 1)) AS k)) AS reversed_range,
       (SELECT sum(k) FROM (SELECT unnest(generate_series(1, 4)) AS k)) AS range_sum,
       -7 // 2 AS int_division, 7 / 2 AS division
FROM (VALUES (DATE '2024-03-14', 'b')) AS t(x_date, x_text)
"""

AGGREGATE_PROBES = """
SELECT quantile_cont(x, 0.8) AS p80, quantile_cont(x, [0.2, 0.5]) AS edges,
       arg_min(c, (d, c)) AS first_tie, sum(x::DECIMAL(38, 6))::DOUBLE AS exact_sum,
       count(*) FILTER (WHERE x > 2) AS over_two, bool_or(x > 9) AS any_big, any_value(n) AS first_known
FROM (VALUES (1.0::DOUBLE, DATE '2024-01-02', 'z', NULL), (2.5, DATE '2024-01-01', 'y', 'k'),
             (4.0, DATE '2024-01-01', 'x', NULL), (10.0, DATE '2024-01-03', 'w', NULL)) AS t(x, d, c, n)
"""


@pytest.mark.parametrize("sql", [PROBES, AGGREGATE_PROBES], ids=["scalars", "aggregates"])
def test_translation_probes(outcome, sql):
    """Each fix-up of metrics/spark/port.py, compared on both engines (sqlglot's own translation of
    several of these is silently wrong: a continuous quantile, months elapsed instead of crossed)."""
    import metrics.spark
    from data.warehouse import memory_connection
    from metrics.spark import port

    params = {"empty": [], "some": ["a", "b"]}
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    con = memory_connection()  # the schema and the macros of migration 009
    expected = con.execute(sql, used).df()
    with harness.engine("spark", outcome.url):
        spark = metrics.spark.session()
        text = port.to_spark(sql, dict(port.signature(used)), metrics.spark.schema())
        arrow = spark.sql(text, args=used).toArrow()
    got = metrics.spark._as_duckdb(con, sql, used, arrow)
    assert not harness.differences(expected, got, "probes")
    if "month_boundary" in expected:
        row = expected.iloc[0]
        assert (row["month_boundary"], row["year_boundary"], row["reversed_range"]) == (1, 1, 0)
        assert row["plus_month"] == pd.Timestamp(dt.date(2024, 2, 29))
