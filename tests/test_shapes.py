"""Every SHACL shape has a conforming and a violating fixture, with the expected message."""

import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.integrity import check_tree
from kg.loading import load_tree
from kg.namespaces import ID, PK
from kg.ontology import shapes_graph
from kg.rdf import tree_graphs
from kg.validation import Origin, shacl_problems
from tests.conftest import FIXTURE_DATA

SH = Namespace("http://www.w3.org/ns/shacl#")
VAL = Namespace("https://w3id.org/paritykg/value/")
PKS = Namespace("https://w3id.org/paritykg/shapes#")


def conforming_graph() -> Graph:
    """The fixture data tree as one graph (it conforms)."""
    tree = load_tree(FIXTURE_DATA)
    reference, sources = tree_graphs(tree, check_tree(tree))
    graph = Graph()
    graph += reference
    for source in sources.values():
        graph += source
    return graph


def claim(source: str, ident: str) -> URIRef:
    return ID[f"claim/{source}/{ident}"]


MODEL = ID["model/open-chat-70b"]
SCORE = claim("parity-article", "chat-text")
PRICE = claim("parity-article", "chat-price")
FACT = claim("open-lab-card", "chat-licence")
PARAMS = claim("open-lab-card", "base-params")
DEVELOPER = claim("open-lab-card", "base-developer")
LINEAGE = claim("open-lab-card", "chat-lineage")
COMPARISON = claim("parity-article", "cmp-vision")
STANCE = claim("parity-article", "stance-parity")
SOURCE = ID["source/parity-article"]
ORIGIN = URIRef(f"{SCORE}/origin")

# shape -> (node made to violate, triples to remove, triples to add, expected message part)
VIOLATIONS = {
    "LabShape": (ID["lab/open-lab"], [(ID["lab/open-lab"], SKOS.prefLabel, None)], [], "exactly one name"),
    "ModelShape": (MODEL, [(MODEL, PK.lab, None)], [], "exactly one lab"),
    "ModelFamilyShape": (ID["family/closed-family"], [],
                         [(ID["family/closed-family"], PK.parentFamily, MODEL)], "parent must be a known family"),
    "CohortShape": (ID["cohort/open-weight-models"], [(ID["cohort/open-weight-models"], SKOS.definition, None)],
                    [], "definition"),
    "BenchmarkShape": (ID["benchmark/bench-text"], [],
                       [(ID["benchmark/bench-text"], PK.unit, VAL["unit/elo"])], "exactly one known unit"),
    "LicenceShape": (ID["licence/apache-2.0"], [], [(ID["licence/apache-2.0"], PK.spdxId, Literal("Apache 2.0"))],
                     "SPDX id"),
    "PropositionShape": (ID["proposition/open-parity"], [(ID["proposition/open-parity"], PK.statement, None)],
                         [], "statement"),
    "SourceShape": (SOURCE, [(SOURCE, DCTERMS.title, None)], [], "exactly one title"),
    "ClaimShape": (SCORE, [(SCORE, PK.locator, None)], [], "locator"),
    "ValueShape": (SCORE, [], [(SCORE, PK.minValue, Literal("low"))], "'min' must be one number"),
    "SubjectShape": (SCORE, [(SCORE, PK.subject, None)], [(SCORE, PK.subject, ID["lab/open-lab"])],
                     "known model, family or cohort"),
    "ScoreClaimShape": (SCORE, [(SCORE, PK.benchmark, None)], [], "exactly one known benchmark"),
    "PercentRangeShape": (SCORE, [(SCORE, PK.value, None)], [(SCORE, PK.value, Literal("101", datatype=XSD.decimal))],
                          "between 0 and 100"),
    "PriceClaimShape": (PRICE, [(PRICE, PK.value, None)], [(PRICE, PK.value, Literal("-1", datatype=XSD.decimal))],
                        "at least 0"),
    "FactClaimShape": (PARAMS, [(PARAMS, PK.value, None)], [], "a fact needs a value"),
    "NumericFactShape": (PARAMS, [(PARAMS, PK.value, None)], [(PARAMS, PK.value, Literal("-70", datatype=XSD.decimal))],
                         "cannot be negative"),
    "OriginShape": (ORIGIN, [], [(SCORE, PROV.hadPrimarySource, ORIGIN)], "a title or an address"),
    "LicenceFactShape": (FACT, [(FACT, PK.valueEntity, None)], [(FACT, PK.valueEntity, MODEL)], "known licence"),
    "DeveloperFactShape": (DEVELOPER, [(DEVELOPER, PK.valueEntity, None)], [(DEVELOPER, PK.valueEntity, MODEL)],
                           "known lab"),
    "LineageClaimShape": (LINEAGE, [(LINEAGE, PK.parent, None)], [(LINEAGE, PK.parent, MODEL)],
                          "cannot be built on itself"),
    "ComparisonClaimShape": (COMPARISON, [(COMPARISON, PK.comparisonRelation, None)], [], "known relation"),
    "StanceClaimShape": (STANCE, [(STANCE, PK.stance, None)], [(STANCE, PK.stance, VAL["relation/merge"])],
                         "supports, disputes or qualifies"),
}


def test_every_shape_has_a_case():
    shapes = shapes_graph()
    declared = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert declared == set(VIOLATIONS)


def test_fixture_conforms():
    assert shacl_problems(conforming_graph(), {}) == []


@pytest.mark.parametrize("shape", sorted(VIOLATIONS))
def test_shape_rejects_its_violation(shape):
    node, remove, add, expected = VIOLATIONS[shape]
    graph = conforming_graph()
    for s, p, o in remove:
        graph.remove((s, p, o))
    for triple in add:
        graph.add(triple)
    origins = {node: Origin("fixture.yaml", "record 'x'")}
    problems = shacl_problems(graph, origins)
    matching = [p for p in problems if expected in p.rule]
    assert matching, problems
    assert matching[0].file == "fixture.yaml" and matching[0].record == "record 'x'"


@pytest.mark.parametrize("extra_kind", [PK.PriceClaim, PK.Source])
def test_a_claim_has_exactly_one_known_kind(extra_kind):
    graph = conforming_graph()
    graph.add((SCORE, RDF.type, extra_kind))
    problems = shacl_problems(graph, {SCORE: Origin("fixture.yaml", "claim 'chat-text'")})
    assert any("exactly one kind" in p.rule and p.record == "claim 'chat-text'" for p in problems), problems
