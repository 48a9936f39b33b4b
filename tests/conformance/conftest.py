"""Conformance: DuckDB and Spark give the same answers (README "Scale out").

A real Spark Connect server (the pyspark package's own, Java 17) starts on 127.0.0.1 and a free port
for the session, with the JIT's first tier only (``-XX:TieredStopAtLevel=1``: a faster start and
faster small queries) and stops at the end. Required in CI (CI=true); elsewhere skipped with the
reason printed when pyspark or Java is missing, like the browser tests.

The session fixture :func:`outcome` does the work once: it builds a small demo, runs every call of
:mod:`tests.conformance.calls` and every CLI export on DuckDB while the server boots, then the same
on Spark (:mod:`tests.conformance.harness` says how the queries are batched); the tests compare.
"""

from __future__ import annotations

import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest

from tests.conformance import calls, harness
from tests.conformance.calls import DATASET
from tests.conformance.harness import engine
from tests.conftest import ROOT, in_ci

DEMO_ORDERS = 4_000  # a small demo: Spark's cost is per query here, not per line
WORKERS = 4  # Spark queries at a time


def spark_missing() -> str | None:
    """Why the Spark side cannot run here, or None."""
    try:
        from metrics.spark import server
    except ImportError as error:  # pyspark / sqlglot not installed
        return f"{error}: pip install -r requirements.txt"
    try:
        server.spark_home()
    except ImportError:
        return "pyspark is not installed: pip install -r requirements.txt"
    return server.java_available()


def require_spark() -> None:
    why = spark_missing()
    if why is None:
        return
    reason = f"Spark conformance tests need pyspark and Java 17: {why}"
    if in_ci():
        pytest.fail(reason + " (required in CI)")
    print(reason)
    pytest.skip(reason)


@dataclass
class Outcome:
    db: Path
    url: str
    duck: dict[str, object] = field(default_factory=dict)
    spark: dict[str, object] = field(default_factory=dict)
    csv_duck: dict[str, bytes] = field(default_factory=dict)
    csv_spark: dict[str, bytes] = field(default_factory=dict)
    recorder: harness.Recorder | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _attempt(call, *args: object) -> object:
    try:
        return call(*args)
    except Exception as error:  # compared like a result: a failure on one side is a difference
        return RuntimeError(f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=-3)}")


def _export(name: str, db: Path, out: Path) -> bytes:
    from cli import main as cli

    code = cli.main(["export", name, "--dataset", DATASET, "--db", str(db), "--out", str(out)])
    if code != 0:
        raise RuntimeError(f"export {name} exited {code}")
    return out.read_bytes()


@pytest.fixture(scope="session")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    require_spark()
    import metrics.spark
    from data import warehouse
    from metrics.budget import model
    from metrics.db import DUCKDB_ONLY, SQL_DIR, query
    from metrics.spark import server

    began = time.perf_counter()
    work = tmp_path_factory.mktemp("conformance")
    db = work / "demo"
    subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", str(DEMO_ORDERS), "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    spark_server = server.start(work / "spark", fast_start=True, memory="1g", shuffle_partitions=2, wait=False)
    try:
        result = Outcome(db, spark_server.url)
        con = warehouse.connect(db)
        ctx = calls.context(con, db)
        recorder = result.recorder = harness.Recorder()
        with mock.patch.object(metrics.spark, "run", recorder):
            # DuckDB, while the server boots: the reference results, and the queries Spark will get
            t = time.perf_counter()
            with engine("spark", spark_server.url):  # recording: DuckDB answers every query
                for name, call in calls.CALLS.items():
                    result.duck[name] = _attempt(call, ctx)
                reached = {name for name, _ in recorder.recorded.values()}
                direct = [p.stem for p in sorted(SQL_DIR.glob("*.sql")) if p.stem not in set(DUCKDB_ONLY) | reached]
                params = calls.query_params(ctx.selection, ctx.customer)
                for name in direct:  # queries no metric function reached on this demo
                    result.duck[f"query.{name}"] = _attempt(lambda n=name: query(con, n, **params))
                for name in calls.EXPORTS:
                    _attempt(_export, name, db, work / f"record-{name}.csv")
            with engine("duckdb"):
                for name in calls.EXPORTS:
                    result.csv_duck[name] = _export(name, db, work / f"duckdb-{name}.csv")
            result.seconds["duckdb pass"] = time.perf_counter() - t

            model._MEMO.clear()  # the budget model is kept per dataset version: fit it again from Spark's rows
            t = time.perf_counter()
            spark_server.wait()
            result.seconds["server start (after the DuckDB pass)"] = time.perf_counter() - t
            with engine("spark", spark_server.url):
                t = time.perf_counter()
                metrics.spark.session().sql("SELECT 1").collect()  # the JVM's first query warms it up
                metrics.spark.views(con)
                result.seconds["session, first query, views"] = time.perf_counter() - t
                t = time.perf_counter()
                recorder.prefetch(con, workers=WORKERS)
                result.seconds[f"{len(recorder.spark)} Spark queries, {WORKERS} at a time"] = time.perf_counter() - t
                t = time.perf_counter()
                for name, call in calls.CALLS.items():
                    result.spark[name] = _attempt(call, ctx)
                for name in direct:
                    result.spark[f"query.{name}"] = _attempt(lambda n=name: query(con, n, **params))
                for name in calls.EXPORTS:
                    result.csv_spark[name] = _attempt(_export, name, db, work / f"spark-{name}.csv")
                result.seconds["Spark pass (queries not recorded run here)"] = time.perf_counter() - t
        con.close()
        result.seconds["whole fixture"] = time.perf_counter() - began
        print("\n[conformance] " + "; ".join(f"{k}: {v:.1f} s" for k, v in result.seconds.items()))
        slowest = sorted(recorder.seconds.items(), key=lambda item: -item[1])[:5]
        print("[conformance] slowest Spark queries: " + ", ".join(f"{k[0]} {v:.1f} s" for k, v in slowest))
        yield result
    finally:
        with engine("spark", spark_server.url):
            metrics.spark.stop()
        spark_server.stop()
