"""The optimizer's reasons and the budget errors as sentences in the user's language.

Reason and error codes map to ``budget_why_<code>`` / ``budget_error_<code>`` in
present/locales/budget.toml; values are formatted here (money, yuan-per-yuan returns, lever names).
"""

from __future__ import annotations

import math

from metrics.budget.constraints import BudgetError
from metrics.budget.optimizer import Reason, Result
from present.i18n import fmt_money, fmt_number, label, t

_MONEY = ("total", "amount", "unspent", "minimum", "maximum", "lower", "upper", "locked")
_RETURNS = ("marginal", "reference", "best_average")


def lever_label(lever: str, lang: str) -> str:
    """A lever id ("crm:会员积分") as its translated name ("Loyalty points")."""
    kind, _, name = lever.partition(":")
    return label(name or kind, lang)


def _format(values: dict[str, object], lang: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        if key == "lever":
            out[key] = lever_label(str(value), lang)
        elif key == "levers":
            out[key] = ("、" if lang == "zh" else ", ").join(lever_label(str(v), lang) for v in value)  # type: ignore[union-attr]
        elif key == "reason":
            out[key] = t(f"budget_reason_{value}", lang) if value and value != "none" else "—"
        elif key in _MONEY:
            out[key] = fmt_money(value, lang)
        elif key in _RETURNS:
            missing = value is None or (isinstance(value, float) and math.isnan(value))
            out[key] = "—" if missing else fmt_number(value, lang)
        else:
            out[key] = value
    return out


def reason_text(reason: Reason, lang: str) -> str:
    return t(f"budget_why_{reason.code}", lang, **_format(dict(reason.values), lang))


def reasons_text(result: Result, lang: str) -> list[str]:
    """Every reason of ``result`` as a sentence, in order."""
    return [reason_text(reason, lang) for reason in result.reasons]


def error_text(error: BudgetError, lang: str) -> str:
    """Why the plan cannot be solved, in ``lang``."""
    return t(f"budget_error_{error.code}", lang, **_format(dict(error.values), lang))
