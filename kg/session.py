"""One session per process: the store opened once, its name index built once, queries parsed once.

The CLI opens one ``Session`` per command, ``kg serve`` one for its lifetime, and the Python
API accepts either a session or a store path (opening a short-lived session for the call).
A session follows the store's generations: after a build or add, the next call sees the new
store and rebuilds the name index once.
"""

import dataclasses
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kg.budget import current_budget, run_bounded, take, use_budget
from kg.resolve import NameLookup, stored_name_index
from kg.staging import Solutions, combined, staged_texts
from kg.store import LiveStore, select_rows, solutions_of


class Session:
    """The store (current generation, read-only) and its name index, kept for many questions."""

    binding_style = "values"
    """How kg.binding places parameters for this engine: VALUES blocks."""

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self._live = LiveStore(store_dir)
        self._names: tuple[Path, NameLookup] | None = None

    @property
    def store(self) -> ox.Store:
        """The store of the current generation."""
        return self._live.current()

    def select(self, text: str, what: str = "the query") -> list[dict[str, Any]]:
        """A SELECT query's rows as plain values (IRIs as strings), within the budget in effect.

        ``text`` is complete: parameters are already bound in it (kg.canned), so the same text
        runs here and on a remote endpoint. A query that marks stages runs in steps here
        (kg.staging), perhaps in batches whose rows are put together, all within one time limit
        and one row cap.
        """
        store = self.store
        budget = current_budget()
        started = time.monotonic()

        def remaining() -> AbstractContextManager:
            left = max(budget.timeout - (time.monotonic() - started), 0.001)
            return use_budget(dataclasses.replace(budget, timeout=left))

        def run_first_stage(first: str, at_most: int | None) -> Solutions:
            with remaining():
                return run_bounded(lambda: solutions_of(store, first, what, at_most), what)

        texts = staged_texts(text, run_first_stage)
        if texts == [text]:
            return select_rows(store, text, None, what)
        parts = []
        for staged in texts:
            with remaining():
                parts.append(select_rows(store, staged, None, what))
        return take(combined(text, parts), what)

    def names(self) -> NameLookup:
        """The name index of the current generation, built on first use (read from beside the
        generation when an earlier process built it, kg.resolve.stored_name_index)."""
        store = self.store
        generation = self._live.generation
        if self._names is None or self._names[0] != generation:
            self._names = (generation, stored_name_index(generation, store))
        return self._names[1]

    def close(self) -> None:
        """Release the store."""
        self._live.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class QueryEngine(Protocol):
    """What a canned question needs from where it runs: SELECT rows and the name index.

    ``Session`` (the embedded store) and ``kg.remote.RemoteEndpoint`` (any SPARQL 1.1 Protocol
    endpoint) both provide it.
    """

    binding_style: str
    """"values" or "bind": how kg.binding places parameters for this engine."""

    def select(self, text: str, what: str = "the query") -> list[dict[str, Any]]:
        """The rows of a complete SELECT query."""

    def names(self) -> NameLookup:
        """The names of every entity the engine's graph holds."""


StoreOrSession = Path | Session | QueryEngine


@contextmanager
def session_for(source: StoreOrSession) -> Iterator[Session]:
    """The given session, or a session opened on a store path for the duration of a block."""
    if not isinstance(source, Path):
        yield source
        return
    with Session(source) as session:
        yield session
