"""A read-only SPARQL 1.1 Protocol endpoint over the store, for any SPARQL client.

GET ``/sparql?query=...`` or POST (form ``query=...`` or ``application/sparql-query``).
Results are negotiated from the Accept header: SPARQL JSON (default), XML, CSV or TSV for
SELECT/ASK; Turtle (default), N-Triples or JSON-LD for CONSTRUCT/DESCRIBE. Updates are
refused with 403; SERVICE and LOAD are refused unless the operator allows SERVICE.

The RDF dataset: by default the default graph is the union of all graphs (every source's
named graph plus reference and ontology). The protocol's ``default-graph-uri`` and
``named-graph-uri`` parameters (repeatable; in the URL, or in the form body of a POST) replace
it, e.g. ``default-graph-uri=https://w3id.org/paritykg/graph/source/seed-000-vision-parity``
asks one source's graph alone; as the protocol says, they override FROM / FROM NAMED.
"""

import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.sparql import QueryRefused, QuerySyntaxError, check_read_only
from kg.store import LiveStore

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
MAX_BODY = 1_000_000


def _negotiate(accept: str, table: dict, default: str) -> tuple[str, object]:
    """The first media type in ``accept`` that ``table`` offers, else ``default``."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in table:
            return media, table[media]
    return default, table[default]


def dataset_arguments(params: dict[str, list[str]]) -> dict[str, object]:
    """Store.query arguments for the protocol's default-graph-uri / named-graph-uri parameters.

    Without them the default graph is the union of all graphs. Raises ValueError on an IRI
    that is not absolute.
    """
    def iris(name: str) -> list[ox.NamedNode]:
        values = params.get(name, [])
        for value in values:
            if not urlsplit(value).scheme:
                raise ValueError(f"{name} must be an absolute IRI, not '{value}'")
        return [ox.NamedNode(value) for value in values]

    default_graphs, named_graphs = iris("default-graph-uri"), iris("named-graph-uri")
    if not default_graphs and not named_graphs:
        return {"use_default_graph_as_union": True}
    arguments: dict[str, object] = {"default_graph": default_graphs or None}
    if named_graphs:
        arguments["named_graphs"] = named_graphs
    return arguments


def make_handler(live: LiveStore, allow_service: bool = False) -> type[BaseHTTPRequestHandler]:
    """A request handler class answering SPARQL queries from the current generation of a store."""
    lock = threading.Lock()

    class SparqlHandler(BaseHTTPRequestHandler):
        server_version = "ParityKG-SPARQL/0.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet by default; the CLI prints one line per request instead."""

        def _reply(self, status: int, body: bytes, media: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._reply(status, (message + "\n").encode("utf-8"), "text/plain")

        def _url_params(self) -> dict[str, list[str]] | None:
            """The URL's query parameters, or None (after a 404) when the path is not /sparql."""
            url = urlsplit(self.path)
            if url.path != "/sparql":
                self._error(HTTPStatus.NOT_FOUND, "the SPARQL endpoint is /sparql")
                return None
            return parse_qs(url.query)

        def do_GET(self) -> None:  # noqa: N802
            """SPARQL protocol: query via GET."""
            params = self._url_params()
            if params is not None:
                self._answer(params.get("query", [None])[0], "update" in params, params)

        def do_POST(self) -> None:  # noqa: N802
            """SPARQL protocol: query via POST (form or direct body); updates are refused."""
            url_params = self._url_params()
            if url_params is None:
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too large")
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind == "application/sparql-query":
                self._answer(body, False, url_params)
            elif kind == "application/sparql-update":
                self._answer(None, True, url_params)
            else:
                params = {**url_params, **parse_qs(body)}
                self._answer(params.get("query", [None])[0], "update" in params, params)

        def _answer(self, text: str | None, is_update: bool, params: dict[str, list[str]]) -> None:
            if is_update:
                self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
                return
            if not text:
                self._error(HTTPStatus.BAD_REQUEST, "missing 'query' parameter")
                return
            try:
                check_read_only(text, allow_service)
            except QueryRefused as exc:
                status = HTTPStatus.BAD_REQUEST if isinstance(exc, QuerySyntaxError) else HTTPStatus.FORBIDDEN
                self._error(status, str(exc))
                return
            try:
                dataset = dataset_arguments(params)
            except ValueError as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))
                return
            accept = self.headers.get("Accept") or ""
            try:
                with lock:
                    result = live.current().query(text, **dataset)
                    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
                        media, fmt = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
                    else:
                        media, fmt = _negotiate(accept, GRAPH_TYPES, "text/turtle")
                    body = result.serialize(format=fmt)
            except SyntaxError as exc:
                self._error(HTTPStatus.BAD_REQUEST, f"query syntax error: {exc}")
                return
            except (OSError, ValueError, RuntimeError) as exc:
                self._error(HTTPStatus.BAD_REQUEST, f"query failed: {exc}")
                return
            self._reply(HTTPStatus.OK, body, media)

    return SparqlHandler


def serve(store_dir: Path, host: str, port: int, allow_service: bool = False,
          ready: Callable[[ThreadingHTTPServer], None] | None = None) -> None:
    """Serve the store (opened read-only) until interrupted."""
    live = LiveStore(store_dir)
    server = ThreadingHTTPServer((host, port), make_handler(live, allow_service))
    if ready:
        ready(server)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        live.close()
