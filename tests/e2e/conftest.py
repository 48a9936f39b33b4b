"""Browser tests: the real ``streamlit run`` on 127.0.0.1 and a free port, driven in Debian's Chromium.

Required in CI (CI=true); elsewhere skipped with the reason printed when Chromium or Playwright
is missing. Screenshots are kept under ``test-output/e2e``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_warehouse, in_ci

CHROMIUM = os.environ.get("SALESLENS_CHROMIUM", "/usr/bin/chromium")
OUTPUT = ROOT / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if in_ci():
        pytest.fail(reason + " (browser tests are required in CI)")
    print(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def start_server(
    db: Path,
    log_name: str = "server.log",
    env: dict[str, str] | None = None,
    *,
    port: int | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 and a free port (or ``port``) over the warehouse ``db``,
    with extra ``args`` (e.g. ``--secrets.files``); yields its URL."""
    port = port or free_port()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / log_name
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=ROOT,
            env=dict(os.environ, SALESLENS_DB=str(db), **(env or {})),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail(f"streamlit did not start; see {log}")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running app on a copy of the demo warehouse; yields its base URL.

    A copy, because DuckDB lets one process at a time open a file and the AppTest tests in this
    process keep the original open.
    """
    copy = tmp_path_factory.mktemp("e2e") / "demo.duckdb"
    copy_warehouse(demo_db, copy)
    with start_server(copy) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require(Path(CHROMIUM).exists() or shutil.which("chromium") is not None, f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    tab = context.new_page()
    yield tab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(OUTPUT / f"{request.node.name}.png"), full_page=True)
    context.close()


def wait_idle(tab, timeout_ms: int = 60_000) -> None:
    """Wait until the app finished its script run and has content.

    Streamlit marks its root with ``data-test-script-state``: "initial" before the first run,
    "running" during one, "notRunning" after; the status widget alone is absent before a run starts.
    """
    tab.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    tab.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] *').length > 5",
        timeout=timeout_ms,
    )
    tab.wait_for_timeout(500)


def wait_text(tab, *texts: str, within: str = "body", timeout_ms: int = 90_000) -> str:
    """Wait until the element ``within`` (a CSS selector) shows every one of ``texts``; returns its text.

    A page streams in while its script runs, so a text is waited for rather than read once: a read
    right after another element appeared can miss one drawn a moment later. On a timeout the page
    text goes to ``test-output/e2e/last_page_text.txt`` and the failure names what is missing.
    """
    try:
        tab.wait_for_function(
            "([sel, texts]) => { const el = document.querySelector(sel);"
            " return !!el && texts.every(t => el.innerText.includes(t)); }",
            arg=[within, list(texts)],
            timeout=timeout_ms,
        )
    except Exception as error:  # playwright's TimeoutError: say what is missing, keep the page text
        body = tab.locator(within).first.inner_text() if tab.locator(within).count() else ""
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "last_page_text.txt").write_text(body, encoding="utf-8")
        missing = [text for text in texts if text not in body]
        raise AssertionError(f"not on the page after {timeout_ms} ms: {missing} ({error.__class__.__name__})") from None
    return tab.locator(within).first.inner_text()
