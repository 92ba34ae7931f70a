"""carenet: the agent-based simulator of community mutual-aid elderly care, for Python.

The model is carenet's Rust code; this package runs it the way the command line
does and returns pandas DataFrames with the columns of the command line's CSV
files, so the numbers are the command line's to the last digit::

    import carenet
    s = carenet.Scenario.default().set("simulation.weeks", 26)
    r = carenet.run(s, reps=2, seed=5)
    r.summary          # summary.csv of `carenet run --set simulation.weeks=26 --reps 2 --seed 5`

The GIL is released while the model runs, so other Python threads go on.
"""

import io
import json
import numbers
import os
import tempfile
from itertools import product
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _carenet
from ._errors import ScenarioError

__version__ = _carenet.__version__
__all__ = [
    "Scenario",
    "ScenarioError",
    "RunResult",
    "CompareResult",
    "run",
    "compare",
    "sweep",
    "parameters",
]


def _value_text(value: Any) -> str:
    """A Python value as ``--set KEY=VALUE`` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    # numpy's scalars too: the shortest digits that give the same float back.
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return str(value)


class Scenario:
    """A scenario: a scenario file (or the built-in one) and ``set`` settings.

    It is what the command line takes as ``[SCENARIO] --set KEY=VALUE ...``: the
    file is read again when the scenario is run. Scenarios are immutable:
    :meth:`set` returns a new one. Every constructor checks the result and raises
    :class:`ScenarioError` for bad input.
    """

    __slots__ = ("_path", "_sets")

    def __init__(self, _path: Optional[str] = None, _sets: Sequence[str] = ()) -> None:
        self._path = _path
        self._sets = tuple(_sets)
        self._resolve()

    def _resolve(self) -> str:
        return _carenet.resolve(self._path, list(self._sets))

    @classmethod
    def default(cls) -> "Scenario":
        """The built-in scenario (scenarios/wutong.toml), as ``carenet run`` with no file."""
        return cls(None, ())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """The scenario file at ``path`` (with its ``extends`` chain).

        Raises :class:`ScenarioError` with the file, line and column of the first
        problem, and the command line's message.
        """
        return cls(os.fspath(path), ())

    def set(self, key: str, value: Any) -> "Scenario":
        """A new scenario with ``key`` (dotted, as ``--set``: ``simulation.weeks``,
        ``street[0].students``, ``policies.care_subsidy.monthly_voucher``) set to
        ``value`` (a number, bool, string or list). Raises :class:`ScenarioError`
        for an unknown key or a value out of range.
        """
        return Scenario(self._path, self._sets + (f"{key}={_value_text(value)}",))

    @property
    def path(self) -> Optional[str]:
        """The scenario file, or ``None`` for the built-in scenario."""
        return self._path

    @property
    def settings(self) -> List[str]:
        """The ``KEY=VALUE`` settings applied, in order."""
        return list(self._sets)

    def to_toml(self) -> str:
        """The resolved scenario as TOML (what ``carenet run --dry-run`` prints)."""
        return self._resolve()

    def __repr__(self) -> str:
        where = repr(self._path) if self._path else "default"
        return f"Scenario({where}, settings={list(self._sets)!r})"


_EXACT = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _read_csv(path: str) -> Optional[pd.DataFrame]:
    if not os.path.exists(path):
        return None
    # The round-trip parser gives back the very float the file's shortest digits
    # stand for (pandas 3's default parser does; older ones must be asked).
    return pd.read_csv(path, **_EXACT)


def _texts(folder: str) -> Dict[str, str]:
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith((".csv", ".json")):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                out[name] = f.read()
    return out


class RunResult:
    """The files of ``carenet run`` as DataFrames (same columns as the CSV files).

    ``summary``, ``timeseries_types``, ``breakdowns``, ``drift``, ``age_bands``,
    ``network_nodes``, ``network_edges``; ``timeseries`` (per community and week:
    only with ``run(..., timeseries="communities")``, else ``None``); ``manifest``
    (a dict: manifest.json); ``output`` (what the command printed); ``files``
    (file name -> the text the command line wrote, byte for byte).
    """

    def __init__(self, folder: str, output: str) -> None:
        self.files = _texts(folder)
        self.summary = _read_csv(os.path.join(folder, "summary.csv"))
        self.timeseries = _read_csv(os.path.join(folder, "timeseries.csv"))
        self.timeseries_types = _read_csv(os.path.join(folder, "timeseries_types.csv"))
        self.breakdowns = _read_csv(os.path.join(folder, "breakdowns.csv"))
        self.drift = _read_csv(os.path.join(folder, "drift.csv"))
        self.age_bands = _read_csv(os.path.join(folder, "age_bands.csv"))
        self.network_nodes = _read_csv(os.path.join(folder, "network_nodes.csv"))
        self.network_edges = _read_csv(os.path.join(folder, "network_edges.csv"))
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            self.manifest: Dict[str, Any] = json.load(f)
        self.output = output

    def __repr__(self) -> str:
        m = self.manifest
        return f"RunResult(packages={m.get('packages')}, reps={m.get('reps')}, weeks={m.get('weeks')}, seed={m.get('seed')})"


class CompareResult:
    """The files of ``carenet compare`` as DataFrames: ``compare`` (compare.csv),
    ``compare_timeseries``, ``summary``, ``breakdowns``, ``timeseries_types``,
    ``ensemble`` (ensemble.csv, with ``ensemble=``, else None);
    ``manifest`` (a dict); ``output`` (what the command printed); ``files`` (file
    name -> text as written)."""

    def __init__(self, folder: str, output: str) -> None:
        self.files = _texts(folder)
        self.compare = _read_csv(os.path.join(folder, "compare.csv"))
        self.compare_timeseries = _read_csv(os.path.join(folder, "compare_timeseries.csv"))
        self.summary = _read_csv(os.path.join(folder, "summary.csv"))
        self.breakdowns = _read_csv(os.path.join(folder, "breakdowns.csv"))
        self.timeseries_types = _read_csv(os.path.join(folder, "timeseries_types.csv"))
        self.ensemble = _read_csv(os.path.join(folder, "ensemble.csv"))
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            self.manifest: Dict[str, Any] = json.load(f)
        self.output = output

    def __repr__(self) -> str:
        return f"CompareResult(packages={self.manifest.get('packages')}, reps={self.manifest.get('reps')})"


def _scenario(scenario: Optional[Scenario]) -> Scenario:
    if scenario is None:
        return Scenario.default()
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a carenet.Scenario, not {type(scenario).__name__}")
    return scenario


def run(
    scenario: Optional[Scenario] = None,
    reps: Optional[int] = None,
    seed: Optional[int] = None,
    weeks: Optional[int] = None,
    threads: Optional[int] = None,
    package: Optional[str] = None,
    timeseries: str = "types",
    ensemble: Optional[str] = None,
) -> RunResult:
    """Runs replications of one policy package, as ``carenet run``.

    ``reps``, ``seed``, ``weeks``, ``threads`` and ``package`` are the command
    line's flags (``None``: the scenario's value; ``package=None`` is the
    baseline). ``timeseries`` is ``"types"`` (default), ``"communities"`` (adds
    ``.timeseries``, one row per community and week: large for big scenarios) or
    ``"none"``. ``ensemble`` is the path of a calibration's plausible.csv
    (``--ensemble``): replication r runs on parameter set r mod K. The results are the same numbers, to the last digit, as the
    command line's for the same scenario, settings and seed, whatever ``threads``.
    Bad input raises :class:`ScenarioError`.
    """
    s = _scenario(scenario)
    with tempfile.TemporaryDirectory(prefix="carenet-") as tmp:
        out = os.path.join(tmp, "run")
        text = _carenet.run_cli(
            s._path, list(s._sets), out, reps, seed, weeks, threads, package, timeseries,
            None if ensemble is None else os.fspath(ensemble),
        )
        return RunResult(out, text)


def compare(
    scenario: Optional[Scenario] = None,
    packages: Optional[Iterable[str]] = None,
    reps: Optional[int] = None,
    seed: Optional[int] = None,
    weeks: Optional[int] = None,
    threads: Optional[int] = None,
    ensemble: Optional[str] = None,
) -> CompareResult:
    """Runs the baseline and policy packages on common random numbers, as
    ``carenet compare`` (``packages=None``: every package the scenario defines).
    ``.compare`` has compare.csv's columns. With ``ensemble`` (the path of a
    calibration's plausible.csv) replications run over its parameter sets and
    ``.ensemble`` has ensemble.csv (each package's chance of lowering unmet help
    by more than 1 point across the sets)."""
    s = _scenario(scenario)
    names = None if packages is None else ",".join(packages)
    with tempfile.TemporaryDirectory(prefix="carenet-") as tmp:
        out = os.path.join(tmp, "compare")
        text = _carenet.compare_cli(
            s._path, list(s._sets), out, reps, seed, weeks, threads, names,
            None if ensemble is None else os.fspath(ensemble),
        )
        return CompareResult(out, text)


def sweep(
    scenario: Optional[Scenario],
    values: Mapping[str, Sequence[Any]],
    reps: Optional[int] = None,
    seed: Optional[int] = None,
    weeks: Optional[int] = None,
    threads: Optional[int] = None,
    package: Optional[str] = None,
) -> pd.DataFrame:
    """Runs every combination of ``values`` (dotted key -> list of values) and
    returns the summaries stacked, with a ``cell`` column and one column per key.

    Each cell is ``run(scenario.set(key, value)..., reps, seed, ...)``: every cell
    uses the same seed (common random numbers), so differences between cells are
    the settings', not the draws'.
    """
    s = _scenario(scenario)
    keys = list(values)
    frames = []
    for cell, combo in enumerate(product(*(list(values[k]) for k in keys))):
        c = s
        for k, v in zip(keys, combo):
            c = c.set(k, v)
        r = run(c, reps=reps, seed=seed, weeks=weeks, threads=threads, package=package, timeseries="none")
        df = r.summary.copy()
        for i, (k, v) in enumerate(zip(keys, combo)):
            df.insert(i, k, v)
        df.insert(0, "cell", cell)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def parameters() -> pd.DataFrame:
    """The parameter registry (docs/parameters.md) as a DataFrame: key, default,
    unit, range (the allowed values), source (a publication, assumption or
    setting) and meaning."""
    rows = _carenet.parameters()
    return pd.DataFrame(rows, columns=["key", "default", "unit", "range", "source", "meaning"])
