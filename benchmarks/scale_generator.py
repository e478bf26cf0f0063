"""A seeded generator of large ParityKG data trees, in the project's own YAML format.

Run: python benchmarks/scale_generator.py --triples 1000000 --out /tmp/tree [--seed 7]

Writes OUT/data/reference/*.yaml and OUT/data/sources/*.yaml (docs/data-format.md), a
20-claim source OUT/extra/<id>.yaml for timing `kg add`, and OUT/manifest.json naming the
arguments a benchmark should narrow its questions with (the most-claimed model, the most-scored
benchmark, the biggest lineage root, a deep leaf, the source with most comparisons, a date).

The shape follows the real field: labs, families and thousands of models (about a third closed),
lineage trees up to 8 deep (the biggest root has about 2,700 descendants at 1M triples),
benchmarks in every category and unit (some lower-is-better, some versions of others), first-party
model cards and third-party articles, leaderboards, papers, price lists and reports restating each
other's numbers (same value for the same model and benchmark, about 7% disagreeing), every claim
kind, fact property and setting field, partial dates, ranges and approximate values.

Everything is drawn from one random.Random(seed) (plus a seeded hash for the "true" value of each
model and benchmark), entity counts scale linearly with --triples, and source files are written
one at a time, so 10M triples take minutes and little memory.
"""

import argparse
import bisect
import itertools
import json
import random
import sys
import time
from pathlib import Path

# Triples `kg build` reports per unit of SCALE (one unit = MODELS_PER_UNIT models and everything
# that comes with them), and the constant part (ontology graph, licences, fixed entities).
# Calibrated by building generated trees (see HELPER-SCALE.md); re-calibrate with --calibrate.
TRIPLES_PER_MODEL = 182.0
FIXED_TRIPLES = 1500

# Descendants of the biggest lineage roots, as shares of all models (about 2,700 at 1M).
BIG_TREES = (0.47, 0.12, 0.05, 0.025)
DISAGREE = 0.07  # share of restatements that disagree with the value first stated

CATEGORIES = (
    "text-reasoning",
    "knowledge",
    "code",
    "math",
    "vision",
    "video",
    "computer-use",
    "human-preference",
    "instruction-following",
    "agentic",
    "multimodal",
    "long-context",
    "retrieval",
    "composite",
)
THIRD_PARTY_KINDS = (
    "news",
    "analysis",
    "blog",
    "research-report",
    "paper",
    "leaderboard",
    "documentation",
    "dataset",
)
RELATIONS = (
    ("fine-tune", 44),
    ("quantization", 20),
    ("merge", 8),
    ("distillation", 9),
    ("continued-pretraining", 5),
    ("adapter", 6),
    ("backbone", 5),
    ("revision", 3),
)
LICENCES = (  # id, name, spdx, osi
    ("apache-2.0", "Apache License 2.0", "Apache-2.0", True),
    ("mit", "MIT License", "MIT", True),
    ("bsd-3-clause", "BSD 3-Clause License", "BSD-3-Clause", True),
    ("gpl-3.0", "GNU General Public License v3.0", "GPL-3.0-only", True),
    ("community-licence", "Scale Community Licence", None, False),
    ("research-only", "Research-Only Licence", None, False),
    ("cc-by-nc-4.0", "Creative Commons Attribution-NonCommercial 4.0", "CC-BY-NC-4.0", False),
    ("openrail-m", "OpenRAIL-M", None, False),
    ("proprietary", "Proprietary", None, False),
)
OSI = [lic[0] for lic in LICENCES if lic[3]]
NON_OSI_OPEN = [lic[0] for lic in LICENCES if not lic[3] and lic[0] != "proprietary"]
SPLITS = ("text-only", "v2", "hard subset", "multilingual")
COHORTS = (
    ("open-weight-models", "Open-weight models", "Models whose weights can be downloaded."),
    ("closed-frontier-models", "Closed frontier models", "The API-only models of the largest labs."),
    ("small-open-models", "Small open models", "Open-weight models under 10B parameters."),
)
EPOCH = 2022 * 12  # months since year 0 of the first release
MONTHS = 59  # releases spread over 2022-01 .. 2026-11


# --------------------------------------------------------------------------- YAML writing


