"""Cross-file checks pydantic cannot make: ids, references, ranges, lineage cycles."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.errors import DataError, Problem, display_path
from kg.loading import DataTree, LoadedSource
from kg.records import (
    ComparisonClaim,
    FactClaim,
    LineageClaim,
    PriceClaim,
    ScoreClaim,
    StanceClaim,
    ValueMixin,
)
from kg.vocabulary import FACT_PROPERTY_BY_SLUG

SCORABLE = ("model", "family", "cohort")
BUILDABLE = ("model", "family")


@dataclass
class ReferenceIndex:
    """What is known about every entity id: its kind, and a benchmark's unit."""

    kinds: dict[str, str] = field(default_factory=dict)
    benchmark_units: dict[str, str] = field(default_factory=dict)
    entity_lab: dict[str, str] = field(default_factory=dict)
    source_ids: set[str] = field(default_factory=set)
    lineage_edges: list[tuple[str, str]] = field(default_factory=list)


def _label(kind: str, ident: str) -> str:
    return f"{kind} '{ident}'"


def index_reference(tree: DataTree) -> tuple[ReferenceIndex, list[Problem]]:
    """Index reference entities and check their ids and cross-references."""
    index = ReferenceIndex()
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for loaded in tree.references:
        name = display_path(loaded.path)
        for section, kind in _SECTIONS:
            for record in getattr(loaded.record, section):
                if record.id in seen:
                    problems.append(Problem(name, _label(kind, record.id),
                                            f"duplicate id: already defined in {seen[record.id]}"))
                    continue
                seen[record.id] = name
                index.kinds[record.id] = kind
                if kind == "benchmark":
                    index.benchmark_units[record.id] = record.unit
                if kind in ("model", "family"):
                    index.entity_lab[record.id] = record.lab
    for loaded in tree.references:
        name = display_path(loaded.path)
        rec = loaded.record
        for lab_owned in [*rec.families, *rec.models]:
            kind = "family" if lab_owned in rec.families else "model"
            _expect(index, problems, name, _label(kind, lab_owned.id), "lab", lab_owned.lab, ("lab",))
        for model in rec.models:
            if model.family:
                _expect(index, problems, name, _label("model", model.id), "family", model.family,
                        ("family",))
        for family in rec.families:
            if family.parent:
                _expect(index, problems, name, _label("family", family.id), "parent",
                        family.parent, ("family",))
        for bench in rec.benchmarks:
            if bench.parent:
                _expect(index, problems, name, _label("benchmark", bench.id), "parent",
                        bench.parent, ("benchmark",))
            for variant in bench.variant_of:
                _expect(index, problems, name, _label("benchmark", bench.id), "variant_of.benchmark",
                        variant.benchmark, ("benchmark",))
    return index, problems


_SECTIONS = (
    ("labs", "lab"),
    ("families", "family"),
    ("models", "model"),
    ("cohorts", "cohort"),
    ("benchmarks", "benchmark"),
    ("licences", "licence"),
    ("propositions", "proposition"),
)


def _expect(
    index: ReferenceIndex,
    problems: list[Problem],
    file: str,
    record: str,
    key: str,
    ident: str,
    kinds: tuple[str, ...],
) -> None:
    """Record a problem unless ``ident`` names an entity of one of ``kinds``."""
    found = index.kinds.get(ident)
    wanted = " or ".join(kinds)
    if found is None:
        problems.append(Problem(file, record, f"'{key}' refers to unknown {wanted} '{ident}'"))
    elif found not in kinds:
        problems.append(Problem(file, record, f"'{key}' must be a {wanted}, but '{ident}' is a {found}"))


def _check_range(problems: list[Problem], file: str, record: str, claim: ValueMixin,
                 low: float | None, high: float | None, what: str) -> None:
    for key in ("value", "min", "max"):
        number = getattr(claim, key)
        if not isinstance(number, int | float) or isinstance(number, bool):
            continue
        if low is not None and number < low or high is not None and number > high:
            problems.append(Problem(file, record, f"'{key}' is {number}, but {what}"))


def check_source(loaded: LoadedSource, index: ReferenceIndex) -> list[Problem]:
    """Check one source file's references and values against the reference index."""
    name = display_path(loaded.path)
    source = loaded.record.source
    problems: list[Problem] = []
    if loaded.path.stem != source.id:
        problems.append(Problem(name, f"source '{source.id}'",
                                f"file name must be the source id ('{source.id}.yaml')"))
    for lab in source.labs:
        _expect(index, problems, name, f"source '{source.id}'", "labs", lab, ("lab",))
    claim_ids: set[str] = set()
    for claim in loaded.record.claims:
        record = f"claim '{claim.id}'"
        if claim.id in claim_ids:
            problems.append(Problem(name, record, "duplicate claim id in this file"))
        claim_ids.add(claim.id)
        _check_claim(claim, index, problems, name, record)
    return problems


