"""The lineage closure precomputed into the derived graph (kg/keys.py), and kept current by kg add."""

import textwrap

import pyoxigraph as ox

from kg import answers
from kg.adding import add_source
from kg.keys import lineage_quads

PK = "https://w3id.org/paritykg/vocab#"
MODEL = "https://w3id.org/paritykg/id/model/"
GRAPH = ox.NamedNode("https://example.org/derived")


def _chain_store(*edges: tuple[str, str]) -> ox.Store:
    store = ox.Store()
    for index, (child, parent) in enumerate(edges):
        claim = ox.NamedNode(f"https://example.org/claim/{index}")
        store.add(ox.Quad(claim, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode(PK + "LineageClaim")))
        store.add(ox.Quad(claim, ox.NamedNode(PK + "child"), ox.NamedNode(MODEL + child)))
        store.add(ox.Quad(claim, ox.NamedNode(PK + "parent"), ox.NamedNode(MODEL + parent)))
    return store


def _pairs(quads) -> set[tuple[str, str]]:
    return {(q.subject.value.removeprefix(MODEL), q.object.value.removeprefix(MODEL)) for q in quads}


def test_the_closure_holds_every_ancestor_and_the_node_itself():
    store = _chain_store(("c", "b"), ("b", "a"), ("d", "b"))
    assert _pairs(lineage_quads(store, GRAPH)) == {
        ("a", "a"), ("b", "b"), ("b", "a"), ("c", "c"), ("c", "b"), ("c", "a"), ("d", "d"), ("d", "b"),
        ("d", "a")}


def test_a_cycle_ends_and_only_descendants_are_recomputed_when_asked():
    store = _chain_store(("b", "a"), ("a", "b"), ("c", "a"))
    assert _pairs(lineage_quads(store, GRAPH, {MODEL + "c"})) == {("c", "c"), ("c", "a"), ("c", "b")}
    assert ("a", "b") in _pairs(lineage_quads(store, GRAPH, {MODEL + "a"}))


def test_kg_add_extends_the_closure_to_what_the_new_claim_builds_on(scratch_store, tmp_path):
    before = answers.lineage(scratch_store, "open-base-70b", direction="down")
    assert "closed-mini" not in {e["child_id"] for e in before["edges"]}
    new = tmp_path / "distillation-note.yaml"
    new.write_text(textwrap.dedent("""\
        source:
          id: distillation-note
          title: A note on a distilled model
          date: 2025-06-01
          kind: analysis
        claims:
        - id: mini-lineage
          kind: lineage
          locator: para 2
          child: closed-mini
          child_mention: Closed Mini
          parent: open-chat-70b
          parent_mention: Open Chat
          relation: distillation
          status: alleged
        """))
    add_source(new, scratch_store)
    down = answers.lineage(scratch_store, "open-base-70b", direction="down")
    assert ("closed-mini", "open-chat-70b") in {(e["child_id"], e["parent_id"]) for e in down["edges"]}
    up = answers.lineage(scratch_store, "closed-mini", direction="up")
    assert {e["parent_id"] for e in up["edges"]} == {"open-chat-70b", "open-base-70b"}
