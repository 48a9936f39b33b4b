"""Every metric function and every CLI export, as calls the conformance suite makes on both engines.

Filtered metrics run on a selection with two channels and one region over the last half year (the
list parameters non-empty); the CLI exports on the whole range (what the command line defaults to,
lists empty). Functions that take a dataset run once. :data:`NOT_CALLED` names the functions that
read no order lines through a query, with the reason; ``tests/unit/test_spark_port.py`` fails when
a metric function is in neither (a new one must be added here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from metrics import (
    channels,
    clv,
    cohorts,
    conversion,
    customers,
    forecast,
    goals,
    health,
    overview,
    relationship,
    rfm,
    risks,
    tiers,
    voice,
)
from metrics.advisor import evidence, score
from metrics.budget import holdout, model
from metrics.db import query
from metrics.filters import Filters

DATASET = "demo"


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    db: Path
    everything: Filters  # the dataset's whole range, no channel or region filter
    selection: Filters  # the last 182 days, two channels, one region
    last: dt.date
    customer: str  # the customer with the most order lines (the 360° view's)

    @property
    def goal(self) -> goals.Goal:
        return goals.Goal(
            DATASET, "revenue", 1e6, self.last + dt.timedelta(days=90), "conformance", channels=self.selection.channels
        )


def context(con: duckdb.DuckDBPyConnection, db: Path) -> Context:
    first, last = con.execute("SELECT first_date, last_date FROM datasets WHERE name = $n", {"n": DATASET}).fetchall()[
        0
    ]
    values = overview.dimension_values(con, DATASET)
    everything = Filters(DATASET, first, last)
    selection = Filters(
        DATASET,
        last - dt.timedelta(days=181),
        last,
        channels=tuple(values["channel"][:2]),
        regions=tuple(values["region"][:1]),
    )
    customer = con.execute(
        "SELECT customer_id FROM order_lines WHERE dataset = $n AND customer_id IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        {"n": DATASET},
    ).fetchall()[0][0]
    return Context(con, db, everything, selection, last, customer)


Call = Callable[[Context], object]

CALLS: dict[str, Call] = {
    # channels
    "channels.availability": lambda c: channels.availability(c.con, DATASET),
    "channels.allocated_costs": lambda c: channels.allocated_costs(c.con, c.selection),
    "channels.pnl": lambda c: channels.pnl(c.con, c.selection),
    "channels.share": lambda c: channels.share(c.con, c.selection),
    "channels.share_trend": lambda c: channels.share_trend(c.con, c.selection),
    "channels.share_trend[customers]": lambda c: channels.share_trend(c.con, c.selection, measure="customers"),
    "channels.coverage": lambda c: channels.coverage(c.con, c.selection),
    "channels.coverage[revenue only]": lambda c: channels.coverage(c.con, c.everything, customers=False),
    "channels.customer_regions": lambda c: channels.customer_regions(c.con, DATASET),
    "channels.provinces": lambda c: channels.provinces(c.con, c.selection, region=c.selection.regions[0]),
    "channels.declining": lambda c: channels.declining(c.con, c.selection),
    "channels.overlap": lambda c: channels.overlap(c.con, c.selection),
    "channels.price_conflicts": lambda c: channels.price_conflicts(c.con, c.selection),
    "channels.out_of_territory": lambda c: channels.out_of_territory(c.con, c.selection),
    # overview
    "overview.kpis": lambda c: overview.kpis(c.con, c.selection),
    "overview.trend": lambda c: overview.trend(c.con, c.selection),
    "overview.movers": lambda c: overview.movers(c.con, c.selection),
    "overview.dimension_values": lambda c: overview.dimension_values(c.con, DATASET),
    # customers, RFM, cohorts, tiers, CLV
    "customers.kpis": lambda c: customers.kpis(c.con, c.selection),
    "customers.kpi_counts": lambda c: customers.kpi_counts(c.con, c.selection),
    "customers.auto_window_days": lambda c: customers.auto_window_days(c.con, DATASET),
    "customers.resolve_window": lambda c: customers.resolve_window(c.con, DATASET, "auto"),
    "customers.churn_monthly": lambda c: customers.churn_monthly(c.con, c.everything),
    "customers.churn_monthly[selection]": lambda c: customers.churn_monthly(c.con, c.selection, window_days=60),
    "customers.churn_by_place": lambda c: customers.churn_by_place(c.con, c.selection),
    "customers.churn_flags": lambda c: customers.churn_flags(c.con, c.selection),
    "customers.search": lambda c: customers.search(c.con, DATASET, needle="1", limit=15),
    "customers.customer_orders": lambda c: customers.customer_orders(c.con, DATASET, customer_id=c.customer),
    "customers.acquisition_channels": lambda c: customers.acquisition_channels(c.con, DATASET),
    "rfm.split_orders": lambda c: rfm.split_orders(c.con, DATASET),
    "rfm.rfm": lambda c: rfm.rfm(c.con, c.selection, acquisition=True, keys=True),
    "rfm.key_segments": lambda c: rfm.key_segments(c.con, c.selection),
    "rfm.segment_history": lambda c: rfm.segment_history(c.con, c.everything, customer_id=c.customer, periods=2),
    "rfm.segment_view": lambda c: rfm.segment_view(c.con, c.selection),
    "cohorts.acquisition": lambda c: cohorts.acquisition(c.con, DATASET),
    "cohorts.retention": lambda c: cohorts.retention(c.con, c.selection),
    "cohorts.retention[acquired]": lambda c: cohorts.retention(
        c.con, replace(c.selection, channels=()), acq_channels=c.selection.channels[:1]
    ),
    "tiers.abc": lambda c: tiers.abc(c.con, c.selection),
    "tiers.current_value": lambda c: tiers.current_value(c.con, DATASET, as_of=c.last),
    "clv.summary": lambda c: clv.summary(c.con, DATASET, cal_end=c.last - dt.timedelta(days=182), holdout_end=c.last),
    "clv.fit": lambda c: clv.fit(c.con, DATASET, cal_end=c.last),
    "clv.customer_value": lambda c: clv.customer_value(c.con, DATASET, as_of=c.last),
    "clv.calibration": lambda c: clv.calibration(
        c.con, DATASET, cal_end=c.last - dt.timedelta(days=182), holdout_end=c.last
    ),
    "clv.acquisition_cost": lambda c: clv.acquisition_cost(c.con, c.selection),
    # goals (measured on the lines; the goals themselves are user state in SQLite)
    "goals.monthly_values": lambda c: goals.monthly_values(c.con, DATASET, "revenue", c.everything.start, c.last),
    "goals.monthly_values[kpi]": lambda c: goals.monthly_values(
        c.con, DATASET, "repeat_rate", c.last.replace(day=1), c.last, channels=c.selection.channels
    ),
    "goals.baseline_for": lambda c: goals.baseline_for(c.con, c.goal),
    "goals.evaluate": lambda c: goals.evaluate(c.con, c.goal),
    "goals.progress_table": lambda c: goals.progress_table(c.con, DATASET, goals=(c.goal,)),
    # budget model inputs, CRM holdouts and the advisor
    "budget.holdout.campaigns": lambda c: holdout.campaigns(c.con, DATASET),
    "budget.holdout.table": lambda c: holdout.table(c.con, DATASET),
    "budget.model.budget_model": lambda c: model.budget_model(c.con, DATASET),
    "advisor.evidence.measure": lambda c: evidence.measure(c.con, c.selection),
    "advisor.score.advise": lambda c: score.advise(c.con, c.selection, stage="growth", industry="retail"),
    # the customer's voice, relationship health, channel conversion, CRM data health (issue 15)
    "voice.availability": lambda c: voice.availability(c.con, DATASET),
    "voice.answers": lambda c: voice.answers(c.con, c.everything),
    "voice.nps_summary": lambda c: voice.nps_summary(c.con, c.selection),
    "voice.nps_by[channel]": lambda c: voice.nps_by(c.con, c.everything, "channel"),
    "voice.nps_by[segment]": lambda c: voice.nps_by(c.con, c.selection, "segment"),
    "voice.nps_by[month]": lambda c: voice.nps_by(c.con, c.everything, "month"),
    "voice.nps_table": lambda c: voice.nps_table(c.con, c.everything),
    "voice.csat": lambda c: voice.csat(c.con, c.everything),
    "voice.csat_by[month]": lambda c: voice.csat_by(c.con, c.everything, "month"),
    "voice.csat_by[segment]": lambda c: voice.csat_by(c.con, c.selection, "segment"),
    "voice.churn_by_group": lambda c: voice.churn_by_group(c.con, c.selection),
    "voice.phrases": lambda c: voice.phrases(c.con, c.everything),
    "voice.new_customers": lambda c: voice.new_customers(c.con, c.selection),
    "voice.referral_summary": lambda c: voice.referral_summary(c.con, c.everything),
    "voice.referral_value": lambda c: voice.referral_value(c.con, c.everything),
    "voice.referral_by_month": lambda c: voice.referral_by_month(c.con, c.everything),
    "voice.top_referrers": lambda c: voice.top_referrers(c.con, c.everything),
    "relationship.monthly": lambda c: relationship.monthly(c.con, c.selection),
    "relationship.per_customer": lambda c: relationship.per_customer(c.con, c.everything),
    "relationship.summary": lambda c: relationship.summary(c.con, c.selection),
    "relationship.days_since_contact": lambda c: relationship.days_since_contact(c.con, c.everything),
    "relationship.no_contact": lambda c: relationship.no_contact(c.con, c.everything),
    "relationship.timeline": lambda c: relationship.timeline(c.con, DATASET, customer_id=c.customer),
    "conversion.conversion": lambda c: conversion.conversion(c.con, c.everything),
    "conversion.export_frame": lambda c: conversion.export_frame(c.con, c.selection),
    "conversion.sources": lambda c: conversion.sources(c.con, c.everything),
    "conversion.by_month": lambda c: conversion.by_month(c.con, c.selection),
    "health.data_health": lambda c: health.data_health(c.con, DATASET),
    "goals.voice_reason": lambda c: goals.voice_reason(c.con, replace(c.goal, metric="nps")),
    # outlook and risk (issue 16): the forecast's monthly series and the risk rules' inputs
    "forecast.monthly_history": lambda c: forecast.monthly_history(c.con, DATASET),
    "forecast.monthly_history[train_end]": lambda c: forecast.monthly_history(
        c.con, DATASET, train_end=c.last - dt.timedelta(days=200)
    ),
    "risks.gather": lambda c: risks.gather(c.con, DATASET),
    # the risk rules judge the whole dataset; the key-customer query also takes the sidebar's lists
    "db.query[risk_top_customers, selection]": lambda c: query(
        c.con, "risk_top_customers", **query_params(c.selection, c.customer)
    ),
}

# Metric functions taking a connection that the suite does not call, and why.
NOT_CALLED = {
    "metrics.db.query": "runs one named query: the calls above run every query through it",
    "metrics.db.query_large": "runs one named query as db.query does (health.data_health, relationship.per_customer above; under Spark through spark.run, so its Arrow path is compared with DuckDB's own in tests/unit/test_voice_demo.py)",
    "metrics.budget.model.remember": "keeps a model fitted elsewhere; reads the datasets row only, no order lines",
    "metrics.goals.create": "writes a goal to the user state (SQLite); its measurement is goals.baseline_for",
    "metrics.goals.update": "writes a goal to the user state (SQLite); its measurement is goals.baseline_for",
    "metrics.budget.check.planted": "reads the demo's planted truths (dataset_truths), not order lines: DuckDB",
    "metrics.forecast.outlook": "fits models on forecast.monthly_history's series (called above); no query of its own",
    "metrics.forecast.backtest": "fits models on forecast.monthly_history's series (called above); no query of its own",
    "metrics.risks.register": "risks.gather + forecast.outlook + the budget model + health.data_health, each covered",
}


def query_params(f: Filters, customer: str = "C000001") -> dict[str, object]:
    """A value for every parameter name the queries in metrics/sql use, from selection ``f``: what a
    query no call above reaches runs with, and what the translation lint types parameters by."""
    year_ago = f.year_ago
    return {
        **f.params(),
        "ya_start": year_ago.start,
        "ya_end": year_ago.end,
        "acq_channels": list(f.channels[:1]),
        "window_days": 90,
        "days": f.days,
        "periods": 4,
        "region": f.regions[0] if f.regions else "",
        "cal_end": f.end - dt.timedelta(days=182),
        "holdout_end": f.end,
        "as_of": f.end,
        "split_orders": 0,
        "ids": True,
        "acquisition": True,
        "needle": "1",
        "limit": 20,
        "customer_id": customer,
        "first": f.start,
        "last": f.end - dt.timedelta(days=6),
        "short": 90,
        "long": 180,
        "window": 90,
        "referrers": [customer],
        "until": f.end,
    }


# The CLI exports (python -m metrics export NAME), over the whole range as the command line defaults.
def _exports() -> tuple[str, ...]:
    from cli import main as cli

    return tuple(sorted(cli.exports(cli.area_modules())))


EXPORTS = _exports()  # every `python -m metrics export NAME` the command line registers
