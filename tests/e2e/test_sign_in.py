"""Sign-in end to end (issue 17): the real server with sign-in on, a local OpenID Connect provider on
127.0.0.1 (oidc-provider-mock), and Chromium signing in as each role.

Each role checks what it may do and what is refused; the refusals are attempted through forms every
role sees (a goal's form, the extra-file upload), so the check on the server is what refuses them,
not a hidden button.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from data.snapshots import Warehouse
from metrics.overview import dimension_values
from tests.conftest import copy_warehouse
from tests.e2e.conftest import _require, free_port, start_server, wait_idle, wait_text

ROLES = {
    "viewer": "viewer@example.com",
    "planner": "planner@example.com",
    "analyst": "analyst@example.com",
    "admin": "admin@example.com",
}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    try:
        import oidc_provider_mock
        from werkzeug.serving import make_server
    except ImportError:
        _require(False, "oidc-provider-mock is not installed (requirements-dev.txt)")
    # viewer and planner get their role from the ID token's claim, analyst and admin from the role file
    users = [
        oidc_provider_mock.User(
            sub=sub,
            claims={
                "email": email,
                "name": sub.title(),
                **({"saleslens_role": sub} if sub in ("viewer", "planner") else {}),
            },
        )
        for sub, email in ROLES.items()
    ]
    server = make_server("127.0.0.1", free_port(), oidc_provider_mock.app(user_claims=users))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def app_url(provider: str, demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("sign_in")
    db = copy_warehouse(demo_db, folder / "demo.duckdb")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "e2e-cookie-secret-0123456789abcdef"
client_id = "saleslens-e2e"
client_secret = "e2e-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    roles = folder / "roles.toml"
    roles.write_text(
        """
[defaults]
signed_in = ""

[users."analyst@example.com"]
role = "analyst"

[users."admin@example.com"]
role = "admin"
""",
        encoding="utf-8",
    )
    with start_server(
        db,
        "sign_in_server.log",
        env={"SALESLENS_ROLES_FILE": str(roles), "SALESLENS_PREFETCH": "0"},  # fits on demand (ui.cached)
        port=port,
        args=("--secrets.files", str(secrets)),
    ) as url:
        yield url, db


def sign_in(
    tab, url: str, sub: str, *, query: str = "lang=en", button: str = "Sign in", expect: tuple[str, ...] = ()
) -> None:
    """Open ``url`` with ``query``, press ``button``, sign in at the provider as ``sub``, and wait for the
    sidebar to say so (``expect``: its texts; default the English "Signed in: Sub")."""
    tab.goto(f"{url}/?{query}")
    wait_idle(tab)
    tab.get_by_role("button", name=button).click()
    tab.wait_for_selector('input[name="sub"]', timeout=30_000)
    tab.fill('input[name="sub"]', sub)
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(url + "/**", timeout=30_000)
    wait_idle(tab)
    wait_text(tab, *(expect or (f"Signed in: {sub.title()}",)), within='[data-testid="stSidebar"]')


def test_a_link_opened_before_signing_in_comes_back_after_the_redirect(page, app_url):
    """The provider redirects to the bare address after sign-in; the link's filters and language,
    kept for this browser when the sign-in page showed (ui.auth.keep_link), come back."""
    app_url, db = app_url
    region = dimension_values(Warehouse.open(db).reader(), "demo")["region"][-1]
    link = f"lang=zh&preset=all&region={quote(region)}"
    sign_in(page, app_url, "planner", query=link, button="登录", expect=("已登录：Planner", region))
    query = parse_qs(urlparse(page.url).query)
    assert query.get("lang") == ["zh"] and query.get("preset") == ["all"] and query.get("region") == [region]


def open_page(tab, url: str, path: str) -> None:
    tab.goto(f"{url}/{path}?lang=en")
    wait_idle(tab)


def try_goal(tab) -> None:
    """Fill and submit the new-goal form on the Goals page (every role sees it)."""
    form = tab.locator('[data-testid="stForm"]').last
    form.locator('[data-testid="stNumberInput"] input').first.fill("1000000")
    form.locator('[data-testid="stTextInput"] input').first.fill("E2E owner")
    form.get_by_role("button", name="Create goal").click()
    wait_idle(tab)


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_may_do_its_own_and_is_refused_the_rest(page, app_url, role):
    app_url, db = app_url
    sign_in(page, app_url, role)
    wait_text(page, f"({role})", within='[data-testid="stSidebar"]')
    open_page(page, app_url, "goals")
    try_goal(page)
    if role == "viewer":
        wait_text(page, "to save a goal you need the role “planner” or higher")
        log = Warehouse.open(db).state.audit_log()  # the refusal reached the audit log on the server
        assert ("viewer@example.com", "goal.save", "denied") in {(e["actor"], e["action"], e["outcome"]) for e in log}
    else:
        wait_text(page, "Goal created")
    open_page(page, app_url, "data")
    if role in ("viewer", "planner"):
        wait_text(page, "to load data (upload, append, replace) you need the role “analyst”")
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    else:
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30_000)
    open_page(page, app_url, "datasets")
    wait_text(page, "Sign-in is on")
    assert (page.get_by_text("Delete a dataset").count() > 0) == (role in ("analyst", "admin"))
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert ("Access & audit" in nav) == (role == "admin")
    if role == "admin":
        open_page(page, app_url, "access")
        form = page.locator('[data-testid="stForm"]').first
        form.locator('[data-testid="stTextInput"] input').first.fill("New.Person@example.com")
        form.get_by_role("button", name="Save user").click()
        wait_text(page, "Saved new.person@example.com.", "Audit log", "Download CSV")
        # the role mapping and the audit log (the second grid may draw a moment after the text)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length >= 2", timeout=30_000
        )
        assert page.locator('[data-testid="stDataFrame"]').count() == 2
        log = Warehouse.open(db).state.audit_log()  # what that grid shows (a canvas: no text to read)
        assert ("admin@example.com", "roles.edit", "new.person@example.com", "ok") in {
            (e["actor"], e["action"], e["target"], e["outcome"]) for e in log
        }
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click(timeout=30_000)  # the provider's end-session step
    wait_text(page, "Please sign in", "Sign in")
