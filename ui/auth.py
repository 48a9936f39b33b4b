"""Who is using this browser session: sign-in through ``st.login`` (OpenID Connect), roles, scopes.

Sign-in is on when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's own: the
provider's ``server_metadata_url``, ``client_id``, ``client_secret``, ``redirect_uri``,
``cookie_secret``). Without it the app runs as before: one local user with every right, listening
on 127.0.0.1 only (``.streamlit/config.toml``).

A signed-in user's role comes from the role mapping file (``data.rolemap``), else from the ID
token's claim named by ``[saleslens_auth] role_claim`` (default ``saleslens_role``; a text or a
list, the highest known role wins), else the file's ``[defaults] signed_in``. This module only
tells ``data.access`` who is acting; every write checks the role itself, server-side.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data import access, rolemap
from data.access import ROLES, Principal, Scope
from present import i18n
from ui import cached

LOG = logging.getLogger("saleslens.auth")
DEFAULT_CLAIM = "saleslens_role"
PermissionDenied = access.PermissionDenied  # pages catch it here (pages → ui → metrics → data)
ANONYMOUS = Principal("anonymous", None, Scope(), "", "anonymous")


def _secrets(section: str) -> Mapping[str, Any]:
    try:
        found = st.secrets.get(section)
    except Exception:  # no secrets.toml at all: sign-in is off
        return {}
    return found if isinstance(found, Mapping) else {}


def configured() -> bool:
    """True when secrets.toml configures an OpenID Connect provider for st.login."""
    return bool(_secrets("auth"))


def settings() -> Mapping[str, Any]:
    return _secrets("saleslens_auth")


def roles_path() -> str | None:
    value = settings().get("roles_file")
    return str(value) if value else None


def _user() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:
        return {}


def claim_role(claims: Mapping[str, Any], claim: str) -> str | None:
    """The highest known role named by the claim (a text or a list of texts); None otherwise."""
    value = claims.get(claim)
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    known = [str(v).strip().lower() for v in values if isinstance(v, str) and str(v).strip().lower() in ROLES]
    return max(known, key=ROLES.index) if known else None


def principal_for(claims: Mapping[str, Any], roles: rolemap.RoleMap, claim: str = DEFAULT_CLAIM) -> Principal:
    """The principal for a signed-in user's claims (``st.user``) and the role mapping."""
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    subject = str(claims.get("sub") or "") or None
    actor = rolemap.normalise_key(email) if email else f"sub:{subject or 'unknown'}"
    name = str(claims.get("name") or email or actor)[:120]
    found = roles.lookup(email, subject)
    if found is not None and found.role:
        return Principal(actor, found.role, found.scope, name, "file")
    scope = found.scope if found is not None else Scope()
    by_claim = claim_role(claims, claim)
    if by_claim:
        return Principal(actor, by_claim, scope, name, "claim")
    if roles.default_role:
        return Principal(actor, roles.default_role, scope, name, "default")
    return Principal(actor, None, scope, name, "none")


def principal() -> Principal:
    """The principal of this browser session, worked out once per script run.

    Every Filters asks (metrics.filters), so the answer is kept on the run's context: a run
    starts with fresh ``cursors``, so a role changed between two clicks applies on the next one.
    """
    ctx = get_script_run_ctx()
    kept = getattr(ctx, "_saleslens_principal", None) if ctx is not None else None
    if kept is not None and kept[0] is ctx.cursors:
        return kept[1]
    who = _principal()
    if ctx is not None:
        ctx._saleslens_principal = (ctx.cursors, who)  # type: ignore[attr-defined]
    return who


def _principal() -> Principal:
    if not configured():
        return access.LOCAL
    claims = _user()
    if not claims.get("is_logged_in"):
        return ANONYMOUS
    try:
        roles = rolemap.read(roles_path())
    except rolemap.RoleMapError:  # a broken file grants nothing from the file; the admin sees why
        LOG.exception("the role mapping file cannot be read")
        roles = rolemap.RoleMap()
    return principal_for(claims, roles, str(settings().get("role_claim") or DEFAULT_CLAIM))


def _resolve() -> Principal | None:
    if get_script_run_ctx() is None:  # no browser session (a background fit, a command)
        return None
    return principal()


access.use_resolver(_resolve)


def denied_text(error: access.PermissionDenied, lang: str) -> str:
    """The refusal in the user's language: what was refused and why (never the technical text)."""
    action = i18n.t(f"access_action_{error.action.replace('.', '_')}", lang)
    if error.reason == "role":
        needed = i18n.t(f"access_role_{error.needed}", lang) if error.needed else "—"
        return i18n.t(
            "access_denied_role",
            lang,
            action=action,
            needed=needed,
            role=i18n.t(f"access_role_{error.principal.role}", lang)
            if error.principal.role
            else i18n.t("access_role_none", lang),
        )
    if error.reason == "dataset":
        return i18n.t("access_denied_dataset", lang, action=action)
    return i18n.t("access_denied_rows", lang, action=action)


