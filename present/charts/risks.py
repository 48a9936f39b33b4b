"""The 5 × 5 risk matrix: likelihood across, impact up, each cell coloured by its score's band and
holding the ranks of the risks placed in it; no computing beyond placing them."""

from __future__ import annotations

import plotly.graph_objects as go

from metrics.risks import BANDS, SCALE, Item, band
from present.charts import theme
from present.i18n import t
from present.sentences.risks import title


def matrix(listed: list[Item], lang: str) -> go.Figure:
    """Cell (likelihood, impact) coloured by band(likelihood × impact) with the ranks of its risks;
    hovering a cell names them. ``listed``: the register's items (metrics.risks.items)."""
    names = [name for _, _, name in BANDS]
    colors = [theme.tint(theme.RISK_COLORS[name], 0.55) for name in names]
    scale = []
    for i, color in enumerate(colors):  # a step per band: z = band index + 0.5 on 0..4
        scale += [[i / len(colors), color], [(i + 1) / len(colors), color]]
    z, text, hover = [], [], []
    for impact in SCALE:
        row_z, row_text, row_hover = [], [], []
        for likelihood in SCALE:
            score = likelihood * impact
            here = [item for item in listed if item.risk.likelihood == likelihood and item.risk.impact == impact]
            row_z.append(names.index(band(score)) + 0.5)
            row_text.append("<b>" + " · ".join(f"#{item.rank}" for item in here) + "</b>" if here else "")
            lines = [t(f"risks_band_{band(score)}", lang) + f" · {likelihood} × {impact} = {score}"]
            lines += [f"#{item.rank} {theme.plain(title(item.risk, lang))}" for item in here]
            row_hover.append("<br>".join(lines))
        z.append(row_z)
        text.append(row_text)
        hover.append(row_hover)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(SCALE),
            y=list(SCALE),
            zmin=0,
            zmax=len(names),
            colorscale=scale,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=15, color=theme.INK),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=3,
            ygap=3,
        )
    )
    for impact in SCALE:  # the score in each cell's corner, so the colour never has to be decoded
        for likelihood in SCALE:
            fig.add_annotation(
                x=likelihood + 0.42,
                y=impact - 0.38,
                text=str(likelihood * impact),
                showarrow=False,
                xanchor="right",
                yanchor="bottom",
                font=dict(size=10, color=theme.MUTED),
            )
    fig.update_layout(
        xaxis=dict(
            title=t("risks_axis_likelihood", lang),
            tickmode="array",
            tickvals=list(SCALE),
            ticktext=[t(f"risks_likelihood_{v}", lang) for v in SCALE],
            showgrid=False,
            zeroline=False,
        ),
        yaxis=dict(
            title=t("risks_axis_impact", lang),
            tickmode="array",
            tickvals=list(SCALE),
            ticktext=[t(f"risks_impact_{v}", lang) for v in SCALE],
            showgrid=False,
            zeroline=False,
        ),
        hovermode="closest",
        plot_bgcolor="white",
    )
    return theme.layout(fig, height=440, legend=False, margin=dict(l=10, b=10))
