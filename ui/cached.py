"""The one module that owns Streamlit caching.

One DuckDB connection per process (``st.cache_resource``); every query runs on its own cursor
(duckdb 2.0 refuses concurrent calls on one connection). Metric results are cached with
``st.cache_data`` keyed by the warehouse path, the dataset's version and the filter values —
never by DataFrames — so a reload or a new upload can never show stale numbers.

Slow dataset-wide work (the budget model's fits) runs in a background thread once per dataset
version (:func:`start_dataset`), started by the shell as soon as a dataset is shown; a page that
needs the result waits for it behind a progress bar (:func:`wait`).
"""

from __future__ import annotations

import importlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import streamlit as st

from data import registry, warehouse
from metrics.filters import Filters

DEMO_ORDERS = 300_000


def db_path() -> str:
    """The warehouse path for this process (``--db`` is copied into SALESLENS_DB by app.py)."""
    return str(warehouse.db_path(os.environ.get("SALESLENS_DB")))


class WarehouseBusy(Exception):
    """Another process (a CLI load, a second server) holds the warehouse file."""


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return warehouse.connect(path)


def connection() -> duckdb.DuckDBPyConnection:
    """This process's one connection; WarehouseBusy when DuckDB cannot lock the file."""
    try:
        return _connection(db_path())
    except duckdb.IOException as error:  # DuckDB lets one process at a time hold a file
        raise WarehouseBusy(db_path()) from error


@st.cache_resource(show_spinner=False)
def _build_lock(path: str) -> threading.Lock:
    return threading.Lock()


def ensure_data(progress: Callable[[float, str], None]) -> bool:
    """Build the demo dataset when the warehouse is empty; True when it was built now.

    Two sessions opening a fresh app at once build it once: the second waits on the lock.
    """
    con = connection()
    if registry.list_datasets(con):
        return False
    with _build_lock(db_path()):
        if registry.list_datasets(con):
            return False
        from data import demo

        orders = int(os.environ.get("SALESLENS_DEMO_ORDERS", DEMO_ORDERS))
        demo.build_demo(con, orders=orders, progress=progress)
    return True


def datasets() -> list[registry.Dataset]:
    """The registry, read fresh each run (a single tiny query)."""
    return registry.list_datasets(connection())


def dataset(name: str) -> registry.Dataset | None:
    return registry.get_dataset(connection(), name)


_ALLOWED_MODULES = ("metrics.",)


def _resolve(qualname: str) -> Callable[..., Any]:
    module_name, _, attr = qualname.partition(":")
    if not module_name.startswith(_ALLOWED_MODULES):
        raise ValueError(f"not a metric: {qualname}")
    return getattr(importlib.import_module(module_name), attr)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_filtered(qualname: str, path: str, version: int, key: tuple, params: tuple) -> Any:
    dataset_name, start, end, channels, regions = key
    f = Filters(dataset_name, start, end, channels, regions)
    return _resolve(qualname)(_connection(path), f, **dict(params))


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_dataset(qualname: str, path: str, version: int, dataset_name: str, params: tuple) -> Any:
    return _resolve(qualname)(_connection(path), dataset_name, **dict(params))


def _version(dataset_name: str) -> int:
    found = dataset(dataset_name)
    return found.version if found else -1


def run(metric: Callable[..., Any], f: Filters, **params: Any) -> Any:
    """``metric(con, f, **params)``, cached per dataset version and filter values."""
    qualname = f"{metric.__module__}:{metric.__qualname__}"
    return _cached_filtered(qualname, db_path(), _version(f.dataset), f.key(), tuple(sorted(params.items())))


def run_dataset(metric: Callable[..., Any], dataset_name: str, **params: Any) -> Any:
    """``metric(con, dataset_name, **params)``, cached per dataset version."""
    qualname = f"{metric.__module__}:{metric.__qualname__}"
    return _cached_dataset(qualname, db_path(), _version(dataset_name), dataset_name, tuple(sorted(params.items())))


def clear() -> None:
    """Forget cached results (after a load or delete changed the registry)."""
    _cached_filtered.clear()
    _cached_dataset.clear()


@dataclass
class Job:
    """A background computation: its share done (0..1), its result or error once ``done`` is set."""

    progress: float = 0.0
    result: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


MAX_JOBS = 16


@st.cache_resource(show_spinner=False)
def _jobs() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def start_dataset(metric: Callable[..., Any], dataset_name: str) -> Job:
    """Run ``metric(con, dataset_name, progress=...)`` in a background thread, once per dataset version
    in this process, and return its job (the running or finished one when it was started before)."""
    found = dataset(dataset_name)
    key = (f"{metric.__module__}:{metric.__qualname__}", db_path(), dataset_name,
           found.version if found else -1)
    jobs, lock = _jobs()
    with lock:
        if key in jobs:
            return jobs[key]
        job = jobs[key] = Job()
        while len(jobs) > MAX_JOBS:
            jobs.popitem(last=False)
    cursor = connection().cursor()  # one cursor per thread: DuckDB connections are not shared across threads

    def work() -> None:
        try:
            job.result = metric(cursor, dataset_name, progress=lambda share: setattr(job, "progress", float(share)))
        except BaseException as error:  # the page that waits re-raises it where it can be shown
            job.error = error
        finally:
            job.done.set()

    threading.Thread(target=work, name=f"saleslens-{metric.__name__}", daemon=True).start()
    return job


def wait(job: Job, text: str) -> Any:
    """The job's result; while it runs, a progress bar with ``text``."""
    if not job.done.is_set():
        bar = st.progress(job.progress, text=text)
        while not job.done.wait(0.2):
            bar.progress(min(max(job.progress, 0.0), 1.0), text=text)
        bar.empty()
    if job.error is not None:
        raise job.error
    return job.result

