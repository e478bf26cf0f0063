"""A QueryEngine over any SPARQL 1.1 Protocol endpoint (query via URL-encoded POST, JSON results).

The URL-encoded form is the one every engine tried here accepts; Virtuoso 7.2 never answers a
direct ``application/sparql-query`` POST.
"""

import json
import urllib.parse
from typing import Any

from kg.budget import current_budget
from kg.errors import RemoteError
from kg.http_client import send
from kg.resolve import NAMES_QUERY, NameIndex, names_from_rows
from kg.terms import plain_value

MAX_ANSWER_BYTES = 256 * 1024 * 1024


def _cell(term: dict[str, str]) -> Any:
    if term.get("type") == "literal" or term.get("type") == "typed-literal":
        return plain_value(term.get("value", ""), term.get("datatype"))
    return term.get("value")


class RemoteEndpoint:
    """SELECT rows and the name index from a remote SPARQL 1.1 endpoint at ``url``."""

    binding_style = "bind"
    """Parameters reach remote engines as BIND clauses where a value is single (kg.binding)."""

    def __init__(self, url: str, timeout: float | None = None, headers: dict[str, str] | None = None):
        self.url = url
        self.timeout = timeout
        self.headers = headers or {}
        self._names: NameIndex | None = None

    def select(self, text: str, what: str = "the query") -> list[dict[str, Any]]:
        """The rows of a SELECT query, values converted with kg.terms.plain_value, unbound as None."""
        budget = current_budget()
        timeout = self.timeout or budget.timeout
        form = urllib.parse.urlencode({"query": text}).encode()
        body = send(self.url, what, method="POST", body=form, timeout=timeout,
                    max_bytes=MAX_ANSWER_BYTES, headers={
                        **self.headers, "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json"}).body
        try:
            answer = json.loads(body)
            variables, bindings = answer["head"]["vars"], answer["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RemoteError(f"{self.url}: {what}: the answer is not SPARQL JSON results") from None
        if len(bindings) > budget.limit:
            raise RemoteError(f"{self.url}: {what}: more than {budget.limit} rows (raise --limit)")
        return [{name: _cell(row[name]) if name in row else None for name in variables} for row in bindings]

    def names(self) -> NameIndex:
        """The name index, built once per instance from NAMES_QUERY."""
        if self._names is None:
            self._names = names_from_rows(self.select(NAMES_QUERY, "the name index"))
        return self._names
