"""The derived graph: what the comparability rule concludes, computed once at build time.

``kg build`` (and ``kg add``, for the pairs a new source makes) reads the claims back from the
new store, applies ``kg.comparability`` and writes one ``pk:ClaimPair`` node per pair of
comparable claims with something to report, into the named graph
``https://w3id.org/paritykg/graph/derived`` (``.../derived/source/ID`` for an add). The pairs
travel with the graph, so any SPARQL engine answers the contradictions question the same way.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, XSD, URIRef

from kg.binding import bind
from kg.comparability import ComparableClaim, Pair, Relations
from kg.namespaces import GRAPH, ID, PK
from kg.store import query

Term = ox.NamedNode | ox.BlankNode | ox.Literal

DERIVED_GRAPH = GRAPH["derived"]


def derived_graph_for_source(source_id: str) -> URIRef:
    """The named graph holding the pairs a source added with ``kg add``."""
    return GRAPH[f"derived/source/{source_id}"]


_PK = "https://w3id.org/paritykg/vocab#"
SETTING_PREDICATES = {
    "shots": "shots", "chainOfThought": "cot", "passAt": "pass_at", "consensusAt": "consensus_at",
    "withTools": "tools", "split": "split", "snapshot": "snapshot", "reasoningEffort": "reasoning_effort",
    "reasoningEffortMention": "reasoning_effort_mention",
    "systemPrompt": "system_prompt", "harness": "harness", "attempts": "attempts",
    "evaluator": "evaluator", "outputCap": "output_cap",
}
CLAIM_PREDICATES = ("subject", "benchmark", "factProperty", "priceMeasure", "proposition", "qualifier",
                    "unit", "value", "valueEntity", "minValue", "maxValue", "lower", "upper",
                    "approximate", "effectiveDate", "asOf", "provider", "stance", "standardError",
                    "ciLow", "ciHigh", *SETTING_PREDICATES)
KIND_OF_CLASS = {"ScoreClaim": "score", "FactClaim": "fact", "PriceClaim": "price", "StanceClaim": "stance"}

_PREDICATE_VALUES = " ".join(f"pk:{name}" for name in CLAIM_PREDICATES)
CLAIM_TRIPLES = f"""
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?p ?o WHERE {{
  ?claim a ?class ; ?p ?o .
  VALUES ?class {{ pk:ScoreClaim pk:FactClaim pk:PriceClaim pk:StanceClaim }}
  VALUES ?p {{ rdf:type {_PREDICATE_VALUES} }}
}}"""

# The claims about some entities: one group that starts from the bound entities, with the class
# and predicate tested by FILTER (a VALUES list of predicates would be joined first, a scan).
SUBJECT_CLAIM_TRIPLES = f"""
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?p ?o WHERE {{
  # bind ?focus
  ?claim pk:subject|pk:proposition ?focus .
  ?claim a ?class .
  FILTER (?class IN (pk:ScoreClaim, pk:FactClaim, pk:PriceClaim, pk:StanceClaim))
  ?claim ?p ?o .
  FILTER (?p IN (rdf:type, {", ".join(f"pk:{name}" for name in CLAIM_PREDICATES)}))
}}"""

RELATIONS_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?a ?b ?relation WHERE {
  { ?a pk:parentBenchmark ?b . BIND ("benchmark" AS ?kind) }
  UNION { ?a pk:variantOf/pk:benchmark ?b . BIND ("benchmark" AS ?kind) }
  UNION { ?edge a pk:LineageClaim ; pk:child ?a ; pk:parent ?b ; pk:relation ?relation .
          VALUES ?relation { <https://w3id.org/paritykg/value/relation/quantization>
                             <https://w3id.org/paritykg/value/relation/revision> }
          BIND ("lineage" AS ?kind) }
  UNION { ?a pk:lab ?lab . ?lab skos:prefLabel|skos:altLabel ?b . BIND ("seller" AS ?kind) }
}"""


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def read_relations(store: ox.Store) -> Relations:
    """Related benchmarks, preserving lineage edges and labs' names, from the store."""
    relations = Relations()
    for row in query(store, RELATIONS_QUERY):
        kind, a, b = row["kind"].value, row["a"].value, row["b"].value
        if kind == "benchmark":
            relations.benchmark_links.append((a, b))
        elif kind == "lineage":
            relations.lineage_edges.append((a, b, _slug(row["relation"].value)))
        else:
            names = relations.seller_names.setdefault(a, set())
            names.update({"".join(c for c in b.casefold() if c.isalnum())})
    return relations


def _claims_from_triples(rows: Iterable[tuple[str, str, Term]]) -> list[ComparableClaim]:
    fields: dict[str, dict[str, Term]] = defaultdict(dict)
    for claim, predicate, obj in rows:
        name = predicate.rsplit("#", 1)[-1]
        if name == "type":
            local = obj.value[len(_PK):] if obj.value.startswith(_PK) else ""
            if isinstance(obj, ox.NamedNode) and local in KIND_OF_CLASS:
                fields[claim]["kind"] = obj
        else:
            fields[claim][name] = obj
    return [_claim(iri, values) for iri, values in fields.items() if "kind" in values]


def _decimal(term: Term | None) -> Decimal | None:
    return Decimal(term.value) if isinstance(term, ox.Literal) else None


def _widened(low: Decimal | None, high: Decimal | None, value: Decimal | None,
             values: dict[str, Term]) -> tuple[Decimal | None, Decimal | None]:
    """The interval, widened by a stated confidence interval or +-2 standard errors."""
    ci_low, ci_high, stderr = (_decimal(values.get(k)) for k in ("ciLow", "ciHigh", "standardError"))
    if ci_low is not None and ci_high is not None:
        low = ci_low if low is None else min(low, ci_low)
        high = ci_high if high is None else max(high, ci_high)
    if stderr is not None and value is not None:
        low = min(low if low is not None else value, value - 2 * stderr)
        high = max(high if high is not None else value, value + 2 * stderr)
    return low, high


