"""kg serve over a store that is rebuilt while it serves."""

import httpx

from kg.web.server import running
from kg.web.settings import ServeSettings

COUNT_SOURCES = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/paritykg/vocab#Source> }"


def _count(url: str, comment: str = "") -> int:
    response = httpx.get(url + "/sparql", params={"query": f"{comment}\n{COUNT_SOURCES}"}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_build_while_serving_keeps_the_endpoint_answering_and_shows_the_new_store(tmp_path, data_copy):
    """Regression: a build while kg serve held the store left the endpoint alive but mute."""
    from kg.pipeline import build

    store = tmp_path / "served"
    build(data_copy, store)
    with running(store, ServeSettings(port=0, workers=2)) as url:
        before = _count(url)
        claims_before = len(httpx.get(url + "/api/claims", timeout=60).json()["rows"])
        (data_copy / "sources" / "sceptic-report.yaml").unlink()
        build(data_copy, store)
        assert _count(url) == before - 1  # every worker follows the new generation (cache too)
        assert _count(url) == before - 1
        assert 0 < len(httpx.get(url + "/api/claims", timeout=60).json()["rows"]) < claims_before
        for round_ in range(3):  # old generations are deleted once no worker reads them
            for worker in range(2):  # distinct texts: each reaches a worker, not the cache
                assert _count(url, f"# round {round_} worker {worker}") == before - 1
            build(data_copy, store)
            generations = [p for p in tmp_path.iterdir() if p.name.startswith(".served.gen-") and p.is_dir()]
            # the new one, the one the workers read, the one the server process's session opened
            assert len(generations) <= 3
