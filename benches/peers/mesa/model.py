"""The reference model (docs/reference-model.md) written as a typical Mesa 3 model.

One `Elder` agent per elder, placed on a `NetworkGrid` whose networkx graph has
the elder ids as nodes and the ties as edges (edge attributes `strength` and
`used`). The week is four phases run with `AgentSet.do` in creation order (the
agents are created in ascending id, and `AgentSet` keeps insertion order: it is
a `WeakKeyDictionary`, backed by a dict), then a model-level loop over the
edges, then one observation row.

The spec is the authority: every rule here is a line of docs/reference-model.md.
"""

import csv
import json
import math
import os

import mesa
import networkx as nx
from mesa.space import NetworkGrid

# Functional states.
INDEPENDENT, IADL_LIMITED, SEMI_DISABLED, DISABLED = 0, 1, 2, 3

SQRT3 = math.sqrt(3.0)

PARAM_KEYS = (
    "need_probability",
    "need_hours",
    "helper_threshold",
    "hours_per_week",
    "ask_probability",
    "worsen",
    "recover",
    "death",
    "unmet_hazard_ratio",
    "loneliness_hazard_ratio",
    "rise",
    "fall",
    "pull",
    "shock_sd",
    "moderate_threshold",
    "severe_threshold",
    "awareness",
    "drift",
    "reciprocity",
    "recognition",
    "overload_hours",
    "overload_loss",
    "interaction_gain",
    "decay",
)

COLUMNS = (
    "engine",
    "seed",
    "week",
    "alive",
    "deaths",
    "needing",
    "need_hours",
    "unmet_hours",
    "help_hours",
    "helpers",
    "mean_loneliness",
    "mean_willingness",
    "mean_strength",
    "grade1",
    "grade2",
    "grade3",
)


def load_input(directory):
    """Reads `population.csv`, `ties.csv` and `params.json` from an export.

    Returns (population rows, ties sorted by (a, b), params dict).
    """
    with open(os.path.join(directory, "params.json")) as f:
        params = json.load(f)
    missing = [k for k in PARAM_KEYS if k not in params]
    if missing:
        raise ValueError(f"params.json: missing {', '.join(missing)}")

    population = []
    with open(os.path.join(directory, "population.csv"), newline="") as f:
        reader = csv.DictReader(f)
        for k, row in enumerate(reader):
            eid = int(row["id"])
            if eid != k:
                raise ValueError(f"population.csv: row {k} has id {eid} (ids must be 0..N-1 in order)")
            population.append(
                (
                    eid,
                    int(row["community"]),
                    int(row["state"]),
                    row["lives_alone"].strip() in ("1", "true", "True"),
                    float(row["loneliness"]),
                    float(row["loneliness_base"]),
                    float(row["willingness"]),
                )
            )

    ties = []
    n = len(population)
    with open(os.path.join(directory, "ties.csv"), newline="") as f:
        for row in csv.DictReader(f):
            a, b = int(row["a"]), int(row["b"])
            if not (0 <= a < b < n):
                raise ValueError(f"ties.csv: bad tie ({a}, {b}) for {n} elders")
            ties.append((a, b, float(row["strength"])))
    # The file is sorted already; sorting again costs little and guarantees that
    # every node's adjacency (networkx keeps insertion order) is in ascending id,
    # which phase 2 relies on.
    ties.sort()
    return population, ties, params


