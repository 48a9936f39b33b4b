"""The executive report: one self-contained HTML file (and an XLSX of its tables) in one language.

Contents: KPIs with deltas (:func:`metrics.overview.kpis`), the channel P&L
(:func:`metrics.channels.pnl`), RFM segments (:func:`metrics.rfm.segments`, when the data has
customer ids), the advisor's recommendation with every reason and next step, the customer's voice
(NPS, satisfaction, referral, conversion, CRM data health: :mod:`present.report_voice`), the goals
with their status, the risk register with each risk's response plan (:mod:`metrics.risks`), and
optionally one saved budget scenario (:mod:`metrics.budget.scenarios`).

Charts are static PNGs (plotly + kaleido driving the system Chromium; never downloaded at run
time) embedded as base64, so the file opens anywhere without a network. When kaleido or Chromium
is missing or fails, the report still renders — tables carry every number — with a note.

Safety: every text that reaches the HTML passes through :func:`html.escape` (channel, product,
segment names and notes come from uploaded files); nothing else is inserted as markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import os
import shutil
import threading
import time
import warnings
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import plotly.graph_objects as go

from data import access, registry
from metrics import advisor, catalog, channels, goals, overview, rfm, risks
from metrics.advisor import Advice
from metrics.budget import budget_model
from metrics.budget import scenarios as budget_scenarios
from metrics.budget.projection import OUTCOME_METRIC
from metrics.filters import Filters
from metrics.goals import Progress
from metrics.overview import Kpi
from present import exports, report_voice
from present.charts import advisor as advisor_charts
from present.charts import channels as channel_charts
from present.charts.theme import for_image
from present.formats import format_delta
from present.i18n import label, t
from present.sentences import advisor as advisor_text
from present.sentences import goals as goals_text
from present.sentences import risks as risks_text
from present.sentences.budget import lever_label
from present.tables import export_frame, text_frame

LOG = logging.getLogger("saleslens")
CHROMIUM = "/usr/bin/chromium"
IMAGE_WIDTH = 900
_KALEIDO_LOCK = threading.Lock()  # kaleido's sync server is process-global: one report renders at a time
PNL_TABLE = ("channel", "revenue", "gross_profit", "margin", "channel_cost", "contribution", "share", "roi", "growth")


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, computed once (the HTML and the XLSX read the same numbers)."""

    f: Filters
    generated: dt.datetime
    kpis: list[Kpi]
    pnl: pd.DataFrame
    segments: pd.DataFrame | None  # None: no customer ids
    advice: Advice
    goals: list[Progress]
    scenario: str | None
    scenario_frame: pd.DataFrame | None
    voice: report_voice.VoiceSection | None = None  # NPS, referral, conversion, CRM data health (issue 15)
    risks: list[risks.Item] = field(default_factory=list)  # the register, ranked, with plans
    risks_skipped: dict[str, str] = field(default_factory=dict)  # rules not judged → reason key


def gather(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    stage: str,
    industry: str,
    scenario: str | None = None,
    advice: Advice | None = None,
    store: object = None,
) -> ReportData:
    """Compute the report's numbers. ``advice`` (as the page shows it, with edited weights) is
    recomputed with the default presets when not given. An unknown scenario name raises KeyError.
    ``store`` holds the goals and scenarios (default: an in-memory warehouse's own connection)."""
    store = con if store is None else store
    ds = registry.get_dataset(con, f.dataset)
    if ds is None:
        raise KeyError(f.dataset)
    frame = None
    if scenario:  # a budget scenario plans every row: not for a user limited to some regions or channels
        access.require("analysis.whole", dataset=f.dataset)
        model = budget_model(con, f.dataset)
        frame = budget_scenarios.export_frame(model, budget_scenarios.load(store, f.dataset, scenario))
    return ReportData(
        f=f,
        generated=dt.datetime.now().replace(microsecond=0),
        kpis=overview.kpis(con, f),
        pnl=channels.pnl(con, f, new_customers=False),
        segments=rfm.segments(rfm.rfm(con, f)) if ds.has_customer else None,
        advice=advice or advisor.advise(con, f, stage=stage, industry=industry),
        goals=goals.progress_table(con, f.dataset, goals=tuple(goals.list_goals(store, f.dataset))),
        scenario=scenario,
        scenario_frame=frame,
        voice=report_voice.gather(con, f),
        **_risks(con, f.dataset, store),
    )


