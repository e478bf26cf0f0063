"""data/ built end to end through the CLI (the run's builds, tests/conftest.py): the curated data and
the whole tree with the imported datasets, and what the imported datasets must bring (issue figures)."""

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg.loading import load_tree
from kg.store import current_generation
from tests.conftest import REAL_DATA

COUNTS = """
PREFIX pk: <https://w3id.org/paritykg/vocab#>
SELECT (COUNT(DISTINCT ?model) AS ?models) (COUNT(DISTINCT ?score) AS ?scores) WHERE {
  { ?model a pk:Model } UNION { ?score a pk:ScoreClaim }
}"""


@pytest.fixture(scope="module")
def whole_tree():
    return load_tree(REAL_DATA)


def _claims(tree) -> int:
    return sum(len(loaded.record.claims) for loaded in tree.sources)


def test_kg_build_of_the_whole_data_tree_prints_every_source_and_claim(full_build, whole_tree):
    assert full_build.exit_code == 0, full_build.stderr[-3000:]
    assert f"triples, {len(whole_tree.sources)} sources, {_claims(whole_tree)} claims" in full_build.stdout


def test_the_curated_build_holds_no_imported_dataset(real_build, whole_tree):
    assert real_build.exit_code == 0, real_build.stderr[-3000:]
    curated = [loaded for loaded in whole_tree.sources if not loaded.path.is_relative_to(REAL_DATA / "imports")]
    assert f"{len(curated)} sources," in real_build.stdout


def test_the_whole_data_store_answers_parity_through_the_cli(full_build):
    store = full_build.store
    done = subprocess.run([sys.executable, "-m", "kg", "query", "parity", "--store", str(store), "-F", "json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["rows"] and answer["categories"]


def test_the_imported_datasets_bring_thousands_of_models_and_scores(full_build):
    assert full_build.exit_code == 0, full_build.stderr[-3000:]
    store = ox.Store.read_only(str(current_generation(full_build.store)))
    [row] = list(store.query(COUNTS, use_default_graph_as_union=True))
    assert int(row["models"].value) >= 4000 and int(row["scores"].value) >= 50000, row


def test_every_imported_claim_names_its_file_row_and_version(whole_tree):
    imported = [loaded for loaded in whole_tree.sources if loaded.path.is_relative_to(REAL_DATA / "imports")]
    datasets = {loaded.path.relative_to(REAL_DATA / "imports").parts[0] for loaded in imported}
    assert len(datasets) >= 6, sorted(datasets)
    for loaded in imported:
        source = loaded.record.source
        assert source.commit and source.repository, loaded.path.name
        assert source.licence or "no licence" in (source.note or ""), f"{loaded.path.name}: reuse licence"
        unlocated = [claim.id for claim in loaded.record.claims
                     if ", row " not in claim.locator or f"commit {source.commit}" not in claim.locator]
        assert not unlocated, f"{loaded.path.name}: claims without file, row and commit: {unlocated[:5]}"
