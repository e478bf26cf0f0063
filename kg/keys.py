"""Keys precomputed at build time, so the dated questions join on them instead of recomputing.

Two kinds of node go into the derived graph (``.../graph/derived``; ``.../derived/source/ID``
for the claims a ``kg add`` brings), documented in the ontology:

- per score and price claim, ``pk:midValue`` (the exact value, else the midpoint of its range);
  per score claim ``pk:rankKey``: that value oriented so that higher
  is better, as a fixed-width string followed by the claim IRI, so ``MAX`` picks the best claim
  of a group in one pass; ``pk:splitKey``, the split it was run on ("" when none is named); and
  ``pk:subjectKind``, what its subject is ("system" for an agent system, "model" for any other
  named model, "group" for a family or cohort), so a question choosing what it compares joins on
  one literal instead of testing the subject's types claim by claim; ``pk:admission``, its admission
  profile (kg.admission), whose node lists the policy choices that admit it.
- per model or family and definition of "open", ``pk:OpennessPeriod`` nodes: the side
  ("open", "closed" or "unknown") that the weights and licence facts known from ``pk:periodFrom``
  (until ``pk:periodUntil``, exclusive, when a later fact changed it) put the subject on.
  ``pk:SourceOpennessPeriod`` nodes do the same with one source's own facts only, for questions
  asked of one source. An agent system's side comes from its code facts and the sides of the
  models it drives (its ``backbone`` lineage parents) on each day. What "open" means lives here
  and only here (``side``, ``system_side``).
- per model or family named by a lineage claim, ``pk:lineageAncestorOrSelf`` to itself and to
  every model or family it is built on through any chain of lineage claims (any relation and
  status), so lineage up is ``?model pk:lineageAncestorOrSelf ?x`` and lineage down
  ``?x pk:lineageAncestorOrSelf ?model``: plain joins from a bound model, on any engine.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from kg.admission import Profile, profile_of, profile_quads
from kg.binding import bind
from kg.comparability import midpoint
from kg.namespaces import PK
from kg.store import query

XSD = "http://www.w3.org/2001/XMLSchema#"
DATE = ox.NamedNode(XSD + "date")
DECIMAL = ox.NamedNode(XSD + "decimal")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFINITIONS = ("weights", "osi")
OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"


def _pk(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(PK[name]))


@dataclass
class OpennessCounts:
    """How many facts (known by a day) say weights yes / no, OSI-approved licence yes / no, and (for
    an agent system) code yes / no."""

    weights_yes: int = 0
    weights_no: int = 0
    osi_yes: int = 0
    osi_no: int = 0
    code_yes: int = 0
    code_no: int = 0

    def add(self, other: "OpennessCounts") -> None:
        """Count another fact's contribution in."""
        self.weights_yes += other.weights_yes
        self.weights_no += other.weights_no
        self.osi_yes += other.osi_yes
        self.osi_no += other.osi_no
        self.code_yes += other.code_yes
        self.code_no += other.code_no

    def says_anything(self) -> bool:
        """Whether any fact counted says anything about openness."""
        return any((self.weights_yes, self.weights_no, self.osi_yes, self.osi_no,
                    self.code_yes, self.code_no))


def side(counts: OpennessCounts, definition: str) -> str:
    """The side the facts put a subject on, under a definition of "open".

    "weights": open when some fact says the weights are available and none says they are not,
    closed when the reverse holds; "osi": open when some licence fact names an OSI-approved
    licence and no fact says the weights are unavailable, closed when weights are unavailable or
    the licence is not OSI-approved. Anything else (no facts, or facts that disagree) is unknown.
    """
    if definition == "osi":
        if counts.osi_yes > 0 and counts.weights_no == 0:
            return OPEN
        return CLOSED if counts.weights_no > 0 or counts.osi_no > 0 else UNKNOWN
    if counts.weights_yes > 0 and counts.weights_no == 0:
        return OPEN
    return CLOSED if counts.weights_no > 0 and counts.weights_yes == 0 else UNKNOWN


def system_side(counts: OpennessCounts, driven: list[str], definition: str) -> str:
    """The side of an agent system, from its own facts and the sides of the models it drives.

    Its code is judged as a model's weights are (``side`` with the code-available facts in place of
    the weights-available ones; a licence fact of a system is its code's licence). The system is
    open when its code is open and it drives at least one model, every one of them open under the
    same definition; closed when its code is closed or some model it drives is closed; otherwise
    unknown. A system's own weights-available facts are not read: its openness is its code's and
    its models'.
    """
    code = side(OpennessCounts(weights_yes=counts.code_yes, weights_no=counts.code_no,
                               osi_yes=counts.osi_yes, osi_no=counts.osi_no), definition)
    if code == CLOSED or CLOSED in driven:
        return CLOSED
    return OPEN if code == OPEN and driven and all(s == OPEN for s in driven) else UNKNOWN


