"""What "comparable" means, in one place: which claims are compared, and what their difference means.

Two claims are compared when they are about the same thing:

- scores: the same subject and the same benchmark, or a benchmark and one it is declared to be
  part or a version of (``parent`` / ``variant_of``: a subset, a version, the same test set),
  directly or through a chain; two parts (or two versions) of one benchmark only when they give
  the same exact number (a number filed under the wrong part), as they are different tests;
- facts: the same property and qualifier of the same subject, or of two subjects linked by a
  lineage relation that preserves that property (``PRESERVED_BY_RELATION``);
- prices: the same subject, measure, unit and seller (a price with no provider is the lab's own);
- stances: the same proposition.

When their values differ, the pair gets one verdict, checked in this order:

1. ``explained by benchmark variant``: the scores are on two related benchmarks;
2. ``explained by setting``: a setting dimension is stated on both sides and differs
   (e.g. ``reasoning_effort`` high vs low, ``harness`` Terminus vs in-house agent);
3. ``explained by date``: both claims speak for different dates (prices from different days,
   scores with different ``as_of``: a leaderboard at two dates);
4. ``setting unstated on one side``: a dimension is stated on one side only (a vendor number
   with nothing said about shots vs "0-shot"): a possible disagreement, not explained;
5. ``conflict``: nothing explains the difference.

Identical numbers under two related benchmarks get ``same number under another benchmark``
(one source may have filed it under the wrong one).

Values differ when: two exact numbers are not equal, however small the difference (84.9 vs
84.8); otherwise (a range, an approximate value, a stated uncertainty) when their intervals do
not overlap. Each pair records its size: the difference in the claims' unit and in units of the
finer last written digit, so users can sort minor from major.

Examples: GPT-4o MMLU 88.7 (0-shot) vs 88.7 -> no pair; 88.7 (0-shot) vs 87.2 with no shots
stated -> ``setting unstated on one side``; 88.7 (snapshot 2024-05-13) vs 85.7 (snapshot
2024-08-06) -> ``explained by setting``; 88.7 vs 88.8, nothing stated -> ``conflict``, 0.1
points, 1 last-digit unit; GPQA 53.6 vs GPQA Diamond 53.6 -> ``same number under another
benchmark``.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

# Setting dimensions compared between two scores (or prices): every field of
# kg.records.Setting except the free-text note, with pass_at/consensus_at read as one scoring
# metric and the reasoning effort as one dimension (COMBINED_DIMENSIONS).
SETTING_DIMENSIONS = ("shots", "cot", "metric", "tools", "split", "snapshot", "reasoning_effort",
                      "system_prompt", "harness", "attempts", "evaluator", "output_cap")

# Two fields describe one dimension each, as an analyst reads them: the scoring metric (pass@k or
# a majority vote cons@k: "pass@1" against "cons@64" is a stated difference) and the reasoning
# effort (the controlled level when given, else the source's words: "Extended Thinking" stated
# on one side only is an unstated dimension, not a match).
COMBINED_DIMENSIONS = {"pass_at": "metric", "consensus_at": "metric",
                       "reasoning_effort": "reasoning_effort", "reasoning_effort_mention": "reasoning_effort"}

# Which lineage relations carry which fact properties from parent to child: the one table.
# A quantized checkpoint has its parent's parameter counts and architecture; a documented
# revision (a later checkpoint with the same architecture) keeps them too. Fine-tunes,
# distillations, merges and adapters change or add weights, so nothing is carried across them.
PRESERVED_BY_RELATION: dict[str, frozenset[str]] = {
    "quantization": frozenset({"total-parameters", "active-parameters", "architecture"}),
    "revision": frozenset({"total-parameters", "active-parameters", "architecture"}),
}

# Free-text fact properties are shown but never compared: their wordings differ without meaning.
TEXT_ONLY_PROPERTIES = frozenset({"architecture"})

VERDICT_ORDER = ("conflict", "setting unstated on one side", "same number under another benchmark",
                 "explained by setting", "explained by benchmark variant", "explained by date")


@dataclass(slots=True)
class ComparableClaim:
    """What the rule needs to know about one claim (read from the store by ``kg.derive``).

    ``subject`` and ``prop`` are IRIs (the subject, or a stance's proposition; the benchmark,
    fact property, price measure or proposition).
    """

    iri: str
    kind: str
    subject: str
    prop: str
    qualifier: str | None = None
    unit: str | None = None
    number: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    exact: bool = False
    text: str | None = None
    entity: str | None = None
    setting: dict[str, str] = field(default_factory=dict)
    effective: str | None = None
    as_of: str | None = None
    provider: str | None = None
    stance: str | None = None


@dataclass(frozen=True)
class Difference:
    """How far apart two values are (no distance for values that are not numbers)."""

    distance: Decimal | None = None
    difference: Decimal | None = None
    digit_units: Decimal | None = None


@dataclass(frozen=True)
class Pair:
    """Two comparable claims whose values differ (or match across benchmarks), with the verdict."""

    first: ComparableClaim
    second: ComparableClaim
    verdict: str
    size: Difference
    differing: tuple[str, ...] = ()
    unstated: tuple[str, ...] = ()


def _digits(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _numeric_difference(a: ComparableClaim, b: ComparableClaim) -> Difference | None:
    if a.exact and b.exact and a.number is not None and b.number is not None:
        if a.number == b.number:
            return None
        delta = abs(a.number - b.number)
        unit = Decimal(1).scaleb(-max(_digits(a.number), _digits(b.number)))
        return Difference(delta, delta, delta / unit)
    gaps = []
    if a.low is not None and b.high is not None:
        gaps.append(a.low - b.high)
    if b.low is not None and a.high is not None:
        gaps.append(b.low - a.high)
    gap = max(gaps) if gaps else Decimal(0)
    if gap <= 0:
        return None
    mid_a, mid_b = _midpoint(a), _midpoint(b)
    difference = abs(mid_a - mid_b) if mid_a is not None and mid_b is not None else None
    return Difference(gap, difference)


def midpoint(exact: Decimal | None, low: Decimal | None, high: Decimal | None) -> Decimal | None:
    """The value a number counts as: the exact value, else the middle of its range, else its one bound.

    The one midpoint rule: comparisons here, and the precomputed ``pk:midValue`` (kg/keys.py)
    that parity, lag and trend compare.
    """
    if exact is not None:
        return exact
    if low is not None and high is not None:
        return (low + high) / 2
    return low if low is not None else high


def _midpoint(claim: ComparableClaim) -> Decimal | None:
    return midpoint(claim.number, claim.low, claim.high)


def value_difference(a: ComparableClaim, b: ComparableClaim) -> Difference | None:
    """How two claims' values differ, or None when they agree (see the module docstring)."""
    if a.kind == "stance":
        opposed = {a.stance, b.stance} == {"supports", "disputes"}
        return Difference() if opposed else None
    if a.entity is not None or b.entity is not None:
        return None if a.entity == b.entity else Difference()
    if a.low is not None or a.high is not None or b.low is not None or b.high is not None:
        return _numeric_difference(a, b)
    if a.text is None or b.text is None:
        return None
    agree = a.text.startswith(b.text) or b.text.startswith(a.text)  # 2025-01 agrees with 2025-01-20
    return None if agree else Difference()


