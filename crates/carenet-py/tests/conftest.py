"""Shared fixtures: the repository root, the small scenario, the carenet binary."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


def carenet_bin() -> pathlib.Path:
    """The command line to compare with: $CARENET_BIN, else the release build
    (scripts/test builds it before the tests)."""
    if os.environ.get("CARENET_BIN"):
        return pathlib.Path(os.environ["CARENET_BIN"])
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return target / "release" / "carenet"


@pytest.fixture(scope="session")
def cli():
    exe = carenet_bin()
    assert exe.is_file(), f"no carenet binary at {exe}: run `cargo build --release` or set CARENET_BIN"

    def call(*args, cwd=None, check=True):
        p = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd)
        if check:
            assert p.returncode == 0, p.stderr
        return p

    return call


@pytest.fixture(scope="session")
def small():
    """scenarios/examples/small.toml, short: 8 weeks after a 4-week burn-in."""
    import carenet

    return (
        carenet.Scenario.load(ROOT / "scenarios" / "examples" / "small.toml")
        .set("simulation.burn_in_weeks", 4)
        .set("simulation.weeks", 8)
    )
