"""PyMC-Marketing's MMM on the series bench_mmm.py exports: one model per channel, the same baseline
columns as our engine (trend, yearly Fourier 3, 春节 eve/week, 618, 双11), geometric adstock
(unnormalised, 12 weeks) and Hill saturation with the library's default priors.

Runs in a Python that has pymc-marketing (the research venvs; it needs numpy and pandas only, not
this project's packages), in-process or as ``python bench/pymc_side.py IN.json OUT.json``:

- IN: {"channels": {name: {"dates", "revenue", "spend", "controls": {column: [...]}, "current"}},
       "draws", "tune", "chains", "sampler", "seed"}
- OUT: {"version", "sampler", "channels": {name: {"beta", "alpha", "kappa", "theta" (posterior
  medians; beta and kappa in yuan per week, kappa on the adstocked spend), "draws": [[beta, alpha,
  kappa, theta] × up to 400], "baseline_share", "mroas": [p10, p50, p90], "seconds", "cpu_seconds",
  "divergences"}}}

The API calls are the ones /work/research/mmm/FINDINGS.md found to work on pymc-marketing 1.x and
0.19 (where the multidimensional MMM lives in pymc_marketing.mmm.multidimensional).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

L_MAX = 12
MAX_DRAWS = 400


def _mmm_class():
    import pymc_marketing
    from pymc_marketing.mmm import MMM

    if pymc_marketing.__version__.startswith("0."):  # 0.19: pymc_marketing.mmm.MMM is the legacy class
        from pymc_marketing.mmm.multidimensional import MMM
    return MMM


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fit_channel(series: dict, *, draws: int, tune: int, chains: int, sampler: str, seed: int) -> dict:
    from pymc_marketing.mmm import GeometricAdstock, HillSaturation

    controls = list(series["controls"])
    frame = pd.DataFrame({"date": pd.to_datetime(series["dates"]), "spend": series["spend"], **series["controls"]})
    y = pd.Series(series["revenue"], name="revenue")
    mmm = _mmm_class()(
        date_column="date",
        channel_columns=["spend"],
        target_column="revenue",
        adstock=GeometricAdstock(l_max=L_MAX, normalize=False),
        saturation=HillSaturation(),
        control_columns=controls,
        yearly_seasonality=3,
    )
    began, cpu = time.perf_counter(), _cpu()
    idata = mmm.fit(
        frame,
        y,
        chains=chains,
        draws=draws,
        tune=tune,
        cores=min(chains, 2),
        random_seed=seed,
        progressbar=False,
        nuts_sampler=sampler,
        target_accept=0.9,
    )
    seconds, cpu = time.perf_counter() - began, _cpu() - cpu
    post = idata["posterior"]

    def values(name: str) -> np.ndarray:
        stacked = post[name].stack(sample=("chain", "draw")).transpose("sample", ...)
        if "channel" in stacked.dims:
            stacked = stacked.sel(channel="spend")
        return np.asarray(stacked.values, dtype=float)

    scales = mmm.get_scales_as_xarray()
    target, channel = scales["target_scale"], scales["channel_scale"]
    if "channel" in channel.dims:
        channel = channel.sel(channel="spend")
    y_scale, s_scale = float(np.asarray(target.values).ravel()[0]), float(np.asarray(channel.values).ravel()[0])
    theta, alpha = values("adstock_alpha"), values("saturation_slope")
    kappa, beta = values("saturation_kappa") * s_scale, values("saturation_beta") * y_scale
    contribution = values("channel_contribution")
    share = 1 - contribution.reshape(len(contribution), -1).sum(axis=1) * y_scale / float(np.sum(series["revenue"]))
    x = series["current"] / (1 - theta)
    h = 1 / (1 + (kappa / x) ** alpha)
    mroas = beta * alpha * h * (1 - h) / x / (1 - theta)
    pick = np.linspace(0, len(theta) - 1, min(MAX_DRAWS, len(theta))).astype(int)
    try:
        divergent = int(np.asarray(idata["sample_stats"]["diverging"].values).sum())
    except (KeyError, TypeError):
        divergent = None
    return {
        "beta": float(np.median(beta)),
        "alpha": float(np.median(alpha)),
        "kappa": float(np.median(kappa)),
        "theta": float(np.median(theta)),
        "draws": np.column_stack([beta, alpha, kappa, theta])[pick].tolist(),
        "baseline_share": float(np.median(share)),
        "mroas": np.percentile(mroas, [10, 50, 90]).tolist(),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "divergences": divergent,
    }


def run(spec: dict) -> dict:
    import pymc_marketing

    warnings.filterwarnings("ignore")
    out = {"version": pymc_marketing.__version__, "sampler": spec["sampler"], "channels": {}}
    for name, series in spec["channels"].items():
        out["channels"][name] = fit_channel(
            series,
            draws=spec["draws"],
            tune=spec["tune"],
            chains=spec["chains"],
            sampler=spec["sampler"],
            seed=spec["seed"],
        )
        print(f"pymc-marketing {name}: {out['channels'][name]['seconds']:.0f}s", file=sys.stderr, flush=True)
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        result = run(json.load(handle))
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(result, handle)
