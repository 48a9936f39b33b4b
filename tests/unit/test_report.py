"""The executive report: both languages, the app's numbers, escaping of hostile data values, a report
without images when kaleido/Chromium is missing, XLSX tables, a saved scenario, real PNGs once."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import sys
import zipfile

import pytest

from data import warehouse
from metrics import advisor, channels, goals, overview
from metrics.budget import scenarios
from metrics.filters import Filters
from present import report
from present.i18n import fmt_money, fmt_pct, fmt_pts, label
from present.sentences import advisor as advisor_text
from tests.tiny import line, warehouse_with

EVIL = "<script>alert(1)</script>"
PERIOD = Filters("tiny", dt.date(2024, 7, 1), dt.date(2024, 12, 31))


def hostile_lines() -> list[dict]:
    rows = [line("z", "2023-12-01", "z", "A", "R1", 10.0, 4.0)]
    rows += [
        line(f"p{i}", "2024-03-10", f"c{i}", EVIL if i % 2 else "A", "R1", 100.0, 40.0, product=EVIL) for i in range(8)
    ]
    rows += [
        line(f"q{i}", "2024-09-10", f"c{i}", EVIL if i % 2 else "A", "R2" if i % 3 else '"><img src=x>', 150.0, 60.0)
        for i in range(8)
    ]
    return rows


@pytest.fixture
def hostile():
    return warehouse_with(hostile_lines())


def _text(html_doc: str) -> str:
    """What a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_doc))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_values_are_escaped_in_both_languages(hostile, lang):
    goals.create(hostile, goals.Goal("tiny", f"channel_share:{EVIL}", 0.6, dt.date(2025, 6, 30), EVIL, notes=EVIL))
    built = report.build(hostile, PERIOD, lang=lang, stage="growth", industry="retail", images=False)
    page = built.html
    assert "<script" not in page.lower()
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x&gt;" in page or '"><img' not in page
    assert page.count("<table>") >= 4
    title = "经营报告" if lang == "zh" else "Executive report"
    assert title in page and (lang == "zh") == ("关键指标" in page)


def test_report_carries_the_numbers_the_app_shows(demo_db):
    con = warehouse.connect(demo_db)
    try:
        f = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        cards = {c.key: c for c in overview.kpis(con, f)}
        pnl = channels.pnl(con, f, new_customers=False)
        data = report.gather(con, f, stage="mature", industry="b2b", store=warehouse.open_warehouse(demo_db).state)
    finally:
        con.close()
    for lang in ("zh", "en"):
        page = report.render_html(data, lang, image_note="report_images_disabled")
        text = _text(page)
        assert fmt_money(cards["revenue"].value, lang) in text
        assert fmt_pct(cards["churn_rate"].value, lang) in text
        assert fmt_pts(cards["churn_rate"].delta, lang) in text
        assert fmt_pct(cards["revenue"].delta, lang, signed=True) in text
        top = pnl.iloc[0]
        assert label(top["channel"], lang) in text and fmt_money(top["revenue"], lang) in text
        assert advisor_text.verdict_text(data.advice, lang) in text
        for reason in advisor_text.reasons(data.advice, lang):
            assert reason in text
        assert ("重要价值客户" in text) == (lang == "zh")  # RFM segments (the demo has customers)
        assert "data:image/png" not in page


def test_no_kaleido_still_renders_with_a_note(hostile, monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)  # import kaleido → ImportError
    built = report.build(hostile, PERIOD, lang="en", stage="startup", industry="services", images=True)
    assert built.image_count == 0 and built.image_note == "report_images_failed"
    assert "Chart images were not rendered" in built.html and "<img" not in built.html


def test_a_failing_browser_still_renders(hostile, monkeypatch):
    import kaleido

    def broken(*args, **kwargs):
        raise RuntimeError("no chromium here")

    monkeypatch.setattr(kaleido, "start_sync_server", broken)
    built = report.build(hostile, PERIOD, lang="zh", stage="startup", industry="services", images=True)
    assert built.image_count == 0 and "图表图片未生成" in built.html


def test_xlsx_has_one_sheet_per_table(hostile):
    data = report.gather(hostile, PERIOD, stage="growth", industry="retail")
    book = zipfile.ZipFile(io.BytesIO(report.xlsx_bytes(data, "en")))
    workbook = book.read("xl/workbook.xml").decode("utf-8")
    for sheet in ("Key figures", "Channel P&amp;L", "Priority recommendation", "Customer segments (RFM)", "Goals"):
        assert f'name="{sheet}"' in workbook


