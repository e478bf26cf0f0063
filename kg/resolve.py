"""Finding entities by name: ids, labels and aliases, ignoring case and punctuation."""

import difflib
import os
import re
import sqlite3
from collections.abc import Iterable
from contextlib import closing
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


Entry = tuple[str, str]
"""An entity's IRI and kind."""


class NameLookup:
    """Finding one entity by name over some store of names (``NameIndex`` in memory,
    ``StoredNameIndex`` in a file); the rules of resolution live here once."""

    def ids(self, key: str) -> set[Entry]:
        """The entities whose id is ``key`` (as written, case-folded, or normalised)."""
        raise NotImplementedError

    def named(self, key: str) -> set[Entry]:
        """The entities one of whose names (label, alias, title, identifier, id) normalises to ``key``."""
        raise NotImplementedError

    def label(self, iri: str) -> str:
        """How an entity is shown in messages (its id)."""
        raise NotImplementedError

    def all_names(self) -> Iterable[tuple[str, Entry]]:
        """Every normalised name with an entity it names (for the closest matches)."""
        raise NotImplementedError

    def resolve(self, name: str, kinds: tuple[str, ...]) -> str:
        """The IRI of the one entity of ``kinds`` called ``name``; else ``ResolveError``.

        An entity's own id always finds it: first the exact id, then the id ignoring case and
        punctuation, and only then labels and aliases (where two entities can share a name).
        """
        key = normalise(name)
        for candidates in (self.ids(name.strip().casefold()), self.ids(key)):
            by_id = {iri for iri, kind in candidates if kind in kinds}
            if len(by_id) == 1:
                return by_id.pop()
        found = {iri for iri, kind in self.named(key) if kind in kinds}
        if len(found) == 1:
            return found.pop()
        wanted = " or ".join(kinds)
        if len(found) > 1:
            options = ", ".join(sorted(self.label(i) for i in found))
            raise ResolveError(f"'{name}' is ambiguous: it names several {wanted}s: {options}")
        candidates = {
            self.label(iri)
            for key_name, (iri, kind) in self.all_names()
            if kind in kinds and key_name in difflib.get_close_matches(key, [key_name], 1, 0.6)
        }
        ranked = sorted(
            candidates,
            key=lambda label: -difflib.SequenceMatcher(None, key, normalise(label)).ratio(),
        )[:5]
        hint = f"; closest matches: {', '.join(ranked)}" if ranked else ""
        raise ResolveError(f"no {wanted} is called '{name}'{hint}")


@dataclass
class NameIndex(NameLookup):
    """Every name of every entity, normalised, in memory."""

    by_name: dict[str, set[Entry]]
    display: dict[str, str]
    by_id: dict[str, set[Entry]] = field(default_factory=dict)

    def ids(self, key: str) -> set[Entry]:
        """The entities whose id is ``key``."""
        return self.by_id.get(key, set())

    def named(self, key: str) -> set[Entry]:
        """The entities a name normalised to ``key`` names."""
        return self.by_name.get(key, set())

    def label(self, iri: str) -> str:
        """An entity's id."""
        return self.display[iri]

    def all_names(self) -> Iterable[tuple[str, Entry]]:
        """Every normalised name with an entity it names."""
        return ((key, entry) for key, entries in self.by_name.items() for entry in entries)

    def write(self, path: Path) -> None:
        """Write the index as an SQLite file that ``StoredNameIndex`` reads by key."""
        with closing(sqlite3.connect(path)) as db, db:
            db.executescript(
                "CREATE TABLE ids (key TEXT, iri TEXT, kind TEXT);"
                "CREATE TABLE names (key TEXT, iri TEXT, kind TEXT);"
                "CREATE TABLE display (iri TEXT PRIMARY KEY, label TEXT);")
            for table, entries in (("ids", self.by_id), ("names", self.by_name)):
                db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                               ((key, iri, kind) for key, found in entries.items() for iri, kind in found))
            db.executemany("INSERT INTO display VALUES (?, ?)", self.display.items())
            db.executescript("CREATE INDEX ids_key ON ids (key); CREATE INDEX names_key ON names (key);")


class StoredNameIndex(NameLookup):
    """A name index written by ``NameIndex.write``, read by key: a few lookups per name instead of
    reading every name of the store (1M-triple tree: 0.43 s to load as JSON)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._db.execute("SELECT 1 FROM ids, names, display LIMIT 1").fetchall()  # a wrong file fails here

    def _entries(self, table: str, key: str) -> set[Entry]:
        return {(iri, kind) for iri, kind in
                self._db.execute(f"SELECT iri, kind FROM {table} WHERE key = ?", (key,))}

    def ids(self, key: str) -> set[Entry]:
        """The entities whose id is ``key``."""
        return self._entries("ids", key)

    def named(self, key: str) -> set[Entry]:
        """The entities a name normalised to ``key`` names."""
        return self._entries("names", key)

    def label(self, iri: str) -> str:
        """An entity's id."""
        row = self._db.execute("SELECT label FROM display WHERE iri = ?", (iri,)).fetchone()
        return row[0] if row else iri

    def all_names(self) -> Iterable[tuple[str, Entry]]:
        """Every normalised name with an entity it names."""
        return ((key, (iri, kind)) for key, iri, kind in self._db.execute("SELECT key, iri, kind FROM names"))

    def close(self) -> None:
        """Close the file."""
        self._db.close()


NAMES_SUFFIX = ".names.sqlite"


def stored_name_index(generation: Path, store: ox.Store) -> NameLookup:
    """The name index of one store generation, kept beside it after the first call.

    A generation never changes once written (a build or add writes a new one), so its index is
    computed once into ``<generation>.names.sqlite`` and looked up by key by every later process.
    A store that is a plain directory (not a generation) is indexed every time; a file that cannot
    be read is rebuilt, one that cannot be written leaves the index in memory.
    """
    if not generation.name.startswith(".") or ".gen-" not in generation.name:
        return name_index(store)
    path = generation.with_name(generation.name + NAMES_SUFFIX)
    try:
        return StoredNameIndex(path)
    except sqlite3.Error:
        pass
    index = name_index(store)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        scratch.unlink(missing_ok=True)
        index.write(scratch)
        os.replace(scratch, path)
    except (OSError, sqlite3.Error):
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
