"""data/ built end to end through the CLI: the run's one ``kg build`` (tests/conftest.py) and a question."""

import json
import subprocess
import sys

from kg.loading import load_tree
from tests.conftest import REAL_DATA


def test_kg_build_of_data_prints_every_source_and_claim(real_build):
    assert real_build.exit_code == 0, real_build.stderr[-3000:]
    tree = load_tree(REAL_DATA)
    claims = sum(len(loaded.record.claims) for loaded in tree.sources)
    assert f"triples, {len(tree.sources)} sources, {claims} claims" in real_build.stdout


def test_the_built_data_store_answers_parity_through_the_cli(real_store):
    done = subprocess.run([sys.executable, "-m", "kg", "query", "parity", "--store", str(real_store), "-F", "json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["rows"] and answer["categories"]