OPENNESS_FACTS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX factprop: <https://w3id.org/paritykg/value/fact-property/>
SELECT ?member ?date ?source ?weights ?approved ?code WHERE {
  # bind ?member
  ?fact pk:subject ?member ; pk:factProperty ?property .
  FILTER (?property IN (factprop:weights-available, factprop:licence, factprop:code-available))
  ?fact a pk:FactClaim ; pk:effectiveDate ?date ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?fact pk:value ?weights . FILTER (?property = factprop:weights-available) }
  OPTIONAL { ?fact pk:value ?code . FILTER (?property = factprop:code-available) }
  OPTIONAL { ?fact pk:valueEntity ?licence . ?licence pk:osiApproved ?approved .
             FILTER (?property = factprop:licence) }
}"""

MEMBERSHIP = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?subject ?member WHERE {
  {
    # bind ?subject
    ?subject a pk:Model . BIND (?subject AS ?member)
  } UNION {
    # bind ?subject
    ?subject a pk:ModelFamily . BIND (?subject AS ?member)
  } UNION {
    # bind ?subject
    ?subject a pk:ModelFamily . ?member pk:family/pk:parentFamily* ?subject .
  }
}"""


SYSTEM_DRIVES = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX relation: <https://w3id.org/paritykg/value/relation/>
SELECT ?system ?model WHERE {
  # bind ?system
  ?system a pk:AgentSystem .
  OPTIONAL { ?claim a pk:LineageClaim ; pk:child ?system ; pk:parent ?model ;
                    pk:relation relation:backbone . }
}"""

Events = list[tuple[str, OpennessCounts]]
"""(day, what one fact says) of one subject's openness facts."""


def _contribution(row: dict) -> OpennessCounts:
    weights, approved, code = row["weights"], row["approved"], row["code"]
    return OpennessCounts(
        weights_yes=int(weights is not None and weights.value == "true"),
        weights_no=int(weights is not None and weights.value == "false"),
        osi_yes=int(approved is not None and approved.value == "true"),
        osi_no=int(approved is not None and approved.value == "false"),
        code_yes=int(code is not None and code.value == "true"),
        code_no=int(code is not None and code.value == "false"))


def _periods(events: Events, definition: str,
             driven: list[Events] | None = None) -> Iterator[tuple[str, str | None, str]]:
    """(from, until or None, side) for the facts' dates in order, merging days with the same side.

    With ``driven`` (an agent system's: the events of each model it drives), the side is the
    system's (``system_side``), so a day a driven model's facts change can change it too.
    """
    lists = [events, *(driven or [])]
    by_day: list[dict[str, OpennessCounts]] = [defaultdict(OpennessCounts) for _ in lists]
    for days, listed in zip(by_day, lists, strict=True):
        for day, contribution in listed:
            days[day].add(contribution)
    counts = [OpennessCounts() for _ in lists]
    sides: list[tuple[str, str]] = []
    for day in sorted({day for days in by_day for day in days}):
        for total, days in zip(counts, by_day, strict=True):
            if day in days:
                total.add(days[day])
        if driven is None:
            now = side(counts[0], definition)
        else:
            now = system_side(counts[0], [side(c, definition) for c in counts[1:]], definition)
        if not sides or sides[-1][1] != now:
            sides.append((day, now))
    for index, (day, now) in enumerate(sides):
        until = sides[index + 1][0] if index + 1 < len(sides) else None
        yield day, until, now


Facts = list[tuple[str, str, OpennessCounts]]
"""(day, source IRI, what the fact says) of one subject's openness facts."""


