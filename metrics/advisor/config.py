"""The advisor's presets and signal rules (``metrics/advisor_presets.toml``) as frozen data."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

PRESETS_FILE = Path(__file__).resolve().parents[1] / "advisor_presets.toml"
STAGES = ("startup", "growth", "mature", "transformation")
INDUSTRIES = ("manufacturing", "retail", "b2b", "services")
SIGNALS = (
    "churn_rate",
    "repeat_rate",
    "channel_growth",
    "hhi",
    "blind_spots",
    "top20_share",
    "roi_gap",
    "clv_cac",
    "nps",
    "data_health",
    "conversion",
)  # the last three read the customer-voice files (issue 15)
DIRECTIONS = {"crm_above": 1.0, "crm_below": -1.0, "channels_above": -1.0}
VERDICTS = ("channels", "balanced", "crm")
TOP_SHARE = 0.2  # "top 20% of customers"
MIN_CUSTOMERS_FOR_TOP = 5  # below this the top 20% is less than one customer
MAX_ACTIONS = 5


@dataclass(frozen=True)
class SignalRule:
    """How one signal votes: threshold and scale in the signal's unit, direction, weight, and where it comes from."""

    key: str
    threshold: float
    scale: float
    direction: str
    weight: float
    catalog: str  # the value's metric catalog key (how it reads)
    page: str
    metric: str

    def vote(self, value: float) -> float:
        """sign · clip((value − threshold) ÷ scale, −1, 1) in [−1, 1]; positive = CRM."""
        lean = max(-1.0, min(1.0, (value - self.threshold) / self.scale)) if self.scale > 0 else 0.0
        return DIRECTIONS[self.direction] * lean


@dataclass(frozen=True)
class Config:
    """Presets and rules (from ``advisor_presets.toml``, optionally edited). Priors in [−100, 100]."""

    stage_priors: dict[str, float]
    industry_priors: dict[str, float]
    industry_notes: dict[str, str]
    rules: dict[str, SignalRule]
    stage_share: float
    data_weight: float
    balanced_band: float
    contradiction_vote: float
    split_max_shift: float
    split_min_share: float
    split_max_share: float
    split_default_share: float

    def with_weights(self, weights: dict[str, float]) -> Config:
        """A copy with some signal weights replaced (unknown keys are ignored; negatives count as 0)."""
        rules = {
            key: replace(rule, weight=max(0.0, float(weights[key])) if key in weights else rule.weight)
            for key, rule in self.rules.items()
        }
        return replace(self, rules=rules)


def parse_config(raw: dict) -> Config:
    """Check and build a :class:`Config` from the TOML layout (ValueError on a missing or bad entry)."""
    stages = {name: float(raw["stages"][name]["prior"]) for name in STAGES}
    industries = {name: float(raw["industries"][name]["prior"]) for name in INDUSTRIES}
    for name, prior in {**stages, **industries}.items():
        if not -100 <= prior <= 100:
            raise ValueError(f"prior of {name} must be within [-100, 100]")
    rules = {}
    for key in SIGNALS:
        spec = raw["signals"][key]
        if spec["direction"] not in DIRECTIONS:
            raise ValueError(f"signal {key}: unknown direction {spec['direction']!r}")
        rules[key] = SignalRule(
            key,
            float(spec["threshold"]),
            float(spec["scale"]),
            spec["direction"],
            float(spec["weight"]),
            spec["catalog"],
            spec["page"],
            spec["metric"],
        )
    c = raw["combine"]
    return Config(
        stages,
        industries,
        {name: raw["industries"][name].get("note", "") for name in INDUSTRIES},
        rules,
        float(c["stage_share"]),
        float(c["data_weight"]),
        float(c["balanced_band"]),
        float(c["contradiction_vote"]),
        float(c["split_max_shift"]),
        float(c["split_min_share"]),
        float(c["split_max_share"]),
        float(c["split_default_share"]),
    )


@functools.cache
def default_config() -> Config:
    with PRESETS_FILE.open("rb") as handle:
        return parse_config(tomllib.load(handle))


# --- step 1: the data signals -------------------------------------------------------------------
