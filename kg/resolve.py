"""Finding entities by name: ids, labels and aliases, ignoring case and punctuation."""

import difflib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.binding import bind
from kg.store import query

# The entities and their names are read by two sub-selects joined on the entity (a scan of each
# and a hash join: Oxigraph 0.5 looked the four name properties up entity by entity, 24 s for the
# 10M-triple tree's 219k names against 6.9 s; same rows).
NAMES_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?entity ?type ?name WHERE {
  { SELECT ?entity ?type WHERE {
      VALUES ?type { pk:Lab pk:ModelFamily pk:Model pk:Cohort pk:Benchmark pk:Licence pk:Proposition
                     pk:Source }
      ?entity a ?type } }
  { SELECT ?entity ?name WHERE {
      { ?entity skos:prefLabel ?name } UNION { ?entity skos:altLabel ?name }
      UNION { ?entity dcterms:title ?name } UNION { ?entity dcterms:identifier ?name } } }
}"""

# The names of some sources (bound to ?entity), for patching an index after an add or a rebuild.
SOURCE_NAMES_QUERY = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?entity ?type ?name WHERE {
  # bind ?entity
  ?entity a pk:Source ; dcterms:title|dcterms:identifier ?name .
  BIND (pk:Source AS ?type)
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
            self._insert(db)
            db.executescript("CREATE INDEX ids_key ON ids (key); CREATE INDEX names_key ON names (key);"
                             "CREATE INDEX ids_iri ON ids (iri); CREATE INDEX names_iri ON names (iri);")

    def _insert(self, db: sqlite3.Connection) -> None:
        for table, entries in (("ids", self.by_id), ("names", self.by_name)):
            db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                           ((key, iri, kind) for key, found in entries.items() for iri, kind in found))
        db.executemany("INSERT OR REPLACE INTO display VALUES (?, ?)", self.display.items())

    def replace_in(self, path: Path, entities: Iterable[str]) -> None:
        """Update the SQLite index at ``path``: ``entities`` (IRIs) lose their names there, and this
        index's names (those of the entities that are still in the store) are added."""
        with closing(sqlite3.connect(path)) as db, db:
            for iri in entities:
                for table in ("ids", "names", "display"):
                    db.execute(f"DELETE FROM {table} WHERE iri = ?", (iri,))
            self._insert(db)


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


def _index_path(generation: Path) -> Path:
    return generation.with_name(generation.name + NAMES_SUFFIX)


def _is_generation(path: Path) -> bool:
    return path.name.startswith(".") and ".gen-" in path.name


def stored_name_index(generation: Path, store: ox.Store) -> NameLookup:
    """The name index of one store generation, kept beside it.

    A generation never changes once written (a build or add writes a new one, and its index with
    it: ``write_name_index``), so its index is looked up by key in ``<generation>.names.sqlite``.
    A store that is a plain directory (not a generation) is indexed every time; a file that cannot
    be read is rebuilt, one that cannot be written leaves the index in memory.
    """
    if not _is_generation(generation):
        return name_index(store)
    try:
        return StoredNameIndex(_index_path(generation))
    except sqlite3.Error:
        pass
    index = name_index(store)
    _replace_file(_index_path(generation), index.write)
    return index


def write_name_index(store: ox.Store, generation: Path, previous: Path | None = None,
                     sources: Iterable[str] = ()) -> None:
    """Write the name index of a new generation beside it: the previous generation's index with
    the names of ``sources`` (IRIs of sources added, changed or removed) read again, when there is
    one to start from; else every name in the store. Reference entities only change with a full
    build, which passes no ``previous``."""
    if not _is_generation(generation):
        return
    target = _index_path(generation)
    if previous is not None and _is_generation(previous):
        try:
            StoredNameIndex(_index_path(previous)).close()
        except sqlite3.Error:
            previous = None
    if previous is None or not _is_generation(previous):
        _replace_file(target, name_index(store).write)
        return
    listed = sorted(set(sources))
    patch = _indexed(query(store, bind(SOURCE_NAMES_QUERY, {"entity": [ox.NamedNode(iri) for iri in listed]}))
                     if listed else [])

    def patched(path: Path) -> None:
        shutil.copyfile(_index_path(previous), path)
        patch.replace_in(path, listed)

    _replace_file(target, patched)


def _replace_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` whole or not at all (a scratch file renamed over it; errors leave no file)."""
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        scratch.unlink(missing_ok=True)
        write(scratch)
        os.replace(scratch, path)
    except (OSError, sqlite3.Error):
        scratch.unlink(missing_ok=True)


def name_index(store: ox.Store) -> NameIndex:
    """Index the names of every entity in the store."""
    return _indexed(query(store, NAMES_QUERY))


def _indexed(solutions: Iterable[ox.QuerySolution]) -> NameIndex:
    """The index of ``NAMES_QUERY``-shaped solutions (entity, type, name)."""
    return names_from_rows({column: row[column].value for column in ("entity", "type", "name")}
                           for row in solutions)


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