def _risks(con: duckdb.DuckDBPyConnection, dataset: str, store: object) -> dict[str, object]:
    """The risk register with its plans (fits the forecast and the budget model unless kept)."""
    assessment = risks.register(con, dataset, store=store)
    listed, _ = risks.items(assessment, risks.user_risks(store, dataset), risks.plans(store, dataset))
    return {"risks": listed, "risks_skipped": dict(assessment.skipped)}


# --- tables (formatted as the app shows them) ---------------------------------------------------


def kpi_table(data: ReportData, lang: str) -> pd.DataFrame:
    """The overview's cards as rows: value and prior in each KPI's own format, the delta as the cards show it."""
    frame = pd.DataFrame(
        {
            "kpi": [c.key for c in data.kpis],
            "value": [c.value for c in data.kpis],
            "prior": [c.prior for c in data.kpis],
        }
    )
    table = text_frame(
        frame,
        lang,
        metric_column="kpi",
        headers={"kpi": "report_col_kpi", "value": "report_col_value", "prior": "report_col_prior"},
    )
    table[t("report_col_delta", lang)] = [format_delta(c.key, c.delta, lang) or "—" for c in data.kpis]
    return table


def pnl_table(data: ReportData, lang: str) -> pd.DataFrame:
    return text_frame(data.pnl[list(PNL_TABLE)], lang, dims={"channel": "data"})


def segment_table(data: ReportData, lang: str) -> pd.DataFrame | None:
    if data.segments is None:
        return None
    seg = data.segments[data.segments["customers"] > 0][["segment", "customers", "revenue", "revenue_share"]]
    return text_frame(seg, lang, dims={"segment": "key:seg_"})


def goals_table(data: ReportData, lang: str) -> pd.DataFrame:
    return goals_text.progress_frame(data.goals, lang)


def risks_table(data: ReportData, lang: str) -> pd.DataFrame:
    """The register as the Risks page shows it: rank, risk, category, likelihood, impact, score, level,
    the numbers behind it, and the plan (owner, action, due date, status)."""
    return text_frame(
        risks_text.table(data.risks, lang), lang, dims=risks_text.TABLE_DIMS, headers=risks_text.TABLE_HEADERS
    )


def scenario_table(data: ReportData, lang: str) -> pd.DataFrame | None:
    if data.scenario_frame is None:
        return None
    frame = data.scenario_frame
    keys = [
        "spend" if section == "lever" else OUTCOME_METRIC[item]
        for section, item in zip(frame["section"], frame["item"], strict=True)
    ]
    names = [
        lever_label(i, lang) if s == "lever" else t(catalog.get(OUTCOME_METRIC[i]).label, lang)
        for s, i in zip(frame["section"], frame["item"], strict=True)
    ]
    table = text_frame(
        frame[["current", "scenario"]],
        lang,
        row_keys=keys,
        headers={"current": "report_col_current", "scenario": "report_col_scenario"},
    )
    table.insert(0, t("report_col_outcome", lang), names)
    return table


