"""The advisor page through AppTest: both languages, stage/industry/weights move the recommendation to
exactly what metrics.advisor computes, next-step buttons open the right page with the right filter and
pre-fill, and the report is built for download."""

from __future__ import annotations

import dataclasses

import pytest

from data import registry
from metrics import advisor
from metrics.budget import budget_model
from metrics.filters import Filters, preset_range
from present import i18n
from present.sentences import advisor as advisor_text
from ui import cached
from ui.widgets import escape_markdown

ADVISOR = "pages/advisor.py"


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_advisor(make_app, **query):
    at = make_app(**query)
    at.switch_page(ADVISOR).run()
    no_exception(at)
    return at


def evidence() -> advisor.Evidence:
    ds = registry.get_dataset(cached.connection(), "demo")
    start, end = preset_range("last_year", ds.first_date, ds.last_date)
    return advisor.measure(cached.connection(), Filters("demo", start, end))


def verdict(at) -> str:
    return at.subheader[0].value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_advisor_renders_the_recommendation_in_both_languages(make_app, lang):
    at = open_advisor(make_app, lang=lang)
    title = at.title[0].value
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title) == (lang == "zh")
    expected = advisor.combine(evidence(), "startup", "manufacturing")
    assert verdict(at) == escape_markdown(advisor_text.verdict_text(expected, lang))
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == len(advisor.SIGNALS)
    # the demo's startup preset meets ~57% churn: the contradiction is spelled out
    assert any(("初创期" if lang == "zh" else "Startup") in w.value for w in at.warning)


def test_stage_industry_and_weights_move_the_score(make_app):
    at = open_advisor(make_app, lang="en")
    ev = evidence()
    at.selectbox(key="advisor_stage").set_value("mature").run()
    no_exception(at)
    mature = advisor.combine(ev, "mature", "manufacturing")
    assert verdict(at) == escape_markdown(advisor_text.verdict_text(mature, "en"))
    at.selectbox(key="advisor_industry").set_value("b2b").run()
    b2b = advisor.combine(ev, "mature", "b2b")
    assert b2b.score > mature.score
    assert verdict(at) == escape_markdown(advisor_text.verdict_text(b2b, "en"))
    at.slider(key="advisor_data_weight").set_value(0.0).run()
    no_exception(at)
    presets_only = advisor.combine(ev, "mature", "b2b", dataclasses.replace(advisor.default_config(), data_weight=0.0))
    assert presets_only.score == pytest.approx(presets_only.prior)
    assert verdict(at) == escape_markdown(advisor_text.verdict_text(presets_only, "en"))
    # a signal's weight set to 0 drops it from the reasons
    at.slider(key="advisor_data_weight").set_value(0.6).run()
    before = len(at.markdown)
    at.number_input(key="advisor_weight_churn_rate").set_value(0.0).run()
    no_exception(at)
    assert len(at.markdown) <= before


def test_budget_button_opens_the_budget_page_pre_filled(make_app):
    at = open_advisor(make_app, lang="en")
    expected = advisor.combine(evidence(), "startup", "manufacturing").split
    at.button(key="advisor_go_budget").click().run()  # callback sets the pre-fill; the run switches page
    no_exception(at)
    assert at.title[0].value == i18n.t("budget_title", "en")
    planned = at.session_state["_budget_alloc"]
    assert sum(planned) == pytest.approx(expected.total, rel=1e-6)
    model = cached.run_dataset(budget_model, "demo")
    crm = sum(x for x, lever in zip(planned, model.levers, strict=True) if lever.kind == "crm")
    assert crm / sum(planned) == pytest.approx(expected.crm_share, abs=1e-4)


def test_next_step_sets_the_channel_filter(make_app):
    at = open_advisor(make_app, lang="en")
    advice = advisor.combine(evidence(), "startup", "manufacturing")
    index, action = next((i, a) for i, a in enumerate(advice.actions[:-1]) if a.channels)
    at.button(key=f"advisor_go_{index}").click().run()
    no_exception(at)
    assert at.sidebar.multiselect(key="sidebar_channels").value == list(action.channels)
    assert at.title[0].value == i18n.t(f"{action.page}_title", "en")  # every page's title key is <page>_title


def test_report_is_built_for_download(make_app):
    at = open_advisor(make_app, lang="zh")
    at.checkbox(key="advisor_report_images").uncheck().run()
    at.button(key="advisor_report_build").click().run()
    no_exception(at)
    built = at.session_state["_advisor_report"][2]
    assert "经营报告" in built.html and built.image_count == 0 and built.xlsx[:2] == b"PK"


def test_without_customer_ids_the_missing_signals_are_listed(make_app, tmp_path):
    from data import warehouse
    from tests.tiny import line, warehouse_with

    db = tmp_path / "anon.duckdb"
    rows = [line(f"o{k}", f"2024-{k:02d}-10", None, "AB"[k % 2], "R1", 100.0 * k) for k in range(1, 13)]
    warehouse_with(rows, name="anon", con=warehouse.open_warehouse(db))
    at = make_app(db, lang="en", dataset="anon", preset="all")
    at.switch_page(ADVISOR).run()
    no_exception(at)
    listed = " ".join(m.value for m in at.markdown)
    assert "Customer churn rate: not available — the data has no customer ids" in listed.replace("\\", "")
    table = at.dataframe[0].value
    assert (table["Leans"] == "not available").sum() >= 5
