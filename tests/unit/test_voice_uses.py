"""Where the customer-voice numbers are used: the advisor's signals, goals, the executive report and the
``python -m metrics export nps|conversion|data_health`` command."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO, StringIO

import pandas as pd
import pytest

from data import warehouse
from data.ingest import ingest
from metrics import advisor, conversion, goals, health, voice
from metrics.filters import Filters
from present import report
from present.sentences import advisor as advisor_text
from tests.tiny import line, warehouse_with

YEAR = Filters("demo", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def con(demo_db):
    connection = warehouse.connect(demo_db)
    yield connection
    connection.close()


def test_the_advisor_reads_nps_data_health_and_conversion(con):
    found = {m.key: m for m in advisor.evidence._voice_signals(con, YEAR)}
    assert found["nps"].value == pytest.approx(voice.nps_summary(con, YEAR).nps)
    assert found["data_health"].value == pytest.approx(health.data_health(con, "demo").score)
    assert found["conversion"].value == pytest.approx(conversion.pooled_rate(conversion.conversion(con, YEAR)))
    assert found["conversion"].detail["channel"] == "直播带货"  # the planted lowest rate (1.1%)
    ev = advisor.Evidence(
        tuple(found.get(k) or advisor.Measurement(k, None, "advisor_na_no_sales") for k in advisor.SIGNALS),
        1.0,
        1.0,
        None,
        None,
    )
    # a poor NPS and half-empty records lean to CRM; good conversion leans to channels
    poor = ev.with_measurement(advisor.Measurement("nps", -20.0, None, found["nps"].detail)).with_measurement(
        advisor.Measurement("data_health", 40.0, None, found["data_health"].detail)
    )
    advice = advisor.combine(poor, "transformation", "retail")
    assert advice.signal("nps").vote == 1.0 and advice.signal("data_health").vote == 1.0
    assert advice.signal("conversion").vote < 0
    assert {a.key for a in advice.actions} >= {"advisor_do_voice", "advisor_do_data_health"}
    for lang, words in (("zh", ("NPS", "阈值", "最缺的是")), ("en", ("NPS", "threshold", "emptiest field"))):
        text = " ".join(advisor_text.reasons(advice, lang))
        assert all(w in text for w in words)
        assert all(advisor_text.action_text(a, lang) for a in advice.actions)


def test_goals_measure_nps_referral_and_conversion_monthly(con):
    months = goals.monthly_values(con, "demo", "nps", dt.date(2025, 11, 1), dt.date(2025, 12, 31))
    dec = Filters("demo", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert months["value"].iloc[-1] == pytest.approx(voice.nps_summary(con, dec).nps)
    rate = goals.monthly_values(con, "demo", "referral_rate", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert rate["value"].iloc[0] == pytest.approx(voice.referral_summary(con, dec).rate)
    conv = goals.monthly_values(
        con, "demo", "conversion_rate", dt.date(2025, 12, 1), dt.date(2025, 12, 31), channels=("电商平台",)
    )
    scoped = Filters("demo", dec.start, dec.end, channels=("电商平台",))
    assert conv["value"].iloc[0] == pytest.approx(conversion.conversion(con, scoped)["conversion_rate"].iloc[0])
    assert goals.is_rate("conversion_rate") and not goals.is_rate("nps")
    with pytest.raises(goals.GoalError, match="goals_err_nps"):
        goals.validate(goals.Goal("demo", "nps", 150.0, dt.date(2026, 6, 30), "王磊"))
    judged = goals.evaluate(con, goals.Goal("demo", "nps", 40.0, dt.date(2026, 6, 30), "王磊", baseline=20.0))
    assert judged.status != "unmeasurable" and judged.current == pytest.approx(months["value"].iloc[-1])


def test_goals_without_the_file_say_which_one_is_missing():
    plain = warehouse_with([line("a", "2024-01-05", "c1", "web", "east", 10.0)])
    for metric, why in (
        ("nps", "goals_why_no_nps"),
        ("referral_rate", "goals_why_no_referral_rate"),
        ("conversion_rate", "goals_why_no_conversion_rate"),
    ):
        progress = goals.evaluate(plain, goals.Goal("tiny", metric, 0.5, dt.date(2024, 6, 30), "x"))
        assert (progress.status, progress.reason) == ("unmeasurable", why)


def test_the_report_has_the_voice_section_or_names_the_missing_files(con, demo_db):
    built = report.build(
        con,
        YEAR,
        lang="en",
        stage="growth",
        industry="retail",
        images=False,
        store=warehouse.open_warehouse(demo_db).state,
    )
    assert "Customer voice and CRM data" in built.html and "CRM data health" in built.html
    workbook = zipfile.ZipFile(BytesIO(built.xlsx)).read("xl/workbook.xml").decode("utf-8")
    assert all(
        f'name="{sheet}"' in workbook
        for sheet in ("Customer voice and CRM data", "Channel conversion", "CRM data health")
    )
    plain = warehouse_with([line("a", "2024-01-05", "c1", "web", "east", 10.0)])
    bare = report.build(
        plain,
        Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
        lang="zh",
        stage="growth",
        industry="retail",
        images=False,
    )
    assert "没有“客户反馈" in bare.html and "没有“流量" in bare.html


def test_cli_exports(demo_db, capsys):
    from cli.main import main

    def export(table: str) -> pd.DataFrame:
        assert (
            main(
                [
                    "export",
                    table,
                    "--dataset",
                    "demo",
                    "--start",
                    "2025-01-01",
                    "--end",
                    "2025-12-31",
                    "--db",
                    str(demo_db),
                ]
            )
            == 0
        )
        return pd.read_csv(StringIO(capsys.readouterr().out))

    nps = export("nps")
    assert nps.columns.tolist() == ["dimension", "value", "responses", "promoters", "passives", "detractors", "nps"]
    con = warehouse.connect(demo_db)
    try:
        assert nps.loc[nps["dimension"] == "total", "nps"].iloc[0] == pytest.approx(voice.nps_summary(con, YEAR).nps)
        rates = conversion.export_frame(con, YEAR)
        fields = health.data_health(con, "demo").fields
    finally:
        con.close()
    conv = export("conversion")
    assert conv.columns[:4].tolist() == ["channel", "visitors", "orders", "conversion_rate"]
    assert conv["conversion_rate"].tolist() == pytest.approx(rates["conversion_rate"].tolist())
    health_table = export("data_health")
    assert health_table.columns.tolist() == ["field", "completeness", "invalid", "duplicates"]
    assert health_table["invalid"].tolist() == fields["invalid"].tolist()


def test_an_uploaded_feedback_file_reaches_the_page_metrics():
    """Not only the demo: a file loaded through ingest gives the same NPS the page shows."""
    con = warehouse_with(
        [line("a", "2024-01-05", "c1", "web", "east", 10.0), line("b", "2024-01-06", "c2", "web", "east", 5.0)]
    )
    assert ingest(con, "客户,日期,NPS\nc1,2024-01-07,10\nc2,2024-01-08,0\n".encode(), "tiny", kind="feedback").loaded
    assert voice.nps_summary(con, Filters("tiny", dt.date(2024, 1, 1), dt.date(2024, 1, 31))).nps == 0.0
