"""The one module that owns Streamlit caching.

The warehouse (``data.snapshots.Warehouse``) is read through an in-memory DuckDB reader over the
current snapshots; one reader per warehouse state (``st.cache_resource``, a few states kept), every
query on its own cursor (duckdb 2.0 refuses concurrent calls on one connection). Each script run
pins the state it started with (:func:`begin_run`), so a load that publishes mid-run shows on the
next run, never half-way. Metric results are cached with ``st.cache_data`` keyed by the warehouse
path, the dataset's snapshot and the filter values — never by DataFrames — so a reload or a new
upload can never show stale numbers.

Slow dataset-wide work (the customer-value model, the budget model) runs once per dataset version in
a background thread (:func:`prefetch_model`), started by the shell as soon as a dataset is shown; a
page that needs it waits behind a progress bar (:func:`run_model`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import inspect
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from data import access, registry, warehouse
from data.snapshots import Warehouse, WarehouseBusy, load_derived, save_derived  # noqa: F401 (WarehouseBusy: pages catch it here)
from data.state import Store
from metrics.filters import Filters

T = TypeVar("T")

DEMO_ORDERS = 300_000
_PINNED = threading.local()  # the registry rows a script run started with (a run is one thread)


def db_path() -> str:
    """The warehouse path for this process (``--db`` is copied into SALESLENS_DB by app.py)."""
    return str(warehouse.db_path(os.environ.get("SALESLENS_DB")))


def current_warehouse() -> Warehouse:
    return Warehouse.open(db_path())


def store() -> Store:
    """The user-state store (goals, scenarios, mappings): read and written fresh, never cached."""
    return current_warehouse().state


class WarehouseUnavailable(Exception):
    """The warehouse folder cannot be opened (permissions, a damaged file where the folder should be)."""


def begin_run() -> list[registry.Dataset]:
    """Read the registry (one small SQLite query) and pin this run to it; returns the datasets."""
    try:
        wh = current_warehouse()
        found = wh.datasets()
    except (OSError, duckdb.Error, sqlite3.Error) as error:
        raise WarehouseUnavailable(db_path()) from error
    _PINNED.token = wh.token()
    _PINNED.datasets = {d.name: d for d in found}
    return found


def _token() -> tuple:
    token = getattr(_PINNED, "token", None)
    if token is None:  # a fragment or a thread that did not start with the shell
        begin_run()
        token = _PINNED.token
    return token


@st.cache_resource(show_spinner=False, max_entries=4)
def _reader(path: str, token: tuple) -> duckdb.DuckDBPyConnection:
    return Warehouse.open(path).reader()


def connection() -> duckdb.DuckDBPyConnection:
    """The reader of the state this run pinned (read-only; writes go through the warehouse)."""
    return _reader(db_path(), _token())


@st.cache_resource(show_spinner=False)
def _engine_session(chosen: str, remote: str) -> bool:
    if chosen == "spark":
        from metrics import spark

        spark.session()
    return True


def engine_ready() -> None:
    """Open the chosen query engine once per process (DuckDB needs nothing opened).

    Raises ``metrics.db.EngineUnavailable`` when it cannot (a failure is not cached: the next run
    tries again). A Spark session takes seconds (a local one ~20 s), so the shell shows a spinner.
    """
    from metrics.db import engine

    _engine_session(engine(), os.environ.get("SALESLENS_SPARK_REMOTE", ""))


@st.cache_resource(show_spinner=False)
def _build_lock(path: str) -> threading.Lock:
    return threading.Lock()


def ensure_data(progress: Callable[[float, str], None]) -> bool:
    """Build the demo dataset when the warehouse is empty; True when it was built now.

    Two sessions opening a fresh app at once build it once: the second waits on the lock (and
    another process's build waits on the warehouse's writer lock).
    """
    wh = current_warehouse()
    if wh.datasets():
        return False
    with _build_lock(db_path()):
        if wh.datasets():
            return False
        from data import demo

        orders = int(os.environ.get("SALESLENS_DEMO_ORDERS", DEMO_ORDERS))
        demo.build_demo(wh, orders=orders, progress=progress)
    begin_run()
    return True


def datasets() -> list[registry.Dataset]:
    """The datasets this run pinned."""
    _token()
    return list(_PINNED.datasets.values())


def dataset(name: str) -> registry.Dataset | None:
    _token()
    return _PINNED.datasets.get(name)


_ALLOWED_MODULES = ("metrics.",)


def _resolve(qualname: str) -> Callable[..., Any]:
    module_name, _, attr = qualname.partition(":")
    if not module_name.startswith(_ALLOWED_MODULES):
        raise ValueError(f"not a metric: {qualname}")
    return getattr(importlib.import_module(module_name), attr)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_filtered(qualname: str, path: str, version: str, key: tuple, params: tuple, scope: tuple) -> Any:
    dataset_name, start, end, channels, regions = key
    f = Filters(dataset_name, start, end, channels, regions)
    return _resolve(qualname)(connection(), f, **dict(params))


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_dataset(qualname: str, path: str, version: str, dataset_name: str, params: tuple, scope: tuple) -> Any:
    return _resolve(qualname)(connection(), dataset_name, **dict(params))


def _version(dataset_name: str) -> str:
    """The dataset's snapshot in this run's pinned state: unique per version (a deleted and reloaded
    dataset restarts its version count, never its snapshot folder)."""
    for name, version, folder in _token():
        if name == dataset_name:
            return f"{version}:{folder}"
    return "-"


# A user whose scope limits regions or channels reads every result through a cursor that holds only
# their rows (data.scoped, applied in metrics.db.query): dataset-wide analyses (customer models,
# budget curves, forecasts, risks) are fitted on those rows, and every cache below is keyed by the
# scope as well. Refused to them (access.ScopeDenied, shown as a note by whole_dataset) are only
# results that describe the whole dataset whatever the rows: the demo's planted truths (the budget
# model check would compare a fit of the user's rows to curves planted for every row).
ROW_SCOPE_WHOLE = frozenset({"metrics.budget.check:planted"})


def version_key(dataset_name: str) -> tuple:
    """This run's version of the dataset and the acting user's row scope: what a result about the
    dataset's rows is kept by."""
    return (_version(dataset_name), scope_key())


