"""Records to RDF: reference entities, sources and their reified claims, one graph per source."""

import calendar
from decimal import Decimal
from typing import Any, Protocol

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kg.integrity import ReferenceIndex
from kg.loading import DataTree
from kg.namespaces import (
    CC,
    PK,
    SCHEMA,
    claim_iri,
    entity_iri,
    identifier_iri,
    source_iri,
    value_iri,
)
from kg.records import (
    ClaimBase,
    ComparisonClaim,
    ExternalId,
    FactClaim,
    LineageClaim,
    PriceClaim,
    ReferenceFile,
    ScoreClaim,
    Setting,
    SourceFile,
    StanceClaim,
    Uncertainty,
    ValueMixin,
    value_interval,
)
from kg.vocabulary import FACT_PROPERTY_BY_SLUG

Triple = tuple[Node, Node, Node]

PREFIXES = {
    "pk": str(PK._NS),
    "id": "https://w3id.org/paritykg/id/",
    "val": "https://w3id.org/paritykg/value/",
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "cc": str(CC),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
}


class TripleSink(Protocol):
    """Something triples are added to: an rdflib ``Graph`` or a ``Triples`` list."""

    def add(self, triple: Triple) -> Any:
        """Add one triple."""


class Triples(list):
    """Triples in the order they were made: a light stand-in for a graph while converting."""

    def add(self, triple: Triple) -> None:
        """Add one triple (duplicates are kept; a store or graph drops them)."""
        self.append(triple)


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def date_literal(text: str) -> Literal:
    """A (possibly partial) date as the matching XSD literal: date, gYearMonth or gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(text)]
    return Literal(text, datatype=datatype)


def last_day(text: str) -> Literal:
    """The last day a partial date covers, as xsd:date ('2026-07' -> 2026-07-31).

    Used for 'as of' filters: a claim dated only by month or year is counted as known
    once the whole period has passed, never earlier than its source could have said it.
    """
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)


def number_literal(value: float | int) -> Literal:
    """A number as xsd:decimal (written as the source wrote it, no binary float noise)."""
    if isinstance(value, int):
        return Literal(Decimal(value), datatype=XSD.decimal)
    return Literal(Decimal(repr(value)), datatype=XSD.decimal)


def _entity_kind(index: ReferenceIndex, ident: str) -> URIRef:
    return entity_iri(index.kinds[ident], ident)


def _labels(graph: TripleSink, node: URIRef, name: str, aliases: list[str]) -> None:
    graph.add((node, SKOS.prefLabel, Literal(name)))
    for alias in aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))


def _optional(graph: TripleSink, node: URIRef, predicate: URIRef, value: object) -> None:
    if value is None:
        return
    graph.add((node, predicate, value if isinstance(value, URIRef | Literal) else Literal(value)))


def _identifiers(graph: TripleSink, node: URIRef, identifiers: list[ExternalId],
                 imported: str | None) -> None:
    """External ids as schema:identifier PropertyValue nodes; the importing dataset, if any."""
    for ident in identifiers:
        link = identifier_iri(node, ident.scheme, ident.value)
        graph.add((node, SCHEMA.identifier, link))
        graph.add((link, RDF.type, SCHEMA.PropertyValue))
        graph.add((link, SCHEMA.propertyID, value_iri("identifier-scheme", ident.scheme)))
        graph.add((link, SCHEMA.value, Literal(ident.value)))
    _optional(graph, node, PK.importedFrom, imported)


def _origin(graph: TripleSink, node: URIRef, claim: ClaimBase) -> None:
    """The document a dataset row cites, as the claim's primary source (beside its dataset source)."""
    if claim.origin is None:
        return
    link = URIRef(f"{node}/origin")
    graph.add((node, PROV.hadPrimarySource, link))
    graph.add((link, RDF.type, PROV.Entity))
    _optional(graph, link, DCTERMS.title, claim.origin.title)
    if claim.origin.url:
        graph.add((link, SCHEMA.url, Literal(claim.origin.url, datatype=XSD.anyURI)))