def test_xlsx_sheets_read_in_the_report_language_with_numbers_left_numeric(hostile):
    """Headers and dimension texts as the page downloads give them (the zh workbook had English keys
    such as "signal, catalog, lean" on its advice sheet); amounts stay numbers, not formatted text."""
    from python_calamine import CalamineWorkbook

    data = report.gather(hostile, PERIOD, stage="growth", industry="retail")
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx_bytes(data, "zh")))
    advice = book.get_sheet_by_name("优先级建议").to_python()
    assert advice[0][:2] == ["信号", "数值"] and "catalog" not in advice[0]
    kpis = book.get_sheet_by_name("关键指标").to_python()
    assert kpis[0][:3] == ["指标", "本期", "上期"]
    revenue = next(row for row in kpis[1:] if row[0] == "销售额")
    assert isinstance(revenue[1], float) and revenue[1] == pytest.approx(
        next(c.value for c in data.kpis if c.key == "revenue")
    )
    pnl = book.get_sheet_by_name("渠道损益").to_python()
    assert pnl[0][0] == "渠道" and isinstance(pnl[1][1], float)


def test_a_saved_scenario_is_included_and_escaped(hostile):
    scenarios.save(hostile, "tiny", scenarios.Scenario("Plan <b>x</b>", {"channel:A": 1200.0}))
    built = report.build(
        hostile, PERIOD, lang="en", stage="growth", industry="retail", scenario="Plan <b>x</b>", images=False
    )
    assert "Budget scenario: Plan &lt;b&gt;x&lt;/b&gt;" in built.html
    assert "¥1.2K" in built.html  # the planned channel spend, as the budget pages format it
    with pytest.raises(KeyError):
        report.gather(hostile, PERIOD, stage="growth", industry="retail", scenario="nope")


def test_without_customer_ids_segments_are_explained():
    anonymous = warehouse_with([dict(row, customer_id=None) for row in hostile_lines()])
    built = report.build(anonymous, PERIOD, lang="en", stage="growth", industry="retail", images=False)
    assert "no customer ids, so there are no segments" in built.html
    assert "not available" in built.html  # the advisor's missing signals are listed


def test_real_chart_images_are_embedded(hostile):
    """The one unit test that drives kaleido and Chromium (a few seconds)."""
    pytest.importorskip("kaleido")
    goals.create(hostile, goals.Goal("tiny", "revenue", 2000.0, dt.date(2025, 6, 30), "Ann", baseline=100.0))
    built = report.build(hostile, PERIOD, lang="zh", stage="growth", industry="retail", images=True)
    if built.image_count == 0:
        from tests.conftest import in_ci

        if in_ci():
            pytest.fail("kaleido could not render with the system Chromium in CI")
        pytest.skip("no working Chromium for kaleido here")
    assert built.image_count == 4 and built.image_note is None
    assert built.html.count('src="data:image/png;base64,') == 4


def test_cli_report_and_advise(demo_db, tmp_path, capsys):
    import json

    from cli.main import main

    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                "--dataset",
                "demo",
                "--lang",
                "en",
                "--start",
                "2025-01-01",
                "--no-images",
                "--out",
                str(out),
                "--db",
                str(demo_db),
            ]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["out"] == str(out) and printed["images"] == 0
    assert "Executive report" in out.read_text(encoding="utf-8")
    book = tmp_path / "r.xlsx"
    assert main(["report", "--dataset", "demo", "--out", str(book), "--db", str(demo_db)]) == 0
    assert book.read_bytes()[:2] == b"PK"
    capsys.readouterr()
    assert (
        main(
            [
                "advise",
                "--dataset",
                "demo",
                "--stage",
                "startup",
                "--industry",
                "retail",
                "--start",
                "2025-01-01",
                "--lang",
                "zh",
                "--db",
                str(demo_db),
            ]
        )
        == 0
    )
    advice = json.loads(capsys.readouterr().out)
    assert advice["verdict"] in advisor.VERDICTS and -100 <= advice["score"] <= 100
    assert {s["key"] for s in advice["signals"]} == set(advisor.SIGNALS)
    assert any("初创期" in text for text in advice["contradictions"])
    assert advice["actions"][-1]["page"] == "budget"


def test_the_risk_register_and_its_plans_are_exported_and_escaped(hostile):
    from metrics import risks

    added = risks.save_user_risk(hostile, "tiny", f"Supplier {EVIL}", "", "partners", 4, 5)
    risks.save_plan(
        hostile,
        "tiny",
        risks.Plan(added.key, f"Ann {EVIL}", "Second supplier by Q2", dt.date(2025, 3, 31), "in_progress"),
    )
    built = report.build(hostile, PERIOD, lang="en", stage="growth", industry="retail", images=False)
    page = built.html
    assert "<script" not in page.lower()
    text = _text(page)
    assert f"Supplier {EVIL}" in text and f"Ann {EVIL}" in text and "Second supplier by Q2" in text
    assert "2025-03-31" in text and "In progress" in text
    from python_calamine import CalamineWorkbook

    data = report.gather(hostile, PERIOD, stage="growth", industry="retail")
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.xlsx_bytes(data, "zh")))
    sheet = book.get_sheet_by_name("风险与应对预案").to_python()
    header = sheet[0]
    row = next(r for r in sheet[1:] if r[header.index("风险")] == f"Supplier {EVIL}")
    assert row[header.index("负责人")] == f"Ann {EVIL}" and row[header.index("状态")] == "进行中"
    assert row[header.index("风险值")] == 20  # 4 × 5, a number in the sheet
