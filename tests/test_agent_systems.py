"""Agent systems as parity subjects: the openness rule of a system, and parity --subjects models|systems|all
on SWE-bench entries imported from the fixture excerpt (tests/fixtures/imports/swebench, CC BY-NC 4.0)."""

import json
import textwrap
from pathlib import Path

import pytest
from gitrepo import commit, data_tree, init
from starlette.testclient import TestClient
from typer.testing import CliRunner

from kg import answers
from kg.adding import add_source
from kg.cli import app
from kg.importers import swebench
from kg.keys import CLOSED, OPEN, UNKNOWN, OpennessCounts, system_side
from kg.loading import load_tree
from kg.pipeline import build
from kg.web.app import create_app
from kg.web.settings import ServeSettings

FIXTURE = Path(__file__).parent / "fixtures" / "imports" / "swebench" / "leaderboards.json"
runner = CliRunner()


@pytest.mark.parametrize(("code", "driven", "definition", "expected"), [
    (OpennessCounts(code_yes=1), [OPEN, OPEN], "weights", OPEN),
    (OpennessCounts(code_yes=1), [OPEN, CLOSED], "weights", CLOSED),
    (OpennessCounts(code_yes=1), [OPEN, UNKNOWN], "weights", UNKNOWN),
    (OpennessCounts(code_yes=1), [], "weights", UNKNOWN),
    (OpennessCounts(code_no=1), [OPEN], "weights", CLOSED),
    (OpennessCounts(), [OPEN], "weights", UNKNOWN),
    (OpennessCounts(code_yes=1, code_no=1), [OPEN], "weights", UNKNOWN),
    # a system's weights facts are not its openness: open models and open code decide
    (OpennessCounts(code_yes=1, weights_no=1), [OPEN], "weights", OPEN),
    (OpennessCounts(weights_yes=1), [OPEN], "weights", UNKNOWN),
    # "osi": the code's licence must be OSI-approved, and the models open under "osi"
    (OpennessCounts(code_yes=1), [OPEN], "osi", UNKNOWN),
    (OpennessCounts(osi_yes=1), [OPEN], "osi", OPEN),
    (OpennessCounts(osi_no=1, code_yes=1), [OPEN], "osi", CLOSED),
])
def test_system_side(code, driven, definition, expected):
    assert system_side(code, driven, definition) == expected


def _import(tmp_path: Path, edit=None) -> Path:
    """A data tree with the reference files and the fixture excerpt imported (``edit`` changes the copy)."""
    repo = init(tmp_path / "repo")
    (repo / "data").mkdir()
    boards = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if edit:
        edit(boards)
    (repo / swebench.FILE).write_text(json.dumps(boards), encoding="utf-8")
    commit(repo, "2025-12-10")
    data = data_tree(tmp_path)
    swebench.run(repo, load_tree(data), data / "imports" / "swebench")
    return data


def _open_code_open_models(boards):
    # an edited copy of the Nemotron-CORTEXA entry: its two open-weight models only, os_model true
    entry = boards["leaderboards"][1]["results"][3]
    entry["tags"] = ["Model: Qwen/Qwen2.5-72B-Instruct", "Model: meta-llama/Llama-3.3-70B-Instruct", "Org: NVIDIA"]
    entry["os_model"] = True


def _without_system_entries(boards):
    # what the importer made of the excerpt before agent systems: entries with one model only
    for board in boards["leaderboards"]:
        board["results"] = [e for e in board["results"] if len(swebench.tags(e, "Model")) == 1]


@pytest.fixture(scope="module")
def systems_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("systems")
    build(_import(tmp, _open_code_open_models), tmp / "store")
    return tmp / "store"


def _rows(store: Path, **params: str) -> dict[str, tuple]:
    result = answers.parity(store, **params)
    return {b["benchmark"]: ((b["best_open"] or {}).get("model"), (b["best_closed"] or {}).get("model"),
                             b["verdict"]) for b in result["benchmarks"]}


def test_subjects_systems_compares_agent_systems(systems_store):
    rows = _rows(systems_store, subjects="systems")
    # Nemotron-CORTEXA (edited): open code driving open-weight models; Refact.ai Agent: open code
    # driving Claude Sonnet 4, whose weights the KGCompass entry says are closed
    assert rows["SWE-bench Verified"] == ("Nemotron-CORTEXA", "Refact.ai Agent", "closed leads")
    # CodeFuse-CGM names no model: unknown, so Lite has no system on either side
    assert rows["SWE-bench Lite"] == (None, None, "no data")


