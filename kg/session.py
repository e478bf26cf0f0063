"""One session per process: the store opened once, its name index built once, queries parsed once.

The CLI opens one ``Session`` per command, ``kg serve`` one for its lifetime, and the Python
API accepts either a session or a store path (opening a short-lived session for the call).
A session follows the store's generations: after a build or add, the next call sees the new
store and rebuilds the name index once.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.resolve import NameIndex, name_index
from kg.store import LiveStore


class Session:
    """The store (current generation, read-only) and its name index, kept for many questions."""

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self._live = LiveStore(store_dir)
        self._names: tuple[Path, NameIndex] | None = None

    @property
    def store(self) -> ox.Store:
        """The store of the current generation."""
        return self._live.current()

    def names(self) -> NameIndex:
        """The name index of the current generation, built on first use."""
        store = self.store
        generation = self._live.generation
        if self._names is None or self._names[0] != generation:
            self._names = (generation, name_index(store))
        return self._names[1]

    def close(self) -> None:
        """Release the store."""
        self._live.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


StoreOrSession = Path | Session


@contextmanager
def session_for(source: StoreOrSession) -> Iterator[Session]:
    """The given session, or a session opened on a store path for the duration of a block."""
    if isinstance(source, Session):
        yield source
        return
    with Session(source) as session:
        yield session
