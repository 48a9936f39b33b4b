"""``python -m metrics export channels`` through a real subprocess: exact columns, empty undefined cells."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from cli.channels import EXPORT_COLUMNS
from tests.conftest import ROOT


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", "export", "channels", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_export_to_stdout_whole_range(demo_db_copy):
    done = run_cli("--dataset", "demo", "--db", str(demo_db_copy))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == 6
    # The whole range has no prior period in the data: growth is empty, not 0
    assert {row["growth"] for row in rows} == {""}
    assert sum(float(row["share"]) for row in rows) == pytest.approx(1)


def test_export_to_file_with_dates(demo_db_copy, tmp_path):
    out = tmp_path / "channels.csv"
    done = run_cli(
        "--dataset",
        "demo",
        "--db",
        str(demo_db_copy),
        "--start",
        "2025-01-01",
        "--end",
        "2025-12-31",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert all(row["growth"] != "" for row in rows)  # 2024 is in the data
    assert float(rows[0]["revenue"]) >= float(rows[-1]["revenue"])


def test_unknown_dataset_fails_with_a_message(demo_db_copy):
    done = run_cli("--dataset", "nope", "--db", str(demo_db_copy))
    assert done.returncode != 0 and "nope" in done.stderr
