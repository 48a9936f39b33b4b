"""SalesLens entry point: the app shell every page lives in.

Run: ``streamlit run app.py`` (optionally ``-- --db PATH``). On a fresh machine the first run
builds the demo warehouse by itself. The sidebar (language, dataset, period, channels, regions)
is drawn here, so it persists across pages and mirrors itself into the URL.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

import duckdb
import streamlit as st

from metrics.overview import dimension_values
from ui import cached, state

_parser = argparse.ArgumentParser(add_help=False)
_parser.add_argument("--db")
_db = _parser.parse_known_args(sys.argv[1:])[0].db
if _db:
    os.environ["SALESLENS_DB"] = _db

st.set_page_config(page_title="SalesLens 销售透镜", page_icon="🔭", layout="wide")
state.seed_from_url()
state.keep_sidebar_state()
state.language_switch()

try:
    needs_demo = cached.needs_demo()
except duckdb.IOException:  # another process (a CLI load, a second server) holds the file
    logging.getLogger("saleslens").exception("cannot open the warehouse")
    st.error(state.t("warehouse_busy", path=cached.db_path()))
    st.stop()
if needs_demo:
    bar = st.progress(0.0, text=state.t("building_demo"))
    cached.ensure_data(lambda frac, stage: bar.progress(min(max(frac, 0.0), 1.0), text=state.t("building_demo_stage", stage=stage)))
    bar.empty()
    st.toast(state.t("demo_built"))

f = state.sidebar_filters(cached.datasets(), lambda name: cached.run_dataset(dimension_values, name))
state.write_url(f)

PAGES = [
    st.Page("pages/overview.py", title=state.t("nav_overview"), icon="📊", url_path="overview", default=True),
    st.Page("pages/channels.py", title=state.t("nav_channels"), icon="🛒", url_path="channels"),
    st.Page("pages/channels_conflict.py", title=state.t("nav_channels_conflict"), icon="🧭", url_path="channels_conflict"),
    st.Page("pages/data.py", title=state.t("nav_data"), icon="📥", url_path="data"),
    st.Page("pages/datasets.py", title=state.t("nav_datasets"), icon="🗃️", url_path="datasets"),
    st.Page("pages/budget.py", title=state.t("nav_budget"), icon="💰", url_path="budget"),
    st.Page("pages/budget_optimizer.py", title=state.t("nav_budget_optimizer"), icon="🎯", url_path="budget_optimizer"),
    st.Page("pages/budget_scenarios.py", title=state.t("nav_budget_scenarios"), icon="🗂️", url_path="budget_scenarios"),
    st.Page("pages/customers.py", title=state.t("nav_customers"), icon="👥", url_path="customers"),
    st.Page("pages/retention.py", title=state.t("nav_retention"), icon="🔁", url_path="retention"),
    st.Page("pages/customer_value.py", title=state.t("nav_customer_value"), icon="💎", url_path="customer_value"),
]
page = st.navigation(PAGES)
try:
    page.run()
except Exception:  # the user sees a sentence in their language, the log keeps the traceback
    logging.getLogger("saleslens").exception("page %s failed", page.url_path)
    st.error(state.t("error_unexpected"))
