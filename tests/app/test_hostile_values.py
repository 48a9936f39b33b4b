"""Issue 12: data values never render as Markdown, on any page.

A dataset whose channel, region, product and customer names are Markdown (an image that every
viewer's browser would fetch, colour directives, bold) is opened on every page; every element
that Streamlit renders as Markdown (text, captions, alerts, metric labels and values, widget
labels, radio options, expander and tab labels) must show those names escaped. Tables and charts
show values as plain text, so they are not checked here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import PAGES
from tests.conftest import ROOT

IMAGE = "![t](http://127.0.0.1:8799/p.png)"
PAYLOADS = (IMAGE, ":red[x]", "**bold**", "[link](javascript:alert(1))")
RAW = ("![t](", ":red[", "**bold**", "](javascript")


def hostile_csv() -> bytes:
    channels = [IMAGE, ":red[x] **bold**", "普通渠道"]
    regions = ["[link](javascript:alert(1))", "华东"]
    lines = ["订单编号,下单时间,客户编号,销售渠道,销售区域,商品名称,数量,实收金额,成本"]
    for i in range(1, 1201):
        month = 1 + (i % 24)
        year, month = 2023 + (month - 1) // 12, (month - 1) % 12 + 1
        day = 1 + i % 27
        lines.append(
            f"O{i},{year}-{month:02d}-{day:02d},{'**C' + str(i % 150) + '**'},{channels[i % 3]},"
            f"{regions[i % 2]},{':red[p' + str(i % 7) + ']'},1,{100 + i % 50},{60 + i % 20}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "orders.csv"
    source.write_bytes(hostile_csv())
    db = folder / "hostile.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "data", "load", str(source), "--name", "hostile", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return db


def markdown_texts(at) -> list[str]:
    """Every string the app hands to Streamlit's Markdown renderer in this run."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast"):
        texts += [str(e.value) for e in at.get(kind)]
    for metric in at.get("metric"):
        texts += [str(metric.label), str(metric.value)]
    for kind in (
        "slider",
        "select_slider",
        "selectbox",
        "multiselect",
        "checkbox",
        "toggle",
        "text_input",
        "number_input",
        "date_input",
        "button",
        "text_area",
    ):
        texts += [str(e.label) for e in at.get(kind)]
    for radio in at.get("radio"):
        texts += [str(radio.label), *map(str, radio.options)]
    for kind in ("expander", "tab"):
        texts += [str(e.label) for e in at.get(kind)]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_data_values_are_escaped_everywhere(make_app, hostile_db, page):
    at = make_app(db=hostile_db, lang="en", preset="all")
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    leaks = [text for text in markdown_texts(at) if any(raw in text for raw in RAW)]
    assert not leaks, leaks
