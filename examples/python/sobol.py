"""Sobol sensitivity analysis of carenet with SALib.

Which of three mutual-aid parameters drives the unmet-help rate of a small
street? Saltelli sampling over the parameters' plausible ranges (the registry's,
see `carenet.parameters()`), one carenet run per sample, then Sobol first-order
(S1) and total (ST) indices. Runs in well under a minute:

    python examples/python/sobol.py [N]

N (default 32) is SALib's base sample size: N * (2 * 3 + 2) runs.
"""

import pathlib
import sys
import time

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_sample

import carenet

ROOT = pathlib.Path(__file__).resolve().parents[2]
METRIC = "unmet_help_rate"

# The small street, short: a 4-week burn-in and half a year.
base = (
    carenet.Scenario.load(ROOT / "scenarios" / "examples" / "small.toml")
    .set("simulation.burn_in_weeks", 4)
    .set("simulation.weeks", 26)
)

# Three parameters and their plausible ranges from the registry's `plausible` column
# (docs/parameters.md), used as the sampling bounds.
problem = {
    "num_vars": 3,
    "names": ["mutual_aid.helper_threshold", "mutual_aid.ask_probability", "ties.visit_weekly"],
    "bounds": [[0.35, 0.65], [0.3, 0.9], [0.15, 0.45]],
}


def model(x: np.ndarray) -> float:
    """The street's unmet-help rate (mean over replications) for one sample."""
    s = base
    for name, value in zip(problem["names"], x):
        s = s.set(name, float(value))
    summary = carenet.run(s, reps=1, seed=7, timeseries="none").summary
    row = summary[(summary["metric"] == METRIC) & (summary["community_type"] == "all")]
    return float(row["mean"].iloc[0])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    t0 = time.perf_counter()
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=1)
    y = np.array([model(row) for row in x])
    si = sobol.analyze(problem, y, calc_second_order=False, seed=1, print_to_console=False)
    print(f"Sobol indices of {METRIC} ({len(y)} carenet runs in {time.perf_counter() - t0:.1f} s)")
    print(f"{'parameter':32} {'S1':>7} {'ST':>7}")
    for name, s1, st in zip(problem["names"], si["S1"], si["ST"]):
        print(f"{name:32} {s1:7.3f} {st:7.3f}")
    assert np.all(np.isfinite(y)) and y.std() > 0, "the outputs must vary with the parameters"


if __name__ == "__main__":
    main()
