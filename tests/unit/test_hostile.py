"""Issue 12: the bad-input corpus, loaded through the real CLI.

Every file is generated here (bombs are never committed). Each case checks the message, exit
code 2 with a JSON report, a warehouse whose content is byte-for-byte what it was, and the peak
resident memory of the loading process and of the reader child it starts, both under 2 GB.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data import warehouse
from data.ingest import ingest, read_file
from tests import hostile
from tests.conftest import ROOT, copy_warehouse
from tests.unit.ingest_helpers import ORDERS_CSV, csv_bytes, fingerprint

TWO_GB_KB = 2 * 1024 * 1024
# Runs the CLI in-process and then reports the largest reaped child (the sandboxed reader) on stderr.
WRAPPER = (
    "import os, resource, sys\n"
    "from data.__main__ import main\n"
    "if os.environ.get('TEST_PREPARE_RAISES'):\n"  # a memory failure, simulated where a load would hit it
    "    import duckdb, pyarrow\n"
    "    load = sys.modules['data.ingest.load']\n"
    "    error = eval(os.environ['TEST_PREPARE_RAISES'])\n"
    "    def prepare(*args, **kwargs):\n"
    "        raise error\n"
    "    load.prepare = prepare\n"
    "code = main(sys.argv[1:])\n"
    "print('child_maxrss_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "base"
    report = ingest(warehouse.open_warehouse(db), csv_bytes(ORDERS_CSV), "keep", filename="a.csv")
    assert report.loaded
    return db


def content(db: Path) -> str:
    return fingerprint(db)


def run_cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, dict, int, int]:
    """(exit code, JSON report, peak RSS of the CLI in KB, peak RSS of its reader child in KB)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    out, err = proc.stdout.read(), proc.stderr.read()  # small: a JSON line and progress
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    child = next((int(line.split()[-1]) for line in err.decode().splitlines() if line.startswith("child_maxrss_kb")), 0)
    lines = out.decode().strip().splitlines()
    return proc.returncode, json.loads(lines[-1]) if lines else {}, usage.ru_maxrss, child


def run_load(
    tmp_path: Path, base_db: Path, name: str, data: bytes, env: dict[str, str] | None = None
) -> tuple[int, dict]:
    """Load ``data`` into a copy of the base warehouse; the warehouse must not change, nor memory pass 2 GB."""
    db = tmp_path / "w.duckdb"
    copy_warehouse(base_db, db)
    before = content(db)
    source = tmp_path / name
    source.write_bytes(data)
    code, report, peak, child = run_cli(["load", str(source), "--name", "keep", "--append", "--db", str(db)], env)
    assert peak < TWO_GB_KB, f"the loading process peaked at {peak // 1024} MB"
    assert child < TWO_GB_KB, f"the reader child peaked at {child // 1024} MB"
    assert content(db) == before, "the warehouse changed"
    return code, report


BOMBS = [
    ("dimension.xlsx", hostile.xlsx_dimension_bomb, ("unpacks_too_big",), "more than 1400 MB"),
    ("flood.xlsx", hostile.xlsx_cell_flood, ("unpacks_too_big", "too_many_cells"), ""),
    ("strings.xlsx", hostile.xlsx_shared_string_bomb, ("unpacks_too_big",), "compression bomb"),
    ("rows.parquet", hostile.parquet_row_bomb, ("too_many_cells",), "20,000,000 rows × 2 columns"),
    ("dictionary.parquet", hostile.parquet_dictionary_bomb, ("unpacks_too_big",), "nothing was loaded"),
    ("cells.csv", lambda: hostile.csv_cell_flood(1_600_000), ("too_many_cells",), "SALESLENS_MAX_CELLS"),
]


@pytest.mark.parametrize(("name", "build", "codes", "message"), BOMBS, ids=[b[0] for b in BOMBS])
def test_bombs_are_refused_within_memory(tmp_path, base_db, name, build, codes, message):
    code, report = run_load(tmp_path, base_db, name, build())
    assert code == 2 and report["ok"] is False
    assert report["errors"][0]["code"] in codes, report["errors"]
    assert message in report["errors"][0]["message"]


def lines_csv(rows: list[str]) -> bytes:
    return ("order id,date,customer,amount\n" + "\n".join(rows) + "\n").encode()


ROW_CASES = [
    (
        "infinite.csv",
        ["1,2024-01-01,C1,inf", "2,2024-01-02,C1,-Infinity", "3,2024-01-03,C1,1e309"],
        {2: "not_finite", 3: "not_finite", 4: "not_finite"},
    ),
    (
        "dates.csv",
        ["1,0001-01-01,C1,5", "2,1899-12-31,C1,5", "3,9999-12-31,C1,5"],
        {2: "date_out_of_range", 3: "date_out_of_range", 4: "date_out_of_range"},
    ),
    ("huge.csv", ["1,2024-01-01,C1,1e300"], {2: "amount_out_of_range"}),
]


