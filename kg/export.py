"""Exporting the whole store as Turtle, N-Quads or JSON-LD."""

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from kg.output import EXPORT_FORMATS
from kg.rdf import PREFIXES, new_graph
from kg.store import from_ox_term, open_store


def export_store(store_dir: Path, fmt: str) -> str:
    """The store's content as text. Turtle merges the graphs; N-Quads and JSON-LD keep them."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")
    with open_store(store_dir) as store:
        if fmt == "nq":
            return store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")
        quads = [
            (from_ox_term(q.subject), from_ox_term(q.predicate), from_ox_term(q.object),
             URIRef(q.graph_name.value))
            for q in store.quads_for_pattern(None, None, None, None)
        ]
    if fmt == "ttl":
        union = new_graph()
        for s, p, o, _ in quads:
            union.add((s, p, o))
        return union.serialize(format="turtle")
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    for s, p, o, g in quads:
        dataset.graph(g).add((s, p, o))
    return dataset.serialize(format="json-ld", indent=2)