def dimensions(setting: dict[str, str]) -> dict[str, str]:
    """A claim's stated setting, one value per compared dimension."""
    stated = {name: value for name, value in setting.items() if name not in COMBINED_DIMENSIONS}
    if "consensus_at" in setting:
        stated["metric"] = f"cons@{setting['consensus_at']}"
    elif "pass_at" in setting:
        stated["metric"] = f"pass@{setting['pass_at']}"
    effort = setting.get("reasoning_effort") or setting.get("reasoning_effort_mention")
    if effort:
        stated["reasoning_effort"] = effort.casefold()
    return stated


def setting_dimensions(a: ComparableClaim, b: ComparableClaim) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The setting dimensions stated on both sides with different values, and those stated on one side."""
    sa, sb = dimensions(a.setting), dimensions(b.setting)
    differing = tuple(d for d in SETTING_DIMENSIONS if d in sa and d in sb and sa[d] != sb[d])
    unstated = tuple(d for d in SETTING_DIMENSIONS if (d in sa) != (d in sb))
    return differing, unstated


def judge(a: ComparableClaim, b: ComparableClaim) -> Pair | None:
    """The verdict on two comparable claims, or None when there is nothing to report."""
    size = value_difference(a, b)
    cross_benchmark = a.kind == "score" and a.prop != b.prop
    if size is None:
        if cross_benchmark and a.exact and b.exact and a.number == b.number:
            return Pair(a, b, "same number under another benchmark", Difference(None, Decimal(0)))
        return None
    if cross_benchmark:
        return Pair(a, b, "explained by benchmark variant", size)
    differing, unstated = setting_dimensions(a, b) if a.kind in ("score", "price") else ((), ())
    if differing:
        return Pair(a, b, "explained by setting", size, differing, unstated)
    if _dated_apart(a, b):
        return Pair(a, b, "explained by date", size, differing, unstated)
    if unstated:
        return Pair(a, b, "setting unstated on one side", size, differing, unstated)
    return Pair(a, b, "conflict", size)


def _dated_apart(a: ComparableClaim, b: ComparableClaim) -> bool:
    if a.kind == "price":
        return a.effective != b.effective
    return a.kind == "score" and a.as_of is not None and b.as_of is not None and a.as_of != b.as_of


class _Components:
    """Union-find over ids: benchmark variant groups, subjects linked by preserving relations."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent.get(item, item)
        return root

    def join(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


@dataclass
class Relations:
    """Reference knowledge the rule uses: related benchmarks, lineage edges, labs' names."""

    benchmark_links: list[tuple[str, str]] = field(default_factory=list)  # benchmark IRIs
    lineage_edges: list[tuple[str, str, str]] = field(default_factory=list)  # child, parent IRIs, relation
    seller_names: dict[str, set[str]] = field(default_factory=dict)  # subject IRI -> its lab's names

    def variant_groups(self) -> _Components:
        """Benchmarks grouped with every benchmark they are declared related to, in any direction."""
        groups = _Components()
        for a, b in self.benchmark_links:
            groups.join(a, b)
        return groups

    def benchmark_ancestors(self) -> dict[str, set[str]]:
        """Per benchmark, every benchmark it is declared to be part or a version of, directly or
        through a chain of declarations (``parent``, ``variant_of``), itself left out."""
        declared: dict[str, set[str]] = defaultdict(set)
        for narrower, wider in self.benchmark_links:
            if narrower != wider:
                declared[narrower].add(wider)
        ancestors: dict[str, set[str]] = {}
        for benchmark in declared:
            reached: set[str] = set()
            frontier = list(declared[benchmark])
            while frontier:
                wider = frontier.pop()
                if wider not in reached and wider != benchmark:
                    reached.add(wider)
                    frontier.extend(declared.get(wider, ()))
            ancestors[benchmark] = reached
        return ancestors

    def preserving_groups(self) -> dict[str, _Components]:
        """Per fact property, subjects grouped across the lineage relations that preserve it."""
        groups: dict[str, _Components] = defaultdict(_Components)
        for child, parent, relation in self.lineage_edges:
            for prop in PRESERVED_BY_RELATION.get(relation, ()):
                groups[prop].join(child, parent)
        return groups


def slug(iri: str) -> str:
    """The last segment of an IRI: the id of an entity or the slug of a controlled value."""
    return iri.rsplit("/", 1)[-1]


def _normalise(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def sellers_match(a: ComparableClaim, b: ComparableClaim, relations: Relations) -> bool:
    """Whether two prices are from the same seller (a price with no provider is the lab's own)."""
    if a.provider is not None and b.provider is not None:
        return _normalise(a.provider) == _normalise(b.provider)
    if a.provider is None and b.provider is None:
        return True
    given = _normalise(a.provider or b.provider or "")
    lab_names = relations.seller_names.get(a.subject, set())
    return any(name and given.startswith(name) for name in lab_names)


def group_key(claim: ComparableClaim, preserving: dict[str, _Components]) -> tuple:
    """Claims with equal keys are compared with each other (scores also with the scores of the
    same subject on a related benchmark: ``comparable_pairs``)."""
    if claim.kind == "score":
        return ("score", claim.subject, claim.prop)
    if claim.kind == "fact":
        prop = slug(claim.prop)
        subject = preserving[prop].find(claim.subject) if prop in preserving else claim.subject
        return ("fact", subject, claim.prop, claim.qualifier)
    if claim.kind == "price":
        return ("price", claim.subject, claim.prop, claim.unit)
    return ("stance", claim.prop)


def _candidates(groups: dict[tuple, list[ComparableClaim]], relations: Relations
                ) -> Iterator[tuple[ComparableClaim, ComparableClaim]]:
    """The pairs to judge: every two claims of one group; every score with each score of the same
    subject on a benchmark its own is declared part or a version of; and two scores of a subject on
    two parts of one benchmark only when they give the same exact number (one source may have filed
    it under the wrong part: otherwise two parts are two tests, and they are not compared)."""
    ancestors = relations.benchmark_ancestors()
    variants = relations.variant_groups()
    same_number: dict[tuple, list[ComparableClaim]] = defaultdict(list)
    for key, members in groups.items():
        yield from combinations(members, 2)
        if key[0] != "score":
            continue
        wider_ones = ancestors.get(key[2], set())
        for wider in sorted(wider_ones):
            if key[2] in ancestors.get(wider, ()) and wider < key[2]:
                continue  # declared both ways: the pair of groups is taken once, from the other side
            for a in members:
                for b in groups.get(("score", key[1], wider), ()):
                    yield (a, b) if a.iri < b.iri else (b, a)
        for claim in members:
            if claim.exact and claim.number is not None:
                same_number[(key[1], variants.find(key[2]), claim.number)].append(claim)
    for members in same_number.values():
        for a, b in combinations(sorted(members, key=lambda c: c.iri), 2):
            if a.prop != b.prop and a.prop not in ancestors.get(b.prop, ()) \
                    and b.prop not in ancestors.get(a.prop, ()):
                yield a, b


def comparable_pairs(claims: Iterable[ComparableClaim], relations: Relations,
                     involving: set[str] | None = None) -> Iterator[Pair]:
    """Every pair of comparable claims with something to report, first claim by IRI.

    ``involving`` restricts the pairs to those with at least one of these claim IRIs (an add).
    Work grows with the claims that are compared with each other, not with the benchmark
    families: two tasks of one suite (two parts of one benchmark) are not compared.
    """
    preserving = relations.preserving_groups()
    groups: dict[tuple, list[ComparableClaim]] = defaultdict(list)
    for claim in claims:
        if claim.kind == "fact" and slug(claim.prop) in TEXT_ONLY_PROPERTIES:
            continue
        groups[group_key(claim, preserving)].append(claim)
    for members in groups.values():
        members.sort(key=lambda c: c.iri)
    for a, b in _candidates(groups, relations):
        if involving is not None and a.iri not in involving and b.iri not in involving:
            continue
        if a.kind == "price" and not sellers_match(a, b, relations):
            continue
        pair = judge(a, b)
        if pair is not None:
            yield pair


def parse_setting_key(key: str | None) -> dict[str, str]:
    """A setting from its canonical key text (``kg.records.Setting.key``: ``name=value;...``)."""
    return dict(part.split("=", 1) for part in (key or "").split(";") if "=" in part)


def settings_agree(key_a: str | None, key_b: str | None) -> bool:
    """Whether two scores were measured in the same setting, as far as their sources say:
    no dimension differs and none is stated on one side only (the audit counts only these)."""
    a = ComparableClaim(iri="", kind="score", subject="", prop="", setting=parse_setting_key(key_a))
    b = ComparableClaim(iri="", kind="score", subject="", prop="", setting=parse_setting_key(key_b))
    differing, unstated = setting_dimensions(a, b)
    return not differing and not unstated
