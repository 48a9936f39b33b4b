"""The role mapping file: who has which role and scope, read on every run, edited by admins.

A TOML file (default ``.streamlit/roles.toml`` beside ``secrets.toml``; ``[saleslens_auth]
roles_file`` in the secrets or ``SALESLENS_ROLES_FILE`` choose another)::

    [defaults]
    signed_in = "viewer"          # a signed-in user listed nowhere, whose ID token names no role; "" = no access

    [users."ann@example.com"]     # the user's e-mail (any case; another claim with [saleslens_auth]
                                  # user_claim), or "sub:<subject>" for an account without one
    role = "analyst"

    [users."li.lei@example.com"]
    role = "planner"
    datasets = ["demo"]           # names or patterns (north-*); missing or [] = every dataset
    regions = ["华北", "东北"]      # missing or [] = every region
    channels = []                 # missing or [] = every channel

A user's role is the file's when it names one, else the ID token's claim, else ``signed_in``
(ui/auth.py). The file is the admins' to edit on the Access & audit page (or by hand);
every change is written whole to a temporary file and renamed over the old one under a lock, so
two admins (or two processes) never interleave, and recorded in the audit log by the caller.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tomllib
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from data import access
from data.access import ROLES, Scope
from data.warehouse import PROJECT_ROOT

DEFAULT_PATH = PROJECT_ROOT / ".streamlit" / "roles.toml"
MAX_KEY = 200
MAX_VALUES = 200
HEADER = (
    '# SalesLens role mapping (README: "Sign-in and roles"). Edited on the Access & audit page by admins\n'
    "# or by hand; an edit takes effect on each user's next click.\n"
)


class RoleMapError(ValueError):
    """The file or an edit is not valid; ``code`` is a translation key, ``detail`` what was wrong."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Entry:
    """One user's line: ``role`` None when the file gives only a scope (the role then comes from the token)."""

    key: str
    role: str | None = None
    scope: Scope = field(default_factory=Scope)


@dataclass(frozen=True)
class RoleMap:
    users: Mapping[str, Entry] = field(default_factory=dict)
    default_role: str | None = None

    def lookup(self, email: str | None, subject: str | None) -> Entry | None:
        """The entry for an e-mail (case-insensitive) or, failing that, a subject (``sub:<subject>``)."""
        if email:
            found = self.users.get(normalise_key(email))
            if found is not None:
                return found
        if subject:
            return self.users.get(normalise_key(f"sub:{subject}"))
        return None


def default_path() -> Path:
    return Path(os.environ.get("SALESLENS_ROLES_FILE") or DEFAULT_PATH).expanduser()


def normalise_key(text: str) -> str:
    """An e-mail lower-cased; a ``sub:`` key keeps its subject as the provider wrote it."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    if cleaned.lower().startswith("sub:"):
        return "sub:" + cleaned[4:].strip()
    return cleaned.lower()


def _text_list(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list) or len(value) > MAX_VALUES:
        raise RoleMapError("roles_error_list", what)
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_KEY or _has_control(item):
            raise RoleMapError("roles_error_list", what)
        items.append(item.strip())
    return tuple(dict.fromkeys(items))


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def check_role(role: object, *, empty_ok: bool = True) -> str | None:
    """A role name lower-cased, or None for "" (no role); RoleMapError for anything else."""
    if role is None or (isinstance(role, str) and not role.strip() and empty_ok):
        return None
    if not isinstance(role, str) or role.strip().lower() not in ROLES:
        raise RoleMapError("roles_error_role", repr(role)[:40])
    return role.strip().lower()


def check_key(key: object) -> str:
    if not isinstance(key, str):
        raise RoleMapError("roles_error_key", repr(key)[:40])
    cleaned = normalise_key(key)
    if not cleaned or cleaned == "sub:" or len(cleaned) > MAX_KEY or _has_control(cleaned):
        raise RoleMapError("roles_error_key", cleaned[:40])
    return cleaned


def entry(key: str, role: object, *, datasets: object = None, regions: object = None, channels: object = None) -> Entry:
    """A checked entry (lists of names; None or [] = all)."""
    return Entry(
        check_key(key),
        check_role(role),
        Scope(_text_list(datasets, "datasets"), _text_list(regions, "regions"), _text_list(channels, "channels")),
    )


def parse(raw: Mapping[str, object]) -> RoleMap:
    """A role map from the TOML document's tables; RoleMapError naming the first thing wrong."""
    unknown = set(raw) - {"defaults", "users"}
    if unknown:
        raise RoleMapError("roles_error_table", ", ".join(sorted(unknown)))
    defaults = raw.get("defaults", {})
    users = raw.get("users", {})
    if not isinstance(defaults, Mapping) or not isinstance(users, Mapping):
        raise RoleMapError("roles_error_table", "defaults/users")
    found: dict[str, Entry] = {}
    for key, value in users.items():
        if not isinstance(value, Mapping) or set(value) - {"role", "datasets", "regions", "channels"}:
            raise RoleMapError("roles_error_user", str(key)[:80])
        item = entry(
            key,
            value.get("role"),
            datasets=value.get("datasets"),
            regions=value.get("regions"),
            channels=value.get("channels"),
        )
        found[item.key] = item
    return RoleMap(found, check_role(defaults.get("signed_in")))


