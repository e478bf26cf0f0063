"""`kg import openllm` on a real excerpt of the Open LLM Leaderboard v2 CSV (tests/fixtures/imports/openllm)."""

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kg.errors import DataError
from kg.importers import openllm
from kg.importers.core import Snapshot
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "openllm" / "csv"
FILE = "csv/huggingface_v2.csv"


def _commit(repo: Path, message: str) -> None:
    for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)


def _repo(tmp_path: Path, text: str | None = None) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "csv")
    if text is not None:
        (repo / FILE).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _commit(repo, "excerpt")
    return repo


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree("data/reference", data / "reference")
    return data


def _document(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture()
def imported(tmp_path):
    """(data dir, report, source document, claims) of the fixture imported into a fresh data tree."""
    data = _data(tmp_path)
    report = openllm.run(_repo(tmp_path), load_tree(data), data / "imports" / "openllm")
    document = _document(report.written[0])
    return data, report, document, document["claims"]


def test_raw_scores_in_percent_with_harness_and_shots(imported):
    _, _, document, claims = imported
    by_id = {c["id"]: c for c in claims}
    yi_bbh = by_id["bbh-row-2"]
    assert yi_bbh["mention"] == "01-ai/Yi-1.5-34B"
    assert yi_bbh["value"] == 59.7639  # evaluations_bbh_value 0.597639..., not the normalised 42.75
    assert yi_bbh["setting"]["shots"] == 3 and yi_bbh["setting"]["harness"].startswith("lm-evaluation-harness")
    assert yi_bbh["setting"]["snapshot"] == "01-ai/Yi-1.5-34B@4b486f81c935 bfloat16"
    assert yi_bbh["run_by"] == "third-party" and yi_bbh["setting"]["evaluator"]
    assert {by_id[f"{p}-row-2"]["setting"]["shots"] for p in ("ifeval", "gpqa", "musr")} == {0}
    assert by_id["math-row-2"]["benchmark"] == "math-lvl-5"
    assert yi_bbh["locator"] == f"{FILE}, row 2, commit {document['source']['commit']}"
    assert document["source"]["licence"] == "MPL-2.0"


def test_known_models_resolve_through_their_lab_and_name(imported):
    _, _, _, claims = imported
    qwen = [c for c in claims if c.get("mention") == "Qwen/Qwen2.5-72B-Instruct"]
    assert qwen and {c["subject"] for c in qwen} == {"qwen2.5-72b-instruct"}
    lineage = {(c["child"], c["parent"]): c for c in claims if c["kind"] == "lineage"}
    edge = lineage[("qwen2.5-72b-instruct", "qwen2.5-72b")]
    assert (edge["relation"], edge["status"]) == ("fine-tune", "reported")


def test_adapter_relation_and_merge_marker(imported):
    _, _, _, claims = imported
    relations = {c["child_mention"]: c["relation"] for c in claims if c["kind"] == "lineage"}
    assert relations["DUAL-GPO/zephyr-7b-ipo-0k-15k-i1"] == "adapter"
    assert "3rd-Degree-Burn/Llama-3.1-8B-Squareroot" not in relations  # its base is itself '(Merge)'


def test_licence_and_openness_facts(imported):
    _, report, _, claims = imported
    facts = {(c["mention"], c["property"]): c["value"] for c in claims if c["kind"] == "fact"}
    assert facts[("01-ai/Yi-1.5-34B", "licence")] == "apache-2.0"
    assert facts[("01-ai/Yi-1.5-34B", "total-parameters")] == 34.389
    assert facts[("01-ai/Yi-1.5-34B", "weights-available")] is True
    assert ("Qwen/Qwen2.5-72B-Instruct", "licence") not in facts  # hub tag 'other': no licence id
    assert "licence 'other' (unknown)" in report.unresolved


def test_unknown_models_are_created_by_hugging_face_id_and_found_again(tmp_path, imported):
    data, first, _, _ = imported
    reference = _document(data / "imports" / "openllm" / "reference.yaml")
    created = {m["name"]: m for m in reference["models"]}
    art = created["AGI-0/Art-v0-3B"]
    assert art["imported"] == "openllm"
    assert art["identifiers"] == [{"scheme": "huggingface", "value": "AGI-0/Art-v0-3B"}]
    assert "qwen2.5-72b-instruct" not in {m["id"] for m in reference["models"]}
    tree = load_tree(data)
    check_tree(tree)
    validate_tree(data)
    again = openllm.run(tmp_path / "repo", tree, data / "imports" / "openllm")
    assert again.written == [] and again.unchanged == first.written and not again.created


def test_a_deleted_file_is_read_at_its_last_version(tmp_path, imported):
    repo = tmp_path / "repo"
    (repo / FILE).unlink()
    _commit(repo, "retire the v2 leaderboard")
    snapshot = Snapshot.open(repo, "HEAD", FILE)
    assert snapshot.show(FILE).startswith("id,model_name")
    assert len(snapshot.versions(FILE)) == 1


def test_bad_score_names_file_and_row(tmp_path):
    rows = list(csv.reader(io.StringIO((FIXTURE / "huggingface_v2.csv").read_text(encoding="utf-8"))))
    rows[2][rows[0].index("evaluations_gpqa_value")] = "37.5"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with pytest.raises(DataError) as caught:
        openllm.run(_repo(tmp_path, out.getvalue()), load_tree(_data(tmp_path)), tmp_path / "out")
    assert str(caught.value.problems[0]).startswith(f"{FILE}: row 3: 'evaluations_gpqa_value' is '37.5'")
    assert not (tmp_path / "out").exists()


def test_missing_column_is_refused(tmp_path):
    text = (FIXTURE / "huggingface_v2.csv").read_text(encoding="utf-8").replace("metadata_base_model", "base")
    with pytest.raises(DataError) as caught:
        openllm.run(_repo(tmp_path, text), load_tree(_data(tmp_path)), tmp_path / "out")
    assert "metadata_base_model" in str(caught.value.problems[0])


def test_official_policy_keeps_only_official_providers_rows(tmp_path):
    data = _data(tmp_path)
    report = openllm.run_official(_repo(tmp_path), load_tree(data), data / "imports" / "openllm-official")
    document = _document(report.written[0])
    assert "-official-" in document["source"]["id"]
    mentions = {c.get("mention") or c.get("child_mention") for c in document["claims"]}
    assert mentions == {"01-ai/Yi-1.5-34B", "Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-7B-Instruct"}
    assert report.rows == 6
