"""Runs the Mesa peer of the reference model (docs/reference-model.md).

    python benches/peers/mesa/run.py --input DIR --weeks W [--seed S] [--seeds K]
        [--out FILE.csv] [--timing FILE.json]
"""

import argparse
import csv
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from model import COLUMNS, ReferenceModel, load_input  # noqa: E402

DEFAULT_SEED = 20240611  # carenet's default simulation.seed


def write_atomic(path, write):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", newline="") as f:
        write(f)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Mesa 3 peer of carenet's reference model")
    ap.add_argument("--input", required=True, metavar="DIR", help="export of `carenet reference export`")
    ap.add_argument("--weeks", required=True, type=int, metavar="W")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S")
    ap.add_argument("--seeds", type=int, default=1, metavar="K", help="replications with seeds S..S+K-1")
    ap.add_argument("--out", metavar="FILE.csv", help="one row per (seed, week) (default: printed on stdout)")
    ap.add_argument("--timing", metavar="FILE.json")
    args = ap.parse_args(argv)
    if args.weeks < 1 or args.seeds < 1:
        ap.error("--weeks and --seeds must be at least 1")

    t0 = time.perf_counter()
    try:
        population, ties, params = load_input(args.input)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {args.input}: {e}", file=sys.stderr)
        return 2
    setup = time.perf_counter() - t0
    step = 0.0
    rows = []
    for k in range(args.seeds):
        seed = args.seed + k
        t0 = time.perf_counter()
        model = ReferenceModel(population, ties, params, seed)
        t1 = time.perf_counter()
        for _ in range(args.weeks):
            model.step()
        t2 = time.perf_counter()
        setup += t1 - t0
        step += t2 - t1
        rows.extend((seed, *r) for r in model.rows)
        del model

    def write_rows(f):
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(("mesa", *r))  # None (an undefined mean) is written empty

    if args.out:
        write_atomic(args.out, write_rows)
    else:
        write_rows(sys.stdout)
    if args.timing:
        timing = {
            "engine": "mesa",
            "n_elders": len(population),
            "weeks": args.weeks,
            "seeds": args.seeds,
            "setup_seconds": setup,
            "step_seconds": step,
        }
        write_atomic(args.timing, lambda f: f.write(json.dumps(timing) + "\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
