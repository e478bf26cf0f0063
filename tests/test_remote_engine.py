"""The canned questions on a real remote engine (the Oxigraph server) give the embedded answers."""

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from kg.canned import run_canned
from kg.errors import RemoteError
from kg.export import export_store
from kg.queries import canned_queries
from kg.remote import RemoteEndpoint

EXPECTED_DIR = Path(__file__).parent / "expected"
OXIGRAPH = shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(fixture_store, tmp_path_factory):
    if OXIGRAPH is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    work = tmp_path_factory.mktemp("oxigraph")
    dump = work / "graph.nq"
    dump.write_text(export_store(fixture_store, "nq"), encoding="utf-8")
    subprocess.run([OXIGRAPH, "load", "--location", str(work / "db"), "--file", str(dump)],
                   check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(work / "db"),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(10)


def _canonical(rows):
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_question_gives_the_embedded_answer_on_the_oxigraph_server(name, fixture_store, oxigraph_server):
    params = json.loads((EXPECTED_DIR / f"{name}.json").read_text())["params"]
    remote, _ = run_canned(RemoteEndpoint(oxigraph_server), name, params)
    embedded, _ = run_canned(fixture_store, name, params)
    assert _canonical(remote) == _canonical(embedded)


@pytest.mark.parametrize("name, params", [
    ("parity", {"asOf": "2025-01-31"}), ("parity", {"openness": "osi", "tools": "without"}),
    ("parity", {"source": "parity-article"}), ("parity", {"benchmark": "bench-vision", "attempts": "single"}),
    ("contradictions", {"model": "open-base-70b"}), ("contradictions", {"kind": "fact", "tolerance": "1"}),
    ("lineage", {"model": "open-base-70b", "direction": "down"}), ("lag", {"benchmark": "bench-errors"}),
    ("trend", {"benchmark": "bench-vision"}), ("audit", {"tolerance": "2"}),
])
def test_parameters_reach_every_scope_on_the_remote_engine(name, params, fixture_store, oxigraph_server):
    remote, _ = run_canned(RemoteEndpoint(oxigraph_server), name, params)
    embedded, _ = run_canned(fixture_store, name, params)
    assert _canonical(remote) == _canonical(embedded)


def test_names_resolve_against_the_remote_graph(oxigraph_server):
    names = RemoteEndpoint(oxigraph_server).names()
    assert names.resolve("Open Base 70B", ("model",)).endswith("/model/open-base-70b")


def test_an_endpoint_that_is_not_there_is_one_line():
    with pytest.raises(RemoteError, match="cannot connect"):
        RemoteEndpoint(f"http://127.0.0.1:{_free_port()}/query").select("ASK {}")


def test_kg_query_endpoint_prints_the_embedded_answer(fixture_store, oxigraph_server):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    remote = runner.invoke(app, ["query", "parity", "--endpoint", oxigraph_server, "-F", "json"])
    embedded = runner.invoke(app, ["query", "parity", "--store", str(fixture_store), "-F", "json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(embedded.stdout)
    refused = runner.invoke(app, ["query", "parity", "--endpoint", "file:///etc/passwd"])
    assert refused.exit_code == 2 and "http" in refused.stderr
