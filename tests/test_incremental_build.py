"""An incremental `kg build` writes exactly the store a full build of the same tree writes.

Each test builds the fixture tree, changes it (edit, add, delete a source file; change a claim's
value, an openness fact, a lineage edge), builds again incrementally and compares every quad of
every graph with a full build of the changed tree from nothing. The stores hold no build
timestamps, so nothing is left out of the comparison.
"""

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import adding, pipeline
from kg.cli import app
from kg.store import current_generation, open_store
from tests.conftest import FIXTURE_DATA

CARD = "sources/open-lab-card.yaml"
ARTICLE = "sources/parity-article.yaml"
SCEPTIC = "sources/sceptic-report.yaml"

NEW_SOURCE = """source:
  id: second-opinion
  title: A second opinion
  date: '2025-07-01'
  kind: news
claims:
- id: chat-code-again
  kind: score
  value: 55.0
  locator: table 1
  subject: open-chat-70b
  mention: Open-Chat-70B
  benchmark: bench-code
- id: mini-weights
  kind: fact
  value: false
  locator: para 2
  subject: closed-mini
  mention: Closed Mini
  property: weights-available
- id: mini-from-chat
  kind: lineage
  locator: para 3
  child: closed-mini
  child_mention: Closed Mini
  parent: open-chat-70b
  parent_mention: Open-Chat-70B
  relation: {relation}
  status: alleged
"""


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """A writable copy of the fixture tree, with a cache of its own."""
    monkeypatch.setenv("PARITYKG_CACHE", str(tmp_path / "cache"))
    copy = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, copy)
    return copy


@pytest.fixture
def full_builds(monkeypatch) -> list[Path]:
    """The stores built from nothing (not incrementally) during a test."""
    calls: list[Path] = []
    original = pipeline._build_full

    def counting(data_dir, store_dir, progress):
        calls.append(store_dir)
        return original(data_dir, store_dir, progress)

    monkeypatch.setattr(pipeline, "_build_full", counting)
    return calls


def _nquads(store_dir: Path) -> list[str]:
    with open_store(store_dir) as store:
        return sorted(str(quad) for quad in store)


def _edit(tree: Path, name: str, old: str, new: str) -> None:
    path = tree / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rebuild_matches_full(tree: Path, tmp_path: Path, full_builds: list[Path], change) -> list[str]:
    """Build, change the tree, rebuild: the rebuild is incremental and equals a full build."""
    store = tmp_path / "store"
    pipeline.build(tree, store)
    before = _nquads(store)
    change()
    full_builds.clear()
    report = pipeline.build(tree, store)
    assert full_builds == [], "the rebuild was not incremental"
    reference = tmp_path / "reference-store"
    expected = pipeline.build(tree, reference, full=True)
    after = _nquads(store)
    assert after == _nquads(reference)
    assert (report.triples, report.sources, report.claims) == (expected.triples, expected.sources, expected.claims)
    assert after != before
    return after


def test_an_edit_of_a_title(tree, tmp_path, full_builds):
    after = _rebuild_matches_full(tree, tmp_path, full_builds,
                                  lambda: _edit(tree, CARD, "title: Open-Chat-70B model card",
                                                "title: Open-Chat-70B model card (revised)"))
    assert any("model card (revised)" in quad for quad in after)


def test_an_edit_of_a_claims_value_replaces_its_keys_and_pairs(tree, tmp_path, full_builds):
    after = _rebuild_matches_full(tree, tmp_path, full_builds,
                                  lambda: _edit(tree, CARD, "value: 70.0", "value: 71.5"))
    assert any("midValue" in quad and '"71.5"' in quad for quad in after)


def test_an_edit_of_an_openness_fact_recomputes_the_periods(tree, tmp_path, full_builds):
    _rebuild_matches_full(tree, tmp_path, full_builds,
                          lambda: _edit(tree, CARD, "value: true\n  locator: downloads\n  subject: open-chat-70b",
                                        "value: false\n  locator: downloads\n  subject: open-chat-70b"))


def test_an_added_source_with_a_contradiction_a_fact_and_a_lineage_edge(tree, tmp_path, full_builds):
    def add() -> None:
        (tree / "sources" / "second-opinion.yaml").write_text(NEW_SOURCE.format(relation="fine-tune"),
                                                              encoding="utf-8")

    after = _rebuild_matches_full(tree, tmp_path, full_builds, add)
    assert any("lineageAncestorOrSelf" in quad and quad.count("open-base-70b") == 1
               and "closed-mini" in quad for quad in after)


def test_an_edit_that_adds_a_lineage_edge_extends_the_closure(tree, tmp_path, full_builds):
    edge = ("- id: mini-lineage\n  kind: lineage\n  locator: para 9\n  child: closed-mini\n"
            "  child_mention: Closed Mini\n  parent: vision-78b\n  parent_mention: Vision-78B\n"
            "  relation: distillation\n  status: alleged\n")
    _rebuild_matches_full(tree, tmp_path, full_builds, lambda: _edit(tree, ARTICLE, "claims:\n", "claims:\n" + edge))


def test_a_deleted_source_takes_its_claims_pairs_periods_and_lineage_edges(tree, tmp_path, full_builds):
    after = _rebuild_matches_full(tree, tmp_path, full_builds, lambda: (tree / ARTICLE).unlink())
    assert not any("parity-article" in quad for quad in after)


def test_a_deleted_openness_fact_source(tree, tmp_path, full_builds):
    _rebuild_matches_full(tree, tmp_path, full_builds, lambda: (tree / SCEPTIC).unlink())