def scope_key() -> tuple:
    """The acting user's row scope as a cache key part: () when it limits no rows."""
    return access.current().scope.rows_key


def whole_dataset(compute: Callable[[], T]) -> T | None:
    """``compute()``, a result about the whole dataset one section of a page shows; for a user whose
    scope limits rows, None and a note in place of that section, so the rest of the page still shows."""
    try:
        return compute()
    except access.ScopeDenied as refused:
        if refused.reason != "rows":
            raise
        from ui import state

        st.info(state.t("access_section_whole"))
        return None


def _check_read(qualname: str, dataset_name: str) -> access.Principal:
    """The acting principal when it may read ``dataset_name`` through ``qualname``; else ScopeDenied."""
    who = access.require_dataset(dataset_name)
    if who.scope.limits_rows and qualname in ROW_SCOPE_WHOLE:
        raise access.ScopeDenied("analysis.whole", who, "rows", dataset_name)
    return who


def run(metric: Callable[..., Any], f: Filters, **params: Any) -> Any:
    """``metric(con, f, **params)``, cached per dataset version and filter values.

    ``f`` carries the user's scope already (metrics.filters); a dataset outside it is refused.
    """
    access.require_dataset(f.dataset)
    qualname = f"{metric.__module__}:{metric.__qualname__}"
    return _cached_filtered(
        qualname, db_path(), _version(f.dataset), f.key(), tuple(sorted(params.items())), scope_key()
    )


