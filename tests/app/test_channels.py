"""The Channels and Coverage & conflict pages through AppTest: both languages, every control, numbers behind charts."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from data import warehouse
from tests.app.conftest import metric_values
from tests.tiny import line, warehouse_with

CHANNELS = "pages/channels.py"
CONFLICT = "pages/channels_conflict.py"


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_page(make_app, page: str, **query):
    at = make_app(**query)
    at.switch_page(page).run()
    no_exception(at)
    return at


def _plain(value):
    """Plotly's typed arrays ({dtype, bdata, shape}) decoded into lists, recursively."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value


def chart(at, key: str):
    """The figure behind a chart (plotly's own decoding of typed arrays), as a plain dict, by widget key."""
    for element in at.get("plotly_chart"):
        if element.proto.id and key in element.proto.id:
            return _plain(json.loads(element.proto.spec))
    raise AssertionError(f"no chart {key}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_channels_page_in_both_languages(make_app, lang):
    at = open_page(make_app, CHANNELS, lang=lang)
    title = at.title[0].value
    assert any("\u4e00" <= c <= "\u9fff" for c in title) == (lang == "zh")
    table = at.dataframe[0].value
    assert ("销售额" if lang == "zh" else "Revenue") in table.columns
    assert len(table) == 6
    hhi = metric_values(at)["HHI" if lang == "en" else "集中度 HHI"]
    assert hhi.replace(",", "").isdigit()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_conflict_page_in_both_languages(make_app, lang):
    at = open_page(make_app, CONFLICT, lang=lang, preset="all")
    text = " ".join(m.value for m in at.markdown)
    # the planted blind spot 直营门店 × 西北 is listed with its reason
    assert ("西北" if lang == "zh" else "Northwest") in text
    assert at.dataframe[0].value.shape[0] == 5  # the five planted price-conflict products


def test_measure_switch_changes_the_donut(make_app):
    at = open_page(make_app, CHANNELS, lang="en")
    before = chart(at, "channels_share_donut")["data"][0]["values"]
    at.radio(key="channels_measure").set_value("orders").run()
    no_exception(at)
    after = chart(at, "channels_share_donut")["data"][0]["values"]
    assert before != after and all(float(v).is_integer() for v in after)
    trend = chart(at, "channels_share_trend")
    assert trend["data"] and max(max(s["y"]) for s in trend["data"]) <= 1


def test_waterfall_channel_picker(make_app):
    at = open_page(make_app, CHANNELS, lang="en")
    box = at.selectbox(key="channels_waterfall_channel")
    first = chart(at, "channels_waterfall_chart")["data"][0]["y"]
    box.set_value(box.options[-1] if isinstance(box.options[-1], str) else "合作伙伴").run()
    no_exception(at)
    second = chart(at, "channels_waterfall_chart")["data"][0]["y"]
    assert first[0] != second[0]  # revenue of another channel


def test_region_filter_shows_the_cost_note(make_app):
    at = open_page(make_app, CHANNELS, lang="en")
    assert not any("prorated" in i.value for i in at.info)
    at.sidebar.multiselect(key="sidebar_regions").select("华东").run()
    no_exception(at)
    assert any("prorated" in i.value for i in at.info)


def test_threshold_slider_changes_price_conflicts(make_app):
    at = open_page(make_app, CONFLICT, lang="en", preset="all")
    assert len(at.dataframe[0].value) == 5
    at.slider(key="channels_conflict_threshold").set_value(5).run()
    no_exception(at)
    assert len(at.dataframe[0].value) > 5
    at.slider(key="channels_conflict_threshold").set_value(60).run()
    no_exception(at)
    assert any("threshold" in i.value for i in at.info)


def test_conflict_controls(make_app):
    at = open_page(make_app, CONFLICT, lang="en", preset="all")
    heat = chart(at, "channels_conflict_heatmap")["data"][0]["z"]
    at.radio(key="channels_conflict_coverage_value").set_value("share_of_region").run()
    shares = chart(at, "channels_conflict_heatmap")["data"][0]["z"]
    assert heat != shares and max(v for row in shares for v in row if v is not None) <= 1
    provinces = chart(at, "channels_conflict_provinces")
    at.selectbox(key="channels_conflict_region").set_value("西北").run()
    assert chart(at, "channels_conflict_provinces") != provinces
    overlap = chart(at, "channels_conflict_overlap")["data"][0]["z"]
    at.radio(key="channels_conflict_overlap_value").set_value("revenue").run()
    no_exception(at)
    assert chart(at, "channels_conflict_overlap")["data"][0]["z"] != overlap
    assert any("channel-territory" in i.value for i in at.info)


def test_dataset_without_cost_or_channel_costs(make_app, tmp_path):
    db = tmp_path / "nocost.duckdb"
    con = warehouse_with(
        [line("A", "2024-02-10", None, "online", "east", 100), line("B", "2024-02-11", None, "store", "west", 50)],
        name="plain",
        con=warehouse.open_warehouse(db),
    )
    con.close()
    at = open_page(make_app, CHANNELS, db=db, lang="en", preset="all")
    warning = " ".join(m.value for m in at.markdown)
    assert "no cost of goods" in warning and "no channel cost table" in warning and "no customer id" in warning
    table = at.dataframe[0].value
    assert table["Revenue"].tolist() == [100, 50]
    assert table["Gross margin"].isna().all()
