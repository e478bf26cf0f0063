"""`kg import livebench` on real excerpts of LiveBench's site repository (tests/fixtures/imports/livebench)."""

from pathlib import Path

import pytest
import yaml
from gitrepo import commit, data_tree, fixture_repo
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import DataError
from kg.importers import livebench
from kg.importers.livebench import parse_model_links
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "livebench"
NEW = "public/table_2026_01_08.csv"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _by_name(report, part: str) -> dict:
    return _load(next(p for p in report.written if part in p.name))


@pytest.fixture()
def imported(tmp_path):
    data = data_tree(tmp_path)
    repo = fixture_repo(tmp_path, FIXTURE, "2026-07-01")
    report = livebench.run(repo, load_tree(data), data / "imports" / "livebench")
    return data, repo, report


def test_each_release_and_the_model_list_is_a_dated_source(imported):
    _, _, report = imported
    names = sorted(p.name for p in report.written)
    assert [n.rsplit("-", 1)[0] for n in names] == [
        "livebench-2024-06-24", "livebench-2026-01-08", "livebench-models-2026-07-01"]
    source = _by_name(report, "2026-01-08")["source"]
    assert (source["date"], source["path"], source["kind"]) == ("2026-01-08", NEW, "leaderboard")
    assert len(source["commit"]) == 40 and source["id"].endswith(source["commit"][:12])


def test_task_scores_keep_release_split_evaluator_and_locator(imported):
    _, _, report = imported
    document = _by_name(report, "2026-01-08")
    claims = {c["id"]: c for c in document["claims"]}
    sonnet = claims["row-3-amps-hard"]
    assert (sonnet["subject"], sonnet["mention"], sonnet["value"]) == (
        "claude-sonnet-4.5", "claude-sonnet-4-5-20250929", 91.0)
    assert sonnet["setting"] == {"split": "release 2026-01-08", "harness": "LiveBench",
                                 "evaluator": "livebench-team", "snapshot": "claude-sonnet-4-5-20250929"}
    assert sonnet["run_by"] == "third-party"
    commit_id = document["source"]["commit"]
    assert sonnet["locator"] == f"{NEW}, row 3 (id claude-sonnet-4-5-20250929, column AMPS_Hard), commit {commit_id}"
    assert sonnet["benchmark_mention"] == "AMPS_Hard (Mathematics)"


def test_variant_key_sets_reasoning_effort_on_one_model(imported):
    _, _, report = imported
    claims = _by_name(report, "2026-01-08")["claims"]
    opus = next(c for c in claims if c["mention"] == "claude-opus-4-7-xhigh-effort")
    assert opus["setting"]["reasoning_effort"] == "xhigh"
    assert opus["setting"]["reasoning_effort_mention"] == "xhigh-effort"
    assert "snapshot" not in opus["setting"]


def test_unknown_models_and_benchmarks_are_created_with_categories(imported):
    data, _, report = imported
    reference = _load(data / "imports" / "livebench" / "reference.yaml")
    assert report.created == {section: len(reference[section]) for section in ("labs", "models", "benchmarks")}
    arcee = next(m for m in reference["models"] if m["name"] == "Trinity Large Preview")
    assert arcee["imported"] == "livebench"
    assert {"scheme": "livebench", "value": "arcee-trinity-large-preview"} in arcee["identifiers"]
    lab = next(lab for lab in reference["labs"] if lab["id"] == arcee["lab"])
    assert lab["name"] == "Arcee"
    benchmarks = {b["id"]: b for b in reference["benchmarks"]}
    assert benchmarks["livebench-amps_hard"]["parent"] == "livebench-mathematics"
    assert benchmarks["livebench-mathematics"]["parent"] == "livebench"
    assert benchmarks["livebench-mathematics"]["category"] == "math"


def test_open_weight_flag_is_a_fact_and_its_absence_is_not(imported):
    _, _, report = imported
    facts = _by_name(report, "models-")["claims"]
    assert {f["mention"] for f in facts} == {"arcee-trinity-large-preview", "deepseek-coder-v2"}
    assert all(f["property"] == "weights-available" and f["value"] is True for f in facts)
    assert facts[0]["locator"].startswith("src/Table/modelLinks.js, row line ")


def test_short_row_is_skipped_with_file_and_row(imported):
    _, _, report = imported
    assert report.skipped == [f"{NEW} row 5: 21 cells where the header has 24"]


def test_bad_score_names_file_and_row(tmp_path):
    def corrupt(repo: Path) -> None:
        path = repo / NEW
        path.write_text(path.read_text().replace("61.0,", "sixty,", 1))
    data = data_tree(tmp_path)
    repo = fixture_repo(tmp_path, FIXTURE, "2026-07-01", corrupt)
    with pytest.raises(DataError) as error:
        livebench.run(repo, load_tree(data), data / "imports" / "livebench")
    assert str(error.value.problems[0]) == f"{NEW}: row 2: AMPS_Hard score 'sixty' is not a number 0-100"
    assert not (data / "imports" / "livebench").exists()


def test_reimport_is_a_noop_and_a_changed_table_adds_a_source(imported):
    data, repo, first = imported
    again = livebench.run(repo, load_tree(data), data / "imports" / "livebench")
    assert again.written == [] and sorted(again.unchanged) == sorted(first.written)
    path = repo / NEW
    path.write_text(path.read_text().replace("61.0,", "62.0,", 1))
    commit(repo, "2026-07-05")
    later = livebench.run(repo, load_tree(data), data / "imports" / "livebench")
    assert [p.name.rsplit("-", 1)[0] for p in later.written] == ["livebench-2026-01-08"]
    assert len(list((data / "imports" / "livebench").glob("livebench-2026-01-08-*.yaml"))) == 2


def test_imported_tree_validates(imported):
    data, _, _ = imported
    check_tree(load_tree(data))
    validate_tree(data)


def test_model_links_reads_old_string_form_and_variants():
    links = parse_model_links('export const modelLinks = {\n    "a-1": "https://x.org/",\n'
                              '    "b": {displayName: "B", organization: "L", variants: [{rawName: "b-high"}]},\n};\n')
    assert links["a-1"].display is None and links["b-high"].base == "b"
    assert links["b-high"].line == 3 and links["b"].organisation == "L"


def test_cli_imports_and_reports(tmp_path):
    data = data_tree(tmp_path)
    repo = fixture_repo(tmp_path, FIXTURE, "2026-07-01")
    result = CliRunner().invoke(app, ["import", "livebench", str(repo), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "skipped public/table_2026_01_08.csv row 5" in result.output
