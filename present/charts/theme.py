"""The one chart theme of the app and the report: fonts, colours, layout, axis formats, data text.

Every builder in ``present.charts`` draws with it, so a channel, a CRM programme or a status has
the same colour on every page and in the report, and a money or month axis reads the same way as
the KPI cards (万/亿 and "2025年1月" in Chinese, K/M and "Jan 2025" in English).
"""

from __future__ import annotations

import html
import math
import zlib
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from present.i18n import fmt_money, label

# WenQuanYi first: it is the CJK font the servers (and kaleido's Chromium) have; the others cover desktops.
FONT = "WenQuanYi Zen Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
IMAGE_FONT_SIZE = 13  # static report images are viewed smaller than the page: a point larger

# The demo's channels and CRM programmes get fixed colours; any other value gets a stable one from
# its palette (a hash of the name, so it does not depend on which other values are on screen).
CHANNEL_COLORS = {
    "经销商": "#4C78A8",
    "电商平台": "#F58518",
    "直营门店": "#54A24B",
    "直播带货": "#E45756",
    "B2B直销": "#72B7B2",
    "合作伙伴": "#B279A2",
}
PALETTE = [
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#B279A2",
    "#EECA3B",
    "#FF9DA6",
    "#9D755D",
    "#BAB0AC",
    "#1F77B4",
    "#2CA02C",
]
# CRM is drawn in purples that no channel uses, so a programme never reads as a channel.
CRM_COLOR = "#6A3D9A"  # CRM as a whole, against CHANNELS_COLOR in channels-vs-CRM charts
CHANNELS_COLOR = "#1F4E79"  # all channels as a whole
CRM_PROGRAMME_COLORS = {
    "会员积分": "#9E7CC1",
    "短信企微触达": "#5E60CE",
    "专属客服": "#C51B7D",
}
CRM_PALETTE = ["#9E7CC1", "#5E60CE", "#C51B7D", "#8E0152", "#7B68EE", "#DE77AE"]

STATUS_COLORS = {
    "achieved": "#54A24B",
    "on_track": "#72B7B2",
    "at_risk": "#EECA3B",
    "off_track": "#E45756",
    "overdue": "#B279A2",
    "unmeasurable": "#BAB0AC",
}
# The risk matrix's score bands (metrics.risks.band): low, medium, high, critical.
RISK_COLORS = {"low": "#54A24B", "medium": "#EECA3B", "high": "#F58518", "critical": "#E45756"}
GOOD = "#54A24B"  # growth, increases
BAD = "#E45756"  # decline, decreases, churn
INK = "#333333"  # lines and markers that are not a category (a total, the current point)
MUTED = "#888888"  # reference lines
NEUTRAL = "#BAB0AC"  # "before" / baseline bars
ACCENT = "#4C78A8"  # a single series in a chart without channels
ACCENT_2 = "#F58518"  # its partner in a two-series chart
TOTAL = "#5B7083"  # a level or total beside channels (waterfall levels, P&L revenue): no channel's colour
PROFIT = "#2E7D32"  # profit beside channels
BAND = "rgba(120,120,120,0.2)"  # P10–P90 bands
FAINT = "#C8D3E0"  # many thin background lines (one per cohort)
SEQUENTIAL = "Blues"


def _from_palette(value: object, palette: list[str]) -> str:
    return palette[zlib.crc32(str(value).encode("utf-8")) % len(palette)]


def color(value: object) -> str:
    """A channel's colour (fixed for the demo's six), or a stable palette colour for any other value."""
    return CHANNEL_COLORS.get(str(value)) or _from_palette(value, PALETTE)


def crm_color(programme: str | None = None) -> str:
    """A CRM programme's colour; ``None`` or "" is CRM as a whole."""
    if not programme:
        return CRM_COLOR
    return CRM_PROGRAMME_COLORS.get(programme) or _from_palette(programme, CRM_PALETTE)


def lever_color(lever: str) -> str:
    """A budget lever's colour: "channel:<name>" as that channel, "crm:<programme>" as that programme."""
    kind, _, name = lever.partition(":")
    return crm_color(name) if kind == "crm" else color(name)


def tint(hex_color: str, alpha: float) -> str:
    """``hex_color`` as rgba with opacity ``alpha`` (light backgrounds in the colour of a side)."""
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


# ---------------------------------------------------------------- text from data


def plain(text: object) -> str:
    """``text`` so plotly draws it as it is: plotly.js reads ``<b>``, ``<br>``, ``<a href>`` in any
    label as markup, and decodes ``&lt;``/``&gt;``/``&amp;`` back to the characters."""
    return html.escape("" if text is None else str(text), quote=False)


def data_label(value: object, lang: str) -> str:
    """A data value (channel, region, programme, cost type...) translated and safe as chart text."""
    return plain(label(value, lang))


# ---------------------------------------------------------------- layout


