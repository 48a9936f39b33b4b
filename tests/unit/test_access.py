"""Roles, scopes and the audit (issue 17): every write path refuses a role below its own, server-side,
a scope cuts the rows every metric reads, and the audit log records loads, deletes and role changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data import access, rolemap
from data.access import Principal, Scope
from data.ingest import ingest
from data.ingest.mapping import remember_mapping
from data.snapshots import Warehouse
from metrics import goals, overview, risks
from metrics.budget import scenarios
from metrics.filters import Filters
from tests.tiny import line, warehouse_with
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes
from ui.auth import claim_role, principal_for

LINES = [
    line("o1", "2025-01-05", "c1", "online", "east", 100.0, 60.0),
    line("o2", "2025-01-06", "c2", "store", "west", 200.0, 120.0),
    line("o3", "2025-02-10", "c3", "online", "west", 50.0, 20.0),
    line("o4", "2025-02-11", "c1", "store", "east", 400.0, 100.0),
]


def who(role: str | None, **scope: tuple[str, ...]) -> Principal:
    return Principal(f"{role}@example.com", role, Scope(**scope), role or "", "file")


@pytest.fixture
def wh(tmp_path) -> Warehouse:
    target = Warehouse.open(tmp_path / "w")
    warehouse_with(LINES, con=target)
    return target


def _goal() -> goals.Goal:
    return goals.Goal("tiny", "revenue", 1000.0, dt.date(2025, 12, 31), "Li Lei", (), ("east",))


# Each write path as the pages call it; each returns normally when allowed.
WRITES = {
    "load": lambda wh: ingest(wh, csv_bytes(ORDERS_CSV), "fresh", filename="a.csv"),
    "mapping": lambda wh: remember_mapping(wh.state, ["a", "b"], {"order_id": "a", "order_date": "b"}),
    "scenario": lambda wh: scenarios.save(wh.state, "tiny", scenarios.Scenario("plan", {"channel:online": 1.0})),
    "goal": lambda wh: goals.create(wh.reader(), _goal(), store=wh.state),
    "risk_plan": lambda wh: risks.save_plan(
        wh.state, "tiny", risks.Plan("concentration", "Li Lei", "widen", None, "open")
    ),
    "user_risk": lambda wh: risks.save_user_risk(wh.state, "tiny", "Supplier", "", risks.CATEGORIES[0], 3, 4),
    "plan_delete": lambda wh: risks.delete_plan(wh.state, "tiny", "concentration"),
    "delete": lambda wh: wh.delete("tiny"),  # last: it takes the dataset's scenarios and goals with it
}
PLANNING = {"scenario", "goal", "risk_plan", "user_risk", "plan_delete"}
ALLOWED = {
    "viewer": set(),
    "planner": PLANNING,
    "analyst": PLANNING | {"load", "delete", "mapping"},
    "admin": PLANNING | {"load", "delete", "mapping"},
}


@pytest.mark.parametrize("role", [*access.ROLES, None])
def test_every_write_path_checks_the_role_where_it_writes(wh, role):
    allowed = ALLOWED.get(role, set())
    for path, write in WRITES.items():
        with access.acting_as(who(role)):
            if path in allowed:
                write(wh)
            else:
                with pytest.raises(access.PermissionDenied) as refused:
                    write(wh)
                assert refused.value.reason == "role"
    names = {d.name for d in wh.datasets()}
    assert ("tiny" not in names) == ("delete" in allowed)  # a refused delete changed nothing
    assert ("fresh" in names) == ("load" in allowed)
    assert bool(wh.state.scenarios("tiny")) == ("scenario" in allowed and "delete" not in allowed)
    log = wh.state.audit_log()
    denied = {e["action"] for e in log if e["outcome"] == "denied"}
    assert {"data.load", "dataset.delete"} <= denied or "load" in allowed
    if "load" in allowed:
        done = {e["action"]: e for e in log if e["outcome"] == "ok"}
        assert done["data.load"]["actor"] == f"{role}@example.com" and done["dataset.delete"]["target"] == "tiny"
        assert json.loads(done["data.load"]["detail"])["rows_inserted"] == 3


def test_saved_objects_record_who_saved_them(wh):
    with access.acting_as(who("planner")):
        saved = scenarios.save(wh.state, "tiny", scenarios.Scenario("plan", {"channel:online": 1.0}))
        goal = goals.create(wh.reader(), _goal(), store=wh.state)
    with access.acting_as(who("admin")):
        edited = goals.update(wh.reader(), goal, store=wh.state)
    assert saved.saved_by == "planner@example.com" and saved.saved_at is not None
    assert goal.created_by == "planner@example.com" and goal.updated_by is None
    assert edited.created_by == "planner@example.com" and edited.updated_by == "admin@example.com"
    with access.acting_as(who("analyst")):
        remember_mapping(wh.state, ["x"], {"order_id": "x"})
    assert wh.state.mappings()[0]["updated_by"] == "analyst@example.com"
    with access.acting_as(who("planner")):
        plan = risks.save_plan(wh.state, "tiny", risks.Plan("concentration", "Li Lei", "widen", None, "open"))
        added = risks.save_user_risk(wh.state, "tiny", "Supplier", "", risks.CATEGORIES[0], 3, 4)
        risks.delete_user_risk(wh.state, "tiny", added.key)
    assert plan.saved_by == "planner@example.com"
    assert wh.state.user_risks("tiny") == []
    assert any(e["action"] == "risk_plan.delete" and e["target"] == f"tiny/{added.key}" for e in wh.state.audit_log())


def test_a_region_scope_cuts_every_metric_to_its_rows(wh):
    con = wh.reader()
    f_all = (dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    with access.acting_as(who("viewer", regions=("east",))):
        scoped = Filters("tiny", *f_all)
        outside = Filters("tiny", *f_all, regions=("west",))
        mine = {k.key: k.value for k in overview.kpis(con, scoped)}
        nothing = {k.key: k.value for k in overview.kpis(con, outside)}
    assert scoped.regions == ("east",)
    assert mine["revenue"] == 500.0  # o1 + o4, the east's lines only (of 750 in all)
    assert {k.key: k.value for k in overview.kpis(con, Filters("tiny", *f_all))}["revenue"] == 750.0
    assert not nothing["revenue"]  # a forged region outside the scope reads nothing, not everything


def test_a_scoped_user_sees_and_edits_only_goals_inside_the_scope(wh):
    with access.acting_as(who("planner")):
        west = goals.create(
            wh.reader(), goals.Goal("tiny", "revenue", 10.0, dt.date(2025, 12, 31), "W", (), ("west",)), store=wh.state
        )
    with access.acting_as(who("planner", regions=("east",))):
        everywhere = goals.create(
            wh.reader(), goals.Goal("tiny", "revenue", 10.0, dt.date(2025, 12, 31), "E"), store=wh.state
        )
        assert everywhere.regions == ("east",)  # "all regions" means all of theirs
        assert [g.id for g in goals.list_goals(wh.state, "tiny")] == [everywhere.id]
        with pytest.raises(KeyError):
            goals.delete(wh.state, "tiny", west.id) or goals.get(wh.state, "tiny", west.id)
        with pytest.raises(access.PermissionDenied):  # a budget scenario plans every region
            scenarios.save(wh.state, "tiny", scenarios.Scenario("plan", {"channel:online": 1.0}))
        with pytest.raises(access.PermissionDenied):  # a risk plan is shared by every user of the dataset
            WRITES["risk_plan"](wh)
    assert len(goals.list_goals(wh.state, "tiny")) == 2
    assert not risks.plans(wh.state, "tiny")


def test_a_dataset_scope_refuses_other_datasets(wh):
    with access.acting_as(who("analyst", datasets=("north-*",))):
        with pytest.raises(access.PermissionDenied) as refused:
            wh.delete("tiny")
        assert refused.value.reason == "dataset"
        assert access.current().scope.allows_dataset("north-2025")


def test_the_role_mapping_file_round_trips_and_refuses_bad_entries(tmp_path, wh):
    path = tmp_path / "roles.toml"
    with access.acting_as(who("planner")), pytest.raises(access.PermissionDenied):
        rolemap.save_user(wh.state, rolemap.entry("Ann@Example.com", "analyst"), path)
    with access.acting_as(who("admin")):
        rolemap.save_user(wh.state, rolemap.entry("Ann@Example.com", "analyst", regions=["华东", 'x"y']), path)
        rolemap.update(path, default_role="viewer")
    found = rolemap.read(path)
    assert found.lookup("ann@example.com", None).scope.regions == ("华东", 'x"y') and found.default_role == "viewer"
    with pytest.raises(rolemap.RoleMapError):
        rolemap.entry("bob@example.com", "superuser")
    entry = [e for e in wh.state.audit_log() if e["action"] == "roles.edit"]
    assert [e["outcome"] for e in entry] == ["ok", "denied"]
    assert json.loads(entry[0]["detail"])["after"]["role"] == "analyst"


def test_roles_come_from_the_file_then_the_claim_then_the_default():
    roles = rolemap.parse(
        {
            "defaults": {"signed_in": "viewer"},
            "users": {"ann@example.com": {"role": "planner"}, "bob@example.com": {"regions": ["east"]}},
        }
    )
    assert principal_for({"email": "ANN@example.com", "saleslens_role": "admin"}, roles).role == "planner"
    bob = principal_for({"email": "bob@example.com", "saleslens_role": ["viewer", "analyst"]}, roles)
    assert (bob.role, bob.source, bob.scope.regions) == ("analyst", "claim", ("east",))
    assert principal_for({"sub": "42"}, roles).role == "viewer"
    assert principal_for({"sub": "42"}, rolemap.RoleMap()).role is None
    assert claim_role({"r": "Owner"}, "r") is None


def test_the_report_and_its_export_carry_only_the_scoped_rows(wh):
    from present import report

    period = (dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    with access.acting_as(who("viewer", regions=("east",))):
        data = report.gather(wh.reader(), Filters("tiny", *period), stage="growth", industry="retail", store=wh.state)
        with pytest.raises(access.PermissionDenied):  # a budget scenario covers every region
            report.gather(
                wh.reader(),
                Filters("tiny", *period),
                stage="growth",
                industry="retail",
                store=wh.state,
                scenario="plan",
            )
    assert data.f.regions == ("east",)
    assert {k.key: k.value for k in data.kpis}["revenue"] == 500.0
    assert data.pnl["revenue"].sum() == 500.0
    assert report.xlsx_bytes(data, "en")  # the export is written from these same scoped frames


def test_a_link_kept_across_sign_in_is_read_once_and_expires(wh):
    store = wh.state
    store.save_view("link:abc", '{"lang": ["zh"]}')
    store.save_view("link:old", '{"lang": ["en"]}')
    store.rows("UPDATE user_views SET updated_at = :t WHERE actor = 'link:old'", {"t": dt.datetime(2020, 1, 1)})
    store.save_view("ann@example.com", '{"lang": ["en"]}')
    assert store.take_view("link:abc", max_age=dt.timedelta(hours=1)) == '{"lang": ["zh"]}'
    assert store.take_view("link:abc", max_age=dt.timedelta(hours=1)) is None  # read once
    assert store.view("link:old") is None  # stale links are cleared on the way
    assert store.view("ann@example.com") == '{"lang": ["en"]}'  # a user's own last view stays


def test_a_demo_build_is_in_the_audit_log(tmp_path):
    from data import demo

    wh = Warehouse.open(tmp_path / "w")
    with access.acting_as(who("admin")):
        built = demo.build_demo(wh, orders=20_000, name="demo-audit")
    entry = [e for e in wh.state.audit_log() if e["action"] == "data.load" and e["target"] == "demo-audit"]
    assert len(entry) == 1 and entry[0]["actor"] == "admin@example.com"
    assert json.loads(entry[0]["detail"]) == {
        "kind": "demo",
        "mode": "replace",
        "rows_inserted": built["order_lines"],
        "seed": 42,
    }
