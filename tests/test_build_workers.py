"""A build checks source files in worker processes: same outcome as checking them in-process."""

import shutil

import pytest
from rdflib import Graph

from kg import pipeline
from kg.errors import DataError
from kg.shacl_batching import install, uninstall
from kg.validation import shacl_violations
from tests.conftest import FIXTURE_DATA


def _checked(data, monkeypatch, *, workers: bool):
    if workers:  # every file its own chunk, two workers, however small the tree
        monkeypatch.setattr(pipeline, "SMALL_TREE_BYTES", 0)
        monkeypatch.setattr(pipeline, "CHUNK_BYTES", 1)
        monkeypatch.setattr(pipeline, "_workers", lambda: 2)
    return pipeline.validate_tree(data)


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """An empty validation cache, so that every source is validated."""
    monkeypatch.setenv("PARITYKG_CACHE", str(tmp_path / "cache"))


def test_workers_give_the_same_quads(private_cache, monkeypatch, tmp_path):
    alone = _checked(FIXTURE_DATA, monkeypatch, workers=False)
    monkeypatch.setenv("PARITYKG_CACHE", str(tmp_path / "other-cache"))
    shared = _checked(FIXTURE_DATA, monkeypatch, workers=True)
    assert [s.file for s in shared.sources] == [s.file for s in alone.sources]
    assert [s.nquads for s in shared.sources] == [s.nquads for s in alone.sources]
    assert shared.claim_count == alone.claim_count > 0


def test_workers_report_the_same_problems(private_cache, monkeypatch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    first = sorted((data / "sources").glob("*.yaml"))[0]
    (data / "sources" / "copy.yaml").write_text(first.read_text())
    (data / "sources" / "broken.yaml").write_text("source: [not, a, mapping]\n")
    outcomes = []
    for workers in (False, True):
        with pytest.raises(DataError) as raised:
            _checked(data, monkeypatch, workers=workers)
        outcomes.append(sorted(raised.value.problems, key=lambda p: (p.file, p.record, p.rule)))
    assert outcomes[0] == outcomes[1]
    rules = " | ".join(p.rule for p in outcomes[0])
    assert "duplicate source id" in rules and "file name must be the source id" in rules
    assert any(p.file.endswith("broken.yaml") for p in outcomes[0])


def test_batching_gives_pyshacl_s_own_reports(tmp_path):
    """kg.shacl_batching changes how often pySHACL is called, not what it finds."""
    from kg.integrity import check_tree
    from kg.loading import load_tree
    from kg.rdf import tree_graphs

    tree = load_tree(FIXTURE_DATA)
    reference, sources = tree_graphs(tree, check_tree(tree))
    broken = Graph()
    for graph in (reference, *sources.values()):
        for index, (s, p, o) in enumerate(graph):
            if index % 7:  # drop one triple in seven: names, labs, locators, values, kinds...
                broken.add((s, p, o))
    found = []
    for batched in (False, True):
        install() if batched else uninstall()
        data = Graph()
        data += broken
        found.append(shacl_violations(data))
    assert install(), "pySHACL is not a version kg.shacl_batching was checked against: check it, add it"
    assert found[0] == found[1]
    assert len(found[0]) > 20
