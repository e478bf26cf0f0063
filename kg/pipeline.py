"""Files -> pydantic -> RDF -> SHACL -> store, all or nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.comparability import Relations, comparable_pairs, slug
from kg.derive import (
    DERIVED_GRAPH,
    derived_graph_for_source,
    pair_graph,
    read_claims,
    read_claims_by_iri,
    read_relations,
)
from kg.errors import DataError, display_path
from kg.integrity import ReferenceIndex, check_sources, check_tree
from kg.keys import key_quads, refresh_keys
from kg.loading import DataTree, LoadedSource, load_source_file, load_tree
from kg.namespaces import (
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    claim_iri,
    entity_iri,
    source_graph,
    source_iri,
)
from kg.ontology import ontology_graph
from kg.rdf import reference_graph, source_graph_of
from kg.store import graph_from_store, graph_quads, open_store, query, write_generation, writer_lock
from kg.validation import Origin, SourceToValidate, graph_digest, source_digest, validate_sources

Progress = Callable[[str], None]


@dataclass
class ValidatedTree:
    """A data tree that passed every check, with the graphs it turns into."""

    tree: DataTree
    index: ReferenceIndex
    reference: Graph
    sources: dict[str, Graph]

    @property
    def claim_count(self) -> int:
        """How many claims the tree holds."""
        return sum(len(s.record.claims) for s in self.tree.sources)


def _reference_origins(tree: DataTree) -> dict[URIRef, Origin]:
    origins: dict[URIRef, Origin] = {}
    for loaded in tree.references:
        name = display_path(loaded.path)
        for section, kind in (("labs", "lab"), ("families", "family"), ("models", "model"),
                              ("cohorts", "cohort"), ("benchmarks", "benchmark"),
                              ("licences", "licence"), ("propositions", "proposition")):
            for record in getattr(loaded.record, section):
                origins[entity_iri(kind, record.id)] = Origin(name, f"{kind} '{record.id}'")
    return origins


def _source_origins(sources: list[LoadedSource]) -> dict[URIRef, Origin]:
    origins: dict[URIRef, Origin] = {}
    for loaded in sources:
        name = display_path(loaded.path)
        src = loaded.record.source
        origins[source_iri(src.id)] = Origin(name, f"source '{src.id}'")
        for claim in loaded.record.claims:
            origins[claim_iri(src.id, claim.id)] = Origin(name, f"claim '{claim.id}'")
    return origins


def validate_tree(data_dir: Path, progress: Progress | None = None) -> ValidatedTree:
    """Check a whole data tree (shape, references, SHACL); raise ``DataError`` on any problem."""
    say = progress or (lambda _: None)
    say("reading files")
    tree = load_tree(data_dir)
    say("checking references")
    index = check_tree(tree)
    say("converting to RDF")
    reference = reference_graph([loaded.record for loaded in tree.references])
    sources = {s.record.source.id: source_graph_of(s.record, index) for s in tree.sources}
    say("validating shapes")
    reference_digest = graph_digest(reference)
    to_validate = [
        SourceToValidate(s.record.source.id, sources[s.record.source.id],
                         source_digest(s.path.read_bytes(), reference_digest), _source_origins([s]))
        for s in tree.sources
    ]
    problems = validate_sources(reference, _reference_origins(tree), to_validate)
    if problems:
        raise DataError(problems)
    return ValidatedTree(tree, index, reference, sources)


@dataclass
class BuildReport:
    """What a build wrote."""

    triples: int
    sources: int
    claims: int


def build(data_dir: Path, store_dir: Path, progress: Progress | None = None) -> BuildReport:
    """Rebuild the store from a data tree; the old store survives any failure unchanged."""
    validated = validate_tree(data_dir, progress)
    if progress:
        progress("writing the store")
    graphs: list[tuple[URIRef, Graph]] = [
        (ONTOLOGY_GRAPH, ontology_graph()),
        (REFERENCE_GRAPH, validated.reference),
        *((source_graph(sid), g) for sid, g in validated.sources.items()),
    ]

    def fill(store: ox.Store) -> None:
        store.bulk_extend(quad for name, graph in graphs for quad in graph_quads(graph, name))
        store.bulk_extend(graph_quads(derive_pairs(store), DERIVED_GRAPH))
        store.bulk_extend(list(key_quads(store, ox.NamedNode(str(DERIVED_GRAPH)))))

    count = write_generation(store_dir, fill, from_current=False)
    return BuildReport(count, len(validated.sources), validated.claim_count)


def derive_pairs(store: ox.Store, new_claims: set[str] | None = None) -> Graph:
    """The derived graph of comparable pairs: for the whole store, or for pairs with a new claim."""
    relations = read_relations(store)
    if new_claims is None:
        claims = read_claims(store)
    else:
        claims = read_claims(store, _focus(store, new_claims, relations))
    return pair_graph(comparable_pairs(claims, relations, new_claims))


def _focus(store: ox.Store, new_claims: set[str], relations: Relations) -> set[str]:
    """The subjects new claims are about, with those a preserving relation links to them for the
    properties the new fact claims state (a new parameter count reaches the quantized children)."""
    claims = read_claims_by_iri(store, new_claims)
    subjects = {claim.subject for claim in claims}
    linked = set(subjects)
    preserved_props = {slug(claim.prop) for claim in claims if claim.kind == "fact"}
    for prop, components in relations.preserving_groups().items():
        if prop not in preserved_props:
            continue
        roots = {components.find(claim.subject) for claim in claims
                 if claim.kind == "fact" and slug(claim.prop) == prop}
        for child, parent, _ in relations.lineage_edges:
            linked.update(node for node in (child, parent) if components.find(node) in roots)
    return linked


INDEX_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?entity ?type ?unit ?lab WHERE {
  GRAPH <https://w3id.org/paritykg/graph/reference> {
    ?entity a ?type .
    VALUES ?type { pk:Lab pk:ModelFamily pk:Model pk:Cohort pk:Benchmark pk:Licence pk:Proposition }
    OPTIONAL { ?entity pk:unit ?unit }
    OPTIONAL { ?entity pk:lab ?lab }
  }
}"""

