"""What the chart builders encode, read from the figures: measures and totals, stacks, axis formats in
both languages, one colour per channel and per CRM programme, data values drawn as plain text."""

from __future__ import annotations

import datetime as dt
import html
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import channels as ch
from metrics.budget.plotting import CurveView
from metrics.filters import Filters
from metrics.goals import Goal, Progress
from present.charts import advisor as advisor_charts
from present.charts import budget as budget_charts
from present.charts import channels as channel_charts
from present.charts import customers as customer_charts
from present.charts import overview as overview_charts
from present.charts import theme
from present.i18n import fmt_money, label
from tests.tiny import line, warehouse_with

LANGS = ("zh", "en")
MONTHS = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])
DEMO_CHANNELS = tuple(theme.CHANNEL_COLORS)
UPLOADED = "渠道X"  # a channel with no fixed colour
CHANNELS = (*DEMO_CHANNELS, UPLOADED)
PROGRAMMES = tuple(theme.CRM_PROGRAMME_COLORS)
EVIL = "<b>X</b><br><a href='javascript:alert(1)'>y</a>"


def values(array: object) -> list:
    """A trace attribute (tuple, numpy array or None) as a plain list."""
    return [] if array is None else np.asarray(array, dtype=object).tolist()


def strings(fig: go.Figure) -> str:
    """Every text of the figure (data and layout) as one JSON string."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


# ---------------------------------------------------------------- small frames


def pnl_frame(channels: tuple[str, ...] = CHANNELS) -> pd.DataFrame:
    rows = []
    for i, channel in enumerate(channels):
        revenue = 400_000.0 + 150_000 * i
        cogs = 0.4 * revenue
        cost = 0.1 * revenue
        rows.append(
            {
                "channel": channel,
                "revenue": revenue,
                "cogs": cogs,
                "gross_profit": revenue - cogs,
                "cost_marketing": cost,
                "cost_rebate": 0.0,
                "contribution": revenue - cogs - cost,
                "growth": 0.05 * (i - 2),
                "contribution_rate": (revenue - cogs - cost) / revenue,
            }
        )
    return pd.DataFrame(rows)


def monthly_frame(channels: tuple[str, ...] = CHANNELS) -> pd.DataFrame:
    rows = [
        {
            "month": m,
            "channel": c,
            "revenue": 100_000.0 * (i + 1),
            "gross_profit": 40_000.0 * (i + 1),
            "revenue_with_cost": 100_000.0 * (i + 1),
        }
        for m in MONTHS
        for i, c in enumerate(channels)
    ]
    return pd.DataFrame(rows)


def curve_view(lever: str, kind: str) -> CurveView:
    spend = np.linspace(0, 2_000_000, 5)
    value = spend * (0.0000002 if kind == "crm" else 1.5)
    line_frame = pd.DataFrame({"spend": spend, "value": value, "p10": 0.9 * value, "p90": 1.1 * value})
    points = pd.DataFrame(
        {
            "which": ["current", "proposed"],
            "spend": [500_000.0, 800_000.0],
            "value": [value[1], value[2]],
            "marginal_return": [1.2, 1.1],
        }
    )
    return CurveView(lever, kind, "fitted", line_frame, points)


def split_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "total": [0.0, 1_000_000.0, 2_000_000.0, 3_000_000.0, 9e9],
            "channels": [0.0, 700_000.0, 1_200_000.0, 1_500_000.0, np.nan],
            "crm": [0.0, 300_000.0, 800_000.0, 1_500_000.0, np.nan],
            "crm_share": [np.nan, 0.3, 0.4, 0.5, np.nan],
            "objective": [0.0, 1.0, 2.0, 3.0, np.nan],
            "feasible": [True, True, True, True, False],
        }
    )


def progress(metric: str, history: list[float], target: float) -> Progress:
    goal = Goal("demo", metric, target, dt.date(2025, 6, 30), "owner")
    frame = pd.DataFrame({"month": MONTHS, "value": history})
    return Progress(
        goal,
        "on_track",
        dt.date(2025, 3, 31),
        dt.date(2025, 3, 1),
        history[-1],
        history[0],
        0.6,
        target,
        1.0,
        1.0,
        None,
        frame,
    )


def advice(score: float) -> SimpleNamespace:
    signals = [
        SimpleNamespace(key="repeat_rate", available=True, vote=-1.0, weight=1.0),
        SimpleNamespace(key="top20_share", available=True, vote=0.7, weight=1.0),
    ]
    return SimpleNamespace(score=score, signals=signals)


# ---------------------------------------------------------------- waterfall


def bars(fig: go.Figure) -> list[tuple[float, float]]:
    """(base, top) of each waterfall bar, as plotly.js lays them out from the measures."""
    trace = fig.data[0]
    out, level = [], 0.0
    for measure, y in zip(trace.measure, values(trace.y), strict=True):
        if measure == "absolute":
            out.append((0.0, float(y)))
            level = float(y)
        elif measure == "relative":
            out.append((level, level + float(y)))
            level += float(y)
        else:  # total: the level reached so far, its own y ignored
            out.append((0.0, level))
    return out


@pytest.mark.parametrize("costs", [True, False], ids=["contribution", "gross-profit-only"])
@pytest.mark.parametrize("lang", LANGS)
def test_waterfall_starts_at_revenue_and_ends_at_its_total(lang, costs):
    pnl = pnl_frame()
    if not costs:
        pnl = pnl.assign(contribution=np.nan)
    steps = ch.waterfall(pnl, "经销商")
    fig = channel_charts.waterfall(steps, lang)
    trace = fig.data[0]
    drawn = bars(fig)
    revenue = float(steps["amount"].iloc[0])
    assert trace.measure[0] == "absolute" and drawn[0] == (0.0, revenue)  # the first bar stands from 0 to revenue
    relatives = [float(a) for m, a in zip(trace.measure, values(trace.y), strict=True) if m == "relative"]
    assert trace.measure[-1] == "total"
    assert drawn[-1][1] == pytest.approx(revenue + sum(relatives))
    assert drawn[-1][1] == pytest.approx(float(steps["amount"].iloc[-1]))  # the total drawn is the total labelled
    for (base, top), measure, amount in zip(drawn, trace.measure, values(trace.y), strict=True):
        # no bar upside down: each bar points the way of its amount (totals from 0 to the level)
        if measure != "total":
            assert np.sign(top - base) == np.sign(amount)
    assert values(trace.text) == [fmt_money(v, lang) for v in steps["amount"]]


def test_waterfall_with_a_loss_draws_the_loss_below_zero():
    pnl = pnl_frame().assign(cost_marketing=lambda f: f["revenue"])  # costs exceed gross profit
    pnl["contribution"] = pnl["revenue"] - pnl["cogs"] - pnl["cost_marketing"]
    fig = channel_charts.waterfall(ch.waterfall(pnl, "经销商"), "en")
    assert bars(fig)[0][1] > 0 and bars(fig)[-1] == (0.0, pytest.approx(float(pnl["contribution"].iloc[0])))
    assert bars(fig)[-1][1] < 0


# ---------------------------------------------------------------- stacked shares


def stacked_sums(fig: go.Figure) -> dict:
    totals: dict = {}
    for trace in fig.data:
        assert trace.stackgroup, "every area is in the stack"
        for x, y in zip(values(trace.x), values(trace.y), strict=True):
            totals[x] = totals.get(x, 0.0) + float(y)
    return totals


def test_share_trend_stacks_to_100_percent():
    con = warehouse_with(
        [
            line("a", "2024-01-05", "c1", "经销商", "华东", 100.0, 60.0),
            line("b", "2024-01-06", "c2", "电商平台", "华东", 300.0, 100.0),
            line("c", "2024-02-07", "c3", "电商平台", "华南", 50.0, 10.0),  # 经销商 sells nothing in February
            line("d", "2024-02-08", "c4", UPLOADED, "华南", 150.0, 70.0),
        ]
    )
    trend = ch.share_trend(con, Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 2, 29)))
    fig = channel_charts.share_trend(trend, "zh")
    sums = stacked_sums(fig)
    assert len(sums) == 2 and all(v == pytest.approx(1.0) for v in sums.values())
    assert {t.stackgroup for t in fig.data} == {"share"} and tuple(fig.layout.yaxis.range) == (0, 1)


def test_channels_vs_crm_split_stacks_to_100_percent():
    fig = budget_charts.split(split_frame(), "en", current_total=1_000_000.0)
    sums = stacked_sums(fig)
    # budget levels with nothing spent (no split) and infeasible ones are left out
    assert sorted(sums) == [1_000_000.0, 2_000_000.0, 3_000_000.0]
    assert all(v == pytest.approx(1.0) for v in sums.values())
    channels, crm = fig.data
    assert values(crm.y) == pytest.approx([0.3, 0.4, 0.5])
    assert fmt_money(300_000.0, "en") in crm.customdata[0]  # the hover carries the amount
    assert tuple(fig.layout.yaxis.range) == (0, 1) and fig.layout.yaxis.tickformat == ".0%"


# ---------------------------------------------------------------- axis formats follow the language


def money_figures(lang: str) -> dict[str, tuple[go.Figure, str]]:
    """Every builder with a money axis: (figure, the axis)."""
    pnl = pnl_frame()
    orders = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2025-01-03", "2025-02-10", "2025-02-10"]),
            "channel": ["经销商", "经销商", UPLOADED],
            "revenue": [120_000.0, 80_000.0, 60_000.0],
        }
    )
    projection = pd.DataFrame(
        {
            "outcome": ["revenue", "gross_profit"],
            "current": [3e6, 2e6],
            "scenario": [3.3e6, 2.1e6],
            "p10": [3.1e6, 1.9e6],
            "p90": [3.5e6, 2.3e6],
        }
    )
    scenarios = pd.DataFrame(
        {
            "scenario": ["A", "A", "B", "B"],
            "outcome": ["revenue", "gross_profit"] * 2,
            "value": [3e6, 2e6, 3.2e6, 2.2e6],
            "p10": [2.9e6, 1.9e6, 3e6, 2e6],
            "p90": [3.1e6, 2.1e6, 3.4e6, 2.4e6],
        }
    )
    provinces = pd.DataFrame(
        {"channel": ["经销商", "电商平台"], "province": ["上海", "上海"], "revenue": [500_000.0, 700_000.0]}
    )
    clv = pd.DataFrame({"channel": ["经销商", UPLOADED], "clv_mean": [52_000.0, 31_000.0], "cac": [20_000.0, np.nan]})
    return {
        "overview.trend": (overview_charts.trend(monthly_frame(), lang), "yaxis"),
        "channels.waterfall": (channel_charts.waterfall(ch.waterfall(pnl, "经销商"), lang), "yaxis"),
        "channels.province_bars": (channel_charts.province_bars(provinces, lang), "yaxis"),
        "channels.pnl_bars": (channel_charts.pnl_bars(pnl, lang), "yaxis"),
        "customers.clv_by_channel": (customer_charts.clv_by_channel(clv, lang), "yaxis"),
        "customers.customer_orders": (customer_charts.customer_orders(orders, lang), "yaxis"),
        "budget.curve": (budget_charts.curve(curve_view("channel:经销商", "channel"), lang), "yaxis"),
        "budget.curve.spend": (budget_charts.curve(curve_view("crm:会员积分", "crm"), lang), "xaxis"),
        "budget.projection": (budget_charts.projection(projection, lang, ("revenue", "gross_profit")), "yaxis"),
        "budget.split": (budget_charts.split(split_frame(), lang), "xaxis"),
        "budget.compare": (budget_charts.compare(scenarios, lang, ("revenue", "gross_profit")), "yaxis"),
        "advisor.goal_trend": (
            advisor_charts.goal_trend(progress("revenue", [1e6, 1.2e6, 1.3e6], 2e6), lang, "t"),
            "yaxis",
        ),
    }


@pytest.mark.parametrize("name", sorted(money_figures("en")))
def test_money_axes_follow_the_language(name):
    for lang, units, foreign in (("zh", ("万", "亿"), ("K", "M", "B")), ("en", ("K", "M", "B"), ("万", "亿"))):
        fig, axis = money_figures(lang)[name]
        ticks = fig.layout[axis]
        texts = values(ticks.ticktext)
        assert ticks.tickmode == "array" and len(texts) == len(values(ticks.tickvals)) >= 3, (name, lang)
        assert all(t.lstrip("-").startswith("¥") for t in texts)
        assert any(u in t for t in texts for u in units), (name, lang, texts)
        assert not any(u in t for t in texts for u in foreign), (name, lang, texts)


@pytest.mark.parametrize("lang", LANGS)
def test_money_hover_and_text_follow_the_language(lang):
    fig = overview_charts.trend(monthly_frame(), lang)
    bar = fig.data[0]
    assert values(bar.customdata) == [fmt_money(v, lang) for v in values(bar.y)]
    assert "%{customdata}" in bar.hovertemplate
    assert ("万" in bar.customdata[0]) == (lang == "zh")


def test_money_ticks_are_round_and_cover_the_values():
    ticks, texts = theme.money_ticks([2_158_686.0, -50_000.0], "zh")
    assert ticks[0] <= -50_000 and ticks[-1] >= 2_158_686 and 0.0 in ticks
    assert texts[ticks.index(0.0)] == "¥0" and "¥200万" in texts
    assert theme.money_ticks([1.2e8], "zh")[1][-1].endswith("亿")
    assert theme.money_ticks([float("nan"), None], "en") == ([], [])


def month_figures(lang: str) -> dict[str, go.Figure]:
    trend = pd.DataFrame({"month": MONTHS, "channel": "经销商", "share": 1.0})
    churn = pd.DataFrame({"month": MONTHS, "churned": [3, 4, 5], "churn_rate": [0.1, 0.2, 0.15]})
    orders = pd.DataFrame({"order_date": MONTHS, "channel": "经销商", "revenue": [1.0, 2.0, 3.0]})
    return {
        "overview.trend": overview_charts.trend(monthly_frame(), lang),
        "channels.share_trend": channel_charts.share_trend(trend, lang),
        "customers.churn_trend": customer_charts.churn_trend(churn, lang),
        "customers.customer_orders": customer_charts.customer_orders(orders, lang),
        "advisor.goal_trend": advisor_charts.goal_trend(progress("gross_margin", [0.5, 0.6, 0.55], 0.7), lang, "t"),
    }


@pytest.mark.parametrize("name", sorted(month_figures("en")))
def test_month_axes_follow_the_language(name):
    assert month_figures("zh")[name].layout.xaxis.tickformat == "%Y年%-m月"
    assert month_figures("en")[name].layout.xaxis.tickformat == "%b %Y"


def test_cohort_labels_follow_the_language():
    matrix = pd.DataFrame([[1.0, 0.5]], index=[pd.Timestamp("2025-01-01")], columns=[0, 1])
    assert values(customer_charts.cohort_heatmap(matrix, "zh").data[0].y) == ["2025年1月"]
    assert values(customer_charts.cohort_heatmap(matrix, "en").data[0].y) == ["Jan 2025"]


def test_percent_axes_stay_percent():
    fig = advisor_charts.goal_trend(progress("gross_margin", [0.5, 0.6, 0.55], 0.7), "zh", "t")
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.yaxis.ticktext is None


# ---------------------------------------------------------------- one colour per channel and per CRM programme


def colours_by_name(fig: go.Figure) -> dict[str, set[str]]:
    """Name → colours drawn for it: legend traces, pie slices and per-point bar colours by category."""
    out: dict[str, set[str]] = {}
    for trace in fig.data:
        if isinstance(trace, go.Pie):
            for name, colour in zip(trace.labels, trace.marker.colors, strict=True):
                out.setdefault(name, set()).add(colour)
            continue
        marker = getattr(trace, "marker", None)
        colour = getattr(marker, "color", None) if marker is not None else None
        if isinstance(colour, (list, tuple, np.ndarray)):
            names = trace.y if getattr(trace, "orientation", None) == "h" else trace.x
            for name, c in zip(names, colour, strict=True):
                out.setdefault(name, set()).add(c)
            continue
        if trace.name and trace.showlegend is not False:
            line_colour = trace.line.color if getattr(trace, "line", None) is not None else None
            out.setdefault(trace.name, set()).add(colour if isinstance(colour, str) else line_colour)
    return out


def channel_figures(lang: str) -> dict[str, go.Figure]:
    """Every figure that draws channels (or CRM programmes), built from small frames."""
    pnl = pnl_frame()
    moves = pd.DataFrame({"dim": "channel", "value": list(CHANNELS), "revenue": pnl["revenue"], "growth": 0.1})
    shares = pd.DataFrame([{"month": m, "channel": c, "share": 1 / len(CHANNELS)} for m in MONTHS for c in CHANNELS])
    segments = pd.DataFrame({"segment": "champions", "acquisition_channel": list(CHANNELS), "customers": 10})
    churn = pd.DataFrame({"value": list(CHANNELS), "churn_rate": 0.2, "active_at_start": 50})
    clv = pd.DataFrame({"channel": list(CHANNELS), "clv_mean": 500.0, "cac": np.nan})
    orders = pd.DataFrame({"order_date": MONTHS[0], "channel": list(CHANNELS), "revenue": 10.0})
    provinces = pd.DataFrame({"channel": list(CHANNELS), "province": "上海", "revenue": 10.0})
    figs = {
        "overview.trend": overview_charts.trend(monthly_frame(), lang),
        "overview.share_donut": overview_charts.share_donut(moves, lang),
        "channels.share_donut": overview_charts.share_donut(pnl, lang, name_col="channel", value_col="gross_profit"),
        "channels.share_trend": channel_charts.share_trend(shares, lang),
        "channels.bubbles": channel_charts.bubbles(ch.where_to_grow(pnl), lang),
        "channels.province_bars": channel_charts.province_bars(provinces, lang),
        "customers.segment_channels": customer_charts.segment_channels(segments, lang),
        "customers.churn_bars": customer_charts.churn_bars(churn, lang),
        "customers.clv_by_channel": customer_charts.clv_by_channel(clv, lang),
        "customers.customer_orders": customer_charts.customer_orders(orders, lang),
    }
    for lever in (*(f"channel:{c}" for c in CHANNELS), *(f"crm:{p}" for p in (*PROGRAMMES, "新计划"))):
        figs[f"budget.curve[{lever}]"] = budget_charts.curve(curve_view(lever, lever.split(":")[0]), lang)
    return figs


@pytest.mark.parametrize("lang", LANGS)
def test_one_colour_per_channel_and_programme_on_every_chart(lang):
    figures = channel_figures(lang)
    seen: dict[str, dict[str, set[str]]] = {}
    for figure_name, fig in figures.items():
        for name, colours in colours_by_name(fig).items():
            seen.setdefault(name, {})[figure_name] = colours
    every_channel = {n for n in figures if not n.startswith("budget.curve")}
    for channel in CHANNELS:
        drawn = seen[label(channel, lang)]
        assert set(drawn) == every_channel | {f"budget.curve[channel:{channel}]"}  # every chart draws it...
        assert set().union(*drawn.values()) == {theme.color(channel)}, (channel, drawn)  # ...in one colour
    for programme in PROGRAMMES:
        assert set().union(*seen[label(programme, lang)].values()) == {theme.CRM_PROGRAMME_COLORS[programme]}
    assert len({theme.color(c) for c in DEMO_CHANNELS}) == len(DEMO_CHANNELS)


def test_crm_colours_are_no_channel_colour():
    channel_colours = {*theme.CHANNEL_COLORS.values(), *theme.PALETTE}
    crm = {theme.CRM_COLOR, *theme.CRM_PROGRAMME_COLORS.values(), *theme.CRM_PALETTE}
    assert not crm & channel_colours
    assert theme.CHANNELS_COLOR not in channel_colours | crm
    assert theme.crm_color("新计划") in theme.CRM_PALETTE and theme.crm_color(None) == theme.CRM_COLOR
    assert len(set(theme.CRM_PROGRAMME_COLORS.values())) == len(theme.CRM_PROGRAMME_COLORS)


@pytest.mark.parametrize("lang", LANGS)
def test_channels_vs_crm_charts_use_the_aggregate_colours(lang):
    split = budget_charts.split(split_frame(), lang)
    assert [t.line.color for t in split.data] == [theme.CHANNELS_COLOR, theme.CRM_COLOR]
    votes = advisor_charts.votes(advice(-20.0), lang).data[0]
    assert list(votes.marker.color) == [theme.CHANNELS_COLOR, theme.CRM_COLOR]  # vote −1 → channels, +0.7 → CRM
    gauge = advisor_charts.gauge(advice(-20.0), lang).data[0]
    assert gauge.gauge.threshold.line.color == theme.CHANNELS_COLOR
    assert advisor_charts.gauge(advice(30.0), lang).data[0].gauge.threshold.line.color == theme.CRM_COLOR
    assert budget_charts.curve(curve_view("crm", "crm"), lang).data[2].line.color == theme.CRM_COLOR


def test_the_report_pnl_uses_no_channel_colour_for_its_measures():
    fig = channel_charts.pnl_bars(pnl_frame(), "zh")
    used = {t.marker.color for t in fig.data}
    assert len(used) == 2 and not used & {*theme.CHANNEL_COLORS.values(), theme.CRM_COLOR}


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("lang", LANGS)
def test_donut_labels_push_the_margins_instead_of_being_clipped(lang):
    fig = overview_charts.share_donut(pnl_frame(DEMO_CHANNELS), lang, name_col="channel")
    pie = fig.data[0]
    assert pie.automargin is True  # outside labels grow the margins (plotly.js) rather than leave the figure
    assert pie.insidetextorientation == "horizontal"  # never rotated along a thin slice
    assert label("B2B直销", lang) in pie.labels and label("合作伙伴", lang) in pie.labels


def test_one_layout_for_app_and_report():
    figs = [*channel_figures("zh").values(), *money_figures("zh").values()]
    figs = [f[0] if isinstance(f, tuple) else f for f in figs]
    assert all(f.layout.font.family == theme.FONT for f in figs)
    assert theme.FONT.startswith("WenQuanYi Zen Hei")
    image = theme.for_image(advisor_charts.gauge(advice(0.0), "zh"))
    assert image.layout.paper_bgcolor == "white" and image.layout.font.family == theme.FONT


# ---------------------------------------------------------------- overview margin line


def margin_line(frame: pd.DataFrame) -> list[float]:
    fig = overview_charts.trend(frame, "en")
    return [float(v) for v in values(next(t for t in fig.data if t.yaxis == "y2").y)]


def test_trend_margin_divides_by_revenue_with_known_cost():
    # A has cost: revenue 100, GP 30. B has no cost: revenue 100, GP undefined. The margin KPI's
    # definition: 30 ÷ 100 (revenue with a known cost), not 30 ÷ 200.
    frame = pd.DataFrame(
        {
            "month": [MONTHS[0]] * 2,
            "channel": ["A", "B"],
            "revenue": [100.0, 100.0],
            "gross_profit": [30.0, np.nan],
            "revenue_with_cost": [100.0, np.nan],
        }
    )
    assert margin_line(frame) == pytest.approx([0.3])


def test_trend_margin_falls_back_to_revenue_without_the_column():
    frame = pd.DataFrame(
        {"month": [MONTHS[0]] * 2, "channel": ["A", "B"], "revenue": [100.0, 100.0], "gross_profit": [30.0, 20.0]}
    )
    assert margin_line(frame) == pytest.approx([0.25])


# ---------------------------------------------------------------- data values as plain text


def test_plain_escapes_markup_that_plotly_decodes_back():
    assert theme.plain(EVIL) == "&lt;b&gt;X&lt;/b&gt;&lt;br&gt;&lt;a href='javascript:alert(1)'&gt;y&lt;/a&gt;"
    # plotly.js decodes &lt; &gt; &amp; (and numeric entities) when it draws text: the reader sees the value
    assert html.unescape(theme.plain(EVIL)) == EVIL and html.unescape(theme.plain("a &lt; b")) == "a &lt; b"


def test_data_values_never_reach_a_figure_as_markup():
    pnl = pnl_frame((EVIL, "经销商"))
    frame = monthly_frame((EVIL,))
    progress_evil = progress(f"channel_share:{EVIL}", [0.1, 0.2, 0.3], 0.5)
    coverage = pd.DataFrame({"channel": [EVIL], "region": [EVIL], "revenue": [1.0]})
    scenarios = pd.DataFrame({"scenario": [EVIL], "outcome": ["revenue"], "value": [1.0], "p10": [1.0], "p90": [1.0]})
    figs = [
        overview_charts.trend(frame, "en"),
        overview_charts.share_donut(pnl, "en", name_col="channel"),
        overview_charts.movers(pd.DataFrame({"value": [EVIL], "growth": [0.1]}), "en"),
        channel_charts.share_trend(frame.assign(share=1.0), "en"),
        channel_charts.bubbles(ch.where_to_grow(pnl), "en"),
        channel_charts.pnl_bars(pnl, "en"),
        channel_charts.heatmap(coverage, "channel", "region", "revenue", "en"),
        channel_charts.waterfall(ch.waterfall(pnl.rename(columns={"cost_marketing": f"cost_{EVIL}"}), EVIL), "en"),
        budget_charts.curve(curve_view(f"crm:{EVIL}", "crm"), "en"),
        budget_charts.compare(scenarios, "en", ("revenue",)),
        advisor_charts.goal_progress([progress_evil], "en"),
        advisor_charts.goal_trend(progress_evil, "en", f"Goal: {EVIL}"),
    ]
    for fig in figs:
        text = strings(fig)
        assert "<b>X" not in text and "<a href" not in text and "<br><a" not in text
        assert "&lt;b&gt;X&lt;/b&gt;" in text


def test_growth_bars_leave_room_for_their_labels_beyond_each_end():
    """Labels sit outside the bars; the axis is padded on the side of the falling bars too, so their
    labels never run into the category names (seen on the overview: "经销商 −5%" on top of its name)."""
    frame = pd.DataFrame({"value": ["经销商", "电商平台", "直营门店"], "growth": [-0.05, 0.2, float("nan")]})
    fig = overview_charts.movers(frame, "zh")
    bar = fig.data[0]
    assert bar.textposition == "outside" and bar.cliponaxis is False
    assert list(bar.x) == [-0.05, 0.2]  # sorted, undefined growth left out
    lo, hi = fig.layout.xaxis.range
    assert lo < -0.05 - 0.05 and hi > 0.2 + 0.05
    rising = overview_charts.movers(frame.assign(growth=[0.1, 0.3, 0.2]), "en")
    assert rising.layout.xaxis.range[0] == 0.0
    empty = overview_charts.movers(frame.assign(growth=float("nan")), "en")
    assert empty.layout.xaxis.range is None  # nothing to show: plotly's own range
