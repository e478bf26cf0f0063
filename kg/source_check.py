"""Source files to checked RDF: read, check, convert, validate with SHACL, serialise.

A build hands chunks of source files to worker processes (``check_chunk``); ``kg add`` checks its
one file in-process (``check_files``). For each file: read and shape-check it (pydantic), check its
references and values against the reference index, convert it to triples, then validate the
chunk's not-yet-validated sources with pySHACL in one run, each with the types of the reference
entities it points to (a source whose file, reference data and rules are unchanged since it last
passed is not validated again: ``kg.validation``'s cache). What comes back is small: problems, an
outline for the checks across files, the source's triples as N-Quads for the store's loader, and
its comparable claims (``kg.derive``) for the pairs the build derives.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from kg.checked_cache import checked_key, load_checked, store_checked
from kg.comparability import ComparableClaim
from kg.derive import comparable_claims_of
from kg.errors import DataError, Problem, display_path
from kg.integrity import ReferenceIndex, SourceOutline, check_source, outline_of
from kg.loading import LoadedSource, load_source_file, read_data_bytes
from kg.namespaces import claim_iri, source_graph, source_iri
from kg.rdf import Triples, source_triples
from kg.store import graph_quads
from kg.validation import Origin, as_problems, is_validated, mark_validated, shacl_violations, source_digest


@dataclass(frozen=True)
class CheckContext:
    """What checking a source needs to know of the rest of the data, sent once to each worker."""

    index: ReferenceIndex
    entity_types: dict[URIRef, tuple[URIRef, ...]]  # reference entity -> its classes (for sh:class)
    reference_digest: str
    root: Path | None = None  # the data tree the files belong to (symbolic links may not leave it)


@dataclass
class CheckedSource:
    """The outcome for one source file: problems, or its triples as N-Quads ready to load."""

    file: str
    outline: SourceOutline | None = None  # None when the file could not be read
    claim_ids: tuple[str, ...] = ()
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)
    nquads: bytes = b""
    comparable: list[ComparableClaim] = field(default_factory=list)  # for the derived pairs

    @property
    def claims(self) -> int:
        """How many claims the file holds."""
        return len(self.claim_ids)


_context: CheckContext | None = None


def init_worker(context: CheckContext) -> None:
    """Worker start-up: keep the context for every chunk this worker checks."""
    global _context
    _context = context


def check_chunk(paths: list[str]) -> list[CheckedSource]:
    """Worker side: check one chunk of source files with the context set at start-up."""
    assert _context is not None, "init_worker was not called"
    return check_files([Path(p) for p in paths], _context)


def origins_of(loaded: LoadedSource) -> dict[URIRef, Origin]:
    """Where each node of a source's graph comes from (for naming file and record in problems)."""
    name = display_path(loaded.path)
    src = loaded.record.source
    origins = {source_iri(src.id): Origin(name, f"source '{src.id}'")}
    for claim in loaded.record.claims:
        node = claim_iri(src.id, claim.id)
        origins[node] = Origin(name, f"claim '{claim.id}'")
        if claim.origin is not None:
            origins[URIRef(f"{node}/origin")] = origins[node]
    return origins


@dataclass
class _Pending:
    """A converted source still to be validated."""

    result: CheckedSource
    triples: Triples
    digest: str
    origins: dict[URIRef, Origin]


def remembered_outcomes(paths: list[Path], context: CheckContext) -> dict[Path, CheckedSource]:
    """The files among ``paths`` checked clean before with the same name, content, reference data
    and rules, with their remembered outcome (``kg.checked_cache``); unreadable files are left to
    :func:`check_files`, which reports them."""
    found: dict[Path, CheckedSource] = {}
    for path in paths:
        try:
            raw = read_data_bytes(path, context.root)
        except DataError:
            continue
        remembered = load_checked(checked_key(display_path(path), raw, context.reference_digest))
        if isinstance(remembered, CheckedSource):
            found[path] = remembered
    return found


def check_files(paths: list[Path], context: CheckContext) -> list[CheckedSource]:
    """Check source files in order; validate the ones not validated before in one pySHACL run.

    Each file that passes is remembered by its name, content, reference data and rules
    (``kg.checked_cache``), so a later build takes it from there (:func:`remembered_outcomes`).
    """
    results: list[CheckedSource] = []
    loaded: list[tuple[CheckedSource, LoadedSource]] = []
    keys: dict[int, str] = {}
    for path in paths:
        result = CheckedSource(display_path(path))
        results.append(result)
        try:
            raw = read_data_bytes(path, context.root)
            keys[id(result)] = checked_key(result.file, raw, context.reference_digest)
            loaded.append((result, load_source_file(path, context.root, raw)))
        except DataError as error:
            result.problems = list(error.problems)
    _check_loaded(loaded, context)
    for result, _ in loaded:
        if not result.problems and result.outline is not None:
            store_checked(keys[id(result)], result)
    return results


def check_loaded(sources: list[LoadedSource], context: CheckContext) -> list[CheckedSource]:
    """Check source files already read and shape-checked (``kg add`` reads its file first)."""
    results = [CheckedSource(display_path(loaded.path)) for loaded in sources]
    _check_loaded(list(zip(results, sources, strict=True)), context)
    return results


def _check_loaded(sources: list[tuple[CheckedSource, LoadedSource]], context: CheckContext) -> None:
    pending: list[_Pending] = []
    for result, loaded in sources:
        result.outline = outline_of(loaded)
        result.claim_ids = tuple(claim.id for claim in loaded.record.claims)
        result.problems = check_source(loaded, context.index)
        if result.problems:
            continue  # converting needs every reference resolved
        triples = source_triples(loaded.record, context.index)
        result.triples = len(triples)
        quads = list(graph_quads(triples, source_graph(loaded.record.source.id)))
        result.nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        result.comparable = comparable_claims_of(quads)
        digest = source_digest(loaded.path.read_bytes(), context.reference_digest)
        if not is_validated(digest):
            pending.append(_Pending(result, triples, digest, origins_of(loaded)))
    _validate(pending, context)


def _validate(pending: list[_Pending], context: CheckContext) -> None:
    """One pySHACL run over the pending sources; problems go to their file, clean ones are cached."""
    if not pending:
        return
    graph = Graph()
    origins: dict[URIRef, Origin] = {}
    referenced: set[URIRef] = set()
    for item in pending:
        for triple in item.triples:
            graph.add(triple)
            if triple[2] in context.entity_types:
                referenced.add(triple[2])  # type: ignore[arg-type]
        origins.update(item.origins)
    for entity in referenced:
        for cls in context.entity_types[entity]:
            graph.add((entity, RDF.type, cls))
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in as_problems(shacl_violations(graph, sources_only=True), origins):
        by_file[problem.file].append(problem)
    files = {item.result.file for item in pending}
    unplaced = [p for file, problems in by_file.items() if file not in files for p in problems]
    pending[0].result.problems.extend(unplaced)  # a node no file made: none of these is cached
    for item in pending:
        item.result.problems.extend(by_file.get(item.result.file, []))
        if not unplaced and not item.result.problems:
            mark_validated(item.digest)


def entity_types(reference: Graph) -> dict[URIRef, tuple[URIRef, ...]]:
    """Every reference entity with its classes."""
    types: dict[URIRef, list[URIRef]] = defaultdict(list)
    for entity, cls in reference.subject_objects(RDF.type):
        if isinstance(entity, URIRef) and isinstance(cls, URIRef):
            types[entity].append(cls)
    return {entity: tuple(classes) for entity, classes in types.items()}
