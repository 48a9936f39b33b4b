"""The app shell and the overview, driven through AppTest on the real app.py."""

from __future__ import annotations

import datetime as dt

import pytest

from data import registry
from metrics import overview
from metrics.filters import Filters, preset_range
from present.i18n import fmt_money
from tests.app.conftest import PAGES, ROOT, metric_values
from ui import cached


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_fresh_warehouse_builds_the_demo_and_renders(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("SALESLENS_DEMO_ORDERS", "15000")
    db = tmp_path / "fresh.duckdb"
    at = make_app(db)
    no_exception(at)
    found = registry.list_datasets(cached.current_warehouse().reader())
    assert [d.name for d in found] == ["demo"] and found[0].order_lines > 10_000
    assert len(at.metric) == 8
    assert metric_values(at)["Revenue"].startswith("¥")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(make_app, page, lang):
    at = make_app(lang=lang)
    at.switch_page(page).run()
    no_exception(at)
    assert at.title, "every page has a title"
    title = at.title[0].value
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title) == (lang == "zh")


def test_language_switch_relabels_everything_and_keeps_the_selection(make_app):
    at = make_app(lang="en", preset="ytd", channel="电商平台")
    english = metric_values(at)
    assert "Revenue" in english
    at.sidebar.radio(key="sidebar_lang").set_value("zh").run()
    no_exception(at)
    chinese = metric_values(at)
    assert "销售额" in chinese and "Revenue" not in chinese
    assert at.query_params["lang"] == "zh"
    # same selection, same numbers, only the words changed
    assert at.sidebar.selectbox(key="sidebar_preset").value == "ytd"
    assert at.sidebar.multiselect(key="sidebar_channels").value == ["电商平台"]
    assert chinese["订单数"] == english["Orders"]


def test_revenue_card_equals_the_metric(make_app, demo_db):
    at = make_app(lang="en")
    ds = registry.get_dataset(cached.current_warehouse().reader(), "demo")
    start, end = preset_range("last_year", ds.first_date, ds.last_date)
    cards = {c.key: c for c in overview.kpis(cached.current_warehouse().reader(), Filters("demo", start, end))}
    assert metric_values(at)["Revenue"] == fmt_money(cards["revenue"].value, "en")


def test_channel_filter_changes_the_numbers(make_app):
    at = make_app(lang="en")
    before = metric_values(at)["Revenue"]
    at.sidebar.multiselect(key="sidebar_channels").select("直播带货").run()
    no_exception(at)
    after = metric_values(at)["Revenue"]
    assert after != before
    assert at.query_params["channel"] in ("直播带货", ["直播带货"])


def test_url_parameters_round_trip(make_app):
    at = make_app(
        lang="zh",
        preset="custom",
        start="2024-03-01",
        end="2024-05-31",
        channel=["电商平台", "直播带货"],
        region="华东",
    )
    no_exception(at)
    assert at.sidebar.selectbox(key="sidebar_preset").value == "custom"
    assert tuple(at.sidebar.date_input(key="sidebar_dates").value) == (dt.date(2024, 3, 1), dt.date(2024, 5, 31))
    assert at.sidebar.multiselect(key="sidebar_channels").value == ["电商平台", "直播带货"]
    assert at.sidebar.multiselect(key="sidebar_regions").value == ["华东"]
    params = at.query_params
    assert params["start"] == "2024-03-01" and params["end"] == "2024-05-31" and params["lang"] == "zh"
    assert list(params["channel"]) == ["电商平台", "直播带货"]
    # the same link on another page keeps the selection
    at.switch_page("pages/overview.py").run()
    assert at.sidebar.multiselect(key="sidebar_channels").value == ["电商平台", "直播带货"]


def test_malformed_url_falls_back_quietly(make_app):
    at = make_app(lang="xx", preset="nonsense", start="2024-13-45", channel="no-such-channel", dataset="missing")
    no_exception(at)
    assert at.sidebar.selectbox(key="sidebar_dataset").value == "demo"
    assert at.sidebar.multiselect(key="sidebar_channels").value == []


def test_empty_selection_says_so(make_app):
    # The demo's planted blind spot: direct stores never sold in the northwest.
    at = make_app(lang="en", channel="直营门店", region="西北")
    no_exception(at)
    assert any("No sales" in info.value for info in at.info)
    assert not at.metric


def test_the_app_serves_while_another_process_loads(make_app, demo_db, tmp_path):
    """Issue 13: a load holding the warehouse's writer lock does not stop anyone reading."""
    import fcntl

    from tests.conftest import copy_warehouse

    db = copy_warehouse(demo_db, tmp_path / "busy")
    with (db / "writer.lock").open("a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        at = make_app(db, lang="en")
        assert not at.exception and not at.error
        assert metric_values(at)["Revenue"] != "—"


def test_a_warehouse_that_cannot_be_opened_gets_a_clear_message(make_app, tmp_path):
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(b"not a warehouse at all")  # a file where the folder should be: read as an old warehouse, and fails
    at = make_app(db, lang="en")
    assert not at.exception
    assert any("Cannot open the warehouse" in e.value for e in at.error)
    assert not at.metric


def test_every_page_first_makes_sure_it_runs_inside_the_shell():
    """Issue 12: on a fresh server a page can run alone (legacy multipage mode); its first statement
    after the imports must be ``require_shell()``, which reruns through app.py."""
    import ast

    for path in (ROOT / "pages").glob("*.py"):
        body = [
            node
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if not isinstance(node, (ast.Import, ast.ImportFrom))
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ]
        first = body[0]
        assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call), path.name
        assert getattr(first.value.func, "id", None) == "require_shell", path.name


def test_a_cli_load_shows_on_the_next_run(make_app, demo_db, tmp_path):
    """Issue 13: the app keeps the version its run started with; a load published meanwhile shows next run."""
    import subprocess
    import sys

    from tests.conftest import ROOT, copy_warehouse

    db = copy_warehouse(demo_db, tmp_path / "live")
    at = make_app(db, lang="en", preset="all")
    before = metric_values(at)["Revenue"]
    source = tmp_path / "more.csv"
    source.write_text(
        "order id,order date,customer id,channel,region,revenue\nX1,2025-12-30,C-new,电商平台,华东,5000000\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "data", "load", str(source), "--name", "demo", "--append", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout
    at.run()
    after = metric_values(at)["Revenue"]
    assert before != after
    assert [d.version for d in registry.list_datasets(cached.current_warehouse().reader())] == [2]
