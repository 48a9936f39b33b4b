"""Budget what-if: curves, projections, optimizer (vs brute force), constraints, scenarios, demo truths."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data import warehouse
from metrics.budget import curves, scenarios
from metrics.budget.constraints import Bound, BudgetError, BudgetSpec
from metrics.budget.model import (
    BudgetModel,
    Lever,
    Override,
    allocation_frame,
    anchor_churn,
    budget_model,
    lever_id,
    with_overrides,
)
from metrics.budget.optimizer import optimize, split_by_budget
from metrics.budget.plotting import curve_view, curves_table
from metrics.budget.projection import arrays, marginal_returns, objective, project
from metrics.db import query
from present.sentences import budget as explain
from tests.shared_data import shared_file
from tests.tiny import line, warehouse_with

# ---------------------------------------------------------------- curves


def test_hill_basics():
    assert curves.hill(0.0, 2.0, 10.0) == 0.0
    assert curves.hill(10.0, 2.0, 10.0) == pytest.approx(0.5)
    assert curves.hill(30.0, 1.0, 10.0) == pytest.approx(0.75)
    s = np.array([1.0, 5.0, 20.0])
    numeric = (curves.hill(s + 1e-4, 1.7, 8.0) - curves.hill(s - 1e-4, 1.7, 8.0)) / 2e-4
    np.testing.assert_allclose(curves.hill_slope(s, 1.7, 8.0), numeric, rtol=1e-6)


def _synthetic(beta=1000.0, alpha=1.5, kappa=50.0, months=36, sigma=0.0, seed=1):
    rng = np.random.default_rng(seed)
    spend = rng.uniform(10, 150, months)
    revenue = beta * curves.hill(spend, alpha, kappa) * np.exp(sigma * rng.standard_normal(months))
    return spend, revenue


def test_fit_recovers_noise_free_curve():
    spend, revenue = _synthetic()
    curve = curves.fit_channel(spend, revenue)
    assert curve.source == "fitted" and curve.r2 > 0.999
    assert curve.top == pytest.approx(1000.0, rel=1e-3)
    assert curve.alpha == pytest.approx(1.5, rel=1e-3)
    assert curve.kappa == pytest.approx(50.0, rel=1e-3)


@pytest.mark.parametrize(("case", "months", "reason"), [("thin", 5, "few_months"), ("noise", 36, "poor_fit")],
                         ids=["five-months", "pure-noise"])
def test_thin_or_poor_history_gives_the_assumed_curve(case, months, reason):
    rng = np.random.default_rng(3)
    spend = rng.uniform(10, 100, months)
    revenue = rng.uniform(500, 600, months) if case == "noise" else 1000 * curves.hill(spend, 1.0, 40.0)
    curve = curves.fit_channel(spend, revenue, current=(50.0, 700.0))
    assert (curve.source, curve.reason) == ("assumed", reason)
    # through the operating point with elasticity 0.3
    assert curve.response(50.0) == pytest.approx(700.0)
    elasticity = (np.log(curve.response(50.0 * 1.0001)) - np.log(curve.response(50.0))) / np.log(1.0001)
    assert elasticity == pytest.approx(0.3, abs=1e-3)


def test_no_spend_gives_no_curve():
    curve = curves.fit_channel(np.zeros(12), np.full(12, 100.0), current=(0.0, 100.0))
    assert curve.source == "none" and curve.response(100.0) == 0.0


def test_crm_fit_recovers_planted_reduction():
    rng = np.random.default_rng(5)
    spend = rng.uniform(200, 3000, 36)
    churn = 0.4 * (1 - 0.3 * curves.hill(spend, 1.2, 900.0)) + rng.normal(0, 0.001, 36)
    curve, churn0 = curves.fit_crm(spend, churn)
    assert curve.source == "fitted"
    assert churn0 == pytest.approx(0.4, rel=0.05)
    assert curve.top == pytest.approx(0.3, rel=0.2)
    assert curve.kappa == pytest.approx(900.0, rel=0.3)


def test_manual_curve_rejects_non_positive():
    with pytest.raises(ValueError):
        curves.manual(0.0, 1.0, 1.0)


# ---------------------------------------------------------------- toy models (hand-set curves)


def toy(specs, *, base=1000.0, churn=0.3, gp12=500.0) -> BudgetModel:
    """specs: (kind, name, current annual spend, (top, alpha, kappa), margin)."""
    levers = []
    for kind, name, current, (top, alpha, kappa), margin in specs:
        curve = curves.manual(top, alpha, kappa)
        extra = {} if kind == "crm" else {"margin": margin, "gross_margin": margin, "new_per_revenue": 0.001}
        levers.append(Lever(lever_id(kind, name), kind, name, current, curve, **extra))
    model = BudgetModel("toy", None, None, tuple(levers), base, churn, churn, gp12, "gross_profit", True, True, True)
    return anchor_churn(model)


TWO = [("channel", "A", 12_000.0, (5_000.0, 1.0, 800.0), 0.5), ("channel", "B", 12_000.0, (3_000.0, 2.0, 1_500.0), 0.6)]
THREE = TWO + [("crm", "C", 6_000.0, (0.3, 1.3, 700.0), None)]


def brute_force(model, spec, points=401):
    """Best objective over a grid of allocations satisfying the spec (last lever takes the rest if exact)."""
    a = arrays(model)
    n = len(model.levers)
    grids = [np.linspace(0, spec.total, points)] * (n - 1 if spec.exact else n)
    best, best_x = -np.inf, None
    mesh = np.array(list(itertools.product(*grids)))
    if spec.exact:
        mesh = np.column_stack([mesh, spec.total - mesh.sum(axis=1)])
    mesh = mesh[(mesh >= -1e-9).all(axis=1) & (mesh.sum(axis=1) <= spec.total + 1e-6)]
    for bound in spec.bounds:
        i = model.ids.index(model.lever(bound.lever).id)
        if bound.lower is not None:
            mesh = mesh[mesh[:, i] >= bound.lower - 1e-9]
        if bound.upper is not None:
            mesh = mesh[mesh[:, i] <= bound.upper + 1e-9]
    values = objective(a, mesh)
    k = int(np.argmax(values))
    best, best_x = float(values[k]), mesh[k]
    return best, best_x


@pytest.mark.parametrize(
    ("specs", "spec"),
    [
        (TWO, BudgetSpec(24_000.0)),
        (TWO, BudgetSpec(3_000.0)),  # small budget: the S-shaped lever B should get nothing
        (TWO, BudgetSpec(60_000.0, exact=False)),
        (THREE, BudgetSpec(30_000.0)),
        (THREE, BudgetSpec(30_000.0, bounds=(Bound("A", upper=5_000.0), Bound("C", lower=8_000.0)))),
    ],
    ids=["two-exact", "two-small-s-shape", "two-at-most", "three-with-crm", "three-bounded"],
)
def test_optimizer_matches_brute_force(specs, spec):
    model = toy(specs)
    result = optimize(model, spec)
    best, best_x = brute_force(model, spec, points=401 if len(specs) == 2 else 161)
    grid_step = spec.total / (400 if len(specs) == 2 else 160)
    assert result.objective >= best - 1e-6 * abs(best) - 1.0
    # and it is not better than the truth by more than the grid's resolution allows
    assert result.objective <= best + 0.02 * abs(best) + grid_step
    np.testing.assert_allclose(result.allocation, best_x, atol=3 * grid_step)
    if spec.exact:
        assert result.spent == pytest.approx(spec.total, rel=1e-9)
    else:
        assert result.spent <= spec.total + 1e-6


def test_s_shaped_lever_gets_nothing_and_says_why():
    model = toy(TWO)
    result = optimize(model, BudgetSpec(3_000.0))
    assert result.allocation[1] == pytest.approx(0.0, abs=1.0)
    codes = {r.code: r for r in result.reasons}
    assert "zero_s_shape" in codes and codes["zero_s_shape"].get("lever") == "channel:B"
    for lang in ("zh", "en"):
        assert all(explain.reasons_text(result, lang))


def test_interior_levers_share_one_marginal_return():
    result = optimize(toy(THREE), BudgetSpec(30_000.0))
    interior = result.marginal[np.array(result.statuses) == "interior"]
    assert len(interior) >= 2
    np.testing.assert_allclose(interior, interior[0], rtol=1e-3)
    assert result.binding == ("total",)


def test_bounds_and_locks_are_respected():
    model = toy(THREE)
    spec = BudgetSpec(30_000.0, bounds=(Bound("A", lower=0.5, upper=0.9, relative=True),), locks=(("C", 2_000.0),))
    result = optimize(model, spec)
    frame = result.frame().set_index("lever")
    assert frame.loc["crm:C", "proposed"] == 2_000.0
    assert 6_000.0 - 1e-6 <= frame.loc["channel:A", "proposed"] <= 10_800.0 + 1e-6
    assert result.spent == pytest.approx(30_000.0)
    assert "lock:crm:C" in result.binding
    assert any(b.startswith(("max:channel:A", "min:channel:A")) for b in result.binding) or \
        frame.loc["channel:A", "status"] == "interior"


def test_at_most_leaves_unprofitable_money_unspent():
    model = toy(TWO)
    result = optimize(model, BudgetSpec(1e7, exact=False))
    assert result.spent < 1e6
    np.testing.assert_allclose(result.marginal[np.array(result.statuses) == "interior"], 1.0, rtol=1e-2)
    assert result.reasons[0].code == "unspent"


def test_optimum_equal_to_current_plan_says_so():
    model = toy(THREE)
    first = optimize(model, BudgetSpec(30_000.0))
    # the same economics with today's spend moved to the optimum (churn observed there, so churn_zero is unchanged)
    churn_there = model.churn_zero * (1 - model.lever("C").curve.response(first.allocation[2] / 12))
    shifted = toy([(k, n, float(x), c, m) for (k, n, _, c, m), x in zip(THREE, first.allocation, strict=True)],
                  churn=float(churn_there))
    assert shifted.churn_zero == pytest.approx(model.churn_zero)
    again = optimize(shifted, BudgetSpec(30_000.0))
    assert again.reasons[-1].code == "same_as_current_balanced"
    assert again.objective == pytest.approx(again.current_objective, rel=1e-6)


def test_single_lever_and_degenerate_cases():
    model = toy(TWO)
    single = optimize(model, BudgetSpec(10_000.0, locks=(("A", 4_000.0),)))
    assert single.reasons[0].code == "single_lever"
    assert single.allocation.tolist() == pytest.approx([4_000.0, 6_000.0])
    cases = [
        (BudgetSpec(10_000.0, locks=(("A", 1.0), ("B", 2.0))), "all_locked"),
        (BudgetSpec(10_000.0, bounds=(Bound("A", lower=5_000.0, upper=1_000.0),)), "bad_bound"),
        (BudgetSpec(1_000.0, bounds=(Bound("A", lower=800.0), Bound("B", lower=800.0))), "below_minimums"),
        (BudgetSpec(10_000.0, bounds=(Bound("A", upper=100.0), Bound("B", upper=100.0))), "above_maximums"),
        (BudgetSpec(10_000.0, bounds=(Bound("nope", upper=1.0),)), "unknown_lever"),
        (BudgetSpec(-5.0), "negative_total"),
    ]
    for spec, code in cases:
        with pytest.raises(BudgetError) as caught:
            optimize(model, spec)
        assert caught.value.code == code
        for lang in ("zh", "en"):
            assert explain.error_text(caught.value, lang)
    empty = BudgetModel("e", None, None, (), 0, np.nan, np.nan, np.nan, "revenue", False, False, False)
    with pytest.raises(BudgetError, match="no_levers"):
        optimize(empty, BudgetSpec(1.0))


def test_split_by_budget_grows_and_marks_infeasible_levels():
    model = toy(THREE)
    frame = split_by_budget(model, BudgetSpec(0.0, bounds=(Bound("C", lower=5_000.0),)), [1_000.0, 20_000.0, 80_000.0])
    assert frame["feasible"].tolist() == [False, True, True]
    np.testing.assert_allclose((frame["channels"] + frame["crm"]).iloc[1:], [20_000.0, 80_000.0])
    assert (frame["crm"].iloc[1:] >= 5_000.0 - 1e-6).all()
    # spending "at most" the total, more budget can never lower the optimum
    at_most = split_by_budget(model, BudgetSpec(0.0, exact=False), [5_000.0, 20_000.0, 80_000.0, 300_000.0])
    assert (np.diff(at_most["objective"]) >= -1e-6 * at_most["objective"].abs().max()).all()
    assert (at_most["channels"] + at_most["crm"] <= at_most["total"] + 1e-6).all()


# ---------------------------------------------------------------- projections


def test_projection_at_current_plan_has_zero_delta_and_ordered_bands():
    model = toy(THREE)
    model = with_overrides(model, ())
    proj = project(model, model.current_allocation()).set_index("outcome")
    np.testing.assert_allclose(proj["delta"], 0.0, atol=1e-9)
    assert proj.loc["churn", "current"] == pytest.approx(0.3)  # anchored on the observed churn
    bigger = project(model, model.current_allocation() * 1.5).set_index("outcome")
    assert bigger.loc["revenue", "delta"] > 0 and bigger.loc["churn", "delta"] < 0
    assert bigger.loc["retained_customers", "scenario"] == pytest.approx(1000 * (1 - bigger.loc["churn", "scenario"]))


def test_bands_from_fitted_curves_are_ordered_and_non_trivial():
    spend, revenue = _synthetic(sigma=0.1)
    curve = curves.fit_channel(spend, revenue)
    lever = Lever("channel:X", "channel", "X", 900.0, curve, margin=0.5, gross_margin=0.5, new_per_revenue=0.0)
    model = BudgetModel("t", None, None, (lever,), 0.0, np.nan, np.nan, np.nan, "gross_profit", True, False, False)
    proj = project(model, [1_200.0]).dropna(subset=["p10"])
    assert ((proj["p10"] <= proj["p50"] + 1e-9) & (proj["p50"] <= proj["p90"] + 1e-9)).all()
    revenue_row = proj.set_index("outcome").loc["revenue"]
    assert revenue_row["p90"] > revenue_row["p10"]


def test_marginal_returns_match_finite_differences():
    model = toy(THREE)
    a = arrays(model)
    x = np.array([9_000.0, 14_000.0, 5_000.0])
    numeric = [(objective(a, x + e * 1.0) - objective(a, x - e * 1.0)) / 2.0 + 1.0 for e in np.eye(3)]
    np.testing.assert_allclose(marginal_returns(a, x), numeric, rtol=1e-4)


def test_overrides_replace_curves_and_validate():
    model = toy(THREE)
    changed = with_overrides(model, [Override("A", 9_000.0, 1.0, 100.0)])
    assert changed.lever("A").curve.source == "manual" and changed.lever("A").curve.top == 9_000.0
    with pytest.raises(ValueError):
        with_overrides(model, [Override("C", 1.5, 1.0, 100.0)])
    with pytest.raises(KeyError):
        with_overrides(model, [Override("Z", 1.0, 1.0, 1.0)])


def test_curve_view_marks_current_and_proposed_points():
    model = toy(TWO)
    view = curve_view(model, "A", np.array([24_000.0, 0.0]))
    points = view.points.set_index("which")
    assert points.loc["current", "spend"] == 12_000.0 and points.loc["proposed", "spend"] == 24_000.0
    assert points.loc["proposed", "value"] > points.loc["current", "value"]
    assert points.loc["proposed", "marginal_return"] < points.loc["current", "marginal_return"]  # concave
    assert (view.line["p10"] <= view.line["p90"] + 1e-9).all()
    assert list(curves_table(model)["source"]) == ["manual", "manual"]


# ---------------------------------------------------------------- the model on a tiny warehouse


def tiny_budget_warehouse(with_spend: bool = True):
    lines = [
        line("o1", "2024-12-20", "c1", "online", "east", 100.0, 60.0),
        line("o2", "2025-01-10", "c1", "online", "east", 200.0, 120.0),
        line("o3", "2025-02-10", "c2", "store", "east", 300.0, 150.0, refund=50.0),
        line("o4", "2025-12-05", "c3", "online", "east", 400.0, 200.0),
    ]
    con = warehouse_with(lines)
    if with_spend:
        cur = con.cursor()
        cur.execute("INSERT INTO channel_costs VALUES ('tiny', DATE '2024-12-01', 'online', 'marketing', 999),"
                    "('tiny', DATE '2025-01-01', 'online', 'marketing', 50), ('tiny', DATE '2025-12-01', 'online', 'marketing', 70),"
                    "('tiny', DATE '2025-01-01', 'online', 'commission', 30), ('tiny', DATE '2025-02-01', 'store', 'marketing', 20)")
        cur.execute("INSERT INTO crm_spend VALUES ('tiny', DATE '2025-03-01', 'points', 40), ('tiny', DATE '2024-11-01', 'points', 7)")
    return con


def test_model_on_a_tiny_warehouse_by_hand():
    model = budget_model(tiny_budget_warehouse(), "tiny")
    assert (model.start, model.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 5))
    frame = allocation_frame(model).set_index("lever")
    # window spend: online 50 + 70 (December 2024's 999 is outside), store 20, points 40
    assert frame.loc["channel:online", "spend"] == 120.0
    assert frame.loc["channel:store", "spend"] == 20.0 and frame.loc["crm:points", "spend"] == 40.0
    assert frame.loc["channel:store", "revenue"] == 250.0  # net of the refund
    assert frame.loc["channel:online", "revenue"] == 600.0
    online = model.lever("online")
    assert online.gross_margin == pytest.approx(280.0 / 600.0)
    assert online.margin == pytest.approx(280.0 / 600.0 - 30.0 / 600.0)  # commission comes off
    assert frame.loc["channel:online", "new_customers"] == 1.0  # c3 (c1 first bought in 2024)
    assert set(frame["curve"]) == {"assumed"}  # two or three months of history only
    # GP12 = window gross profit 80 + 100 + 200 = 380 over 3 customers
    assert model.gp_per_customer == pytest.approx(380.0 / 3)


def test_model_without_spend_still_has_channel_levers_for_manual_curves():
    model = budget_model(tiny_budget_warehouse(with_spend=False), "tiny")
    assert not model.has_channel_spend and not model.has_crm_spend
    assert [lv.curve.source for lv in model.levers] == ["none", "none"]
    manual = with_overrides(model, [Override("online", 1_000.0, 1.0, 10.0)])
    proj = project(manual, [240.0, 0.0]).set_index("outcome")
    assert proj.loc["revenue", "scenario"] == pytest.approx(12 * 1_000.0 * 20 / 30)


# ---------------------------------------------------------------- scenarios


def test_scenarios_round_trip_compare_export_delete():
    con = tiny_budget_warehouse()
    model = budget_model(con, "tiny")
    saved = scenarios.save(con, "tiny", scenarios.Scenario("  Plan  A ", {"channel:online": 300.0, "gone:x": 5.0}, "n1",
                                                           (Override("channel:online", 900.0, 1.0, 10.0),)))
    assert saved.name == "Plan A" and saved.saved_at is not None
    scenarios.save(con, "tiny", scenarios.Scenario("B", {"crm:points": 80.0}))
    scenarios.save(con, "tiny", scenarios.Scenario("B", {"crm:points": 90.0}, "replaced"))
    names = [s.name for s in scenarios.list_scenarios(con, "tiny")]
    assert sorted(names) == ["B", "Plan A"]
    loaded = scenarios.load(con, "tiny", "B")
    assert loaded.allocation == {"crm:points": 90.0} and loaded.notes == "replaced"
    assert scenarios.load(con, "tiny", "Plan A").vector(model).tolist() == [300.0, 0.0, 0.0]
    compared = scenarios.compare(model, scenarios.list_scenarios(con, "tiny"))
    assert set(compared["scenario"]) == {"B", "Plan A"} and len(compared) == 2 * 9
    spend = compared[compared["outcome"] == "spend"].set_index("scenario")["value"]
    assert spend.to_dict() == {"B": 90.0, "Plan A": 300.0}
    exported = scenarios.export_frame(model, loaded)
    assert list(exported["section"].unique()) == ["lever", "outcome"]
    assert scenarios.delete(con, "tiny", "B") and not scenarios.delete(con, "tiny", "B")
    with pytest.raises(KeyError):
        scenarios.load(con, "tiny", "B")
    with pytest.raises(ValueError):
        scenarios.save(con, "tiny", scenarios.Scenario("   ", {}))
    assert scenarios.compare(model, []).empty


# ---------------------------------------------------------------- the demo and the real files

LARGE = ("电商平台", "经销商", "直营门店", "直播带货")


@pytest.fixture(scope="module")
def demo_model(demo_db):
    con = warehouse.connect(demo_db)
    from data import demo

    yield budget_model(con, "demo"), demo.truths(con, "demo"), query(con, "budget_channel_monthly", dataset="demo")
    con.close()


def test_demo_optimum_beats_the_current_plan(demo_model):
    model, _, _ = demo_model
    total = float(model.current_allocation().sum())
    result = optimize(model, BudgetSpec(total))
    assert result.spent == pytest.approx(total)
    assert result.objective >= result.current_objective
    proj = project(model, result.allocation)
    assert ((proj["p10"] <= proj["p50"] + 1e-9) & (proj["p50"] <= proj["p90"] + 1e-9)).all()


@pytest.mark.shared_data
def test_robyn_simulated_weekly_fits_converge_and_are_stable():
    """Robyn's simulated MMM data: the fit must run, converge and be deterministic, with sane parameters.

    Monthly total media spend vs revenue (the app's grain) is fitted; a single channel's weekly spend
    against *total* revenue must not pass as a fit (it explains little) and falls back, flagged.
    """
    frame = pd.read_csv(shared_file("robyn_mmm_weekly", "dt_simulated_weekly.csv"), parse_dates=["DATE"])
    media = [c for c in frame.columns if c.endswith("_S")]
    monthly = frame.groupby(frame["DATE"].dt.to_period("M"))[media + ["revenue"]].sum()
    spend, revenue = monthly[media].sum(axis=1).to_numpy(), monthly["revenue"].to_numpy()
    first, second = curves.fit_channel(spend, revenue), curves.fit_channel(spend, revenue)
    assert first.source == "fitted" and (first.top, first.alpha, first.kappa) == (second.top, second.alpha, second.kappa)
    assert 0.3 < first.alpha < 4 and first.top > revenue.max() * 0.5 and first.kappa > 0
    assert curves.MIN_R2 <= first.r2 <= 1
    for column in media:
        curve = curves.fit_channel(frame[column].to_numpy(), frame["revenue"].to_numpy())
        assert curve.source == "assumed" and curve.reason in ("poor_fit", "at_bound"), column


# ---------------------------------------------------------------- the CLI


def test_cli_optimize_prints_allocation_objectives_and_binding(demo_db, capsys):
    from cli.main import main

    code = main(["optimize", "--dataset", "demo", "--budget", "300000", "--lock", "经销商=20000",
                 "--max", "crm:会员积分=10%", "--min", "电商平台=60000", "--db", str(demo_db)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) >= {"allocation", "projected_objective", "current_objective", "binding_constraints"}
    assert sum(out["allocation"].values()) == pytest.approx(300_000, abs=0.1)
    assert out["allocation"]["channel:经销商"] == 20_000
    assert out["allocation"]["channel:电商平台"] >= 60_000 - 0.01
    assert "lock:channel:经销商" in out["binding_constraints"] and "total" in out["binding_constraints"]
    assert out["projected_objective"] >= out["current_objective"] - 1e-6 or "max:crm:会员积分" in out["binding_constraints"]


@pytest.mark.parametrize(("args", "code"), [(["--min", "电商平台=1e9"], "below_minimums"),
                                             (["--lock", "nope=1"], "unknown_lever")], ids=["infeasible", "unknown"])
def test_cli_optimize_reports_impossible_plans(demo_db, capsys, args, code):
    from cli.main import main

    status = main(["optimize", "--dataset", "demo", "--budget", "1000", "--lang", "zh", "--db", str(demo_db), *args])
    out = json.loads(capsys.readouterr().out)
    assert status == 2 and out["error"]["code"] == code and out["error"]["message"]


def test_every_dynamic_budget_key_is_translated():
    from metrics.budget.constraints import ERROR_CODES
    from metrics.budget.optimizer import STATUSES
    from metrics.budget.projection import OUTCOMES
    from present import i18n

    reasons = ("single_lever", "total_exact", "total_binds", "unspent", "equal_marginal", "locked", "at_upper",
               "at_lower", "zero_no_curve", "zero_s_shape", "zero_low_return", "same_as_current_balanced",
               "same_as_current_bound")
    source = (Path(__file__).resolve().parents[2] / "metrics" / "budget" / "optimizer.py").read_text(encoding="utf-8")
    assert set(re.findall(r'Reason\("([a-z_]+)"', source)) | {"same_as_current_balanced", "same_as_current_bound"} == set(reasons)
    keys = [f"budget_why_{r}" for r in reasons] + [f"budget_error_{c}" for c in ERROR_CODES]
    keys += [f"budget_status_{s}" for s in STATUSES] + [f"budget_outcome_{o}" for o in OUTCOMES]
    keys += [f"budget_source_{s}" for s in curves.SOURCES] + [f"budget_kind_{k}" for k in ("channel", "crm")]
    keys += [f"budget_reason_{r}" for r in ("few_months", "poor_fit", "at_bound", "no_convergence")]
    keys += [f"budget_binding_{b}" for b in ("total", "min", "max", "lock")] + ["budget_mode_pct", "budget_mode_amount"]
    missing = [key for key in keys if key not in i18n.table()]
    assert not missing