def test_subjects_models_and_the_default_give_the_rows_of_models_only(systems_store, tmp_path):
    store = tmp_path / "store"
    build(_import(tmp_path, _without_system_entries), store)
    for subjects in ("any", "models"):
        assert _rows(systems_store, subjects=subjects) == _rows(store, subjects=subjects)
    assert _rows(systems_store) == _rows(store)
    assert _rows(systems_store)["SWE-bench Verified"][1] == "Claude Opus 4.5"


def test_subjects_all_puts_models_and_systems_together(systems_store):
    verified = answers.parity(systems_store, subjects="all", benchmark="swe-bench-verified")["benchmarks"][0]
    assert (verified["best_open"]["model"], verified["best_open"]["value"]) == ("Nemotron-CORTEXA", 68.2)
    assert verified["best_closed"]["value"] == 74.4


def test_subjects_reaches_the_cli_and_the_api(systems_store):
    result = runner.invoke(app, ["query", "parity", "--subjects", "systems", "--benchmark", "swe-bench-verified",
                                 "--store", str(systems_store), "-F", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    assert cli["rows"][0]["best_open"]["model"] == "Nemotron-CORTEXA"
    with TestClient(create_app(systems_store, ServeSettings(workers=1, access_log=False))) as client:
        api = client.get("/api/parity", params={"subjects": "systems", "benchmark": "swe-bench-verified"})
        assert api.status_code == 200 and api.json()["rows"] == cli["rows"]
        bad = client.get("/api/parity", params={"subjects": "agents"})
        assert bad.status_code == 400 and "systems" in bad.text
    wrong = runner.invoke(app, ["query", "parity", "--subjects", "agents", "--store", str(systems_store)])
    assert wrong.exit_code == 2
    assert wrong.stderr.strip() == "error: --subjects must be one of any, models, systems, all, not 'agents'"


def test_kg_add_of_a_models_weights_fact_reopens_the_systems_driving_it(tmp_path):
    def open_code_unknown_models(boards):
        _open_code_open_models(boards)
        boards["leaderboards"][1]["results"][3]["os_model"] = False  # no weights facts from the entry
    store = tmp_path / "store"
    build(_import(tmp_path, open_code_unknown_models), store)
    assert _rows(store, subjects="systems")["SWE-bench Verified"][0] is None
    new = tmp_path / "weights-note.yaml"
    new.write_text(textwrap.dedent("""\
        source:
          id: weights-note
          title: A note on two models' weights
          date: 2025-12-01
          kind: analysis
        claims:
        - {id: qwen, kind: fact, locator: para 1, subject: qwen2.5-72b-instruct, mention: Qwen2.5-72B-Instruct,
           property: weights-available, value: true}
        - {id: llama, kind: fact, locator: para 2, subject: llama-3.3-70b-instruct, mention: Llama 3.3 70B,
           property: weights-available, value: true}
        """), encoding="utf-8")
    add_source(new, store)
    assert _rows(store, subjects="systems")["SWE-bench Verified"][0] == "Nemotron-CORTEXA"



def test_lag_leaves_agent_systems_out(tmp_path):
    store = tmp_path / "store"
    build(_import(tmp_path, _open_code_open_models), store)
    release = tmp_path / "release-note.yaml"
    release.write_text(textwrap.dedent("""\
        source:
          id: release-note
          title: A note on an agent system's release
          date: 2025-12-01
          kind: analysis
        claims:
        - {id: refact, kind: fact, locator: para 1, subject: refact.ai-agent, mention: Refact.ai Agent,
           property: release-date, value: '2025-06-03'}
        """), encoding="utf-8")
    add_source(release, store)
    assert _rows(store, subjects="systems")["SWE-bench Verified"][1] == "Refact.ai Agent"  # closed, dated
    result = runner.invoke(app, ["query", "lag", "--benchmark", "swe-bench-verified", "--store", str(store),
                                 "-F", "json"])
    assert result.exit_code == 0, result.output
    assert "Refact.ai Agent" not in result.stdout and "Nemotron-CORTEXA" not in result.stdout