def tables(data: ReportData, lang: str) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The report's tables for the XLSX, one sheet each: raw numbers (not formatted text) under the
    headers and dimension texts of the user's language, as the pages' downloads; plus the Excel number
    formats by column title."""
    kpis = pd.DataFrame([{"kpi": c.key, "value": c.value, "prior": c.prior, "delta": c.delta} for c in data.kpis])
    specs = {
        t("report_kpis", lang): (
            kpis,
            {
                "metric_column": "kpi",
                "headers": {
                    "kpi": "report_col_kpi",
                    "value": "report_col_value",
                    "prior": "report_col_prior",
                    "delta": "report_col_delta",
                },
            },
        ),
        t("report_pnl", lang): (data.pnl[list(PNL_TABLE)], {"dims": {"channel": "data"}}),
        t("report_advice", lang): (
            advisor_text.signals_frame(data.advice),
            advisor_text.signals_table_spec(data.advice, lang),
        ),
    }
    if data.segments is not None:
        specs[t("report_segments", lang)] = (data.segments, {"dims": {"segment": "key:seg_"}})
    sheets, formats = {}, {}
    for name, (frame, spec) in specs.items():
        sheets[name], more = export_frame(frame, lang, **spec)
        formats |= more
    sheets |= report_voice.sheets(data.voice, lang)
    sheets[t("report_goals", lang)] = goals_table(data, lang)
    risk_sheet, more = export_frame(
        risks_text.table(data.risks, lang), lang, dims=risks_text.TABLE_DIMS, headers=risks_text.TABLE_HEADERS
    )
    sheets[t("report_risks", lang)[:31]] = risk_sheet
    formats |= more
    if data.scenario_frame is not None:
        sheets[t("report_scenario", lang, name=data.scenario)[:31]] = data.scenario_frame
    return sheets, formats


def xlsx_bytes(data: ReportData, lang: str) -> bytes:
    return exports.to_xlsx_bytes(*tables(data, lang))


# --- images -------------------------------------------------------------------------------------


def figures(data: ReportData, lang: str) -> dict[str, go.Figure]:
    """The report's charts by section, the pages' figures dressed for a static image."""
    figs = {
        "advice_gauge": advisor_charts.gauge(data.advice, lang),
        "advice_votes": advisor_charts.votes(data.advice, lang),
    }
    if not data.pnl.empty:
        figs["pnl"] = channel_charts.pnl_bars(data.pnl, lang)
    if any(p.progress is not None for p in data.goals):
        figs["goals"] = advisor_charts.goal_progress(data.goals, lang)
    return {key: for_image(fig) for key, fig in figs.items()}


def render_images(figs: dict[str, go.Figure]) -> tuple[dict[str, bytes], str | None]:
    """PNG bytes per figure via kaleido and the system Chromium; ({}, reason key) when that fails.

    One kaleido server (one Chromium) renders all figures; nothing is ever downloaded.
    """
    if not figs:
        return {}, None
    try:
        import kaleido
        import plotly.io as pio
    except ImportError:
        return {}, "report_images_failed"
    if "BROWSER_PATH" not in os.environ and shutil.which("chromium") is None and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    try:
        with _KALEIDO_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "kopts ignored when using a server": we pass none that matter
            kaleido.start_sync_server(silence_warnings=True)
            try:
                return {
                    key: pio.to_image(fig, format="png", width=IMAGE_WIDTH, scale=1.5) for key, fig in figs.items()
                }, None
            finally:
                kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # no Chromium, a crashed browser, a timeout: the report goes on without images
        LOG.exception("report images could not be rendered")
        return {}, "report_images_failed"


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:32px auto;max-width:1000px;color:#222;line-height:1.5;padding:0 16px}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #4C78A8;padding-bottom:4px;margin-top:32px}
.meta{color:#666;font-size:13px}table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f3f6fa}
td:first-child,th:first-child{text-align:left}.verdict{font-size:20px;font-weight:bold;color:#1f4e79}
.warn{background:#fff4e5;border-left:4px solid #f58518;padding:8px 12px}.note{color:#666;font-style:italic}
img{max-width:100%;display:block;margin:8px 0}footer{margin-top:40px;color:#888;font-size:12px}
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def html_table(frame: pd.DataFrame) -> str:
    """A table whose every header and cell is escaped text."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in frame.itertuples(index=False, name=None)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(items: list[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>" if items else ""


def _image(images: dict[str, bytes], key: str, alt: str) -> str:
    if key not in images:
        return ""
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(images[key]).decode("ascii")}">'


