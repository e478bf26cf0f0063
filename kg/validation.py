"""SHACL validation of the RDF a load would add, reported as "file: record: rule".

A build validates each source's graph with the reference entities it points to, not the whole
graph at once: sources are validated in batches (in parallel on the available cores when there
is enough to do), and a source that validated once is not validated again while its file, the
reference data and the shapes stay the same (a cache of content hashes, under
``$PARITYKG_CACHE`` or ``.paritykg/cache``).
"""

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from kg.errors import Problem
from kg.ontology import SHAPES_FILE, shapes_graph, values_graph, values_turtle

SH = Namespace("http://www.w3.org/ns/shacl#")
CACHE_ENV = "PARITYKG_CACHE"
BATCH_TRIPLES = 20_000


@dataclass(frozen=True)
class Origin:
    """Where an RDF node came from: the file and the record (e.g. "claim 'mmmu-x'")."""

    file: str
    record: str


Violation = tuple[str, str | None, str]  # focus node, YAML key, rule


def _node_name(node: str) -> str:
    """A readable fallback name for a node with no known origin."""
    return node.rsplit("/id/", 1)[-1] if "/id/" in node else node


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return shapes_graph()


@lru_cache(maxsize=1)
def _values() -> Graph:
    return values_graph()


def shacl_violations(data: Graph) -> list[Violation]:
    """Validate ``data`` (plus the controlled values) against the shapes; every violation found."""
    from pyshacl import validate  # imported only when something is not in the cache (0.2-0.4 s)

    combined = Graph()
    combined += data
    combined += _values()
    shapes = _shapes()
    conforms, report, _ = validate(
        combined, shacl_graph=shapes, advanced=True, allow_warnings=True, inference="none"
    )
    if conforms:
        return []
    if not isinstance(report, Graph):
        raise RuntimeError(f"the SHACL shapes could not be applied: {report}")
    found: set[Violation] = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.detail) is not None:
            continue  # an sh:node wrapper: its details are reported on their own
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        source_shape = report.value(result, SH.sourceShape)
        key = shapes.value(source_shape, SH.name) if source_shape is not None else None
        found.add((str(focus), str(key) if key else None, str(message) if message else "breaks a shape rule"))
    return sorted(found, key=lambda v: (v[0], v[1] or "", v[2]))


def _as_problems(violations: Iterable[Violation], origins: dict[URIRef, Origin],
                 only_known: bool = False) -> list[Problem]:
    problems: set[Problem] = set()
    for focus, key, rule in violations:
        origin = origins.get(URIRef(focus))
        if origin is None and only_known:
            continue  # a referenced entity brought in for its type: checked with the reference data
        file = origin.file if origin else "graph"
        record = origin.record if origin else _node_name(focus)
        problems.add(Problem(file, record, f"'{key}': {rule}" if key else rule))
    return sorted(problems, key=lambda p: (p.file, p.record, p.rule))


def shacl_problems(data: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    """Validate ``data`` and name the file and record of each violation's focus node."""
    return _as_problems(shacl_violations(data), origins)


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A hash of what validation depends on besides the data: shapes, values, and the code
    that turns records into RDF (so a changed converter never trusts an old outcome)."""
    digest = hashlib.sha256(SHAPES_FILE.read_bytes())
    digest.update(values_turtle().encode())
    package = Path(__file__).parent
    for module in ("records.py", "rdf.py", "vocabulary.py", "integrity.py", "namespaces.py"):
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where validated content hashes are kept: ``$PARITYKG_CACHE`` or ``.paritykg/cache``."""
    return Path(os.environ.get(CACHE_ENV) or Path(".paritykg") / "cache") / "shacl"


@dataclass
class SourceToValidate:
    """One source's graph, the content hash it is cached under, and where its nodes came from."""

    source_id: str
    graph: Graph
    digest: str
    origins: dict[URIRef, Origin]


def _with_referenced_types(graph: Graph, reference: Graph) -> Graph:
    """The graph plus the types of the reference entities it points to (for sh:class checks)."""
    extended = Graph()
    extended += graph
    for obj in set(graph.objects()):
        if isinstance(obj, URIRef):
            for kind in reference.objects(obj, RDF.type):
                extended.add((obj, RDF.type, kind))
    return extended


def _validate_text(ntriples: str) -> list[Violation]:
    """Worker side: parse one batch sent as N-Triples and validate it."""
    graph = Graph()
    graph.parse(data=ntriples, format="nt")
    return shacl_violations(graph)


def _batches(items: list[SourceToValidate]) -> list[list[SourceToValidate]]:
    batches: list[list[SourceToValidate]] = [[]]
    size = 0
    for item in items:
        if size >= BATCH_TRIPLES and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += len(item.graph)
    return [b for b in batches if b]


def validate_sources(reference: Graph, reference_origins: dict[URIRef, Origin],
                     sources: list[SourceToValidate], *, check_reference: bool = True,
                     workers: int | None = None) -> list[Problem]:
    """SHACL problems of the reference graph and of every source not validated before.

    The reference graph is validated on its own; sources in batches of about 20,000 triples,
    each with the types of the entities it refers to. Outcomes that pass are remembered by
    content hash, so an unchanged source costs nothing on the next build.
    """
    cache = cache_dir()
    rules = rules_digest()
    pending = [s for s in sources if not (cache / s.digest).exists()]
    problems: list[Problem] = []
    reference_key = hashlib.sha256((rules + graph_digest(reference)).encode()).hexdigest()
    reference_marker = cache / f"reference-{reference_key}"
    jobs: list[tuple[Graph, dict[URIRef, Origin], bool, list[SourceToValidate]]] = []
    if check_reference and not reference_marker.exists():
        jobs.append((reference, reference_origins, False, []))
    for batch in _batches(pending):
        graph = Graph()
        origins: dict[URIRef, Origin] = {}
        for item in batch:
            graph += item.graph
            origins.update(item.origins)
        jobs.append((_with_referenced_types(graph, reference), origins, True, batch))
    total = sum(len(graph) for graph, *_ in jobs)
    workers = workers or min(os.cpu_count() or 1, len(jobs))
    if workers > 1 and total > 2 * BATCH_TRIPLES:
        texts = [graph.serialize(format="nt", encoding="utf-8").decode() for graph, *_ in jobs]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_validate_text, texts))
    else:
        outcomes = [shacl_violations(graph) for graph, *_ in jobs]
    for (_graph, origins, only_known, batch), violations in zip(jobs, outcomes, strict=True):
        found = _as_problems(violations, origins, only_known)
        problems.extend(found)
        if not found:
            cache.mkdir(parents=True, exist_ok=True)
            markers = [cache / item.digest for item in batch] if batch else [reference_marker]
            for marker in markers:
                marker.touch()
    return sorted(set(problems), key=lambda p: (p.file, p.record, p.rule))


def source_digest(file_bytes: bytes, reference_digest: str) -> str:
    """The cache key of one source: its file, the reference data it was read against, the rules."""
    digest = hashlib.sha256(file_bytes)
    digest.update(reference_digest.encode())
    digest.update(rules_digest().encode())
    return digest.hexdigest()


def graph_digest(graph: Graph) -> str:
    """An order-independent hash of a graph's triples."""
    lines = sorted(" ".join(term.n3() for term in triple) for triple in graph)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
