"""The Goals page and the overview's goals section through AppTest: both languages, creating, editing
and deleting goals through the forms, rates typed in percent, unmeasurable goals explained."""

from __future__ import annotations

import datetime as dt

import pytest

from data import warehouse
from metrics import goals
from present import i18n
from tests.conftest import copy_warehouse
from tests.tiny import line, warehouse_with
from ui import cached

GOALS, OVERVIEW = "pages/goals.py", "pages/overview.py"


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def own_db(demo_db, tmp_path):
    """A copy of the demo warehouse, so goals made here never reach other tests."""
    copy = tmp_path / "goals.duckdb"
    copy_warehouse(demo_db, copy)
    return copy


def open_goals(make_app, db, **query):
    at = make_app(db, **query)
    at.switch_page(GOALS).run()
    no_exception(at)
    return at


def submit(at, label: str, *, ok: bool = True):
    next(b for b in at.button if b.label == label).click().run()
    if ok:
        no_exception(at)
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goals_page_in_both_languages_starts_empty(make_app, own_db, lang):
    at = open_goals(make_app, own_db, lang=lang)
    assert at.title[0].value == i18n.t("goals_title", lang)
    assert at.info[0].value == i18n.t("goals_none", lang)


def test_create_edit_and_delete_through_the_forms(make_app, own_db):
    at = open_goals(make_app, own_db, lang="en")
    at.selectbox(key="goals_new_metric").set_value("churn_rate")
    at.number_input(key="goals_new_target").set_value(5.0)  # percent
    at.text_input(key="goals_new_owner").set_value("Ann <b>")
    at.multiselect(key="goals_new_channels").select("电商平台")
    submit(at, "Create goal")
    saved = goals.list_goals(cached.store(), "demo")
    assert len(saved) == 1
    goal = saved[0]
    assert goal.metric == "churn_rate" and goal.target == pytest.approx(0.05) and goal.owner == "Ann <b>"
    assert goal.channels == ("电商平台",) and goal.baseline is not None
    assert "Goal created" in at.success[0].value
    table = at.dataframe[0].value
    assert table["Owner"].tolist() == ["Ann <b>"] and table["Target"].tolist() == ["5.0%"]

    at.number_input(key=f"goals_edit_{goal.id}_target").set_value(4.0)
    submit(at, "Save changes")
    assert goals.get(cached.store(), "demo", goal.id).target == pytest.approx(0.04)

    at.switch_page(OVERVIEW).run()
    no_exception(at)
    overview_table = at.dataframe[-1].value
    assert overview_table["Target"].tolist() == ["4.0%"]
    assert overview_table["Status"].iloc[0] in {i18n.t(f"goals_status_{s}", "en") for s in goals.STATUSES}

    at.switch_page(GOALS).run()
    at.button(key=f"goals_delete_{goal.id}").click().run()
    no_exception(at)
    assert goals.list_goals(cached.store(), "demo") == []
    assert at.info[0].value == i18n.t("goals_none", "en")


def test_invalid_goal_shows_the_reason(make_app, own_db):
    at = open_goals(make_app, own_db, lang="zh")
    at.number_input(key="goals_new_target").set_value(100.0)
    submit(at, i18n.t("goals_create", "zh"), ok=False)  # no owner
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("goals_err_owner", "zh")]
    assert goals.list_goals(cached.store(), "demo") == []


def test_unmeasurable_goal_says_why(make_app, tmp_path):
    db = tmp_path / "anon.duckdb"
    wh = warehouse.open_warehouse(db)
    rows = [line(f"o{k}", f"2024-0{k}-10", None, "A", "R1", 100.0 * k) for k in range(1, 7)]
    con = warehouse_with(rows, name="anon", con=wh)
    goals.create(
        con,
        goals.Goal(
            "anon", "repeat_rate", 0.4, dt.date(2025, 1, 31), "Li", baseline=0.2, baseline_date=dt.date(2024, 6, 1)
        ),
        store=wh.state,
    )
    at = open_goals(make_app, db, lang="en", dataset="anon", preset="all")
    table = at.dataframe[0].value
    assert table["Status"].tolist() == ["Cannot be measured"]
    assert table["Note"].iloc[0] == i18n.t("goals_why_no_customer", "en")
    at.switch_page(OVERVIEW).run()
    no_exception(at)
    assert at.dataframe[-1].value["Note"].iloc[0] == i18n.t("goals_why_no_customer", "en")