def layout(
    fig: go.Figure, *, height: int = 360, legend: bool | None = None, titled: bool = False, margin: dict | None = None
) -> go.Figure:
    """The shared look: font, height, tight margins, a horizontal legend above the plot.

    Parameters
    ----------
    height : int
        Pixels.
    legend : bool or None
        Show or hide the legend; None leaves plotly's default (shown with two traces or more).
    titled : bool
        The figure has a title: room above for it, and the legend between it and the plot.
    margin : dict or None
        Margins (px) that replace the defaults, e.g. ``dict(l=45, r=45)`` for a gauge's labels.
    """
    fig.update_layout(
        height=height,
        font=dict(family=FONT),
        margin=dict(l=10, r=10, t=80 if titled else 30, b=10) | (margin or {}),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    if legend is not None:
        fig.update_layout(showlegend=legend)
    if titled:
        fig.update_layout(title=dict(y=0.98, yanchor="top"))
    return fig


def for_image(fig: go.Figure) -> go.Figure:
    """A figure dressed for a static image (the report's PNGs): white background, larger type."""
    fig.update_layout(paper_bgcolor="white", plot_bgcolor="white", font=dict(family=FONT, size=IMAGE_FONT_SIZE))
    return fig


# ---------------------------------------------------------------- axes and hover text

_UNITS = {"zh": ((1e8, "亿"), (1e4, "万")), "en": ((1e9, "B"), (1e6, "M"), (1e3, "K"))}
MONTH_FORMAT = {"zh": "%Y年%-m月", "en": "%b %Y"}  # d3 time formats; "%-m" is the month without a leading 0
DAY_FORMAT = {"zh": "%Y年%-m月%-d日", "en": "%b %-d, %Y"}


def _nice_step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^k) giving about ``count`` intervals over ``span``."""
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if raw <= m * power * (1 + 1e-9))


def money_ticks(values: Iterable[object], lang: str) -> tuple[list[float], list[str]]:
    """Round tick positions covering ``values`` (and 0) and their labels in one unit: "¥50万" / "¥500K".

    Empty lists when no value is defined (plotly's own ticks then stay).
    """
    defined = [float(v) for v in values if pd.notna(v) and math.isfinite(float(v))]  # type: ignore[arg-type]
    if not defined:
        return [], []
    low, high = min(0.0, *defined), max(0.0, *defined)
    if high == low:
        high = low + 1.0
    step = _nice_step(high - low)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    ticks = [round(i * step, 6) for i in range(first, last + 1)]
    biggest = max(abs(v) for v in ticks)
    size, suffix = next(((s, u) for s, u in _UNITS.get(lang, _UNITS["en"]) if biggest >= s), (1.0, ""))
    decimals = next(d for d in range(4) if d == 3 or all(abs(round(v / size, d) - v / size) < 1e-9 for v in ticks))
    texts = [("-" if v < 0 else "") + f"¥{abs(v) / size:,.{decimals}f}{suffix}" if v else "¥0" for v in ticks]
    return ticks, texts


def money_axis(fig: go.Figure, axis: str, values: Iterable[object], lang: str) -> go.Figure:
    """Label ``axis`` ("yaxis", "xaxis", "yaxis2") in yuan as the KPI cards do, ticks chosen for ``values``.

    Pass every value the axis must show, e.g. the stacked totals of a stacked bar chart.
    """
    ticks, texts = money_ticks(values, lang)
    if ticks:
        fig.update_layout({axis: dict(tickmode="array", tickvals=ticks, ticktext=texts)})
    return fig


def money_text(values: Iterable[object], lang: str) -> list[str]:
    """Each value as the KPI cards write it (¥2.5万 / ¥25.0K; "—" when undefined)."""
    return [fmt_money(v, lang) for v in values]


def money_hover(values: Iterable[object], lang: str) -> dict:
    """Trace settings whose hover shows the trace's name and the value in money format.

    ``%{fullData.name}`` (not the name pasted into the template) so a data value cannot be read as
    a ``%{...}`` placeholder.
    """
    return dict(customdata=money_text(values, lang), hovertemplate="%{fullData.name}: %{customdata}<extra></extra>")


def money_bar(
    fig: go.Figure, x: Iterable[object], y: pd.Series, name: str, color: str, lang: str, **extra: object
) -> None:
    """Add a bar trace of yuan amounts whose hover reads like the KPI cards (see :func:`money_hover`)."""
    fig.add_bar(x=x, y=y, name=name, marker_color=color, **money_hover(y, lang), **extra)


def month_axis(fig: go.Figure, lang: str, axis: str = "xaxis", *, days: bool = False) -> go.Figure:
    """Month ticks in the language ("2025年1月" / "Jan 2025"); the hover shows the day when ``days``."""
    fmt = MONTH_FORMAT.get(lang, MONTH_FORMAT["en"])
    hover = DAY_FORMAT.get(lang, DAY_FORMAT["en"]) if days else fmt
    fig.update_layout({axis: dict(tickformat=fmt, hoverformat=hover)})
    return fig


def month_text(month: object, lang: str) -> str:
    """A month as category text, in the month axes' format: "2025年1月" / "Jan 2025"."""
    stamp = pd.Timestamp(month)
    return f"{stamp.year}年{stamp.month}月" if lang == "zh" else stamp.strftime("%b %Y")


def stack_extent(frame: pd.DataFrame, by: str, value: str) -> list[float]:
    """The highest and lowest point of ``value`` stacked per ``by`` (what a stacked bar's axis must show)."""
    if frame.empty:
        return []
    positive = frame[value].clip(lower=0).groupby(frame[by]).sum()
    negative = frame[value].clip(upper=0).groupby(frame[by]).sum()
    return [float(positive.max()), float(negative.min())]