def gate(lang: str) -> Principal:
    """The shell's sign-in step: the session's principal, or a sign-in page and st.stop().

    With sign-in on, a visitor who is not signed in sees only the sign-in button; a signed-in user
    without a role sees why and can sign out. The sidebar shows who is signed in and their role.
    """
    who = principal()
    if not configured():
        return who
    if who.source == "anonymous":
        keep_link()
        st.title("SalesLens 销售透镜")
        st.info(i18n.t("auth_sign_in_needed", lang))
        st.button(i18n.t("auth_sign_in", lang), key="auth_sign_in", on_click=st.login, type="primary")
        st.stop()
    with st.sidebar:
        role = i18n.t(f"access_role_{who.role}", lang) if who.role else i18n.t("access_role_none", lang)
        st.caption(i18n.t("auth_signed_in_as", lang, who=who.name, role=role))
        if who.scope.limits_rows or who.scope.datasets:
            st.caption(i18n.t("auth_scope", lang, scope=scope_text(who.scope, lang)))
        if who.scope.limits_rows:
            st.caption(i18n.t("auth_scope_rows", lang))
        st.button(i18n.t("auth_sign_out", lang), key="auth_sign_out", on_click=st.logout)
    if who.role is None:
        st.warning(i18n.t("auth_no_role", lang))
        st.stop()
    return who


def scope_text(scope: Scope, lang: str) -> str:
    every = i18n.t("auth_scope_all", lang)
    return "; ".join(
        f"{i18n.t(f'auth_scope_{dim}', lang)}: {', '.join(getattr(scope, dim)) or every}"
        for dim in ("datasets", "regions", "channels")
    )


REFUSED = "_access_refused"


def guarded(callback: Callable[..., None]) -> Callable[..., None]:
    """A button callback whose refusal (PermissionDenied) is shown on the next run instead of failing it.

    Callbacks run before the script, outside the shell's ``try``; the refusal itself happened in
    the write function, so nothing was changed.
    """

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            callback(*args, **kwargs)
        except access.PermissionDenied as refused:
            st.session_state[REFUSED] = refused

    return run


def show_refusal(lang: str) -> None:
    """Show (once) a refusal a callback met on the previous run."""
    refused = st.session_state.pop(REFUSED, None)
    if isinstance(refused, access.PermissionDenied):
        st.error(denied_text(refused, lang))


def require(action: str, *, dataset: str | None = None) -> Principal:
    """``data.access.require`` for this session, writing a refusal to the warehouse's audit log."""
    return access.require(action, dataset=dataset, store=cached.store())


URL_KEYS = ("lang", "dataset", "preset", "start", "end", "channel", "region")
VIEW_SAVED = "_auth_view_saved"


def _signed_in(who: Principal) -> bool:
    return who.source not in ("local", "anonymous", "operator")


LINK_MAX_AGE = dt.timedelta(hours=1)


def _browser_key() -> str | None:
    """A key of this browser that survives the provider's redirect: a hash of the token in
    Streamlit's XSRF cookie (the cookie is re-masked on each response, the token inside stays).
    None without that cookie (XSRF protection off)."""
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    try:
        token, _ = decode_xsrf_token_string(st.context.cookies.get("_streamlit_xsrf") or "")
    except Exception:  # an odd cookie is no key, never an error page
        return None
    return hashlib.sha256(b"saleslens-link|" + token).hexdigest()[:32] if token else None


def _url_view() -> dict[str, list[str]]:
    """The filters and language the URL holds (URL_KEYS), as lists of values."""
    return {k: st.query_params.get_all(k) for k in st.query_params.keys() if k in URL_KEYS}


def keep_link() -> None:
    """A visitor who opens a shared link before signing in: keep its filters and language for this
    browser, so they come back after the provider's redirect to the bare address (restore_view)."""
    wanted = _url_view()
    browser = _browser_key()
    if wanted and browser:
        with contextlib.suppress(OSError):
            cached.store().save_view(f"link:{browser}", json.dumps(wanted, ensure_ascii=False, sort_keys=True))


def restore_view() -> None:
    """Before the URL seeds the sidebar: a signed-in user arriving on the bare address (the provider
    redirects there after sign-in) gets the filters and language of the link they opened before
    signing in (keep_link), else those of their last view."""
    if st.session_state.get("_url_seeded") or not configured():
        return
    who = principal()
    if not _signed_in(who) or any(k in st.query_params for k in URL_KEYS):
        return
    browser = _browser_key()
    try:
        link = cached.store().take_view(f"link:{browser}", max_age=LINK_MAX_AGE) if browser else None
        saved = json.loads(link or cached.store().view(who.actor) or "{}")
    except (ValueError, OSError):
        return
    if isinstance(saved, dict) and saved:
        st.query_params.from_dict({k: v for k, v in saved.items() if k in URL_KEYS})


def remember_view(who: Principal) -> None:
    """After the URL is written: keep the signed-in user's filters and language (only when changed)."""
    if not configured() or not _signed_in(who):
        return
    wanted = _url_view()
    if wanted and st.session_state.get(VIEW_SAVED) != wanted:
        cached.store().save_view(who.actor, json.dumps(wanted, ensure_ascii=False, sort_keys=True))
        st.session_state[VIEW_SAVED] = wanted
