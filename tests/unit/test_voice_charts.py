"""The customer-voice charts encode what they are given: measures, axes, colours, and data text as text."""

from __future__ import annotations

import pandas as pd
import pytest

from present.charts import theme
from present.charts import voice as charts


def test_nps_charts_keep_the_scale_and_channel_colours():
    months = pd.DataFrame(
        {"value": pd.to_datetime(["2025-01-01", "2025-02-01"]), "responses": [10, 12], "nps": [20.0, -5.0]}
    )
    fig = charts.nps_trend(months, "zh")
    assert list(fig.data[0].y) == [20.0, -5.0] and list(fig.layout.yaxis.range) == [-100, 100]
    assert fig.layout.xaxis.tickformat == theme.MONTH_FORMAT["zh"]
    by = pd.DataFrame({"value": ["电商平台", "<b>x</b>"], "responses": [5, 3], "nps": [40.0, -20.0]})
    bars = charts.nps_bars(by, "channel", "en")
    assert list(bars.data[0].marker.color) == [theme.color("电商平台"), theme.color("<b>x</b>")]
    assert list(bars.data[0].y) == ["Marketplaces", "&lt;b&gt;x&lt;/b&gt;"]  # data text is never markup
    regions = charts.nps_bars(by.assign(value=["华东", "华南"]), "region", "en")
    assert list(regions.data[0].marker.color) == [theme.GOOD, theme.BAD]


def test_csat_charts_show_the_top_two_share_on_a_fixed_percent_scale():
    months = pd.DataFrame(
        {
            "value": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "scale": "1-5",
            "responses": [10, 12],
            "csat_mean": [4.1, 3.9],
            "csat_top2": [0.8, 0.6],
        }
    )
    fig = charts.csat_trend(months, "en")
    assert list(fig.data[0].y) == [0.8, 0.6] and list(fig.layout.yaxis.range) == [0, 1]
    assert fig.layout.yaxis.tickformat == ".0%"
    by = pd.DataFrame(
        {
            "value": ["电商平台", "<i>y</i>"],
            "scale": "1-5",
            "responses": [5, 3],
            "csat_mean": [4.0, 3.0],
            "csat_top2": [0.7, 0.2],
        }
    )
    bars = charts.csat_bars(by, "channel", "en")
    assert list(bars.data[0].x) == [0.7, 0.2] and list(bars.layout.xaxis.range) == [0, 1]
    assert list(bars.data[0].y) == ["Marketplaces", "&lt;i&gt;y&lt;/i&gt;"]
    assert list(bars.data[0].marker.color) == [theme.color("电商平台"), theme.color("<i>y</i>")]


def test_lapse_and_contact_charts_read_their_measures():
    lapse = pd.DataFrame(
        {"group": ["promoter", "passive", "detractor"], "judged": [10, 5, 4], "lapse_rate": [0.2, 0.3, 0.5]}
    )
    fig = charts.lapse_bars(lapse, "en")
    assert list(fig.data[0].y) == [0.2, 0.3, 0.5] and fig.layout.yaxis.tickformat == ".0%"
    assert list(fig.data[0].marker.color) == [theme.GOOD, theme.NEUTRAL, theme.BAD]
    months = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01"]),
            "interactions": [9],
            "visits": [2],
            "calls": [3],
            "wecom": [4],
            "email": [0],
            "active_customers": [3],
            "contacts_per_customer": [3.0],
        }
    )
    fig = charts.contacts_trend(months, "en")
    names = [trace.name for trace in fig.data]
    assert names == ["Visits", "Calls", "WeCom", "Contacts per active customer per month"]  # no empty e-mail bar
    assert fig.data[-1].yaxis == "y2" and fig.layout.barmode == "stack"


def test_health_breakdown_and_timeline():
    parts = pd.DataFrame(
        {"component": ["completeness", "uniqueness"], "value": [0.8, 0.9], "weight": [0.5, 0.5], "points": [40.0, 45.0]}
    )
    fig = charts.health_breakdown(parts, "zh")
    assert list(fig.data[0].x) == [50.0, 50.0] and list(fig.data[1].x) == [40.0, 45.0]
    events = pd.DataFrame(
        {
            "kind": ["order", "contact", "feedback"],
            "day": pd.to_datetime(["2025-01-02"] * 3),
            "channel": ["电商平台", None, "电商平台"],
            "revenue": [120.0, None, None],
            "detail": [None, "visit", "0-10"],
            "note": [None, "王磊 · <i>ok</i>", "物流太慢"],
            "score": [None, None, 3.0],
            "ref": ["SO1", None, None],
        }
    )
    fig = charts.timeline(events, "en")
    assert [trace.name for trace in fig.data] == ["Orders", "Contacts", "Feedback"]
    assert fig.data[1].customdata[0] == "Visit · 王磊 · &lt;i&gt;ok&lt;/i&gt;"
    assert fig.data[2].customdata[0] == "3 (0-10) · 物流太慢"
    assert fig.data[0].customdata[0] == "Marketplaces · ¥120"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_conversion_trend_draws_a_line_per_channel(lang):
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01"]),
            "channel": ["电商平台", "电商平台", "直播带货"],
            "conversion_rate": [0.03, 0.035, 0.01],
        }
    )
    fig = charts.conversion_trend(frame, lang)
    lines = {trace.line.color: list(trace.y) for trace in fig.data}
    assert lines == {theme.color("电商平台"): [0.03, 0.035], theme.color("直播带货"): [0.01]}
    assert fig.layout.yaxis.tickformat == ".1%"
