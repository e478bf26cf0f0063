"""Parameters placed into a canned query's text as VALUES blocks, the same text for every engine.

A canned query marks each scope that reads a parameter with a comment line naming the
variables, for instance ``# bind ?asOf ?openness ?source``. Binding replaces that line with
``VALUES (?asOf ?openness) { ("2026-03-02"^^<...#date> "weights") }``: standard SPARQL 1.1,
so an embedded store, the Oxigraph server and Virtuoso run the same query. A variable without
a value is left out of the block and stays unbound (the query tests it with ``BOUND``).

Where every variable of a line has one value, the line can instead become one
``BIND (term AS ?var)`` per variable (``style="bind"``): the same solutions, and the form
Virtuoso 7 evaluates correctly (its VALUES blocks inside sub-selects drop or corrupt rows). The
embedded store uses VALUES blocks; remote engines use BIND (kg/remote.py).

Values are RDF terms made by the parameter converters (IRIs of resolved entities, typed
literals); each is checked against the forms a term can take before it is written, so a value
can never change the query's structure. An unmarked query is a plain SPARQL query: run as it
is, every parameter is unset.
"""

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

BIND_LINE = re.compile(r"^(?P<indent>[ \t]*)# bind(?P<variables>(?:[ \t]+\?\w+)+)[ \t]*$", re.M)

# The only shapes a bound term's text may take: an IRI without spaces, quotes or angle
# brackets; a quoted literal (escaped by rdflib) with an optional datatype IRI or language tag.
IRI_TEXT = r"<[^<>\"{}|^`\\\s]*>"
TERM_TEXT = re.compile(
    rf'^(?:{IRI_TEXT}|"(?:[^"\\\n\r]|\\.)*"(?:\^\^{IRI_TEXT}|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)$')

Term = Any  # a pyoxigraph NamedNode or Literal (or an rdflib URIRef or Literal)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def marked_variables(text: str) -> set[str]:
    """Every variable some ``# bind`` line of the query names."""
    return {name for match in BIND_LINE.finditer(text)
            for name in re.findall(r"\?(\w+)", match.group("variables"))}


def term_text(term: Term) -> str:
    """A term as SPARQL text, refused unless it has one of the shapes a term can take.

    A plain string is written without its datatype (the same term in RDF 1.1, and the form
    every engine matches).
    """
    if isinstance(term, ox.NamedNode | ox.Literal):
        text = _ox_text(term)
    else:
        text = _rdflib_text(term)
    if not TERM_TEXT.match(text):
        raise ValueError(f"refusing to bind a malformed term: {text[:80]!r}")
    return text


def _ox_text(term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if term.language:
        return f'"{_escaped(term.value)}"@{term.language}'
    if term.datatype.value == XSD_STRING:
        return f'"{_escaped(term.value)}"'
    return f'"{_escaped(term.value)}"^^<{term.datatype.value}>'


def _rdflib_text(term: object) -> str:
    from rdflib import Literal, URIRef

    if isinstance(term, Literal) and term.datatype is not None:
        text = f'"{_escaped(str(term))}"^^<{term.datatype}>'
    elif isinstance(term, Literal):
        text = f'"{_escaped(str(term))}"' + (f"@{term.language}" if term.language else "")
    elif isinstance(term, URIRef):
        text = f"<{term}>"
    else:
        raise TypeError(f"a parameter must be an IRI or a literal, not {type(term).__name__}")
    return text


def _escaped(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def bind(text: str, values: Mapping[str, Term | Sequence[Term]], style: str = "values") -> str:
    """The query with each ``# bind`` line replaced by a VALUES block of the given values.

    ``values`` maps a variable name (without ``?``) to one term or to several (the block then
    has one row per combination, e.g. several "as of" days answered in one run). With
    ``style="bind"`` a line whose variables have one value each becomes BIND clauses instead.
    """
    if style not in ("values", "bind"):
        raise ValueError(f"unknown binding style '{style}' (values or bind)")
    rendered = {name: [term_text(t) for t in (v if isinstance(v, list | tuple) else [v])]
                for name, v in values.items()}

    def block(match: re.Match) -> str:
        names = [n for n in re.findall(r"\?(\w+)", match.group("variables")) if rendered.get(n)]
        if not names:
            return match.group("indent") + "# (no parameters bound here)"
        rows = " ".join("(" + " ".join(row) + ")"
                        for row in itertools.product(*(rendered[n] for n in names)))
        indent = match.group("indent")
        if style == "bind" and all(len(rendered[n]) == 1 for n in names):
            return "\n".join(f"{indent}BIND ({rendered[n][0]} AS ?{n})" for n in names)
        heading = " ".join("?" + n for n in names)
        return f"{match.group('indent')}VALUES ({heading}) {{ {rows} }}"

    return BIND_LINE.sub(block, text)
