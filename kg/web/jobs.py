"""What a query worker process does: one job at a time on its own read-only session.

Jobs (sent by ``kg.web.workers.WorkerPool``):

- ``("sparql", text, dataset, results_media, graph_media)``: check the text with the read-only
  guard (``kg.sparql.check_read_only``), evaluate it, serialise it in the negotiated media type;
  the payload is ``(media_type, bytes)``;
- ``("answer", question, params)``: a canned question through the output contract
  (``kg.contract``); the payload is the contract object as JSON bytes;
- ``("sleep", seconds)``: a worker busy for a while (tests of the pool itself).

Replies are ``("ok", generation, payload)`` or ``("error", http_status, one_line_message)``.
"""

import signal
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import contract
from kg.budget import QueryBounded, QueryBudget, use_budget
from kg.canned import ParameterError
from kg.errors import QueryRefused, QuerySyntaxError
from kg.resolve import ResolveError
from kg.session import Session
from kg.sparql import check_read_only
from kg.store import StoreError, current_generation
from kg.web.settings import ServeSettings

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
}


class NotAcceptable(RuntimeError):
    """The client's Accept header allows none of the media types offered for the result."""


class ResultTooLarge(RuntimeError):
    """The serialised result passed the size cap."""


class CappedBuffer:
    """A binary sink that refuses to grow past ``cap`` bytes (pyoxigraph writes results into it)."""

    def __init__(self, cap: int):
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        """Keep ``data``, or raise ``ResultTooLarge`` past the cap."""
        self.size += len(data)
        if self.size > self.cap:
            raise ResultTooLarge(f"the result is larger than the cap of {self.cap:,} bytes; "
                                 "narrow the query (LIMIT, fewer variables)")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are kept in memory."""

    def getvalue(self) -> bytes:
        """Everything written."""
        return b"".join(self.parts)


def dataset_arguments(dataset: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """``Store.query`` arguments for checked default-graph-uri / named-graph-uri IRIs.

    Without any, the default graph is the union of all graphs.
    """
    default_graphs = [ox.NamedNode(iri) for iri in dataset.get("default-graph-uri", [])]
    named_graphs = [ox.NamedNode(iri) for iri in dataset.get("named-graph-uri", [])]
    if not default_graphs and not named_graphs:
        return {"use_default_graph_as_union": True}
    arguments: dict[str, Any] = {"default_graph": default_graphs or None}
    if named_graphs:
        arguments["named_graphs"] = named_graphs
    return arguments


def run_sparql_job(session: Session, settings: ServeSettings, text: str,
                   dataset: tuple[tuple[str, tuple[str, ...]], ...], results_media: str | None,
                   graph_media: str | None) -> tuple[str, bytes]:
    """One protocol query: guard, evaluate, serialise within the size cap."""
    check_read_only(text, settings.allow_service)
    result = session.store.query(text, **dataset_arguments(dict(dataset)))
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        media, formats = results_media, RESULT_FORMATS
        kind = "SELECT/ASK results"
    else:
        media, formats = graph_media, GRAPH_FORMATS
        kind = "CONSTRUCT/DESCRIBE results (RDF)"
    if media is None:
        raise NotAcceptable(f"the Accept header allows no media type for {kind}; "
                          f"offered: {', '.join(formats)}")
    sink = CappedBuffer(settings.result_bytes)
    result.serialize(sink, format=formats[media])
    return media, sink.getvalue()


def run_answer_job(session: Session, question: str, params: dict[str, str]) -> bytes:
    """One canned question as the contract's JSON object."""
    return contract.answer(session, question, params).dumps(indent=None).encode("utf-8")


def _status(exc: BaseException) -> int:
    if isinstance(exc, QueryRefused) and not isinstance(exc, QuerySyntaxError):
        return 403
    if isinstance(exc, SyntaxError | ParameterError | ResolveError | ValueError):
        return 400
    if isinstance(exc, KeyError):
        return 404
    if isinstance(exc, NotAcceptable):
        return 406
    if isinstance(exc, QueryBounded | ResultTooLarge):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500


def _message(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, SyntaxError) and not isinstance(exc, QueryRefused):
        text = f"query syntax error: {text}"
    return " ".join(str(text).split()) or type(exc).__name__


def handle(session: Session, settings: ServeSettings, job: tuple) -> tuple:
    """The reply to one job."""
    try:
        generation = current_generation(session.store_dir).name
        kind = job[0]
        if kind == "sparql":
            payload: Any = run_sparql_job(session, settings, *job[1:])
        elif kind == "answer":
            payload = run_answer_job(session, job[1], dict(job[2]))
        elif kind == "sleep":
            time.sleep(job[1])
            payload = b"slept"
        else:
            raise ValueError(f"unknown job {kind!r}")
        return ("ok", generation, payload)
    except Exception as exc:  # every failure goes back as one line with a status
        return ("error", _status(exc), _message(exc))


def worker_main(connection: Connection, store_dir: Path, settings: ServeSettings) -> None:
    """A worker's life: open the session once, answer jobs until the server closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops workers
    session = Session(store_dir)
    # the server kills a worker at the time limit; the budget's own limit is only a backstop
    budget = QueryBudget(timeout=settings.query_timeout * 2 + 10, limit=settings.row_cap)
    with use_budget(budget):
        while True:
            try:
                job = connection.recv()
            except (EOFError, OSError):
                break
            try:
                connection.send(handle(session, settings, job))
            except (BrokenPipeError, OSError):
                break
    session.close()