def test_a_preserving_lineage_edge_falls_back_to_a_full_build(tree, tmp_path, full_builds):
    store = tmp_path / "store"
    pipeline.build(tree, store)
    (tree / "sources" / "second-opinion.yaml").write_text(NEW_SOURCE.format(relation="quantization"),
                                                          encoding="utf-8")
    full_builds.clear()
    pipeline.build(tree, store)
    assert full_builds == [store]
    pipeline.build(tree, tmp_path / "reference-store", full=True)
    assert _nquads(store) == _nquads(tmp_path / "reference-store")


def test_an_unchanged_tree_keeps_the_generation(tree, tmp_path, full_builds):
    store = tmp_path / "store"
    first = pipeline.build(tree, store)
    generation = current_generation(store)
    full_builds.clear()
    again = pipeline.build(tree, store)
    assert full_builds == [] and current_generation(store) == generation
    assert (again.triples, again.sources, again.claims) == (first.triples, first.sources, first.claims)


def test_a_touched_file_is_read_again_but_not_rebuilt(tree, tmp_path, full_builds):
    store = tmp_path / "store"
    pipeline.build(tree, store)
    generation = current_generation(store)
    os.utime(tree / CARD)  # a new change time, the same bytes
    full_builds.clear()
    pipeline.build(tree, store)
    assert full_builds == [] and current_generation(store) == generation


def test_an_edit_keeping_size_and_time_is_seen_within_the_racy_window(tree, tmp_path, full_builds):
    """A file changed around the scan is hashed even when its size and change time look unchanged."""
    store = tmp_path / "store"
    path = tree / CARD
    os.utime(path)  # changed just now: within the window of the build's scan
    stat = path.stat()
    pipeline.build(tree, store)
    before = _nquads(store)
    _edit(tree, CARD, "value: 70.0", "value: 71.0")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    full_builds.clear()
    pipeline.build(tree, store)
    assert full_builds == []
    pipeline.build(tree, tmp_path / "reference-store", full=True)
    assert before != _nquads(store) == _nquads(tmp_path / "reference-store")


def test_a_changed_reference_file_or_an_add_falls_back_to_a_full_build(tree, tmp_path, full_builds):
    store = tmp_path / "store"
    pipeline.build(tree, store)
    _edit(tree, "reference/entities.yaml", "name: Closed Mini", "name: Closed Mini 2")
    full_builds.clear()
    pipeline.build(tree, store)
    assert full_builds == [store]
    extra = tmp_path / "second-opinion.yaml"
    extra.write_text(NEW_SOURCE.format(relation="fine-tune"), encoding="utf-8")
    adding.add_source(extra, store)
    full_builds.clear()
    pipeline.build(tree, store)
    assert full_builds == [store]  # the store held a source the tree does not
    assert not any("second-opinion" in quad for quad in _nquads(store))


def test_a_broken_edit_leaves_the_store_as_it_was(tree, tmp_path, full_builds):
    store = tmp_path / "store"
    pipeline.build(tree, store)
    before, generation = _nquads(store), current_generation(store)
    full_builds.clear()
    _edit(tree, CARD, "subject: open-chat-70b\n  mention: Open-Chat-70B\n  benchmark: bench-code",
          "subject: no-such-model\n  mention: Open-Chat-70B\n  benchmark: bench-code")
    result = CliRunner().invoke(app, ["build", "--data", str(tree), "--store", str(store)])
    assert result.exit_code == 1
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "open-lab-card.yaml" in message[0] and "no-such-model" in message[0]
    assert "Traceback" not in result.output
    assert full_builds == [] and current_generation(store) == generation and _nquads(store) == before


def test_a_failure_while_writing_leaves_the_store_as_it_was(tree, tmp_path, monkeypatch):
    store = tmp_path / "store"
    pipeline.build(tree, store)
    before, generation = _nquads(store), current_generation(store)
    _edit(tree, CARD, "value: 70.0", "value: 71.5")

    def failing(*_args) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "apply_change", failing)
    with pytest.raises(OSError):
        pipeline.build(tree, store)
    assert current_generation(store) == generation and _nquads(store) == before


def _names(store: Path):
    from kg.resolve import NAMES_SUFFIX, StoredNameIndex

    generation = current_generation(store)
    return StoredNameIndex(generation.with_name(generation.name + NAMES_SUFFIX))


def test_every_write_leaves_the_name_index_of_its_generation_beside_it(tree, tmp_path, full_builds):
    import yaml

    from kg.resolve import ResolveError, name_index

    store = tmp_path / "store"
    pipeline.build(tree, store)
    assert _names(store).resolve("open-chat-70b", ("model",)).endswith("/model/open-chat-70b")
    extra = tmp_path / "second-opinion.yaml"
    extra.write_text(NEW_SOURCE.format(relation="fine-tune"), encoding="utf-8")
    adding.add_source(extra, store)
    found = _names(store)
    assert found.resolve("A second opinion", ("source",)) == found.resolve("second-opinion", ("source",))
    removed = sorted((tree / "sources").glob("*.yaml"))[0]
    removed_id = yaml.safe_load(removed.read_text(encoding="utf-8"))["source"]["id"]
    pipeline.build(tree, store, full=True)  # the tree has no second-opinion: a full build
    with pytest.raises(ResolveError):
        _names(store).resolve("second-opinion", ("source",))
    before = list(_names(store).all_names())
    full_builds.clear()
    removed.unlink()
    pipeline.build(tree, store)  # an increment drops the removed source's names too
    assert full_builds == []
    with open_store(store) as opened:
        expected = sorted(name_index(opened).all_names())
    assert sorted(_names(store).all_names()) == expected
    assert not any(iri.endswith(f"/source/{removed_id}") for _, (iri, _) in expected)
    assert any(iri.endswith(f"/source/{removed_id}") for _, (iri, _) in before)