def openness_quads(store: ox.Store, graph: ox.NamedNode,
                   subjects: set[str] | None = None) -> Iterator[ox.Quad]:
    """Openness period nodes for every model, family and agent system (or only ``subjects``, from
    their own facts, their members' and the facts of the models they drive, looked up for them)."""
    drives: dict[str, set[str]] = defaultdict(set)
    for row in query(store, _bound(SYSTEM_DRIVES, "system", subjects)):
        drives[row["system"].value].update([row["model"].value] if row["model"] is not None else [])
    wanted = None if subjects is None else subjects | {m for models in drives.values() for m in models}
    members_of: dict[str, set[str]] = defaultdict(set)
    for row in query(store, _bound(MEMBERSHIP, "subject", wanted)):
        members_of[row["subject"].value].add(row["member"].value)
    members = None if wanted is None else wanted | {m for of in members_of.values() for m in of}
    facts_of: dict[str, Facts] = defaultdict(list)
    for row in query(store, _bound(OPENNESS_FACTS, "member", members)):
        contribution = _contribution(row)
        if contribution.says_anything():
            facts_of[row["member"].value].append((row["date"].value, row["source"].value, contribution))

    def facts(subject: str) -> Facts:
        return [fact for member in members_of.get(subject, {subject}) for fact in facts_of.get(member, ())]

    for subject in members_of:
        if subjects is not None and subject not in subjects:
            continue
        own = facts(subject)
        if subject in drives:
            driven = [facts(model) for model in sorted(drives[subject])]
            if own or any(driven):
                yield from _subject_periods(subject, own, graph, driven)
        elif own:
            yield from _subject_periods(subject, own, graph)


def _bound(text: str, variable: str, iris: set[str] | None) -> str:
    """The query with ``variable`` bound to ``iris`` (None: the whole store)."""
    return text if iris is None else bind(text, {variable: [ox.NamedNode(iri) for iri in sorted(iris)]})


def _subject_periods(subject: str, facts: Facts, graph: ox.NamedNode,
                     driven: list[Facts] | None = None) -> Iterator[ox.Quad]:
    """The periods of one subject: over all sources, and per source with that source's facts only."""

    def events(of: Facts, source: str | None) -> Events:
        return [(day, contribution) for day, from_source, contribution in of if source in (None, from_source)]

    sources = sorted({source for of in [facts, *(driven or [])] for _, source, _ in of})
    subject_node = ox.NamedNode(subject)
    for source in [None, *sources]:
        systems_models = None if driven is None else [events(of, source) for of in driven]
        for definition in DEFINITIONS:
            for start, until, now in _periods(events(facts, source), definition, systems_models):
                key = f"{subject}|{source or ''}|{definition}|{start}"
                node = ox.NamedNode("https://w3id.org/paritykg/id/openness/" + _digest(key))
                kind = "SourceOpennessPeriod" if source else "OpennessPeriod"
                triples = [(RDF_TYPE, _pk(kind)), (_pk("periodSubject"), subject_node),
                           (_pk("periodDefinition"), ox.Literal(definition)),
                           (_pk("periodSide"), ox.Literal(now)),
                           (_pk("periodFrom"), ox.Literal(start, datatype=DATE))]
                if until is not None:
                    triples.append((_pk("periodUntil"), ox.Literal(until, datatype=DATE)))
                if source:
                    triples.append((_pk("periodSource"), ox.NamedNode(source)))
                yield from (ox.Quad(node, p, o, graph) for p, o in triples)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:24]


SCORE_VALUES = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?claim ?higher ?exact ?low ?high ?split ?kind ?runBy ?tools ?passAt ?consensus WHERE {
  # bind ?claim
  ?claim a pk:ScoreClaim ; pk:benchmark ?benchmark ; pk:subject ?subject .
  ?benchmark pk:higherIsBetter ?higher .
  BIND (IF(EXISTS { ?subject a pk:AgentSystem }, "system",
        IF(EXISTS { ?subject a pk:Model }, "model", "group")) AS ?kind)
  OPTIONAL { ?claim pk:value ?exact }
  OPTIONAL { ?claim pk:minValue ?low }
  OPTIONAL { ?claim pk:maxValue ?high }
  OPTIONAL { ?claim pk:split ?split }
  OPTIONAL { ?claim pk:runBy ?runBy }
  OPTIONAL { ?claim pk:withTools ?tools }
  OPTIONAL { ?claim pk:passAt ?passAt }
  OPTIONAL { ?claim pk:consensusAt ?consensus }
}"""

PRICE_VALUES = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?claim ?exact ?low ?high WHERE {
  # bind ?claim
  ?claim a pk:PriceClaim .
  OPTIONAL { ?claim pk:value ?exact }
  OPTIONAL { ?claim pk:minValue ?low }
  OPTIONAL { ?claim pk:maxValue ?high }
}"""

RANK_SCALE = Decimal(1000)
RANK_OFFSET = Decimal(1_000_000)


def rank_key(value: Decimal, higher_is_better: bool, claim: str) -> str:
    """Fixed-width oriented value then the claim IRI: string order is score order (ties by IRI)."""
    oriented = value if higher_is_better else -value
    scaled = int(((oriented + RANK_OFFSET) * RANK_SCALE).to_integral_value(rounding="ROUND_FLOOR"))
    return f"{scaled:012d}|{claim}"


