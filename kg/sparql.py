"""Running any SPARQL 1.1 query on the store, read-only, SERVICE refused unless allowed."""

import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.budget import MAX_QUERY_CHARS, run_bounded, take
from kg.errors import QueryRefused, QuerySyntaxError
from kg.output import iter_rows
from kg.store import query


def _contains_service(node: Any) -> bool:
    """Whether a parse tree from rdflib's SPARQL parser has a SERVICE pattern anywhere in it."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
    return False


def check_read_only(sparql: str, allow_service: bool = False) -> None:
    """Refuse anything but a read query, and SERVICE unless ``allow_service``, by parsing the text.

    The text is parsed with rdflib's SPARQL 1.1 grammar: a text that parses as a query is
    checked for SERVICE patterns (in sub-selects, EXISTS, anywhere); a text that parses only as
    an update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) is refused; a text
    that parses as neither is refused as a syntax error. Keywords inside strings, IRIs, comments
    or variable names never count, because nothing is decided from the raw text.
    """
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is {len(sparql):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(sparql)
    except ParseException as query_error:
        try:
            parseUpdate(sparql)
        except ParseException:
            raise QuerySyntaxError(f"query syntax error (not SPARQL 1.1): {query_error.msg} "
                               f"(line {query_error.lineno}, column {query_error.col})") from None
        raise QueryRefused("this is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, DROP, ...); "
                           "the store is read-only here") from None
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply to check") from None
    if not allow_service and _contains_service(tree):
        raise QueryRefused("SERVICE (federated query) is disabled; an operator can enable it")


@dataclass
class QueryResult:
    """The outcome of a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None


# A text without these can hold no SERVICE pattern (SPARQL keywords cannot be written otherwise:
# only \\u escapes could spell one, and those are matched too).
MAY_HOLD_SERVICE = re.compile(r"service|\\[uU]", re.IGNORECASE)


def needs_grammar_check(sparql: str) -> bool:
    """Whether ``check_read_only`` must parse the text before Oxigraph sees it.

    Oxigraph's query parser accepts read queries only (an update is a syntax error to it), so a
    text that cannot hold a SERVICE pattern is safe to hand to it; rdflib's grammar is then
    needed only to explain a text Oxigraph refuses. This keeps the SPARQL grammar's import
    (about 0.3 s) off the common path.
    """
    return len(sparql) > MAX_QUERY_CHARS or bool(MAY_HOLD_SERVICE.search(sparql))


def run_sparql(store: ox.Store, sparql: str, allow_service: bool = False) -> QueryResult:
    """Run one query over the union of all graphs, within the time limit and row cap in effect."""
    if needs_grammar_check(sparql):
        check_read_only(sparql, allow_service)

    def evaluate() -> QueryResult:
        try:
            result = query(store, sparql)
        except SyntaxError:
            check_read_only(sparql, allow_service)  # the precise refusal (an update) or syntax error
            raise
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            return QueryResult("select", variables, take(iter_rows(result)))
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", ["result"], [{"result": bool(result)}], boolean=bool(result))
        triples = take(result)
        rows = [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                for t in triples]
        return QueryResult("graph", ["subject", "predicate", "object"], rows, triples=triples)

    return run_bounded(evaluate)


def serialize_triples(triples: list[ox.Triple], fmt: str) -> str:
    """CONSTRUCT/DESCRIBE results as Turtle or N-Triples text."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
    return store.dump(format=rdf_format, from_graph=ox.DefaultGraph()).decode("utf-8")
