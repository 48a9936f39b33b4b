"""Customer voice: NPS and CSAT over time and by channel, region and RFM segment; churn of detractors
against promoters; the most frequent phrases in comments; referral rate, referred customers against
others, and the top referrers. Each view says which file would light it up when the data lacks it."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from metrics import voice
from present.charts import voice as charts
from present.i18n import fmt_pct
from ui import cached
from ui.figures import figure
from ui.state import lang, require_filters, require_shell, t
from ui.tables import show
from ui.voice_pages import needs
from ui.widgets import metric_card

require_shell()  # before anything else: a page never runs without the shell

st.title(t("voice_title"))
f = require_filters()


def _names(by, dim: str) -> list[str] | None:
    """Display names of RFM segments (translation keys); other dimensions show their data values."""
    if dim != "segment":
        return None
    return [t(f"seg_{v}") if v != voice.NO_ORDERS else t("voice_no_orders") for v in by["value"]]


st.caption(t("voice_caption", start=f.start, end=f.end, prior_start=f.prior.start, prior_end=f.prior.end))
found = cached.run_dataset(voice.availability, f.dataset)

st.subheader(t("voice_nps"))
if not found.has_feedback:
    needs("feedback", "voice_view_nps")
else:
    st.caption(t("voice_nps_note"))
    # Every section reads the answers: those of the prior period and this one read once per run at most
    # (~0.4 s each read at 10M lines), the sections derived from them kept per selection (cached.memo).
    con = cached.connection()

    @functools.cache
    def both():
        return cached.run(voice.answers, f, first=f.prior.start)

    @functools.cache
    def said():
        return both()[both()["feedback_date"] >= pd.Timestamp(f.start)]

    def by(what, dimension):
        return cached.memo(lambda: what(con, f, dimension, frame=said()), f, what.__name__, dimension)

    nps = cached.memo(lambda: voice.nps_summary(con, f, both=both()), f, "voice.nps_summary")
    csat = cached.memo(lambda: voice.csat(con, f, frame=said()), f, "voice.csat")
    first = csat.iloc[0] if len(csat) else None
    cards = st.columns(4)
    with cards[0]:
        metric_card("nps", nps.nps, nps.change, change=True, help=t("voice_nps_help"))
    with cards[1]:
        metric_card("responses", nps.responses)
    with cards[2]:
        metric_card(
            "csat_top2",
            None if first is None else first["csat_top2"],
            help=t("voice_csat_help", scale="—" if first is None else first["scale"]),
        )
    with cards[3]:
        metric_card(
            "csat_mean",
            None if first is None else first["csat_mean"],
            help=t("voice_csat_help", scale="—" if first is None else first["scale"]),
        )
    if nps.nps is None:
        st.info(t("voice_no_nps_in_period"))
    else:
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{t('voice_nps_trend')}**")
            st.plotly_chart(
                figure(charts.nps_trend, by(voice.nps_by, "month"), lang()),
                key="voice_nps_trend",
                width="stretch",
            )
        with right:
            dim = st.radio(
                t("voice_nps_by"),
                list(voice.DIMENSIONS),
                key="voice_nps_dim",
                horizontal=True,
                format_func=lambda d: t(f"voice_dim_{d}"),
            )
            nps_of = by(voice.nps_by, dim)
            st.plotly_chart(
                figure(charts.nps_bars, nps_of, dim, lang(), _names(nps_of, dim)), key="voice_nps_bars", width="stretch"
            )
    if len(csat):
        months = by(voice.csat_by, "month")
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{t('voice_csat_trend', scale=months['scale'].iloc[0])}**")
            st.plotly_chart(figure(charts.csat_trend, months, lang()), key="voice_csat_trend", width="stretch")
        with right:
            dim = st.radio(
                t("voice_csat_by"),
                list(voice.DIMENSIONS),
                key="voice_csat_dim",
                horizontal=True,
                format_func=lambda d: t(f"voice_dim_{d}"),
            )
            csat_of = by(voice.csat_by, dim)
            st.plotly_chart(
                figure(charts.csat_bars, csat_of, dim, lang(), _names(csat_of, dim)),
                key="voice_csat_bars",
                width="stretch",
            )
        if len(csat) > 1:
            show(csat, key="voice_csat_table", dims={"scale": "raw"}, headers={"scale": "voice_col_scale"})

    st.subheader(t("voice_churn"))
    lapse = cached.run(voice.churn_by_group, f)
    st.caption(t("voice_churn_note", days=voice.LAPSE_WINDOW_DAYS))
    if lapse["judged"].sum() == 0:
        st.info(t("voice_churn_none", days=voice.LAPSE_WINDOW_DAYS))
    else:
        left, right = st.columns([2, 3])
        with left:
            st.plotly_chart(figure(charts.lapse_bars, lapse, lang()), key="voice_lapse_bars", width="stretch")
        with right:
            show(lapse, key="voice_lapse_table", dims={"group": "key:voice_group_"})
            rates = lapse.set_index("group")["lapse_rate"]
            if rates.notna().all():
                st.markdown(
                    t(
                        "voice_churn_sentence",
                        detractor=fmt_pct(rates["detractor"], lang()),
                        promoter=fmt_pct(rates["promoter"], lang()),
                    )
                )

    st.subheader(t("voice_phrases"))
    if found.comments == 0:
        needs("feedback", "voice_view_phrases")
    else:
        group = st.radio(
            t("voice_phrases_of"),
            ["all", *voice.GROUPS],
            key="voice_phrase_group",
            horizontal=True,
            format_func=lambda g: t("voice_all_answers") if g == "all" else t(f"voice_group_{g}"),
        )
        words = cached.memo(
            lambda: voice.phrases(con, f, group=None if group == "all" else group, frame=said()),
            f,
            "voice.phrases",
            group,
        )
        st.caption(t("voice_phrases_note"))
        if words.empty:
            st.info(t("voice_no_comments_in_period"))
        else:
            show(
                words,
                key="voice_phrase_table",
                dims={"phrase": "raw", "language": "key:voice_lang_"},
                download="comment_phrases",
            )

st.subheader(t("voice_referral"))
if found.referrals == 0:
    needs("customers", "voice_view_referral")
else:
    st.caption(t("voice_referral_note"))

    # the sections below all read the period's new customers: queried once per run at most (and the prior
    # period's), the sections derived from them kept per selection (cached.memo)
    @functools.cache
    def new():
        return cached.run(voice.new_customers, f)

    summary = cached.memo(
        lambda: voice.summarise_referrals(new(), cached.run(voice.new_customers, f.prior)),
        f,
        "voice.summarise_referrals",
    )
    cards = st.columns(3)
    with cards[0]:
        metric_card("referral_rate", summary.rate, summary.change)
    with cards[1]:
        metric_card("referred_customers", summary.referred)
    with cards[2]:
        metric_card("new_customers", summary.new_customers)
    if summary.new_customers:
        left, right = st.columns([3, 2])
        with left:
            st.plotly_chart(
                figure(
                    charts.referral_trend,
                    cached.memo(lambda: voice.referrals_by_month(new()), f, "voice.referrals_by_month"),
                    lang(),
                ),
                key="voice_referral_trend",
                width="stretch",
            )
        with right:
            st.markdown(f"**{t('voice_referred_vs_others')}**")
            show(
                cached.memo(lambda: voice.value_of_referrals(new()), f, "voice.value_of_referrals"),
                key="voice_referral_value",
                dims={"group": "key:voice_ref_"},
            )
            st.caption(t("voice_referral_value_note", days=voice.REPEAT_WINDOW_DAYS))
        st.markdown(f"**{t('voice_top_referrers')}**")
        top = cached.memo(lambda: voice.top_referrers(cached.connection(), f, new=new()), f, "voice.top_referrers")
        show(
            top,
            key="voice_top_referrers",
            download="top_referrers",
            dims={"referrer": "raw", "is_customer": lambda v: t("voice_yes") if v else t("voice_no")},
            headers={"referrer": "voice_col_referrer", "is_customer": "voice_col_is_customer"},
        )
    else:
        st.info(t("cust_no_customers_in_period"))
