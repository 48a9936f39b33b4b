"""What the chart builders encode, read from the figures: measures and totals, stacks, axis formats in
both languages, one colour per channel and per CRM programme, data values drawn as plain text."""

from __future__ import annotations

import html

from present.charts import theme

EVIL = "<b>X</b><br><a href='javascript:alert(1)'>y</a>"


def test_money_ticks_are_round_and_cover_the_values():
    ticks, texts = theme.money_ticks([2_158_686.0, -50_000.0], "zh")
    assert ticks[0] <= -50_000 and ticks[-1] >= 2_158_686 and 0.0 in ticks
    assert texts[ticks.index(0.0)] == "¥0" and "¥200万" in texts
    assert theme.money_ticks([1.2e8], "zh")[1][-1].endswith("亿")
    assert theme.money_ticks([float("nan"), None], "en") == ([], [])


def test_crm_colours_are_no_channel_colour():
    channel_colours = {*theme.CHANNEL_COLORS.values(), *theme.PALETTE}
    crm = {theme.CRM_COLOR, *theme.CRM_PROGRAMME_COLORS.values(), *theme.CRM_PALETTE}
    assert not crm & channel_colours
    assert theme.CHANNELS_COLOR not in channel_colours | crm
    assert theme.crm_color("新计划") in theme.CRM_PALETTE and theme.crm_color(None) == theme.CRM_COLOR
    assert len(set(theme.CRM_PROGRAMME_COLORS.values())) == len(theme.CRM_PROGRAMME_COLORS)


def test_plain_escapes_markup_that_plotly_decodes_back():
    assert theme.plain(EVIL) == "&lt;b&gt;X&lt;/b&gt;&lt;br&gt;&lt;a href='javascript:alert(1)'&gt;y&lt;/a&gt;"
    # plotly.js decodes &lt; &gt; &amp; (and numeric entities) when it draws text: the reader sees the value
    assert html.unescape(theme.plain(EVIL)) == EVIL and html.unescape(theme.plain("a &lt; b")) == "a &lt; b"
