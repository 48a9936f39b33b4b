"""Who is acting, what their role lets them write, and which rows they may read.

Roles form a ladder, each holding every right of the one before (README, "Sign-in and roles"):

- ``viewer``: every page and every download;
- ``planner``: + budget scenarios, goals and risk plans;
- ``analyst``: + loading files (upload, append, replace), deleting datasets, column mappings;
- ``admin``: + the role mapping and the audit log.

A :class:`Principal` is the one acting: its ``actor`` (what the audit records), its role (None: no
access at all) and its :class:`Scope` (the datasets, regions and channels it may read; empty means
all). Every write path calls :func:`require` *inside* the function that writes (``ingest.load``,
``Warehouse.delete``, ``scenarios.save``, ``goals.create``...), so a page that forgets to hide a
button, a forged widget message or a stale browser tab is refused all the same.

Where the principal comes from: the web app registers a resolver (``ui.auth``) that reads the
signed-in user of the current browser session; outside a browser session (``python -m data``,
``python -m metrics``, scripts, tests) it is the machine's :data:`OPERATOR`, with every right:
whoever can run commands on the server can already read and write the warehouse's files.
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import getpass
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

ROLES = ("viewer", "planner", "analyst", "admin")

# action -> the lowest role allowed to do it. ``rows``: the action touches rows of every region and
# channel (a load replaces a whole dataset; a budget scenario or a risk plan is shared by every user
# of the dataset, who see it against their own numbers), so a user whose scope limits regions or
# channels may not do it whatever their role.
ACTIONS: dict[str, tuple[str, bool]] = {
    "scenario.save": ("planner", True),
    "scenario.delete": ("planner", True),
    "goal.save": ("planner", False),  # a goal's own scope must lie inside the user's (metrics.goals)
    "goal.delete": ("planner", False),
    "risk_plan.save": ("planner", True),
    "risk_plan.delete": ("planner", True),
    "data.load": ("analyst", True),  # upload, append, replace; every extra-file kind alike
    "dataset.delete": ("analyst", True),
    "mapping.save": ("analyst", False),
    "analysis.whole": ("viewer", True),  # a result about every row whatever the scope (the demo's truths)
    "roles.edit": ("admin", True),
    "audit.read": ("admin", False),
}

LOG = logging.getLogger("saleslens.access")
# A selection that matches no row (no region or channel is named "\x00"): an empty tuple would mean "all".
NOTHING = ("\x00",)


@dataclass(frozen=True)
class Scope:
    """What a principal may read. Empty means "all"; ``datasets`` entries may be glob patterns (``north-*``)."""

    datasets: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @property
    def limits_rows(self) -> bool:
        """True when the scope cuts rows inside a dataset (regions or channels)."""
        return bool(self.regions or self.channels)

    @property
    def rows_key(self) -> tuple:
        """The rows this scope reads, as a cache key part: () when it limits none (results computed
        for a scope are kept apart from the whole dataset's and from other scopes')."""
        return (self.channels, self.regions) if self.limits_rows else ()

    @property
    def unlimited(self) -> bool:
        return not (self.datasets or self.limits_rows)

    def allows_dataset(self, name: str) -> bool:
        return not self.datasets or any(fnmatch.fnmatchcase(name, pattern) for pattern in self.datasets)

    def covers(self, channels: Iterable[str], regions: Iterable[str]) -> bool:
        """Whether a selection (empty = all) lies inside this scope."""
        channels, regions = tuple(channels), tuple(regions)
        if self.channels and (not channels or any(c not in self.channels for c in channels)):
            return False
        return not (self.regions and (not regions or any(r not in self.regions for r in regions)))

    def narrow(self, dim: str, selected: tuple[str, ...]) -> tuple[str, ...]:
        """A selection of ``dim`` ("channels" or "regions"; empty = all) cut to this scope.

        Empty selection: the scope's own list. A selection wholly outside the scope becomes
        :data:`NOTHING`, which matches no row (an empty tuple would mean "all").
        """
        allowed = getattr(self, dim)
        if not allowed:
            return selected
        if not selected:
            return allowed
        kept = tuple(v for v in selected if v in allowed)
        return kept or NOTHING

    def as_dict(self) -> dict[str, list[str]]:
        return {"datasets": list(self.datasets), "regions": list(self.regions), "channels": list(self.channels)}


@dataclass(frozen=True)
class Principal:
    """The one acting. ``source`` says where the role came from: ``operator`` (command line),
    ``local`` (sign-in off), ``file`` (the role mapping), ``claim`` (the ID token), ``default`` (the
    mapping's default for signed-in users), ``none`` (signed in without a role) or ``anonymous``."""

    actor: str
    role: str | None
    scope: Scope = field(default_factory=Scope)
    name: str = ""
    source: str = "operator"

    @property
    def rank(self) -> int:
        return ROLES.index(self.role) if self.role in ROLES else -1

    def at_least(self, role: str) -> bool:
        return self.rank >= ROLES.index(role)

    def can(self, action: str, *, dataset: str | None = None) -> bool:
        return _refusal(self, action, dataset) is None


def _operator() -> Principal:
    try:
        user = getpass.getuser()
    except Exception:  # a container without a passwd entry for its uid
        user = "unknown"
    return Principal(f"operator:{user}", "admin", Scope(), user, "operator")


OPERATOR = _operator()
LOCAL = Principal("local", "admin", Scope(), "", "local")

_override: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("saleslens_principal", default=None)
_resolver: Callable[[], Principal | None] | None = None


def use_resolver(resolver: Callable[[], Principal | None] | None) -> None:
    """Set how :func:`current` finds the principal (the web app's: the browser session's user).

    The resolver returns None where it has no say (no browser session): the operator acts then.
    """
    global _resolver
    _resolver = resolver


def current() -> Principal:
    """The principal acting now: :func:`acting_as`'s, else the resolver's, else the operator."""
    chosen = _override.get()
    if chosen is not None:
        return chosen
    if _resolver is not None:
        found = _resolver()
        if found is not None:
            return found
    return OPERATOR


@contextlib.contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run a block as ``principal`` (tests; a script acting for a named user)."""
    token = _override.set(principal)
    try:
        yield principal
    finally:
        _override.reset(token)


class PermissionDenied(Exception):
    """A write (or a read outside the scope) the principal may not do; nothing was changed.

    ``reason`` is ``role`` (the role is too low, or there is none), ``dataset`` (the dataset is
    outside the scope) or ``rows`` (the scope limits regions or channels and the action touches
    them all). The pages show ``ui.auth.denied_text(error)`` in the user's language.
    """

    def __init__(self, action: str, principal: Principal, reason: str, dataset: str | None = None) -> None:
        self.action, self.principal, self.reason, self.dataset = action, principal, reason, dataset
        self.needed = ACTIONS[action][0] if action in ACTIONS else None
        super().__init__(
            f"{principal.actor} (role {principal.role or 'none'}) may not {action}"
            + (f" on {dataset!r}" if dataset else "")
            + f": {reason}"
        )


class ScopeDenied(PermissionDenied):
    """A read the scope forbids: a dataset outside it, or a dataset-wide analysis for a row-scoped user."""


def _refusal(principal: Principal, action: str, dataset: str | None) -> str | None:
    needed, whole_rows = ACTIONS[action]
    if not principal.at_least(needed):
        return "role"
    if dataset is not None and not principal.scope.allows_dataset(dataset):
        return "dataset"
    if whole_rows and principal.scope.limits_rows:
        return "rows"
    return None


def require(action: str, *, dataset: str | None = None, store: object = None) -> Principal:
    """The current principal when it may do ``action`` (on ``dataset``); else PermissionDenied.

    A refusal is logged and, when ``store`` (the warehouse's user-state store) is given, written to
    its audit log, so an admin sees attempts as well as changes.
    """
    principal = current()
    reason = _refusal(principal, action, dataset)
    if reason is None:
        return principal
    LOG.warning("refused %s on %r to %s (role %s): %s", action, dataset, principal.actor, principal.role, reason)
    if store is not None:
        record(store, action, target=dataset or "", outcome="denied", detail={"reason": reason}, principal=principal)
    raise PermissionDenied(action, principal, reason, dataset)


def require_dataset(name: str) -> Principal:
    """The current principal when ``name`` is inside its scope; else ScopeDenied (reason ``dataset``)."""
    principal = current()
    if not principal.scope.allows_dataset(name):
        raise ScopeDenied("read", principal, "dataset", name)
    return principal


def record(
    store: object,
    action: str,
    *,
    target: str = "",
    outcome: str = "ok",
    detail: dict | None = None,
    principal: Principal | None = None,
) -> None:
    """Append one entry to the audit log of ``store`` (a ``data.state.Store``); never raises.

    The audit must not turn a finished load into a failure: a write that cannot be recorded is
    logged instead.
    """
    who = principal or current()
    try:
        store.audit(
            who.actor,
            who.role,
            action,
            target,
            outcome,  # type: ignore[attr-defined]
            json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        )
    except Exception:
        LOG.exception("could not record %s %s by %s in the audit log", action, target, who.actor)
