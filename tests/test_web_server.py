"""kg serve's SPARQL 1.1 Protocol endpoint on a real uvicorn over loopback: protocol, negotiation,
CORS, malformed requests, refusals, concurrency and the time limit."""

import json
import logging
import socket
import threading
import time

import httpx
import pytest

from kg.web.server import running
from kg.web.settings import ServeSettings
from kg.web.sparql_protocol import GRAPH_OFFER, RESULT_OFFER

TIMEOUT = 4.0
MODELS = "SELECT ?m WHERE { ?m a <https://w3id.org/paritykg/vocab#Model> } ORDER BY ?m"
LABS = "CONSTRUCT WHERE { ?s a <https://w3id.org/paritykg/vocab#Lab> }"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def base(fixture_store):
    settings = ServeSettings(port=0, workers=3, query_timeout=TIMEOUT, body_timeout=1.0, keep_alive=5)
    with running(fixture_store, settings) as url:
        yield url


@pytest.fixture(scope="module")
def client(base):
    with httpx.Client(base_url=base, timeout=30) as session:
        yield session


def _one_line(response: httpx.Response) -> str:
    text = response.text
    assert text.endswith("\n") and text.count("\n") == 1 and "Traceback" not in text, text
    return text


def test_get_select_defaults_to_sparql_json(client):
    response = client.get("/sparql", params={"query": MODELS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert len(response.json()["results"]["bindings"]) == 5


def test_post_form_and_direct_give_the_same_answer(client):
    got = client.get("/sparql", params={"query": MODELS}).json()
    form = client.post("/sparql", data={"query": MODELS})
    direct = client.post("/sparql", content=MODELS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.json() == direct.json() == got


@pytest.mark.parametrize("media", RESULT_OFFER)
def test_every_result_format(client, media):
    response = client.get("/sparql", params={"query": MODELS}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert "closed-mini" in response.text


@pytest.mark.parametrize("media", GRAPH_OFFER)
def test_every_rdf_format(client, media):
    response = client.get("/sparql", params={"query": LABS}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert "closed-lab" in response.text


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+xml;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ("text/*;q=0.8, application/sparql-results+json;q=0.1", "text/csv"),
    ("text/csv;q=0, */*;q=0.1", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_q_values_choose_the_format(client, accept, expected):
    response = client.get("/sparql", params={"query": MODELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_unacceptable_types_are_406(client):
    response = client.get("/sparql", params={"query": MODELS}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "offered" in _one_line(response)
    construct = client.get("/sparql", params={"query": LABS}, headers={"Accept": "text/csv"})
    assert construct.status_code == 406 and "RDF" in _one_line(construct)


def test_rdf_negotiation_with_q_values(client):
    accept = "text/turtle;q=0.4, application/rdf+xml;q=0.9, application/n-quads;q=0.7"
    response = client.get("/sparql", params={"query": LABS}, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == "application/rdf+xml"


def test_head_has_the_headers_and_no_body(client):
    got = client.get("/sparql", params={"query": MODELS}, headers={"Accept": "text/csv"})
    head = client.head("/sparql", params={"query": MODELS}, headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_options_and_cors(client):
    plain = client.options("/sparql")
    assert plain.status_code == 204 and "POST" in plain.headers["allow"]
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
    simple = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"


def test_cors_can_be_restricted(fixture_store):
    settings = ServeSettings(port=0, workers=1, cors_origins=("https://allowed.example",))
    with running(fixture_store, settings) as url:
        allowed = httpx.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://allowed.example"})
        other = httpx.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
    assert "access-control-allow-origin" not in other.headers


def test_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    text = response.text
    assert "a sd:Service" in text and "sd:SPARQL11Query" in text
    assert f"<{str(client.base_url).rstrip('/')}/sparql>" in text
    assert "SPARQL_Results_CSV" in text and "RDF_XML" in text


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
    "LOAD <http://example.org/x>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DROP ALL",
])
def test_updates_load_and_service_are_refused(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403, response.text
    _one_line(response)


def test_update_parameter_and_update_body_are_refused(client):
    assert client.post("/sparql", data={"update": "DROP ALL"}).status_code == 403
    direct = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert direct.status_code == 403


def test_syntax_error_is_400(client):
    response = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert response.status_code == 400 and "syntax" in _one_line(response)


def _raw(base: str, request: bytes, wait: float = 10.0) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    return b"".join(chunks)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


@pytest.mark.parametrize("length", [b"-1", b"abc", b"1e3"])
def test_bad_content_length_is_4xx(base, length):
    raw = _raw(base, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: " + length + b"\r\n\r\nASK {}")
    assert 400 <= _status(raw) < 500 and b"Traceback" not in raw


def test_content_length_longer_than_the_body_is_408_not_a_hang(base):
    started = time.monotonic()
    raw = _raw(base, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK {}")
    assert _status(raw) == 408 and time.monotonic() - started < 5
    assert raw.rstrip().endswith(b"is Content-Length larger than the body?)")


def test_too_large_body_is_413(base):
    raw = _raw(base, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 5000000\r\n\r\n")
    assert _status(raw) == 413


@pytest.mark.parametrize(("kwargs", "status", "words"), [
    ({"url": "/sparql?query=%FF"}, 400, "UTF-8"),
    ({"content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400, "UTF-8"),
    ({"data": {"default-graph-uri": "https://w3id.org/x"}}, 400, "missing 'query'"),
    ({"data": {"query": "ASK {} " + "#" * 100_001}}, 413, "characters long"),
    ({"content": b"query=ASK", "headers": {"Content-Type": "text/plain"}}, 415, "Content-Type"),
    ({"url": "/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D"}, 400, "one 'query'"),
    ({"url": "/sparql?query=ASK%20%7B%7D&default-graph-uri=relative"}, 400, "absolute IRI"),
    ({"url": "/sparql?query=%20%20"}, 400, "empty"),
])
def test_malformed_requests_are_4xx_with_one_line(client, kwargs, status, words):
    url = kwargs.pop("url", "/sparql")
    method = "GET" if not ({"data", "content"} & kwargs.keys()) else "POST"
    response = client.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    assert words in _one_line(response)


def test_keep_alive_serves_two_requests_on_one_connection(base):
    request = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for _ in range(2):
            sock.sendall(request)
            data = b""
            while not _complete(data):
                data += sock.recv(65536)
            assert data.startswith(b"HTTP/1.1 200") and b'"boolean":true' in data


def test_a_cheap_query_is_answered_while_a_slow_one_runs_and_the_slow_one_is_stopped(client, base):
    outcome = {}

    def slow():
        started = time.monotonic()
        outcome["response"] = httpx.get(base + "/sparql", params={"query": CROSS}, timeout=60)
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.5)  # the cross product is running now
    cheap = []
    for index in range(5):
        started = time.monotonic()
        response = client.get("/sparql", params={"query": f"ASK {{ ?s ?p {index} }}"})
        cheap.append(time.monotonic() - started)
        assert response.status_code == 200
    assert max(cheap) < 1.0, cheap
    assert worker.is_alive()  # the slow one is still running after the cheap ones were answered
    worker.join(60)
    assert outcome["response"].status_code == 503 and "time limit" in outcome["response"].text
    assert TIMEOUT - 0.5 < outcome["seconds"] < TIMEOUT + 5
    # the killed worker was replaced: the endpoint keeps answering
    assert client.get("/sparql", params={"query": "ASK { ?s ?p 99 }"}).status_code == 200


def test_each_request_is_logged_in_one_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="kg.web.access"):
        client.get("/sparql", params={"query": "ASK { ?s ?p 7 }"})
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.name == "kg.web.access"]
    assert len(lines) == 1 and '"GET /sparql?query=' in lines[0] and " 200 " in lines[0]


def test_result_size_cap(fixture_store):
    settings = ServeSettings(port=0, workers=1, result_bytes=2**20)
    pairs = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 50000"  # about 20 MB as SPARQL JSON
    with running(fixture_store, settings) as url:
        response = httpx.get(url + "/sparql", params={"query": pairs}, timeout=60)
    assert response.status_code == 422 and "cap" in response.text


def test_dataset_parameters(client):
    count = "SELECT (COUNT(?c) AS ?n) WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }"
    graph = "https://w3id.org/paritykg/graph/source/closed-lab-post"

    def n(params):
        return int(client.get("/sparql", params=params).json()["results"]["bindings"][0]["n"]["value"])

    assert 0 < n({"query": count, "default-graph-uri": graph}) < n({"query": count})
    posted = client.post("/sparql", data={"query": count, "default-graph-uri": graph})
    assert int(json.loads(posted.text)["results"]["bindings"][0]["n"]["value"]) == n(
        {"query": count, "default-graph-uri": graph})


def test_the_pool_never_loses_a_worker_to_a_waiting_request_that_gives_up(fixture_store):
    import asyncio

    from kg.web.workers import QueryTimedOut, WorkerPool

    async def scenario():
        pool = WorkerPool(fixture_store, ServeSettings(workers=1, query_timeout=5))
        await pool.start()
        try:
            busy = asyncio.create_task(pool.run(("sleep", 1.0)))
            await asyncio.sleep(0.1)
            with pytest.raises(QueryTimedOut, match="busy"):
                await pool.run(("sleep", 0.0), timeout=0.3)  # gives up waiting for the only worker
            assert (await busy)[1] == b"slept"
            assert (await pool.run(("sleep", 0.0), timeout=2))[1] == b"slept"  # the worker is back
            with pytest.raises(QueryTimedOut, match="stopped"):
                await pool.run(("sleep", 30.0), timeout=0.5)  # killed and replaced
            assert (await pool.run(("sleep", 0.0), timeout=30))[1] == b"slept"
            assert pool.killed == 1
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_a_long_query_yields_the_cpu_and_its_worker_is_replaced_afterwards(fixture_store):
    import asyncio
    import os

    from kg.web.workers import SLOW_AFTER, SLOW_NICE, WorkerPool

    async def scenario():
        pool = WorkerPool(fixture_store, ServeSettings(workers=1, query_timeout=30))
        await pool.start()
        try:
            (first,) = pool._all
            slow = asyncio.create_task(pool.run(("sleep", SLOW_AFTER + 1.0)))
            await asyncio.sleep(SLOW_AFTER + 0.5)
            own = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, first.process.pid) == min(19, own + SLOW_NICE)
            await slow
            assert (await pool.run(("sleep", 0.0), timeout=30))[1] == b"slept"
            (second,) = pool._all
            assert second is not first and os.getpriority(os.PRIO_PROCESS, second.process.pid) == own
        finally:
            await pool.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(("option", "value"), [("--timeout", "0"), ("--limit", "0"), ("--workers", "0"),
                                               ("--max-result-mb", "0"), ("--keep-alive", "0")])
def test_serve_refuses_bad_settings_in_one_line(fixture_store, option, value):
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "--store", str(fixture_store), option, value])
    assert result.exit_code == 2
    assert option in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_identical_requests_in_flight_share_one_computation_and_then_the_cache(fixture_store):
    import asyncio

    from kg.web.runner import QueryRunner

    async def scenario():
        runner = QueryRunner(fixture_store, ServeSettings(workers=1, query_timeout=30))
        await runner.start()
        try:
            started = time.monotonic()
            replies = await asyncio.gather(*(runner.run(("sleep", 1.0)) for _ in range(4)))
            shared = time.monotonic() - started
            started = time.monotonic()
            assert await runner.run(("sleep", 1.0)) == b"slept"  # from the cache
            cached = time.monotonic() - started
        finally:
            await runner.close()
        return replies, shared, cached

    replies, shared, cached = asyncio.run(scenario())
    assert replies == [b"slept"] * 4
    assert shared < 3.0  # one worker: four separate computations would take 4 s
    assert cached < 0.5
