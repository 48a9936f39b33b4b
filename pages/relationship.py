"""Relationship health: how often the company talks to its customers (contacts per active customer per
month, by type), how long since each active customer's last contact, and the high-value customers
nobody has contacted lately, as a downloadable list. Needs an interactions file."""

from __future__ import annotations

import functools

import streamlit as st

from metrics import relationship, rfm, voice
from present.charts import voice as charts
from ui import cached
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.tables import show
from ui.voice_pages import needs
from ui.widgets import metric_card

require_shell()  # before anything else: a page never runs without the shell

st.title(t("rel_title"))
f = require_filters()
st.caption(t("rel_caption", start=f.start, end=f.end, days=relationship.ACTIVE_WINDOW_DAYS))
found = cached.run_dataset(voice.availability, f.dataset)
ds = cached.dataset(f.dataset)
if ds is None or not ds.has_customer:
    st.info(t("cust_no_customer"))
    st.stop()
if found.contacts == 0:
    needs("interactions", "rel_view_contacts")
    st.stop()

# Every section reads the selection's customers (1.2M rows at 10M lines): queried once per run at most,
# and the sections derived from them are kept per selection (cached.memo), so a rerun reads none.
months = cached.run(relationship.monthly, f)


@functools.cache
def people():
    return cached.run(relationship.per_customer, f)


summary = cached.memo(lambda: relationship.summarise(months, people()), f, "relationship.summarise")
cards = st.columns(4)
for column, key in zip(
    cards, ("interactions", "contacts_per_customer", "median_days_since_contact", "never_contacted_share"), strict=True
):
    with column:
        metric_card(key, summary[key], help=t(f"rel_help_{key}", days=relationship.ACTIVE_WINDOW_DAYS))

st.subheader(t("rel_frequency"))
st.plotly_chart(figure(charts.contacts_trend, months, lang()), key="relationship_contacts_trend", width="stretch")

st.subheader(t("rel_since"))
left, right = st.columns([3, 2])
buckets = cached.memo(lambda: relationship.contact_buckets(people()), f, "relationship.contact_buckets")
with left:
    st.plotly_chart(figure(charts.days_buckets, buckets, lang()), key="relationship_days_buckets", width="stretch")
with right:
    show(buckets, key="relationship_days_table", dims={"bucket": "key:rel_bucket_"})

st.subheader(t("rel_no_contact"))
days = st.slider(
    t("rel_no_contact_days"), 30, 365, relationship.DEFAULT_NO_CONTACT_DAYS, 15, key="relationship_no_contact_days"
)
listed = cached.memo(
    lambda: relationship.lapsed(cached.run(rfm.rfm, f), people(), days=days), f, "relationship.lapsed", days
)
st.caption(t("rel_no_contact_note", days=days, count=len(listed)))
if listed.empty:
    st.success(t("rel_no_contact_none", days=days))
else:
    show(
        listed,
        key="relationship_no_contact",
        download="no_contact",
        dims={
            "customer_id": "raw",
            "last_order": "raw",
            "last_contact": "raw",
            "owner": "raw",
            "acquisition_channel": "data",
            "region": "data",
            "segment": "key:seg_",
        },
        headers={"last_order": "rel_col_last_order", "last_contact": "rel_col_last_contact", "owner": "rel_col_owner"},
    )
st.caption(t("rel_360_hint"))