_CACHE: dict[Path, tuple[tuple[int, int], RoleMap]] = {}


def read(path: str | os.PathLike[str] | None = None) -> RoleMap:
    """The file's role map (empty when the file does not exist); re-read only when the file changed."""
    target = Path(path) if path is not None else default_path()
    try:
        stat = target.stat()
    except FileNotFoundError:
        return RoleMap()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(target)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with target.open("rb") as handle:
            raw = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RoleMapError("roles_error_toml", str(error)[:200]) from None
    found = parse(raw)
    _CACHE[target] = (stamp, found)
    return found


def _toml(text: str) -> str:
    """A TOML basic string: JSON's escaping is a subset of TOML's."""
    return json.dumps(text, ensure_ascii=False)


def render(rolemap: RoleMap) -> str:
    """The role map as TOML text (users sorted by key)."""
    lines = [HEADER, "[defaults]", f"signed_in = {_toml(rolemap.default_role or '')}", ""]
    for key in sorted(rolemap.users):
        item = rolemap.users[key]
        lines.append(f"[users.{_toml(key)}]")
        if item.role:
            lines.append(f"role = {_toml(item.role)}")
        for name in ("datasets", "regions", "channels"):
            values = getattr(item.scope, name)
            if values:
                lines.append(f"{name} = [{', '.join(_toml(v) for v in values)}]")
        lines.append("")
    return "\n".join(lines)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.with_name(target.name + ".lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(target: Path, rolemap: RoleMap) -> None:
    text = render(rolemap)
    parse(tomllib.loads(text))  # what is written must read back
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # who may do what is nobody else's business on a shared machine
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def update(
    path: str | os.PathLike[str] | None,
    *,
    put: Entry | None = None,
    remove: str | None = None,
    default_role: object = ...,
) -> tuple[Entry | None, Entry | None]:
    """Change the file in one locked read-modify-write; returns the entry (or default) before and after.

    ``put`` adds or replaces a user's entry, ``remove`` deletes one, ``default_role`` ("" for none)
    sets ``[defaults] signed_in``. The caller checks the right to do so and records it in the audit.
    """
    target = Path(path) if path is not None else default_path()
    with _locked(target):
        _CACHE.pop(target, None)
        current = read(target)
        users = dict(current.users)
        before = after = None
        if put is not None:
            before, after = users.get(put.key), put
            users[put.key] = put
        if remove is not None:
            key = check_key(remove)
            before = users.pop(key, None)
        changed = replace(current, users=users)
        if default_role is not ...:
            before = Entry("defaults", current.default_role)
            changed = replace(changed, default_role=check_role(default_role))
            after = Entry("defaults", changed.default_role)
        _write(target, changed)
        _CACHE.pop(target, None)
    return before, after


def _described(item: Entry | None) -> dict | None:
    return None if item is None else {"role": item.role, **item.scope.as_dict()}


def save_user(store: object, item: Entry, path: str | os.PathLike[str] | None = None) -> None:
    """Add or replace a user's entry: admins only (``data.access``), recorded in ``store``'s audit log."""
    who = access.require("roles.edit", store=store)
    before, after = update(path, put=item)
    access.record(
        store,
        "roles.edit",
        target=item.key,
        principal=who,
        detail={"before": _described(before), "after": _described(after)},
    )


def remove_user(store: object, key: str, path: str | os.PathLike[str] | None = None) -> bool:
    """Remove a user's entry (False when there was none): admins only, recorded in the audit log."""
    who = access.require("roles.edit", store=store)
    before, _ = update(path, remove=key)
    if before is not None:
        access.record(
            store,
            "roles.edit",
            target=check_key(key),
            principal=who,
            detail={"before": _described(before), "after": None},
        )
    return before is not None