@pytest.mark.parametrize(("name", "rows", "reasons"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_rows_with_impossible_values_are_rejected_with_their_row_number(tmp_path, base_db, name, rows, reasons):
    code, report = run_load(tmp_path, base_db, name, lines_csv(rows))
    assert code == 2 and report["errors"][0]["code"] == "no_valid_rows"
    assert {r["row"]: r["code"] for r in report["rejects"]} == reasons


def test_nul_byte_after_the_first_64_kib_is_refused(tmp_path, base_db):
    rows = [f"{i},2024-01-01,C{i},5" for i in range(1, 6000)] + ["9999,2024-01-01,A\x00B,5"]
    data = lines_csv(rows)
    assert data.index(b"\x00") > 65536
    code, report = run_load(tmp_path, base_db, "nul.csv", data)
    assert code == 2 and report["errors"][0]["code"] == "nul_byte"
    assert "Line 6001 holds a NUL character" in report["errors"][0]["message"]


def test_a_held_warehouse_gives_exit_2_and_json(tmp_path, base_db):
    """Another load holding the writer past SALESLENS_WRITER_WAIT_S: exit 2 and JSON, while reads go on."""
    db = tmp_path / "held"
    copy_warehouse(base_db, db)
    source = tmp_path / "a.csv"
    source.write_bytes(lines_csv(["1,2024-01-01,C1,5"]))
    with (db / "writer.lock").open("a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # as a load in another process would
        for args in (
            ["load", str(source), "--name", "keep", "--append", "--db", str(db)],
            ["delete", "keep", "--db", str(db)],
        ):
            code, report, _, _ = run_cli(args, env={"SALESLENS_WRITER_WAIT_S": "1"})
            assert code == 2 and report["errors"][0]["code"] == "warehouse_busy", report
            assert str(tmp_path) not in json.dumps(report, ensure_ascii=False)  # no server path in the message
        code, listed, _, _ = run_cli(["list", "--db", str(db)])
        assert code == 0 and [d["name"] for d in listed] == ["keep"]
        proc = subprocess.run(
            [sys.executable, "-m", "metrics", "export", "channels", "--dataset", "keep", "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0 and proc.stdout.startswith("channel,revenue")
    assert content(db) == content(base_db)


@pytest.mark.parametrize(
    "error",
    [
        "MemoryError()",
        "duckdb.OutOfMemoryException('Failed to allocate block')",
        "pyarrow.ArrowMemoryError('malloc of size 6400000000 failed')",
    ],
)
def test_running_out_of_memory_gives_exit_2_and_json(tmp_path, base_db, error):
    code, report = run_load(
        tmp_path, base_db, "a.csv", lines_csv(["1,2024-01-01,C1,5"]), env={"TEST_PREPARE_RAISES": error}
    )
    assert code == 2 and report["errors"][0]["code"] == "out_of_memory", report
    assert report["errors"][0]["message"].startswith("Out of memory; the operation was stopped and nothing changed")


def test_mixed_encodings_are_decoded_per_line_and_warned():
    text = "order id,date,channel,amount\n1,2024-01-01,电商平台,5\n2,2024-01-02,经销商,6\n3,2024-01-03,直营门店,7\n"
    lines = text.encode("utf-8").split(b"\n")
    lines[2] = lines[2].decode("utf-8").encode("gbk")
    lines[3] = lines[3].decode("utf-8").encode("gbk")
    raw = read_file(b"\n".join(lines), filename="mixed.csv")
    assert raw.frame["channel"].tolist() == ["电商平台", "经销商", "直营门店"]
    warning = next(w for w in raw.warnings if w["code"] == "mixed_encoding")
    assert warning["params"] == {"utf8": 1, "gbk": 2, "minority": "UTF-8", "lines": "2"}


def test_export_to_xlsx_writes_a_workbook(tmp_path, demo_db_copy):
    out = tmp_path / "channels.xlsx"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics",
            "export",
            "channels",
            "--dataset",
            "demo",
            "--db",
            str(demo_db_copy),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:4] == b"PK\x03\x04"
    table = read_file(out).frame
    assert "channel" in table.columns and len(table) == 6


def test_comparison_periods_near_the_calendar_edges_are_clamped_not_overflowing():
    """Issue 12 item 3: a warehouse filled before the date check can hold year 1 or 9999; the prior and
    year-ago ranges are cut at the calendar's edge and the filter says so, instead of OverflowError."""
    import datetime as dt

    from metrics.filters import Filters

    early = Filters("x", dt.date(1, 1, 10), dt.date(1, 3, 31))
    assert early.comparisons_clamped
    assert early.prior.start == dt.date.min and early.prior.end == dt.date(1, 1, 9)
    assert early.year_ago.start == dt.date.min
    assert early.params()["prior_start"] == dt.date.min
    late = Filters("x", dt.date(9999, 1, 1), dt.date(9999, 12, 31))
    assert late.prior.end == dt.date(9998, 12, 31) and not late.comparisons_clamped
    normal = Filters("x", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert not normal.comparisons_clamped
    assert (normal.prior.start, normal.prior.end) == (dt.date(2024, 1, 2), dt.date(2024, 12, 31))


def test_the_server_listens_on_localhost_unless_told_otherwise():
    """Issue 12 item 11: the shipped config binds 127.0.0.1 (no sign-in of its own: README "Security")."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
