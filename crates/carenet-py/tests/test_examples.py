"""The examples of examples/python/ run (with their default sizes) and say what they found."""

import subprocess
import sys

from conftest import ROOT


def run_example(name):
    p = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / name)], capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_sobol_example():
    out = run_example("sobol.py")
    assert "Sobol indices of unmet_help_rate" in out
    assert "mutual_aid.ask_probability" in out


def test_abc_example():
    out = run_example("abc.py")
    assert "posterior mean" in out
