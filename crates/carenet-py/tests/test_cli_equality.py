"""The numbers of the Python package are the command line's, to the last digit."""

import math

import pandas as pd

import carenet
from conftest import ROOT


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a.shape == b.shape
    for col in a.columns:
        for x, y in zip(a[col].tolist(), b[col].tolist()):
            if isinstance(x, float) and math.isnan(x):
                assert isinstance(y, float) and math.isnan(y), (col, x, y)
            else:
                assert x == y, (col, x, y)


def test_run_equals_the_cli_summary(cli, tmp_path):
    # The "done when": weeks 26, reps 2, seed 5, the built-in scenario.
    r = carenet.run(carenet.Scenario.default().set("simulation.weeks", 26), reps=2, seed=5)
    out = tmp_path / "cli"
    cli("run", "--set", "simulation.weeks=26", "--reps", "2", "--seed", "5", "--out", str(out), "--no-plots", "-q")
    text = (out / "summary.csv").read_text(encoding="utf-8")
    # Byte for byte: the file the package read is the command line's file.
    assert r.files["summary.csv"] == text
    # And the DataFrame holds the same numbers (floats parsed exactly).
    same_frame(r.summary, pd.read_csv(out / "summary.csv", float_precision="round_trip"))
    for name in ["timeseries_types.csv", "breakdowns.csv", "drift.csv", "age_bands.csv"]:
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
    same_frame(r.compare, pd.read_csv(out / "compare.csv", float_precision="round_trip"))
