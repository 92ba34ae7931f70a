"""The numbers of the Python package are the command line's, to the last digit."""

import csv
import io
import math

import numpy as np
import pandas as pd

import carenet
from conftest import ROOT


def same_numbers(df: pd.DataFrame, text: str) -> None:
    """Every cell of `df` is the CSV text's cell: strings equal, numbers the very
    float Python reads from the digits (empty cells NaN)."""
    rows = list(csv.reader(io.StringIO(text)))
    assert list(df.columns) == rows[0]
    assert len(df) == len(rows) - 1
    for i, row in enumerate(rows[1:]):
        for col, cell in zip(rows[0], row):
            x = df[col].iloc[i]
            if cell == "":
                assert isinstance(x, float) and math.isnan(x), (i, col, x)
            elif isinstance(x, str):
                assert x == cell, (i, col, x, cell)
            elif isinstance(x, (bool, np.bool_)):
                assert ("true" if x else "false") == cell, (i, col, x, cell)
            else:
                assert float(x) == float(cell), (i, col, x, cell)


def test_run_equals_the_cli_summary(cli, tmp_path):
    # The "done when": weeks 26, reps 2, seed 5, the built-in scenario.
    r = carenet.run(carenet.Scenario.default().set("simulation.weeks", 26), reps=2, seed=5)
    out = tmp_path / "cli"
    cli("run", "--set", "simulation.weeks=26", "--reps", "2", "--seed", "5", "--out", str(out), "--no-plots", "-q")
    text = (out / "summary.csv").read_text(encoding="utf-8")
    # Byte for byte: the file the package read is the command line's file.
    assert r.files["summary.csv"] == text
    # And the DataFrame holds the same numbers (floats parsed exactly).
    same_numbers(r.summary, text)
    csvs = sorted(p.name for p in out.glob("*.csv"))
    assert "timeseries_types.csv" in csvs and "breakdowns.csv" in csvs
    for name in csvs:
        assert r.files[name] == (out / name).read_text(encoding="utf-8"), name
    assert r.manifest["seed"] == 5 and r.manifest["reps"] == 2 and r.manifest["weeks"] == 26
    assert r.manifest["overrides"] == ["simulation.weeks=26"]


def test_compare_equals_the_cli(cli, small, tmp_path):
    path = str(ROOT / "scenarios" / "examples" / "small.toml")
    r = carenet.compare(small, packages=["care_subsidy"], reps=2, seed=3)
    out = tmp_path / "cmp"
    cli(
        "compare", path, "--set", "simulation.burn_in_weeks=4", "--set", "simulation.weeks=8",
        "--packages", "care_subsidy", "--reps", "2", "--seed", "3", "--out", str(out), "--no-plots", "-q",
    )
    for name in ["compare.csv", "summary.csv", "compare_timeseries.csv"]:
        assert r.files[name] == (out / name).read_text(encoding="utf-8"), name
    same_numbers(r.compare, (out / "compare.csv").read_text(encoding="utf-8"))


def test_compare_over_an_ensemble_equals_the_cli(cli, small, tmp_path):
    plausible = tmp_path / "plausible.csv"
    plausible.write_text(
        "ties.decay_weekly,needs.help_hours_scale,wave,max_implausibility\n0.002,0.6,1,2.1\n0.008,1.8,2,1.4\n",
        encoding="utf-8",
    )
    path = str(ROOT / "scenarios" / "examples" / "small.toml")
    r = carenet.compare(small, packages=["care_subsidy"], reps=2, seed=3, ensemble=plausible)
    out = tmp_path / "cmp"
    cli(
        "compare", path, "--set", "simulation.burn_in_weeks=4", "--set", "simulation.weeks=8",
        "--packages", "care_subsidy", "--reps", "2", "--seed", "3", "--out", str(out), "--no-plots", "-q",
        "--ensemble", str(plausible),
    )
    for name in ["compare.csv", "ensemble.csv"]:
        assert r.files[name] == (out / name).read_text(encoding="utf-8"), name
    assert list(r.ensemble["package"]) == ["care_subsidy"]
    assert r.manifest["ensemble"]["points"] == 2
    plain = carenet.compare(small, packages=["care_subsidy"], reps=2, seed=3)
    assert plain.ensemble is None
    assert plain.files["compare.csv"] != r.files["compare.csv"]
