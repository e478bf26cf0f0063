"""The read-only SPARQL 1.1 endpoint, over loopback."""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from kg.endpoint import make_handler
from kg.store import LiveStore


def _serve(store_dir):
    live = LiveStore(store_dir)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(live))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, live


@pytest.fixture
def endpoint(fixture_store):
    server, live = _serve(fixture_store)
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()
    live.close()


def _get(url: str, query: str, accept: str = "") -> tuple[int, str, str]:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_select_json_by_default(endpoint):
    status, media, body = _get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/paritykg/vocab#Model> }")
    assert status == 200 and media.startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"


def test_csv_and_construct_negotiation(endpoint):
    status, media, body = _get(endpoint, "SELECT ?s WHERE { ?s a <https://w3id.org/paritykg/vocab#Lab> }", "text/csv")
    assert status == 200 and media.startswith("text/csv") and "open-lab" in body
    status, media, body = _get(endpoint, "CONSTRUCT WHERE { ?s a <https://w3id.org/paritykg/vocab#Lab> }")
    assert status == 200 and media.startswith("text/turtle") and "closed-lab" in body


def test_post_query_body(endpoint):
    request = urllib.request.Request(endpoint, data=b"ASK { ?s ?p ?o }", method="POST",
                                     headers={"Content-Type": "application/sparql-query"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["boolean"] is True


@pytest.mark.parametrize("query", ["SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
                                   "LOAD <http://example.org/x>"])
def test_service_and_load_refused(endpoint, query):
    status, _, body = _get(endpoint, query)
    assert status == 403


def test_update_refused(endpoint):
    data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    request = urllib.request.Request(endpoint, data=data, method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 403


def test_bad_query_is_400(endpoint):
    status, _, body = _get(endpoint, "SELECT WHERE {")
    assert status == 400 and "syntax" in body


def _get_params(url: str, params: list[tuple[str, str]]) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode(params), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


GRAPH = "https://w3id.org/paritykg/graph/source/"
COUNT_CLAIMS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }"


def _count(body: str) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_uri_restricts_the_dataset(endpoint):
    _, every = _get_params(endpoint, [("query", COUNT_CLAIMS)])
    _, one = _get_params(endpoint, [("query", COUNT_CLAIMS), ("default-graph-uri", GRAPH + "closed-lab-post")])
    _, two = _get_params(endpoint, [("query", COUNT_CLAIMS), ("default-graph-uri", GRAPH + "closed-lab-post"),
                                    ("default-graph-uri", GRAPH + "open-lab-card")])
    assert 0 < _count(one) < _count(two) < _count(every)


def test_named_graph_uri_lists_the_named_graphs(endpoint):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, body = _get_params(endpoint, [("query", query), ("named-graph-uri", GRAPH + "sceptic-report")])
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert status == 200 and graphs == [GRAPH + "sceptic-report"]


def test_post_form_takes_dataset_parameters(endpoint):
    form = urllib.parse.urlencode([("query", COUNT_CLAIMS), ("default-graph-uri", GRAPH + "closed-lab-post")])
    request = urllib.request.Request(endpoint, data=form.encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        posted = _count(response.read().decode())
    _, got = _get_params(endpoint, [("query", COUNT_CLAIMS), ("default-graph-uri", GRAPH + "closed-lab-post")])
    assert posted == _count(got) > 0


def test_relative_graph_iri_is_a_bad_request(endpoint):
    status, body = _get_params(endpoint, [("query", COUNT_CLAIMS), ("default-graph-uri", "closed-lab-post")])
    assert status == 400 and "absolute IRI" in body


def test_build_while_serving_keeps_the_endpoint_answering_and_shows_the_new_store(tmp_path, data_copy):
    """Regression: a build while kg serve held the store left the endpoint alive but mute."""
    from kg.pipeline import build

    store = tmp_path / "served"
    build(data_copy, store)
    server, live = _serve(store)
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/paritykg/vocab#Source> }"
    try:
        before = json.loads(_get(url, count)[2])["results"]["bindings"][0]["n"]["value"]
        (data_copy / "sources" / "sceptic-report.yaml").unlink()
        build(data_copy, store)
        status, _, body = _get(url, count)
        assert status == 200
        after = json.loads(body)["results"]["bindings"][0]["n"]["value"]
        assert int(after) == int(before) - 1
        build(data_copy, store)  # the generation the server let go of is deleted now
        generations = [p for p in tmp_path.iterdir() if p.name.startswith(".served.gen-") and p.is_dir()]
        assert len(generations) <= 2
    finally:
        server.shutdown()
        server.server_close()
        live.close()
