"""Sign-in, roles and scopes in the running app (issue 17), with st.user mocked by AppTest.

The role × write-path matrix runs each write the pages offer inside a real script run, where the
principal comes from st.user through ui.auth exactly as in the browser: a refusal there is the
server-side check, not a hidden button.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import rolemap
from data.snapshots import Warehouse
from metrics.overview import dimension_values
from tests.app.conftest import APP, metric_values
from tests.conftest import ROOT, copy_warehouse

SECRETS = {
    "client_id": "saleslens",
    "client_secret": "secret",
    "cookie_secret": "cookie",
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES_TOML = """
[defaults]
signed_in = "viewer"

[users."plan@example.com"]
role = "planner"

[users."ana@example.com"]
role = "analyst"

[users."boss@example.com"]
role = "admin"

[users."east@example.com"]
role = "planner"
regions = ["{region}"]
"""
ALLOWED = {
    "viewer": set(),
    "planner": {"scenario", "goal"},
    "analyst": {"scenario", "goal", "load", "mapping", "delete"},
    "admin": {"scenario", "goal", "load", "mapping", "delete", "roles"},
}
EMAILS = {
    "viewer": "someone@example.com",
    "planner": "plan@example.com",
    "analyst": "ana@example.com",
    "admin": "boss@example.com",
}


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access") / "base.duckdb"
    subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", "2000", "--db", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_db: Path):
    """``signed_in(email, script=APP, db=demo_db, **query)`` → an AppTest with sign-in on, not yet run."""
    region = dimension_values(Warehouse.open(demo_db).reader(), "demo")["region"][0]
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES_TOML.format(region=region), encoding="utf-8")
    monkeypatch.setenv("SALESLENS_ROLES_FILE", str(roles))

    def build(email: str | None, script: object = APP, db: Path | None = None, **query: object) -> AppTest:
        monkeypatch.setenv("SALESLENS_DB", str(db or demo_db))
        st.cache_data.clear()
        at = (
            AppTest.from_file(script, default_timeout=90)
            if isinstance(script, str)
            else AppTest.from_function(script, default_timeout=90)
        )
        at.secrets["auth"] = SECRETS
        at.user = {"is_logged_in": email is not None, **({"email": email, "sub": email} if email else {})}
        at.query_params.update(query)
        return at

    build.region = region
    return build


def _every_write() -> None:
    """Runs as a Streamlit script: each write path as the pages call it, the outcome per path."""
    import datetime as dt

    import streamlit as st

    from data import rolemap
    from data.ingest import ingest
    from data.ingest.mapping import remember_mapping
    from metrics import goals
    from metrics.budget import scenarios
    from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes
    from ui import auth, cached, ingest_flow

    cached.begin_run()
    writes = {
        "load": lambda: ingest(cached.current_warehouse(), csv_bytes(ORDERS_CSV), "fresh", filename="a.csv"),
        "mapping": lambda: remember_mapping(cached.store(), ["a"], {"order_id": "a"}),
        "scenario": lambda: scenarios.save(cached.store(), "demo", scenarios.Scenario("p", {"channel:x": 1.0})),
        "goal": lambda: goals.create(
            cached.connection(), goals.Goal("demo", "revenue", 1.0, dt.date(2030, 1, 1), "o"), store=cached.store()
        ),
        "roles": lambda: rolemap.save_user(
            cached.store(), rolemap.entry("new@example.com", "viewer"), auth.roles_path()
        ),
        "delete": lambda: ingest_flow.delete("demo"),
    }
    outcome = {}
    for path, write in writes.items():
        try:
            write()
            outcome[path] = "ok"
        except auth.PermissionDenied as refused:
            outcome[path] = refused.reason
    st.session_state["outcome"] = outcome
    st.session_state["who"] = auth.principal().role


@pytest.mark.parametrize("role", list(ALLOWED))
def test_role_by_write_path_matrix(signed_in, small_db, tmp_path, role):
    db = copy_warehouse(small_db, tmp_path / "w.duckdb")
    at = signed_in(EMAILS[role], _every_write, db=db).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["who"] == role
    outcome = at.session_state["outcome"]
    assert {path for path, result in outcome.items() if result == "ok"} == ALLOWED[role]
    assert all(result in ("ok", "role") for result in outcome.values())
    wh = Warehouse.open(db)
    assert ({d.name for d in wh.datasets()} == {"fresh"}) == (role in ("analyst", "admin"))
    denied = [e for e in wh.state.audit_log() if e["outcome"] == "denied"]
    assert all(e["actor"] == EMAILS[role] for e in denied) and len(denied) >= len(outcome) - len(ALLOWED[role]) - 2


def test_sign_in_off_runs_as_today_and_says_so(make_app):
    at = make_app(lang="en")
    at.switch_page("pages/datasets.py").run()
    assert not at.exception
    assert any("Sign-in is off" in i.value for i in at.info)
    assert at.button(key="datasets_delete") is not None  # the single local user keeps every right


def test_a_visitor_must_sign_in_and_a_viewer_is_refused_writes(signed_in):
    at = signed_in(None, lang="zh").run()
    assert [b.label for b in at.button] == ["登录"] and not at.metric
    at = signed_in(EMAILS["viewer"], lang="en").run()
    assert at.metric and not at.exception
    at.switch_page("pages/data.py").run()
    assert any("you need the role “analyst”" in i.value for i in at.info)
    assert not at.get("file_uploader")
    at.switch_page("pages/datasets.py").run()
    assert any("Sign-in is on" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "datasets_delete"]


def test_only_admins_see_the_access_page_and_the_audit_log(signed_in, small_db, tmp_path):
    db = copy_warehouse(small_db, tmp_path / "w.duckdb")
    signed_in(EMAILS["viewer"], _every_write, db=db).run()  # refused attempts, made directly
    at = signed_in(EMAILS["analyst"], db=db, lang="en").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/access.py")  # not registered for an analyst: the URL leads nowhere
    at = signed_in(EMAILS["admin"], db=db, lang="zh").run()
    at.switch_page("pages/access.py").run()
    assert not at.exception and not at.error
    audit = [d.value for d in at.dataframe if "操作" in d.value.columns]
    assert audit
    refused = audit[0][audit[0]["操作人"] == EMAILS["viewer"]]
    assert {"data.load", "dataset.delete", "roles.edit"} <= set(refused["操作"]) and set(refused["结果"]) == {"denied"}
    assert rolemap.read(rolemap.default_path()).lookup("boss@example.com", None).role == "admin"


def test_a_region_scoped_user_sees_only_their_regions_numbers(signed_in, make_app):
    region = signed_in.region
    scoped = signed_in("east@example.com", lang="zh").run()
    assert not scoped.exception
    assert scoped.sidebar.multiselect(key="sidebar_regions").options == [region]  # 华东 in Chinese
    everyone = make_app(lang="zh", region=region)
    mine = {m.label: m.value for m in scoped.metric}
    assert mine and mine == {m.label: m.value for m in everyone.metric}
    whole = make_app(lang="zh")
    assert mine != {m.label: m.value for m in whole.metric}
    scoped.switch_page("pages/customer_value.py").run()  # a dataset-wide model, fitted on their rows
    everyone.switch_page("pages/customer_value.py").run()
    assert not scoped.exception and not scoped.error
    mine, all_rows = metric_values(scoped), metric_values(everyone)
    total = "12 个月 CLV 合计"
    assert _yuan(mine[total]) < _yuan(all_rows[total])  # the region's customers, not every customer


CARD_PAGES = (  # cards equal to the region filter's
    "pages/channels.py",
    "pages/customers.py",
    "pages/retention.py",
    "pages/voice.py",
    "pages/relationship.py",
)
MODEL_PAGES = (
    "pages/goals.py",  # goal progress and outlook, no cards
    "pages/advisor.py",
    "pages/budget.py",
    "pages/budget_optimizer.py",
    "pages/budget_scenarios.py",
    "pages/channels_conflict.py",
    "pages/outlook.py",
    "pages/risks.py",
    "pages/datasets.py",
)


def test_a_scoped_user_gets_every_page_computed_on_their_rows(signed_in, make_app):
    """Every page renders for a region-scoped user. Retention, Customer voice and Relationship health
    show cards equal to the region filter's; the pages of dataset-wide models (budget curves, CLV,
    forecast, risks) are fitted on the user's rows (tests/unit/test_scoped.py checks the numbers);
    only the demo's model check, planted for every row, is replaced by a note."""
    region = signed_in.region
    scoped = signed_in("east@example.com", lang="en").run()
    assert any("computed on the rows of your access only" in c.value for c in scoped.sidebar.caption)
    for page in (*CARD_PAGES, *MODEL_PAGES):
        scoped.switch_page(page).run(timeout=180)
        assert not scoped.exception and not scoped.error, page
        notes = [i.value for i in scoped.info if "describes the whole dataset" in i.value]
        assert len(notes) == (page == "pages/budget.py"), (page, notes)
        if page == "pages/advisor.py":  # the executive report, built on their rows
            assert scoped.selectbox(key="advisor_report_scenario").options == ["(none)"]  # scenarios plan every row
            before = len(scoped.get("download_button"))
            scoped.checkbox(key="advisor_report_images").uncheck()
            scoped.button(key="advisor_report_build").click().run(timeout=180)
            assert not scoped.exception and not scoped.error
            assert len(scoped.get("download_button")) == before + 2  # the report as HTML and as a workbook
        if page in MODEL_PAGES:
            continue
        everyone = make_app(lang="en", region=region)
        everyone.switch_page(page).run()
        mine = {m.label: m.value for m in scoped.metric}
        assert mine and mine == {m.label: m.value for m in everyone.metric}, page


def _yuan(text: str) -> float:
    units = {"K": 1e3, "M": 1e6, "B": 1e9, "万": 1e4, "亿": 1e8}
    number = text.replace("¥", "").replace(",", "").strip()
    scale = units.get(number[-1], 1.0)
    return float(number.rstrip("KMB万亿")) * scale


def test_signing_in_again_keeps_filters_and_language(signed_in, small_db, tmp_path):
    db = copy_warehouse(small_db, tmp_path / "w.duckdb")
    first = signed_in(EMAILS["planner"], db=db, lang="zh", preset="all", region=signed_in.region).run()
    assert not first.exception
    # the provider's redirect after signing in lands on the bare address, in a new session
    again = signed_in(EMAILS["planner"], db=db).run()
    assert again.session_state["sidebar_lang"] == "zh"
    assert again.session_state["sidebar_regions"] == [signed_in.region]
    assert again.session_state["sidebar_preset"] == "all"
    other = signed_in(EMAILS["analyst"], db=db).run()  # each user's own view
    assert other.session_state["sidebar_regions"] == []
