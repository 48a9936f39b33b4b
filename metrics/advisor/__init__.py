"""Priority advisor (METRICS.md "Priority advisor"): sales channels or customer relationships first?

Two steps, so the page can re-weigh instantly:

1. :func:`measure` (DuckDB, cached by the page) computes the data signals from the other areas'
   public metrics — never their SQL again: churn and repeat rate (:func:`metrics.overview.kpis`),
   revenue growth by channel and channel ROI (:func:`metrics.channels.pnl`), HHI
   (:func:`metrics.channels.concentration`), coverage blind spots (:func:`metrics.channels.blind_spots`),
   the top-20% customers' revenue share (:func:`metrics.rfm.rfm`), the next yuan's return in channels
   vs retention programmes (:func:`metrics.budget.projection.marginal_returns` on
   :func:`metrics.budget.budget_model`) and CLV against acquisition cost
   (:func:`metrics.clv.channel_value`). A signal the data cannot support is returned with the
   reason (a translation key) instead of a value.
2. :func:`combine` (pure) mixes the stage/industry preset with the available signals.

The score, in [-100, 100] (negative = channels first, positive = customer relationships first)::

    prior     = stage_share · stage_prior + (1 − stage_share) · industry_prior
    vote_i    = sign_i · clip((value_i − threshold_i) ÷ scale_i, −1, 1)
                (sign +1 for "crm_above", −1 for "channels_above" and "crm_below")
    data      = 100 · Σ w_i · vote_i ÷ Σ w_i                      over the available signals
    evidence  = Σ w_i (available) ÷ Σ w_i (all signals)
    λ         = data_weight · evidence
    score     = (1 − λ) · prior + λ · data
    verdict   = balanced when |score| < balanced_band, else channels (score < 0) or crm (> 0)

So missing data shrinks the data's say instead of counting as a neutral vote. Every constant lives
in ``advisor_presets.toml`` and can be overridden per call (the page's weight panel).

A *contradiction* is a signal voting at least ``contradiction_vote`` against the direction of the
stage preset (e.g. a startup — channels — losing 60% of its customers: churn votes +1 for CRM), or
the data score as a whole pointing the other way by more than half the scale.

Suggested split of the annual acquisition + retention budget: current CRM share (last 12 months of
channel marketing and CRM spend, from the budget model) + ``split_max_shift`` · score ÷ 100, clipped
to [split_min_share, split_max_share]; ``split_default_share`` stands in when nothing was spent.

Modules, as in ``metrics/budget``: :mod:`config` (presets and signal rules from
``advisor_presets.toml``), :mod:`evidence` (the data signals, from the other areas' public metrics)
and :mod:`score` (the pure combination into a score, a verdict, a split and actions). The sentences
that say all this are ``present.sentences.advisor``.
"""

from __future__ import annotations

from metrics.advisor.config import (
    DIRECTIONS,
    INDUSTRIES,
    MAX_ACTIONS,
    SIGNALS,
    STAGES,
    VERDICTS,
    Config,
    SignalRule,
    default_config,
    parse_config,
)
from metrics.advisor.evidence import Evidence, Measurement, clv_signal, health_signal, measure, top_share
from metrics.advisor.score import Action, Advice, Signal, Split, actions, advise, combine, suggest_split, verdict_of

__all__ = [
    "DIRECTIONS",
    "INDUSTRIES",
    "MAX_ACTIONS",
    "SIGNALS",
    "STAGES",
    "VERDICTS",
    "Action",
    "Advice",
    "Config",
    "Evidence",
    "Measurement",
    "Signal",
    "SignalRule",
    "Split",
    "actions",
    "advise",
    "clv_signal",
    "health_signal",
    "combine",
    "default_config",
    "measure",
    "parse_config",
    "suggest_split",
    "top_share",
    "verdict_of",
]
