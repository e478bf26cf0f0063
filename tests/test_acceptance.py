"""The product's three questions answered on the real data/ tree (issue acceptance)."""

from kg import answers
from kg.claims import list_claims

SEED_000 = "seed-000-vision-parity"


def _by_benchmark(result):
    return {b["benchmark_id"]: b for b in result["benchmarks"]}


def test_parity_reproduces_seed_000_map_from_its_claims(real_store):
    rows = _by_benchmark(answers.parity(real_store, source=SEED_000))
    # The article's "best open-source" OSWorld result, Simular S2 (34.5), is an agent system: parity
    # compares models unless asked for systems, and a system is open only with open code driving open
    # models (kg.keys.system_side); Simular S2 drives Claude 3.7 Sonnet, so across sources it is closed.
    osworld = rows["osworld"]
    assert osworld["verdict"] == "no open data" and osworld["best_closed"]["value"] == 72.5
    systems = _by_benchmark(answers.parity(real_store, subjects="systems"))["osworld"]
    assert (systems["best_closed"]["model"], systems["best_closed"]["value"]) == ("Simular S2", 34.5)
    assert systems["best_open"] is None
    assert rows["mmlu-pro"]["verdict"] == "parity"
    assert rows["mmlu-pro"]["best_closed"]["approximate"] is True  # "GPT-5.2: ~88"
    assert rows["swe-bench"]["verdict"] == "open leads"
    assert rows["swe-bench"]["best_closed"]["family_level"] is True  # "Claude: ~75%"
    assert rows["videomme"]["verdict"] == "open leads"
    # the article's table names GPT-4o 69.9 as best closed on MMMU, but it also cites
    # Claude 3.5 Sonnet at 70.4: the graph answers with the number the claims support
    mmmu = rows["mmmu"]
    assert mmmu["verdict"] == "open leads"
    assert (mmmu["best_closed"]["model"], mmmu["best_closed"]["value"]) == ("Claude 3.5 Sonnet", 70.4)


def test_lineage_internvl3_is_built_on_qwen(real_store):
    edges = answers.lineage(real_store, "InternVL3-78B", direction="up")["edges"]
    qwen = [e for e in edges if e["parent_id"] == "qwen2.5-72b"]
    assert qwen and all(e["relation"] == "backbone" and e["cross_lab"] for e in qwen)
    assert "documented" in {e["status"] for e in qwen}


def test_contradiction_deepseek_v3_405b_against_671b(real_store):
    groups = answers.contradictions(real_store, model="DeepSeek-V3", kind="fact")["groups"]
    params = [g for g in groups if g["property"] == "total parameters"]
    assert params and params[0]["verdict"] == "conflict"
    values = {c["value"]: c["source"] for c in params[0]["claims"]}
    assert 405 in values and 671 in values
    assert "Meta AI Open Source Models" in values[405]
    assert "DeepSeek" in values[671]


def test_scores_of_different_snapshots_are_not_contradictions(real_store):
    groups = answers.contradictions(real_store, model="GPT-4o", kind="score")["groups"]
    math = next(g for g in groups if g["property"] == "MATH")
    by_value = {c["value"]: c["claim"] for c in math["claims"]}
    pair = {by_value[76.6], by_value[68.5]}  # gpt-4o-2024-05-13 against gpt-4o-2024-11-20
    verdicts = {p["verdict"] for p in math["pairs"] if {p["a"], p["b"]} == pair}
    assert verdicts == {"explained by setting"}
    # one snapshot (2024-05-13) scored 49.9 and 53.6 on GPQA Diamond in simple-evals: two rows of one
    # table with different system prompts ('assistant' vs 'chatgpt'), so explained by setting
    gpqa = next(g for g in groups if g["property"] == "GPQA Diamond")  # simple-evals runs the Diamond set
    simple = {c["claim"]: c for c in gpqa["claims"] if c["source"].startswith("simple-evals")}
    pairs = [p for p in gpqa["pairs"] if p["a"] in simple and p["b"] in simple
             and {simple[p["a"]]["value"], simple[p["b"]]["value"]} == {49.9, 53.6}]
    assert pairs and all(p["verdict"] == "explained by setting" and p["differing_dimensions"] == ["system_prompt"]
                         for p in pairs)


def test_audit_seed_003_qwen_humaneval_claim_does_not_hold(real_store):
    comparisons = answers.audit(real_store, source="seed-003-open-source-llms-2026")["comparisons"]
    claim = [c for c in comparisons
             if c["benchmark"] == "HumanEval" and c["left"].startswith("Qwen2.5-72B")
             and c["right"] == "GPT-4o" and c["relation"] == "exceeds"]
    assert claim and claim[0]["verdict_same_source"] == "does not hold"
    assert (claim[0]["same_source"][0]["left_value"], claim[0]["same_source"][0]["right_value"]) == (86.6, 90)


def test_claims_lists_seed_000_numbers_with_their_source(real_store):
    rows = list_claims(real_store, source=SEED_000)
    scores = {(r["subject"], r["property"], r.get("value")) for r in rows if r["kind"] == "score"}
    assert ("InternVL3-78B", "MMMU", 72.2) in scores
    assert all(r["source"].startswith("Open-Source Vision Models") for r in rows)
    assert all(r["locator"] and r["source_date"] == "2026-03-02" for r in rows)
    prices = [r for r in rows if r["kind"] == "price" and "min" in r]
    assert any((r["min"], r["max"]) == (0.8, 1.0) for r in prices)  # "$0.80-1.00/M"


SEED_SOURCES = ["seed-000-vision-parity", "seed-001-quietly-beating-gpt5",
                "seed-002-meta-open-source-closing-gap", "seed-003-open-source-llms-2026",
                "seed-004-counterarguments-report"]
CORE_FACTS = ("developer", "releaseDate", "weightsAvailable", "licence")
# Seed models whose lab's own publications, as read so far, do not give every core fact.
# Each entry is curation work left, not an accepted state: when a source fills a gap, this
# test fails until the entry is removed. (See `kg query coverage --mentioned-in SEED`.)
KNOWN_GAPS = {
    "chatgpt-4o-latest": {"weightsAvailable", "licence"},
    "glm-5.2": {"releaseDate", "licence"},
}


def test_seed_models_have_first_party_core_facts(real_store):
    from kg.canned import run_canned

    missing: dict[str, set[str]] = {}
    for seed in SEED_SOURCES:
        rows, _ = run_canned(real_store, "coverage", {"mentionedIn": seed})
        assert rows, f"{seed} names no model"
        for row in rows:
            gaps = {fact for fact in CORE_FACTS if not row[fact]}
            if gaps:
                missing[row["model"].rsplit("/", 1)[-1]] = gaps
    assert missing == KNOWN_GAPS


def test_hle_parity_without_tools_uses_only_scores_stated_to_be_without_tools(real_store):
    from kg import answers

    result = answers.parity(real_store, benchmark="humanitys-last-exam", tools="stated-without")
    compared = [b for b in result["benchmarks"] if b["best_open"] and b["best_closed"]]
    assert compared, "HLE should have open and closed scores stated to be without tools"
    for item in compared:
        for side in ("best_open", "best_closed"):
            assert "tools=False" in item[side]["setting"], (item["split"], item[side])
