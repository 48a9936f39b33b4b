"""``python -m metrics risks``: the risk register of a dataset (found by cli.main).

    python -m metrics risks --dataset NAME [--json] [--lang zh|en] [--db PATH]

Lists every detected and user-added risk, highest score first: likelihood × impact = score, the
numbers that triggered it, and its response plan. Fits the forecast and the budget model (seconds).
``--json`` prints one object: dataset, as_of, window, risks (key, rule, category, title, likelihood,
impact, score, band, evidence, text, plan), plans of risks no longer detected, and the rules that
could not be judged with the reason.
"""

from __future__ import annotations

import argparse
import json

from metrics import risks
from present.sentences import risks as risks_text


def add_parser(sub: argparse._SubParsersAction) -> tuple[argparse.ArgumentParser, object]:
    command = sub.add_parser("risks", help="the risk register: detected risks with their plans")
    command.add_argument("--dataset", required=True)
    command.add_argument("--json", action="store_true", help="one JSON object instead of text")
    command.add_argument("--lang", choices=("zh", "en"), default="en")
    command.add_argument("--db", help="warehouse folder (default: SALESLENS_DB or data/warehouse)")
    return command, run_risks


def _plan(plan: risks.Plan | None) -> dict | None:
    if plan is None:
        return None
    return {
        "risk": plan.risk,
        "owner": plan.owner,
        "action": plan.action,
        "due": plan.due.isoformat() if plan.due else None,
        "status": plan.status,
    }


def register_dict(a: risks.Assessment, listed: list[risks.Item], orphans: list[risks.Plan], lang: str) -> dict:
    from cli.advise import _clean

    return _clean(
        {
            "dataset": a.dataset,
            "as_of": a.as_of.isoformat() if a.as_of else None,
            "window": [a.start.isoformat(), a.end.isoformat()] if a.start and a.end else None,
            "risks": [
                {
                    "rank": i.rank,
                    "key": i.risk.key,
                    "rule": i.risk.rule,
                    "category": i.risk.category,
                    "title": risks_text.title(i.risk, lang),
                    "likelihood": i.risk.likelihood,
                    "impact": i.risk.impact,
                    "score": i.risk.score,
                    "band": risks.band(i.risk.score),
                    "evidence": dict(i.risk.evidence),
                    "text": risks_text.evidence(i.risk, lang),
                    "plan": _plan(i.plan),
                }
                for i in listed
            ],
            "plans_without_risk": [_plan(p) for p in orphans],
            "not_judged": dict(a.skipped),
        }
    )


def run_risks(args: argparse.Namespace) -> int:
    from cli.main import require_dataset
    from data import warehouse

    wh = warehouse.open_warehouse(args.db)
    con = wh.reader()
    try:
        require_dataset(con, args.dataset)
        store = wh.state
        assessment = risks.register(con, args.dataset, store=store)
        listed, orphans = risks.items(
            assessment, risks.user_risks(store, args.dataset), risks.plans(store, args.dataset)
        )
    finally:
        con.close()
    if args.json:
        print(json.dumps(register_dict(assessment, listed, orphans, args.lang), ensure_ascii=False, indent=2))
        return 0
    from present.i18n import t

    if not listed:
        print(t("risks_none", args.lang))
    for item in listed:
        r = item.risk
        plan = item.plan
        status = t(f"risks_status_{plan.status}", args.lang) if plan else t("risks_status_none", args.lang)
        owner = f" · {plan.owner}" if plan else ""
        print(
            f"#{item.rank} [{r.score:>2} = {r.likelihood}×{r.impact} {t(f'risks_band_{risks.band(r.score)}', args.lang)}] "
            f"{risks_text.title(r, args.lang)} — {status}{owner}"
        )
        print(f"    {risks_text.evidence(r, args.lang)}")
    for line in risks_text.skipped(assessment, args.lang):
        print(f"  ({line})")
    return 0
