"""Incremental builds: a rebuild after editing a few source files writes only what they change.

Every build leaves a *build record* beside the generation it writes (``<generation>.build.json``,
kg.store): the data tree it was built from, a digest of its basis (the reference files, the
package's code and resources, the RDF libraries' versions), the generation's quad count, the
comparability relations read from it (reference data and fact-preserving lineage edges) and, per
source file, the digest of its bytes with the size and change time it had, its source id, claim
ids, triple count and lineage edges. The context sources are checked in (reference index, entity
classes, reference digest) is kept in the checked cache under the basis. A later ``kg build`` of the
same tree with the same basis copies the current generation (hard links, as ``kg add`` does),
drops the named graphs of the source files that changed or went away, loads the changed and new
ones, and updates the derived graph only where the change reaches:

- the comparable pairs and claim keys of dropped claims go; pairs and keys of the new claims are
  found as ``kg add`` finds them (by their comparability key, kg.pipeline.derive_pairs);
- the openness periods of the models and families whose weights or licence facts were dropped
  or loaded are recomputed;
- the lineage closure (``pk:lineageAncestorOrSelf``) is recomputed for the models built on the
  child of a dropped or loaded lineage claim.

Anything else falls back to a full build: no record (a first build, or the store was last
written by ``kg add``), another data tree, a changed reference file, changed code or rules, or a
change to the lineage edges that preserve a fact property (they regroup comparable claims of
sources that did not change). The result is the store a full build of the same tree writes,
quad for quad (tests/test_incremental_build.py).
"""

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from pydantic import BaseModel, ValidationError

from kg.binding import bind
from kg.checked_cache import load_checked, store_checked
from kg.comparability import PRESERVED_BY_RELATION, Relations, slug
from kg.derive import DERIVED_GRAPH
from kg.integrity import SourceOutline
from kg.keys import (
    claim_key_quads,
    lineage_descendants,
    lineage_quads,
    openness_subjects,
    replace_openness,
)
from kg.loading import read_data_bytes
from kg.namespaces import PK, claim_iri, source_graph
from kg.source_check import CheckContext, CheckedSource
from kg.store import build_record_path, current_generation, query

RECORD_VERSION = 1
LIBRARIES = ("pyoxigraph", "rdflib", "pyshacl", "pydantic")


class FileState(BaseModel):
    """A source file's content digest, and the size and change time it had when read."""

    digest: str
    size: int
    mtime_ns: int


class SourceRecord(FileState):
    """What the store holds of one source file, as the build that wrote it found it."""

    source_id: str
    claim_ids: list[str]
    triples: int
    lineage: list[tuple[str, str, str]]  # child, parent, record (as in kg.integrity's outline)


class BuildRecord(BaseModel):
    """What a generation was built from (see the module docstring)."""

    version: int = RECORD_VERSION
    data_dir: str
    basis: str
    scanned_ns: int  # when the source files were read (a file changed since may keep its size and time)
    quads: int  # in the generation
    relations: Relations  # what the comparability rule read from it (reference data, preserving edges)
    sources: dict[str, SourceRecord]  # by path relative to the data tree

    def outline(self, shown_dir: str, relative: str) -> SourceOutline:
        """The outline of an unchanged source file, for the checks across files (``shown_dir``:
        the data tree as problems name it, kg.errors.display_path)."""
        record = self.sources[relative]
        file = relative if shown_dir == "." else f"{shown_dir}/{relative}"
        return SourceOutline(file, record.source_id, tuple(tuple(edge) for edge in record.lineage))  # type: ignore[misc]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of every file of the installed package (code, shapes, ontology) and the RDF
    libraries' versions: any change to them makes a recorded build unusable for an increment."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(package)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in LIBRARIES:
        digest.update(f"{library}={version(library)}\0".encode())
    return digest.hexdigest()


def basis_digest(data_dir: Path, reference_paths: list[Path]) -> str:
    """What every source of a build was checked against: the reference files and the code."""
    digest = hashlib.sha256(_code_digest().encode())
    for path in reference_paths:
        digest.update(f"\0{path.relative_to(data_dir)}\0".encode())
        digest.update(hashlib.sha256(read_data_bytes(path, data_dir)).digest())
    return digest.hexdigest()


