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

from kg.binding import bind, term_text
from kg.comparability import PRESERVED_BY_RELATION, ComparableClaim, Pair, Relations, comparable_pairs, slug
from kg.namespaces import GRAPH, ID, PK, value_iri
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

_PRESERVING = ", ".join(f"<{value_iri('relation', name)}>" for name in sorted(PRESERVED_BY_RELATION))

BENCHMARK_LINKS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?a ?b WHERE {
  { ?a pk:parentBenchmark ?b } UNION { ?a pk:variantOf/pk:benchmark ?b }
}"""

# The lineage edges whose relation preserves a fact property (all of them, or, with ?node bound,
# those touching these entities).
PRESERVING_EDGES = f"""
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?a ?b ?relation WHERE {{
  # bind ?node
  {{ ?edge pk:child ?node }} UNION {{ ?edge pk:parent ?node }}
  ?edge a pk:LineageClaim ; pk:child ?a ; pk:parent ?b ; pk:relation ?relation .
  FILTER (?relation IN ({_PRESERVING}))
}}"""

ALL_PRESERVING_EDGES = f"""
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?a ?b ?relation WHERE {{
  ?edge a pk:LineageClaim ; pk:child ?a ; pk:parent ?b ; pk:relation ?relation .
  FILTER (?relation IN ({_PRESERVING}))
}}"""

# Each subject's lab's names (all subjects, or, with ?a bound, these).
SELLER_NAMES = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?a ?b WHERE {
  # bind ?a
  ?a pk:lab ?lab . ?lab skos:prefLabel|skos:altLabel ?b .
}"""


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _add_sellers(relations: Relations, rows: Iterable[dict]) -> None:
    for row in rows:
        names = relations.seller_names.setdefault(row["a"].value, set())
        names.add("".join(c for c in row["b"].value.casefold() if c.isalnum()))


def _benchmark_links(store: ox.Store) -> list[tuple[str, str]]:
    return [(row["a"].value, row["b"].value) for row in query(store, BENCHMARK_LINKS)]


def _edge(row: dict) -> tuple[str, str, str]:
    return row["a"].value, row["b"].value, _slug(row["relation"].value)


def read_relations(store: ox.Store) -> Relations:
    """Related benchmarks, preserving lineage edges and labs' names, from the store."""
    relations = Relations(benchmark_links=_benchmark_links(store))
    relations.lineage_edges = [_edge(row) for row in query(store, ALL_PRESERVING_EDGES)]
    _add_sellers(relations, query(store, SELLER_NAMES))
    return relations


def read_relations_near(store: ox.Store, subjects: Iterable[str]) -> Relations:
    """What :func:`read_relations` gives that claims about ``subjects`` (entity IRIs) can use: every
    benchmark link (few), the preserving lineage edges of the subjects' connected groups (followed
    edge by edge from the subjects) and the names of the subjects' labs; not the whole store's."""
    relations = Relations(benchmark_links=_benchmark_links(store))
    start = sorted(set(subjects))
    if not start:
        return relations
    edges: set[tuple[str, str, str]] = set()
    reached, frontier = set(start), start
    while frontier:
        found = [_edge(row) for row in
                 query(store, bind(PRESERVING_EDGES, {"node": [ox.NamedNode(n) for n in frontier]}))]
        edges.update(found)
        frontier = sorted({node for a, b, _ in found for node in (a, b)} - reached)
        reached.update(frontier)
    relations.lineage_edges = sorted(edges)
    _add_sellers(relations, query(store, bind(SELLER_NAMES, {"a": [ox.NamedNode(s) for s in start]})))
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


