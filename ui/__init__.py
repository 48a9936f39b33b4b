"""Streamlit glue shared by the pages: session and URL state, caching, charts, tables.

Pages import from here and from ``metrics``; nothing in ``metrics`` or ``data`` imports this.
"""
