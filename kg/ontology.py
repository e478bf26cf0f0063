"""The ontology files: the hand-written vocabulary and shapes, and the generated value lists."""

from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal

from kg.namespaces import PK, scheme_iri, value_iri
from kg.packaged import ONTOLOGY_DIR
from kg.rdf import new_graph
from kg.vocabulary import SCHEMES, FactProperty

VOCABULARY_FILE = ONTOLOGY_DIR / "vocab.ttl"
VALUES_FILE = ONTOLOGY_DIR / "values.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

SCHEME_CLASS = {
    "unit": PK.Unit,
    "category": PK.Category,
    "source-kind": PK.SourceKind,
    "run-by": PK.RunBy,
    "relation": PK.LineageRelation,
    "lineage-status": PK.LineageStatus,
    "price-measure": PK.PriceMeasure,
    "comparison-relation": PK.ComparisonRelation,
    "comparison-measure": PK.ComparisonMeasure,
    "stance": PK.Stance,
    "fact-property": PK.FactProperty,
    "reasoning-effort": PK.ReasoningEffort,
    "benchmark-relation": PK.BenchmarkRelation,
    "identifier-scheme": PK.IdentifierScheme,
}


def values_graph() -> Graph:
    """Every controlled value as a SKOS concept in its scheme, typed by its value class."""
    graph = new_graph()
    for scheme, concepts in SCHEMES.items():
        scheme_node = scheme_iri(scheme)
        graph.add((scheme_node, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme_node, SKOS.prefLabel, Literal(scheme)))
        for concept in concepts:
            node = value_iri(scheme, concept.slug)
            graph.add((node, RDF.type, SKOS.Concept))
            if scheme in SCHEME_CLASS:
                graph.add((node, RDF.type, SCHEME_CLASS[scheme]))
            graph.add((node, SKOS.inScheme, scheme_node))
            graph.add((node, SKOS.notation, Literal(concept.slug)))
            graph.add((node, SKOS.prefLabel, Literal(concept.label)))
            graph.add((node, SKOS.definition, Literal(concept.definition)))
            if isinstance(concept, FactProperty) and concept.unit:
                graph.add((node, PK.unit, value_iri("unit", concept.unit)))
    return graph


def values_turtle() -> str:
    """The text of ``ontology/values.ttl`` as it should be."""
    header = "# Generated from kg/vocabulary.py by `kg ontology`; do not edit by hand.\n"
    return header + values_graph().serialize(format="turtle")


def write_values_file() -> Path:
    """Regenerate ``ontology/values.ttl``."""
    VALUES_FILE.write_text(values_turtle(), encoding="utf-8")
    return VALUES_FILE


def vocabulary_graph() -> Graph:
    """The hand-written vocabulary: classes and properties."""
    graph = new_graph()
    graph.parse(VOCABULARY_FILE, format="turtle")
    return graph


def ontology_graph() -> Graph:
    """The vocabulary and the controlled values, as one graph."""
    graph = vocabulary_graph()
    graph += values_graph()
    return graph


def shapes_graph() -> Graph:
    """The SHACL shapes."""
    graph = Graph()
    graph.parse(SHAPES_FILE, format="turtle")
    return graph
