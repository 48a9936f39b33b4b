"""Analytics: every number the app shows, as functions ``(con, filters, **params)`` over DuckDB.

SQL lives in ``metrics/sql/<name>.sql``; values are always bound, never interpolated.
Nothing here imports Streamlit except ``metrics/cached.py``'s callers in ``ui/``.
"""