def scalar(value) -> str:
    """One YAML scalar: JSON-quoted strings (valid YAML double-quoted scalars), plain numbers."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value)


def flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def block(record: dict, first: str, rest: str) -> str:
    """A mapping in block style; nested mappings and lists in flow style."""
    lines = []
    prefix = first
    for key, value in record.items():
        if value is None or value == [] or value == {}:
            continue
        lines.append(f"{prefix}{key}: {flow(value)}")
        prefix = rest
    return "\n".join(lines) + "\n"


def write_source(path: Path, source: dict, claims: list[dict]) -> None:
    parts = ["source:\n", block(source, "  ", "  "), "claims:\n"]
    parts.extend(block(claim, "- ", "  ") for claim in claims)
    path.write_text("".join(parts), encoding="utf-8")


def write_reference(path: Path, section: str, records: list[dict]) -> None:
    parts = [f"{section}:\n"]
    parts.extend(block(record, "- ", "  ") for record in records)
    path.write_text("".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------- helpers


MASK = (1 << 64) - 1


def unit_hash(*numbers: int) -> float:
    """A seeded, stateless number in [0, 1) for a tuple of ints (splitmix64 mixing)."""
    x = 0x9E3779B97F4A7C15
    for n in numbers:
        x = (x ^ (n & MASK)) * 0xBF58476D1CE4E5B9 & MASK
        x ^= x >> 31
        x = x * 0x94D049BB133111EB & MASK
        x ^= x >> 29
    return x / 2.0**64


def month_text(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def day_text(month: int, day: int) -> str:
    return f"{month_text(month)}-{min(day, 28):02d}"


def partial(rng: random.Random, month: int, day: int) -> str:
    """A date, sometimes only as YYYY-MM (10%) or YYYY (3%)."""
    r = rng.random()
    if r < 0.03:
        return f"{month // 12:04d}"
    if r < 0.13:
        return month_text(month)
    return day_text(month, day)


class Ids:
    """Claim ids unique within one source file."""

    def __init__(self) -> None:
        self.count = itertools.count(1)

    def __call__(self, stem: str) -> str:
        return f"c{next(self.count):03d}-{stem}"


# --------------------------------------------------------------------------- the world


class World:
    """The reference entities, their "true" values, and the lineage forest (in memory)."""

    def __init__(self, rng: random.Random, seed: int, target: int) -> None:
        self.rng = rng
        self.seed = seed
        n_models = max(16, round((target - FIXED_TRIPLES) / TRIPLES_PER_MODEL))
        self.scale = target / 1_000_000
        self.n_models = n_models
        self.make_labs(max(4, round(n_models / 55)))
        self.make_benchmarks(max(16, round(n_models / 25)))
        self.make_models(n_models)
        self.make_families()
        self.make_popularity()
        self.propositions = [f"prop-{i:04d}" for i in range(max(3, round(n_models / 200)))]
        self.hosts = [f"Host {i:02d} Cloud" for i in range(max(3, round(n_models / 400)))]

    # ---- labs and benchmarks

    def make_labs(self, n: int) -> None:
        rng = self.rng
        self.labs = []
        for i in range(n):
            closed = i % 3 == 0  # a third of the labs keep their models closed
            self.labs.append(
                {
                    "id": f"lab{i:04d}",
                    "name": f"Lab {i:04d} {'AI' if closed else 'Open'}",
                    "aliases": [f"L{i:04d}"],
                    "closed": closed,
                    "url": f"https://lab{i:04d}.example.org/" if rng.random() < 0.6 else None,
                }
            )

    def make_benchmarks(self, n: int) -> None:
        rng = self.rng
        self.benchmarks = []
        for i in range(n):
            category = CATEGORIES[i % len(CATEGORIES)]
            unit, lower = "percent", False
            if category == "human-preference":
                unit = "elo"
            elif category == "instruction-following" and i % 28 < 14:
                unit = "score-10"
            elif category == "composite":
                unit = "score"
                lower = i % 28 >= 14  # a lower-is-better index (e.g. a cost-of-errors index)
            elif category == "agentic" and i % 28 < 14:
                unit = "usd"
            elif i % 9 == 4:
                lower = True  # an error rate in percent
            parent = None
            if i >= len(CATEGORIES) and rng.random() < 0.2:
                parent = self.benchmarks[rng.randrange(len(CATEGORIES))]
                parent = parent["id"] if parent["parent"] is None else None
            self.benchmarks.append(
                {
                    "id": f"bench{i:04d}",
                    "name": f"Bench {i:04d} {category.title()}",
                    "aliases": [f"B{i:04d}"],
                    "category": category,
                    "unit": unit,
                    "higher_is_better": not lower,
                    "parent": parent,
                    "version": "v2 (hard)" if parent else None,
                    "difficulty": rng.random() * 0.5,
                    "shots": rng.choice((0, 0, 5, 3, None)),
                    "url": f"https://bench{i:04d}.example.org/" if rng.random() < 0.5 else None,
                }
            )
        weights = [1.0 / (rank + 3) ** 0.9 for rank in range(n)]
        order = list(range(n))
        rng.shuffle(order)
        position = {b: r for r, b in enumerate(order)}
        self.bench_cum = list(itertools.accumulate(weights[position[b]] for b in range(n)))

    def pick_benchmark(self) -> int:
        return bisect.bisect(self.bench_cum, self.rng.random() * self.bench_cum[-1])

    # ---- models and lineage

    def make_models(self, n: int) -> None:
        rng = self.rng
        open_labs = [i for i, lab in enumerate(self.labs) if not lab["closed"]]
        closed_labs = [i for i, lab in enumerate(self.labs) if lab["closed"]]
        n_closed = round(n * 0.2)
        n_open = n - n_closed
        self.models = []  # dicts; index = position
        self.parents: dict[int, list[tuple[int, str]]] = {}  # child -> [(parent, relation)]
        self.depth: dict[int, int] = {}

        def new_model(closed: bool, lab: int, month: int) -> int:
            index = len(self.models)
            strength = rng.random() ** 0.7
            self.models.append(
                {
                    "closed": closed,
                    "lab": lab,
                    "month": min(month, EPOCH + MONTHS),
                    "day": rng.randint(1, 28),
                    "strength": strength,
                    "params": rng.choice((1.5, 3, 7, 8, 13, 14, 32, 34, 70, 72, 123, 236, 405, 671)),
                    "benchmarks": sorted({self.pick_benchmark() for _ in range(rng.randint(2, 6))}),
                    "licence": "proprietary"
                    if closed
                    else (rng.choice(OSI) if rng.random() < 0.45 else rng.choice(NON_OSI_OPEN)),
                }
            )
            return index

        # closed models, some as revision chains of their predecessor
        for _ in range(n_closed):
            lab = rng.choice(closed_labs)
            index = new_model(True, lab, EPOCH + rng.randrange(MONTHS))
            if index and rng.random() < 0.15 and self.models[index - 1]["closed"]:
                prev = index - 1
                self.models[index]["lab"] = self.models[prev]["lab"]
                self.models[index]["month"] = min(
                    self.models[prev]["month"] + rng.randint(1, 6), EPOCH + MONTHS
                )
                self.models[index]["params"] = self.models[prev]["params"]
                self.parents[index] = [(prev, "revision")]
        self.closed_ids = list(range(n_closed))

        # open models in lineage trees: a few big ones, many small ones, some standalone
        big = [max(9, round(share * n)) for share in BIG_TREES]
        budget = n_open
        self.trees: list[list[int]] = []
        sizes = []
        for size in big:
            if budget - size - 1 < n_open * 0.05:
                break
            sizes.append(size)
            budget -= size + 1
        while budget > 0:
            size = min(budget - 1, int(rng.paretovariate(1.3)) - 1 if rng.random() < 0.7 else 0)
            size = max(0, min(size, 200))
            sizes.append(size)
            budget -= size + 1
        relations = [r for r, _ in RELATIONS]
        rel_weights = [w for _, w in RELATIONS]
        for size in sizes:
            root = new_model(False, rng.choice(open_labs), EPOCH + rng.randrange(MONTHS - 12))
            self.depth[root] = 0
            tree = [root]
            chain = min(8, size)  # the biggest trees reach depth 8 along one chain
            for k in range(size):
                if k < chain and size >= 8:
                    parent = tree[-1]
                else:
                    parent = tree[int(len(tree) * rng.random() ** 1.6)]
                    if self.depth[parent] >= 8:
                        parent = root
                pm = self.models[parent]
                lab = pm["lab"] if rng.random() < 0.5 else rng.choice(open_labs)
                child = new_model(False, lab, pm["month"] + rng.randint(0, 4))
                relation = rng.choices(relations, rel_weights)[0]
                cm = self.models[child]
                if relation in ("quantization", "revision", "fine-tune", "adapter"):
                    cm["params"] = pm["params"]
                if rng.random() < 0.7:
                    cm["licence"] = pm["licence"]
                edges = [(parent, relation)]
                if relation == "merge" and len(tree) > 1:
                    other = tree[rng.randrange(len(tree))]
                    if other != parent:
                        edges.append((other, "merge"))
                self.parents[child] = edges
                cm["thin"] = rng.random() < 0.9  # a community derivative: a sparse model card
                self.depth[child] = self.depth[parent] + 1
                tree.append(child)
            self.trees.append(tree)
        self.n_closed, self.n_open = n_closed, n_open
        self.open_ids = list(range(n_closed, len(self.models)))
        # names: unique after normalisation (fixed-width index), aliases for some
        for i, m in enumerate(self.models):
            size = m["params"]
            tag = "Pro" if m["closed"] else rng.choice(("Base", "Instruct", "Chat", "Coder", "VL"))
            m["id"] = f"m{i:06d}-{str(size).replace('.', 'p')}b"
            m["name"] = f"M{i:06d}-{size}B-{tag}"
            m["aliases"] = [f"Model {i:06d} {tag}"] if rng.random() < 0.4 else []

    def make_families(self) -> None:
        rng = self.rng
        self.families = []
        by_lab: dict[int, list[int]] = {}
        for i, m in enumerate(self.models):
            by_lab.setdefault(m["lab"], []).append(i)
        self.family_members: dict[str, list[int]] = {}
        for lab, members in sorted(by_lab.items()):
            n_fam = max(1, len(members) // 8)
            fam_ids = []
            for f in range(n_fam):
                fid = f"fam{len(self.families):05d}"
                parent = fam_ids[0] if f and rng.random() < 0.3 else None
                self.families.append(
                    {
                        "id": fid,
                        "name": f"Family {len(self.families):05d}",
                        "lab": self.labs[lab]["id"],
                        "parent": parent,
                        "aliases": [f"F{len(self.families):05d}"] if rng.random() < 0.3 else [],
                    }
                )
                fam_ids.append(fid)
                self.family_members[fid] = []
            for i in members:
                if rng.random() < 0.85:
                    fid = rng.choice(fam_ids)
                    self.models[i]["family"] = fid
                    self.family_members[fid].append(i)

    def make_popularity(self) -> None:
        """Zipf-like weights: a few models are restated by many sources."""
        rng = self.rng
        order = list(range(len(self.models)))
        rng.shuffle(order)
        # flagships: tree roots and strong closed models first
        roots = [t[0] for t in self.trees[:6]]
        strong = sorted(self.closed_ids, key=lambda i: -self.models[i]["strength"])[:10]
        head = [*roots, *strong]
        in_head = set(head)
        order = head + [i for i in order if i not in in_head]
        rank = {m: r for r, m in enumerate(order)}
        self.pop_cum = list(
            itertools.accumulate(1.0 / (rank[i] + 5) ** 1.05 for i in range(len(self.models)))
        )

    def pick_model(self) -> int:
        return min(bisect.bisect(self.pop_cum, self.rng.random() * self.pop_cum[-1]), len(self.models) - 1)

    # ---- "true" values

    def score(self, model: int, bench: int) -> float | int:
        m, b = self.models[model], self.benchmarks[bench]
        noise = unit_hash(self.seed, model, bench)
        level = m["strength"] * (1 - b["difficulty"]) + (0.06 if m["closed"] else 0)
        unit = b["unit"]
        if unit == "percent":
            value = 100 * min(0.99, max(0.01, 0.05 + 0.85 * level + 0.1 * (noise - 0.5)))
            if not b["higher_is_better"]:
                value = 100 - value
            return round(value, 1)
        if unit == "elo":
            return int(1000 + 450 * level + 40 * noise)
        if unit == "score-10":
            return round(min(10.0, 2 + 8 * level + noise * 0.5), 2)
        if unit == "usd":
            return round(200 + 5000 * level * (0.5 + noise), 0)
        value = round(10 + 80 * level + 5 * noise, 1)
        return round(100 - value, 1) if not b["higher_is_better"] else value

    def disagree(self, bench: int, value: float | int) -> float | int:
        """A value that conflicts with ``value`` (outside its interval), still in range."""
        unit = self.benchmarks[bench]["unit"]
        rng = self.rng
        if unit == "percent":
            delta = rng.uniform(2, 9) * rng.choice((-1, 1))
            new = value + delta if 1 < value + delta < 99 else value - delta
            return round(min(99.9, max(0.1, new)), 1)
        if unit == "elo":
            return int(value + rng.choice((-1, 1)) * rng.randint(15, 60))
        if unit == "score-10":
            return round(min(10.0, max(0.0, value + rng.choice((-1, 1)) * rng.uniform(0.3, 1.2))), 2)
        if unit == "usd":
            return round(value * rng.uniform(1.2, 1.6), 0)
        return round(max(0.0, value + rng.choice((-1, 1)) * rng.uniform(2, 6)), 1)

    def price(self, model: int, measure: str) -> float:
        m = self.models[model]
        base = 0.05 + 30 * m["strength"] ** 3 * (2.5 if m["closed"] else 0.6)
        factor = {"input": 1.0, "output": 4.0, "blended": 1.75, "unspecified": 1.0}[measure]
        return round(base * factor * (0.8 + 0.4 * unit_hash(self.seed, model, 99)), 3)

    def mention(self, model: int) -> str:
        m = self.models[model]
        if m["aliases"] and self.rng.random() < 0.5:
            return m["aliases"][0]
        return m["name"]

    def release(self, model: int) -> tuple[int, int]:
        m = self.models[model]
        return m["month"], m["day"]


# --------------------------------------------------------------------------- claims


class Writer:
    """Writes the tree; keeps only counters and the manifest's candidates in memory."""

    def __init__(self, world: World, out: Path) -> None:
        self.w = world
        self.rng = world.rng
        self.out = out
        self.sources_dir = out / "data" / "sources"
        self.sources_dir.mkdir(parents=True, exist_ok=True)
        self.n_sources = 0
        self.n_claims = 0
        self.kind_counts: dict[str, int] = {}
        self.subject_counts: dict[str, int] = {}
        self.bench_counts: dict[int, int] = {}
        self.comparisons_by_source: dict[str, int] = {}
        self.dates: list[str] = []
        self.first_source_file: str | None = None

    # ---- claim builders

    def setting(self, bench: int, model: int, variant: bool) -> dict:
        b = self.w.benchmarks[bench]
        s: dict = {}
        if b["shots"] is not None:
            s["shots"] = b["shots"]
        if not variant:
            return s
        rng = self.rng
        choice = rng.randrange(8)
        if choice == 0:
            s["shots"] = rng.choice((0, 1, 5, 10, 25))
        elif choice == 1:
            s["cot"] = rng.random() < 0.8
        elif choice == 2:
            s["pass_at"] = rng.choice((1, 5, 10))
        elif choice == 3:
            s["consensus_at"] = rng.choice((8, 32, 64))
        elif choice == 4:
            s["tools"] = rng.random() < 0.7
        elif choice == 5:
            s["split"] = rng.choice(SPLITS)
        elif choice == 6 and self.w.models[model]["closed"]:
            m = self.w.models[model]
            s["snapshot"] = f"{m['id']}-{m['month'] // 12:04d}{m['month'] % 12 + 1:02d}{m['day']:02d}"
        else:
            s["note"] = rng.choice(
                (
                    "evaluated with the benchmark's own harness",
                    "temperature 0",
                    "the source's own prompt template",
                )
            )
        return s

    def score(
        self,
        ids: Ids,
        model: int,
        bench: int,
        run_by: str | None,
        *,
        restate: bool,
        variant_p: float = 0.12,
        subject: str | None = None,
        mention: str | None = None,
        locator: str,
    ) -> dict:
        w, rng = self.w, self.rng
        value = w.score(model, bench)
        if restate and rng.random() < DISAGREE:
            value = w.disagree(bench, value)
        b = w.benchmarks[bench]
        claim = {
            "id": ids(f"score-{w.models[model]['id']}-{b['id']}"),
            "kind": "score",
            "subject": subject or w.models[model]["id"],
            "mention": mention or w.mention(model),
            "benchmark": b["id"],
            "benchmark_mention": b["aliases"][0] if rng.random() < 0.3 else b["name"],
        }
        r = rng.random()
        if r < 0.08 and b["unit"] in ("percent", "score"):
            claim["value"] = float(round(value))
            claim["approximate"] = True
        elif r < 0.11 and b["unit"] == "percent":
            claim["min"] = round(max(0.0, value - 1.0), 1)
            claim["max"] = round(min(100.0, value + 1.0), 1)
        else:
            claim["value"] = value
        if run_by:
            claim["run_by"] = run_by
        setting = self.setting(bench, model, rng.random() < variant_p)
        if setting:
            claim["setting"] = setting
        if rng.random() < 0.04:
            claim["as_of"] = day_text(w.models[model]["month"] + rng.randint(0, 3), rng.randint(1, 28))
        claim["locator"] = locator
        self.bench_counts[bench] = self.bench_counts.get(bench, 0) + 1
        return claim

    def fact(self, ids: Ids, subject: str, mention: str, prop: str, locator: str, **fields) -> dict:
        claim = {
            "id": ids(f"{prop}-{subject}"),
            "kind": "fact",
            "subject": subject,
            "mention": mention,
            "property": prop,
        }
        claim.update(fields)
        claim["locator"] = locator
        return claim

    def model_facts(self, ids: Ids, model: int, *, restate: bool, first_party: bool) -> list[dict]:
        """Developer, release date, weights, licence, parameters, context window (+ more)."""
        w, rng = self.w, self.rng
        m = w.models[model]
        mid, mention = m["id"], w.mention(model)
        wrong = restate and rng.random() < DISAGREE
        out = []
        if first_party or rng.random() < 0.3:
            out.append(self.fact(ids, mid, mention, "developer", "header", value=w.labs[m["lab"]]["id"]))
        month, day = w.release(model)
        if wrong and rng.random() < 0.3:
            month += rng.choice((-2, 2, 3))
        date = partial(rng, month, day) if restate else day_text(month, day)
        extra = {}
        if not restate and rng.random() < 0.05:
            extra = {"approximate": True, "note": "date of the first repository version linking the weights"}
        out.append(self.fact(ids, mid, mention, "release-date", "header", value=date, **extra))
        weights = not m["closed"]
        if wrong and rng.random() < 0.15:
            weights = not weights
        note = "the page offers the model only through the API" if m["closed"] and first_party else None
        out.append(
            self.fact(ids, mid, mention, "weights-available", "availability", value=weights, note=note)
        )
        if first_party or rng.random() < 0.5:
            licence = m["licence"]
            if wrong and not m["closed"] and rng.random() < 0.3:
                licence = rng.choice(OSI + NON_OSI_OPEN)
            out.append(self.fact(ids, mid, mention, "licence", "licence", value=licence, note=note))
        if not m["closed"] or rng.random() < 0.2:
            params = m["params"]
            if wrong and rng.random() < 0.5:
                params = rng.choice((405, 671, 236, 70, 13))
            if restate and rng.random() < 0.1:
                out.append(
                    self.fact(
                        ids, mid, mention, "total-parameters", "table 1", value=params, approximate=True
                    )
                )
            elif m["closed"]:
                out.append(
                    self.fact(
                        ids,
                        mid,
                        mention,
                        "total-parameters",
                        "estimate",
                        min=params * 0.8,
                        max=params * 1.3,
                        approximate=True,
                    )
                )
            else:
                out.append(self.fact(ids, mid, mention, "total-parameters", "table 1", value=params))
        if not m["closed"] and m["params"] >= 100 and rng.random() < 0.6:
            out.append(
                self.fact(ids, mid, mention, "active-parameters", "table 1", value=round(m["params"] / 18, 1))
            )
        if rng.random() < 0.6:
            if rng.random() < 0.5:
                out.append(
                    self.fact(
                        ids,
                        mid,
                        mention,
                        "context-window",
                        "specs",
                        min=128000,
                        max=131072,
                        note="written as 128K",
                    )
                )
            else:
                out.append(
                    self.fact(
                        ids,
                        mid,
                        mention,
                        "context-window",
                        "specs",
                        value=rng.choice((32768, 131072, 200000, 1048576)),
                    )
                )
        if first_party and rng.random() < 0.15:
            out.append(
                self.fact(
                    ids,
                    mid,
                    mention,
                    "architecture",
                    "architecture",
                    value=rng.choice(
                        (
                            "decoder-only transformer",
                            "mixture of experts",
                            "hybrid attention and state-space layers",
                        )
                    ),
                )
            )
        return out

    def lineage(self, ids: Ids, child: int, parent: int, relation: str, status: str) -> dict:
        w = self.w
        return {
            "id": ids(f"lineage-{w.models[child]['id']}"),
            "kind": "lineage",
            "child": w.models[child]["id"],
            "child_mention": w.mention(child),
            "parent": w.models[parent]["id"],
            "parent_mention": w.mention(parent),
            "relation": relation,
            "status": status,
            "locator": "training details",
        }

    def price(
        self,
        ids: Ids,
        model: int,
        provider: str | None,
        measure: str,
        restate: bool,
        as_of: str | None = None,
    ) -> dict:
        w, rng = self.w, self.rng
        claim = {
            "id": ids(f"price-{measure}-{w.models[model]['id']}"),
            "kind": "price",
            "subject": w.models[model]["id"],
            "mention": w.mention(model),
            "provider": provider,
            "measure": measure,
        }
        if measure == "monthly-cost":
            claim["value"] = round(100 + 4000 * w.models[model]["strength"], 0)
            claim["unit"] = "usd-per-month"
            claim["setting"] = {"note": "10M tokens per month on 2x A100 spot instances"}
        else:
            value = w.price(model, measure)
            if restate and rng.random() < DISAGREE:
                value = round(value * rng.uniform(1.3, 2.0), 3)
            if rng.random() < 0.05:
                claim["min"], claim["max"] = round(value * 0.9, 3), round(value * 1.1, 3)
            elif rng.random() < 0.05:
                claim["value"], claim["approximate"] = round(value, 1) or 0.1, True
            else:
                claim["value"] = value
        if as_of:
            claim["as_of"] = as_of
        claim["locator"] = "pricing table"
        return claim

    def comparison(self, ids: Ids, source_id: str, left: int, right: int) -> dict:
        """Comparisons the source draws; most of them checkable from the numbers."""
        w, rng = self.w, self.rng
        lm, rm = w.models[left], w.models[right]
        claim = {
            "id": ids(f"compare-{lm['id']}-{rm['id']}"),
            "kind": "comparison",
            "left": lm["id"],
            "left_mention": w.mention(left),
            "right": rm["id"],
            "right_mention": w.mention(right),
        }
        r = rng.random()
        if r < 0.65:
            common = sorted(set(lm["benchmarks"]) & set(rm["benchmarks"])) or lm["benchmarks"]
            bench = rng.choice(common)
            a, b = w.score(left, bench), w.score(right, bench)
            if not w.benchmarks[bench]["higher_is_better"]:
                a, b = -a, -b
            relation = "matches" if abs(a - b) < 1 else ("exceeds" if a > b else "trails")
            if rng.random() < 0.1:  # a comparison that does not follow from the numbers
                relation = {"exceeds": "trails", "trails": "exceeds", "matches": "exceeds"}[relation]
            claim.update(benchmark=w.benchmarks[bench]["id"], measure="score", relation=relation)
            if relation != "matches" and rng.random() < 0.5:
                claim["magnitude"] = {"value": round(abs(a - b), 1), "unit": "points"}
            elif relation == "matches" and rng.random() < 0.5:
                claim["relation"] = "within"
                claim["magnitude"] = {"value": 1, "unit": "points", "approximate": True}
        elif r < 0.8:
            pa, pb = w.price(left, "input"), w.price(right, "input")
            if pa < pb:
                claim.update(
                    measure="price",
                    relation="cheaper",
                    magnitude={"value": round(pb / pa, 1), "unit": "ratio"},
                )
            else:
                claim.update(
                    measure="price",
                    relation="exceeds",
                    magnitude={
                        "min": round(pa / pb * 0.9, 1),
                        "max": round(pa / pb * 1.1, 1),
                        "unit": "ratio",
                    },
                )
        elif r < 0.88:
            claim.update(
                measure="parameters",
                relation="exceeds" if lm["params"] > rm["params"] else "trails",
                magnitude={
                    "value": round(max(lm["params"], rm["params"]) / min(lm["params"], rm["params"]), 1),
                    "unit": "ratio",
                    "approximate": True,
                },
            )
        elif r < 0.95:
            months = lm["month"] - rm["month"]
            claim.update(
                measure="release",
                relation="trails" if months > 0 else "exceeds",
                magnitude={"value": abs(months), "unit": "months"},
            )
        else:
            claim.update(
                measure="general",
                relation=rng.choice(("exceeds", "matches", "trails")),
                magnitude={"value": rng.randint(5, 40), "unit": "percent", "approximate": True}
                if rng.random() < 0.3
                else None,
            )
        claim["locator"] = f"paragraph {rng.randint(1, 30)}"
        self.comparisons_by_source[source_id] = self.comparisons_by_source.get(source_id, 0) + 1
        return claim

    def stance(self, ids: Ids) -> dict:
        rng = self.rng
        prop = rng.choice(self.w.propositions)
        stance = rng.choice(("supports", "disputes", "qualifies"))
        return {
            "id": ids(f"stance-{prop}"),
            "kind": "stance",
            "proposition": prop,
            "stance": stance,
            "quote_free_summary": f"The source {stance} the thesis, with its own benchmark reading.",
            "locator": "conclusion",
        }

    # ---- sources

    def emit(self, source: dict, claims: list[dict]) -> None:
        if not claims:
            return
        path = self.sources_dir / f"{source['id']}.yaml"
        write_source(path, source, claims)
        if self.first_source_file is None:
            self.first_source_file = str(path.relative_to(self.out))
        self.n_sources += 1
        self.n_claims += len(claims)
        self.dates.append(source["date"])
        for claim in claims:
            self.kind_counts[claim["kind"]] = self.kind_counts.get(claim["kind"], 0) + 1
            for key in ("subject", "child", "parent", "left", "right"):
                if key in claim and claim[key].startswith("m"):
                    self.subject_counts[claim[key]] = self.subject_counts.get(claim[key], 0) + 1

    def source_meta(
        self, sid: str, title: str, kind: str, date: str, labs=(), publisher=None, **extra
    ) -> dict:
        rng = self.rng
        meta = {
            "id": sid,
            "title": title,
            "publisher": publisher,
            "url": f"https://example.org/{sid}" if rng.random() < 0.7 else None,
            "date": date,
            "kind": kind,
            "labs": list(labs),
        }
        meta.update(extra)
        meta["accessed"] = "2026-11-23"
        return meta

    def thin_card(self, model: int) -> None:
        """A community derivative's card: lineage, weights, licence, little else."""
        w, rng = self.w, self.rng
        m = w.models[model]
        lab = w.labs[m["lab"]]
        sid = f"card-{m['id']}"
        ids = Ids()
        facts = self.model_facts(ids, model, restate=False, first_party=True)
        claims = [
            c for c in facts if c["property"] in ("weights-available", "licence") or rng.random() < 0.35
        ]
        for parent, relation in w.parents.get(model, ()):
            claims.append(self.lineage(ids, model, parent, relation, "documented"))
        if rng.random() < 0.35:
            claims.append(
                self.score(ids, model, m["benchmarks"][0], None, restate=False, locator="evaluation table")
            )
        month, day = w.release(model)
        self.emit(
            self.source_meta(
                sid,
                f"{m['name']} model card",
                "model-card",
                day_text(month, day),
                labs=[lab["id"]],
                publisher=lab["name"],
            ),
            claims,
        )

    def model_card(self, model: int) -> None:
        w, rng = self.w, self.rng
        m = w.models[model]
        if m.get("thin"):
            self.thin_card(model)
            return
        lab = w.labs[m["lab"]]
        sid = f"card-{m['id']}"
        ids = Ids()
        claims = self.model_facts(ids, model, restate=False, first_party=True)
        for parent, relation in w.parents.get(model, ()):
            claims.append(self.lineage(ids, model, parent, relation, "documented"))
        for bench in m["benchmarks"]:
            claims.append(
                self.score(
                    ids,
                    model,
                    bench,
                    None if rng.random() < 0.6 else "first-party",
                    restate=False,
                    variant_p=0.1,
                    locator="evaluation table",
                )
            )
        if m["closed"] or rng.random() < 0.15:
            for measure in ("input", "output"):
                claims.append(self.price(ids, model, lab["id"], measure, False))
        if rng.random() < 0.3:
            rival = w.pick_model()
            if rival != model:
                claims.append(self.comparison(ids, sid, model, rival))
        kind = rng.choice(("model-card", "technical-report", "announcement", "readme"))
        extra = {}
        if kind == "readme":
            extra = {
                "repository": f"{lab['id']}/{m['id']}",
                "path": "README.md",
                "commit": f"{int(unit_hash(w.seed, model) * 2**64):016x}" * 2 + "0" * 8,
            }
        if rng.random() < 0.1:
            extra["copy"] = f"shared/cards/{m['id']}.txt"
        if rng.random() < 0.05:
            extra["note"] = "read from the release page"
        month, day = w.release(model)
        date = partial(rng, month, day) if rng.random() < 0.3 else day_text(month, day)
        self.emit(
            self.source_meta(
                sid,
                f"{m['name']} {kind.replace('-', ' ')}",
                kind,
                date,
                labs=[lab["id"]],
                publisher=lab["name"],
                **extra,
            ),
            claims,
        )

    def article(self, index: int) -> None:
        w, rng = self.w, self.rng
        sid = f"art{index:06d}"
        ids = Ids()
        month = EPOCH + 6 + rng.randrange(MONTHS - 5)
        date = partial(rng, month, rng.randint(1, 28))
        claims: list[dict] = []
        for _ in range(rng.randint(6, 30)):
            r = rng.random()
            model = w.pick_model()
            m = w.models[model]
            if r < 0.52:
                bench = rng.choice(m["benchmarks"]) if rng.random() < 0.9 else w.pick_benchmark()
                subject = mention = None
                if rng.random() < 0.03 and m.get("family"):
                    subject, mention = m["family"], f"Family {m['family'][3:]}"
                elif rng.random() < 0.01:
                    subject, mention = "open-weight-models", "open models"
                run_by = rng.choice((None, "unknown", "third-party"))
                claims.append(
                    self.score(
                        ids,
                        model,
                        bench,
                        run_by,
                        restate=True,
                        subject=subject,
                        mention=mention,
                        locator=f"table {rng.randint(1, 5)}",
                    )
                )
            elif r < 0.68:
                facts = self.model_facts(ids, model, restate=True, first_party=False)
                claims.extend(rng.sample(facts, min(len(facts), rng.randint(1, 2))))
            elif r < 0.76:
                if model in w.parents and rng.random() < 0.7:
                    parent, relation = w.parents[model][0]
                    claims.append(self.lineage(ids, model, parent, relation, "reported"))
                elif not m["closed"]:
                    claims.append(
                        self.lineage(ids, model, rng.choice(w.closed_ids), "distillation", "alleged")
                    )
            elif r < 0.86:
                rival = w.pick_model()
                if rival != model:
                    claims.append(self.comparison(ids, sid, model, rival))
            elif r < 0.92:
                provider = rng.choice(w.hosts) if rng.random() < 0.6 else None
                claims.append(
                    self.price(
                        ids, model, provider, rng.choice(("input", "output", "blended", "unspecified")), True
                    )
                )
            else:
                claims.append(self.stance(ids))
        seen = set()
        claims = [c for c in claims if not (c["id"] in seen or seen.add(c["id"]))]
        kind = rng.choice(("news", "analysis", "blog", "analysis"))
        self.emit(
            self.source_meta(
                sid,
                f"Article {index:06d} on the open-closed gap",
                kind,
                date,
                publisher=f"Publisher {index % 97:02d}" if rng.random() < 0.7 else None,
            ),
            claims,
        )

    def leaderboard(self, index: int) -> None:
        w, rng = self.w, self.rng
        sid = f"board{index:05d}"
        ids = Ids()
        benches = sorted({w.pick_benchmark() for _ in range(rng.randint(1, 3))})
        month = EPOCH + 6 + rng.randrange(MONTHS - 5)
        claims = []
        for bench in benches:
            entrants = {w.pick_model() for _ in range(rng.randint(20, 90))}
            for model in sorted(entrants):
                claims.append(
                    self.score(
                        ids,
                        model,
                        bench,
                        "third-party",
                        restate=True,
                        variant_p=0.05,
                        locator=f"leaderboard row {len(claims) + 1}",
                    )
                )
            claims.append(
                self.fact(
                    ids,
                    w.benchmarks[bench]["id"],
                    w.benchmarks[bench]["name"],
                    "closed-models-in-top-10",
                    "top of the table",
                    value=rng.randint(3, 9),
                    qualifier="models in the top 10 of the overall ranking",
                )
            )
        self.emit(
            self.source_meta(
                sid,
                f"Leaderboard {index:05d} snapshot",
                "leaderboard",
                day_text(month, rng.randint(1, 28)),
                publisher=f"Board {index:05d}",
            ),
            claims,
        )

    def paper(self, index: int) -> None:
        """Benchmark papers: benchmark facts, and scores under every setting field."""
        w, rng = self.w, self.rng
        sid = f"paper{index:05d}"
        ids = Ids()
        bench = w.pick_benchmark()
        b = w.benchmarks[bench]
        claims = [
            self.fact(
                ids,
                b["id"],
                b["name"],
                "item-count",
                "section 3",
                value=rng.randint(200, 15000),
                qualifier="test questions",
            ),
            self.fact(
                ids,
                b["id"],
                b["name"],
                "invalid-question-rate",
                "section 5",
                value=round(rng.uniform(0.5, 9), 1),
            ),
        ]
        if b["category"] == "video":
            claims.append(
                self.fact(
                    ids,
                    b["id"],
                    b["name"],
                    "average-video-minutes",
                    "table 1",
                    value=round(rng.uniform(2, 40), 1),
                )
            )
            claims.append(
                self.fact(
                    ids,
                    b["id"],
                    b["name"],
                    "certificate-minutes",
                    "table 1",
                    min=1,
                    max=round(rng.uniform(2, 10), 1),
                )
            )
        for model in sorted({w.pick_model() for _ in range(rng.randint(5, 25))}):
            claims.append(
                self.score(
                    ids,
                    model,
                    bench,
                    "third-party",
                    restate=True,
                    variant_p=0.6,
                    locator="main results table",
                )
            )
        month = EPOCH + rng.randrange(MONTHS)
        self.emit(
            self.source_meta(
                sid,
                f"Paper {index:05d}: a study of {b['name']}",
                "paper",
                partial(rng, month, rng.randint(1, 28)),
            ),
            claims,
        )

    def price_list(self, index: int) -> None:
        w, rng = self.w, self.rng
        sid = f"prices{index:04d}"
        ids = Ids()
        provider = rng.choice(w.hosts) if index % 2 else None
        month = EPOCH + 12 + rng.randrange(MONTHS - 12)
        claims = []
        for model in sorted({w.pick_model() for _ in range(rng.randint(15, 60))}):
            seller = provider or w.labs[w.models[model]["lab"]]["id"]
            for measure in ("input", "output"):
                claims.append(
                    self.price(
                        ids,
                        model,
                        seller,
                        measure,
                        True,
                        as_of=day_text(month, 1) if rng.random() < 0.3 else None,
                    )
                )
            if rng.random() < 0.1:
                claims.append(self.price(ids, model, seller, "monthly-cost", False))
        self.emit(
            self.source_meta(
                sid,
                f"Price list {index:04d}",
                "price-list",
                day_text(month, 15),
                publisher=provider or "Aggregated lab prices",
            ),
            claims,
        )

    def report(self, index: int) -> None:
        """Market reports: lab-level counts and shares, costs, stances."""
        w, rng = self.w, self.rng
        sid = f"report{index:04d}"
        ids = Ids()
        claims = []
        for lab in rng.sample(w.labs, min(len(w.labs), 4)):
            claims.append(
                self.fact(
                    ids,
                    lab["id"],
                    lab["name"],
                    "compute-share",
                    "figure 2",
                    value=round(rng.uniform(0.5, 20), 1),
                    qualifier="of global training compute",
                )
            )
            claims.append(
                self.fact(
                    ids,
                    lab["id"],
                    lab["name"],
                    "account-count",
                    "figure 3",
                    value=rng.randint(10**5, 10**8),
                    approximate=True,
                    qualifier="monthly active accounts",
                )
            )
            claims.append(
                self.fact(
                    ids,
                    lab["id"],
                    lab["name"],
                    "interaction-count",
                    "figure 4",
                    value=rng.randint(10**6, 10**9),
                    qualifier="API calls per day",
                )
            )
            claims.append(
                self.fact(
                    ids,
                    lab["id"],
                    lab["name"],
                    "workload-share",
                    "figure 5",
                    value=round(rng.uniform(1, 40), 1),
                    qualifier="of enterprise workloads",
                )
            )
        model = w.pick_model()
        claims.append(
            self.fact(
                ids,
                w.models[model]["id"],
                w.mention(model),
                "cost",
                "section 4",
                value=round(rng.uniform(1, 100), 1) * 1e6,
                unit=rng.choice(("usd", "gbp")),
                qualifier="training compute",
                approximate=True,
            )
        )
        claims.extend(self.stance(ids) for _ in range(rng.randint(1, 3)))
        seen = set()
        claims = [c for c in claims if not (c["id"] in seen or seen.add(c["id"]))]
        month = EPOCH + rng.randrange(MONTHS)
        self.emit(
            self.source_meta(
                sid,
                f"Report {index:04d} on the model market",
                "research-report",
                partial(rng, month, 1),
                publisher=f"Analyst {index % 13:02d}",
            ),
            claims,
        )