RACY_NS = 2_000_000_000
"""A file changed this close to (or after) the last scan is read again whatever its size and time."""


def scan_sources(data_dir: Path, source_paths: list[Path],
                 known: BuildRecord | None = None) -> dict[str, FileState]:
    """Each source file's state, by its path relative to the data tree. A file the ``known``
    record saw with the same size and change time, well before its scan, keeps its recorded
    digest (as git's index does); the others are read and hashed (``DataError`` for a file that
    cannot be read)."""
    states: dict[str, FileState] = {}
    seen_by_path = known.sources if known is not None else {}
    settled_before = known.scanned_ns - RACY_NS if known is not None else 0
    for path in source_paths:
        relative = str(path.relative_to(data_dir))
        stat = os.stat(path)
        seen = seen_by_path.get(relative)
        if seen is not None and (seen.size, seen.mtime_ns) == (stat.st_size, stat.st_mtime_ns) \
                and stat.st_mtime_ns < settled_before:
            states[relative] = FileState(digest=seen.digest, size=seen.size, mtime_ns=seen.mtime_ns)
            continue
        digest = hashlib.sha256(read_data_bytes(path, data_dir)).hexdigest()
        states[relative] = FileState(digest=digest, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    return states


def source_record(state: FileState, checked: CheckedSource) -> SourceRecord:
    """The record of one checked source file."""
    assert checked.outline is not None, "only clean sources are recorded"
    return SourceRecord(**state.model_dump(), source_id=checked.outline.source_id,
                        claim_ids=list(checked.claim_ids), triples=checked.triples,
                        lineage=[tuple(edge) for edge in checked.outline.lineage])


def build_record(data_dir: Path, basis: str, scanned_ns: int, sources: dict[str, SourceRecord],
                 relations: Relations, quads: int) -> bytes:
    """A build record, serialised to be written beside a generation."""
    record = BuildRecord(data_dir=str(data_dir.resolve()), basis=basis, scanned_ns=scanned_ns,
                         quads=quads, sources=sources, relations=relations)
    return record.model_dump_json().encode()


def read_build_record(store_dir: Path) -> BuildRecord | None:
    """The build record of the store's current generation, or None (none, or unreadable)."""
    try:
        text = build_record_path(current_generation(store_dir)).read_bytes()
        record = BuildRecord.model_validate_json(text)
    except (OSError, ValidationError):
        return None
    return record if record.version == RECORD_VERSION else None


def _context_key(basis: str) -> str:
    return hashlib.sha256(f"check context\0{basis}".encode()).hexdigest()


def remember_context(basis: str, context: CheckContext) -> None:
    """Keep the context sources were checked in (the reference index, entity classes and digest)
    for the increments of builds with this basis (kg.checked_cache), so they do not read the
    reference files again."""
    store_checked(_context_key(basis), context)


def remembered_context(basis: str, data_dir: Path) -> CheckContext | None:
    """The context remembered for this basis and data tree, if there is one."""
    context = load_checked(_context_key(basis))
    return context if isinstance(context, CheckContext) and context.root is not None \
        and context.root.resolve() == data_dir.resolve() else None


class Unbounded(Exception):
    """The change reaches further than an incremental build follows: build in full."""


@dataclass
class Change:
    """What an incremental build replaces: the records of the dropped source files (changed or
    removed) and the checked outcome of the loaded ones (changed or new)."""

    dropped: list[SourceRecord]
    loaded: list[CheckedSource]

    def dropped_claims(self) -> set[str]:
        """The IRIs of the claims that leave the store."""
        return {str(claim_iri(record.source_id, claim))
                for record in self.dropped for claim in record.claim_ids}

    def loaded_claims(self) -> set[str]:
        """The IRIs of the claims that enter the store."""
        return {str(claim_iri(source.outline.source_id, claim)) for source in self.loaded
                if source.outline is not None for claim in source.claim_ids}


PAIR_ENDS = (ox.NamedNode(str(PK.pairFirst)), ox.NamedNode(str(PK.pairSecond)))
LINEAGE_ANCESTOR = ox.NamedNode(str(PK.lineageAncestorOrSelf))

LINEAGE_CLAIMS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?child ?parent ?relation WHERE {
  # bind ?claim
  ?claim a pk:LineageClaim ; pk:child ?child ; pk:parent ?parent .
  OPTIONAL { ?claim pk:relation ?relation }
}"""


def _lineage_of(store: ox.Store, claims: set[str]) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The children the lineage claims among ``claims`` name, and their edges whose relation
    preserves some fact property (those regroup comparable claims: kg.comparability)."""
    if not claims:
        return set(), set()
    rows = list(query(store, bind(LINEAGE_CLAIMS, {"claim": [ox.NamedNode(c) for c in sorted(claims)]})))
    preserving = {(row["child"].value, row["parent"].value, slug(row["relation"].value)) for row in rows
                  if row["relation"] is not None and slug(row["relation"].value) in PRESERVED_BY_RELATION}
    return {row["child"].value for row in rows}, preserving


def _remove(store: ox.Store, quads: set[ox.Quad]) -> int:
    """Remove quads read from the store; returns how many."""
    for quad in quads:
        store.remove(quad)
    return len(quads)


def _add(store: ox.Store, quads: Iterable[ox.Quad]) -> int:
    """Add the quads the store does not hold yet; returns how many."""
    fresh = {quad for quad in quads if quad not in store}
    store.extend(fresh)
    return len(fresh)


def _remove_derived(store: ox.Store, claims: set[str], derived: ox.NamedNode) -> int:
    """Remove the keys of ``claims`` and every comparable pair with one of them from ``derived``;
    returns how many quads went."""
    doomed: set[ox.Quad] = set()
    for claim in map(ox.NamedNode, sorted(claims)):
        doomed.update(store.quads_for_pattern(claim, None, None, derived))
        for end in PAIR_ENDS:
            for link in store.quads_for_pattern(None, end, claim, derived):
                doomed.update(store.quads_for_pattern(link.subject, None, None, derived))
    return _remove(store, doomed)


def _replace_closure(store: ox.Store, subjects: set[str], derived: ox.NamedNode) -> int:
    """Recompute ``pk:lineageAncestorOrSelf`` from ``subjects`` (none if no longer in a lineage);
    returns how many quads the store gained (negative: lost)."""
    removed = _remove(store, {quad for subject in map(ox.NamedNode, sorted(subjects))
                              for quad in store.quads_for_pattern(subject, LINEAGE_ANCESTOR, None, derived)})
    return _add(store, lineage_quads(store, derived, subjects)) - removed


def apply_change(store: ox.Store, change: Change,
                 derive_pairs: Callable[[ox.Store, set[str]], list[ox.Quad]]) -> int:
    """Turn a copy of the current generation into the store a full build of the new tree writes:
    drop the changed sources' graphs and what is derived from their claims, load the new ones,
    derive what they bring (``derive_pairs``: the comparable pairs with one of the new claims).
    Returns how many quads the store gained (negative: lost). Raises ``Unbounded`` when the
    change reaches further."""
    derived = ox.NamedNode(str(DERIVED_GRAPH))
    dropped, loaded = change.dropped_claims(), change.loaded_claims()
    children, preserving_dropped = _lineage_of(store, dropped)
    subjects = openness_subjects(store, dropped)
    closure = lineage_descendants(store, children)
    for record in change.dropped:
        store.remove_graph(ox.NamedNode(str(source_graph(record.source_id))))
    gained = -sum(record.triples for record in change.dropped) - _remove_derived(store, dropped, derived)
    store.bulk_load(b"".join(source.nquads for source in change.loaded), format=ox.RdfFormat.N_QUADS)
    gained += sum(source.triples for source in change.loaded)
    children_loaded, preserving_loaded = _lineage_of(store, loaded)
    if preserving_loaded != preserving_dropped:
        raise Unbounded("a lineage edge that preserves a fact property changed")
    if loaded:
        gained += _add(store, derive_pairs(store, loaded))
        gained += _add(store, claim_key_quads(store, derived, loaded))
    gained += replace_openness(store, subjects | openness_subjects(store, loaded), derived)
    if children or children_loaded:
        closure |= lineage_descendants(store, children | children_loaded)
        gained += _replace_closure(store, closure, derived)
    return gained