def reference_graph(files: list[ReferenceFile]) -> Graph:
    """RDF for every reference entity."""
    graph = new_graph()
    for rec in files:
        for lab in rec.labs:
            node = entity_iri("lab", lab.id)
            graph.add((node, RDF.type, PK.Lab))
            graph.add((node, RDF.type, PROV.Organization))
            _labels(graph, node, lab.name, lab.aliases)
            _optional(graph, node, SCHEMA.url, Literal(lab.url, datatype=XSD.anyURI) if lab.url else None)
            _identifiers(graph, node, lab.identifiers, lab.imported)
        for fam in rec.families:
            node = entity_iri("family", fam.id)
            graph.add((node, RDF.type, PK.ModelFamily))
            _labels(graph, node, fam.name, fam.aliases)
            graph.add((node, PK.lab, entity_iri("lab", fam.lab)))
            if fam.parent:
                graph.add((node, PK.parentFamily, entity_iri("family", fam.parent)))
        for model in rec.models:
            node = entity_iri("model", model.id)
            graph.add((node, RDF.type, PK.Model))
            extra_type = {"agent-system": PK.AgentSystem, "embedding-model": PK.EmbeddingModel}
            if model.system_kind in extra_type:
                graph.add((node, RDF.type, extra_type[model.system_kind]))
            graph.add((node, PK.systemKind, value_iri("system-kind", model.system_kind)))
            _labels(graph, node, model.name, model.aliases)
            graph.add((node, PK.lab, entity_iri("lab", model.lab)))
            if model.family:
                graph.add((node, PK.family, entity_iri("family", model.family)))
            _identifiers(graph, node, model.identifiers, model.imported)
            _optional(graph, node, PK.note, model.note)
        for cohort in rec.cohorts:
            node = entity_iri("cohort", cohort.id)
            graph.add((node, RDF.type, PK.Cohort))
            _labels(graph, node, cohort.name, [])
            graph.add((node, SKOS.definition, Literal(cohort.definition)))
        for bench in rec.benchmarks:
            node = entity_iri("benchmark", bench.id)
            graph.add((node, RDF.type, PK.Benchmark))
            _labels(graph, node, bench.name, bench.aliases)
            graph.add((node, PK.category, value_iri("category", bench.category)))
            graph.add((node, PK.unit, value_iri("unit", bench.unit)))
            graph.add((node, PK.higherIsBetter, Literal(bench.higher_is_better)))
            _optional(graph, node, PK.benchmarkVersion, bench.version)
            if bench.parent:
                graph.add((node, PK.parentBenchmark, entity_iri("benchmark", bench.parent)))
            for variant in bench.variant_of:
                link = URIRef(f"{node}/variant/{variant.benchmark}")
                graph.add((node, PK.variantOf, link))
                graph.add((link, RDF.type, PK.BenchmarkVariant))
                graph.add((link, PK.benchmark, entity_iri("benchmark", variant.benchmark)))
                graph.add((link, PK.benchmarkRelation, value_iri("benchmark-relation", variant.relation)))
            _optional(graph, node, SCHEMA.url, Literal(bench.url, datatype=XSD.anyURI) if bench.url else None)
        for lic in rec.licences:
            node = entity_iri("licence", lic.id)
            graph.add((node, RDF.type, PK.Licence))
            graph.add((node, RDF.type, DCTERMS.LicenseDocument))
            _labels(graph, node, lic.name, [])
            _optional(graph, node, PK.spdxId, lic.spdx)
            graph.add((node, PK.osiApproved, Literal(lic.osi_approved)))
            _optional(graph, node, SCHEMA.url, Literal(lic.url, datatype=XSD.anyURI) if lic.url else None)
        for prop in rec.propositions:
            node = entity_iri("proposition", prop.id)
            graph.add((node, RDF.type, PK.Proposition))
            graph.add((node, PK.statement, Literal(prop.statement)))
            graph.add((node, SKOS.prefLabel, Literal(prop.id)))
    return graph


def _values(graph: TripleSink, node: URIRef, claim: ValueMixin) -> None:
    """Value or range, the approximate flag, and the interval used for conflict checks."""
    if isinstance(claim.value, int | float) and not isinstance(claim.value, bool):
        graph.add((node, PK.value, number_literal(claim.value)))
    for predicate, number in ((PK.minValue, claim.min), (PK.maxValue, claim.max)):
        if number is not None:
            graph.add((node, predicate, number_literal(number)))
    graph.add((node, PK.approximate, Literal(claim.approximate)))
    is_number = isinstance(claim.value, int | float) and not isinstance(claim.value, bool)
    numeric = claim.value if is_number else None
    if numeric is None and claim.min is None and claim.max is None:
        return
    low, high = value_interval(numeric, claim.min, claim.max, claim.approximate)
    if low is not None:
        graph.add((node, PK.lower, number_literal(low)))
    if high is not None:
        graph.add((node, PK.upper, number_literal(high)))


