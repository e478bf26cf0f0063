"""The few descriptive look-ups a page needs besides the canned answers, read through the session
and cached per store generation: an entity's label and kind, a source's metadata, the options of
a form, source ids by title.

The canned answers themselves come from the app's query runner (kg.web.runner: worker processes,
time limit, shared cache), in the output contract's shape. Parameters reach these look-ups as RDF
terms bound by ``kg.binding``, never as pasted text.
"""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any

from rdflib import URIRef

from kg.binding import bind
from kg.namespaces import PK, entity_iri, source_iri
from kg.resolve import ResolveError
from kg.session import Session

CACHE_SIZE = 64

ENTITY_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?label ?type ?labLabel ?lab ?categoryLabel ?unit ?url ?description WHERE {
  # bind ?entity
  ?entity a ?type ; skos:prefLabel ?label .
  FILTER (STRSTARTS(STR(?type), STR(pk:)))
  OPTIONAL { ?entity pk:lab ?lab . ?lab skos:prefLabel ?labLabel }
  OPTIONAL { ?entity pk:category ?category . ?category skos:prefLabel ?categoryLabel }
  OPTIONAL { ?entity pk:unit ?unitIri . ?unitIri skos:notation ?unit }
  OPTIONAL { ?entity schema:url ?url }
  OPTIONAL { ?entity pk:note ?description }
}
"""

SOURCE_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?title ?publisher ?url ?date ?kind ?repository ?path ?commit ?accessed ?note
       (GROUP_CONCAT(DISTINCT ?labLabel; SEPARATOR=", ") AS ?firstPartyFor)
WHERE {
  # bind ?source
  ?source a pk:Source ; dcterms:title ?title ; dcterms:date ?date ; pk:sourceKind ?kindIri .
  ?kindIri skos:prefLabel ?kind .
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source pk:repository ?repository }
  OPTIONAL { ?source pk:repositoryPath ?path }
  OPTIONAL { ?source pk:commit ?commit }
  OPTIONAL { ?source pk:accessed ?accessed }
  OPTIONAL { ?source rdfs:comment ?note }
  OPTIONAL { ?source pk:firstPartyFor ?lab . ?lab skos:prefLabel ?labLabel }
}
GROUP BY ?title ?publisher ?url ?date ?kind ?repository ?path ?commit ?accessed ?note
"""

LISTING_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?entity ?label WHERE {
  # bind ?type
  ?entity a ?type .
  OPTIONAL { ?entity skos:prefLabel ?prefLabel }
  OPTIONAL { ?entity dcterms:title ?title }
  BIND (COALESCE(?prefLabel, ?title) AS ?label)
}
ORDER BY LCASE(?label)
"""
LISTED_TYPES = {"benchmark": PK.Benchmark, "source": PK.Source}

SOURCE_TITLES_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?source ?title WHERE { ?source a pk:Source ; dcterms:title ?title }
"""


class NotFound(LookupError):
    """A page asked for an entity or source the graph does not hold."""


def slug(iri: str) -> str:
    """The last path segment of an IRI: its id."""
    return iri.rsplit("/", 1)[-1]


def claim_link(claim_id: str | None) -> str | None:
    """The source-page URL of a claim id ``SOURCE/CLAIM``, anchored at the claim."""
    if not claim_id or "/" not in claim_id:
        return None
    source_id, local = claim_id.split("/", 1)
    return f"/source/{source_id}#claim-{local}"


class PageData:
    """Look-ups for the pages from one session, cached until the store changes generation."""

    def __init__(self, session: Session):
        self.session = session
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._names: object | None = None

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per store generation and key (kept for the ``CACHE_SIZE`` latest keys)."""
        names = self.session.names()  # a new object after each build or add
        with self._lock:
            if names is not self._names:
                self._cache.clear()
                self._names = names
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def resolve(self, name: str, kinds: tuple[str, ...]) -> str:
        """The id of the entity of ``kinds`` called ``name`` (ResolveError if none or several)."""
        return slug(self.session.names().resolve(name, kinds))

    def entity(self, kind: str, ident: str) -> dict[str, Any]:
        """Label, type and descriptive fields of one entity; NotFound when the graph lacks it."""
        iri = entity_iri(kind, ident)
        rows = self.cached(("entity", iri), lambda: self.session.select(
            bind(ENTITY_QUERY, {"entity": URIRef(iri)}), "the entity look-up"))
        if not rows:
            raise NotFound(f"no {kind} with id '{ident}'")
        first = rows[0]
        return {"id": ident, "iri": str(iri), "label": first["label"],
                "type": first["type"].rsplit("#", 1)[-1],
                "lab": first["labLabel"], "lab_id": slug(first["lab"]) if first["lab"] else None,
                "category": first["categoryLabel"], "unit": first["unit"], "url": first["url"],
                "description": first["description"]}

    def source(self, ident: str) -> dict[str, Any]:
        """A source's metadata; NotFound when the graph has no source with that id."""
        iri = source_iri(ident)
        rows = self.cached(("source", iri), lambda: self.session.select(
            bind(SOURCE_QUERY, {"source": URIRef(iri)}), "the source look-up"))
        if not rows or rows[0]["title"] is None:
            raise NotFound(f"no source with id '{ident}'")
        return {"id": ident, "iri": str(iri), **{key: rows[0][key] for key in (
            "title", "publisher", "url", "date", "kind", "repository", "path", "commit", "accessed",
            "note")}, "first_party_for": rows[0]["firstPartyFor"] or None}

    def source_ids_by_title(self) -> dict[str, str]:
        """Source ids by title, for answers that name a source only by its title (titles used
        by more than one source are left out, so a link never points at the wrong source)."""
        def compute() -> dict[str, str]:
            ids: dict[str, set[str]] = defaultdict(set)
            for row in self.session.select(SOURCE_TITLES_QUERY, "the source titles"):
                ids[row["title"]].add(slug(row["source"]))
            return {title: next(iter(found)) for title, found in ids.items() if len(found) == 1}
        return self.cached(("source-titles",), compute)

    def listing(self, kind: str) -> list[tuple[str, str]]:
        """(id, label) of every benchmark or source, sorted by label: the options of a form."""
        return self.cached(("listing", kind), lambda: [
            (slug(row["entity"]), row["label"]) for row in self.session.select(
                bind(LISTING_QUERY, {"type": URIRef(LISTED_TYPES[kind])}), "the listing")])

    def benchmark_id(self, label: str) -> str | None:
        """The id of the benchmark a claim listing names by its label (None if not exactly one)."""
        try:
            return self.resolve(label, ("benchmark",))
        except ResolveError:
            return None
