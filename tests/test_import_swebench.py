"""`kg import swebench` on a real excerpt of the SWE-bench leaderboards (tests/fixtures/imports/swebench)."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from gitrepo import commit, data_tree, init

from kg.errors import DataError
from kg.importers import swebench
from kg.importers.swebench import FILE, attempts
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "swebench" / "leaderboards.json"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _repo(tmp_path: Path, date: str = "2025-12-10", edit=None) -> Path:
    repo = init(tmp_path / "repo")
    (repo / "data").mkdir()
    shutil.copy(FIXTURE, repo / FILE)
    if edit:
        boards = json.loads((repo / FILE).read_text())
        edit(boards)
        (repo / FILE).write_text(json.dumps(boards))
    commit(repo, date)
    return repo


@pytest.fixture()
def imported(tmp_path):
    data = data_tree(tmp_path)
    repo = _repo(tmp_path)
    report = swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    return data, repo, report, _load(report.written[0])


def test_source_records_cc_by_nc_licence(imported):
    _, _, _, document = imported
    source = document["source"]
    assert source["licence"] == "CC-BY-NC-4.0" and "SWE-bench team" in source["attribution"]
    assert (source["date"], source["path"]) == ("2025-12-10", FILE)


def test_bash_only_scores_the_model_in_mini_swe_agent(imported):
    _, _, _, document = imported
    claims = {c["id"]: c for c in document["claims"]}
    sonnet = claims["bash-only-2"]
    assert (sonnet["subject"], sonnet["benchmark"], sonnet["value"]) == ("claude-sonnet-4.5", "swe-bench-verified", 70.6)
    assert sonnet["setting"] == {"harness": "mini-SWE-agent 1.13.3", "attempts": 1,
                                 "snapshot": "claude-sonnet-4-5-20250929"}
    assert sonnet["run_by"] == "third-party" and sonnet["as_of"] == "2025-09-29"
    assert sonnet["origin"] == {"url": "https://www.anthropic.com/news/claude-sonnet-4-5"}
    assert sonnet["locator"] == (f"{FILE}, row bash-only entry 2 (id 20250929_mini-v1.13.3_sonnet-4-5-20250929), "
                                 f"commit {document['source']['commit']}")


def test_dated_model_tag_resolves_to_its_model_with_the_snapshot(imported):
    _, _, _, document = imported
    opus = next(c for c in document["claims"] if c["id"] == "bash-only-1")
    assert opus["subject"] == "claude-opus-4.5" and opus["setting"]["snapshot"] == "claude-opus-4-5-20251101"


def test_open_model_and_open_system_flags_stay_apart(imported):
    _, _, _, document = imported
    claims = {c["id"]: c for c in document["claims"]}
    assert claims["weights-bash-only-2"]["property"] == "weights-available"
    assert claims["weights-bash-only-2"]["value"] is False
    kgcompass = claims["lite-1"]
    assert kgcompass["note"] == ("SWE-bench flags: open model no, open system (agent code) yes; "
                                 "checked by the SWE-bench team: no.")
    assert kgcompass["setting"] == {"harness": "KGCompass + Claude 4 Sonnet (20250514)", "attempts": "multiple",
                                    "snapshot": "claude-4-sonnet-20250514"}
    assert kgcompass["subject"] == "claude-sonnet-4" and kgcompass["benchmark"] == "swe-bench-lite"


def test_multi_model_entry_imports_as_an_agent_system_driving_its_models(imported):
    data, _, report, document = imported
    claims = {c["id"]: c for c in document["claims"]}
    refact = claims["verified-3"]
    assert (refact["subject"], refact["mention"], refact["benchmark"], refact["value"]) == (
        "refact.ai-agent", "Refact.ai Agent", "swe-bench-verified", 74.4)
    assert refact["run_by"] == "first-party" and refact["setting"] == {"attempts": 1}
    drives = [(c["child"], c["parent"], c["parent_mention"], c["relation"], c["status"])
              for c in document["claims"] if c["id"].startswith("drives-verified-3-")]
    assert drives == [("refact.ai-agent", "claude-sonnet-4", "claude-4-sonnet", "backbone", "reported"),
                      ("refact.ai-agent", "o4-mini", "o4-mini", "backbone", "reported")]
    systems = {m["id"]: m for m in _load(data / "imports" / "swebench" / "reference.yaml")["models"]}
    assert systems["refact.ai-agent"] == {
        "id": "refact.ai-agent", "name": "Refact.ai Agent", "lab": "refact.ai", "system_kind": "agent-system",
        "identifiers": [{"scheme": "swe-bench", "value": "20250603_Refact_Agent_claude-4-sonnet"}],
        "imported": "swebench"}
    assert {m["system_kind"] for m in systems.values()} == {"agent-system"}
    assert systems["trae-doubao-seed-code"]["lab"] == "bytedance"  # a curated lab, found by name
    # a model the system names that the graph does not know is reported with its entry, never created
    assert report.unresolved["model 'NV-EmbedCode' (unknown)"] == [f"{FILE} Verified entry 4"]


def test_entry_without_a_builder_is_listed_not_created(imported):
    data, _, report, document = imported
    commit_id = document["source"]["commit"]
    assert report.skipped == [f"{FILE} at {commit_id[:12]} (2025-12-10): 1 agent-system entries name no builder "
                              "(Org: tag), so their system has no lab; first Lite entry 2"]
    assert not any(c["id"] == "lite-2" for c in document["claims"])
    names = {m["name"] for m in _load(data / "imports" / "swebench" / "reference.yaml")["models"]}
    assert "Isoform" not in names and "CodeFuse-CGM" in names  # CGM names no model but names its builder


def _open_models(boards):
    # an edited copy of the Nemotron-CORTEXA entry: only its two open-weight models, os_model true
    entry = boards["leaderboards"][1]["results"][3]
    entry["tags"] = ["Model: Qwen/Qwen2.5-72B-Instruct", "Model: meta-llama/Llama-3.3-70B-Instruct", "Org: NVIDIA"]
    entry["os_model"] = True


def test_os_system_is_the_systems_code_fact_and_os_model_the_models_weights(tmp_path):
    data = data_tree(tmp_path)
    report = swebench.run(_repo(tmp_path, edit=_open_models), load_tree(data), data / "imports" / "swebench")
    facts = {(c["subject"], c["property"], c["value"]) for c in _load(report.written[0])["claims"]
             if c["kind"] == "fact"}
    systems = {"nemotron-cortexa", "codefuse-cgm", "refact.ai-agent", "trae-doubao-seed-code"}
    assert {f for f in facts if f[0] in systems} == {(s, "code-available", True) for s in systems}
    assert {f for f in facts if f[1] == "code-available"} == {(s, "code-available", True) for s in systems}
    assert {("qwen2.5-72b-instruct", "weights-available", True),
            ("llama-3.3-70b-instruct", "weights-available", True)} <= facts
    # os_model false on an entry naming several models says one of them is closed, not which: no fact
    assert not [f for f in facts if f[0] in {"o4-mini", "claude-sonnet-4"} and f[2] is True]
    assert not [f for f in facts if f[0] == "o4-mini"]


def test_unknown_model_of_other_boards_is_reported_not_created_from_the_system_builder(imported):
    data, _, report, _ = imported
    assert report.unresolved["model 'gemini-3-pro-preview' (unknown)"] == [f"{FILE} Verified entry 2"]
    reference = _load(data / "imports" / "swebench" / "reference.yaml")
    assert {m["system_kind"] for m in reference["models"]} == {"agent-system"}
    assert "uiuc" not in {lab["id"] for lab in reference["labs"]}
    assert reference["benchmarks"][0]["id"] == "swe-bench-lite"
    assert reference["benchmarks"][0]["parent"] == "swe-bench"


def test_tree_validates(imported):
    data, _, _, _ = imported
    check_tree(load_tree(data))
    validate_tree(data)


def test_reimport_noop_and_next_month_adds_a_source(imported):
    data, repo, first, _ = imported
    again = swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    assert again.written == [] and again.unchanged == first.written
    boards = json.loads((repo / FILE).read_text())
    boards["leaderboards"][0]["results"][0]["resolved"] = 74.6
    (repo / FILE).write_text(json.dumps(boards))
    commit(repo, "2026-01-05")
    later = swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    assert [_load(p)["source"]["date"] for p in later.written] == ["2026-01-05"]


def test_bad_entry_names_board_and_entry(tmp_path):
    def corrupt(boards):
        boards["leaderboards"][1]["results"][1]["resolved"] = "lots"
    data = data_tree(tmp_path)
    repo = _repo(tmp_path, edit=corrupt)
    with pytest.raises(DataError) as error:
        swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    assert str(error.value.problems[0]) == f"{FILE}: Verified entry 2: needs a name and 'resolved' from 0 to 100, not 'lots'"
    assert not (data / "imports" / "swebench").exists()


def test_attempts_tag():
    assert attempts({"tags": ["System: Attempts - 2+"]}) == "multiple"
    assert attempts({"tags": ["System: Attempts - 1"]}) == 1
    assert attempts({"tags": []}) is None


def test_bad_system_entry_names_file_and_entry_and_writes_nothing(tmp_path):
    def empty_builder(boards):
        boards["leaderboards"][1]["results"][2]["tags"] = ["Model: claude-4-sonnet", "Model: o4-mini", "Org: "]
    data = data_tree(tmp_path)
    repo = _repo(tmp_path, edit=empty_builder)
    with pytest.raises(DataError) as error:
        swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    assert str(error.value.problems[0]).startswith(f"{FILE} Verified entry 3: lab '': cannot be created: ")
    assert not (data / "imports" / "swebench").exists()
