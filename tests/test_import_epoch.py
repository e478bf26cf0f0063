"""`kg import epoch` on real excerpts of Epoch AI's benchmark-stitching data (tests/fixtures/imports/epoch)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import DataError
from kg.importers import epoch
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "epoch" / "data"
BBH = "data/external_benchmark_bbh.csv"


def _commit(repo: Path, message: str) -> None:
    for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)


def _repo(tmp_path: Path, edit=None) -> Path:
    """A one-commit git repository holding the fixture excerpts under data/ (``edit`` may change them)."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "data")
    if edit:
        edit(repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _commit(repo, "excerpt")
    return repo


def _data(tmp_path: Path) -> Path:
    """A data tree with the project's reference files and nothing imported yet."""
    data = tmp_path / "data"
    shutil.copytree("data/reference", data / "reference")
    return data


def _claims(path: Path) -> dict[str, dict]:
    return {c["id"]: c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]}


@pytest.fixture()
def imported(tmp_path):
    """The fixture repository imported into a fresh data tree: (data dir, report, claims by id)."""
    data = _data(tmp_path)
    report = epoch.run(_repo(tmp_path), load_tree(data), data / "imports" / "epoch")
    return data, report, _claims(report.written[0])


def test_score_keeps_locator_and_cited_origin(imported):
    _, report, claims = imported
    qwen = claims["bbh-row-2"]
    assert (qwen["subject"], qwen["value"], qwen["setting"]) == ("qwen2.5-72b", 79.8, {"shots": 3})
    commit = yaml.safe_load(report.written[0].read_text())["source"]["commit"]
    assert qwen["locator"] == f"{BBH}, row 2 (id rec6UJmvJKZ0mSkf7), commit {commit}"
    assert qwen["origin"] == {"title": "DeepSeek-V3 Technical Report", "url": "https://arxiv.org/pdf/2412.19437"}
    assert "note" not in qwen


def test_dated_snapshot_resolves_to_the_model_with_agent_and_stderr(imported):
    _, _, claims = imported
    row = claims["terminal_bench-row-2"]
    assert (row["subject"], row["mention"]) == ("claude-sonnet-4.5", "claude-sonnet-4-5-20250929")
    assert row["setting"] == {"snapshot": "claude-sonnet-4-5-20250929", "harness": "Apex2"}
    assert (row["value"], row["uncertainty"]) == (64.5, {"stderr": 0.6})
    assert row["origin"] == {"title": "Terminal-Bench Leaderboard", "url": "https://www.tbench.ai/leaderboard"}


def test_source_records_licence_and_attribution(imported):
    _, report, _ = imported
    source = yaml.safe_load(report.written[0].read_text())["source"]
    assert source["licence"] == "MIT" and source["attribution"] == "Copyright (c) 2025 Epoch AI"
    assert source["licence_url"].endswith(f"{source['commit']}/LICENSE")


def test_unknown_model_is_created_with_lab_and_identifiers(imported):
    data, report, claims = imported
    reference = yaml.safe_load((data / "imports" / "epoch" / "reference.yaml").read_text())
    falcon = next(m for m in reference["models"] if m["name"] == "falcon-40b")
    assert falcon["imported"] == "epoch"
    assert {"scheme": "epoch", "value": "falcon-40b"} in falcon["identifiers"]
    assert {"scheme": "huggingface", "value": "tiiuae/falcon-40b"} in falcon["identifiers"]
    lab = next(lab for lab in reference["labs"] if lab["id"] == falcon["lab"])
    assert lab["name"] == "tiiuae" and lab["imported"] == "epoch"
    assert claims["bbh-row-4"]["subject"] == falcon["id"]
    assert report.created["models"] >= 1 and report.created["labs"] >= 1


def test_model_versions_and_distillation_become_facts(imported):
    _, _, claims = imported
    facts = {(c["subject"], c["property"]): c for c in claims.values() if c["kind"] == "fact"}
    assert facts[("qwen2.5-72b", "release-date")]["value"] == "2024-09-19"
    assert facts[("llama-3.1-405b", "developer")]["value"] == "meta"
    distilled = [c for c in claims.values() if c.get("property") == "distilled"]
    assert {(c["mention"], c["value"]) for c in distilled} >= {("gemma-2-9b-it", True)}
    assert all(c["qualifier"] == "Epoch AI's confidence: high" for c in distilled)


def test_output_passes_every_check_and_reimport_is_a_noop(tmp_path, imported):
    data, first, _ = imported
    tree = load_tree(data)
    check_tree(tree)
    validate_tree(data)
    before = {p: p.read_text() for p in (data / "imports").rglob("*.yaml")}
    again = epoch.run(tmp_path / "repo", tree, data / "imports" / "epoch")
    assert again.written == [] and again.unchanged == first.written and not again.created
    assert {p: p.read_text() for p in (data / "imports").rglob("*.yaml")} == before


def test_new_version_adds_a_source_and_keeps_the_old(tmp_path, imported):
    data, first, _ = imported
    repo = tmp_path / "repo"
    (repo / BBH).write_text((repo / BBH).read_text().replace("37.1%", "37.2%"))
    _commit(repo, "a correction")
    second = epoch.run(repo, load_tree(data), data / "imports" / "epoch")
    assert len(second.written) == 1 and second.written != first.written
    assert first.written[0].exists()
    assert _claims(second.written[0])["bbh-row-4"]["value"] == 37.2
    assert _claims(first.written[0])["bbh-row-4"]["value"] == 37.1


def test_bad_row_names_file_and_row(tmp_path):
    def spoil(repo: Path) -> None:
        (repo / BBH).write_text((repo / BBH).read_text().replace("79.8%", "n/a"))
    with pytest.raises(DataError) as caught:
        epoch.run(_repo(tmp_path, spoil), load_tree(_data(tmp_path)), tmp_path / "out")
    assert str(caught.value.problems[0]).startswith(f"{BBH}: row 2: score 'n/a'")


def test_cli_prints_counts_and_writes_unresolved(tmp_path):
    data, repo = _data(tmp_path), _repo(tmp_path)
    listing = tmp_path / "unresolved.csv"
    result = CliRunner().invoke(app, ["import", "epoch", str(repo), "--data", str(data),
                                      "--unresolved", str(listing)])
    assert result.exit_code == 0, result.output
    assert "claims written:" in result.output and "entities created:" in result.output
    assert listing.read_text().splitlines()[0] == "name,rows,first_seen"


def test_cli_refuses_a_path_that_is_not_a_repository(tmp_path):
    result = CliRunner().invoke(app, ["import", "epoch", str(tmp_path), "--data", str(_data(tmp_path))])
    assert result.exit_code != 0 and "Traceback" not in result.output
