"""Plotly figure builders, one module per area, all drawn with ``theme`` (fonts, colours, layout)."""
