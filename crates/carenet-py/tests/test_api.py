"""The API: scenarios, errors with their place, run, compare, sweep, parameters, the GIL."""

import threading
import time
import tomllib

import pandas as pd
import pytest

import carenet
from conftest import ROOT


def test_default_and_set_make_new_scenarios():
    s = carenet.Scenario.default()
    t = s.set("simulation.weeks", 26).set("simulation.seed", 11)
    assert s.settings == [] and s.path is None
    assert t.settings == ["simulation.weeks=26", "simulation.seed=11"]
    before, after = tomllib.loads(s.to_toml()), tomllib.loads(t.to_toml())
    assert after["simulation"]["weeks"] == 26 and after["simulation"]["seed"] == 11
    assert before["simulation"]["weeks"] != 26
    assert before["name"] == "wutong"


def test_set_takes_python_values():
    s = carenet.Scenario.default().set("street[0].students", 300).set("simulation.burn_in_weeks", 0)
    d = tomllib.loads(s.to_toml())
    assert d["street"][0]["students"] == 300 and d["simulation"]["burn_in_weeks"] == 0
    rate = tomllib.loads(carenet.Scenario.default().set("street[0].contract_budget", 12345.5).to_toml())
    assert rate["street"][0]["contract_budget"] == 12345.5


def test_load_reads_a_file_and_its_extends_chain(small):
    d = tomllib.loads(small.to_toml())
    assert d["name"] == "small"
    assert [c["elders"] for c in d["street"][0]["community"]] == [150, 150, 150]
    assert small.path.endswith("small.toml")


def test_a_bad_key_is_a_scenario_error_with_the_cli_message(cli):
    with pytest.raises(carenet.ScenarioError) as e:
        carenet.Scenario.default().set("simulation.wekks", 3)
    cli_err = cli("run", "--set", "simulation.wekks=3", "--dry-run", check=False)
    assert cli_err.returncode == 2
    assert str(e.value) in cli_err.stderr
    assert "did you mean `weeks`" in str(e.value)
    assert e.value.file is None and e.value.line is None
    assert isinstance(e.value, ValueError)


def test_a_value_out_of_range_is_refused():
    with pytest.raises(carenet.ScenarioError, match="simulation.weeks"):
        carenet.Scenario.default().set("simulation.weeks", -3)


