"""``kg add``: one new source file checked against a built store and added to it, at the cost of
that file, not of the store.

What the checks need from the store is looked up for the new file alone: the entities it names
(their kind, classes, benchmark unit and lab, and the classes of those labs), whether its source
id is taken, and the lineage edges above the models its lineage claims link (what a new edge could
close into a cycle). The comparable pairs and keys it brings are derived from the claims it can be
compared with (``kg.derive.derive_pairs``). Nothing else of the store is read.
"""

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pydantic import BaseModel
from rdflib import Literal, URIRef

from kg.binding import bind
from kg.derive import DERIVED_GRAPH, derive_pairs, derived_graph_for_source
from kg.errors import DataError
from kg.integrity import ReferenceIndex, check_across, outline_of
from kg.keys import refresh_keys
from kg.loading import LoadedSource, load_source_file
from kg.namespaces import PK, REFERENCE_GRAPH, claim_iri, entity_iri, source_iri
from kg.records import SLUG_PATTERN
from kg.resolve import write_name_index
from kg.source_check import CheckContext, check_loaded
from kg.store import open_store, query, write_generation, writer_lock

SLUG = re.compile(SLUG_PATTERN)
KIND_OF_CLASS = {
    "Lab": "lab", "ModelFamily": "family", "Model": "model", "Cohort": "cohort",
    "Benchmark": "benchmark", "Licence": "licence", "Proposition": "proposition",
}

REFERENCE = ox.NamedNode(str(REFERENCE_GRAPH))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
UNIT, LAB = ox.NamedNode(str(PK.unit)), ox.NamedNode(str(PK.lab))

SOURCE_ID_TAKEN = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
ASK { ?source a pk:Source ; dcterms:identifier ?id . }"""

# Every lineage edge reachable upward from the bound models (their own included).
EDGES_ABOVE = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT DISTINCT ?child ?parent WHERE {
  # bind ?start
  ?start (^pk:child/pk:parent)* ?child .
  ?edge pk:child ?child ; pk:parent ?parent ; a pk:LineageClaim .
}"""


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _strings(value: Any) -> Iterable[str]:
    """Every text value in a record, however deeply nested (the ids it names are among them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)


def _candidates(texts: Iterable[str]) -> list[ox.NamedNode]:
    """The IRIs each text with the shape of an id would have as an entity of each kind."""
    idents = sorted({text for text in texts if SLUG.fullmatch(text)})
    return [ox.NamedNode(str(entity_iri(kind, ident)))
            for ident in idents for kind in sorted(KIND_OF_CLASS.values())]


def _look_up(store: ox.Store, iris: Iterable[ox.NamedNode], index: ReferenceIndex,
             types: dict[URIRef, list[URIRef]], lines: list[str]) -> set[str]:
    """Record what the reference graph says of these IRIs (each read by its subject, not searched
    for); return the IRIs of their labs."""
    labs: set[str] = set()
    for iri in iris:
        said = [quad for quad in store.quads_for_pattern(iri, None, None, REFERENCE)
                if quad.predicate in (RDF_TYPE, UNIT, LAB)]
        lines.extend(f"{quad.subject} {quad.predicate} {quad.object}" for quad in said)
        classes = [quad.object.value for quad in said if quad.predicate == RDF_TYPE]
        if classes:
            types[URIRef(iri.value)].extend(URIRef(value) for value in classes)
        kinds = [KIND_OF_CLASS[local] for value in classes
                 if (local := value.removeprefix(str(PK))) in KIND_OF_CLASS]
        if not kinds:
            continue
        ident = _slug(iri.value)
        index.kinds[ident] = kinds[0]
        for quad in said:
            if quad.predicate == UNIT:
                index.benchmark_units[ident] = _slug(quad.object.value)
            elif quad.predicate == LAB:
                index.entity_lab[ident] = _slug(quad.object.value)
                labs.add(quad.object.value)
    return labs


def store_context(store_dir: Path, loaded: LoadedSource) -> CheckContext:
    """What checking ``loaded`` needs from the store (opened read-only), looked up for it alone.

    The digest, which keys the validation cache, covers what was looked up: the source is
    revalidated when an entity it names changes.
    """
    index = ReferenceIndex()
    types: dict[URIRef, list[URIRef]] = defaultdict(list)
    lines: list[str] = []
    outline = outline_of(loaded)
    with open_store(store_dir) as store:
        labs = _look_up(store, _candidates(_strings(loaded.record)), index, types, lines)
        _look_up(store, [ox.NamedNode(lab) for lab in sorted(labs - {str(t) for t in types})],
                 index, types, lines)
        if query(store, SOURCE_ID_TAKEN, {"id": Literal(outline.source_id)}):
            index.source_ids.add(outline.source_id)
        linked = {node for child, parent, _ in outline.lineage for node in (child, parent)
                  if node in index.kinds}
        if linked:
            starts = [ox.NamedNode(str(entity_iri(index.kinds[node], node))) for node in sorted(linked)]
            index.lineage_edges = [(_slug(row["child"].value), _slug(row["parent"].value))
                                   for row in query(store, bind(EDGES_ABOVE, {"start": starts}))]
    digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
    return CheckContext(index, {entity: tuple(classes) for entity, classes in types.items()}, digest)


def add_source(file: Path, store_dir: Path) -> tuple[str, int]:
    """Validate one new source file against the store's reference data, then add it.

    Nothing is written unless every check passes; the write itself is one transaction.
    Returns the source id and the number of claims added.
    """
    loaded = load_source_file(file)
    with writer_lock(store_dir):  # the duplicate-id check and the write see the same store
        context = store_context(store_dir, loaded)
        [checked] = check_loaded([loaded], context)
        problems = list(checked.problems)
        if checked.outline is not None:
            problems += check_across([checked.outline], context.index)
        if problems or checked.outline is None:
            raise DataError(problems)
        source_id = checked.outline.source_id
        new_claims = {str(claim_iri(source_id, claim_id)) for claim_id in checked.claim_ids}

        def fill(store: ox.Store) -> None:
            store.load(checked.nquads, format=ox.RdfFormat.N_QUADS)
            derived_here = derived_graph_for_source(source_id)
            store.extend(derive_pairs(store, derived_here, new_claims))
            refresh_keys(store, new_claims, ox.NamedNode(str(derived_here)), ox.NamedNode(str(DERIVED_GRAPH)))

        def names(store: ox.Store, generation: Path, previous: Path | None) -> None:
            write_name_index(store, generation, previous, [str(source_iri(source_id))])

        write_generation(store_dir, fill, from_current=True, counted=False, beside=names)
    return source_id, checked.claims
