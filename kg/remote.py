"""A QueryEngine over any SPARQL 1.1 Protocol endpoint (POST application/sparql-query, JSON results)."""

import base64
import json
import os
import urllib.error
import urllib.request
from typing import Any

from kg.budget import current_budget
from kg.errors import RemoteError
from kg.resolve import NAMES_QUERY, NameIndex, names_from_rows
from kg.terms import plain_value

MAX_ANSWER_BYTES = 256 * 1024 * 1024


def auth_headers() -> dict[str, str]:
    """Authorization from PARITYKG_ENDPOINT_TOKEN (bearer) or PARITYKG_ENDPOINT_USER/_PASSWORD (basic)."""
    token = os.environ.get("PARITYKG_ENDPOINT_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get("PARITYKG_ENDPOINT_USER")
    if user:
        secret = f"{user}:{os.environ.get('PARITYKG_ENDPOINT_PASSWORD', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(secret).decode()}
    return {}


def _cell(term: dict[str, str]) -> Any:
    if term.get("type") == "literal" or term.get("type") == "typed-literal":
        return plain_value(term.get("value", ""), term.get("datatype"))
    return term.get("value")


class RemoteEndpoint:
    """SELECT rows and the name index from a remote SPARQL 1.1 endpoint at ``url``."""

    def __init__(self, url: str, timeout: float | None = None, headers: dict[str, str] | None = None):
        self.url = url
        self.timeout = timeout
        self.headers = auth_headers() if headers is None else headers
        self._names: NameIndex | None = None

    def select(self, text: str, what: str = "the query") -> list[dict[str, Any]]:
        """The rows of a SELECT query, values converted with kg.terms.plain_value, unbound as None."""
        budget = current_budget()
        timeout = self.timeout or budget.timeout
        request = urllib.request.Request(self.url, data=text.encode(), method="POST", headers={
            **self.headers, "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"{self.url}: {what}: HTTP {exc.code} {exc.reason}") from None
        except TimeoutError:
            raise RemoteError(f"{self.url}: {what}: no answer within {timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"{self.url}: {what}: cannot connect ({reason})") from None
        if len(body) > MAX_ANSWER_BYTES:
            raise RemoteError(f"{self.url}: {what}: answer larger than {MAX_ANSWER_BYTES} bytes")
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
