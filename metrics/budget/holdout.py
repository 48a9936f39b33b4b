"""CRM lift measured on holdout groups (METRICS.md "CRM lift").

Each campaign of a programme contacts part of its audience and holds a random part back
(``crm_contacts``, migration 010). Uplift = the repurchase rate of the contacted minus the
control's, within ``SHORT`` (90) and ``LONG`` (180) days of the contact, over the contacts whose
window ends inside the data. Its interval is the normal one for a difference of two proportions
(95% by default): contacts are randomised one by one, so the usual standard error applies.

The programme's response curve is anchored on the campaigns: each campaign month gives an uplift
at that month's programme spend, and :func:`metrics.budget.curves.fit_uplift` fits
uplift(s) = u_max · hill(s) through them. A curve needs ``MIN_CAMPAIGNS`` campaigns with at least
``MIN_GROUP`` contacts in each group; with fewer the model falls back to the lapse-rate fit.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.db import query

SHORT, LONG = 90, 180
HORIZONS = (SHORT, LONG)
MIN_CAMPAIGNS = 6
MIN_GROUP = 5
Z95 = 1.959963984540054


def campaigns(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """Per (programme, campaign): month, group sizes and repurchases per horizon (budget_holdout_campaigns.sql),
    plus ``spend``, the programme's CRM spend in the campaign's month (NaN without a spend row)."""
    frame = query(con, "budget_holdout_campaigns", dataset=dataset, short=SHORT, long=LONG)
    spend = query(con, "budget_crm_monthly", dataset=dataset).rename(columns={"amount": "spend"})
    if frame.empty:
        return frame.assign(spend=pd.Series(dtype=float))
    return frame.merge(spend, on=["programme", "month"], how="left")


def _rate_gap(
    back_t: np.ndarray, n_t: np.ndarray, back_c: np.ndarray, n_c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Uplift and its standard error; rates kept off 0 and 1 by half a case so no group has zero variance."""
    n_t, n_c = np.asarray(n_t, dtype=float), np.asarray(n_c, dtype=float)
    r_t, r_c = np.asarray(back_t, dtype=float) / n_t, np.asarray(back_c, dtype=float) / n_c
    v_t = np.clip(r_t, 0.5 / n_t, 1 - 0.5 / n_t)
    v_c = np.clip(r_c, 0.5 / n_c, 1 - 0.5 / n_c)
    return r_t - r_c, np.sqrt(v_t * (1 - v_t) / n_t + v_c * (1 - v_c) / n_c)


def uplift(frame: pd.DataFrame) -> pd.DataFrame:
    """Pooled uplift per programme and horizon from :func:`campaigns`' frame.

    Columns: programme, horizon (days), campaigns (with a complete window), contacted, control,
    contacted_rate, control_rate, uplift, uplift_low, uplift_high (95% interval), se.
    Empty frame → empty result with these columns.
    """
    columns = [
        "programme",
        "horizon",
        "campaigns",
        "contacted",
        "control",
        "contacted_rate",
        "control_rate",
        "uplift",
        "uplift_low",
        "uplift_high",
        "se",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for programme, part in frame.groupby("programme", sort=True):
        for horizon, tag in ((SHORT, "short"), (LONG, "long")):
            n_t, b_t = int(part[f"contacted_{tag}"].sum()), int(part[f"contacted_{tag}_back"].sum())
            n_c, b_c = int(part[f"control_{tag}"].sum()), int(part[f"control_{tag}_back"].sum())
            done = int(((part[f"contacted_{tag}"] > 0) & (part[f"control_{tag}"] > 0)).sum())
            if n_t == 0 or n_c == 0:
                rows.append(
                    {
                        "programme": programme,
                        "horizon": horizon,
                        "campaigns": done,
                        "contacted": n_t,
                        "control": n_c,
                        "contacted_rate": np.nan,
                        "control_rate": np.nan,
                        "uplift": np.nan,
                        "uplift_low": np.nan,
                        "uplift_high": np.nan,
                        "se": np.nan,
                    }
                )
                continue
            gap, se = _rate_gap(b_t, n_t, b_c, n_c)
            rows.append(
                {
                    "programme": programme,
                    "horizon": horizon,
                    "campaigns": done,
                    "contacted": n_t,
                    "control": n_c,
                    "contacted_rate": b_t / n_t,
                    "control_rate": b_c / n_c,
                    "uplift": float(gap),
                    "uplift_low": float(gap - Z95 * se),
                    "uplift_high": float(gap + Z95 * se),
                    "se": float(se),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def per_campaign(frame: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The campaigns of ``programme`` a curve can use: complete 180-day windows, at least MIN_GROUP
    contacts per group, a spend row. Columns: month, spend, uplift, se, contacted, control."""
    part = frame[
        (frame["programme"] == programme)
        & (frame["contacted_long"] >= MIN_GROUP)
        & (frame["control_long"] >= MIN_GROUP)
        & (frame["spend"] > 0)
    ]
    gap, se = _rate_gap(
        part["contacted_long_back"], part["contacted_long"], part["control_long_back"], part["control_long"]
    )
    return pd.DataFrame(
        {
            "month": part["month"].to_numpy(),
            "spend": part["spend"].to_numpy(dtype=float),
            "uplift": np.asarray(gap, dtype=float),
            "se": np.asarray(se, dtype=float),
            "contacted": part["contacted_long"].to_numpy(),
            "control": part["control_long"].to_numpy(),
        }
    )


def table(con: duckdb.DuckDBPyConnection, dataset: str) -> pd.DataFrame:
    """The Retention page's view: :func:`uplift` of the dataset's campaigns (both horizons, 95% interval)."""
    return uplift(campaigns(con, dataset))
