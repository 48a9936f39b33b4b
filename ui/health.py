"""The CRM data health report on screen: computed once per data version in the background (ui.cached),
shared by the Datasets page, the advisor's data health signal and the risk register.

At 1.2M customer records the report takes ~11 s (every record's fields judged, duplicates found): the
shell queues it behind the other background fits, so pages find it ready instead of computing it on
their first visit.
"""

from __future__ import annotations

from metrics import health
from ui import cached
from ui.state import t


def start(dataset: str) -> None:
    """Queue the report behind the fits already queued (the shell calls this for the selected dataset;
    without a customers file the report is None at once)."""
    cached.prefetch_model(health.data_health, dataset)


def report(dataset: str, *, queued: bool = True) -> health.HealthReport | None:
    """The report (None: no customers file); the page waits behind a progress bar while it is computed.

    ``queued=False`` for a dataset the shell did not queue (not the selected one): computed here and now
    rather than behind the selected dataset's model fits, which can take minutes at 10M lines."""
    if not queued:
        return cached.run_dataset(health.data_health, dataset)
    return cached.run_model(health.data_health, dataset, wait_text=t("health_measuring"))


def ready(dataset: str) -> tuple[bool, health.HealthReport | None]:
    """(True, the report) when it is computed, else (False, None): for the overview, which does not wait."""
    return cached.model_ready(health.data_health, dataset)