def run_dataset(metric: Callable[..., Any], dataset_name: str, **params: Any) -> Any:
    """``metric(con, dataset_name, **params)``, cached per dataset version (scope: :func:`_check_read`)."""
    qualname = f"{metric.__module__}:{metric.__qualname__}"
    _check_read(qualname, dataset_name)  # rows outside a scope never reach the result (data.scoped)
    return _cached_dataset(
        qualname, db_path(), _version(dataset_name), dataset_name, tuple(sorted(params.items())), scope_key()
    )


# --- results derived in pandas from cached results ------------------------------------------------

MEMO_SLOTS = 256


@st.cache_resource(show_spinner=False)
def _memos() -> tuple[threading.Lock, OrderedDict]:
    return threading.Lock(), OrderedDict()


def memo(compute: Callable[[], T], f: Filters, *key: object) -> T:
    """``compute()``, kept per (dataset version, selection ``f``, ``key``) for every session of the process.

    For pandas work a page does on results of cached metrics (joins, reshapes) that would otherwise
    run on every rerun: ``key`` must name everything else ``compute`` depends on (the function,
    its parameters). The result is shared, so callers must not change it.
    """
    from ui.figures import rerun_cache_on

    if not rerun_cache_on():
        return compute()
    slot = (_version(f.dataset), f.key(), scope_key(), key)
    lock, items = _memos()
    with lock:
        if slot in items:
            items.move_to_end(slot)
            return items[slot]
    value = compute()
    with lock:
        items[slot] = value
        while len(items) > MEMO_SLOTS:
            items.popitem(last=False)
    return value


# --- models fitted once per dataset version, in the background -----------------------------------

MODEL_SLOTS = 24  # fitted models kept in memory per process (each also kept on disk beside its snapshot)


@st.cache_resource(show_spinner=False)
def _models() -> dict:
    """This process's fitted models and running fits: {key: Future}, shared by all sessions."""
    return {}


@st.cache_resource(show_spinner=False)
def _progress() -> dict:
    """The share done (0..1) of running fits that report it (a metric with a ``progress`` parameter)."""
    return {}


@st.cache_resource(show_spinner=False)
def _pool() -> ThreadPoolExecutor:
    # one fit at a time: a fit is CPU-bound, and two would slow every session of the process
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="saleslens-fit")


@functools.cache
def _code_digest(module_name: str) -> str:
    """A digest of the metric's module source and the files it lists in ``DERIVED_INPUTS`` (its rules,
    e.g. health.toml): a result kept on disk by an older version of either is not read back."""
    module = importlib.import_module(module_name)
    digest = hashlib.sha256()
    for path in (getattr(module, "__file__", None), *getattr(module, "DERIVED_INPUTS", ())):
        if path is not None:
            with contextlib.suppress(OSError):
                digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def _model_key(metric: Callable[..., Any], dataset_name: str, params: dict[str, Any]) -> tuple | None:
    """The fit's key in this process: metric, warehouse, snapshot folder, dataset, parameters, scope."""
    folder = next((f for name, _, f in _token() if name == dataset_name), None)
    if folder is None:
        return None
    qualname = f"{metric.__module__}:{metric.__qualname__}"
    return (qualname, db_path(), folder, dataset_name, tuple(sorted(params.items())), scope_key())


def _model_future(metric: Callable[..., Any], dataset_name: str, params: dict[str, Any]) -> Future | None:
    """The fit's future for this run's version of the dataset, started (or found on disk) when needed."""
    key = _model_key(metric, dataset_name, params)
    if key is None:
        return None
    qualname, folder, scope, token, who = key[0], key[2], key[5], _token(), access.current()
    models = _models()
    future = models.get(key)
    if future is None:
        # a fit of a scoped user's rows is kept apart from the whole dataset's (and from other scopes'),
        # and a fit kept by another version of the metric's code or rules is not read back
        name = f"{qualname}|{key[4]!r}" + (f"|scope={scope!r}" if scope else "") + f"|{_code_digest(metric.__module__)}"
        path = current_warehouse().derived_path(folder, name)

        def fit() -> Any:
            loaded = load_derived(path)
            if loaded is not None:
                return loaded
            function, extra = _resolve(qualname), {}
            if "progress" in inspect.signature(function).parameters:
                extra["progress"] = lambda share: _progress().__setitem__(key, float(share))
            with access.acting_as(who):  # the fit thread queries as the user: their rows (metrics.db)
                result = function(_reader(key[1], token), dataset_name, **params, **extra)
            save_derived(path, result)
            return result

        future = _pool().submit(fit)
        models[key] = future
        while len(models) > MODEL_SLOTS:  # forget the oldest finished fits
            oldest = next((k for k, f in models.items() if f.done()), None)
            if oldest is None:
                break
            models.pop(oldest)
    return future


