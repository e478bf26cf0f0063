"""Files -> pydantic -> RDF -> SHACL -> store, all or nothing.

A build reads the reference files here, then hands the source files to worker processes
(``kg.source_check``) that read, check, convert and validate them and send back N-Quads, which go
to Oxigraph's bulk loader; the comparable pairs and the precomputed keys are derived from the
store afterwards. Checks across files (duplicate ids, lineage cycles) run here on the outlines.
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.comparability import Relations, comparable_pairs
from kg.derive import DERIVED_GRAPH, derive_pairs, pair_quads, read_relations
from kg.errors import DataError, Problem, display_path
from kg.incremental import (
    Change,
    FileState,
    Unbounded,
    apply_change,
    basis_digest,
    build_record,
    read_build_record,
    remember_context,
    remembered_context,
    scan_sources,
    source_record,
)
from kg.integrity import ReferenceIndex, check_across, index_reference
from kg.keys import key_quads
from kg.loading import DataTree, LoadedReference, data_files, load_references
from kg.namespaces import ONTOLOGY_GRAPH, REFERENCE_GRAPH, entity_iri, source_iri
from kg.ontology import ontology_graph
from kg.rdf import reference_graph
from kg.resolve import write_name_index
from kg.source_check import (
    CheckContext,
    CheckedSource,
    check_chunk,
    check_files,
    entity_types,
    init_worker,
    remembered_outcomes,
)
from kg.spool import NQuadsSpool, bulk_extend_in_slices
from kg.store import collect_leftovers, graph_quads, write_generation, writer_lock
from kg.validation import Origin, graph_digest, validate_reference

Progress = Callable[[str], None]

SMALL_TREE_BYTES = 300_000
"""Source files totalling less than this are checked in-process (starting workers costs more)."""
CHUNK_BYTES = 400_000
"""Upper size of the chunk of source files one worker checks at a time (about 25k triples)."""


@dataclass
class ValidatedTree:
    """A data tree that passed every check: its reference graph and its checked sources."""

    reference: Graph
    index: ReferenceIndex
    sources: list[CheckedSource]
    context: CheckContext

    @property
    def claim_count(self) -> int:
        """How many claims the tree holds."""
        return sum(s.claims for s in self.sources)


def _reference_origins(references: list[LoadedReference]) -> dict[URIRef, Origin]:
    origins: dict[URIRef, Origin] = {}
    for loaded in references:
        name = display_path(loaded.path)
        for section, kind in (("labs", "lab"), ("families", "family"), ("models", "model"),
                              ("cohorts", "cohort"), ("benchmarks", "benchmark"),
                              ("licences", "licence"), ("propositions", "proposition")):
            for record in getattr(loaded.record, section):
                origins[entity_iri(kind, record.id)] = Origin(name, f"{kind} '{record.id}'")
    return origins


def _workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _size(path: Path) -> int:
    """A file's size for planning the work (0 if it cannot be read: checking it says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _chunks(paths: list[Path], chunk_bytes: int) -> list[list[str]]:
    """Source files in chunks of about ``chunk_bytes`` (largest first, so the last chunks are small)."""
    chunks: list[list[str]] = []
    size = chunk_bytes
    for path in sorted(paths, key=_size, reverse=True):
        if size >= chunk_bytes:
            chunks.append([])
            size = 0
        chunks[-1].append(str(path))
        size += _size(path)
    return chunks