def _setting(graph: TripleSink, node: URIRef, setting: Setting) -> None:
    graph.add((node, PK.settingKey, Literal(setting.key())))
    _optional(graph, node, PK.shots, setting.shots)
    _optional(graph, node, PK.chainOfThought, setting.cot)
    _optional(graph, node, PK.passAt, setting.pass_at)
    _optional(graph, node, PK.consensusAt, setting.consensus_at)
    _optional(graph, node, PK.withTools, setting.tools)
    _optional(graph, node, PK.split, setting.split)
    _optional(graph, node, PK.snapshot, setting.snapshot)
    if setting.reasoning_effort:
        graph.add((node, PK.reasoningEffort, value_iri("reasoning-effort", setting.reasoning_effort)))
    _optional(graph, node, PK.reasoningEffortMention, setting.reasoning_effort_mention)
    _optional(graph, node, PK.systemPrompt, setting.system_prompt)
    _optional(graph, node, PK.harness, setting.harness)
    _optional(graph, node, PK.attempts, setting.attempts)
    if setting.evaluator:
        graph.add((node, PK.evaluator, entity_iri("lab", setting.evaluator)))
    _optional(graph, node, PK.outputCap, setting.output_cap)
    _optional(graph, node, PK.settingNote, setting.note)


def _uncertainty(graph: TripleSink, node: URIRef, uncertainty: Uncertainty | None) -> None:
    if uncertainty is None:
        return
    for predicate, number in ((PK.standardError, uncertainty.stderr), (PK.ciLow, uncertainty.ci_low),
                              (PK.ciHigh, uncertainty.ci_high), (PK.ciLevel, uncertainty.ci_level)):
        if number is not None:
            graph.add((node, predicate, number_literal(number)))
    _optional(graph, node, PK.votes, uncertainty.votes)


def _run_by(claim: ScoreClaim, first_party_labs: list[str], index: ReferenceIndex) -> str:
    """Who ran an evaluation: as stated, else first-party when the source is the model's lab's."""
    if claim.run_by:
        return claim.run_by
    lab = index.entity_lab.get(claim.subject)
    return "first-party" if lab and lab in first_party_labs else "unknown"


def source_graph_of(record: SourceFile, index: ReferenceIndex) -> Graph:
    """RDF for one source and its claims, as an rdflib graph."""
    graph = new_graph()
    for triple in source_triples(record, index):
        graph.add(triple)
    return graph


def source_triples(record: SourceFile, index: ReferenceIndex) -> Triples:
    """RDF for one source and its claims, as a list of triples (cheaper than a graph to build)."""
    graph = Triples()
    src = record.source
    snode = source_iri(src.id)
    graph.add((snode, RDF.type, PK.Source))
    graph.add((snode, RDF.type, PROV.Entity))
    graph.add((snode, DCTERMS.identifier, Literal(src.id)))
    graph.add((snode, DCTERMS.title, Literal(src.title)))
    _optional(graph, snode, DCTERMS.publisher, src.publisher)
    _optional(graph, snode, SCHEMA.url, Literal(src.url, datatype=XSD.anyURI) if src.url else None)
    graph.add((snode, DCTERMS.date, date_literal(src.date)))
    graph.add((snode, PK.effectiveDate, last_day(src.date)))
    graph.add((snode, PK.sourceKind, value_iri("source-kind", src.kind)))
    for lab in src.labs:
        graph.add((snode, PK.firstPartyFor, entity_iri("lab", lab)))
    _optional(graph, snode, PK.repository, src.repository)
    _optional(graph, snode, PK.repositoryPath, src.path)
    _optional(graph, snode, PK.commit, src.commit)
    _optional(graph, snode, PK.accessed, date_literal(src.accessed) if src.accessed else None)
    _optional(graph, snode, PK.storedCopy, src.stored_copy)
    _optional(graph, snode, DCTERMS.rights, src.licence)
    if src.licence_url:
        graph.add((snode, DCTERMS.license, URIRef(src.licence_url)))
    _optional(graph, snode, CC.attributionName, src.attribution)
    _optional(graph, snode, RDFS.comment, src.note)

    for claim in record.claims:
        node = claim_iri(src.id, claim.id)
        graph.add((node, RDF.type, PK.Claim))
        graph.add((node, PROV.wasDerivedFrom, snode))
        graph.add((node, PK.claimId, Literal(claim.id)))
        graph.add((node, PK.locator, Literal(claim.locator)))
        if claim.as_of:
            graph.add((node, PK.asOf, date_literal(claim.as_of)))
        graph.add((node, PK.effectiveDate, last_day(claim.as_of or src.date)))
        _optional(graph, node, PK.note, claim.note)
        _origin(graph, node, claim)
        _claim_body(graph, node, claim, src.labs, index)
    return graph


