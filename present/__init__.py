"""Presentation without Streamlit: translation and number formats (``i18n``), sentences, chart
builders with their one theme (``charts``), the executive report and formula-safe exports.

Both the app (``ui``, ``pages``) and the command line (``cli``) use it; it reads ``metrics`` and
never the reverse.
"""
