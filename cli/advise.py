"""``python -m metrics advise``: the priority advisor's recommendation as JSON (found by cli.main).

    python -m metrics advise --dataset NAME --stage S --industry I [--start D] [--end D] [--lang zh|en] [--db PATH]

Prints the score, verdict, prior and data score, every signal (value, threshold, direction, vote,
weight, source, or the reason it is unavailable), contradictions, next steps and the suggested split,
with the sentences in --lang.
"""

from __future__ import annotations

import argparse
import json
import math

from cli.main import add_common, selection
from metrics import advisor
from present.sentences import advisor as advisor_text


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("advise", help="channels or customer relationships first? (JSON)")
    add_common(command)
    command.add_argument("--stage", choices=advisor.STAGES, required=True)
    command.add_argument("--industry", choices=advisor.INDUSTRIES, required=True)
    command.add_argument("--lang", choices=("zh", "en"), default="en")
    return command, run_advise


def _clean(value: object) -> object:
    """JSON-safe: NaN/inf → null, numpy scalars → floats."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def advice_dict(a: advisor.Advice, lang: str) -> dict:
    return _clean(
        {
            "stage": a.stage,
            "industry": a.industry,
            "score": round(a.score, 2),
            "verdict": a.verdict,
            "verdict_text": advisor_text.verdict_text(a, lang),
            "prior": a.prior,
            "data_score": a.data_score,
            "data_weight": a.data_weight,
            "evidence": a.evidence,
            "summary": advisor_text.summary_text(a, lang),
            "signals": [
                {
                    "key": s.key,
                    "value": s.value,
                    "threshold": s.threshold,
                    "direction": s.direction,
                    "scale": s.scale,
                    "weight": s.weight,
                    "vote": s.vote,
                    "available": s.available,
                    "reason": s.reason,
                    "source": {"page": s.page, "metric": s.metric},
                    "text": advisor_text.reason_text(s, lang),
                    "detail": s.detail,
                }
                for s in a.signals
            ],
            "contradictions": advisor_text.contradiction_texts(a, lang),
            "actions": [
                {
                    "page": x.page,
                    "channels": list(x.channels),
                    "params": x.params,
                    "text": advisor_text.action_text(x, lang),
                }
                for x in a.actions
            ],
            "split": {
                "channels": a.split.channel_share,
                "crm": a.split.crm_share,
                "current_crm": a.split.current_crm_share,
                "total": a.split.total,
            },
        }
    )


def run_advise(args: argparse.Namespace) -> int:
    from data import warehouse

    con = warehouse.connect(args.db)
    try:
        advice = advisor.advise(con, selection(con, args), stage=args.stage, industry=args.industry)
    finally:
        con.close()
    print(json.dumps(advice_dict(advice, args.lang), ensure_ascii=False, indent=2))
    return 0
