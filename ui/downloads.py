"""Download buttons for any table: CSV (UTF-8 with BOM) and XLSX, both formula-injection safe."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from present import exports
from ui.state import t

Prepared = Callable[[], tuple[pd.DataFrame, dict[str, str] | None]]


def download_buttons(
    frame: pd.DataFrame | Prepared, stem: str, *, key: str, number_formats: dict[str, str] | None = None
) -> None:
    """Two buttons side by side. ``stem`` is ours (never a user's file name); ``key`` prefixes widget keys;
    ``number_formats`` (column → Excel format) applies to the XLSX. ``frame`` may be a function
    returning (frame, number_formats), called only when a file is asked for.

    The files are written when a button is clicked (Streamlit calls the function then), not on every
    run: a million-row table cost seconds of every rerun as CSV and XLSX bytes nobody asked for.
    """
    prepare: Prepared = frame if callable(frame) else (lambda: (frame, number_formats))
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("download_csv"),
            lambda: exports.to_csv_bytes(prepare()[0]),
            file_name=exports.safe_filename(stem, "csv"),
            mime="text/csv",
            key=f"{key}_csv",
            width="stretch",
        )
    with right:
        st.download_button(
            t("download_xlsx"),
            lambda: exports.to_xlsx_bytes(*prepare()),
            file_name=exports.safe_filename(stem, "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            width="stretch",
        )
