"""The one output contract of every answer, for the CLI (``-F json|csv|tsv``), the API and the pages.

Every answer is a JSON object::

    {"question": NAME, "parameters": {...}, "policy": {...} or null, "rows": [...], ...extras}

- ``parameters``: every parameter the question takes, by its public name (the snake_case of its
  command-line option: ``--as-of`` is ``as_of``), with the value in effect: the given value
  (dates as the day they mean), else the stated default of a choice or number, else null;
- ``policy``: for questions answered under a stated evidence policy (parity, trend, lag), each
  parameter with the value in effect in words (``"as_of": "every claim"``); null otherwise;
- ``rows``: the answer's items, snake_case keys, nested objects where an item has parts (a parity
  row's ``best_open``);
- extras under named keys: parity's per-category ``categories`` roll-up, lineage's ``model`` and
  ``model_id``.

CSV and TSV carry the same fields as the rows: nested objects flattened to dotted names
(``best_open.locator``), lists of values joined with ``"; "``; a contradiction group is one line
per claim (``claims.*``), its pairs as JSON text in one cell.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg import answers
from kg.canned import ParameterError, as_of_day, finite_number, positive_count
from kg.claims import list_claims
from kg.queries import Parameter, canned_query
from kg.session import StoreOrSession

POLICY_QUESTIONS = ("parity", "trend", "lag")
EXPLODED = {"contradictions": "claims"}  # the list a CSV line is made per item of


def public_name(name: str) -> str:
    """A parameter's public name: the snake_case of its query name (``asOf`` -> ``as_of``)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def snake_keys(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row with every key in snake_case (query variables are camelCase)."""
    return {public_name(key): value for key, value in row.items()}


def parameters_of(question: str) -> tuple[Parameter, ...]:
    """The parameters a question takes (``KeyError`` naming the questions for an unknown one)."""
    return canned_query(question).params


def from_public(question: str, given: Mapping[str, str]) -> dict[str, str]:
    """Public (snake_case) parameter names as the query's own names; unknown names are refused."""
    by_public = {public_name(p.name): p.name for p in parameters_of(question)}
    unknown = sorted(set(given) - set(by_public))
    if unknown:
        raise ParameterError(f"'{question}' has no parameter {', '.join(unknown)}; "
                             f"it takes: {', '.join(by_public) or 'none'}")
    return {by_public[name]: value for name, value in given.items()}


def effective_value(param: Parameter, given: str | None) -> Any:
    """The value in effect: the given one as its type reads it, else a choice's or number's default."""
    if given is None:
        if param.choices and param.default in param.choices:
            return param.default
        if param.kind == "number":
            return _json_number(param.default)
        return None
    if param.kind == "date":
        return as_of_day(given, param.option)
    if param.kind == "number":
        return _json_number(str(finite_number(given, param.option)))
    if param.kind == "count":
        return positive_count(given, param.option)
    return given


def _json_number(text: str) -> int | float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


@dataclass
class Answer:
    """One answer in the contract's shape, with the shaped result the text renderers draw from."""

    question: str
    parameters: dict[str, Any]
    policy: dict[str, Any] | None
    rows: list[dict[str, Any]]
    extras: dict[str, Any] = field(default_factory=dict)
    shaped: Any = None  # what kg.answers returned (tables, trees and charts read it)

    def to_json(self) -> dict[str, Any]:
        """The contract object."""
        return {"question": self.question, "parameters": self.parameters, "policy": self.policy,
                "rows": self.rows, **self.extras}

    def dumps(self, indent: int | None = 2) -> str:
        """The contract object as JSON text."""
        return json.dumps(self.to_json(), indent=indent, ensure_ascii=False, default=str)

    def flat_rows(self) -> list[dict[str, Any]]:
        """The rows for CSV/TSV: nested fields flattened to dotted names (see the module doc)."""
        return flatten_rows(self.rows, EXPLODED.get(self.question))


def answer(source: StoreOrSession, question: str, params: Mapping[str, str]) -> Answer:
    """Answer a canned question; ``params`` by the query's own names (``asOf``), values as text.

    Validation and errors are the library's (``kg.canned``): a ``ParameterError``, a
    ``ResolveError`` for an unknown name, a ``KeyError`` for an unknown question.
    """
    declared = parameters_of(question)
    given = dict(params)
    parameters = {public_name(p.name): effective_value(p, given.get(p.name)) for p in declared}
    policy = ({public_name(k): v for k, v in answers.policy(question, given).items()}
              if question in POLICY_QUESTIONS else None)
    extras: dict[str, Any] = {}
    if question == "parity":
        shaped = answers.parity(source, **given)
        rows, extras["categories"] = shaped["benchmarks"], shaped["categories"]
    elif question == "trend":
        shaped = answers.parity_trend(source, **given)
        rows = shaped["points"]
    elif question == "lineage":
        model = given.pop("model", None)
        if not model:
            raise ParameterError("lineage needs a model: kg query lineage MODEL")
        shaped = answers.lineage(source, model, **given)
        rows, extras = shaped["edges"], {"model": shaped["model"], "model_id": shaped["model_id"]}
    elif question == "contradictions":
        shaped = answers.contradictions(source, **given)
        rows = shaped["groups"]
    elif question == "audit":
        shaped = answers.audit(source, **given)
        rows = shaped["comparisons"]
    elif question == "lag":
        shaped = [snake_keys(row) for row in answers.lag(source, **given)]
        rows = shaped
    elif question == "claims":
        rows = shaped = list_claims(source, given.get("subject"), given.get("benchmark"), given.get("source"))
    else:
        shaped = [snake_keys(row) for row in answers.plain(source, question, **given)]
        rows = shaped
    return Answer(question, parameters, policy, rows, extras, shaped)


def _flatten(value: Any, prefix: str, into: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else key, into)
    elif isinstance(value, list) and all(not isinstance(v, Mapping | list) for v in value):
        into[prefix] = "; ".join(str(v) for v in value)
    elif isinstance(value, list):
        into[prefix] = json.dumps(value, ensure_ascii=False, default=str)
    else:
        into[prefix] = value


def flatten_rows(rows: list[dict[str, Any]], explode: str | None = None) -> list[dict[str, Any]]:
    """Rows with nested objects as dotted columns; one line per item of the ``explode`` list."""
    flat: list[dict[str, Any]] = []
    for row in rows:
        items = row.get(explode) if explode else None
        if not items:
            line: dict[str, Any] = {}
            _flatten(row, "", line)
            flat.append(line)
            continue
        base = {k: v for k, v in row.items() if k != explode}
        for item in items:
            line = {}
            _flatten(base, "", line)
            _flatten({explode: item}, "", line)
            flat.append(line)
    return flat


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every column of flattened rows, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)