# The claims about some entities on some properties (``?prop_choices``: the property IRIs, or
# ``?prop`` for any); the properties are tested by FILTER (a second VALUES block is joined badly).
CLAIMS_ABOUT = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT DISTINCT ?claim WHERE {
  # bind ?focus
  ?claim pk:subject|pk:proposition ?focus .
  ?claim pk:benchmark|pk:factProperty|pk:priceMeasure|pk:proposition ?prop .
  FILTER (?prop IN (?prop_choices))
}"""


CLAIM_TRIPLES_OF = f"""
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?p ?o WHERE {{
  # bind ?claim
  ?claim ?p ?o .
  FILTER (?p IN (rdf:type, {", ".join(f"pk:{name}" for name in CLAIM_PREDICATES)}))
}}"""
CLAIMS_PER_QUERY = 2000


def _claim_triples(store: ox.Store, claims: Iterable[ox.NamedNode | ox.BlankNode]
                   ) -> Iterator[tuple[str, str, Term]]:
    """The claim predicates' triples of these claims, looked up by the claims (bound, a batch per
    query; only the terms kept are read out of the store)."""
    listed = list(claims)
    for start in range(0, len(listed), CLAIMS_PER_QUERY):
        batch = listed[start:start + CLAIMS_PER_QUERY]
        for row in query(store, bind(CLAIM_TRIPLES_OF, {"claim": batch})):
            yield row["claim"].value, row["p"].value, row["o"]


def read_claims(store: ox.Store, focus: Iterable[str] | None = None,
                props: Iterable[str] | None = None) -> list[ComparableClaim]:
    """The comparable claims in the store: all of them, or those about the ``focus`` entity IRIs
    (and, given ``props``, on one of these benchmarks, properties, measures or propositions), each
    claim found by one query, then read by its IRI."""
    if focus is None:
        return _claims_from_triples((row["claim"].value, row["p"].value, row["o"])
                                    for row in query(store, CLAIM_TRIPLES))
    entities = [ox.NamedNode(entity) for entity in sorted(set(focus))]
    if not entities:
        return []
    if props is None:
        wanted = "?prop"
    else:
        wanted = ", ".join(term_text(ox.NamedNode(prop)) for prop in sorted(set(props)))
    found = query(store, bind(CLAIMS_ABOUT.replace("?prop_choices", wanted), {"focus": entities}))
    claims = {row["claim"].value: row["claim"] for row in found}
    return _claims_from_triples(_claim_triples(store, (claims[iri] for iri in sorted(claims))))


def read_claims_by_iri(store: ox.Store, iris: Iterable[str]) -> list[ComparableClaim]:
    """The comparable claims with these IRIs (each read by its IRI, not scanned for)."""
    return _claims_from_triples(_claim_triples(store, (ox.NamedNode(iri) for iri in sorted(set(iris)))))


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
                triples.append((_pk("pairBenchmark"), ox.NamedNode(claim.prop)))
        for predicate, obj in dict.fromkeys(triples):
            yield ox.Quad(node, predicate, obj, name)


def derive_pairs(store: ox.Store, graph: URIRef, new_claims: set[str] | None = None,
                 relations: Relations | None = None) -> list[ox.Quad]:
    """The comparable pairs as quads in ``graph``: for the whole store, or for pairs with a new
    claim (``relations``: the store's, when already known; else what the new claims' subjects
    need of them is read).

    For new claims, only the claims they can be compared with are read: those about the same
    subjects (or subjects a preserving relation links to them) on the same property, or on a
    benchmark related to theirs.
    """
    if new_claims is None:
        relations = relations or read_relations(store)
        return list(pair_quads(comparable_pairs(read_claims(store), relations), graph))
    new = read_claims_by_iri(store, new_claims)
    if relations is None:
        relations = read_relations_near(store, {claim.subject for claim in new})
    claims = read_claims(store, _focus(new, relations), _related_properties(new, relations))
    return list(pair_quads(comparable_pairs(claims, relations, new_claims), graph))


def _focus(claims: list[ComparableClaim], relations: Relations) -> set[str]:
    """The subjects new claims are about, with those a preserving relation links to them for the
    properties the new fact claims state (a new parameter count reaches the quantized children)."""
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


def _related_properties(claims: list[ComparableClaim], relations: Relations) -> set[str]:
    """The properties claims comparable with these can be on: their own, and every benchmark
    declared related (in any direction, through any chain) to a benchmark a score is on."""
    props = {claim.prop for claim in claims}
    groups = relations.variant_groups()
    roots = {groups.find(claim.prop) for claim in claims if claim.kind == "score"}
    props.update(benchmark for link in relations.benchmark_links for benchmark in link
                 if groups.find(benchmark) in roots)
    return props
