"""Coverage as a test: every frontier model has its lab's own core facts and headline scores, or a stated gap."""

from pathlib import Path

import yaml

from kg.canned import run_canned

SPEC = yaml.safe_load((Path(__file__).parent / "fixtures" / "frontier.yaml").read_text(encoding="utf-8"))
CORE = ("developer", "releaseDate", "weightsAvailable", "licence")


def _missing(row: dict) -> set[str]:
    gaps = {fact for fact in CORE if not row[fact]}
    if not set((row["firstPartyBenchmarks"] or "").split()) & set(SPEC["headline_benchmarks"]):
        gaps.add("headlineScores")
    return gaps


def test_frontier_models_exist_with_their_labs(real_store):
    rows, _ = run_canned(real_store, "coverage", {})
    labs = {row["model"].rsplit("/", 1)[-1]: row["model"] for row in rows}
    for lab, models in SPEC["models"].items():
        for model in models:
            assert model in labs, f"frontier model {model} ({lab}) is not in the reference data"


def test_every_frontier_gap_is_listed_with_a_reason_and_no_listed_gap_is_filled(real_store):
    rows, _ = run_canned(real_store, "coverage", {})
    by_model = {row["model"].rsplit("/", 1)[-1]: row for row in rows}
    found = {}
    for models in SPEC["models"].values():
        for model in models:
            missing = _missing(by_model[model])
            if missing:
                found[model] = missing
    listed = {model: set(gaps) for model, gaps in (SPEC["known_gaps"] or {}).items()}
    assert found == listed, "update tests/fixtures/frontier.yaml known_gaps (with reasons) to match"
    for model, gaps in (SPEC["known_gaps"] or {}).items():
        for item, reason in gaps.items():
            assert isinstance(reason, str) and len(reason) > 20, (model, item)
            assert "not done" not in reason.lower() and "todo" not in reason.lower(), (model, item)


def test_first_party_parity_has_both_sides_at_the_frontier(real_store):
    from kg import answers

    for benchmark in ("gpqa-diamond", "swe-bench-verified", "humanitys-last-exam", "mmmu", "aime-2025"):
        items = answers.parity(real_store, benchmark=benchmark, sources="first-party")["benchmarks"]
        assert any(item["best_open"] and item["best_closed"] for item in items), benchmark
