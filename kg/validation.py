"""SHACL validation of the RDF a load would add, reported as "file: record: rule".

A build validates each source's graph with the reference entities it points to, not the whole
graph at once (``kg.source_check``, in worker processes), and a source that validated once is not
validated again while its file, the reference data and the shapes stay the same (a cache of
content hashes, under ``$PARITYKG_CACHE`` or ``.paritykg/cache``).
"""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace, URIRef

from kg.errors import Problem
from kg.namespaces import PK
from kg.ontology import (
    SHAPES_FILE,
    VOCABULARY_FILE,
    shapes_graph,
    values_graph,
    vocabulary_graph,
)

SH = Namespace("http://www.w3.org/ns/shacl#")
CACHE_ENV = "PARITYKG_CACHE"


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
def _context() -> Graph:
    """What every validation adds to the data: the controlled values and the class hierarchy
    (``sh:class`` follows ``rdfs:subClassOf`` in the data graph)."""
    graph = Graph()
    graph += values_graph()
    for triple in vocabulary_graph().triples((None, RDFS.subClassOf, None)):
        graph.add(triple)
    return graph


ENTITY_CLASSES = frozenset(PK[name] for name in (
    "Lab", "Model", "ModelFamily", "Cohort", "Benchmark", "Licence", "Proposition"))


@lru_cache(maxsize=1)
def _source_shapes() -> list[str]:
    """The shapes a source's graph is checked with: all but those of reference entities (a source
    only points at those, and they are validated with the reference data)."""
    shapes = _shapes()
    entity_shapes = {shape for cls in ENTITY_CLASSES for shape in shapes.subjects(SH.targetClass, cls)}
    return sorted(str(shape) for shape in shapes.subjects(RDF.type, SH.NodeShape)
                  if isinstance(shape, URIRef) and shape not in entity_shapes)


def shacl_violations(data: Graph, *, sources_only: bool = False) -> list[Violation]:
    """Validate ``data`` (plus the controlled values and the class hierarchy, added to it in place)
    against the shapes; every violation found. ``sources_only`` applies only the shapes of sources
    and claims, for a graph holding reference entities only so that they can be pointed at."""
    from pyshacl import validate  # imported only when something is not in the cache (0.2-0.4 s)

    from kg.shacl_batching import install

    install()

    data += _context()
    shapes = _shapes()
    conforms, report, _ = validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True, inference="none",
        inplace=True, use_shapes=_source_shapes() if sources_only else None,
    )
    if conforms:
        return []
    if not isinstance(report, Graph):
        raise RuntimeError(f"the SHACL shapes could not be applied: {report}")
    found: set[Violation] = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.detail) is not None:
            continue  # an sh:node wrapper: its details are reported on their own
        focus_node = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        source_shape = report.value(result, SH.sourceShape)
        key = shapes.value(source_shape, SH.name) if source_shape is not None else None
        rule = str(message) if message else "breaks a shape rule"
        found.add((str(focus_node), str(key) if key else None, rule))
    return sorted(found, key=lambda v: (v[0], v[1] or "", v[2]))


def as_problems(violations: Iterable[Violation], origins: dict[URIRef, Origin]) -> list[Problem]:
    """Violations as problems naming the file and record of each focus node (or the node)."""
    problems: set[Problem] = set()
    for focus, key, rule in violations:
        origin = origins.get(URIRef(focus))
        file = origin.file if origin else "graph"
        record = origin.record if origin else _node_name(focus)
        problems.add(Problem(file, record, f"'{key}': {rule}" if key else rule))
    return sorted(problems, key=lambda p: (p.file, p.record, p.rule))


def shacl_problems(data: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    """Validate ``data`` and name the file and record of each violation's focus node."""
    return as_problems(shacl_violations(data), origins)


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A hash of what validation depends on besides the data: shapes, values, and the code
    that turns records into RDF (so a changed converter never trusts an old outcome)."""
    digest = hashlib.sha256(SHAPES_FILE.read_bytes())
    digest.update(VOCABULARY_FILE.read_bytes())
    package = Path(__file__).parent
    # the controlled values are generated from vocabulary.py by ontology.py
    for module in ("records.py", "rdf.py", "vocabulary.py", "ontology.py", "integrity.py", "namespaces.py"):
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where validated content hashes are kept: ``$PARITYKG_CACHE`` or ``.paritykg/cache``."""
    return Path(os.environ.get(CACHE_ENV) or Path(".paritykg") / "cache") / "shacl"


def is_validated(digest: str) -> bool:
    """Whether content with this cache key passed validation before."""
    return (cache_dir() / digest).exists()


def mark_validated(digest: str) -> None:
    """Remember that content with this cache key passed validation."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    (cache / digest).touch()


def validate_reference(reference: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    """SHACL problems of the reference graph (entities), remembered by content hash when clean."""
    key = "reference-" + hashlib.sha256((rules_digest() + graph_digest(reference)).encode()).hexdigest()
    if is_validated(key):
        return []
    data = Graph()
    data += reference
    problems = as_problems(shacl_violations(data), origins)
    if not problems:
        mark_validated(key)
    return problems


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
