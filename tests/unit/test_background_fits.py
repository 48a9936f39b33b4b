"""Background fits (ui.cached): a failed fit is tried again when a page needs it but not by a peek,
and a result kept on disk is not read back by another version of the metric's code or rules."""

from __future__ import annotations

import logging
import sys
import time

import pytest

from metrics import health
from ui import cached


@pytest.fixture
def fits(demo_db_copy, monkeypatch):
    """The demo warehouse copy as this process's warehouse, a run pinned to it, nothing fitted yet."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare mode: no runtime, no script context
    monkeypatch.setenv("SALESLENS_DB", str(demo_db_copy))
    cached._models().clear()
    cached.begin_run()
    yield
    cached._models().clear()


def _metric(monkeypatch, name, function):
    """``function`` as a metric of ``metrics.health`` (ui.cached runs only metrics.* functions)."""
    function.__module__, function.__qualname__ = "metrics.health", name
    monkeypatch.setattr(health, name, function, raising=False)
    return function


def _settle(metric, dataset="demo"):
    for _ in range(200):
        future = cached._models().get(cached._model_key(metric, dataset, {}))
        if future is not None and future.done():
            return
        time.sleep(0.05)
    raise AssertionError("the fit did not finish")


def test_a_failed_fit_is_kept_for_a_peek_and_tried_again_when_a_page_needs_it(fits, monkeypatch):
    calls = []

    def flaky(con, dataset):
        calls.append(dataset)
        if len(calls) == 1:
            raise RuntimeError("a fit that fails once")
        return {"rows": con.execute("SELECT count(*) FROM order_lines").fetchall()[0][0]}

    metric = _metric(monkeypatch, "flaky_fit_for_test", flaky)
    assert cached.peek_model(metric, "demo") is None  # started, not done
    _settle(metric)
    for _ in range(2):  # the overview's peek: the error, the same one, and no second attempt
        with pytest.raises(RuntimeError, match="fails once"):
            cached.model_ready(metric, "demo")
    assert len(calls) == 1
    result = cached.run_model(metric, "demo", wait_text="fitting")  # a page that needs it: tried again
    assert len(calls) == 2 and result["rows"] > 0
    assert cached.model_ready(metric, "demo") == (True, result)


def test_a_result_kept_on_disk_is_not_read_back_after_the_rules_change(fits, monkeypatch, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("limit = 1\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules["metrics.health"], "DERIVED_INPUTS", (rules,))
    cached._code_digest.cache_clear()
    before = cached._code_digest("metrics.health")
    assert cached._code_digest("metrics.health") == before  # the same rules: the same name on disk
    rules.write_text("limit = 2\n", encoding="utf-8")
    cached._code_digest.cache_clear()
    assert cached._code_digest("metrics.health") != before
    cached._code_digest.cache_clear()
