"""Data layer: warehouse schema, dataset registry, demo generator, file ingest and the CLI.

Nothing here imports Streamlit, so the CLI and the tests use it directly.
"""
