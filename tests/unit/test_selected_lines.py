"""One definition of the selected lines (migration 009): what the macros return, and that no query
in metrics/sql writes the selection filter or net revenue again."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from data import warehouse
from data.snapshots import Warehouse
from metrics.db import SQL_DIR
from tests.tiny import line, warehouse_with

MACROS = warehouse.MIGRATIONS / "009_selected_lines.sql"

# What a copy of the selection or of net revenue looks like; each lives in migration 009 only.
REPEATS = {
    "list_contains(": "the channel/region filter: use selected_lines(...) or is_selected(list, value)",
    "coalesce(refund": "net revenue: use the net_revenue column of dataset_lines / selected_lines",
    "order_lines": "the lines: read them through dataset_lines($dataset) or selected_lines(...)",
}


def _code(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)  # comments may name what the code must not repeat


@pytest.mark.parametrize(
    "path",
    sorted(SQL_DIR.glob("*.sql")) + sorted(SQL_DIR.glob("spark/*.sql")),
    ids=lambda p: p.relative_to(SQL_DIR).with_suffix("").as_posix(),
)
def test_no_query_repeats_the_selection(path):
    code = _code(path.read_text(encoding="utf-8")).lower()
    found = {needle: why for needle, why in REPEATS.items() if needle in code}
    assert not found, f"{path.name} repeats {found}"


def test_the_macros_are_defined_once():
    defining = [
        p.name
        for p in warehouse.MIGRATIONS.glob("*.sql")
        if re.search(r"create\s+macro\s+(selected_lines|dataset_lines|is_selected)\b", p.read_text().lower())
    ]
    assert defining == [MACROS.name]
    code = _code(MACROS.read_text(encoding="utf-8"))
    assert code.count("coalesce(refund, 0)") == 1 and code.count("list_contains(") == 1


def _lines():
    return [
        line("a", "2024-01-01", "c1", "web", "east", 10.0, refund=2.0),
        line("b", "2024-01-15", "c2", "store", "west", 20.0),
        line("c", "2024-01-31", None, "web", "west", 30.0, refund=None),
        line("d", "2024-02-01", "c1", "store", "east", 40.0),
    ]


def _selected(con, start, end, channels, regions) -> list[tuple[str, float]]:
    return (
        con.cursor()
        .execute(
            "SELECT order_id, net_revenue FROM selected_lines('tiny', $start, $end, $channels, $regions) ORDER BY order_id",
            {"start": start, "end": end, "channels": channels, "regions": regions},
        )
        .fetchall()
    )


def test_selected_lines_dates_inclusive_empty_lists_mean_all_and_net_of_refunds():
    con = warehouse_with(_lines())
    jan = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert _selected(con, *jan, [], []) == [("a", 8.0), ("b", 20.0), ("c", 30.0)]  # a NULL refund is none
    assert _selected(con, *jan, ["web"], []) == [("a", 8.0), ("c", 30.0)]
    assert _selected(con, *jan, ["web", "store"], ["west"]) == [("b", 20.0), ("c", 30.0)]
    assert _selected(con, *jan, ["app"], []) == []
    every = con.cursor().execute("SELECT count(*), sum(net_revenue) FROM dataset_lines('tiny')").fetchall()
    assert every == [(4, 98.0)]
    assert con.cursor().execute("SELECT count(*) FROM dataset_lines('other')").fetchall() == [(0,)]


def test_macros_work_on_a_locked_down_connection(tmp_path):
    """A reader refuses settings changes after the migrations; macros are catalog objects, views
    over the snapshot files stand in for the tables, and the macros read them."""
    con = warehouse_with(_lines(), con=Warehouse.open(tmp_path / "w"))
    assert con.execute("SELECT current_setting('lock_configuration')").fetchall() == [(True,)]
    assert len(_selected(con, dt.date(2024, 1, 1), dt.date(2024, 12, 31), [], ["east"])) == 2
