"""``python -m metrics export rfm|customers|cohorts|clv`` and ``fit-clv``: exact columns, JSON, errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from cli import main as cli
from data import warehouse
from tests.tiny import line, warehouse_with


@pytest.fixture
def db(tmp_path):
    """A warehouse file with 150 customers: two orders each for the first 60 (enough to fit CLV)."""
    path = tmp_path / "cli.duckdb"
    lines = [
        line(f"a{i}", f"2024-0{1 + i % 3}-{1 + i % 27:02d}", f"c{i:03d}", "web", "east", 20.0 + i % 7)
        for i in range(150)
    ]
    lines += [
        line(f"b{i}", f"2024-0{5 + i % 4}-{1 + i % 25:02d}", f"c{i:03d}", "store", "east", 30.0 + i % 5)
        for i in range(60)
    ]
    warehouse_with(lines, name="shop", con=warehouse.open_warehouse(path))
    return str(path)


def run(capsys, *argv: str) -> str:
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


def test_export_columns_are_exact(db, capsys):
    rfm = pd.read_csv(io.StringIO(run(capsys, "export", "rfm", "--dataset", "shop", "--db", db)))
    assert list(rfm.columns) == ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]
    assert len(rfm) == 150 and rfm["frequency"].sum() == 210
    clv = pd.read_csv(
        io.StringIO(run(capsys, "export", "clv", "--dataset", "shop", "--db", db, "--calibration-end", "2024-06-30"))
    )
    assert list(clv.columns) == ["customer_id", "x", "t_x", "T", "zbar", "p_alive", "expected_purchases_12m", "clv_12m"]
    assert len(clv) == 150 and clv["p_alive"].between(0, 1).all()
    customers = pd.read_csv(io.StringIO(run(capsys, "export", "customers", "--dataset", "shop", "--db", db)))
    assert set(customers["abc_tier"]) <= {"A", "B", "C"} and set(customers["acquisition_channel"]) == {"web"}
    cohorts = pd.read_csv(
        io.StringIO(
            run(
                capsys,
                "export",
                "cohorts",
                "--dataset",
                "shop",
                "--db",
                db,
                "--start",
                "2024-01-01",
                "--end",
                "2024-08-31",
            )
        )
    )
    assert cohorts.groupby("cohort")["cohort_size"].first().sum() == 150


def test_fit_clv_prints_the_parameters(db, capsys, tmp_path):
    params = json.loads(run(capsys, "fit-clv", "--dataset", "shop", "--calibration-end", "2024-08-31", "--db", db))
    assert {"r", "alpha", "a", "b", "p", "q", "v"} <= params.keys() and params["customers"] == 150
    out = tmp_path / "rfm.csv"
    run(capsys, "export", "rfm", "--dataset", "shop", "--db", db, "--out", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel


def test_thin_data_and_unknown_dataset_fail_with_a_message(db):
    with pytest.raises(SystemExit, match="cannot fit CLV"):
        cli.main(["fit-clv", "--dataset", "shop", "--calibration-end", "2024-01-05", "--db", db])
    with pytest.raises(SystemExit, match="no dataset"):
        cli.main(["fit-clv", "--dataset", "nope", "--calibration-end", "2024-01-05", "--db", db])