def _claim(iri: str, values: dict[str, Term]) -> ComparableClaim:
    kind = KIND_OF_CLASS[values["kind"].value[len(_PK):]]
    prop_term = (values.get("benchmark") or values.get("factProperty") or values.get("priceMeasure")
                 or values.get("proposition"))
    value = values.get("value")
    number = _decimal(value) if isinstance(value, ox.Literal) and value.datatype.value == str(XSD.decimal) \
        else None
    low, high = _widened(_decimal(values.get("lower")), _decimal(values.get("upper")), number, values)
    uncertain = any(k in values for k in ("ciLow", "standardError"))
    approximate = values.get("approximate")
    exact = (number is not None and not uncertain and "minValue" not in values
             and "maxValue" not in values and not (approximate is not None and approximate.value == "true"))
    setting = {SETTING_PREDICATES[p]: _slug(term.value) if isinstance(term, ox.NamedNode) else term.value
               for p, term in values.items() if p in SETTING_PREDICATES}
    return ComparableClaim(
        iri=iri, kind=kind,
        subject=values["subject"].value if "subject" in values else prop_term.value,
        prop=prop_term.value if prop_term is not None else "",
        qualifier=values["qualifier"].value if "qualifier" in values else None,
        unit=_slug(values["unit"].value) if "unit" in values else None,
        number=number, low=low, high=high, exact=exact,
        text=value.value if isinstance(value, ox.Literal) and number is None else None,
        entity=values["valueEntity"].value if "valueEntity" in values else None,
        setting=setting,
        effective=values["effectiveDate"].value if "effectiveDate" in values else None,
        as_of=values["asOf"].value if "asOf" in values else None,
        provider=values["provider"].value if "provider" in values else None,
        stance=_slug(values["stance"].value) if "stance" in values else None,
    )


_CLAIM_PREDICATE_IRIS = frozenset([str(RDF.type), *(_PK + name for name in CLAIM_PREDICATES)])


def comparable_claims_of(quads: Iterable[ox.Quad]) -> list[ComparableClaim]:
    """The comparable claims among freshly converted quads (what ``read_claims`` reads back)."""
    return _claims_from_triples((q.subject.value, q.predicate.value, q.object) for q in quads
                                if q.predicate.value in _CLAIM_PREDICATE_IRIS)


def read_claims(store: ox.Store, focus: Iterable[str] | None = None) -> list[ComparableClaim]:
    """The comparable claims in the store: all of them, or those about the ``focus`` entity IRIs."""
    def triples(sparql: str, bindings: dict | None = None):
        for row in query(store, sparql, bindings):
            yield row["claim"].value, row["p"].value, row["o"]

    if focus is None:
        return _claims_from_triples(triples(CLAIM_TRIPLES))
    entities = [ox.NamedNode(entity) for entity in sorted(set(focus))]
    if not entities:
        return []
    return _claims_from_triples(triples(bind(SUBJECT_CLAIM_TRIPLES, {"focus": entities})))


def read_claims_by_iri(store: ox.Store, iris: Iterable[str]) -> list[ComparableClaim]:
    """The comparable claims with these IRIs (each looked up by its IRI, bound, not scanned for)."""
    rows = [(iri, row["p"].value, row["o"]) for iri in sorted(set(iris))
            for row in query(store, CLAIM_TRIPLES, {"claim": URIRef(iri)})]
    return _claims_from_triples(rows)


_DECIMAL = ox.NamedNode(str(XSD.decimal))
_TYPE = ox.NamedNode(str(RDF.type))


def _number(value: Decimal) -> ox.Literal:
    written = value.normalize() if value == value.to_integral() else value
    return ox.Literal(format(written, "f"), datatype=_DECIMAL)


def _pk(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(PK[name]))


def pair_quads(pairs: Iterable[Pair], graph: URIRef) -> Iterator[ox.Quad]:
    """RDF for the pairs, one ``pk:ClaimPair`` node each, as quads in ``graph`` (streamed: the
    pairs are never held in memory together)."""
    name = ox.NamedNode(str(graph))
    for pair in pairs:
        first, second = pair.first, pair.second
        digest = hashlib.sha1(f"{first.iri}|{second.iri}".encode()).hexdigest()[:24]
        node = ox.NamedNode(str(ID["pair/" + digest]))
        triples = [(_TYPE, _pk("ClaimPair")), (_pk("pairFirst"), ox.NamedNode(first.iri)),
                   (_pk("pairSecond"), ox.NamedNode(second.iri)), (_pk("pairKind"), ox.Literal(first.kind)),
                   (_pk("verdict"), ox.Literal(pair.verdict)),
                   (_pk("pairProperty"), ox.NamedNode(first.prop))]
        for field, value in (("distance", pair.size.distance), ("difference", pair.size.difference),
                             ("lastDigitUnits", pair.size.digit_units)):
            if value is not None:
                triples.append((_pk(field), _number(value)))
        triples += [(_pk("differingDimension"), ox.Literal(dimension)) for dimension in pair.differing]
        triples += [(_pk("unstatedDimension"), ox.Literal(dimension)) for dimension in pair.unstated]
        for claim in (first, second):
            triples.append((_pk("pairSubject"), ox.NamedNode(claim.subject)))
            if claim.kind == "score":
                triples.append((_pk("benchmark"), ox.NamedNode(claim.prop)))
        for predicate, obj in dict.fromkeys(triples):
            yield ox.Quad(node, predicate, obj, name)


