"""Every table on screen goes through here: the catalog formats it (``present.tables.view``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from present.formats import DASH
from present.tables import Translate, export_frame, view
from ui.downloads import download_buttons
from ui.state import lang, t

# Rows drawn on screen at most: formatting a cell costs server CPU on every rerun (Streamlit turns a
# formatted table into display strings cell by cell), and nobody reads thousands of rows in a grid.
# The downloads always hold every row. 1,000 -> 300 halved the warm rerun of the pages with long
# lists at 1M lines (bench_pages --warm 10: Relationship 0.097 -> 0.052 CPU-s, Datasets 0.091 -> 0.055).
MAX_SHOWN_ROWS = 300


def show(
    frame: pd.DataFrame,
    *,
    key: str | None = None,
    dims: Mapping[str, Translate] | None = None,
    headers: Mapping[str, str] | None = None,
    metric_column: str | None = None,
    row_metrics: Mapping[str, str] | None = None,
    row_keys: list[str] | None = None,
    height: int | str = "auto",
    download: str | None = None,
) -> None:
    """``st.dataframe`` of the formatted view, full width, no index; with ``download`` (a file stem of
    ours), CSV and XLSX buttons for the same table: translated headers, raw numbers, Excel formats."""
    spec = dict(dims=dims, headers=headers, metric_column=metric_column, row_metrics=row_metrics, row_keys=row_keys)
    shown = frame
    if len(frame) > MAX_SHOWN_ROWS and metric_column is None and row_keys is None:
        shown = frame.head(MAX_SHOWN_ROWS)
        st.caption(
            t(
                "table_first_rows_download" if download else "table_first_rows",
                shown=f"{MAX_SHOWN_ROWS:,}",
                total=f"{len(frame):,}",
            )
        )
    st.dataframe(
        view(shown, lang(), **spec), hide_index=True, width="stretch", key=key, height=height, placeholder=DASH
    )
    if download:
        language = lang()
        download_buttons(lambda: export_frame(frame, language, **spec), download, key=f"{key or download}_download")
