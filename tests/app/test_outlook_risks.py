"""The Outlook and Risks pages and their sections elsewhere through AppTest: the forecast with its
backtest, a response plan and a user's risk saved through the forms and shown on the overview, and
growth potential on the Channels page — in both languages."""

from __future__ import annotations

import pytest

from metrics import risks
from present import i18n
from tests.conftest import copy_warehouse
from ui import cached

OUTLOOK, RISKS, OVERVIEW, CHANNELS = "pages/outlook.py", "pages/risks.py", "pages/overview.py", "pages/channels.py"


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def own_db(demo_db, tmp_path):
    """A copy of the demo warehouse, so plans made here never reach other tests."""
    return copy_warehouse(demo_db, tmp_path / "risks.duckdb")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outlook_shows_the_forecast_and_its_backtest(make_app, lang):
    at = make_app(lang=lang)
    at.switch_page(OUTLOOK).run()
    no_exception(at)
    assert at.title[0].value == i18n.t("outlook_title", lang)
    series, forecast_table, backtest = [df.value for df in at.dataframe][:3]
    assert len(series) == 7 and len(forecast_table) == 7 * 12
    mase = i18n.t("metric_mase", lang)
    assert backtest[mase].notna().all() and len(backtest) == 7
    at.slider(key="outlook_horizon").set_value(3).run()
    no_exception(at)
    assert len(at.dataframe[1].value) == 7 * 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_risks_page_and_the_overviews_top_risks_render(make_app, lang):
    at = make_app(lang=lang)
    at.switch_page(RISKS).run()
    no_exception(at)
    assert at.title[0].value == i18n.t("risks_title", lang)
    register = at.dataframe[0].value
    declining = i18n.t("risks_title_declining", lang, channel=i18n.label("经销商", lang))
    assert declining in register.iloc[:, 1].tolist()
    scores = [int(v) for v in register[i18n.t("metric_risk_score", lang)]]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 3  # ranked by score
    at.switch_page(OVERVIEW).run()
    no_exception(at)
    assert any(s.value == i18n.t("risks_overview_title", lang) for s in at.subheader)


def test_the_overview_does_not_wait_for_the_register_and_shows_it_once_computed(make_app, own_db):
    """The risk rules' inputs and the CRM data health are computed in the background (ui.cached): the
    overview, opened while the fit thread is busy, says the register is being computed instead of
    computing it; once done, the same run shows the top risks, ranked as on the Risks page."""
    import threading

    gate = threading.Event()
    busy = cached._pool().submit(gate.wait)  # the one fit thread is taken: nothing queued behind can run
    try:
        at = make_app(own_db, lang="en")
        no_exception(at)
        captions = [c.value for c in at.caption]
        assert i18n.t("risks_overview_computing", "en") in captions
        assert not any(df.value.columns.tolist()[:2] == ["#", "Risk"] for df in at.dataframe)
    finally:
        gate.set()
    busy.result(timeout=30)
    for job in list(cached._models().values()):
        job.result(timeout=300)
    at.run()
    no_exception(at)
    assert i18n.t("risks_overview_computing", "en") not in [c.value for c in at.caption]
    top = at.dataframe[-1].value
    at.switch_page(RISKS).run()
    no_exception(at)
    register = at.dataframe[0].value
    assert len(top) == 3 and top["Risk"].tolist() == register["Risk"].head(3).tolist()  # no plan closes one here


def test_a_plan_and_a_users_risk_saved_through_the_forms_reach_the_overview(make_app, own_db):
    at = make_app(own_db, lang="en")
    at.switch_page(RISKS).run()
    no_exception(at)
    table = at.dataframe[0].value
    assert "Declining channel: Distributors" in table["Risk"].tolist()
    key = "declining:经销商"
    at.selectbox(key="risks_plan_pick").set_value(key).run()
    at.text_input(key=f"risks_plan_owner_{key}").set_value("Ann <b>")
    at.text_area(key=f"risks_plan_action_{key}").set_value("Visit the top distributors")
    at.selectbox(key=f"risks_plan_status_{key}").set_value("in_progress")
    next(b for b in at.button if b.label == "Save plan").click().run()
    no_exception(at)
    saved = risks.plans(cached.store(), "demo")[key]
    assert (saved.owner, saved.status) == ("Ann <b>", "in_progress")
    row = at.dataframe[0].value.set_index("Risk").loc["Declining channel: Distributors"]
    assert row["Owner"] == "Ann <b>" and row["Status"] == "In progress"

    at.text_input(key="risks_user_new_title").set_value("A key supplier may stop")
    at.select_slider(key="risks_user_new_likelihood").set_value(5)
    at.select_slider(key="risks_user_new_impact").set_value(5)
    next(b for b in at.button if b.label == "Add risk").click().run()
    no_exception(at)
    assert at.dataframe[0].value["Risk"].iloc[0] == "A key supplier may stop"  # 25: the top of the register

    at.switch_page(OVERVIEW).run()
    no_exception(at)
    top = next(df.value for df in at.dataframe if "Risk score" in df.value.columns)
    assert top["Risk"].tolist()[:2] == ["A key supplier may stop", "Declining channel: Distributors"]
    assert len(top) == 3 and top["Owner"].iloc[1] == "Ann <b>"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_channels_page_shows_growth_potential(make_app, lang):
    at = make_app(lang=lang)
    at.switch_page(CHANNELS).run()
    no_exception(at)
    headroom = i18n.t("metric_headroom_revenue", lang)
    growth = next(df.value for df in at.dataframe if headroom in df.value.columns)
    assert len(growth) == 6 and growth[i18n.t("metric_forecast_growth", lang)].notna().all()
    assert any(s.value == i18n.t("growth_title", lang) for s in at.subheader)