class Elder(mesa.Agent):
    """One elder: its state, and its bookkeeping for the current week."""

    def __init__(self, model, eid, community, state, lives_alone, loneliness, loneliness_base, willingness):
        super().__init__(model)
        self.eid = eid
        self.community = community
        self.state = state
        self.lives_alone = lives_alone
        self.loneliness = loneliness
        self.loneliness_base = loneliness_base
        self.willingness = willingness
        self.grade = model.grade_of(state, lives_alone, loneliness)
        # This week's bookkeeping (phase 1 resets it).
        self.need = 0.0
        self.left = 0.0
        self.capacity = 0.0
        self.helped = 0.0
        self.got_help = False

    # Phase 1.
    def assess_needs(self):
        m = self.model
        p = m.p
        g = self.grade
        if m.random.random() < p["need_probability"][g - 1]:
            self.need = p["need_hours"][g - 1]
        else:
            self.need = 0.0
        self.left = self.need
        if g == 3 and self.state <= IADL_LIMITED and self.willingness >= p["helper_threshold"]:
            self.capacity = p["hours_per_week"]
        else:
            self.capacity = 0.0
        self.helped = 0.0
        self.got_help = False
        if self.need > 0:
            m.needing += 1
            m.need_hours += self.need
        if self.capacity > 0:
            m.helpers += 1

    # Phase 2.
    def seek_help(self):
        if self.left <= 0:
            return
        m = self.model
        ask = m.p["ask_probability"]
        edges = m.grid.G.edges
        # Dead elders are no longer on the grid, so get_neighbors skips them;
        # the adjacency is in ascending id (see load_input).
        for j in m.grid.get_neighbors(self.pos, include_center=False):
            if j.capacity <= 0:
                continue
            tie = edges[self.pos, j.pos]
            s = tie["strength"]
            if s <= 0:
                continue
            if m.random.random() < ask * s * j.willingness:
                h = min(self.left, j.capacity)
                self.left -= h
                j.capacity -= h
                j.helped += h
                self.got_help = True
                tie["used"] = True
                m.help_hours += h
                if self.left <= 0:
                    break

    # Phase 3.
    def update(self):
        m = self.model
        p = m.p
        m.unmet_hours += self.left
        unmet = self.left / self.need if self.need > 0 else 0.0
        contact = self.got_help or self.helped > 0

        # Health.
        state = self.state
        loneliness = self.loneliness
        u = m.random.random()
        death = p["death"][state]
        if u < death:
            m.deaths += 1
            m.grid.remove_agent(self)
            self.remove()
            return
        hr = math.exp(m.ln_unmet_hr * unmet + m.ln_loneliness_hr * loneliness)
        u2 = u - death
        worsen = p["worsen"][state] * hr
        if u2 < worsen:
            self.state = min(state + 1, DISABLED)
        elif u2 - worsen < p["recover"][state]:
            self.state = max(state - 1, INDEPENDENT)

        # Loneliness.
        v = m.random.random()
        lon = (
            loneliness
            + p["rise"] * unmet * (1.0 - loneliness)
            + (p["pull"] + p["fall"] * contact) * (self.loneliness_base - loneliness)
            + p["shock_sd"] * SQRT3 * (2.0 * v - 1.0)
        )
        self.loneliness = min(max(lon, 0.0), 1.0)

        # Willingness.
        w = self.willingness
        w = (
            w
            + p["drift"] * (p["awareness"] - w)
            + p["reciprocity"] * self.got_help
            + p["recognition"] * self.helped
            - p["overload_loss"] * (self.helped > p["overload_hours"])
        )
        self.willingness = min(max(w, 0.0), 1.0)

        self.grade = m.grade_of(self.state, self.lives_alone, self.loneliness)


class ReferenceModel(mesa.Model):
    """The reference model over one population and tie graph."""

    def __init__(self, population, ties, params, seed):
        super().__init__(seed=seed)
        self.p = params
        self.ln_unmet_hr = math.log(params["unmet_hazard_ratio"])
        self.ln_loneliness_hr = math.log(params["loneliness_hazard_ratio"])
        self.moderate = params["moderate_threshold"]
        self.severe = params["severe_threshold"]

        g = nx.Graph()
        g.add_nodes_from(range(len(population)))
        for a, b, s in ties:
            g.add_edge(a, b, strength=s, used=False)
        self.n_ties = g.number_of_edges()
        self.grid = NetworkGrid(g)

        # Agents in ascending id: AgentSet.do visits them in this order.
        for row in population:
            elder = Elder(self, *row)
            self.grid.place_agent(elder, elder.eid)

        self.week = 0
        self.rows = []
        self._reset_counters()

    def grade_of(self, state, lives_alone, loneliness):
        if state >= SEMI_DISABLED or loneliness > self.severe:
            return 1
        if lives_alone or loneliness > self.moderate:
            return 2
        return 3

    def _reset_counters(self):
        self.deaths = 0
        self.needing = 0
        self.need_hours = 0.0
        self.unmet_hours = 0.0
        self.help_hours = 0.0
        self.helpers = 0

    def step(self):
        self.week += 1
        self._reset_counters()
        self.agents.do("assess_needs")
        self.agents.do("seek_help")
        self.agents.do("update")

        # Phase 4: every tie (dead elders' ties too; they are never used).
        gain = self.p["interaction_gain"]
        decay = self.p["decay"]
        total_strength = 0.0
        for _a, _b, d in self.grid.G.edges(data=True):
            s = d["strength"]
            if d["used"]:
                s += gain * (1.0 - s)
                d["used"] = False
            s = max(s - decay, 0.0)
            d["strength"] = s
            total_strength += s

        # Phase 5: observation.
        alive = len(self.agents)
        grades = [0, 0, 0, 0]
        sum_l = 0.0
        sum_w = 0.0
        for e in self.agents:
            grades[e.grade] += 1
            sum_l += e.loneliness
            sum_w += e.willingness
        self.rows.append(
            (
                self.week,
                alive,
                self.deaths,
                self.needing,
                self.need_hours,
                self.unmet_hours,
                self.help_hours,
                self.helpers,
                # Undefined means (no one alive, no ties) are None: an empty field.
                sum_l / alive if alive else None,
                sum_w / alive if alive else None,
                total_strength / self.n_ties if self.n_ties else None,
                grades[1],
                grades[2],
                grades[3],
            )
        )
