"""Fixtures shared by all test folders: a small demo warehouse built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_ORDERS = 40_000  # small enough for a fast suite, large enough for every page to find something


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file holding the demo dataset, built through the real CLI."""
    path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "data", "demo", "--orders", str(DEMO_ORDERS), "--db", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


def copy_warehouse(source: Path, target: Path) -> Path:
    """A private copy of a warehouse folder (snapshots and state), for a test that writes to it."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("writer.lock"))
    return target


@pytest.fixture
def demo_db_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo warehouse, for a test that changes it."""
    return copy_warehouse(demo_db, tmp_path / "demo_copy")


# With pytest-xdist (pytest.ini: three workers on two cores, since much of the suite waits on browsers,
# servers and AppTest's polling; --dist loadgroup) the browser tests share one worker, so their
# servers, Chromium and the 8-tab cold start never run beside each other, and the Spark conformance
# tests share another, so one Spark Connect server serves them all.
GROUPS = {"e2e": "browser", "conformance": "spark"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups off the items
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in GROUPS:
            item.add_marker(pytest.mark.xdist_group(name=GROUPS[folder]))
