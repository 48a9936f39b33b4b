"""SalesLens entry point: the app shell every page lives in.

Run: ``streamlit run app.py`` (optionally ``-- --db PATH``). On a fresh machine the first run
builds the demo warehouse by itself. The sidebar (language, dataset, period, channels, regions)
is drawn here, so it persists across pages and mirrors itself into the URL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys

import streamlit as st

from data import access
from metrics import clv
from metrics.budget import holdout
from metrics.db import EngineUnavailable, engine
from metrics.overview import dimension_values
from ui import auth, budget, cached, health, navigate, outlook, state
from ui import risks as ui_risks

_parser = argparse.ArgumentParser(add_help=False)
_parser.add_argument("--db")
_db = _parser.parse_known_args(sys.argv[1:])[0].db
if _db:
    os.environ["SALESLENS_DB"] = _db

st.set_page_config(page_title="SalesLens 销售透镜", page_icon="🔭", layout="wide")
auth.restore_view()  # sign-in returns to the bare address: a signed-in user's last filters and language come back
state.seed_from_url()
state.keep_sidebar_state()
state.language_switch()
who = auth.gate(state.lang())  # sign-in (when configured): a visitor without a role stops here
auth.show_refusal(state.lang())  # a write a button callback attempted and data.access refused

# Sections in the order a user's question runs: where are we, channels, customers, where the
# next yuan goes, and the data behind it. Material icons ship with Streamlit (no emoji font needed).
PAGES = {
    state.t("nav_section_overview"): [
        st.Page(
            "pages/overview.py",
            title=state.t("nav_overview"),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page("pages/advisor.py", title=state.t("nav_advisor"), icon=":material/balance:", url_path="advisor"),
        st.Page("pages/goals.py", title=state.t("nav_goals"), icon=":material/flag:", url_path="goals"),
        st.Page("pages/outlook.py", title=state.t("nav_outlook"), icon=":material/trending_up:", url_path="outlook"),
        st.Page("pages/risks.py", title=state.t("nav_risks"), icon=":material/warning:", url_path="risks"),
    ],
    state.t("nav_section_channels"): [
        st.Page("pages/channels.py", title=state.t("nav_channels"), icon=":material/storefront:", url_path="channels"),
        st.Page(
            "pages/channels_conflict.py",
            title=state.t("nav_channels_conflict"),
            icon=":material/map:",
            url_path="channels_conflict",
        ),
    ],
    state.t("nav_section_customers"): [
        st.Page("pages/customers.py", title=state.t("nav_customers"), icon=":material/groups:", url_path="customers"),
        st.Page(
            "pages/retention.py", title=state.t("nav_retention"), icon=":material/autorenew:", url_path="retention"
        ),
        st.Page(
            "pages/customer_value.py",
            title=state.t("nav_customer_value"),
            icon=":material/diamond:",
            url_path="customer_value",
        ),
        st.Page("pages/voice.py", title=state.t("nav_voice"), icon=":material/record_voice_over:", url_path="voice"),
        st.Page(
            "pages/relationship.py",
            title=state.t("nav_relationship"),
            icon=":material/handshake:",
            url_path="relationship",
        ),
    ],
    state.t("nav_section_budget"): [
        st.Page("pages/budget.py", title=state.t("nav_budget"), icon=":material/tune:", url_path="budget"),
        st.Page(
            "pages/budget_optimizer.py",
            title=state.t("nav_budget_optimizer"),
            icon=":material/target:",
            url_path="budget_optimizer",
        ),
        st.Page(
            "pages/budget_scenarios.py",
            title=state.t("nav_budget_scenarios"),
            icon=":material/folder_open:",
            url_path="budget_scenarios",
        ),
    ],
    state.t("nav_section_data"): [
        st.Page("pages/data.py", title=state.t("nav_data"), icon=":material/upload_file:", url_path="data"),
        st.Page("pages/datasets.py", title=state.t("nav_datasets"), icon=":material/database:", url_path="datasets"),
        *(
            [
                st.Page(
                    "pages/access.py",
                    title=state.t("nav_access"),
                    icon=":material/admin_panel_settings:",
                    url_path="access",
                )
            ]
            if who.at_least("admin")
            else []
        ),
    ],
}
# Drawn before anything slow (the first start's demo build): until st.navigation runs in a process,
# Streamlit lists the pages/ folder's file names in the sidebar, untranslated.
page = st.navigation(PAGES, expanded=True)  # every page listed, no untranslated "View more"

try:
    datasets = cached.begin_run()  # this run reads the warehouse as it is now, even if a load publishes
except cached.WarehouseUnavailable:
    logging.getLogger("saleslens").exception("cannot open the warehouse %s", cached.db_path())
    st.error(state.t("warehouse_busy"))  # the server's file path stays in its log
    st.stop()
try:
    if engine() != "duckdb":  # SALESLENS_ENGINE (README "Scale out")
        with st.spinner(state.t("engine_starting")):
            cached.engine_ready()
except EngineUnavailable:
    logging.getLogger("saleslens").exception("the query engine is not available")
    st.error(state.t("engine_unavailable"))  # hosts and tokens stay in the log
    st.stop()
if not datasets:  # a fresh clone's first start
    bar = st.progress(0.0, text=state.t("building_demo"))
    cached.ensure_data(
        lambda frac, stage: bar.progress(
            min(max(frac, 0.0), 1.0), text=state.t("building_demo_stage", stage=state.demo_stage(stage))
        )
    )
    bar.empty()
    st.toast(state.t("demo_built"))
    datasets = cached.begin_run()

datasets = [d for d in datasets if who.scope.allows_dataset(d.name)]  # a scope's other datasets are not offered
f = state.sidebar_filters(datasets, lambda name: cached.run_dataset(dimension_values, name))
state.write_url(f)
auth.remember_view(who)
if f is not None:
    # Models that take seconds to minutes are fitted now, once per data version, in the background
    # (one at a time), so the pages that need them find them ready: the budget model, the risk rules'
    # inputs and the CRM data health (the overview's risks, the advisor), the forecast and its
    # backtest, then the customer-value model and its holdout check, then the CRM holdout groups' uplift.
    budget.start(f.dataset)
    ui_risks.start(f.dataset)  # the overview's risk register: its inputs first
    health.start(f.dataset)  # None without a customers file, at once
    outlook.start(f.dataset)  # the forecast and its backtest (the overview's risks, goals, growth potential)
    if (chosen := cached.dataset(f.dataset)) is not None and chosen.has_customer:
        cached.prefetch_model(clv.customer_value, f.dataset, as_of=f.end)
        cached.prefetch_model(
            clv.calibration, f.dataset, cal_end=f.end - dt.timedelta(weeks=clv.DEFAULT_HOLDOUT_WEEKS), holdout_end=f.end
        )
        cached.prefetch_model(holdout.table, f.dataset)

navigate.follow()  # a button on the previous run asked for another page (ui/navigate.py)
state.shell_running(True)
try:
    page.run()
except access.PermissionDenied as refused:  # checked where the write happens; shown in the user's language
    st.error(auth.denied_text(refused, state.lang()))
except Exception:  # the user sees a sentence in their language, the log keeps the traceback
    logging.getLogger("saleslens").exception("page %s failed", page.url_path)
    st.error(state.t("error_unexpected"))
finally:
    state.shell_running(False)
