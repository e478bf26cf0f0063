"""The project's RDF namespaces: the vocabulary (``PK``) and the IRIs of curated things."""

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/paritykg/"


class PK(DefinedNamespace):
    """ParityKG vocabulary; a term not declared here raises, so a typo fails at import."""

    _NS = Namespace(BASE + "vocab#")
    _fail = True

    # classes: entities
    Lab: URIRef
    Model: URIRef
    AgentSystem: URIRef
    EmbeddingModel: URIRef
    ModelFamily: URIRef
    Cohort: URIRef
    ClaimSubject: URIRef
    LineageEndpoint: URIRef
    Benchmark: URIRef
    Licence: URIRef
    Source: URIRef
    Proposition: URIRef
    BenchmarkVariant: URIRef
    IdentifierScheme: URIRef
    # classes: claims
    Claim: URIRef
    ScoreClaim: URIRef
    PriceClaim: URIRef
    FactClaim: URIRef
    LineageClaim: URIRef
    ComparisonClaim: URIRef
    StanceClaim: URIRef
    # classes: controlled values
    Unit: URIRef
    Category: URIRef
    FactProperty: URIRef
    LineageRelation: URIRef
    LineageStatus: URIRef
    RunBy: URIRef
    PriceMeasure: URIRef
    ComparisonRelation: URIRef
    ComparisonMeasure: URIRef
    Stance: URIRef
    SourceKind: URIRef

    # entity properties
    lab: URIRef
    family: URIRef
    parentFamily: URIRef
    definition: URIRef
    category: URIRef
    unit: URIRef
    higherIsBetter: URIRef
    benchmarkVersion: URIRef
    parentBenchmark: URIRef
    spdxId: URIRef
    osiApproved: URIRef
    statement: URIRef
    # source properties
    sourceKind: URIRef
    firstPartyFor: URIRef
    repository: URIRef
    repositoryPath: URIRef
    commit: URIRef
    accessed: URIRef
    storedCopy: URIRef
    effectiveDate: URIRef
    # common claim properties
    claimId: URIRef
    locator: URIRef
    asOf: URIRef
    mention: URIRef
    subject: URIRef
    value: URIRef
    valueEntity: URIRef
    minValue: URIRef
    maxValue: URIRef
    lower: URIRef
    upper: URIRef
    approximate: URIRef
    note: URIRef
    # score claims
    benchmark: URIRef
    benchmarkMention: URIRef
    runBy: URIRef
    settingKey: URIRef
    shots: URIRef
    chainOfThought: URIRef
    passAt: URIRef
    consensusAt: URIRef
    withTools: URIRef
    split: URIRef
    snapshot: URIRef
    reasoningEffort: URIRef
    reasoningEffortMention: URIRef
    systemPrompt: URIRef
    harness: URIRef
    attempts: URIRef
    evaluator: URIRef
    outputCap: URIRef
    settingNote: URIRef
    standardError: URIRef
    ciLow: URIRef
    ciHigh: URIRef
    ciLevel: URIRef
    votes: URIRef
    # price claims
    provider: URIRef
    priceMeasure: URIRef
    # fact claims
    factProperty: URIRef
    qualifier: URIRef
    # lineage claims
    child: URIRef
    childMention: URIRef
    parent: URIRef
    parentMention: URIRef
    relation: URIRef
    status: URIRef
    # comparison claims
    left: URIRef
    leftMention: URIRef
    right: URIRef
    rightMention: URIRef
    comparisonRelation: URIRef
    comparisonMeasure: URIRef
    # stance claims
    proposition: URIRef
    stance: URIRef
    summary: URIRef
    # system kind
    systemKind: URIRef
    # imported entities (kg/importers)
    importedFrom: URIRef
    # benchmark variants
    variantOf: URIRef
    benchmarkRelation: URIRef
    # derived graph: comparable pairs (kg/comparability.py)
    ClaimPair: URIRef
    ReasoningEffort: URIRef
    BenchmarkRelation: URIRef
    pairFirst: URIRef
    pairSecond: URIRef
    pairKind: URIRef
    pairSubject: URIRef
    pairProperty: URIRef
    pairBenchmark: URIRef
    verdict: URIRef
    distance: URIRef
    difference: URIRef
    lastDigitUnits: URIRef
    differingDimension: URIRef
    unstatedDimension: URIRef
    # derived graph: precomputed keys (kg/keys.py)
    rankKey: URIRef
    splitKey: URIRef
    subjectKind: URIRef
    admission: URIRef
    AdmissionProfile: URIRef
    admittedBySources: URIRef
    admittedByTools: URIRef
    admittedByAttempts: URIRef
    admittedBySubjects: URIRef
    midValue: URIRef
    OpennessPeriod: URIRef
    SourceOpennessPeriod: URIRef
    periodSubject: URIRef
    periodDefinition: URIRef
    periodSide: URIRef
    periodFrom: URIRef
    periodUntil: URIRef
    periodSource: URIRef
    lineageAncestorOrSelf: URIRef
    # push manifest (kg/push.py)
    contentDigest: URIRef


ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
REFERENCE_GRAPH = GRAPH["reference"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
SCHEMA = Namespace("https://schema.org/")
CC = Namespace("http://creativecommons.org/ns#")
VALUE = Namespace(BASE + "value/")

ENTITY_KINDS = {
    "labs": "lab",
    "families": "family",
    "models": "model",
    "cohorts": "cohort",
    "benchmarks": "benchmark",
    "licences": "licence",
    "propositions": "proposition",
}


def entity_iri(kind: str, ident: str) -> URIRef:
    """IRI of a curated entity, e.g. ``entity_iri('model', 'qwen2.5-72b')``."""
    return ID[f"{kind}/{ident}"]


def identifier_iri(entity: URIRef, scheme: str, value: str) -> URIRef:
    """IRI of one external identifier of an entity (a schema:PropertyValue node)."""
    return URIRef(f"{entity}/identifier/{scheme}/{quote(value, safe='')}")


def source_iri(source_id: str) -> URIRef:
    """IRI of a source document."""
    return ID[f"source/{source_id}"]


def claim_iri(source_id: str, claim_id: str) -> URIRef:
    """IRI of one claim of one source."""
    return ID[f"claim/{source_id}/{claim_id}"]


def source_graph(source_id: str) -> URIRef:
    """Named graph holding a source's metadata and claims."""
    return GRAPH[f"source/{source_id}"]


def value_iri(scheme: str, slug: str) -> URIRef:
    """IRI of a controlled value (a SKOS concept), e.g. ``value_iri('relation', 'backbone')``."""
    return VALUE[f"{scheme}/{slug}"]


def scheme_iri(scheme: str) -> URIRef:
    """IRI of a controlled vocabulary (a SKOS concept scheme)."""
    return VALUE[scheme]
