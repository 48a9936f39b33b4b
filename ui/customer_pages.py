"""Shared pieces of the three customer pages: the customer-id guard, the inactivity window picker and
the customer cards."""

from __future__ import annotations

import streamlit as st

from metrics import customers, overview
from metrics.filters import Filters
from metrics.overview import Kpi
from ui import cached
from ui.state import filters, t


def selection() -> Filters:
    """The sidebar's selection for a customer page, with its caption; stops the page (with a plain
    message) when there is no dataset or the dataset has no customer ids."""
    f = filters()
    if f is None:
        st.info(t("no_datasets"))
        st.stop()
    found = cached.dataset(f.dataset)
    if found is None or not found.has_customer:
        st.info(t("cust_no_customer"))
        st.stop()
    st.caption(t("cust_caption", start=f.start, end=f.end, prior_start=f.prior.start, prior_end=f.prior.end))
    return f


def window_picker(prefix: str, dataset: str) -> int:
    """Inactivity window in days: "auto" (80th percentile of purchase gaps) or a number (31–730)."""
    mode = st.radio(
        t("ret_window"),
        ["auto", "custom"],
        key=f"{prefix}_window_mode",
        horizontal=True,
        format_func=lambda m: t("ret_window_auto") if m == "auto" else t("ret_window_custom"),
    )
    if mode == "custom":
        window: int | str = st.number_input(
            t("ret_window_days"),
            min_value=customers.MIN_MONTHLY_WINDOW_DAYS,
            max_value=customers.MAX_WINDOW_DAYS,
            value=customers.DEFAULT_WINDOW_DAYS,
            step=10,
            key=f"{prefix}_window_days",
        )
    else:
        window = "auto"
    days = cached.run_dataset(customers.resolve_window, dataset, window=window)
    st.caption(t("ret_window_used", days=days))
    return days


def customer_cards(f: Filters, window_days: int) -> list[Kpi]:
    """The customer cards (:func:`metrics.customers.kpis`), the overview's part taken from the cache the
    overview filled (same selection and window) rather than computed again."""
    return customers.kpis_of(cached.run(overview.kpis, f, window_days=window_days), cached.run(customers.kpi_counts, f))
