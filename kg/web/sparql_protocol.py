"""The SPARQL 1.1 Protocol at ``/sparql``, read-only, over the store's current generation.

- Query by GET (``?query=``), POST with a form (``application/x-www-form-urlencoded``) or POST
  direct (``application/sparql-query``); HEAD as GET without the body; OPTIONS lists the methods
  (CORS preflights are answered by the CORS middleware).
- GET without ``query``: the SPARQL 1.1 Service Description of the endpoint (Turtle by default).
- Results in every format pyoxigraph writes, chosen from ``Accept`` with q-values (406 when none
  is acceptable): SPARQL JSON (default), XML, CSV, TSV for SELECT/ASK; Turtle (default),
  N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, N3 for CONSTRUCT/DESCRIBE.
- The dataset: the union of all graphs by default; ``default-graph-uri`` / ``named-graph-uri``
  (repeatable, absolute IRIs) replace it, overriding FROM / FROM NAMED.
- Updates (``update=``, ``application/sparql-update``, LOAD ...) are refused with 403, SERVICE too
  unless the operator allows it: the read-only guard ``kg.sparql.check_read_only`` parses the text.
- Every query runs in a worker process with the time limit (503 when it is reached; the work
  is stopped) and the result size cap (422).
"""

from urllib.parse import urlsplit

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.budget import MAX_QUERY_CHARS
from kg.web.jobs import GRAPH_FORMATS, RESULT_FORMATS
from kg.web.negotiation import negotiate
from kg.web.reading import (
    BadRequest,
    decode_text,
    error_response,
    grouped,
    parse_form,
    read_body,
    url_parameters,
)
from kg.web.workers import JobFailed, QueryTimedOut

# the order is the server's preference among equally acceptable types
RESULT_OFFER = ("application/sparql-results+json", "application/json", "application/sparql-results+xml",
                "application/xml", "text/csv", "text/tab-separated-values")
GRAPH_OFFER = ("text/turtle", "application/n-triples", "application/n-quads", "application/trig",
               "application/rdf+xml", "application/ld+json", "text/n3")
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
MAX_GRAPHS = 100
ALLOW = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

SD = "http://www.w3.org/ns/sparql-service-description#"
SD_PREFIXES = {"sd": SD, "dcterms": "http://purl.org/dc/terms/", "formats": "http://www.w3.org/ns/formats/"}


def _content_type(media: str) -> str:
    """The Content-Type header for a media type (text types say UTF-8)."""
    if media.startswith("text/") or media.endswith(("json", "xml", "n-triples", "n-quads", "trig")):
        return f"{media}; charset=utf-8"
    return media


def dataset_iris(params: dict[str, list[str]]) -> dict[str, list[str]]:
    """The protocol's dataset parameters, each value checked to be an absolute IRI."""
    dataset: dict[str, list[str]] = {}
    for name in DATASET_PARAMETERS:
        values = params.get(name, [])
        if len(values) > MAX_GRAPHS:
            raise BadRequest(400, f"at most {MAX_GRAPHS} {name} values, not {len(values)}")
        for value in values:
            try:
                ox.NamedNode(value)
            except ValueError:
                raise BadRequest(400, f"{name} must be an absolute IRI, not '{value[:200]}'") from None
            if not urlsplit(value).scheme:
                raise BadRequest(400, f"{name} must be an absolute IRI, not '{value[:200]}'")
        if values:
            dataset[name] = values
    return dataset


async def _parameters(request: Request) -> tuple[dict[str, list[str]], str | None]:
    """(protocol parameters, direct query text) of a request; refuses updates and unreadable input."""
    params = grouped(url_parameters(request))
    direct = None
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == UPDATE:
            raise BadRequest(403, "this endpoint is read-only: updates are refused")
        if kind not in (FORM, DIRECT):
            raise BadRequest(415, f"POST needs Content-Type {FORM} or {DIRECT}, not '{kind[:80] or 'none'}'")
        body = await read_body(request, request.app.state.settings.body_timeout)
        if kind == DIRECT:
            direct = decode_text(body, "query body")
        else:
            for name, values in grouped(parse_form(body, "form body")).items():
                params.setdefault(name, []).extend(values)
    if "update" in params:
        raise BadRequest(403, "this endpoint is read-only: updates are refused")
    return params, direct


