"""Name resolution: ids first, then labels and aliases; ambiguity only among names."""

import pytest

from kg.resolve import NameIndex, ResolveError, normalise

A = "https://w3id.org/paritykg/id/model/llama-3.2-3b"
B = "https://w3id.org/paritykg/id/model/llama-3.2-3b-instruct"
C = "https://w3id.org/paritykg/id/model/other-3b"


def _index() -> NameIndex:
    names = {
        normalise("llama-3.2-3b"): {(A, "model"), (B, "model")},  # B's alias "Llama 3.2 3B"
        normalise("Llama 3.2 3B Instruct"): {(B, "model")},
        normalise("Small 3B"): {(B, "model"), (C, "model")},
    }
    ids = {"llama-3.2-3b": {(A, "model")}, normalise("llama-3.2-3b"): {(A, "model")},
           "llama-3.2-3b-instruct": {(B, "model")}, normalise("llama-3.2-3b-instruct"): {(B, "model")},
           "other-3b": {(C, "model")}, normalise("other-3b"): {(C, "model")}}
    display = {A: "llama-3.2-3b", B: "llama-3.2-3b-instruct", C: "other-3b"}
    return NameIndex(names, display, ids)


def test_an_entitys_own_id_resolves_to_it_even_when_another_has_it_as_an_alias():
    """Regression: kg query lineage llama-3.2-3b failed as ambiguous."""
    assert _index().resolve("llama-3.2-3b", ("model",)) == A
    assert _index().resolve("LLAMA-3.2-3B", ("model",)) == A
    assert _index().resolve("llama 3.2 3b", ("model",)) == A  # the id, ignoring punctuation


def test_names_still_resolve_and_colliding_names_are_ambiguous():
    assert _index().resolve("Llama 3.2 3B Instruct", ("model",)) == B
    with pytest.raises(ResolveError, match="ambiguous"):
        _index().resolve("Small 3B", ("model",))


def test_lineage_of_llama_3_2_3b_resolves_on_the_real_data(real_store):
    from kg import answers

    assert answers.lineage(real_store, "llama-3.2-3b")["model_id"] == "llama-3.2-3b"