def prefetch_model(metric: Callable[..., Any], dataset_name: str, **params: Any) -> None:
    """Start fitting in the background now (the shell calls this for the selected dataset; for a
    user whose scope limits rows, a fit of their rows).

    ``SALESLENS_PREFETCH=0`` starts nothing ahead: a fit then starts when a page first needs it (the
    AppTests run so, because fits started for every fresh test dataset would compete with the test).
    """
    if os.environ.get("SALESLENS_PREFETCH", "1") == "0":
        return
    try:
        _check_read(f"{metric.__module__}:{metric.__qualname__}", dataset_name)
    except access.PermissionDenied:
        return
    _model_future(metric, dataset_name, params)


def peek_model(metric: Callable[..., Any], dataset_name: str, **params: Any) -> Any | None:
    """The background fit's result when it is ready (the fit is started if it was not), else None:
    for a page that shows something useful without it instead of waiting (the overview)."""
    return model_ready(metric, dataset_name, **params)[1]


def model_ready(metric: Callable[..., Any], dataset_name: str, **params: Any) -> tuple[bool, Any]:
    """(True, the result) when the background fit is done, else (False, None), the fit started if it
    was not: for a metric whose result may itself be None (a dataset without a customers file)."""
    future = _model_future(metric, dataset_name, params)
    if future is None or not future.done():
        return False, None
    return True, future.result()


def run_model(metric: Callable[..., Any], dataset_name: str, *, wait_text: str, **params: Any) -> Any:  # noqa: D417
    """``metric(con, dataset_name, **params)`` fitted once per dataset version in the background.

    Kept in memory and beside the dataset's snapshot on disk (other processes and restarts reuse it).
    While the fit runs, the page shows a progress bar with ``wait_text`` and the elapsed time.
    """
    _check_read(f"{metric.__module__}:{metric.__qualname__}", dataset_name)
    future = _model_future(metric, dataset_name, params)
    if future is not None and future.done() and future.exception() is not None:
        # a fit that failed is tried again when a page needs it (as st.cache_data does not keep an
        # error); the overview, which only peeks, shows the kept error instead of retrying in a loop
        _models().pop(_model_key(metric, dataset_name, params), None)
        future = _model_future(metric, dataset_name, params)
    if future is None:
        return run_dataset(metric, dataset_name, **params)
    if not future.done():
        bar = st.progress(0.0, text=wait_text)
        began = time.monotonic()
        reported = _progress()
        while not future.done():
            elapsed = time.monotonic() - began
            share = next(
                (
                    v
                    for k, v in reported.items()
                    if k[0] == f"{metric.__module__}:{metric.__qualname__}"
                    and k[3] == dataset_name
                    and k[5] == scope_key()
                ),
                None,
            )
            # a fit that reports nothing still shows it is moving: a bar that slows as it nears the end
            share = elapsed / (elapsed + 10.0) if share is None else share
            bar.progress(min(max(share, 0.0), 0.99), text=f"{wait_text} · {elapsed:.0f} s")
            time.sleep(0.25)
        bar.empty()
    return future.result()


def clear() -> None:
    """Forget cached results (after a load or delete changed the registry)."""
    _cached_filtered.clear()
    _cached_dataset.clear()
