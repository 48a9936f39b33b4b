"""Response plans and user-added risks: saved per dataset, surviving a restart and a reload of the
dataset, gone with the dataset; the same in an in-memory warehouse (migration 012); refused when
invalid; listed by ``python -m metrics risks``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data import warehouse
from data.ingest import ingest
from data.snapshots import Warehouse
from data.state import Store
from metrics import risks
from tests.tiny import line, warehouse_with


def price_conflict_lines() -> list[dict]:
    """Two channels selling one product at prices 40% apart: a price-conflict risk."""
    return [
        line(
            f"o{i}",
            f"2025-0{1 + i % 6}-10",
            f"c{i}",
            "Shop" if i % 2 else "Live",
            "R",
            100.0 if i % 2 else 60.0,
            product="P1",
        )
        for i in range(12)
    ]


def write_csv(path, rows: list[dict]) -> None:
    import pandas as pd

    pd.DataFrame(rows)[
        ["order_id", "order_date", "customer_id", "channel", "region", "product", "quantity", "revenue"]
    ].to_csv(path, index=False)


def test_plans_survive_a_restart_and_a_reload_and_go_with_the_dataset(tmp_path):
    root = tmp_path / "wh"
    wh = warehouse.open_warehouse(root)
    con = warehouse_with(price_conflict_lines(), con=wh)
    evidence = risks.assess(risks.gather(con, "tiny"))
    conflict = next(r for r in evidence.risks if r.rule == "price_conflict")
    due = dt.date(2026, 3, 31)
    risks.save_plan(
        wh.state,
        "tiny",
        risks.Plan(conflict.key, " Ann  Lee ", "Align list prices\nacross channels", due, "in_progress"),
    )
    added = risks.save_user_risk(wh.state, "tiny", "Key supplier may stop", "Only one supplier of P1", "partners", 4, 5)
    risks.save_plan(wh.state, "tiny", risks.Plan(added.key, "Bo", "Find a second supplier", None, "open"))

    Warehouse._opened.clear()  # a restart: a new process opens the folder and its state.sqlite afresh
    fresh = Store(sqlite_path=root / "state.sqlite")
    kept = risks.plans(fresh, "tiny")
    assert kept[conflict.key] == risks.Plan(
        conflict.key,
        "Ann Lee",
        "Align list prices\nacross channels",
        due,
        "in_progress",
        kept[conflict.key].updated_at,
        kept[conflict.key].saved_by,
    )
    assert kept[conflict.key].saved_by.startswith("operator:")  # no sign-in: the local operator saved it
    assert [r.title for r in risks.user_risks(fresh, "tiny")] == ["Key supplier may stop"]

    csv = tmp_path / "again.csv"  # a reload: the same dataset replaced by a new file
    write_csv(csv, price_conflict_lines() + [line("new", "2025-06-20", "c9", "Live", "R", 55.0, product="P1")])
    reopened = warehouse.open_warehouse(root)
    assert ingest(reopened, csv, "tiny", mode="replace").loaded
    reader = reopened.reader()
    assert reader.execute("SELECT count(*) FROM order_lines WHERE dataset = 'tiny'").fetchall() == [(13,)]
    register = risks.assess(risks.gather(reader, "tiny"))
    listed, orphans = risks.items(
        register, risks.user_risks(reopened.state, "tiny"), risks.plans(reopened.state, "tiny")
    )
    by_key = {item.risk.key: item for item in listed}
    assert by_key[conflict.key].plan.owner == "Ann Lee" and by_key[added.key].plan.action == "Find a second supplier"
    assert orphans == [] and by_key[conflict.key].open  # in progress: still open

    assert reopened.delete("tiny")
    assert risks.plans(reopened.state, "tiny") == {} and risks.user_risks(reopened.state, "tiny") == []


def test_in_memory_warehouses_keep_the_same_tables_and_a_deleted_user_risk_takes_its_plan():
    con = warehouse_with(price_conflict_lines())
    added = risks.save_user_risk(con, "tiny", "Rumour", "", "market", 2, 3)
    assert added.score == 6 and added.key.startswith("user:")
    risks.save_plan(con, "tiny", risks.Plan(added.key, "Cy", "Watch", dt.date(2026, 1, 5), "done"))
    edited = risks.save_user_risk(con, "tiny", "Rumour, confirmed", "", "market", 4, 3, risk_id=int(added.key[5:]))
    assert edited.likelihood == 4 and edited.title == "Rumour, confirmed"
    listed, _ = risks.items(
        risks.assess(risks.gather(con, "tiny")), risks.user_risks(con, "tiny"), risks.plans(con, "tiny")
    )
    assert not next(i for i in listed if i.risk.key == added.key).open  # done: not among the open risks
    assert all(i.risk.key != added.key for i in risks.top_open(listed))
    assert risks.delete_user_risk(con, "tiny", added.key)
    assert risks.plans(con, "tiny") == {} and risks.user_risks(con, "tiny") == []
    assert not risks.delete_user_risk(con, "tiny", "declining:A")  # only users' own risks are deleted here


@pytest.mark.parametrize(
    ("plan", "code"),
    [
        (risks.Plan("concentration", "", "act", None, "open"), "risks_err_owner"),
        (risks.Plan("concentration", "x" * 81, "act", None, "open"), "risks_err_owner"),
        (risks.Plan("concentration", "Ann", "  ", None, "open"), "risks_err_action"),
        (risks.Plan("concentration", "Ann", "act", None, "finished"), "risks_err_status"),
        (risks.Plan("", "Ann", "act", None, "open"), "risks_err_risk"),
        (risks.Plan("concentration", "Ann", "act", "2026-01-01", "open"), "risks_err_due"),
    ],
    ids=["no-owner", "long-owner", "no-action", "bad-status", "no-risk", "due-not-a-date"],
)
def test_invalid_plans_are_refused_and_nothing_is_written(plan, code):
    con = warehouse_with(price_conflict_lines())
    with pytest.raises(risks.RiskError) as caught:
        risks.save_plan(con, "tiny", plan)
    assert caught.value.code == code and risks.plans(con, "tiny") == {}
    with pytest.raises(risks.RiskError, match="risks_err_scale"):
        risks.save_user_risk(con, "tiny", "x", "", "market", 6, 1)
    with pytest.raises(risks.RiskError, match="risks_err_category"):
        risks.save_user_risk(con, "tiny", "x", "", "weather", 3, 1)


def test_cli_lists_the_risks_with_their_plans(tmp_path, capsys):
    from cli.main import main

    root = tmp_path / "wh"
    wh = warehouse.open_warehouse(root)
    con = warehouse_with(price_conflict_lines(), con=wh)
    key = next(r.key for r in risks.assess(risks.gather(con, "tiny")).risks if r.rule == "price_conflict")
    risks.save_plan(wh.state, "tiny", risks.Plan(key, "Ann", "Align prices", dt.date(2026, 2, 1), "open"))
    assert main(["risks", "--dataset", "tiny", "--db", str(root), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    listed = {r["key"]: r for r in printed["risks"]}
    assert listed[key]["plan"] == {
        "risk": key,
        "owner": "Ann",
        "action": "Align prices",
        "due": "2026-02-01",
        "status": "open",
    }
    assert listed[key]["score"] == listed[key]["likelihood"] * listed[key]["impact"]
    assert "declining" in printed["not_judged"]  # half a year of data: no year to compare with
    assert main(["risks", "--dataset", "tiny", "--db", str(root), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "渠道价格冲突与窜货" in text and "Ann" in text