def claim_key_quads(store: ox.Store, graph: ox.NamedNode,
                    claims: set[str] | None = None) -> Iterator[ox.Quad]:
    """``pk:midValue`` for every score and price claim (or only ``claims``), ``pk:rankKey``,
    ``pk:splitKey``, ``pk:subjectKind`` and ``pk:admission`` for every score claim, into ``graph``."""
    yield from _price_values(store, graph, claims)
    for row in query(store, _bound(SCORE_VALUES, "claim", claims)):
        claim = row["claim"].value
        value = midpoint(*(_decimal(row[name]) for name in ("exact", "low", "high")))
        if value is None:
            continue
        node = row["claim"]
        higher = row["higher"].value == "true"
        yield ox.Quad(node, _pk("rankKey"), ox.Literal(rank_key(value, higher, claim)), graph)
        yield ox.Quad(node, _pk("midValue"), ox.Literal(str(value), datatype=DECIMAL), graph)
        split = row["split"].value if row["split"] is not None else ""
        yield ox.Quad(node, _pk("splitKey"), ox.Literal(split), graph)
        yield ox.Quad(node, _pk("subjectKind"), ox.Literal(row["kind"].value), graph)
        if row["runBy"] is not None:
            yield ox.Quad(node, _pk("admission"), ox.NamedNode(_profile(row).iri), graph)


def _profile(row: dict) -> Profile:
    """The admission profile of a SCORE_VALUES row (kg.admission)."""
    tools = row["tools"]
    pass_at = row["passAt"]
    return profile_of(row["runBy"].value.rsplit("/", 1)[-1], row["kind"].value,
                      None if tools is None else tools.value in ("true", "1"),
                      None if pass_at is None else int(pass_at.value), row["consensus"] is not None)


def _price_values(store: ox.Store, graph: ox.NamedNode, claims: set[str] | None) -> Iterator[ox.Quad]:
    for row in query(store, _bound(PRICE_VALUES, "claim", claims)):
        value = midpoint(*(_decimal(row[name]) for name in ("exact", "low", "high")))
        if value is not None:
            yield ox.Quad(row["claim"], _pk("midValue"), ox.Literal(str(value), datatype=DECIMAL), graph)


def _decimal(term: ox.Literal | None) -> Decimal | None:
    return Decimal(term.value) if term is not None else None