def write_reference_files(world: World, out: Path) -> None:
    ref = out / "data" / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    write_reference(
        ref / "labs.yaml",
        "labs",
        [
            {"id": lab["id"], "name": lab["name"], "aliases": lab["aliases"], "url": lab["url"]}
            for lab in world.labs
        ],
    )
    write_reference(
        ref / "families.yaml",
        "families",
        [{k: f[k] for k in ("id", "name", "lab", "aliases", "parent")} for f in world.families],
    )
    write_reference(
        ref / "models.yaml",
        "models",
        [
            {
                "id": m["id"],
                "name": m["name"],
                "lab": world.labs[m["lab"]]["id"],
                "family": m.get("family"),
                "aliases": m["aliases"],
                "system_kind": "agent-system"
                if i % 97 == 5
                else ("embedding-model" if i % 89 == 7 else None),
            }
            for i, m in enumerate(world.models)
        ],
    )
    write_reference(
        ref / "benchmarks.yaml",
        "benchmarks",
        [
            {k: b[k] for k in ("id", "name", "aliases", "category", "unit", "version", "parent", "url")}
            | ({"higher_is_better": False} if not b["higher_is_better"] else {})
            for b in world.benchmarks
        ],
    )
    write_reference(
        ref / "licences.yaml",
        "licences",
        [{"id": i, "name": n, "spdx": s, "osi_approved": o} for i, n, s, o in LICENCES],
    )
    write_reference(
        ref / "cohorts.yaml", "cohorts", [{"id": i, "name": n, "definition": d} for i, n, d in COHORTS]
    )
    write_reference(
        ref / "propositions.yaml",
        "propositions",
        [
            {
                "id": p,
                "statement": f"Thesis {p[5:]}: open-weight models have caught up on a benchmark family.",
            }
            for p in world.propositions
        ],
    )