def render_html(
    data: ReportData, lang: str, *, images: dict[str, bytes] | None = None, image_note: str | None = None
) -> str:
    """The report as one HTML document (module docstring). ``image_note``: why there are no images."""
    images = images or {}
    f, a = data.f, data.advice
    all_text = t("report_all", lang)
    parts = [
        f"<h1>{_e(t('report_title', lang))}</h1>",
        '<p class="meta">'
        + _e(
            t(
                "report_meta",
                lang,
                dataset=f.dataset,
                start=f.start,
                end=f.end,
                prior_start=f.prior.start,
                prior_end=f.prior.end,
                generated=data.generated.isoformat(sep=" "),
            )
        )
        + "<br>"
        + _e(
            t(
                "report_scope",
                lang,
                channels=", ".join(label(c, lang) for c in f.channels) or all_text,
                regions=", ".join(label(r, lang) for r in f.regions) or all_text,
            )
        )
        + "</p>",
        f"<h2>{_e(t('report_kpis', lang))}</h2>",
        html_table(kpi_table(data, lang)),
        f"<h2>{_e(t('report_advice', lang))}</h2>",
        f'<p class="verdict">{_e(advisor_text.verdict_text(a, lang))}</p>',
        f"<p>{_e(advisor_text.summary_text(a, lang))}</p>",
        _image(images, "advice_gauge", t("advisor_chart_score", lang)),
    ]
    contradictions = advisor_text.contradiction_texts(a, lang)
    if contradictions:
        parts += [f"<h3>{_e(t('advisor_contradictions', lang))}</h3>", _list(contradictions, "warn")]
    parts += [
        f"<h3>{_e(t('advisor_reasons', lang))}</h3>",
        _list(advisor_text.reasons(a, lang)),
        _image(images, "advice_votes", t("advisor_chart_votes", lang)),
    ]
    missing = advisor_text.unavailable(a, lang)
    if missing:
        parts += [f"<h3>{_e(t('advisor_unavailable_title', lang))}</h3>", _list(missing, "note")]
    parts += [
        f"<h3>{_e(t('advisor_next', lang))}</h3>",
        _list([advisor_text.action_text(x, lang) for x in a.actions]),
        f"<h3>{_e(t('advisor_split_title', lang))}</h3>",
        f"<p>{_e(advisor_text.split_text(a.split, lang))}</p>",
        html_table(text_frame(advisor_text.signals_frame(a), lang, **advisor_text.signals_table_spec(a, lang))),
    ]
    parts += [
        f"<h2>{_e(t('report_pnl', lang))}</h2>",
        html_table(pnl_table(data, lang)),
        _image(images, "pnl", t("report_chart_pnl", lang)),
    ]
    segments = segment_table(data, lang)
    parts.append(f"<h2>{_e(t('report_segments', lang))}</h2>")
    parts.append(
        html_table(segments) if segments is not None else f"<p class='note'>{_e(t('report_segments_na', lang))}</p>"
    )
    parts += report_voice.html(data.voice, lang, html_table, _e)
    parts.append(f"<h2>{_e(t('report_goals', lang))}</h2>")
    if data.goals:
        parts += [html_table(goals_table(data, lang)), _image(images, "goals", t("report_chart_goals", lang))]
    else:
        parts.append(f"<p class='note'>{_e(t('report_goals_none', lang))}</p>")
    parts.append(f"<h2>{_e(t('report_risks', lang))}</h2>")
    if data.risks:
        parts.append(html_table(risks_table(data, lang)))
    else:
        parts.append(f"<p class='note'>{_e(t('report_risks_none', lang))}</p>")
    if data.risks_skipped:
        skipped = ", ".join(t(f"risks_rule_{rule}", lang) for rule in data.risks_skipped)
        parts.append(f"<p class='note'>{_e(t('report_risks_skipped', lang, rules=skipped))}</p>")
    scenario = scenario_table(data, lang)
    if scenario is not None:
        parts += [f"<h2>{_e(t('report_scenario', lang, name=data.scenario))}</h2>", html_table(scenario)]
    else:
        parts += [
            f"<h2>{_e(t('report_scenario', lang, name='—'))}</h2>",
            f"<p class='note'>{_e(t('report_scenario_none', lang))}</p>",
        ]
    if image_note:
        parts.append(f"<p class='note'>{_e(t('report_images_off', lang, why=t(image_note, lang)))}</p>")
    parts.append(f"<footer>{_e(t('report_footer', lang))}</footer>")
    title = _e(f"{t('report_title', lang)} · {f.dataset}")
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>" + "\n".join(p for p in parts if p) + "</body></html>"
    )


@dataclass(frozen=True)
class Built:
    """A finished report: the HTML text, the XLSX bytes, and how long each part took (seconds)."""

    html: str
    xlsx: bytes
    image_count: int
    image_note: str | None
    seconds_data: float
    seconds_images: float
    seconds_total: float


def build(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    lang: str,
    stage: str,
    industry: str,
    scenario: str | None = None,
    images: bool = True,
    advice: Advice | None = None,
    store: object = None,
) -> Built:
    """Gather, render the charts (unless ``images`` is False) and write HTML and XLSX."""
    started = time.perf_counter()
    data = gather(con, f, stage=stage, industry=industry, scenario=scenario, advice=advice, store=store)
    gathered = time.perf_counter()
    if images:
        pngs, note = render_images(figures(data, lang))
    else:
        pngs, note = {}, "report_images_disabled"
    rendered = time.perf_counter()
    page = render_html(data, lang, images=pngs, image_note=note)
    return Built(
        page,
        xlsx_bytes(data, lang),
        len(pngs),
        note,
        gathered - started,
        rendered - gathered,
        time.perf_counter() - started,
    )