def _query_text(params: dict[str, list[str]], direct: str | None) -> str | None:
    queries = params.get("query", [])
    if direct is not None and queries:
        raise BadRequest(400, "give the query once: in the body or in 'query', not both")
    if len(queries) > 1:
        raise BadRequest(400, f"one 'query' parameter, not {len(queries)}")
    text = direct if direct is not None else (queries[0] if queries else None)
    if text is not None and len(text) > MAX_QUERY_CHARS:
        raise BadRequest(413, f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    if text is not None and not text.strip():
        raise BadRequest(400, "the query is empty")
    return text


def service_description(endpoint: str, allow_service: bool) -> ox.Store:
    """The SPARQL 1.1 Service Description of the endpoint, as a small in-memory graph."""
    store = ox.Store()
    service = ox.BlankNode()
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()

    def add(subject: object, predicate: str, obj: object) -> None:
        store.add(ox.Quad(subject, ox.NamedNode(predicate), obj, ox.DefaultGraph()))

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    add(service, rdf_type, ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", ox.NamedNode(endpoint))
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    if allow_service:
        add(service, SD + "feature", ox.NamedNode(SD + "BasicFederatedQuery"))
    add(service, SD + "defaultEntailmentRegime", ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))
    formats = {RESULT_FORMATS[m].iri for m in RESULT_OFFER} | {GRAPH_FORMATS[m].iri for m in GRAPH_OFFER}
    for iri in sorted(formats):
        add(service, SD + "resultFormat", ox.NamedNode(iri))
    add(service, SD + "defaultDataset", dataset)
    add(dataset, rdf_type, ox.NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default_graph)
    add(default_graph, rdf_type, ox.NamedNode(SD + "Graph"))
    add(service, "http://purl.org/dc/terms/title",
        ox.Literal("ParityKG read-only SPARQL endpoint (default graph: the union of all graphs)"))
    return store


def _describe_service(request: Request) -> Response:
    media = negotiate(request.headers.get("accept"), GRAPH_OFFER)
    if media is None:
        return error_response(406, f"the service description is RDF; offered: {', '.join(GRAPH_OFFER)}")
    endpoint = str(request.url.replace(query=""))
    store = service_description(endpoint, request.app.state.settings.allow_service)
    body = store.dump(format=GRAPH_FORMATS[media], from_graph=ox.DefaultGraph(), prefixes=SD_PREFIXES)
    return Response(body, headers={"Content-Type": _content_type(media), "Vary": "Accept"})


async def sparql_endpoint(request: Request) -> Response:
    """One SPARQL Protocol request."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": ALLOW})
    try:
        params, direct = await _parameters(request)
        text = _query_text(params, direct)
        if text is None:
            if request.method == "POST":
                raise BadRequest(400, "missing 'query' parameter (or a body of type "
                                      "application/sparql-query)")
            return _describe_service(request)
        dataset = dataset_iris(params)
    except BadRequest as exc:
        return error_response(exc.status, str(exc))
    accept = request.headers.get("accept")
    results_media, graph_media = negotiate(accept, RESULT_OFFER), negotiate(accept, GRAPH_OFFER)
    if results_media is None and graph_media is None:
        return error_response(406, "the Accept header allows none of the offered types: "
                                   f"{', '.join(RESULT_OFFER + GRAPH_OFFER)}")
    try:
        media, body = await request.app.state.queries.sparql(text, dataset, results_media, graph_media)
    except JobFailed as exc:
        return error_response(exc.status, str(exc))
    except QueryTimedOut as exc:
        return error_response(503, str(exc), headers={"Retry-After": "1"})
    return Response(body, headers={"Content-Type": _content_type(media), "Vary": "Accept"})


def sparql_routes() -> list[Route]:
    """The endpoint's routes (HEAD is served by GET without the body)."""
    return [Route("/sparql", sparql_endpoint, methods=["GET", "POST", "OPTIONS"])]