EXISTING_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?source ?child ?parent WHERE {
  { ?s a pk:Source ; dcterms:identifier ?source }
  UNION { ?c a pk:LineageClaim ; pk:child ?child ; pk:parent ?parent }
}"""

KIND_OF_TYPE = {
    "Lab": "lab", "ModelFamily": "family", "Model": "model", "Cohort": "cohort",
    "Benchmark": "benchmark", "Licence": "licence", "Proposition": "proposition",
}


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def store_index(store_dir: Path) -> tuple[ReferenceIndex, Graph]:
    """The reference index and reference graph held by an existing store (opened read-only)."""
    index = ReferenceIndex()
    with open_store(store_dir) as store:
        for row in query(store, INDEX_QUERY):
            ident = _slug(row["entity"].value)
            index.kinds[ident] = KIND_OF_TYPE[row["type"].value.rsplit("#", 1)[-1]]
            if row["unit"] is not None:
                index.benchmark_units[ident] = _slug(row["unit"].value)
            if row["lab"] is not None:
                index.entity_lab[ident] = _slug(row["lab"].value)
        for row in query(store, EXISTING_QUERY):
            if row["source"] is not None:
                index.source_ids.add(row["source"].value)
            else:
                index.lineage_edges.append((_slug(row["child"].value), _slug(row["parent"].value)))
        reference = graph_from_store(store, REFERENCE_GRAPH)
    return index, reference


def add_source(file: Path, store_dir: Path) -> tuple[str, int]:
    """Validate one new source file against the store's reference data, then add it.

    Nothing is written unless every check passes; the write itself is one transaction.
    Returns the source id and the number of claims added.
    """
    loaded = load_source_file(file)
    with writer_lock(store_dir):  # the duplicate-id check and the write see the same store
        index, reference = store_index(store_dir)
        problems = check_sources([loaded], index)
        if problems:
            raise DataError(problems)
        graph = source_graph_of(loaded.record, index)
        item = SourceToValidate(loaded.record.source.id, graph,
                                source_digest(file.read_bytes(), graph_digest(reference)),
                                _source_origins([loaded]))
        problems = validate_sources(reference, {}, [item], check_reference=False)
        if problems:
            raise DataError(problems)
        source_id = loaded.record.source.id
        new_claims = {str(claim_iri(source_id, claim.id)) for claim in loaded.record.claims}

        def fill(store: ox.Store) -> None:
            store.extend(graph_quads(graph, source_graph(source_id)))
            derived_here = derived_graph_for_source(source_id)
            store.extend(graph_quads(derive_pairs(store, new_claims), derived_here))
            refresh_keys(store, new_claims, ox.NamedNode(str(derived_here)), ox.NamedNode(str(DERIVED_GRAPH)))

        write_generation(store_dir, fill, from_current=True)
    return source_id, len(loaded.record.claims)
