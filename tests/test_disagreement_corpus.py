"""The labelled corpus of real disagreements: the contradictions question reproduces every label."""

import pytest

from benchmarks.bench_corpus import CORPUS, VERDICT_OF_LABEL, load_corpus, score, verdicts
from kg.store import open_store

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="no corpus file")


def test_every_corpus_pair_names_two_claims_in_the_data(real_store):
    corpus = load_corpus()
    claims = {f"{pair[side]}" for pair in corpus for side in ("a", "b")}
    with open_store(real_store) as store:
        known = {row["c"].value.rsplit("/claim/", 1)[-1] for row in store.query(
            "SELECT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/paritykg/vocab#Claim> } }")}
    assert sorted(claims - known) == []
    assert all(pair["label"] in VERDICT_OF_LABEL for pair in corpus)


def test_contradictions_reproduce_every_label(real_store):
    result = score(load_corpus(), verdicts(real_store))
    assert result["mismatches"] == []
    assert result["recall"] >= 0.95 and result["precision"] >= 0.95 and result["agreement"] >= 0.95
