"""Run the calls of :mod:`tests.conformance.calls` on each engine and compare what they return.

Both engines go through the real :func:`metrics.db.query`. The DuckDB pass runs with the Spark engine
chosen but :func:`metrics.spark.run` answering from the DuckDB reader, which records every query
(name and bound values) the Spark pass will send. Those queries then run on Spark, several at a time
(each is latency-bound: planning and scheduling cost more than the scans of a small demo), and the
Spark pass answers each query from those results; a query the DuckDB pass did not record runs on
Spark when asked. So every frame of the Spark pass came from Spark, only in another order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

import metrics.spark
from metrics.db import sql_text

REL = 1e-9  # money and other floats: relative tolerance
ABS = 1e-9  # ... and absolute, for sums that cancel to about zero


def freeze(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def key(name: str, params: dict[str, object]) -> tuple:
    return (name, tuple(sorted((k, freeze(v)) for k, v in params.items())))


@contextlib.contextmanager
def engine(name: str, remote: str | None = None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("SALESLENS_ENGINE", "SALESLENS_SPARK_REMOTE")}
    os.environ["SALESLENS_ENGINE"] = name
    if remote is not None:
        os.environ["SALESLENS_SPARK_REMOTE"] = remote
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Recorder:
    """Stands in for :func:`metrics.spark.run`: DuckDB answers (recording), or Spark's results do."""

    def __init__(self) -> None:
        self.real = metrics.spark.run
        self.recorded: dict[tuple, tuple[str, dict[str, object]]] = {}
        self.spark: dict[tuple, object] = {}  # key -> DataFrame or the exception Spark raised
        self.seconds: dict[tuple, float] = {}
        self.asked: set[tuple] = set()  # queries the Spark pass asked for
        self.mode = "record"

    def __call__(self, con, name: str, sql: str, params: dict[str, object]) -> pd.DataFrame:
        k = key(name, params)
        if self.mode == "record":
            self.recorded.setdefault(k, (name, dict(params)))
            return con.cursor().execute(sql, params).df()
        self.asked.add(k)
        if k not in self.spark:
            self._run(con, k, name, params)
        found = self.spark[k]
        if isinstance(found, Exception):
            raise found
        return found.copy()

    def _run(self, con, k: tuple, name: str, params: dict[str, object]) -> None:
        began = time.perf_counter()
        try:
            self.spark[k] = self.real(con, name, sql_text(name), params)
        except Exception as error:  # kept, and raised again where the metric asks for it
            self.spark[k] = error
        self.seconds[k] = time.perf_counter() - began

    def prefetch(self, con, workers: int = 3) -> None:
        """Run every recorded query on Spark, ``workers`` at a time."""
        self.mode = "spark"
        todo = [(k, name, params) for k, (name, params) in self.recorded.items() if k not in self.spark]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda item: self._run(con, *item), todo))


# --- comparing ---------------------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= max(REL * max(abs(a), abs(b)), ABS)


def _cells_differ(a: pd.Series, b: pd.Series) -> int:
    if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
        x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            same = (
                (np.isnan(x) & np.isnan(y))
                | (x == y)
                | (np.abs(x - y) <= np.maximum(REL * np.maximum(np.abs(x), np.abs(y)), ABS))
            )
        return int((~same).sum())
    return sum(not _same(p, q) for p, q in zip(a.tolist(), b.tolist(), strict=True))


def frame_differences(a: pd.DataFrame, b: pd.DataFrame, where: str) -> list[str]:
    if list(a.columns) != list(b.columns):
        return [f"{where}: columns {list(a.columns)} vs {list(b.columns)}"]
    found = []
    dtypes = [(c, str(a[c].dtype), str(b[c].dtype)) for c in a.columns if str(a[c].dtype) != str(b[c].dtype)]
    if dtypes:
        found.append(f"{where}: dtypes differ {dtypes}")
    if len(a) != len(b):
        return [*found, f"{where}: {len(a)} rows vs {len(b)}"]
    if list(a.index) != list(b.index):
        found.append(f"{where}: index differs")
    for column in a.columns:
        n = _cells_differ(a[column].reset_index(drop=True), b[column].reset_index(drop=True))
        if n:
            found.append(f"{where}.{column}: {n} of {len(a)} rows differ")
    return found


def _same(p: object, q: object) -> bool:
    return not differences(p, q, "")


def differences(a: object, b: object, where: str = "result") -> list[str]:
    """What differs between a DuckDB result ``a`` and a Spark result ``b``: counts, strings and
    order exactly, floats within REL relative (ABS absolute near zero)."""
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        return frame_differences(a, b, where)
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        return frame_differences(a.to_frame(), b.to_frame(), where)
    if type(a) is not type(b) and not (
        isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number))
    ):
        if not (a is None or b is None) or a is not b:
            return [f"{where}: {type(a).__name__} vs {type(b).__name__}"]
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return [
            d
            for f in dataclasses.fields(a)
            for d in differences(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        ]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} vs {list(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{where}[{k!r}]")]
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items vs {len(b)}"]
        return [d for i, (p, q) in enumerate(zip(a, b, strict=True)) for d in differences(p, q, f"{where}[{i}]")]
    if isinstance(a, np.ndarray):
        if a.shape != b.shape:
            return [f"{where}: shape {a.shape} vs {b.shape}"]
        if a.dtype.kind == "f":
            return [] if _cells_differ(pd.Series(a.ravel()), pd.Series(b.ravel())) == 0 else [f"{where}: arrays differ"]
        return [] if np.array_equal(a, b) else [f"{where}: arrays differ"]
    if isinstance(a, (float, np.floating)) or isinstance(b, (float, np.floating)):
        if a is None or b is None:
            return [] if a is b else [f"{where}: {a!r} vs {b!r}"]
        return [] if _close(float(a), float(b)) else [f"{where}: {a!r} vs {b!r}"]
    if a is pd.NA or a is pd.NaT:  # before dates: NaT is a datetime that equals nothing, itself included
        return [] if b is a else [f"{where}: {a!r} vs {b!r}"]
    if isinstance(a, (dt.date, str, int, bool, np.integer, np.bool_)) or a is None:
        return [] if a == b or (a is None and b is None) else [f"{where}: {a!r} vs {b!r}"]
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]
