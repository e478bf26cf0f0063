"""Canned SPARQL: the ``.rq`` files in ``queries/`` with their ``#+`` headers."""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.packaged import QUERIES_DIR


@dataclass(frozen=True)
class Parameter:
    """A parameter of a canned query, as its header declares it: ``name (type): text``.

    Types: date (YYYY[-MM[-DD]]), number (finite, >= 0), count (whole, >= 1), text,
    ``choice a|b|c``, or an entity kind (model, benchmark,
    category, source, relation, entity) whose values are resolved by name.
    """

    name: str
    kind: str
    description: str

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values of a choice parameter."""
        return tuple(self.kind.split(" ", 1)[1].split("|")) if self.kind.startswith("choice ") else ()

    @property
    def default(self) -> str:
        """The default the header states (text after "default"), e.g. "weights" or "every claim"."""
        stated = re.search(r"default\s+(.+)$", self.description)
        return stated.group(1).strip() if stated else ""

    @property
    def option(self) -> str:
        """The command-line option for it: ``asOf`` -> ``--as-of``."""
        return "--" + re.sub(r"(?<!^)([A-Z])", r"-\1", self.name).lower()


@dataclass(frozen=True)
class CannedQuery:
    """A canned query file: its header fields and its SPARQL text."""

    name: str
    path: Path
    summary: str
    question: str
    example: str
    text: str
    params: tuple[Parameter, ...] = field(default_factory=tuple)
    booleans: tuple[str, ...] = field(default_factory=tuple)
    """Output columns holding true/false (header ``booleans:``); engines without boolean results
    (Virtuoso writes computed booleans as 1/0) are read back through them."""
    sets: tuple[str, ...] = field(default_factory=tuple)
    """Output columns holding a GROUP_CONCAT of a set (header ``sets:``); the order GROUP_CONCAT
    writes is up to each engine, so these are read back with their items sorted."""


HEADER = re.compile(r"^#\+\s?(.*)$")


def parse_query_file(path: Path) -> CannedQuery:
    """Read a ``.rq`` file and its header (summary, question, params, example, booleans, sets)."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    current = None
    for line in text.splitlines():
        match = HEADER.match(line)
        if not match:
            continue
        body = match.group(1)
        item = re.match(r"^\s+-\s+(\w+)\s+\(([^)]+)\):\s*(.*)$", body)
        if current == "params" and item:
            params.append(Parameter(item.group(1), item.group(2).strip(), item.group(3).strip()))
            continue
        key = re.match(r"^(\w+):\s*(.*)$", body)
        if key:
            current = key.group(1)
            fields[current] = key.group(2).strip()
    return CannedQuery(
        name=path.stem,
        path=path,
        summary=fields.get("summary", ""),
        question=fields.get("question", ""),
        example=fields.get("example", ""),
        text=text,
        params=tuple(params),
        booleans=tuple(fields.get("booleans", "").split()),
        sets=tuple(fields.get("sets", "").split()),
    )


@lru_cache(maxsize=4)
def canned_queries(directory: Path = QUERIES_DIR) -> dict[str, CannedQuery]:
    """Every canned query, by name (read and parsed once per process)."""
    return {p.stem: parse_query_file(p) for p in sorted(directory.glob("*.rq"))}


def canned_query(name: str, directory: Path = QUERIES_DIR) -> CannedQuery:
    """One canned query by name; ``KeyError`` lists the names that exist."""
    queries = canned_queries(directory)
    if name not in queries:
        raise KeyError(f"no canned query '{name}'; available: {', '.join(sorted(queries))}")
    return queries[name]
