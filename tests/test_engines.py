"""The canned questions on real external engines give the embedded answers (issue: portable questions).

Each engine (the Oxigraph server from PyPI, Virtuoso 7 from Debian) is started on 127.0.0.1 by
benchmarks/engine_servers.py, filled by `kg push` (Graph Store Protocol), and asked every canned
question with several parameter sets through `kg.remote.RemoteEndpoint`. Rows are compared
with the embedded store's, order ignored, numbers by value (12 significant digits: Virtuoso
divides in double precision). An engine that is not installed skips only its own tests.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_hostile_input import BAD_PARAMETERS
from typer.testing import CliRunner

from benchmarks.engine_servers import ENGINES, EngineMissing, EngineServer, canonical, credentials, free_port
from kg.canned import run_canned
from kg.cli import app
from kg.errors import RemoteError
from kg.push import MANIFEST_GRAPH, push_store
from kg.queries import canned_queries
from kg.remote import RemoteEndpoint
from kg.resolve import ResolveError

EXPECTED_DIR = Path(__file__).parent / "expected"

PARAMETER_SETS = [
    ("parity", {"asOf": "2025-01-31"}), ("parity", {"openness": "osi", "tools": "without"}),
    ("parity", {"source": "parity-article"}), ("parity", {"benchmark": "bench-vision", "attempts": "single"}),
    ("parity", {"sources": "first-party", "splits": "pooled", "threshold": "5"}),
    ("contradictions", {"model": "open-base-70b"}), ("contradictions", {"kind": "fact", "tolerance": "1"}),
    ("contradictions", {"benchmark": "bench-code"}), ("contradictions", {"tolerance": "0.5"}),
    ("parity", {"threshold": "0.5"}),
    ("lineage", {"model": "open-base-70b", "direction": "down"}), ("lineage", {"model": "vision-78b"}),
    ("lag", {"benchmark": "bench-errors"}), ("lag", {"tools": "without", "splits": "pooled"}),
    ("trend", {"benchmark": "bench-vision"}), ("trend", {"benchmark": "bench-text", "openness": "osi"}),
    ("audit", {"tolerance": "2"}), ("audit", {"source": "parity-article"}),
    ("coverage", {"lab": "open-lab"}), ("claims", {"benchmark": "bench-code"}),
]
"""Parameter sets beyond each question's expected-results file."""

REAL_DATA_QUESTIONS = [
    ("parity", {}), ("parity", {"asOf": "2026-03-02", "sources": "first-party"}),
    ("contradictions", {"model": "DeepSeek-V3"}), ("lineage", {"model": "InternVL3-78B"}),
    ("coverage", {"lab": "deepseek"}), ("lag", {"benchmark": "MMLU"}), ("lag", {}),
    ("lineage", {"model": "Qwen2.5-72B", "direction": "down"}), ("audit", {}),
]
"""Questions asked of each engine holding the curated data (data/ without its imported datasets)."""


KNOWN_GAPS: dict[tuple[str, str, tuple], str] = {}
"""(engine, question, parameters) known not to give the embedded answer, each with the reason
(docs/scale-out.md). A known gap is still asked: if it starts to pass, the test fails so the entry
is removed."""

CRASHING: dict[tuple[str, str, tuple], str] = {}
"""Cases not asked at all because they crash or overload the engine, with the reason."""


@contextmanager
def engine_holding(name: str, store: Path, work: Path) -> Iterator[EngineServer]:
    """An engine started in ``work`` and filled from ``store`` by kg push; skipped when not installed."""
    try:
        context = ENGINES[name](work)
        server = context.__enter__()
    except EngineMissing as missing:
        pytest.skip(str(missing))
    try:
        with credentials(server):
            push_store(store, server.store_url)
        yield server
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request, fixture_store, tmp_path_factory) -> Iterator[EngineServer]:
    """Each external engine holding the fixture graph."""
    with engine_holding(request.param, fixture_store, tmp_path_factory.mktemp(request.param)) as server:
        yield server


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine_with_data(request, real_store, tmp_path_factory) -> Iterator[EngineServer]:
    """Each external engine holding the graph built from data/."""
    with engine_holding(request.param, real_store, tmp_path_factory.mktemp(request.param + "-data")) as server:
        yield server


def _same_answer(server: EngineServer, store: Path, name: str, params: dict[str, str]) -> None:
    crash = CRASHING.get((server.name, name, tuple(sorted(params.items()))))
    if crash:
        pytest.xfail(crash)
    gap = KNOWN_GAPS.get((server.name, name, tuple(sorted(params.items()))))
    try:
        remote, remote_extra = run_canned(RemoteEndpoint(server.query_url), name, dict(params))
        embedded, embedded_extra = run_canned(store, name, dict(params))
        assert canonical(remote) == canonical(embedded), f"{server.name}: {name} {params}"
        assert remote_extra == embedded_extra
    except (AssertionError, RemoteError):
        if gap:
            pytest.xfail(gap)
        raise
    assert not gap, f"known gap now gives the embedded answer; remove it from KNOWN_GAPS: {gap}"


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_question_gives_the_embedded_answer(engine, fixture_store, name):
    params = json.loads((EXPECTED_DIR / f"{name}.json").read_text())["params"]
    _same_answer(engine, fixture_store, name, params)


