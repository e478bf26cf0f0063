"""Side-by-side timings in one run: Oxigraph vs rdflib's SPARQL engine, and the build stages.

Run: python benchmarks/bench_engines.py [--repeat 5] [--rdflib-timeout 60]
Prints ratios (the machines are shared and noisy: compare within one run, not across runs).
"""

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, URIRef
from timing import median_seconds

from kg.canned import bind_parameters
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.ontology import ontology_graph
from kg.pipeline import build
from kg.queries import canned_queries
from kg.rdf import tree_graphs
from kg.resolve import name_index
from kg.store import open_store, query
from kg.validation import shacl_problems

ROOT = Path(__file__).resolve().parent.parent
PARAMS = {"lineage": {"model": "InternVL3-78B"}}


def _rdflib_run(text: str, bindings: dict, seconds_out: mp.Queue) -> None:
    tree = load_tree(ROOT / "data")
    reference, sources = tree_graphs(tree, check_tree(tree))
    dataset = Dataset(default_union=True)
    dataset.graph(URIRef("urn:ontology")).__iadd__(ontology_graph())
    dataset.graph(URIRef("urn:reference")).__iadd__(reference)
    for name, graph in sources.items():
        dataset.graph(URIRef(f"urn:source:{name}")).__iadd__(graph)
    start = time.perf_counter()
    list(dataset.query(text, initBindings=bindings))
    seconds_out.put(time.perf_counter() - start)


def rdflib_seconds(text: str, bindings: dict, timeout: float) -> float | None:
    """rdflib's engine on the same data in a child process; None if it exceeds ``timeout``."""
    queue: mp.Queue = mp.Queue()
    process = mp.Process(target=_rdflib_run, args=(text, bindings, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        return None
    return queue.get() if not queue.empty() else None


def main() -> None:
    """Run the comparisons and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-timeout", type=float, default=60)
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp()) / "store"
    build_seconds = median_seconds(lambda: build(ROOT / "data", store), 1)

    tree = load_tree(ROOT / "data")
    stages = {
        "read + pydantic": lambda: load_tree(ROOT / "data"),
        "reference checks": lambda: check_tree(tree),
        "to RDF": lambda: tree_graphs(tree, check_tree(tree)),
    }
    reference, sources = tree_graphs(tree, check_tree(tree))
    combined = reference
    for graph in sources.values():
        combined = combined + graph
    stages["SHACL"] = lambda: shacl_problems(combined, {})
    print(f"build of data/ ({len(combined)} data triples): {build_seconds:.2f} s in all")
    print("| build stage | share of the stages |\n|---|---|")
    stage_seconds = {name: median_seconds(fn, 1) for name, fn in stages.items()}
    total = sum(stage_seconds.values())
    for name, seconds in stage_seconds.items():
        print(f"| {name} | {seconds / total:.0%} |")

    print("\n| query | rdflib / Oxigraph |\n|---|---|")
    with open_store(store) as opened:
        names = name_index(opened)
        for name, canned in canned_queries().items():
            bindings, _ = bind_parameters(canned, PARAMS.get(name, {}), names)
            ox_seconds = median_seconds(lambda c=canned, b=bindings: list(query(opened, c.text, b)),
                                        args.repeat)
            rd_seconds = rdflib_seconds(canned.text, bindings, args.rdflib_timeout)
            ratio = (f"{rd_seconds / ox_seconds:.0f}x" if rd_seconds is not None
                     else f"> {args.rdflib_timeout / ox_seconds:.0f}x (rdflib did not finish in "
                          f"{args.rdflib_timeout:.0f} s)")
            print(f"| {name} | {ratio} |")


if __name__ == "__main__":
    main()
