"""Uploading the store to another triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Every named graph of the store (one per source, plus reference, ontology and derived) is sent
whole with ``PUT ?graph=IRI``, which replaces that graph on the server. A manifest graph on the
server records the digest and size of each graph this tool pushed, so the next push sends only
graphs that changed, deletes graphs whose source is gone, and leaves graphs it did not push
alone. The manifest is written last: a push that fails half-way is repeated in full next time.
"""

import hashlib
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import RemoteError
from kg.http_client import send
from kg.namespaces import GRAPH, PK
from kg.store import open_store

MANIFEST_GRAPH = str(GRAPH["push-manifest"])
"""The server-side record of what was pushed: one node per graph with its digest and triple count."""
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class GraphContent:
    """One named graph of the store: its digest (of its sorted N-Triples lines) and triple count."""

    iri: str
    digest: str
    triples: int


@dataclass
class PushPlan:
    """What a push does, graph by graph."""

    add: list[GraphContent] = field(default_factory=list)
    replace: list[GraphContent] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per graph that changes, then a count of the unchanged ones."""
        out = [f"add {g.iri} ({g.triples} triples)" for g in self.add]
        out += [f"replace {g.iri} ({g.triples} triples)" for g in self.replace]
        out += [f"delete {iri}" for iri in self.delete]
        out.append(f"{len(self.unchanged)} graphs unchanged")
        return out


def graph_body(store: ox.Store, iri: str) -> bytes:
    """One named graph as sorted N-Triples lines, so equal graphs give equal bytes."""
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
    return b"".join(sorted(line + b"\n" for line in text.splitlines() if line.strip()))


def local_graphs(store: ox.Store) -> list[GraphContent]:
    """Every named graph of the store with its digest and size (one graph in memory at a time)."""
    graphs = []
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        body = graph_body(store, graph.value)
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        graphs.append(GraphContent(graph.value, digest, body.count(b"\n")))
    return graphs


def graph_url(endpoint: str, graph_iri: str) -> str:
    """The Graph Store Protocol address of one named graph (``?graph=`` indirect identification)."""
    joiner = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{joiner}{urllib.parse.urlencode({'graph': graph_iri})}"


def remote_manifest(endpoint: str, timeout: float) -> dict[str, str]:
    """Graph IRI -> digest, as recorded on the server by an earlier push (empty before the first)."""
    reply = send(graph_url(endpoint, MANIFEST_GRAPH), "reading the push manifest", timeout=timeout,
                 headers={"Accept": N_TRIPLES}, missing_ok=True)
    if reply.status == 404 or not reply.body.strip():
        return {}
    try:
        quads = ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES)
        return {q.subject.value: q.object.value for q in quads if q.predicate.value == str(PK.contentDigest)}
    except (SyntaxError, ValueError):
        raise RemoteError(f"{endpoint}: the push manifest graph is not N-Triples") from None


def plan_push(graphs: list[GraphContent], pushed: dict[str, str]) -> PushPlan:
    """Compare the store's graphs with what the manifest says was pushed."""
    plan = PushPlan()
    for graph in graphs:
        if graph.iri not in pushed:
            plan.add.append(graph)
        elif pushed[graph.iri] != graph.digest:
            plan.replace.append(graph)
        else:
            plan.unchanged.append(graph.iri)
    local = {g.iri for g in graphs}
    plan.delete = sorted(iri for iri in pushed if iri not in local)
    return plan


def manifest_text(graphs: list[GraphContent]) -> bytes:
    """The manifest graph for the given graphs, as N-Triples."""
    lines = []
    for graph in graphs:
        node = f"<{graph.iri}>"
        lines.append(f'{node} <{PK.contentDigest}> "{graph.digest}" .')
        lines.append(f'{node} <{VOID_TRIPLES}> "{graph.triples}"^^<{XSD_INTEGER}> .')
    return ("\n".join(lines) + "\n").encode()


def push_store(store_dir: Path, endpoint: str, *, dry_run: bool = False, timeout: float = 300.0,
               progress: Callable[[str], None] = lambda line: None) -> PushPlan:
    """Bring the server's graphs in line with the store; with ``dry_run`` only say what would change."""
    with open_store(store_dir) as store:
        graphs = local_graphs(store)
        plan = plan_push(graphs, remote_manifest(endpoint, timeout))
        if dry_run:
            return plan
        for graph in plan.add + plan.replace:
            send(graph_url(endpoint, graph.iri), f"uploading {graph.iri}", method="PUT",
                 body=graph_body(store, graph.iri), timeout=timeout, headers={"Content-Type": N_TRIPLES})
            progress(f"pushed {graph.iri} ({graph.triples} triples)")
    for iri in plan.delete:
        send(graph_url(endpoint, iri), f"deleting {iri}", method="DELETE", timeout=timeout, missing_ok=True)
        progress(f"deleted {iri}")
    if plan.add or plan.replace or plan.delete:
        send(graph_url(endpoint, MANIFEST_GRAPH), "writing the push manifest", method="PUT",
             body=manifest_text(graphs), timeout=timeout, headers={"Content-Type": N_TRIPLES})
    return plan
