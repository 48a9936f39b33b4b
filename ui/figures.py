"""Built charts, kept between reruns: a figure is rebuilt only when its data or language changes.

Building a plotly figure validates every property it sets; on a warm rerun (a widget moved, the
page reopened) that was most of a page's server CPU — ~75 of ~115 ms on the overview at 1M lines —
while the data behind it had not changed. ``figure(builder, *args)`` returns the figure the same
builder made from equal arguments (compared by content: frames by their values, index, columns and
dtypes), else builds it. Figures are shared by every session of the process, so nothing may change
a figure after it is built; pages pass it straight to ``st.plotly_chart``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

MAX_FIGURES = 256  # ~30 KB each for the app's charts


def rerun_cache_on() -> bool:
    """``SALESLENS_RERUN_CACHE=0`` turns off this cache and ``ui.cached.memo`` (to measure what they save)."""
    return os.environ.get("SALESLENS_RERUN_CACHE", "1") != "0"


class _Uncacheable(Exception):
    """An argument whose content cannot be digested: build without the cache."""


def _feed(digest: Any, value: object) -> None:
    if isinstance(value, pd.DataFrame):
        digest.update(b"F" + repr((list(value.columns), [str(d) for d in value.dtypes], value.shape)).encode())
        digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, pd.Series):
        digest.update(b"S" + repr((value.name, str(value.dtype), value.shape)).encode())
        digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, np.ndarray):
        digest.update(b"A" + repr((value.dtype.str, value.shape)).encode() + np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update(b"L%d" % len(value))
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(b"D%d" % len(value))
        for name in sorted(value, key=repr):
            _feed(digest, name)
            _feed(digest, value[name])
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(b"C" + type(value).__qualname__.encode())
        for field in dataclasses.fields(value):
            _feed(digest, getattr(value, field.name))
    elif value is None or isinstance(value, (str, int, float, bool, complex, bytes)) or hasattr(value, "isoformat"):
        digest.update(b"V" + repr((type(value).__name__, value)).encode())
    else:
        raise _Uncacheable(type(value).__name__)


def content_key(builder: Callable[..., go.Figure], args: tuple, kwargs: dict) -> str | None:
    """What identifies a figure: the builder and the content of its arguments (None: cannot tell)."""
    digest = hashlib.sha256(f"{builder.__module__}.{builder.__qualname__}".encode())
    try:
        _feed(digest, list(args))
        _feed(digest, kwargs)
    except _Uncacheable:
        return None
    return digest.hexdigest()


class _Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, go.Figure] = OrderedDict()

    def get(self, key: str) -> go.Figure | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: str, fig: go.Figure) -> None:
        with self.lock:
            self.items[key] = fig
            while len(self.items) > MAX_FIGURES:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _figures() -> _Figures:
    return _Figures()


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """``builder(*args, **kwargs)``, or the figure it built from equal arguments before."""
    key = content_key(builder, args, kwargs) if rerun_cache_on() else None
    if key is None:
        return builder(*args, **kwargs)
    store = _figures()
    found = store.get(key)
    if found is None:
        found = builder(*args, **kwargs)
        store.put(key, found)
    return found