def add_file(world: World, writer: Writer, out: Path) -> str:
    """A new 20-claim source (not part of the tree) for timing `kg add`."""
    rng = world.rng
    ids = Ids()
    claims = []
    while len(claims) < 20:
        model = world.pick_model()
        bench = rng.choice(world.models[model]["benchmarks"])
        claim = writer.score(ids, model, bench, "third-party", restate=True, locator=f"row {len(claims) + 1}")
        claims.append(claim)
    sid = "scale-added-source"
    path = out / "extra" / f"{sid}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_source(
        path,
        {
            "id": sid,
            "title": "A source added after the build",
            "date": "2026-11-20",
            "kind": "analysis",
            "accessed": "2026-11-23",
        },
        claims,
    )
    return str(path.relative_to(out))


def generate(out: Path, triples: int, seed: int = 7) -> dict:
    """Write a data tree of about ``triples`` triples under ``out``; return (and write) its manifest."""
    started = time.perf_counter()
    rng = random.Random(seed)
    world = World(rng, seed, triples)
    write_reference_files(world, out)
    writer = Writer(world, out)
    n = world.n_models
    for model in range(n):
        writer.model_card(model)
    for i in range(round(n * 0.12)):
        writer.article(i)
    for i in range(max(2, round(n / 120))):
        writer.leaderboard(i)
    for i in range(max(2, round(n / 40))):
        writer.paper(i)
    for i in range(max(2, round(n / 300))):
        writer.price_list(i)
    for i in range(max(2, round(n / 400))):
        writer.report(i)
    added = add_file(world, writer, out)

    # narrowing arguments, chosen from what was written
    biggest = max(world.trees, key=len)
    deep = [m for m in biggest if world.depth[m] == max(world.depth[x] for x in biggest)]
    descendants = len(biggest) - 1
    model = max(writer.subject_counts, key=lambda k: (writer.subject_counts[k], k))
    bench = max(writer.bench_counts, key=lambda k: (writer.bench_counts[k], -k))
    audit_source = max(writer.comparisons_by_source, key=lambda k: (writer.comparisons_by_source[k], k))
    dates = sorted(d for d in writer.dates if len(d) == 10)
    manifest = {
        "seed": seed,
        "target_triples": triples,
        "generator_seconds": round(time.perf_counter() - started, 1),
        "data": "data",
        "add_file": added,
        "edit_file": writer.first_source_file,
        "counts": {
            "labs": len(world.labs),
            "families": len(world.families),
            "models": n,
            "closed_models": world.n_closed,
            "open_models": world.n_open,
            "benchmarks": len(world.benchmarks),
            "sources": writer.n_sources,
            "claims": writer.n_claims,
            "claims_by_kind": dict(sorted(writer.kind_counts.items())),
            "lineage_trees": len(world.trees),
            "biggest_tree_descendants": descendants,
            "max_depth": max(world.depth.values()),
        },
        "narrow": {
            "model": model,
            "model_claims": writer.subject_counts[model],
            "benchmark": world.benchmarks[bench]["id"],
            "benchmark_scores": writer.bench_counts[bench],
            "root": world.models[biggest[0]]["id"],
            "root_descendants": descendants,
            "leaf": world.models[deep[-1]]["id"],
            "leaf_depth": world.depth[deep[-1]],
            "source": audit_source,
            "source_comparisons": writer.comparisons_by_source[audit_source],
            "as_of": dates[len(dates) // 2],
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000, help="target number of triples")
    parser.add_argument("--out", type=Path, required=True, help="directory to write (must not exist)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"{args.out} exists and is not empty")
    manifest = generate(args.out, args.triples, args.seed)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