LINEAGE_EDGES = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT DISTINCT ?child ?parent WHERE { ?claim a pk:LineageClaim ; pk:child ?child ; pk:parent ?parent . }"""

NEW_LINEAGE_CHILDREN = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT DISTINCT ?child WHERE {
  # bind ?claim
  ?claim a pk:LineageClaim ; pk:child ?child .
}"""


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    """``start`` and everything reached from it along ``edges`` (cycles are walked once)."""
    seen = {start}
    frontier = [start]
    while frontier:
        for nxt in edges.get(frontier.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def lineage_quads(store: ox.Store, graph: ox.NamedNode,
                  descendants_of: set[str] | None = None) -> Iterator[ox.Quad]:
    """``pk:lineageAncestorOrSelf`` from every model or family a lineage claim names (or only
    from ``descendants_of`` and what is built on them) to itself and each of its ancestors."""
    parents: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for row in query(store, LINEAGE_EDGES):
        child, parent = row["child"].value, row["parent"].value
        parents[child].add(parent)
        children[parent].add(child)
    if descendants_of is None:
        nodes = set(parents) | set(children)
    else:
        named = descendants_of & (set(parents) | set(children))
        nodes = {node for start in named for node in _reachable(start, children)}
    predicate = _pk("lineageAncestorOrSelf")
    for node in sorted(nodes):
        subject = ox.NamedNode(node)
        for ancestor in sorted(_reachable(node, parents)):
            yield ox.Quad(subject, predicate, ox.NamedNode(ancestor), graph)


def key_quads(store: ox.Store, graph: ox.NamedNode) -> Iterable[ox.Quad]:
    """Every precomputed key of a freshly built store: claim ranks, openness periods, lineage closure."""
    yield from profile_quads(graph)
    yield from claim_key_quads(store, graph)
    yield from openness_quads(store, graph)
    yield from lineage_quads(store, graph)


# The subjects of the weights, licence and code facts among the bound claims.
OPENNESS_FACT_SUBJECTS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX factprop: <https://w3id.org/paritykg/value/fact-property/>
SELECT DISTINCT ?subject WHERE {
  # bind ?fact
  ?fact pk:subject ?subject ; pk:factProperty ?property .
  FILTER (?property IN (factprop:weights-available, factprop:licence, factprop:code-available))
}"""

# What the openness of the bound models and families counts in: the families they belong to and
# the agent systems driving them. Each branch starts from the bound entities (a VALUES block
# outside the UNION would be joined after every branch had run unbound, a scan).
OPENNESS_REACHED_FROM = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX relation: <https://w3id.org/paritykg/value/relation/>
SELECT DISTINCT ?subject WHERE {
  {
    # bind ?member
    ?member pk:family/pk:parentFamily* ?subject .
  } UNION {
    # bind ?member
    ?drives pk:parent ?member ; pk:relation relation:backbone ; pk:child ?subject .
    ?subject a pk:AgentSystem .
  }
}"""

# The agent systems the backbone lineage claims among the bound claims give a model.
NEW_BACKBONE_SYSTEMS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX relation: <https://w3id.org/paritykg/value/relation/>
SELECT DISTINCT ?subject WHERE {
  # bind ?fact
  ?fact a pk:LineageClaim ; pk:child ?subject ; pk:relation relation:backbone .
  ?subject a pk:AgentSystem .
}"""

PERIODS_OF = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT ?period ?p ?o ?g WHERE {
  # bind ?subject
  GRAPH ?g { ?period pk:periodSubject ?subject ; ?p ?o . }
}"""


def refresh_keys(store: ox.Store, new_claims: set[str], graph: ox.NamedNode,
                 periods_graph: ox.NamedNode) -> None:
    """After an add: rank keys for the new claims into ``graph``; into ``periods_graph`` (the
    store-wide derived graph) the openness periods of the subjects whose weights, licence or code
    facts the new claims change (and of the agent systems driving them or given a model), replaced,
    and the lineage closure of every model or family built on the child of a new lineage claim (an
    add only adds edges, so the closure only grows)."""
    if not new_claims:
        return
    store.extend(list(profile_quads(periods_graph)))
    store.extend(list(claim_key_quads(store, graph, new_claims)))
    claims = [ox.NamedNode(c) for c in sorted(new_claims)]
    children = {row["child"].value for row in query(store, bind(NEW_LINEAGE_CHILDREN, {"claim": claims}))}
    if children:
        store.extend(list(lineage_quads(store, periods_graph, children)))
    replace_openness(store, openness_subjects(store, new_claims), periods_graph)


def openness_subjects(store: ox.Store, claims: set[str]) -> set[str]:
    """The models, families and agent systems whose openness periods the claims among ``claims``
    count in: the subjects of weights, licence and code facts, the families those belong to and
    the agent systems driving them, and the agent systems a new backbone lineage claim drives."""
    if not claims:
        return set()
    bound = {"fact": [ox.NamedNode(c) for c in sorted(claims)]}
    members = {row["subject"].value for row in query(store, bind(OPENNESS_FACT_SUBJECTS, bound))}
    subjects = members | {row["subject"].value for row in query(store, bind(NEW_BACKBONE_SYSTEMS, bound))}
    if members:
        reached = bind(OPENNESS_REACHED_FROM, {"member": [ox.NamedNode(m) for m in sorted(members)]})
        subjects.update(row["subject"].value for row in query(store, reached))
    return subjects


def replace_openness(store: ox.Store, subjects: set[str], graph: ox.NamedNode) -> int:
    """Replace the openness periods of ``subjects`` by ones recomputed from the store's facts,
    written into ``graph``; returns how many quads the store gained (negative: lost)."""
    if not subjects:
        return 0
    old = bind(PERIODS_OF, {"subject": [ox.NamedNode(s) for s in sorted(subjects)]})
    removed = [ox.Quad(row["period"], row["p"], row["o"], row["g"]) for row in query(store, old)]
    for quad in removed:
        store.remove(quad)
    added = list(openness_quads(store, graph, subjects))
    store.extend(added)
    return len(added) - len(removed)


def lineage_descendants(store: ox.Store, starts: set[str]) -> set[str]:
    """The models or families a lineage claim names that are among ``starts`` or built on one of
    them: those whose ``pk:lineageAncestorOrSelf`` a change to the edges at ``starts`` can alter."""
    if not starts:
        return set()
    children: dict[str, set[str]] = defaultdict(set)
    named: set[str] = set()
    for row in query(store, LINEAGE_EDGES):
        child, parent = row["child"].value, row["parent"].value
        children[parent].add(child)
        named.update((child, parent))
    return {node for start in starts & named for node in _reachable(start, children)}
