"""Finding entities by name: ids, labels and aliases, ignoring case and punctuation."""

import difflib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.store import query

NAMES_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?entity ?type ?name WHERE {
  VALUES ?type { pk:Lab pk:ModelFamily pk:Model pk:Cohort pk:Benchmark pk:Licence pk:Proposition
                 pk:Source }
  ?entity a ?type .
  ?entity skos:prefLabel|skos:altLabel|dcterms:title|dcterms:identifier ?name .
}"""

KINDS = {
    "Lab": "lab", "ModelFamily": "family", "Model": "model", "Cohort": "cohort",
    "Benchmark": "benchmark", "Licence": "licence", "Proposition": "proposition",
    "Source": "source",
}


class ResolveError(LookupError):
    """A name matched nothing, or more than one entity."""


def normalise(name: str) -> str:
    """Lower-case with every character but letters and digits removed: 'Qwen 2.5-72B' -> 'qwen2572b'."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


@dataclass
class NameIndex:
    """Every name of every entity, normalised, for look-ups."""

    by_name: dict[str, set[tuple[str, str]]]
    display: dict[str, str]
    by_id: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def resolve(self, name: str, kinds: tuple[str, ...]) -> str:
        """The IRI of the one entity of ``kinds`` called ``name``; else ``ResolveError``.

        An entity's own id always finds it: first the exact id, then the id ignoring case and
        punctuation, and only then labels and aliases (where two entities can share a name).
        """
        key = normalise(name)
        for candidates in (self.by_id.get(name.strip().casefold(), set()), self.by_id.get(key, set())):
            by_id = {iri for iri, kind in candidates if kind in kinds}
            if len(by_id) == 1:
                return by_id.pop()
        found = {iri for iri, kind in self.by_name.get(key, set()) if kind in kinds}
        if len(found) == 1:
            return found.pop()
        wanted = " or ".join(kinds)
        if len(found) > 1:
            options = ", ".join(sorted(self.display[i] for i in found))
            raise ResolveError(f"'{name}' is ambiguous: it names several {wanted}s: {options}")
        candidates = {
            self.display[iri]
            for key_name, entries in self.by_name.items()
            for iri, kind in entries
            if kind in kinds and key_name in difflib.get_close_matches(key, [key_name], 1, 0.6)
        }
        ranked = sorted(
            candidates,
            key=lambda label: -difflib.SequenceMatcher(None, key, normalise(label)).ratio(),
        )[:5]
        hint = f"; closest matches: {', '.join(ranked)}" if ranked else ""
        raise ResolveError(f"no {wanted} is called '{name}'{hint}")


    def to_json(self) -> str:
        """The index as JSON (sets as sorted lists), for ``from_json``."""
        def pairs(table: dict[str, set[tuple[str, str]]]) -> dict[str, list[list[str]]]:
            return {key: sorted([iri, kind] for iri, kind in entries) for key, entries in table.items()}

        return json.dumps({"by_name": pairs(self.by_name), "display": self.display,
                           "by_id": pairs(self.by_id)})

    @classmethod
    def from_json(cls, text: str) -> "NameIndex":
        """An index written by ``to_json``."""
        data = json.loads(text)

        def sets(table: dict[str, list[list[str]]]) -> dict[str, set[tuple[str, str]]]:
            return {key: {(iri, kind) for iri, kind in entries} for key, entries in table.items()}

        return cls(sets(data["by_name"]), dict(data["display"]), sets(data["by_id"]))


NAMES_SUFFIX = ".names.json"


def stored_name_index(generation: Path, store: ox.Store) -> NameIndex:
    """The name index of one store generation, kept beside it after the first call.

    A generation never changes once written (a build or add writes a new one), so its index is
    computed once and read back from ``<generation>.names.json`` by every later process. A store
    that is a plain directory (not a generation) is indexed every time; a file that cannot be
    read or written is ignored.
    """
    if not generation.name.startswith(".") or ".gen-" not in generation.name:
        return name_index(store)
    path = generation.with_name(generation.name + NAMES_SUFFIX)
    try:
        return NameIndex.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    index = name_index(store)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(index.to_json(), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        scratch.unlink(missing_ok=True)
    return index


def name_index(store: ox.Store) -> NameIndex:
    """Index the names of every entity in the store."""
    return names_from_rows(
        {"entity": row["entity"].value, "type": row["type"].value, "name": row["name"].value}
        for row in query(store, NAMES_QUERY))


def names_from_rows(rows: Iterable[dict[str, str]]) -> NameIndex:
    """Index the names of every entity from ``NAMES_QUERY`` rows (IRIs and names as strings).

    Any engine that runs the query can be indexed this way: the embedded store or a remote endpoint.
    """
    by_name: dict[str, set[tuple[str, str]]] = {}
    by_id: dict[str, set[tuple[str, str]]] = {}
    display: dict[str, str] = {}
    for row in rows:
        iri = str(row["entity"])
        kind = KINDS[str(row["type"]).rsplit("#", 1)[-1]]
        slug = iri.rsplit("/", 1)[-1]
        for name in (str(row["name"]), slug):
            by_name.setdefault(normalise(name), set()).add((iri, kind))
        for id_key in (slug.casefold(), normalise(slug)):
            by_id.setdefault(id_key, set()).add((iri, kind))
        display.setdefault(iri, slug)
    return NameIndex(by_name, display, by_id)
