"""The embedded Oxigraph store: where it lives, opening it, and all-or-nothing writes."""

import fcntl
import gc
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.budget import run_bounded, take
from kg.output import iter_rows

if TYPE_CHECKING:  # rdflib is imported only where a build needs it, never on the query path
    from rdflib import BNode, Graph, Literal, URIRef

STORE_ENV = "PARITYKG_STORE"
DEFAULT_STORE = Path(".paritykg") / "store"


class StoreError(Exception):
    """The store is missing, locked or cannot be written."""


def default_store_dir() -> Path:
    """``$PARITYKG_STORE`` if set, else ``.paritykg/store`` under the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def to_ox_term(term: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as the equivalent pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def graph_quads(graph: "Graph", name: "URIRef") -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the named graph ``name``."""
    graph_node = ox.NamedNode(str(name))
    for s, p, o in graph:
        yield ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), graph_node)


def from_ox_term(term: object) -> "URIRef | Literal | BNode":
    """A pyoxigraph term as the equivalent rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")


# Layout on disk. The store path is a symbolic link to one complete generation, a directory
# beside it named ".<name>.gen-<ns>-<pid>". A write builds a new generation (a build from
# nothing; an add from a hard-linked copy of the current one), then swaps the link with one
# atomic rename, so the path names a complete store at every instant, whatever is killed when.
# Writers hold an exclusive lock on ".<name>.lock"; a reader holds a shared lock on
# "<generation>.readers" while it has that generation open, and a generation is deleted only
# when no reader holds it and it is not current. Leftovers of killed writes are deleted by the
# next write.

_held_writer_locks: dict[Path, int] = {}


def _lock_path(store_dir: Path) -> Path:
    return store_dir.parent / f".{store_dir.name}.lock"


def _readers_path(generation: Path) -> Path:
    return generation.parent / f"{generation.name}.readers"


@contextmanager
def writer_lock(store_dir: Path) -> Iterator[None]:
    """Hold the store's writer lock: builds and adds run one at a time (re-entrant in a process)."""
    key = store_dir.absolute()
    if _held_writer_locks.get(key):
        _held_writer_locks[key] += 1
        try:
            yield
        finally:
            _held_writer_locks[key] -= 1
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(key), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held_writer_locks[key] = 1
        try:
            yield
        finally:
            _held_writer_locks.pop(key, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(store_dir: Path) -> Path:
    """The directory holding the store's current data (the link's target, or the path itself)."""
    if store_dir.is_symlink():
        return store_dir.parent / os.readlink(store_dir)
    return store_dir


class ReaderHandle:
    """One generation of a store opened read-only, with its shared reader lock held."""

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        for _attempt in range(5):
            self.generation = current_generation(store_dir)
            if not self.generation.is_dir():
                raise StoreError(f"no store at {store_dir}: run 'kg build' first (or pass --store DIR)")
            self._lock = open(_readers_path(self.generation), "a+b")  # noqa: SIM115 (held while open)
            fcntl.flock(self._lock, fcntl.LOCK_SH)
            if self.generation.is_dir():
                break  # locked before any writer could delete it
            self._lock.close()  # swapped and deleted between reading the link and locking: again
        try:
            self.store = ox.Store.read_only(str(self.generation))
        except OSError as exc:
            self.close()
            raise StoreError(f"cannot open the store at {store_dir}: {exc}") from exc

    def is_current(self) -> bool:
        """Whether this is still the store's current generation (a build or add swaps it)."""
        return current_generation(self.store_dir) == self.generation

    def close(self) -> None:
        """Close the store and release the reader lock."""
        if hasattr(self, "store"):
            del self.store
            gc.collect()
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()


class LiveStore:
    """A long-lived reader (``kg serve``): always answers from the current generation.

    After a build or add swaps the store, the next call opens the new generation and releases
    the old one (which the next write then deletes), so the reader keeps working throughout.
    """

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self._handle = ReaderHandle(store_dir)
        self._lock = threading.Lock()

    @property
    def generation(self) -> Path:
        """The generation directory currently open."""
        return self._handle.generation

    def current(self) -> ox.Store:
        """The store of the current generation (callers must not hold it across a later call)."""
        with self._lock:
            if not self._handle.is_current():
                fresh = ReaderHandle(self.store_dir)
                self._handle, stale = fresh, self._handle
                stale.close()
            return self._handle.store

    def close(self) -> None:
        """Release the store."""
        self._handle.close()


@contextmanager
def open_store(store_dir: Path) -> Iterator[ox.Store]:
    """Open the store read-only; its files stay byte-for-byte unchanged."""
    if not store_dir.exists() and not store_dir.is_symlink():
        raise StoreError(f"no store at {store_dir}: run 'kg build' first (or pass --store DIR)")
    handle = ReaderHandle(store_dir)
    try:
        yield handle.store
    finally:
        handle.close()


def _new_generation(store_dir: Path) -> Path:
    return store_dir.parent / f".{store_dir.name}.gen-{time.time_ns()}-{os.getpid()}"


def _point_to(store_dir: Path, generation: Path) -> None:
    """Make the store path name ``generation``: one atomic rename of a new symbolic link."""
    link = store_dir.parent / f".{store_dir.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(generation.name, link)
    if store_dir.is_dir() and not store_dir.is_symlink():
        # a store written before generations existed: move it aside once, then link
        os.rename(store_dir, _new_generation(store_dir))
    os.replace(link, store_dir)


def _collect(store_dir: Path) -> None:
    """Delete generations that are neither current nor open by a reader, and killed writes' leftovers."""
    current = current_generation(store_dir).name
    prefix = f".{store_dir.name}."
    # generations first, then the files that belong to deleted generations
    for path in sorted(store_dir.parent.glob(prefix + "*"), key=lambda p: not p.is_dir()):
        kind = path.name[len(prefix):].split("-", 1)[0]
        if kind == "link" and path.name != current:
            path.unlink(missing_ok=True)
        elif kind in ("new", "old") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif kind.startswith("gen") and path.is_dir() and path.name != current:
            readers = _readers_path(path)
            with open(readers, "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a reader (e.g. kg serve) still uses it; a later write deletes it
                shutil.rmtree(path, ignore_errors=True)
                readers.unlink(missing_ok=True)
        elif path.name.endswith(".readers") and not path.with_name(path.name[:-8]).exists():
            path.unlink(missing_ok=True)
        elif (names := next((suffix for suffix in NAME_INDEX_SUFFIXES if suffix in path.name), None)) \
                and not path.with_name(path.name.split(names)[0]).exists():
            path.unlink(missing_ok=True)  # the name index of a deleted generation (kg.resolve)
        elif path.name.endswith(BUILD_RECORD_SUFFIX) \
                and not path.with_name(path.name[:-len(BUILD_RECORD_SUFFIX)]).exists():
            path.unlink(missing_ok=True)  # the build record of a deleted generation (kg.incremental)


NAME_INDEX_SUFFIXES = (".names.sqlite", ".names.json")
"""A generation's name index files (kg.resolve; ``.names.json`` from earlier versions)."""

BUILD_RECORD_SUFFIX = ".build.json"
"""A generation's build record (kg.incremental) is the file ``<generation>.build.json`` beside it."""


def build_record_path(generation: Path) -> Path:
    """Where the build record of a generation is kept."""
    return generation.with_name(generation.name + BUILD_RECORD_SUFFIX)


def write_generation(store_dir: Path, fill: Callable[[ox.Store], int | None], *, from_current: bool,
                     build_record: Callable[[int], bytes] | None = None, counted: bool = True,
                     beside: Callable[[ox.Store, Path, Path | None], None] | None = None) -> int:
    """Write a new generation of the store and swap it in; the old one survives any failure.

    ``fill`` adds to the new store: an empty one, or (``from_current``) a copy of the current
    store made with hard links (cheap: the data files are immutable); it may return the quad
    count it knows (else the store counts them, a scan). ``build_record``, if given, makes from
    the count the bytes written beside the new generation before it becomes current (a
    generation without one, e.g. after ``kg add``, has none). Returns the quad count (0 when it is
    not ``counted``: counting a store that ``fill`` did not count is a scan of it). ``beside``, if
    given, is called with the filled store, the new generation and the one it was copied from (None
    unless ``from_current``) to write files that belong beside it (kg.resolve's name index).
    """
    store_dir = store_dir.absolute()
    with writer_lock(store_dir):
        generation = _new_generation(store_dir)
        previous = current_generation(store_dir) if from_current else None
        try:
            if from_current:
                with open_store(store_dir) as current:
                    current.backup(str(generation))
            store = ox.Store(str(generation))
            known = fill(store)
            store.flush()
            count = known if known is not None else len(store) if counted else 0
            if beside is not None:
                beside(store, generation, previous)
            del store
            gc.collect()
            if build_record is not None:
                build_record_path(generation).write_bytes(build_record(count))
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            build_record_path(generation).unlink(missing_ok=True)
            for suffix in NAME_INDEX_SUFFIXES:
                generation.with_name(generation.name + suffix).unlink(missing_ok=True)
            raise
        _point_to(store_dir, generation)
        _collect(store_dir)
    return count


def collect_leftovers(store_dir: Path) -> None:
    """Delete what killed writes and replaced generations left beside the store, as every write
    does after its swap (for a build that found nothing to write)."""
    store_dir = store_dir.absolute()
    with writer_lock(store_dir):
        _collect(store_dir)


def query(store: ox.Store, sparql: str, bindings: dict[str, object] | None = None):
    """Run SPARQL over the union of all graphs, with parameters bound, never pasted."""
    substitutions = {ox.Variable(k): to_ox_term(v) for k, v in (bindings or {}).items()}
    return store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions)


def solutions_of(store: ox.Store, sparql: str, what: str = "the query",
                 at_most: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """A SELECT query's variable names and rows of terms (None when unbound): within the row cap,
    or, given ``at_most``, its first ``at_most`` rows (the rest is never evaluated)."""
    solutions = query(store, sparql)
    names = [variable.value for variable in solutions.variables]
    rows = ([solution[name] for name in names] for solution in solutions)
    if at_most is not None:
        return names, list(islice(rows, at_most))
    return names, take(rows, what)


def select_rows(store: ox.Store, sparql: str, bindings: dict[str, object] | None = None,
                what: str = "the query") -> list[dict[str, Any]]:
    """A SELECT query's rows as plain values, within the time limit and row cap in effect."""
    return run_bounded(lambda: take(iter_rows(query(store, sparql, bindings)), what), what)
