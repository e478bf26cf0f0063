"""Running canned queries: parameters checked, resolved and bound, never pasted into text."""

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.binding import bind, marked_variables
from kg.queries import CannedQuery, Parameter, canned_query
from kg.resolve import NameLookup, normalise
from kg.session import StoreOrSession, session_for
from kg.terms import as_boolean, sorted_items
from kg.vocabulary import CATEGORIES, LINEAGE_RELATIONS

ENTITY_KINDS = {
    "model": ("model", "family"),
    "benchmark": ("benchmark",),
    "source": ("source",),
    "entity": ("model", "family", "cohort", "lab", "benchmark", "licence", "proposition"),
    "lab": ("lab",),
}


XSD = "http://www.w3.org/2001/XMLSchema#"


def _typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


class ParameterError(ValueError):
    """A parameter value that is not allowed (unknown option, wrong type)."""


def _concept(value: str, concepts, what: str) -> str:
    wanted = normalise(value)
    for concept in concepts:
        if wanted in (normalise(concept.slug), normalise(concept.label)):
            return concept.slug
    allowed = ", ".join(c.slug for c in concepts)
    raise ParameterError(f"'{value}' is not a {what}; use one of: {allowed}")


PARAMETER_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def as_of_day(value: str, option: str) -> str:
    """A date parameter as the day it means: YYYY-MM-DD itself, YYYY-MM and YYYY their last day.

    Only these three forms are accepted (not ISO basic ``20260302``, not times), so a value is
    never silently read as something else.
    """
    match = PARAMETER_DATE.match(value.strip())
    problem = f"{option} needs a date as YYYY-MM-DD, YYYY-MM or YYYY, not '{value}'"
    if not match:
        raise ParameterError(problem)
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        last_month = int(month) if month else 12
        last = calendar.monthrange(int(year), last_month)[1]
        return dt.date(int(year), last_month, last).isoformat()
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ParameterError(f"{problem} ({exc})") from exc


def finite_number(value: str, option: str) -> Decimal:
    """A number parameter: finite and not negative (every number parameter is a slack)."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise ParameterError(f"{option} needs a number (e.g. 0.5), not '{value}'") from exc
    if not number.is_finite() or number < 0:
        raise ParameterError(f"{option} needs a finite number of 0 or more, not '{value}'")
    return number


def positive_count(value: str, option: str) -> int:
    """A count parameter: a whole number of 1 or more, written in digits."""
    text = value.strip()
    if not text.isdigit() or int(text) < 1 or len(text) > 9:
        raise ParameterError(f"{option} needs a whole number of 1 or more, not '{value}'")
    return int(text)


def convert(param: Parameter, value: str, names: "NameLookup | _NamesOnDemand") -> Any:
    """A command-line string as the RDF term (or Python value) the parameter takes."""
    if param.choices:
        if value not in param.choices:
            raise ParameterError(
                f"{param.option} must be one of {', '.join(param.choices)}, not '{value}'")
        return ox.Literal(value)
    if param.kind == "date":
        return _typed(as_of_day(value, param.option), "date")
    if param.kind == "number":
        return _typed(format(finite_number(value, param.option), "f"), "decimal")
    if param.kind == "count":
        return _typed(str(positive_count(value, param.option)), "integer")
    if param.kind == "category":
        from kg.namespaces import value_iri

        return ox.NamedNode(str(value_iri("category", _concept(value, CATEGORIES, "benchmark category"))))
    if param.kind == "relation":
        return ox.Literal(_concept(value, LINEAGE_RELATIONS, "lineage relation"))
    if param.kind in ENTITY_KINDS:
        return ox.NamedNode(names.resolve(value, ENTITY_KINDS[param.kind]))
    return ox.Literal(value)


def default_term(param: Parameter) -> Any:
    """The term a parameter takes when it is not given: a choice's or a number's stated default.

    Dates and entities have no default term: unset, they stay unbound in the query.
    """
    default = param.default
    if param.choices and default in param.choices:
        return ox.Literal(default)
    if param.kind == "number":
        try:
            return _typed(format(Decimal(default), "f"), "decimal")
        except InvalidOperation:
            return None
    return None


def bind_parameters(canned: CannedQuery, raw: dict[str, str],
                    names: "NameLookup | _NamesOnDemand") -> tuple[dict, dict]:
    """Split parameters into the query's VALUES bindings and values for Python post-processing.

    A parameter ``x`` binds the variable ``?xParam`` if a ``# bind`` line of the query names one
    (used when ``?x`` is itself an output), else ``?x``; a parameter no ``# bind`` line names is
    left for post-processing. Unset choices and numbers take their stated defaults.
    """
    declared = {p.name: p for p in canned.params}
    unknown = set(raw) - set(declared)
    if unknown:
        options = ", ".join(p.option for p in canned.params) or "none"
        raise ParameterError(
            f"unknown parameter(s) for '{canned.name}': {', '.join(sorted(unknown))}; "
            f"it takes: {options}")
    marked = marked_variables(canned.text)
    bindings: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, param in declared.items():
        term = convert(param, raw[name], names) if name in raw else default_term(param)
        if term is None:
            continue
        variable = name + "Param" if name + "Param" in marked else name
        if variable in marked:
            bindings[variable] = term
        elif name in raw:
            extra[name] = term
    return bindings, extra


def run_canned(source: StoreOrSession, name: str, raw: dict[str, str],
               days: list[str] | None = None) -> tuple[list[dict[str, Any]], dict]:
    """Run one canned query with parameters; returns its rows and the post-processing values.

    ``source`` is a ``Session`` (the store and name index kept across questions), a store path,
    or any other engine (``kg.remote.RemoteEndpoint``): the parameters are bound into the text
    (``kg.binding``), so every engine runs the same query. ``days`` answers a dated question
    (parity) for several "as of" days in one run.
    """
    canned = canned_query(name)
    with session_for(source) as session:
        bindings, extra = bind_parameters(canned, raw, _NamesOnDemand(session))
        if days is not None:
            bindings["asOf"] = as_of_terms(days)
        rows = session.select(bind(canned.text, bindings, session.binding_style), f"the {name} question")
    return [normalised_row(canned, row) for row in rows], extra


def normalised_row(canned: CannedQuery, row: dict[str, Any]) -> dict[str, Any]:
    """A row with its declared boolean and set columns in one form whatever engine wrote it."""
    for column in canned.booleans:
        if column in row:
            row[column] = as_boolean(row[column])
    for column in canned.sets:
        if column in row:
            row[column] = sorted_items(row[column])
    return row


class _NamesOnDemand:
    """The session's name index, built only if a parameter names an entity (most calls never do)."""

    def __init__(self, session: Any):
        self._session = session

    def resolve(self, name: str, kinds: tuple[str, ...]) -> str:
        """``NameLookup.resolve`` on the session's index."""
        return self._session.names().resolve(name, kinds)


def as_of_terms(days: list[str]) -> list[ox.Literal]:
    """Checked ISO days as ``xsd:date`` terms for the ``?asOf`` variable."""
    terms = []
    for day in days:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ParameterError(f"'{day}' is not a day (YYYY-MM-DD)")
        dt.date.fromisoformat(day)
        terms.append(_typed(day, "date"))
    return terms
