"""`kg import arena` on real excerpts of two LMArena mirrors (tests/fixtures/imports/arena)."""

import shutil
from pathlib import Path

import pytest
import yaml
from gitrepo import commit, data_tree, init

from kg.errors import DataError
from kg.importers import arena
from kg.importers.arena import parse_ci, weekly
from kg.integrity import check_tree
from kg.loading import load_tree
from kg.pipeline import validate_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "arena"
CSV = "csv/lmsys.csv"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _lmsys_repo(tmp_path: Path, versions: list[tuple[str, str]]) -> Path:
    """A repository whose csv/lmsys.csv is rewritten once per (fixture file, commit date).

    A fixture file named twice in a row is written the second time with GPT-4o's votes raised by 4,
    as a new leaderboard version would.
    """
    repo = init(tmp_path / "lmsys")
    (repo / "csv").mkdir()
    for name, date in versions:
        text = (FIXTURE / "lmsys" / name).read_text()
        if (repo / CSV).exists() and (repo / CSV).read_text() == text:
            text = text.replace(",42046,", ",42050,")
        (repo / CSV).write_text(text)
        commit(repo, date)
    return repo


def _daily_repo(tmp_path: Path) -> Path:
    repo = init(tmp_path / "daily")
    shutil.copytree(FIXTURE / "daily", repo / "data")
    commit(repo, "2026-04-19")
    return repo


V1, V2 = ("lmsys-2024-06-19.csv", "2024-06-19"), ("lmsys-2025-07-18.csv", "2025-07-18")


@pytest.fixture()
def lmsys(tmp_path):
    data = data_tree(tmp_path)
    repo = _lmsys_repo(tmp_path, [V1, ("lmsys-2024-06-19.csv", "2024-06-20"), V2])
    report = arena.run(repo, load_tree(data), data / "imports" / "arena")
    return data, repo, report


def test_last_version_of_each_month_is_a_source(lmsys):
    _, _, report = lmsys
    sources = [_load(p)["source"] for p in report.written]
    assert [s["date"] for s in sources] == ["2024-06-20", "2025-07-18"]
    assert sources[0]["licence"] == "MPL-2.0" and sources[0]["path"] == CSV


def test_rating_keeps_ci_votes_unit_split_and_locator(lmsys):
    _, _, report = lmsys
    document = _load(report.written[0])
    gpt = next(c for c in document["claims"] if c["kind"] == "score" and c["mention"] == "GPT-4o-2024-05-13")
    assert (gpt["subject"], gpt["value"], gpt["benchmark"]) == ("gpt-4o", 1287, "chatbot-arena")
    assert gpt["uncertainty"] == {"ci_low": 1284, "ci_high": 1290, "ci_level": 95, "votes": 42050}
    assert gpt["setting"] == {"split": "leaderboard 2024-06-20", "snapshot": "GPT-4o-2024-05-13"}
    assert gpt["locator"] == f"{CSV}, row 2 (id GPT-4o-2024-05-13), commit {document['source']['commit']}"


def test_licence_column_gives_weights_and_licence_facts(lmsys):
    _, _, report = lmsys
    facts = [c for c in _load(report.written[1])["claims"] if c["kind"] == "fact"]
    by = {(f["mention"], f["property"]): f["value"] for f in facts}
    assert by[("GPT-4o-2024-05-13", "weights-available")] is False
    assert by[("GPT-4o-2024-05-13", "licence")] == "proprietary"
    assert by[("DeepSeek-R1-0528", "weights-available")] is True
    assert by[("DeepSeek-R1-0528", "licence")] == "mit"


def test_unknown_licence_name_is_reported_but_weights_kept(lmsys):
    _, _, report = lmsys
    assert "licence 'Qianwen LICENSE' (unknown)" in report.unresolved
    facts = [c for c in _load(report.written[0])["claims"] if c["mention"] == "Qwen2-72B-Instruct"]
    assert [(f["property"], f["value"]) for f in facts if f["kind"] == "fact"] == [("weights-available", True)]


def test_reimport_is_noop_and_new_month_adds_a_source(lmsys, tmp_path):
    data, repo, first = lmsys
    again = arena.run(repo, load_tree(data), data / "imports" / "arena")
    assert again.written == [] and sorted(again.unchanged) == sorted(first.written)
    shutil.copy(FIXTURE / "lmsys" / "lmsys-2024-06-19.csv", repo / CSV)
    commit(repo, "2025-08-02")
    later = arena.run(repo, load_tree(data), data / "imports" / "arena")
    assert [_load(p)["source"]["date"] for p in later.written] == ["2025-08-02"]


def test_bad_interval_names_file_and_row(tmp_path):
    repo = _lmsys_repo(tmp_path, [V1])
    (repo / CSV).write_text((repo / CSV).read_text().replace("+3/-2", "3 either way"))
    commit(repo, "2024-06-21")
    data = data_tree(tmp_path)
    with pytest.raises(DataError) as error:
        arena.run(repo, load_tree(data), data / "imports" / "arena")
    assert str(error.value.problems[0]) == f"{CSV}: row 3: 95% CI '3 either way' is not like '+5/-4'"
    assert not (data / "imports" / "arena").exists()


def test_daily_boards_become_weekly_sources_with_plus_minus_interval(tmp_path):
    data = data_tree(tmp_path)
    report = arena.run(_daily_repo(tmp_path), load_tree(data), data / "imports" / "arena")
    sources = [_load(p) for p in report.written]
    assert [s["source"]["date"] for s in sources] == ["2026-04-12", "2026-04-19"]
    claims = sources[1]["claims"]
    opus = next(c for c in claims if c["kind"] == "score" and c["benchmark"] == "chatbot-arena")
    assert (opus["mention"], opus["value"]) == ("claude-opus-4-6", 1497)
    assert opus["uncertainty"] == {"ci_low": 1492, "ci_high": 1502, "votes": 19373}
    assert opus["locator"].startswith("data/2026-04-19/text.json, row 1 (id claude-opus-4-6)")
    webdev = {c["benchmark"] for c in claims if c["kind"] == "score"} - {"chatbot-arena"}
    assert webdev == {"lmarena-code"}
    reference = _load(data / "imports" / "arena" / "reference.yaml")
    assert next(b for b in reference["benchmarks"] if b["id"] == "lmarena-code")["unit"] == "elo"
    glm = [c for c in claims if c["mention"] == "glm-5" and c["kind"] == "fact"]
    assert [(f["property"], f["value"]) for f in glm] == [("weights-available", True)]
    check_tree(load_tree(data))
    validate_tree(data)


def test_parse_ci_and_weekly_selection():
    assert parse_ci("+5/-4", 1470, "f", 2) == (1466, 1475)
    assert weekly(["2026-03-30", "2026-04-01", "2026-04-05", "2026-04-06"]) == ["2026-04-05", "2026-04-06"]


def test_directory_without_either_layout_is_refused(tmp_path):
    repo = init(tmp_path / "empty")
    (repo / "README.md").write_text("x")
    commit(repo, "2026-01-01")
    data = data_tree(tmp_path)
    with pytest.raises(DataError, match="has neither csv/lmsys.csv history nor"):
        arena.run(repo, load_tree(data), data / "imports" / "arena")
