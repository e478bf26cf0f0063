"""`kg import epoch` on a real two-row excerpt of Epoch AI's benchmark-stitching data."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kg.errors import DataError
from kg.importers import epoch
from kg.loading import load_tree

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "epoch" / "external_benchmark_bbh.csv"


def _repo(tmp_path: Path, text: str) -> Path:
    """A one-commit git repository holding ``text`` as data/external_benchmark_bbh.csv."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / FIXTURE.name).write_text(text, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "excerpt"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    return repo


@pytest.fixture(scope="module")
def tree():
    """The project's own reference records, to resolve names against."""
    return load_tree(Path("data"))


def test_rows_resolve_with_provenance(tmp_path, tree):
    repo = _repo(tmp_path, FIXTURE.read_text(encoding="utf-8"))
    report = epoch.run(repo, tree, tmp_path / "out")
    document = yaml.safe_load(report.written[0].read_text(encoding="utf-8"))
    claims = {c["mention"]: c for c in document["claims"]}
    assert claims["Qwen2.5-72B"]["subject"] == "qwen2.5-72b"
    assert claims["Qwen2.5-72B"]["value"] == 79.8
    assert claims["Qwen2.5-72B"]["setting"] == {"shots": 3}
    commit = document["source"]["commit"]
    assert claims["Qwen2.5-72B"]["locator"].startswith("data/external_benchmark_bbh.csv, row 2")
    assert commit in claims["Qwen2.5-72B"]["locator"]
    assert "DeepSeek-V3 Technical Report" in claims["Qwen2.5-72B"]["note"]


def test_reimport_is_a_noop_and_output_validates(tmp_path, tree):
    repo = _repo(tmp_path, FIXTURE.read_text(encoding="utf-8"))
    data = tmp_path / "data"
    shutil.copytree("data/reference", data / "reference")
    epoch.run(repo, tree, data / "imports" / "epoch")
    again = epoch.run(repo, tree, data / "imports" / "epoch")
    assert again.written == [] and len(again.unchanged) == 1
    assert len(load_tree(data).sources) == 1


def test_bad_row_names_file_and_row(tmp_path, tree):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("79.8%", "n/a")
    repo = _repo(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        epoch.run(repo, tree, tmp_path / "out")
    assert str(caught.value.problems[0]).startswith("data/external_benchmark_bbh.csv: row 2:")
