"""Rejection ABC (approximate Bayesian computation) with carenet.

A toy calibration with a known answer: "observed" data are made by carenet
itself at a true value of `mutual_aid.ask_probability`; the prior is uniform
over the registry's plausible range; each draw from the prior is run and kept
when its summary statistics are within the tolerance of the observed ones
(the closest fraction of draws). The accepted draws approximate the posterior,
which should sit around the true value. Runs in well under a minute:

    python examples/python/abc.py [DRAWS]
"""

import pathlib
import sys
import time

import numpy as np

import carenet

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = "mutual_aid.ask_probability"
LOW, HIGH = 0.3, 0.9  # the registry's plausible range (docs/parameters.md)
TRUE = 0.75
STATS = ["mutual_aid_hours", "unmet_help_rate"]

base = (
    carenet.Scenario.load(ROOT / "scenarios" / "examples" / "small.toml")
    .set("simulation.burn_in_weeks", 4)
    .set("simulation.weeks", 26)
)


def statistics(value: float, seed: int) -> np.ndarray:
    """The street's summary statistics (means over the run) at `value`."""
    summary = carenet.run(base.set(KEY, value), reps=1, seed=seed, timeseries="none").summary
    s = summary[summary["community_type"] == "all"].set_index("metric")["mean"]
    return np.array([float(s[m]) for m in STATS])


def main() -> None:
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = np.random.default_rng(2024)
    t0 = time.perf_counter()
    observed = statistics(TRUE, seed=1)
    prior = rng.uniform(LOW, HIGH, size=draws)
    # Each simulation has its own seed, so the posterior carries the model's noise.
    sims = np.array([statistics(v, seed=100 + i) for i, v in enumerate(prior)])
    scale = sims.std(axis=0)
    scale[scale == 0] = 1.0
    distance = np.sqrt((((sims - observed) / scale) ** 2).sum(axis=1))
    keep = distance <= np.quantile(distance, 0.1)
    post = prior[keep]
    print(f"rejection ABC for {KEY}: {draws} draws in {time.perf_counter() - t0:.1f} s, {keep.sum()} accepted")
    print(f"true {TRUE}; prior mean {prior.mean():.3f} (sd {prior.std():.3f}); "
          f"posterior mean {post.mean():.3f} (sd {post.std():.3f}), "
          f"90% interval [{np.quantile(post, 0.05):.3f}, {np.quantile(post, 0.95):.3f}]")
    assert post.std() < prior.std(), "the data should narrow the prior"


if __name__ == "__main__":
    main()