@pytest.mark.parametrize(("name", "params"), PARAMETER_SETS)
def test_parameters_reach_every_scope(engine, fixture_store, name, params):
    _same_answer(engine, fixture_store, name, params)


@pytest.mark.parametrize(("name", "params"), REAL_DATA_QUESTIONS)
def test_questions_on_data_give_the_embedded_answer(engine_with_data, real_store, name, params):
    _same_answer(engine_with_data, real_store, name, params)


def test_names_resolve_against_the_remote_graph(engine):
    names = RemoteEndpoint(engine.query_url).names()
    assert names.resolve("Open Base 70B", ("model",)).endswith("/model/open-base-70b")


@pytest.mark.parametrize(("args", "expected"), BAD_PARAMETERS)
def test_bad_parameters_are_refused_before_reaching_the_engine(engine, args, expected):
    result = CliRunner().invoke(app, ["query", *args, "--endpoint", engine.query_url])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


@pytest.mark.parametrize("name", ['x> } UNION { ?s ?p ?o } #', 'open-base-70b" . ?s ?p ?o . "', "<http://e/x>"])
def test_names_that_look_like_sparql_are_unknown_names_not_query_text(engine, name):
    with pytest.raises(ResolveError, match="no model"):
        run_canned(RemoteEndpoint(engine.query_url), "contradictions", {"model": name})


def test_kg_query_endpoint_prints_the_embedded_answer(engine, fixture_store):
    runner = CliRunner()
    remote = runner.invoke(app, ["query", "parity", "--endpoint", engine.query_url, "-F", "json"])
    embedded = runner.invoke(app, ["query", "parity", "--store", str(fixture_store), "-F", "json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(embedded.stdout)


def test_an_endpoint_that_is_not_there_is_one_line():
    with pytest.raises(RemoteError, match="cannot connect"):
        RemoteEndpoint(f"http://127.0.0.1:{free_port()}/query").select("ASK {}")


def test_an_endpoint_that_is_not_a_url_is_refused():
    refused = CliRunner().invoke(app, ["query", "parity", "--endpoint", "file:///etc/passwd"])
    assert refused.exit_code == 2 and "http" in refused.stderr


# --- kg push ------------------------------------------------------------------------------------

@pytest.fixture(params=sorted(ENGINES))
def empty_engine(request, tmp_path) -> Iterator[EngineServer]:
    """A fresh, empty engine for one push test."""
    try:
        with ENGINES[request.param](tmp_path / request.param) as server:
            yield server
    except EngineMissing as missing:
        pytest.skip(str(missing))


def _push(server: EngineServer, store: Path, *extra: str, env: dict | None = None):
    return CliRunner().invoke(app, ["push", "--endpoint", server.store_url, "--store", str(store), *extra],
                              env={**server.credentials, **(env or {})})


def test_push_dry_run_then_push_then_nothing_to_do(empty_engine, fixture_store):
    planned = _push(empty_engine, fixture_store, "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "add https://w3id.org/paritykg/graph/source/parity-article" in planned.stdout
    assert "0 graphs unchanged" in planned.stdout
    assert RemoteEndpoint(empty_engine.query_url).select(
        'SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), "https://w3id.org/paritykg/")) }'
        " LIMIT 1") == []
    pushed = _push(empty_engine, fixture_store)
    assert pushed.exit_code == 0, pushed.output
    assert "pushed 7 graphs, deleted 0" in pushed.stdout
    again = _push(empty_engine, fixture_store, "--dry-run")
    assert again.stdout.strip() == "7 graphs unchanged"
    _same_answer(empty_engine, fixture_store, "parity", {})


def test_push_replaces_changed_graphs_and_deletes_removed_sources(empty_engine, fixture_store, data_copy, tmp_path):
    from kg.pipeline import build

    assert _push(empty_engine, fixture_store).exit_code == 0
    (data_copy / "sources" / "sceptic-report.yaml").unlink()
    changed = tmp_path / "changed-store"
    build(data_copy, changed)
    plan = _push(empty_engine, changed, "--dry-run").stdout
    assert "delete https://w3id.org/paritykg/graph/source/sceptic-report" in plan
    assert "replace https://w3id.org/paritykg/graph/derived" in plan
    assert _push(empty_engine, changed).exit_code == 0
    for name in ("parity", "contradictions", "claims"):
        params = json.loads((EXPECTED_DIR / f"{name}.json").read_text())["params"]
        _same_answer(empty_engine, changed, name, params)
    titles = RemoteEndpoint(empty_engine.query_url).select(
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert "https://w3id.org/paritykg/graph/source/sceptic-report" not in {row["g"] for row in titles}
    assert MANIFEST_GRAPH in {row["g"] for row in titles}


def test_push_with_wrong_credentials_is_one_line_and_never_shows_the_password(empty_engine, fixture_store):
    if not empty_engine.credentials:
        pytest.skip(f"{empty_engine.name} here accepts writes without credentials")
    secret = "not-the-password-7d1e"
    result = _push(empty_engine, fixture_store, env={"PARITYKG_ENDPOINT_PASSWORD": secret})
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "401" in result.stderr
    assert secret not in result.output


def test_push_to_nothing_is_one_line(fixture_store):
    result = CliRunner().invoke(app, ["push", "--endpoint", f"http://127.0.0.1:{free_port()}/store",
                                      "--store", str(fixture_store)])
    assert result.exit_code == 2 and "cannot connect" in result.stderr
    assert "Traceback" not in result.output
