"""Tables as people read them: translated headers and values, every number formatted by the catalog.

A column is either

- a catalog metric, found by its name (``revenue``, ``margin``, ``cost_marketing`` …), or
- a dimension, declared by the caller with how its values translate.

A numeric column that is neither raises KeyError: a number on screen always has a catalog entry,
and the page tests (which render every table) catch one that does not. Three renderings share one
reading of the table (:func:`_plan`):

- :func:`view`: a pandas Styler for the screen: cells keep their numbers (sorting stays numeric),
  only their display text changes, "—" where a value is undefined;
- :func:`text_frame`: every cell as that text (the HTML report);
- :func:`export_frame`: translated headers and dimension values, raw numbers, plus the Excel number
  format of each metric column (downloads).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from metrics import catalog
from present.formats import DASH, format_value, xlsx_number_format
from present.i18n import label as data_label
from present.i18n import t

# How a dimension's values read: "data" (channel, region... names through the values table),
# "raw" (ids, products, dates: as they are), "key:<prefix>" (a translation key per value), a function,
# or "hide" (a helper column the table does not show).
Translate = str | Callable[[object], str]
Cell = Callable[[object], str]


def _dimension_texts(values: pd.Series, how: Translate, lang: str) -> list[str]:
    def one(value: object) -> str:
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return DASH
        if callable(how):
            return how(value)
        if how == "data":
            return data_label(value, lang)
        if how.startswith("key:"):
            return t(f"{how[4:]}{value}", lang)
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
        return str(value)

    return [one(v) for v in values]


def header(column: str, lang: str, headers: Mapping[str, str] | None = None) -> str:
    """A column's title: the caller's translation key (``"=text"``: that text as it is), else the
    metric's name, else ``dim_<column>``."""
    if headers and column in headers:
        given = headers[column]
        return given[1:] if given.startswith("=") else t(given, lang)
    metric = catalog.find(column)
    if metric is not None and metric.key != column and column.startswith("cost_"):
        return t("metric_cost_type", lang, type=data_label(column[len("cost_") :], lang))
    if metric is not None:
        return t(metric.label, lang)
    return t(f"dim_{column}", lang)


@dataclass
class _Plan:
    texts: pd.DataFrame  # dimension columns translated, numbers untouched
    columns: dict[str, str]  # column → metric key (numbers formatted per column)
    rows: dict[str, list[str]]  # column → metric key per row (tables of different metrics)
    titles: dict[str, str]


def _plan(
    frame: pd.DataFrame,
    lang: str,
    dims: Mapping[str, Translate] | None,
    headers: Mapping[str, str] | None,
    metric_column: str | None,
    row_metrics: Mapping[str, str] | None,
    row_keys: list[str] | None = None,
) -> _Plan:
    dims, row_metrics = dict(dims or {}), dict(row_metrics or {})
    per_row = list(frame[metric_column]) if metric_column is not None else row_keys
    frame = frame.drop(columns=[c for c, how in dims.items() if how == "hide" and c in frame.columns])
    texts = frame.copy()
    columns: dict[str, str] = {}
    rows: dict[str, list[str]] = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if column == metric_column:
            texts[column] = [t(catalog.get(k).label, lang) for k in frame[column]]
        elif column in dims or pd.api.types.is_datetime64_any_dtype(dtype):
            texts[column] = _dimension_texts(frame[column], dims.get(column, "raw"), lang)
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            if column in row_metrics:
                columns[column] = row_metrics[column]
            elif per_row is not None:
                rows[column] = list(per_row)
            else:
                metric = catalog.find(column)
                if metric is None:
                    raise KeyError(f"table column {column!r} is a number with no catalog entry")
                columns[column] = metric.key
    titles = {c: header(c, lang, headers) for c in frame.columns}
    return _Plan(texts, columns, rows, titles)


def view(
    frame: pd.DataFrame,
    lang: str,
    *,
    dims: Mapping[str, Translate] | None = None,
    headers: Mapping[str, str] | None = None,
    metric_column: str | None = None,
    row_metrics: Mapping[str, str] | None = None,
    row_keys: list[str] | None = None,
) -> pd.io.formats.style.Styler:
    """A sortable, formatted view of ``frame``.

    Parameters
    ----------
    dims : mapping, optional
        Dimension columns and how their values translate (see ``Translate``).
    headers : mapping, optional
        Translation keys for column titles that are roles rather than metrics ("current", "scenario").
    metric_column : str, optional
        For tables whose rows are different metrics (a projection): the column holding each row's
        catalog key; numeric columns are formatted with the row's metric (unless in ``row_metrics``).
        The column itself shows the metric's name.
    row_metrics : mapping, optional
        Numeric columns formatted as another metric than their name says (``current`` → ``spend``).
    row_keys : list, optional
        Like ``metric_column``, each row's catalog key, but not shown as a column.
    """
    plan = _plan(frame, lang, dims, headers, metric_column, row_metrics, row_keys)
    shown = plan.texts.rename(columns=plan.titles)
    styler = shown.style.format(
        {plan.titles[c]: (lambda v, k=k: format_value(k, v, lang)) for c, k in plan.columns.items()}, na_rep=DASH
    )
    cells = getattr(styler, "_display_funcs", None)
    for column, keys in plan.rows.items():
        position = list(plan.texts.columns).index(column)
        for row, key in enumerate(keys):
            if isinstance(cells, dict):
                # what Styler.format(subset=one cell) stores, without its per-call indexing, which cost
                # ~90 ms a rerun on the budget page's projection (pandas keeps a cell's formatter here)
                cells[(row, position)] = lambda v, k=key: DASH if _missing(v) else format_value(k, v, lang)
            else:
                styler = styler.format(
                    lambda v, k=key: format_value(k, v, lang),
                    na_rep=DASH,
                    subset=pd.IndexSlice[[shown.index[row]], [plan.titles[column]]],
                )
    return styler


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def text_frame(
    frame: pd.DataFrame,
    lang: str,
    *,
    dims: Mapping[str, Translate] | None = None,
    headers: Mapping[str, str] | None = None,
    metric_column: str | None = None,
    row_metrics: Mapping[str, str] | None = None,
    row_keys: list[str] | None = None,
) -> pd.DataFrame:
    """The table with every cell as the text :func:`view` shows (the HTML report)."""
    plan = _plan(frame, lang, dims, headers, metric_column, row_metrics, row_keys)
    out = plan.texts.astype(object)
    for column, key in plan.columns.items():
        out[column] = [format_value(key, v, lang) for v in frame[column]]
    for column, keys in plan.rows.items():
        out[column] = [format_value(k, v, lang) for k, v in zip(keys, frame[column], strict=True)]
    return out.rename(columns=plan.titles).fillna(DASH)


def export_frame(
    frame: pd.DataFrame,
    lang: str,
    *,
    dims: Mapping[str, Translate] | None = None,
    headers: Mapping[str, str] | None = None,
    metric_column: str | None = None,
    row_metrics: Mapping[str, str] | None = None,
    row_keys: list[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table as a download: translated headers and dimension values, numbers left as numbers.

    Returns the frame and, per column title, the Excel number format its metric reads in (a
    spreadsheet formats the raw numbers itself; CSV ignores it).
    """
    plan = _plan(frame, lang, dims, headers, metric_column, row_metrics, row_keys)
    number_formats = {plan.titles[c]: fmt for c, k in plan.columns.items() if (fmt := xlsx_number_format(k))}
    return plan.texts.rename(columns=plan.titles), number_formats
