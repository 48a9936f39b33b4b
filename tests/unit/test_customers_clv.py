"""BG/NBD and Gamma-Gamma: the published CDNOW inputs and fits, model identities, thin data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from metrics import clv
from tests.shared_data import shared_file
from tests.tiny import line, warehouse_with

CAL_END = dt.date(1997, 9, 30)


@pytest.fixture(scope="module")
def cdnow():
    """The raw CDNOW sample loaded as order lines (one line per row; the SQL aggregates per day)."""
    raw = pd.read_csv(
        shared_file("cdnow", "CDNOW_sample.txt"),
        sep=r"\s+",
        header=None,
        names=["master", "sample", "day", "cds", "dollars"],
        dtype={"day": str},
    )
    lines = [
        line(f"o{i}", f"{d[:4]}-{d[4:6]}-{d[6:]}", str(s), "mail", "us", float(v))
        for i, (s, d, v) in enumerate(zip(raw["sample"], raw["day"], raw["dollars"], strict=True))
    ]
    published = pd.read_csv(shared_file("cdnow", "cdnow_customers_summary_with_transactions.csv"))
    return warehouse_with(lines, name="cdnow"), published


def test_summary_reproduces_the_published_one(cdnow):
    con, published = cdnow
    ours = clv.summary(con, "cdnow", cal_end=CAL_END)
    ours["ID"] = ours["customer_id"].astype(int)
    both = published.merge(ours, on="ID", suffixes=("_pub", ""))
    assert len(both) == len(published) == len(ours) == 2357
    assert (both["x"] == both["x_pub"]).all()
    assert (both["t_x"].round(2) == both["t_x_pub"]).all()
    assert (both["T"].round(2) == both["T_pub"]).all()
    assert (both["zbar"] - both["zbar_pub"]).abs().max() <= 0.01


def test_fits_match_the_published_parameters(cdnow):
    con, _ = cdnow
    params = clv.fit(con, "cdnow", cal_end=CAL_END)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.45}
    for key, value in published.items():
        assert params[key] == pytest.approx(value, rel=0.01), key
    assert params["repeat_customers"] == 946 and params["customers"] == 2357


def test_calibration_on_cdnow_tracks_the_holdout(cdnow):
    con, _ = cdnow
    check = clv.calibration(con, "cdnow", cal_end=CAL_END, holdout_end=dt.date(1998, 6, 30))
    assert check.ok and check.buckets["x"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert check.buckets["customers"].sum() == 2357
    # 1,882 actual repeat purchase days in the 39 holdout weeks; the fit predicts 1,653 (−12%)
    assert check.actual_total == 1882
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.15)
    zero = check.buckets.iloc[0]
    assert zero["predicted"] == pytest.approx(zero["actual"], abs=0.1)


def test_model_identities():
    m = clv.BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426, iterations=0, log_likelihood=0.0)
    x, t_x, T = np.array([0, 2, 2, 5]), np.array([0.0, 30.4, 5.0, 38.0]), np.array([38.9, 38.9, 38.9, 38.9])
    alive = clv.p_alive(m, x, t_x, T)
    assert alive[0] == 1.0 and alive[1] > alive[2] and np.all((alive > 0) & (alive <= 1))
    assert clv.expected_purchases(m, 0.0, x, t_x, T).tolist() == [0, 0, 0, 0]
    e10, e52 = clv.expected_purchases(m, 10.0, x, t_x, T), clv.expected_purchases(m, 52.0, x, t_x, T)
    assert np.all(e52 > e10) and np.all(e10 > 0)
    # FHL 2005: a customer with x=2, t_x=30.43, T=38.86 expects 1.23 purchases in the next 39 weeks
    assert clv.expected_purchases(m, 39.0, np.array([2]), np.array([30.43]), np.array([38.86]))[0] == pytest.approx(
        1.226, abs=0.01
    )
    g = clv.GammaGamma(p=6.25, q=3.74, v=15.45, iterations=0, log_likelihood=0.0)
    assert clv.expected_spend(g, np.array([0]), np.array([0.0]))[0] == pytest.approx(6.25 * 15.45 / 2.74)
    purchases, value = clv.discounted_clv(m, g, x, t_x, T, np.array([0.0, 20, 20, 30]), margin=0.5)
    undiscounted = purchases * clv.expected_spend(g, x, np.array([0.0, 20, 20, 30])) * 0.5
    assert np.all(value < undiscounted) and np.all(value > undiscounted / 1.01**12)


def test_weighted_fit_equals_the_row_by_row_likelihood():
    rng = np.random.default_rng(1)
    x = rng.poisson(1.5, 400)
    T = rng.uniform(20, 40, 400).round()
    t_x = np.where(x > 0, np.minimum(T, rng.uniform(0, 40, 400)).round(), 0)
    m = clv.fit_bgnbd(x, t_x, T)
    rowwise = clv._bgnbd_terms(m.r, m.alpha, m.a, m.b, x.astype(float), t_x, T).sum()
    assert m.log_likelihood == pytest.approx(rowwise, rel=1e-9)


def test_thin_data_says_why():
    lines = [line(f"o{i}", f"2024-01-{1 + i % 28:02d}", f"c{i}", "web", "east", 10) for i in range(40)]
    result = clv.customer_value(warehouse_with(lines), "tiny", as_of=dt.date(2024, 1, 31))
    assert not result.ok and result.reason == "clv_thin_customers" and result.customers.empty
    check = clv.calibration(
        warehouse_with(lines), "tiny", cal_end=dt.date(2024, 1, 31), holdout_end=dt.date(2024, 1, 31)
    )
    assert not check.ok and check.reason == "clv_thin_holdout"
    many = [line(f"o{i}", "2024-01-05", f"c{i}", "web", "east", 10) for i in range(150)]
    result = clv.customer_value(warehouse_with(many), "tiny", as_of=dt.date(2024, 1, 31))
    assert not result.ok and result.reason == "clv_thin_repeaters"
