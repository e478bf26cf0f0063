"""Bulk loading in bounded slices: N-Quads spooled to a temporary file, quads fed in batches.

Oxigraph's bulk loader sorts what it is given in memory before writing it (one batch of up to a
million quads per thread): fed a whole large graph at once, its peak memory grows with the graph
(1M-triple benchmark tree: +0.9 GB; 3M: +1.5 GB). Fed slices, it stays near one slice's worth.
A full build's checked sources arrive as N-Quads; holding them all until the load (3.5 GB at 10M
triples) is the other half, so they are appended to a spool file as they arrive and read back in
slices that end at a line break (an N-Quads statement never spans lines).
"""

import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO

import pyoxigraph as ox

SLICE_BYTES = 32 * 2**20
"""N-Quads read back per bulk load (about 150,000 quads)."""

SLICE_QUADS = 200_000
"""Quads per bulk load when they come as Python objects."""


class NQuadsSpool:
    """A temporary file of N-Quads (deleted when closed), written piece by piece, loaded in slices."""

    def __init__(self, directory: Path | None = None) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory, prefix="paritykg-spool-")
        self.size = 0

    def write(self, nquads: bytes) -> None:
        """Append N-Quads (whole statements)."""
        self._file.write(nquads)
        self.size += len(nquads)

    def slices(self, slice_bytes: int = SLICE_BYTES) -> Iterator[bytes]:
        """The spooled N-Quads in pieces of about ``slice_bytes``, each ending at a line break."""
        self._file.flush()
        self._file.seek(0)
        carry = b""
        while block := self._file.read(slice_bytes):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                carry = block
                continue
            carry = block[cut:]
            yield block[:cut]
        if carry:
            yield carry

    def load_into(self, store: ox.Store) -> None:
        """Bulk-load the spooled N-Quads into ``store``, one slice at a time."""
        for piece in self.slices():
            store.bulk_load(piece, format=ox.RdfFormat.N_QUADS)

    def close(self) -> None:
        """Delete the spool file."""
        self._file.close()

    def __enter__(self) -> "NQuadsSpool":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def bulk_extend_in_slices(store: ox.Store, quads: Iterable[ox.Quad], slice_quads: int = SLICE_QUADS) -> None:
    """Bulk-add ``quads`` in batches of ``slice_quads``. ``quads`` may come from queries on ``store``
    itself: an Oxigraph query reads the snapshot it started on, so batches loaded meanwhile do not
    change its rows (kg.pipeline builds the derived keys so)."""
    quads = iter(quads)
    while batch := list(islice(quads, slice_quads)):
        store.bulk_extend(batch)
