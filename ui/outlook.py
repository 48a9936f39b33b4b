"""The forecast on screen: fitted in the background once per data version (ui.cached), shared by the
Outlook page, the Channels page's growth potential, the goals and the risk register."""

from __future__ import annotations

import pandas as pd

from metrics import forecast, growth
from metrics.budget import budget_model
from ui import cached
from ui.state import t


def start(dataset: str) -> None:
    """Queue the forecast and its backtest behind the fits already queued (the shell calls this)."""
    cached.prefetch_model(forecast.outlook, dataset)
    cached.prefetch_model(forecast.backtest, dataset)


def outlook(dataset: str) -> forecast.Outlook:
    """The dataset's forecast (12 months); the page waits behind a progress bar while it fits."""
    return cached.run_model(forecast.outlook, dataset, wait_text=t("outlook_fitting"))


def backtest(dataset: str, *, wait: bool = True) -> forecast.Backtest | None:
    """The rolling-origin backtest; with ``wait=False`` None while it still runs."""
    if not wait:
        return cached.peek_model(forecast.backtest, dataset)
    return cached.run_model(forecast.backtest, dataset, wait_text=t("outlook_backtesting"))


def potential(dataset: str) -> pd.DataFrame:
    """Each channel's forecast and budget-curve headroom (metrics.growth), both models fitted in the background."""
    model = cached.run_model(budget_model, dataset, wait_text=t("budget_fitting"))
    return growth.potential(outlook(dataset), model)
