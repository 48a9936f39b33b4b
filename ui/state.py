"""Language and filter state: session ⇄ sidebar widgets ⇄ URL query string.

On a session's first run the URL (``lang``, ``dataset``, ``preset``, ``start``, ``end``,
``channel``, ``region``) seeds the sidebar widgets; from then on the widgets are the truth and
every run writes them back to the URL, so a copied link reproduces the view on any page.
"""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from metrics.filters import DEFAULT_PRESET, PRESETS, Filters, from_query, preset_range, to_query
from present import i18n

# Which script runs are going through app.py (the shell). A script run is one thread.
_RUN = threading.local()

LANG_KEY = "sidebar_lang"
FILTERS_KEY = "_filters"
PRESET_KEY = "_preset"


def shell_running(active: bool) -> None:
    """app.py marks the start (True) and end (False) of its run around the page it runs."""
    _RUN.shell = active


def require_shell() -> None:
    """First call of every page: rerun through app.py when the page runs without the shell.

    Streamlit treats an app beside a ``pages/`` folder as a legacy multipage app until
    ``st.navigation`` first runs in the process, so on a just-started server every session whose
    first run began before that runs its page alone, without sidebar or filters (tabs that
    reconnect together after a restart). That mode ends as soon as any page has run; the rerun
    then goes through app.py. Checked per run, not once per process at import time: an import-time
    rerun made concurrent first sessions see half-imported modules.
    """
    if not getattr(_RUN, "shell", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def browser_lang() -> str:
    """zh for a Chinese browser locale, else en."""
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (bare script run)
        locale = ""
    return "zh" if locale.lower().startswith("zh") else "en"


def lang() -> str:
    value = st.session_state.get(LANG_KEY)
    return value if value in i18n.LANGS else browser_lang()


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the session's language."""
    return i18n.t(key, lang(), **values)


def demo_stage(stage: str) -> str:
    """A stage of the demo build (``data.demo.STAGES``, reported in English) in the session's language."""
    return t(f"demo_stage_{stage.replace(' ', '_')}")


def label(value: object) -> str:
    return i18n.label(value, lang())


def seed_from_url() -> None:
    """Copy the URL's parameters into the widget keys, once per session."""
    if st.session_state.get("_url_seeded"):
        return
    st.session_state["_url_seeded"] = True
    params = st.query_params
    st.session_state["_url_initial"] = {k: params.get(k) for k in params.keys()}
    url = from_query({k: params.get(k) for k in params.keys()}, {k: params.get_all(k) for k in params.keys()})
    st.session_state[LANG_KEY] = url.lang or browser_lang()
    if url.dataset:
        st.session_state["sidebar_dataset"] = url.dataset
    st.session_state["sidebar_preset"] = url.preset
    if url.start and url.end and url.start <= url.end:
        st.session_state["sidebar_dates"] = (url.start, url.end)
    elif url.preset == "custom":
        st.session_state["sidebar_preset"] = DEFAULT_PRESET
    st.session_state["sidebar_channels"] = list(url.channels)
    st.session_state["sidebar_regions"] = list(url.regions)


SIDEBAR_KEYS = (LANG_KEY, "sidebar_dataset", "sidebar_preset", "sidebar_dates", "sidebar_channels", "sidebar_regions")


def keep_sidebar_state() -> None:
    """Re-assert the sidebar's values at the start of each run.

    A widget's identity includes its label, so switching language would otherwise create fresh
    widgets at their defaults; re-assigning the keyed values carries them over (and across pages).
    """
    for key in SIDEBAR_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def initial_query() -> dict[str, str]:
    """The URL's parameters as the session opened (pages read their own, e.g. ``budget_total``;
    write_url later keeps only the sidebar's)."""
    return dict(st.session_state.get("_url_initial", {}))


def language_switch() -> None:
    st.sidebar.radio(
        "语言 / Language",
        options=list(i18n.LANGS),
        key=LANG_KEY,
        horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )


def _keep_valid(key: str, options: list[str]) -> None:
    """Drop selections the current dataset does not have (a stale URL or a dataset switch)."""
    chosen = st.session_state.get(key) or []
    st.session_state[key] = [value for value in chosen if value in options]


def sidebar_filters(datasets: list, dimension_values: callable) -> Filters | None:  # type: ignore[valid-type]
    """Draw the dataset, period, channel and region pickers; return the selection.

    ``datasets`` is the registry list; ``dimension_values(name)`` gives its channels and regions.
    """
    names = [d.name for d in datasets]
    if not names:
        return None
    if st.session_state.get("sidebar_dataset") not in names:
        st.session_state["sidebar_dataset"] = names[0]
    sb = st.sidebar
    name = sb.selectbox(t("filter_dataset"), names, key="sidebar_dataset")
    chosen = datasets[names.index(name)]
    if chosen.first_date is None:
        sb.info(t("dataset_empty"))
        return None
    first, last = chosen.first_date, chosen.last_date
    if st.session_state.get("sidebar_preset") not in PRESETS:
        st.session_state["sidebar_preset"] = DEFAULT_PRESET
    # format_funcs bind the language now: AppTest (and Streamlit) may call them outside this run.
    current = lang()
    preset = sb.selectbox(
        t("filter_period"), list(PRESETS), key="sidebar_preset", format_func=lambda p: i18n.t(f"preset_{p}", current)
    )
    if preset == "custom":
        start, end = _custom_range(first, last)
    else:
        start, end = preset_range(preset, first, last)
    sb.caption(t("filter_range_caption", start=start.isoformat(), end=end.isoformat(), last=last.isoformat()))
    values = dimension_values(name)
    _keep_valid("sidebar_channels", values["channel"])
    _keep_valid("sidebar_regions", values["region"])
    channels = sb.multiselect(
        t("filter_channels"),
        values["channel"],
        key="sidebar_channels",
        format_func=lambda v: i18n.label(v, current),
        placeholder=t("filter_all"),
    )
    regions = sb.multiselect(
        t("filter_regions"),
        values["region"],
        key="sidebar_regions",
        format_func=lambda v: i18n.label(v, current),
        placeholder=t("filter_all"),
    )
    f = Filters(name, start, end, tuple(channels), tuple(regions))
    if f.comparisons_clamped:
        sb.caption(t("filter_comparisons_clamped"))
    st.session_state[FILTERS_KEY] = f
    st.session_state[PRESET_KEY] = preset
    return f


def _custom_range(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    current = st.session_state.get("sidebar_dates")
    if not (isinstance(current, (tuple, list)) and len(current) == 2):
        current = preset_range(DEFAULT_PRESET, first, last)
    lo, hi = min(max(current[0], first), last), max(min(current[1], last), first)
    st.session_state["sidebar_dates"] = (lo, hi)
    picked = st.sidebar.date_input(t("filter_dates"), min_value=first, max_value=last, key="sidebar_dates")
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return picked[0], picked[1]
    # Half-way through picking a range the widget holds one date: show that single day.
    day = picked[0] if isinstance(picked, (tuple, list)) and picked else lo
    return day, day


def write_url(f: Filters | None) -> None:
    """Mirror the selection into the URL (only when it changed, to keep history clean)."""
    wanted = {"lang": lang()} if f is None else to_query(f, st.session_state.get(PRESET_KEY, DEFAULT_PRESET), lang())
    params = st.query_params
    current = {k: (params.get_all(k) if isinstance(wanted.get(k), list) else params.get(k)) for k in params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def select(
    *,
    dataset: str | None = None,
    channels: list[str] | tuple[str, ...] | None = None,
    regions: list[str] | tuple[str, ...] | None = None,
) -> None:
    """Set the sidebar's selection for the next run (from a callback; None leaves a part as it is)."""
    if dataset is not None:
        st.session_state["sidebar_dataset"] = dataset
    if channels is not None:
        st.session_state["sidebar_channels"] = list(channels)
    if regions is not None:
        st.session_state["sidebar_regions"] = list(regions)


def filters() -> Filters | None:
    """The selection drawn by the sidebar in this run (None: no data to show)."""
    return st.session_state.get(FILTERS_KEY)


def require_filters() -> Filters:
    """The selection, or stop the page with a message when there is nothing to show."""
    f = filters()
    if f is None:
        st.info(t("no_datasets"))
        st.stop()
    return f