def _check_claim(claim, index: ReferenceIndex, problems: list[Problem], name: str,
                 record: str) -> None:
    def expect(key: str, ident: str, kinds: tuple[str, ...]) -> None:
        _expect(index, problems, name, record, key, ident, kinds)

    if isinstance(claim, ScoreClaim):
        expect("subject", claim.subject, SCORABLE)
        expect("benchmark", claim.benchmark, ("benchmark",))
        if index.benchmark_units.get(claim.benchmark) == "percent":
            _check_range(problems, name, record, claim, 0, 100,
                         f"'{claim.benchmark}' is scored in percent (0-100)")
        if claim.setting.evaluator:
            expect("setting.evaluator", claim.setting.evaluator, ("lab",))
    elif isinstance(claim, PriceClaim):
        expect("subject", claim.subject, SCORABLE)
        _check_range(problems, name, record, claim, 0, None, "a price cannot be negative")
    elif isinstance(claim, FactClaim):
        if claim.subject not in index.kinds:
            problems.append(Problem(name, record, f"'subject' refers to unknown entity '{claim.subject}'"))
        spec = FACT_PROPERTY_BY_SLUG[claim.property]
        if spec.value_type in ("lab", "licence") and isinstance(claim.value, str):
            expect("value", claim.value, (spec.value_type,))
        if (claim.unit or spec.unit) == "percent":
            _check_range(problems, name, record, claim, 0, 100, "a percentage must be 0-100")
        if spec.value_type == "number":
            _check_range(problems, name, record, claim, 0, None, f"'{claim.property}' cannot be negative")
    elif isinstance(claim, LineageClaim):
        expect("child", claim.child, BUILDABLE)
        expect("parent", claim.parent, BUILDABLE)
        if claim.child == claim.parent:
            problems.append(Problem(name, record, "a model cannot be built on itself"))
    elif isinstance(claim, ComparisonClaim):
        expect("left", claim.left, SCORABLE)
        expect("right", claim.right, SCORABLE)
        if claim.benchmark:
            expect("benchmark", claim.benchmark, ("benchmark",))
        if claim.magnitude:
            _check_range(problems, name, record, claim.magnitude, 0, None,
                         "a magnitude cannot be negative (use 'relation' for the direction)")
    elif isinstance(claim, StanceClaim):
        expect("proposition", claim.proposition, ("proposition",))


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A lineage cycle (child -> parent -> ... -> child) if the edges contain one."""
    graph: dict[str, set[str]] = {}
    for child, parent in edges:
        graph.setdefault(child, set()).add(parent)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for parent in sorted(graph.get(node, ())):
            if state.get(parent) == 1:
                return path[path.index(parent):] + [parent]
            if parent not in state:
                found = visit(parent)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


@dataclass(frozen=True)
class SourceOutline:
    """What the checks across source files need to know of one file: its id and lineage edges."""

    file: str
    source_id: str
    lineage: tuple[tuple[str, str, str], ...]  # child, parent, record ("claim 'x'")


def outline_of(loaded: LoadedSource) -> SourceOutline:
    """The outline of one loaded source file."""
    return SourceOutline(display_path(loaded.path), loaded.record.source.id, tuple(
        (claim.child, claim.parent, f"claim '{claim.id}'")
        for claim in loaded.record.claims if isinstance(claim, LineageClaim)))


def check_across(outlines: Iterable[SourceOutline], index: ReferenceIndex) -> list[Problem]:
    """Checks across source files (and the store): source ids unique, no lineage cycle."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    edges = list(index.lineage_edges)
    edge_origin: dict[tuple[str, str], tuple[str, str]] = {}
    for outline in outlines:
        if outline.source_id in seen or outline.source_id in index.source_ids:
            where = seen.get(outline.source_id, "the store")
            problems.append(Problem(outline.file, f"source '{outline.source_id}'",
                                    f"duplicate source id: already in {where}"))
        seen[outline.source_id] = outline.file
        for child, parent, record in outline.lineage:
            edges.append((child, parent))
            edge_origin[(child, parent)] = (outline.file, record)
    cycle = find_cycle(edges)
    if cycle:
        steps = list(zip(cycle, cycle[1:], strict=False))
        file, record = next((edge_origin[s] for s in steps if s in edge_origin), ("data", "lineage"))
        path = " -> ".join(cycle)
        problems.append(Problem(file, record, f"lineage cycle: {path} (a model cannot descend from itself)"))
    return problems


def check_sources(sources: list[LoadedSource], index: ReferenceIndex) -> list[Problem]:
    """Check source files: references and values, ids unique (also against the store), lineage cycles."""
    problems = [problem for loaded in sources for problem in check_source(loaded, index)]
    return problems + check_across((outline_of(loaded) for loaded in sources), index)


def check_tree(tree: DataTree) -> ReferenceIndex:
    """Run every cross-file check on a data tree; raise ``DataError`` if any fails."""
    index, problems = index_reference(tree)
    problems.extend(check_sources(tree.sources, index))
    if problems:
        raise DataError(problems)
    return index
