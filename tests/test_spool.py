"""Bulk loading in slices (kg.spool): the same store as one load, with bounded pieces."""

import pyoxigraph as ox

from kg.spool import NQuadsSpool, bulk_extend_in_slices

EX = "http://example.org/"


def _quads(n: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"),
                    ox.Literal(f"line one\nline two {i}"), ox.NamedNode(f"{EX}g{i % 3}")) for i in range(n)]


def test_spooled_slices_end_at_line_breaks_and_hold_every_statement(tmp_path):
    quads = _quads(500)
    with NQuadsSpool(tmp_path) as spool:
        for start in range(0, 500, 70):
            spool.write(ox.serialize(quads[start:start + 70], format=ox.RdfFormat.N_QUADS))
        pieces = list(spool.slices(slice_bytes=1000))
        assert len(pieces) > 10 and all(piece.endswith(b"\n") for piece in pieces)
        store = ox.Store()
        for piece in pieces:
            store.bulk_load(piece, format=ox.RdfFormat.N_QUADS)
        assert set(store) == set(quads)
        loaded = ox.Store()
        spool.load_into(loaded)
        assert set(loaded) == set(quads)
    assert list(tmp_path.iterdir()) == []  # the spool file is gone once closed


def test_a_statement_longer_than_a_slice_is_read_whole(tmp_path):
    long = ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("x" * 5000), ox.DefaultGraph())
    with NQuadsSpool(tmp_path) as spool:
        spool.write(ox.serialize([long, *_quads(3)], format=ox.RdfFormat.N_QUADS))
        store = ox.Store()
        for piece in spool.slices(slice_bytes=100):
            store.bulk_load(piece, format=ox.RdfFormat.N_QUADS)
        assert long in set(store) and len(store) == 4


def test_quads_from_a_query_on_the_same_store_are_added_in_batches():
    store = ox.Store()
    store.bulk_extend(_quads(50))
    derived = (ox.Quad(solution["s"], ox.NamedNode(f"{EX}seen"), ox.Literal("yes"), ox.NamedNode(f"{EX}d"))
               for solution in store.query("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"))
    bulk_extend_in_slices(store, derived, slice_quads=7)
    assert len(store) == 100
