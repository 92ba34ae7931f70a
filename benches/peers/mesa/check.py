"""Sanity check of the Mesa peer: a second, plain-Python implementation of the
reference model (lists, no Mesa, no networkx) that makes the same draws from
the same `random.Random(seed)` in the same order must give the same rows, to
the last bit. This checks the Mesa plumbing (agent order, neighbour order,
removal of the dead, edge attributes) against the spec's rules.

    python benches/peers/mesa/check.py --input DIR --weeks W [--seed S] [--seeds K]

Exits non-zero on the first differing row.
"""

import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from model import ReferenceModel, load_input  # noqa: E402


def plain_run(population, ties, p, seed, weeks):
    rng = random.Random(seed)
    n = len(population)
    state = [r[2] for r in population]
    alone = [r[3] for r in population]
    lon = [r[4] for r in population]
    base = [r[5] for r in population]
    will = [r[6] for r in population]
    alive = [True] * n
    strength = [t[2] for t in ties]
    used = [False] * len(ties)
    adj = [[] for _ in range(n)]  # (neighbour, tie index)
    for k, (a, b, _s) in enumerate(ties):
        adj[a].append((b, k))
        adj[b].append((a, k))
    for lst in adj:
        lst.sort()

    def grade(i):
        if state[i] >= 2 or lon[i] > p["severe_threshold"]:
            return 1
        if alone[i] or lon[i] > p["moderate_threshold"]:
            return 2
        return 3

    g = [grade(i) for i in range(n)]
    rows = []
    for week in range(1, weeks + 1):
        need = [0.0] * n
        left = [0.0] * n
        cap = [0.0] * n
        helped = [0.0] * n
        got = [False] * n
        needing = helpers = deaths = 0
        need_h = unmet_h = help_h = 0.0
        for i in range(n):
            if not alive[i]:
                continue
            gi = g[i]
            if rng.random() < p["need_probability"][gi - 1]:
                need[i] = p["need_hours"][gi - 1]
            left[i] = need[i]
            if gi == 3 and state[i] <= 1 and will[i] >= p["helper_threshold"]:
                cap[i] = p["hours_per_week"]
            if need[i] > 0:
                needing += 1
                need_h += need[i]
            if cap[i] > 0:
                helpers += 1
        for i in range(n):
            if not alive[i] or left[i] <= 0:
                continue
            for j, k in adj[i]:
                if not alive[j] or cap[j] <= 0 or strength[k] <= 0:
                    continue
                if rng.random() < p["ask_probability"] * strength[k] * will[j]:
                    h = min(left[i], cap[j])
                    left[i] -= h
                    cap[j] -= h
                    helped[j] += h
                    got[i] = True
                    used[k] = True
                    help_h += h
                    if left[i] <= 0:
                        break
        for i in range(n):
            if not alive[i]:
                continue
            unmet_h += left[i]
            unmet = left[i] / need[i] if need[i] > 0 else 0.0
            contact = got[i] or helped[i] > 0
            s = state[i]
            L = lon[i]
            u = rng.random()
            if u < p["death"][s]:
                alive[i] = False
                deaths += 1
                continue
            hr = math.exp(
                math.log(p["unmet_hazard_ratio"]) * unmet + math.log(p["loneliness_hazard_ratio"]) * L
            )
            u2 = u - p["death"][s]
            wr = p["worsen"][s] * hr
            if u2 < wr:
                state[i] = min(s + 1, 3)
            elif u2 - wr < p["recover"][s]:
                state[i] = max(s - 1, 0)
            v = rng.random()
            L2 = (
                L
                + p["rise"] * unmet * (1.0 - L)
                + (p["pull"] + p["fall"] * contact) * (base[i] - L)
                + p["shock_sd"] * math.sqrt(3.0) * (2.0 * v - 1.0)
            )
            lon[i] = min(max(L2, 0.0), 1.0)
            w = will[i]
            w2 = (
                w
                + p["drift"] * (p["awareness"] - w)
                + p["reciprocity"] * got[i]
                + p["recognition"] * helped[i]
                - p["overload_loss"] * (helped[i] > p["overload_hours"])
            )
            will[i] = min(max(w2, 0.0), 1.0)
            g[i] = grade(i)
        total = 0.0
        for k in range(len(ties)):
            s = strength[k]
            if used[k]:
                s += p["interaction_gain"] * (1.0 - s)
                used[k] = False
            s = max(s - p["decay"], 0.0)
            strength[k] = s
            total += s
        live = [i for i in range(n) if alive[i]]
        na = len(live)
        counts = [0, 0, 0, 0]
        for i in live:
            counts[g[i]] += 1
        rows.append(
            (
                week,
                na,
                deaths,
                needing,
                need_h,
                unmet_h,
                help_h,
                helpers,
                sum(lon[i] for i in live) / na if na else None,
                sum(will[i] for i in live) / na if na else None,
                total / len(ties) if ties else None,
                counts[1],
                counts[2],
                counts[3],
            )
        )
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--weeks", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=1)
    args = ap.parse_args()
    population, ties, params = load_input(args.input)
    for seed in range(args.seed, args.seed + args.seeds):
        model = ReferenceModel(population, ties, params, seed)
        for _ in range(args.weeks):
            model.step()
        plain = plain_run(population, ties, params, seed, args.weeks)
        if len(model.rows) != len(plain):
            print(f"seed {seed}: {len(model.rows)} rows from mesa, {len(plain)} from plain", file=sys.stderr)
            return 1
        for a, b in zip(model.rows, plain):
            # Sums may be accumulated in a different order: compare floats to
            # 1e-9 relative, counts exactly.
            same = all(
                (x == y) if isinstance(x, int) or x is None or y is None
                else math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
                for x, y in zip(a, b)
            )
            if not same:
                print(f"seed {seed} week {a[0]}: mesa {a}\n  plain {b}", file=sys.stderr)
                return 1
    print(f"check: mesa peer and plain implementation agree on {args.seeds} seed(s) x {args.weeks} weeks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
