"""Screenshots of every page in both languages at 1440 px, to look at before closing an issue.

    python -m tests.e2e.screens OUTDIR [--db WAREHOUSE] [--pages overview channels ...]

Without ``--db`` it builds a small demo warehouse in a temporary folder. It starts the app on
127.0.0.1 and a free port, opens each page in Debian's Chromium, waits for the script run and the
charts, and saves ``OUTDIR/<page>_<lang>.png`` (full page). The browser tests run the same capture
into ``test-output/screens`` (tests/e2e/test_screens.py), so CI keeps the pictures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

PAGES = (
    "overview",
    "advisor",
    "goals",
    "outlook",
    "risks",
    "channels",
    "channels_conflict",
    "customers",
    "retention",
    "customer_value",
    "voice",
    "relationship",
    "budget",
    "budget_optimizer",
    "budget_scenarios",
    "data",
    "datasets",
    "access",
)
LANGS = ("zh", "en")
WIDTH = 1440


def capture(
    browser,
    base_url: str,
    outdir: Path,
    *,
    pages: tuple[str, ...] = PAGES,
    langs: tuple[str, ...] = LANGS,
    prepare: Callable[[object], None] | None = None,
) -> list[Path]:
    """Save every page × language; returns the files. Raises AssertionError naming a page that failed.

    ``prepare(tab)`` runs once per language before the pages (signing in, for a server with sign-in on).
    """
    from tests.e2e.conftest import wait_idle

    outdir.mkdir(parents=True, exist_ok=True)
    saved = []
    for lang in langs:
        context = browser.new_context(
            viewport={"width": WIDTH, "height": 1000}, locale="zh-CN" if lang == "zh" else "en-US"
        )
        tab = context.new_page()
        try:
            if prepare is not None:
                prepare(tab)
            for page in pages:
                path = "" if page == "overview" else page  # the default page lives at "/"
                tab.goto(f"{base_url}/{path}?lang={lang}&preset=last_year", wait_until="domcontentloaded")
                wait_idle(tab)
                # charts below the fold load their code lazily: scroll through the page once
                tab.evaluate(
                    "async () => { for (let y = 0; y < document.body.scrollHeight; y += 800) {"
                    " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 120)); } window.scrollTo(0, 0); }"
                )
                wait_idle(tab)
                errors = tab.locator('[data-testid="stException"]').count()
                path = outdir / f"{page}_{lang}.png"
                # Streamlit scrolls its main block, not the document: grow the window to the content
                height = tab.evaluate(
                    "() => Math.max(...[...document.querySelectorAll("
                    '\'[data-testid="stMain"], [data-testid="stMainBlockContainer"]\')]'
                    ".map(e => e.scrollHeight), 1000)"
                )
                tab.set_viewport_size({"width": WIDTH, "height": min(int(height) + 80, 16000)})
                tab.wait_for_timeout(400)
                tab.screenshot(path=str(path), full_page=True)
                tab.set_viewport_size({"width": WIDTH, "height": 1000})
                saved.append(path)
                assert errors == 0, f"{page} ({lang}) shows a traceback; see {path}"
        finally:
            context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.screens", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--db", type=Path, help="warehouse to show (default: a fresh 40k-line demo)")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_server

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.duckdb"
            subprocess.run(
                [sys.executable, "-m", "data", "demo", "--orders", "40000", "--db", str(db)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        with start_server(db, "screens_server.log") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for path in capture(browser, url, args.outdir, pages=tuple(args.pages)):
                    print(path)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