def test_a_bad_file_names_file_line_and_column(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[simulation]\nweeks = -3\n', encoding="utf-8")
    with pytest.raises(carenet.ScenarioError) as e:
        carenet.Scenario.load(bad)
    err = e.value
    assert (err.file, err.line, err.column) == (str(bad), 3, 9)
    assert err.diagnostics and err.diagnostics[0][:3] == (str(bad), 3, 9)
    cli_err = cli("validate", str(bad), check=False)
    assert cli_err.returncode == 2
    # The same message as the command line's, caret and all.
    assert cli_err.stderr.strip() == str(err).strip()
    assert "allowed: an integer from 1 to 5200" in str(err)


def test_a_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(carenet.ScenarioError) as e:
        carenet.Scenario.load(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(e.value)


def test_bad_run_settings_are_scenario_errors(small):
    with pytest.raises(carenet.ScenarioError, match="--reps must be at least 1"):
        carenet.run(small, reps=0)
    with pytest.raises(carenet.ScenarioError, match="no_such_package|unknown"):
        carenet.run(small, reps=1, package="no_such_package")
    with pytest.raises(ValueError, match="timeseries"):
        carenet.run(small, reps=1, timeseries="weekly")
    with pytest.raises(TypeError):
        carenet.run("small.toml")


def test_run_returns_the_files_as_dataframes(cli, small, tmp_path):
    r = carenet.run(small, reps=2, seed=1, timeseries="communities")
    out = tmp_path / "cli"
    cli(
        "run", str(ROOT / "scenarios/examples/small.toml"), "--set", "simulation.burn_in_weeks=4",
        "--set", "simulation.weeks=8", "--reps", "2", "--seed", "1", "--timeseries", "communities",
        "--out", str(out), "--no-plots", "-q",
    )
    for attr, name in [
        ("summary", "summary.csv"),
        ("timeseries", "timeseries.csv"),
        ("timeseries_types", "timeseries_types.csv"),
        ("breakdowns", "breakdowns.csv"),
    ]:
        df = getattr(r, attr)
        assert isinstance(df, pd.DataFrame) and len(df) > 0, attr
        assert list(df.columns) == (out / name).read_text(encoding="utf-8").splitlines()[0].split(","), attr
    assert r.timeseries["week"].max() == 7  # weeks 0..7
    assert set(r.timeseries["rep"]) == {0, 1} or set(r.timeseries["rep"]) == {1, 2}
    assert isinstance(r.manifest, dict) and r.manifest["command"] == "run"
    assert r.manifest["packages"] == ["baseline"]
    assert carenet.run(small, reps=1, seed=1).timeseries is None


def test_the_thread_count_does_not_change_the_numbers(small):
    a = carenet.run(small, reps=3, seed=2, threads=1)
    b = carenet.run(small, reps=3, seed=2, threads=2)
    assert a.files["summary.csv"] == b.files["summary.csv"]
    assert a.files["timeseries_types.csv"] == b.files["timeseries_types.csv"]
    c = carenet.run(small, reps=3, seed=9, threads=2)
    assert c.files["summary.csv"] != a.files["summary.csv"], "the seed must matter"


def test_a_package_run(small):
    r = carenet.run(small, reps=1, seed=1, package="care_subsidy")
    assert set(r.summary["package"]) == {"care_subsidy"}


def test_compare_has_compare_csv_columns(small):
    r = carenet.compare(small, packages=["care_subsidy"], reps=2, seed=4)
    assert {"package", "metric"} <= set(r.compare.columns)
    assert set(r.compare["package"]) >= {"care_subsidy"}
    assert r.manifest["packages"] == ["baseline", "care_subsidy"]


def test_sweep_runs_every_combination(small):
    df = carenet.sweep(small, {"street[0].students": [2, 14], "simulation.seed": [1]}, reps=1)
    assert list(df.columns[:3]) == ["cell", "street[0].students", "simulation.seed"]
    assert sorted(set(df["cell"])) == [0, 1]
    assert sorted(set(df["street[0].students"])) == [2, 14]
    one = carenet.run(small.set("street[0].students", 14).set("simulation.seed", 1), reps=1, timeseries="none")
    cell = df[df["cell"] == 1].drop(columns=["cell", "street[0].students", "simulation.seed"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(cell, one.summary, check_exact=True)


def test_parameters_is_the_registry():
    p = carenet.parameters()
    assert list(p.columns) == ["key", "default", "unit", "range", "source", "meaning"]
    row = p[p["key"] == "simulation.weeks"].iloc[0]
    assert row["default"] == "104" or row["default"].isdigit()
    assert "5200" in row["range"]
    assert len(p) > 50 and p["key"].is_unique


def test_the_gil_is_released_while_the_model_runs():
    s = carenet.Scenario.default().set("simulation.burn_in_weeks", 0).set("simulation.weeks", 52)
    done = threading.Event()
    box = {}

    def work():
        box["r"] = carenet.run(s, reps=2, seed=1, threads=1, timeseries="none")
        done.set()

    t = threading.Thread(target=work)
    start = time.perf_counter()
    t.start()
    ticks = 0
    while not done.is_set():
        ticks += 1  # pure Python: runs only when the model thread has let the GIL go
        time.sleep(0.001)
    t.join()
    elapsed = time.perf_counter() - start
    assert "r" in box
    # With the GIL held for the whole run this loop would run about once.
    assert ticks > 20, (ticks, elapsed)
