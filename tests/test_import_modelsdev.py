"""`kg import modelsdev` on real files of models.dev (tests/fixtures/imports/modelsdev)."""

from pathlib import Path

import pytest
import yaml
from gitrepo import commit, data_tree, fixture_repo

from kg.errors import DataError
from kg.importers import modelsdev
from kg.importers.modelsdev import benchmark_spec, prices
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "modelsdev"
GPT = "providers/openai/models/gpt-5.4.toml"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _named(report, part: str) -> list[dict]:
    return [_load(p) for p in report.written if part in p.name]


@pytest.fixture()
def imported(tmp_path):
    data = data_tree(tmp_path)
    repo = fixture_repo(tmp_path, FIXTURE, "2026-06-10")
    path = repo / GPT
    path.write_text(path.read_text().replace("input = 2.50", "input = 3.00"))
    commit(repo, "2026-07-02")
    report = modelsdev.run(repo, load_tree(data), data / "imports" / "modelsdev")
    return data, repo, report


def test_model_records_give_facts_and_scores_with_cited_origin(imported):
    _, _, report = imported
    [records] = _named(report, "modelsdev-models-")
    assert records["source"]["licence"] == "MIT" and records["source"]["kind"] == "dataset"
    claims = {c["id"]: c for c in records["claims"]}
    weights = claims["deepseek-deepseek-chat-weights"]
    assert (weights["property"], weights["value"], weights["mention"]) == ("weights-available", True, "DeepSeek Chat")
    assert claims["openai-gpt-5-4-weights"]["value"] is False
    assert claims["openai-gpt-5-4-release"]["value"] == "2026-03-05"
    assert claims["openai-gpt-5-4-context"]["value"] == 1050000
    aider = claims["deepseek-deepseek-chat-bench-1"]
    assert (aider["value"], aider["as_of"]) == (70.2, "2025-10-03")
    assert aider["origin"] == {"url": "https://aider.chat/docs/leaderboards/"}
    assert aider["setting"] == {"note": "metric: percent correct"}
    assert aider["locator"].startswith("models/deepseek/deepseek-chat.toml, row benchmarks 1 (id Aider Polyglot)")


def test_models_are_resolved_or_created_with_models_dev_ids(imported):
    data, _, report = imported
    reference = _load(data / "imports" / "modelsdev" / "reference.yaml")
    created = {m["name"]: m for m in reference["models"]}
    # DeepSeek Chat is not in the curated reference: created, with its models.dev id
    assert {"scheme": "models-dev", "value": "deepseek/deepseek-chat"} in created["DeepSeek Chat"]["identifiers"]
    assert created["DeepSeek Chat"]["imported"] == "modelsdev"
    # GPT-5.4 is (data/reference/frontier-2025b.yaml): resolved to the curated entity, not created again
    assert "GPT-5.4" not in created
    [records] = _named(report, "modelsdev-models-")
    assert {c["subject"] for c in records["claims"] if c["mention"] == "GPT-5.4"} == {"gpt-5.4"}


def test_first_month_lists_every_price_and_later_months_only_changes(imported):
    _, _, report = imported
    june, july = _named(report, "modelsdev-prices-")
    assert june["source"]["date"] == "2026-06-10" and july["source"]["date"] == "2026-07-02"
    june_prices = {(c["provider"], c["mention"], c["measure"]): c["value"] for c in june["claims"]}
    assert june_prices[("OpenAI", "GPT-5.4", "input")] == 2.5
    assert june_prices[("DeepSeek", "DeepSeek Chat", "output")] == 0.28
    assert [(c["provider"], c["measure"], c["value"]) for c in july["claims"]] == [
        ("OpenAI", "input", 3.0), ("OpenAI", "output", 15.0)]
    assert july["claims"][0]["locator"] == f"{GPT}, row cost.input (id openai/gpt-5.4), commit {july['source']['commit']}"
    assert "previous month" in july["source"]["note"] and "commit date" not in july["source"]["note"]


def test_symbolic_link_listing_is_priced_under_its_own_provider(imported):
    _, _, report = imported
    june = _named(report, "modelsdev-prices-")[0]
    listed = {(c["provider"], c["subject"]) for c in june["claims"] if c["mention"] == "GLM-4.5-Air"}
    assert listed == {("Z.AI", "glm-4.5-air"), ("Zhipu AI", "glm-4.5-air")}


def test_provider_listing_open_weights_flag_is_not_read(imported):
    _, _, report = imported
    facts = [c for doc in _named(report, "modelsdev-") for c in doc["claims"] if c["kind"] == "fact"]
    assert all(c["locator"].startswith("models/") for c in facts)


def test_reimport_is_noop_and_tree_validates(imported):
    data, repo, first = imported
    again = modelsdev.run(repo, load_tree(data), data / "imports" / "modelsdev")
    assert again.written == [] and sorted(again.unchanged) == sorted(first.written)
    check_tree(load_tree(data))
    validate_tree(data)


def test_negative_price_names_file_and_field(tmp_path):
    def corrupt(repo: Path) -> None:
        path = repo / GPT
        path.write_text(path.read_text().replace("output = 15.00", "output = -15.00"))
    data = data_tree(tmp_path)
    repo = fixture_repo(tmp_path, FIXTURE, "2026-06-10", corrupt)
    with pytest.raises(DataError) as error:
        modelsdev.run(repo, load_tree(data), data / "imports" / "modelsdev")
    assert str(error.value.problems[0]) == f"{GPT}: cost.output: -15.0 is not a price in USD per million tokens"
    assert not (data / "imports" / "modelsdev").exists()


def test_helpers():
    assert prices({"cost": {"input": 1, "output": 2.5, "cache_read": 0.1}}, "f") == {"input": 1.0, "output": 2.5}
    assert prices({}, "f") == {}
    assert benchmark_spec("SWE-Bench Pro", "resolve rate")["unit"] == "percent"
    assert benchmark_spec("Artificial Analysis Coding Index", "index")["unit"] == "score"
