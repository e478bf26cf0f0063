"""The JSON API of kg serve: one route per question, the CLI's parameters, errors and JSON object."""

import json
import re

import httpx
import pytest
from typer.testing import CliRunner

from kg import contract
from kg.cli import app
from kg.queries import canned_queries
from kg.web.server import running
from kg.web.settings import ServeSettings

runner = CliRunner()


@pytest.fixture(scope="module")
def client(fixture_store):
    with running(fixture_store, ServeSettings(port=0, workers=2)) as url, \
            httpx.Client(base_url=url, timeout=60) as session:
        yield session


def _cli_json(store, *args: str) -> dict:
    result = runner.invoke(app, [*args, "--store", str(store), "-F", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_parity_as_of_gives_the_embedded_answer_and_the_cli_object(client, fixture_store):
    early = client.get("/api/parity", params={"as_of": "2025-01-31"})
    assert early.status_code == 200 and early.headers["content-type"] == "application/json"
    embedded = contract.answer(fixture_store, "parity", {"asOf": "2025-01-31"}).to_json()
    assert early.json() == json.loads(json.dumps(embedded, default=str))
    assert early.json() == _cli_json(fixture_store, "query", "parity", "--as-of", "2025-01-31")
    unfiltered = client.get("/api/parity").json()
    assert early.json()["rows"] != unfiltered["rows"]  # the date reaches the query
    verdicts = {r["benchmark"]: r["verdict"] for r in early.json()["rows"]}
    assert verdicts["BenchVision"] == "no open data"


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _assert_snake_case(body: dict) -> None:
    bad = sorted({key for key in _keys(body) if not re.fullmatch(r"[a-z][a-z0-9_]*", key)})
    assert not bad, bad


def test_the_contract_keys(client):
    body = client.get("/api/parity", params={"openness": "osi", "tools": "without"}).json()
    assert list(body)[:4] == ["question", "parameters", "policy", "rows"] and "categories" in body
    assert body["parameters"]["openness"] == "osi" and body["parameters"]["as_of"] is None
    assert body["policy"]["tools"] == "without"
    _assert_snake_case(body)
    verdicts = {key for category in body["categories"] for key in category} - {"category"}
    assert verdicts and verdicts <= {"closed_leads", "open_leads", "parity", "no_data", "no_open_data",
                                     "no_closed_data"}


@pytest.mark.parametrize(("path", "params", "cli"), [
    ("/api/lineage/Vision-78B", {"direction": "up"}, ["query", "lineage", "Vision-78B", "--direction", "up"]),
    ("/api/contradictions", {"model": "Open Chat 70B"}, ["query", "contradictions", "--model", "Open Chat 70B"]),
    ("/api/audit", {}, ["query", "audit"]),
    ("/api/lag", {"attempts": "single"}, ["query", "lag", "--attempts", "single"]),
    ("/api/trend", {"benchmark": "BenchText"}, ["query", "trend", "--benchmark", "BenchText"]),
    ("/api/coverage", {}, ["query", "coverage"]),
    ("/api/claims", {"subject": "open chat 70b"}, ["claims", "--model", "open chat 70b"]),
    ("/api/claims", {"benchmark": "benchtext"}, ["query", "claims", "--benchmark", "benchtext"]),
])
def test_every_question_matches_the_cli_json(client, fixture_store, path, params, cli):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == _cli_json(fixture_store, *cli)
    assert body["rows"], body
    _assert_snake_case(body)


@pytest.mark.parametrize(("path", "params", "cli", "words"), [
    ("/api/parity", {"as_of": "2026-13"}, ["query", "parity", "--as-of", "2026-13"], "--as-of needs a date"),
    ("/api/parity", {"openness": "free"}, ["query", "parity", "--openness", "free"], "must be one of"),
    ("/api/parity", {"threshold": "-1"}, ["query", "parity", "--threshold", "-1"], "finite number"),
    ("/api/contradictions", {"model": "nobody"}, ["query", "contradictions", "--model", "nobody"], "nobody"),
    ("/api/lineage/nobody", {}, ["query", "lineage", "nobody"], "no model or family"),
    ("/api/lineage/Vision-78B", {"depth": "0"}, ["query", "lineage", "Vision-78B", "--depth", "0"], "--depth"),
    ("/api/trend", {}, ["query", "trend"], "trend needs a benchmark"),
])
def test_bad_parameters_are_400_with_the_cli_message(client, fixture_store, path, params, cli, words):
    response = client.get(path, params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert words in error and "\n" not in error
    result = runner.invoke(app, [*cli, "--store", str(fixture_store)])
    assert result.exit_code == 2
    assert error in " ".join(result.stderr.split())


def test_unknown_and_repeated_parameters_are_400(client):
    unknown = client.get("/api/parity", params={"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]
    assert "as_of" in unknown.json()["error"]  # it lists the names the question takes
    repeated = client.get("/api/parity?openness=osi&openness=weights")
    assert repeated.status_code == 400 and "once" in repeated.json()["error"]


def test_row_cap_is_422(fixture_store):
    with running(fixture_store, ServeSettings(port=0, workers=1, row_cap=2)) as url:
        response = httpx.get(url + "/api/claims", timeout=60)
    assert response.status_code == 422 and "more than 2 rows" in response.json()["error"]


def test_openapi_is_valid_and_lists_every_question(client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").json()
    validate(document)
    paths = set(document["paths"])
    assert {"/api/parity", "/api/lineage/{model}", "/api/claims"} <= paths
    assert len(paths) == len(canned_queries())
    parity = {p["name"]: p for p in document["paths"]["/api/parity"]["get"]["parameters"]}
    assert parity["openness"]["schema"]["enum"] == ["weights", "osi"] and "as_of" in parity


def test_api_index(client):
    listed = client.get("/api").json()["questions"]
    assert {q["question"] for q in listed} == set(canned_queries())


def test_csv_carries_the_row_fields_flattened(fixture_store):
    result = runner.invoke(app, ["query", "parity", "--store", str(fixture_store), "-F", "csv"])
    header = result.stdout.splitlines()[0].split(",")
    assert {"benchmark_id", "best_open.id", "best_open.source_date", "best_open.locator",
            "best_closed.claim", "verdict"} <= set(header)
    answer = contract.answer(fixture_store, "contradictions", {})
    flat = answer.flat_rows()
    assert len(flat) == sum(len(group["claims"]) for group in answer.rows)
    assert {"claims.locator", "claims.source_date", "verdict"} <= set(flat[0])
