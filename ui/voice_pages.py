"""Shared pieces of the customer-voice views: what to load when a view has no data to show."""

from __future__ import annotations

import streamlit as st

from ui.state import t


def needs(kind: str, view: str) -> None:
    """Say which file would light ``view`` (a translation key) up and what it needs (its kind's fields)."""
    st.info(
        t(
            "voice_needs",
            view=t(view),
            file=t(f"datasets_extra_kind_{kind}"),
            fields=t(f"voice_needs_fields_{kind}"),
            kind=kind,
        ),
        icon=":material/upload_file:",
    )