def check_source_files(paths: list[Path], context: CheckContext,
                       run_meanwhile: Callable[[], None] = lambda: None,
                       spool: NQuadsSpool | None = None) -> list[CheckedSource]:
    """Check source files, in worker processes when there is enough to do; ``run_meanwhile`` runs
    in this process while the workers work. Files checked clean before with the same content are
    taken from the cache here (kg.checked_cache), only the others are checked. Results come in the
    order of ``paths``; with a ``spool``, each result's N-Quads go there as it arrives instead of
    staying in memory (kg.spool)."""

    def kept(result: CheckedSource) -> CheckedSource:
        if spool is not None:
            spool.write(result.nquads)
            result.nquads = b""
        return result

    by_path = {str(path): kept(result) for path, result in remembered_outcomes(paths, context).items()}
    pending = [path for path in paths if str(path) not in by_path]
    total = sum(_size(path) for path in pending)
    workers = min(_workers(), max(1, total // CHUNK_BYTES))
    if workers <= 1 or total < SMALL_TREE_BYTES:
        run_meanwhile()
        by_path.update(zip(map(str, pending), map(kept, check_files(pending, context)), strict=True))
        return [by_path[str(path)] for path in paths]
    chunks = _chunks(pending, min(CHUNK_BYTES, max(total // (4 * workers), 1)))
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(context,)) as pool:
        chunk_of = {pool.submit(check_chunk, chunk): chunk for chunk in chunks}
        run_meanwhile()
        for future in as_completed(chunk_of):
            by_path.update(zip(chunk_of[future], map(kept, future.result()), strict=True))
    return [by_path[str(path)] for path in paths]


def _read_reference(data_dir: Path, reference_paths: list[Path]) -> tuple[list[LoadedReference], Graph,
                                                                          CheckContext]:
    """The reference files read, their graph, and the context source files are checked in."""
    references = load_references(data_dir, reference_paths)
    index, problems = index_reference(DataTree(references=references))
    if problems:
        raise DataError(problems)
    reference = reference_graph([loaded.record for loaded in references])
    context = CheckContext(index, entity_types(reference), graph_digest(reference), data_dir)
    return references, reference, context


def validate_tree(data_dir: Path, progress: Progress | None = None,
                  spool: NQuadsSpool | None = None) -> ValidatedTree:
    """Check a whole data tree (shape, references, SHACL); raise ``DataError`` on any problem.
    With a ``spool``, the sources' N-Quads are written there rather than kept (kg.spool)."""
    say = progress or (lambda _: None)
    say("reading reference files")
    reference_paths, source_paths = data_files(data_dir)
    references, reference, context = _read_reference(data_dir, reference_paths)
    index = context.index
    reference_problems: list[Problem] = []

    def validate_reference_graph() -> None:
        reference_problems.extend(validate_reference(reference, _reference_origins(references)))

    say(f"checking {len(source_paths)} source files")
    checked = check_source_files(source_paths, context, validate_reference_graph, spool)
    problems = reference_problems + [p for s in checked for p in s.problems]
    problems += check_across((s.outline for s in checked if s.outline is not None), index)
    if problems:
        raise DataError(problems)
    return ValidatedTree(reference, index, checked, context)


@dataclass
class BuildReport:
    """What a build wrote."""

    triples: int
    sources: int
    claims: int


def build(data_dir: Path, store_dir: Path, progress: Progress | None = None, *,
          full: bool = False) -> BuildReport:
    """Bring the store up to date with a data tree: by replacing only the source files that
    changed since the current generation was built when its build record allows
    (kg.incremental), else (or with ``full``) from nothing. The old store survives any failure
    unchanged."""
    with writer_lock(store_dir):  # the build record read and the generation copied are the same
        if not full:
            try:
                report = _build_increment(data_dir, store_dir, progress)
            except Unbounded:
                report = None
            if report is not None:
                return report
        return _build_full(data_dir, store_dir, progress)


def _build_full(data_dir: Path, store_dir: Path, progress: Progress | None) -> BuildReport:
    """Write a new generation from nothing, with the build record a later increment starts from."""
    reference_paths, source_paths = data_files(data_dir)
    scanned_ns = time.time_ns()
    try:  # read first: a file edited while the build runs is seen as changed by the next one
        basis, states = basis_digest(data_dir, reference_paths), scan_sources(data_dir, source_paths)
    except (DataError, OSError):
        basis, states = "", {}  # validate_tree reports the unreadable file
    with NQuadsSpool(_spool_dir(store_dir)) as spool:
        validated = validate_tree(data_dir, progress, spool)
        return _write_full(data_dir, store_dir, progress, validated, spool,
                           basis=basis, scanned_ns=scanned_ns, states=states)


def _spool_dir(store_dir: Path) -> Path | None:
    """Where a build spools its N-Quads: beside the store (the disk chosen for it), else the default."""
    parent = store_dir.absolute().parent
    return parent if parent.is_dir() else None


def _write_full(data_dir: Path, store_dir: Path, progress: Progress | None, validated: ValidatedTree,
                spool: NQuadsSpool, *, basis: str, scanned_ns: int,
                states: dict[str, FileState]) -> BuildReport:
    """A new generation from a validated tree whose sources' N-Quads are in ``spool``, with the
    build record of the files as scanned before validating (``basis``, ``scanned_ns``, ``states``)."""
    if progress:
        progress("writing the store")
    relative = {display_path(data_dir / rel): rel for rel in states}
    records = {relative[s.file]: source_record(states[relative[s.file]], s)
               for s in validated.sources if s.file in relative}
    complete = len(records) == len(validated.sources) == len(states)
    if complete:
        remember_context(basis, validated.context)

    relations: list[Relations] = []

    def fill(store: ox.Store) -> None:
        store.bulk_extend(graph_quads(ontology_graph(), ONTOLOGY_GRAPH))
        store.bulk_extend(graph_quads(validated.reference, REFERENCE_GRAPH))
        spool.load_into(store)
        claims = [claim for source in validated.sources for claim in source.comparable]
        relations.append(read_relations(store))
        pairs = comparable_pairs(claims, relations[0])
        bulk_extend_in_slices(store, pair_quads(pairs, DERIVED_GRAPH))
        bulk_extend_in_slices(store, key_quads(store, ox.NamedNode(str(DERIVED_GRAPH))))
        store.optimize()  # compact what the slices wrote: lookups cost half (3M-triple tree)

    def record_of(count: int) -> bytes:
        return build_record(data_dir, basis, scanned_ns, records, relations[0], count)

    count = write_generation(store_dir, fill, from_current=False,
                             build_record=record_of if complete else None,
                             beside=lambda store, generation, _: write_name_index(store, generation))
    return BuildReport(count, len(validated.sources), validated.claim_count)


def _build_increment(data_dir: Path, store_dir: Path, progress: Progress | None) -> BuildReport | None:
    """Replace only the changed source files in a copy of the current generation (kg.incremental);
    None when its build record does not allow that (the caller builds in full)."""
    record = read_build_record(store_dir)
    if record is None or record.data_dir != str(data_dir.resolve()):
        return None
    reference_paths, source_paths = data_files(data_dir)
    try:
        if basis_digest(data_dir, reference_paths) != record.basis:
            return None
        scanned_ns = time.time_ns()
        states = scan_sources(data_dir, source_paths, record)
    except (DataError, OSError):
        return None  # the full build reports it
    changed = [path for path, (rel, state) in zip(source_paths, states.items(), strict=True)
               if rel not in record.sources or record.sources[rel].digest != state.digest]
    dropped = [old for rel, old in record.sources.items()
               if rel not in states or states[rel].digest != old.digest]
    if not changed and not dropped:
        count = record.quads
        collect_leftovers(store_dir)
    else:
        say = progress or (lambda _: None)
        say("reading reference files")
        context = remembered_context(record.basis, data_dir)
        if context is None:  # e.g. another cache directory than the full build's
            context = _read_reference(data_dir, reference_paths)[2]
            remember_context(record.basis, context)
        say(f"checking {len(changed)} changed source files")
        checked = dict(zip((str(p.relative_to(data_dir)) for p in changed),
                           check_source_files(changed, context), strict=True))
        shown_dir = display_path(data_dir)
        outlines = [checked[rel].outline if rel in checked else record.outline(shown_dir, rel)
                    for rel in states]
        problems = [problem for source in checked.values() for problem in source.problems]
        problems += check_across((outline for outline in outlines if outline is not None), context.index)
        if problems:
            raise DataError(problems)
        record.sources = {rel: source_record(state, checked[rel]) if rel in checked
                          else record.sources[rel].model_copy(update=dict(state))
                          for rel, state in states.items()}
        record.scanned_ns = scanned_ns
        say("writing the store")
        change = Change(dropped, list(checked.values()))
        quads = record.quads

        def record_of(count: int) -> bytes:
            return record.model_copy(update={"quads": count}).model_dump_json().encode()

        relations = record.relations

        def fill(store: ox.Store) -> int:
            return quads + apply_change(
                store, change, lambda s, claims: derive_pairs(s, DERIVED_GRAPH, claims, relations))

        changed_sources = [str(source_iri(record.source_id)) for record in change.dropped] + \
            [str(source_iri(source.outline.source_id)) for source in change.loaded if source.outline]

        def names(store: ox.Store, generation: Path, previous: Path | None) -> None:
            write_name_index(store, generation, previous, changed_sources)

        count = write_generation(store_dir, fill, from_current=True, build_record=record_of, beside=names)
    return BuildReport(count, len(record.sources), sum(len(s.claim_ids) for s in record.sources.values()))
