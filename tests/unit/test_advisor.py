"""Priority advisor: the score formula on hand-made evidence, signals on tiny warehouses whose answers
are worked out by hand, every preset in both languages, contradictions and missing data."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from data import registry, warehouse
from metrics import advisor
from metrics.filters import Filters
from present import i18n
from present.sentences import advisor as advisor_text
from tests.tiny import line, warehouse_with

# Period 2024-07-01..2024-12-31 (184 days); prior 2023-12-30..2024-06-30.
PERIOD = Filters("tiny", dt.date(2024, 7, 1), dt.date(2024, 12, 31))


# Growth needs data covering the whole prior period: an old order before it (outside every window).
EARLY = line("z0", "2023-12-01", "z", "A", "R1", 50.0)


def high_churn_lines() -> list[dict]:
    """10 customers buy ¥300 each in March (prior); in the period only c0 returns (2 orders of ¥500)
    and 4 new customers buy ¥100 once. By hand: churn 9/10 = 0.9; repeat 1/5 = 0.2; growth
    (1400 − 3000) ÷ 3000 = −53.3%; top 20% (1 of 5 customers) share 1000 ÷ 1400 = 0.714; HHI 10,000."""
    rows = [EARLY, *(line(f"p{i}", "2024-03-10", f"c{i}", "A", "R1", 300.0) for i in range(10))]
    rows += [line("q1", "2024-10-01", "c0", "A", "R1", 500.0), line("q2", "2024-10-02", "c0", "A", "R1", 500.0)]
    rows += [line(f"n{i}", "2024-11-01", f"n{i}", "A", "R1", 100.0) for i in range(1, 5)]
    return rows


def growth_lines() -> list[dict]:
    """10 customers buy ¥100 in March; all come back twice in the period (¥150 each): churn 0, repeat 1,
    growth (3000 − 1000) ÷ 1000 = +200%, top-20% share 0.2, HHI 10,000."""
    rows = [EARLY, *(line(f"p{i}", "2024-03-10", f"c{i}", "A", "R1", 100.0) for i in range(10))]
    rows += [line(f"q{i}{k}", f"2024-0{8 + k}-01", f"c{i}", "A", "R1", 150.0) for i in range(10) for k in range(2)]
    return rows


def evidence(**values: float | None) -> advisor.Evidence:
    """Evidence with the given values and every other signal unavailable."""
    found = tuple(
        advisor.Measurement(key, values[key])
        if values.get(key) is not None
        else advisor.Measurement(key, None, "advisor_na_no_sales")
        for key in advisor.SIGNALS
    )
    return advisor.Evidence(found, 600.0, 400.0, "2024-01-01", "2024-12-31")


def test_score_follows_the_documented_formula():
    advice = advisor.combine(evidence(churn_rate=0.5, hhi=5000.0), "growth", "b2b")
    # votes: churn (0.5 − 0.25) ÷ 0.25 → +1 (w 1.5); HHI (5000 − 2500) ÷ 2500 → 1, channels → −1 (w 0.75)
    assert advice.signal("churn_rate").vote == 1.0 and advice.signal("hhi").vote == -1.0
    assert advice.data_score == pytest.approx(100 * (1.5 - 0.75) / 2.25)
    total = sum(rule.weight for rule in advisor.default_config().rules.values())  # 10.75 with issue 15's three
    assert advice.evidence == pytest.approx(2.25 / total)
    assert advice.prior == pytest.approx(0.6 * 40 + 0.4 * 50)
    lam = 0.6 * 2.25 / total
    assert advice.score == pytest.approx((1 - lam) * 44 + lam * 100 / 3)
    assert advice.verdict == "crm"


@pytest.mark.parametrize(
    ("direction", "value", "vote"),
    [
        ("crm_above", 0.375, 0.5),
        ("crm_above", 0.0, -1.0),
        ("crm_below", 0.2, 0.5),
        ("channels_above", 3000.0, -0.2),
    ],
    ids=["crm-above-half", "crm-above-clipped", "crm-below", "channels-above"],
)
def test_votes_are_clipped_and_signed(direction, value, vote):
    threshold, scale = (
        (2500.0, 2500.0)
        if direction == "channels_above"
        else (0.25 if direction == "crm_above" else 0.3, 0.25 if direction == "crm_above" else 0.2)
    )
    rule = advisor.SignalRule("x", threshold, scale, direction, 1.0, "ratio", "overview", "m")
    assert rule.vote(value) == pytest.approx(vote)


def test_no_data_leaves_the_preset_and_band_gives_balanced():
    advice = advisor.combine(evidence(), "transformation", "retail")
    assert advice.data_score is None and advice.data_weight == 0.0 and advice.score == 0.0
    assert advice.verdict == "balanced"
    assert advisor.verdict_of(14.9, 15) == "balanced" and advisor.verdict_of(-15, 15) == "channels"


def test_high_churn_moves_the_advice_to_crm_and_growth_to_channels():
    churny = advisor.measure(warehouse_with(high_churn_lines()), PERIOD)
    assert churny.get("churn_rate").value == pytest.approx(0.9)
    assert churny.get("repeat_rate").value == pytest.approx(0.2)
    assert churny.get("channel_growth").value == pytest.approx((1400 - 3000) / 3000)
    assert churny.get("top20_share").value == pytest.approx(1000 / 1400)
    assert churny.get("hhi").value == pytest.approx(10_000)
    growing = advisor.measure(warehouse_with(growth_lines()), PERIOD)
    assert growing.get("churn_rate").value == 0.0 and growing.get("repeat_rate").value == 1.0
    assert growing.get("channel_growth").value == pytest.approx(2.0)
    crm = advisor.combine(churny, "transformation", "retail")
    channels = advisor.combine(growing, "transformation", "retail")
    # by hand: data = 100·(1.5·1 + 1·0.5 + 1·1 − 0.75·1 + 1·0.571) ÷ 5.25; λ = 0.6 · 5.25 ÷ 8.25
    assert crm.data_score == pytest.approx(100 * (1.5 + 0.5 + 1 - 0.75 + (1000 / 1400 - 0.6) / 0.2) / 5.25)
    assert crm.verdict == "crm" and channels.verdict == "channels"
    assert channels.data_score == pytest.approx(-100.0)
    # the same preset, only the data moved: the score moved with it
    for stage in advisor.STAGES:
        assert advisor.combine(churny, stage, "b2b").score > advisor.combine(growing, stage, "b2b").score


def test_worse_churn_alone_raises_the_score():
    scores = [advisor.combine(evidence(churn_rate=c, hhi=2500.0), "mature", "retail").score for c in (0.1, 0.3, 0.45)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_a_startup_losing_most_customers_is_told_the_data_disagrees():
    churny = advisor.measure(warehouse_with(high_churn_lines()), PERIOD)
    advice = advisor.combine(churny, "startup", "retail")
    assert "churn_rate" in advice.contradictions
    for lang, words in (("zh", "初创期"), ("en", "Startup")):
        texts = advisor_text.contradiction_texts(advice, lang)
        assert any(words in text and "90.0%" in text for text in texts), texts
    # the transformation preset has no direction, so nothing can contradict it
    assert advisor.combine(churny, "transformation", "retail").contradictions == ()


def test_missing_data_signals_are_listed_with_their_reason_and_the_rest_still_count():
    churny = advisor.measure(warehouse_with(high_churn_lines()), PERIOD)
    assert churny.get("roi_gap").reason == "advisor_na_no_channel_costs"
    assert churny.get("clv_cac").reason == "advisor_na_no_channel_costs"
    assert churny.get("blind_spots").reason == "advisor_na_one_region"
    anonymous = [dict(row, customer_id=None) for row in high_churn_lines()]
    measured = advisor.measure(warehouse_with(anonymous), PERIOD)
    for key in ("churn_rate", "repeat_rate", "top20_share", "clv_cac", "roi_gap"):
        assert measured.get(key).reason == "advisor_na_no_customer", key
    advice = advisor.combine(measured, "growth", "retail")
    assert advice.data_score is not None and 0 < advice.evidence < 1
    for lang, word in (("zh", "客户编号"), ("en", "customer ids")):
        lines = advisor_text.unavailable(advice, lang)
        assert len(lines) == 9 and all(word in text for text in lines[:2])
    # no feedback, customers or traffic file: the customer-voice signals say which file is missing
    assert [measured.get(k).reason for k in ("nps", "data_health", "conversion")] == [
        "advisor_na_no_feedback",
        "advisor_na_no_customers_file",
        "advisor_na_no_traffic",
    ]


def test_blind_spot_signal_counts_channel_gaps():
    # A sells in R1 and R2, B in R1 only: B is in ≥ half of 2 regions, so B × R2 is a gap: 1 of 4 cells
    rows = [
        line("o1", "2024-08-01", "x", "A", "R1", 100.0),
        line("o2", "2024-08-01", "y", "A", "R2", 100.0),
        line("o3", "2024-08-02", "z", "B", "R1", 50.0),
    ]
    found = advisor.measure(warehouse_with(rows), PERIOD).get("blind_spots")
    assert found.value == pytest.approx(1 / 4)
    assert found.detail["channel"] == "B" and found.detail["region"] == "R2"


def test_top_share_rounds_up_to_whole_customers():
    import pandas as pd

    assert advisor.top_share(pd.Series([10.0, 1, 1, 1, 1, 1])) == pytest.approx(11 / 15)  # ceil(1.2) = 2
    assert advisor.top_share(pd.Series([1.0, 1, 1, 1])) is None  # fewer than 5 customers
    assert advisor.top_share(pd.Series([0.0] * 6)) is None


def test_split_shifts_with_the_score_within_bounds():
    config = advisor.default_config()
    assert advisor.suggest_split(evidence(), 50, config).crm_share == pytest.approx(0.4 + 0.15 * 0.5)
    assert advisor.suggest_split(evidence(), -100, config).crm_share == pytest.approx(0.25)
    none = advisor.Evidence(evidence().measurements, 0.0, 0.0, None, None)
    split = advisor.suggest_split(none, 0, config)
    assert split.crm_share == 0.3 and split.total is None and split.current_crm_share is None


def test_actions_link_to_the_right_page_and_filter():
    advice = advisor.combine(advisor.measure(warehouse_with(high_churn_lines()), PERIOD), "growth", "retail")
    pages = [a.page for a in advice.actions]
    assert pages[0] == "retention"  # churn is the strongest signal
    budget = advice.actions[-1]
    assert budget.page == "budget" and budget.params["budget_crm_share"] == advice.split.crm_share
    grow = advisor.combine(advisor.measure(warehouse_with(growth_lines()), PERIOD), "startup", "retail")
    link = next(a for a in grow.actions if a.key == "advisor_do_grow_channel")
    assert link.page == "channels" and link.channels == ("A",)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("stage", advisor.STAGES)
@pytest.mark.parametrize("industry", advisor.INDUSTRIES)
def test_every_preset_in_both_languages(stage, industry, lang):
    advice = advisor.combine(evidence(churn_rate=0.3, repeat_rate=0.4, hhi=2000.0), stage, industry)
    texts = [
        advisor_text.verdict_text(advice, lang),
        advisor_text.summary_text(advice, lang),
        *advisor_text.reasons(advice, lang),
        *advisor_text.unavailable(advice, lang),
        advisor_text.split_text(advice.split, lang),
        *[advisor_text.action_text(a, lang) for a in advice.actions],
        *advisor_text.contradiction_texts(advice, lang),
    ]
    assert all(texts)
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in advisor_text.summary_text(advice, lang))
    assert has_cjk == (lang == "zh")
    stage_word = i18n.t(f"advisor_stage_{stage}", lang)
    assert stage_word in advisor_text.summary_text(advice, lang)
    assert math.isclose(advice.prior, 0.6 * advice.stage_prior + 0.4 * advice.industry_prior)
    assert (advice.notes == ("advisor_note_manufacturing",)) == (industry == "manufacturing")


def test_presets_follow_the_source_material():
    c = advisor.default_config()
    assert c.stage_priors["startup"] < 0 < c.stage_priors["growth"] <= c.stage_priors["mature"]
    assert c.stage_priors["transformation"] == 0
    assert c.industry_priors["manufacturing"] < 0 == c.industry_priors["retail"] < c.industry_priors["services"]
    assert c.industry_priors["b2b"] > 0


def test_bad_presets_are_rejected():
    import tomllib

    raw = tomllib.loads(advisor.config.PRESETS_FILE.read_text(encoding="utf-8"))
    raw["signals"]["hhi"]["direction"] = "sideways"
    with pytest.raises(ValueError, match="direction"):
        advisor.parse_config(raw)
    raw = tomllib.loads(advisor.config.PRESETS_FILE.read_text(encoding="utf-8"))
    raw["stages"]["growth"]["prior"] = 300
    with pytest.raises(ValueError, match="prior"):
        advisor.parse_config(raw)


def test_edited_weights_change_the_score():
    ev = evidence(churn_rate=0.5, hhi=5000.0)
    base = advisor.combine(ev, "mature", "retail")
    heavier = advisor.combine(ev, "mature", "retail", advisor.default_config().with_weights({"hhi": 5.0}))
    assert heavier.data_score < base.data_score
    muted = advisor.default_config().with_weights({"churn_rate": 0, "hhi": 0})
    assert advisor.combine(ev, "mature", "retail", muted).data_score is None


def test_demo_startup_contradiction_and_all_signals(demo_db):
    con = warehouse.connect(demo_db)
    try:
        f = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        ev = advisor.measure(con, f)
    finally:
        con.close()
    # every signal is measured; the next-yuan gap may abstain, but only because its interval includes 0
    assert all(m.reason is None for m in ev.measurements if m.key != "roi_gap"), [
        m for m in ev.measurements if m.reason
    ]
    gap = ev.get("roi_gap")
    assert gap.value is not None and (gap.reason is None) == (gap.detail["gap_p10"] > 0 or gap.detail["gap_p90"] < 0)
    # the demo plants a planted blind spot and loses over a third of its customers a year
    assert ev.get("blind_spots").detail["count"] >= 1
    assert ev.get("churn_rate").value > 0.3
    advice = advisor.combine(ev, "startup", "retail")
    assert "churn_rate" in advice.contradictions
    assert ev.crm_spend > 0 and ev.channel_spend > 0


def test_clv_signal_can_come_from_a_fit_the_caller_holds():
    churny = advisor.measure(warehouse_with(high_churn_lines()), PERIOD, with_clv=False)
    assert churny.get("clv_cac").reason == "advisor_na_pending"
    import pandas as pd

    calls = []
    no_cost = pd.DataFrame({"channel": ["A"], "new_customers": [4], "marketing_cost": [float("nan")]})
    found = advisor.clv_signal(True, no_cost, lambda: calls.append(1))
    assert found.reason == "advisor_na_no_channel_costs" and calls == []  # the slow fit is never asked for
    replaced = churny.with_measurement(advisor.Measurement("clv_cac", 2.0))
    assert replaced.get("clv_cac").value == 2.0 and replaced.get("churn_rate") == churny.get("churn_rate")


def _gap_model(crm_spread: float):
    """A channel and a CRM programme whose marginal returns at current spend are 1.0 and 1.6 (point),
    with the CRM curve's top drawn ± ``crm_spread`` (log sd): clear or not, depending on the spread."""
    import numpy as np

    from metrics.budget import curves
    from metrics.budget.model import BudgetModel, Lever, lever_id

    def curve(top: float, spread: float) -> curves.Curve:
        # alpha 1 and kappa = current: the marginal return there is top / (4 · current)
        draws = np.column_stack(
            [top * np.exp(spread * np.random.default_rng(1).standard_normal(400)), np.ones(400), np.full(400, 1000.0)]
        )
        return curves.Curve(top, 1.0, 1000.0, "fitted", samples=draws)

    channel = Lever(
        lever_id("channel", "A"),
        "channel",
        "A",
        1000.0,
        curve(4000.0, 0.05),
        value=1.0,
        margin=1.0,
        gross_margin=1.0,
        new_per_revenue=0.0,
    )
    crm = Lever(lever_id("crm", "P"), "crm", "P", 1000.0, curve(32.0, crm_spread), value=200.0)
    return BudgetModel(
        "t",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        (channel, crm),
        100.0,
        100.0,
        0.3,
        200.0,
        "gross_profit",
        True,
        True,
        True,
    )


@pytest.mark.parametrize(("spread", "votes"), [(0.05, True), (1.5, False)], ids=["clear", "unclear"])
def test_next_yuan_votes_only_when_its_interval_excludes_zero(spread, votes):
    from metrics.advisor.evidence import _roi_gap

    ds = registry.Dataset("t", "x", "upload", dt.datetime(2025, 1, 1), 1, 1, 1, None, None, 1, True, True, True, True)
    found = _roi_gap(_gap_model(spread), ds, __import__("pandas").DataFrame())
    assert found.value == pytest.approx(0.6)
    assert (found.reason is None) is votes
    ev = evidence(roi_gap=found.value)
    ev = ev.with_measurement(found)
    signal = advisor.combine(ev, "mature", "retail").signal("roi_gap")
    assert signal.available is votes
    for lang in ("zh", "en"):
        text = advisor_text.reason_text(signal, lang)
        assert "0.6" in text  # the gap and its interval are in the sentence, voting or not
        if not votes:
            assert ("P10–P90" in text) and (("includes 0" in text) if lang == "en" else ("包含 0" in text))