def _claim_body(graph: TripleSink, node: URIRef, claim, first_party_labs: list[str],
                index: ReferenceIndex) -> None:
    add = graph.add
    if isinstance(claim, ScoreClaim):
        add((node, RDF.type, PK.ScoreClaim))
        add((node, PK.subject, _entity_kind(index, claim.subject)))
        add((node, PK.mention, Literal(claim.mention)))
        add((node, PK.benchmark, entity_iri("benchmark", claim.benchmark)))
        _optional(graph, node, PK.benchmarkMention, claim.benchmark_mention)
        add((node, PK.unit, value_iri("unit", index.benchmark_units[claim.benchmark])))
        add((node, PK.runBy, value_iri("run-by", _run_by(claim, first_party_labs, index))))
        _values(graph, node, claim)
        _setting(graph, node, claim.setting)
        _uncertainty(graph, node, claim.uncertainty)
    elif isinstance(claim, PriceClaim):
        add((node, RDF.type, PK.PriceClaim))
        add((node, PK.subject, _entity_kind(index, claim.subject)))
        add((node, PK.mention, Literal(claim.mention)))
        _optional(graph, node, PK.provider, claim.provider)
        add((node, PK.priceMeasure, value_iri("price-measure", claim.measure)))
        add((node, PK.unit, value_iri("unit", claim.unit)))
        _values(graph, node, claim)
        _setting(graph, node, claim.setting)
    elif isinstance(claim, FactClaim):
        spec = FACT_PROPERTY_BY_SLUG[claim.property]
        add((node, RDF.type, PK.FactClaim))
        add((node, PK.subject, _entity_kind(index, claim.subject)))
        add((node, PK.mention, Literal(claim.mention)))
        add((node, PK.factProperty, value_iri("fact-property", claim.property)))
        unit = claim.unit or spec.unit
        if unit:
            add((node, PK.unit, value_iri("unit", unit)))
        _optional(graph, node, PK.qualifier, claim.qualifier)
        if spec.value_type in ("lab", "licence"):
            add((node, PK.valueEntity, entity_iri(spec.value_type, claim.value)))
        elif spec.value_type == "date":
            add((node, PK.value, date_literal(claim.value)))
        elif spec.value_type in ("boolean", "text"):
            add((node, PK.value, Literal(claim.value)))
        _values(graph, node, claim)
    elif isinstance(claim, LineageClaim):
        add((node, RDF.type, PK.LineageClaim))
        add((node, PK.child, _entity_kind(index, claim.child)))
        add((node, PK.childMention, Literal(claim.child_mention)))
        add((node, PK.parent, _entity_kind(index, claim.parent)))
        add((node, PK.parentMention, Literal(claim.parent_mention)))
        add((node, PK.relation, value_iri("relation", claim.relation)))
        add((node, PK.status, value_iri("lineage-status", claim.status)))
    elif isinstance(claim, ComparisonClaim):
        add((node, RDF.type, PK.ComparisonClaim))
        add((node, PK.left, _entity_kind(index, claim.left)))
        add((node, PK.leftMention, Literal(claim.left_mention)))
        add((node, PK.right, _entity_kind(index, claim.right)))
        add((node, PK.rightMention, Literal(claim.right_mention)))
        if claim.benchmark:
            add((node, PK.benchmark, entity_iri("benchmark", claim.benchmark)))
        add((node, PK.comparisonMeasure, value_iri("comparison-measure", claim.measure)))
        add((node, PK.comparisonRelation, value_iri("comparison-relation", claim.relation)))
        if claim.magnitude:
            add((node, PK.unit, value_iri("unit", claim.magnitude.unit)))
            _values(graph, node, claim.magnitude)
    elif isinstance(claim, StanceClaim):
        add((node, RDF.type, PK.StanceClaim))
        add((node, PK.proposition, entity_iri("proposition", claim.proposition)))
        add((node, PK.stance, value_iri("stance", claim.stance)))
        add((node, PK.summary, Literal(claim.quote_free_summary)))


def tree_graphs(tree: DataTree, index: ReferenceIndex) -> tuple[Graph, dict[str, Graph]]:
    """The reference graph and one graph per source id."""
    reference = reference_graph([loaded.record for loaded in tree.references])
    sources = {
        loaded.record.source.id: source_graph_of(loaded.record, index) for loaded in tree.sources
    }
    return reference, sources
