"""Every table on screen goes through here: the catalog formats it (``present.tables.view``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from present.formats import DASH
from present.tables import Translate, export_frame, view
from ui.downloads import download_buttons
from ui.state import lang


def show(frame: pd.DataFrame, *, key: str | None = None, dims: Mapping[str, Translate] | None = None,
         headers: Mapping[str, str] | None = None, metric_column: str | None = None,
         row_metrics: Mapping[str, str] | None = None, row_keys: list[str] | None = None,
         height: int | str = "auto", download: str | None = None) -> None:
    """``st.dataframe`` of the formatted view, full width, no index; with ``download`` (a file stem of
    ours), CSV and XLSX buttons for the same table: translated headers, raw numbers, Excel formats."""
    spec = dict(dims=dims, headers=headers, metric_column=metric_column, row_metrics=row_metrics, row_keys=row_keys)
    st.dataframe(view(frame, lang(), **spec), hide_index=True, width="stretch", key=key, height=height,
                 placeholder=DASH)
    if download:
        table, number_formats = export_frame(frame, lang(), **spec)
        download_buttons(table, download, key=f"{key or download}_download", number_formats=number_formats)
