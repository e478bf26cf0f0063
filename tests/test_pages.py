"""Explorer pages (issue 13, item 3) without a browser: status codes, links, sources, errors."""

import json
import re
import tomllib
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg import answers
from kg.comparability import VERDICT_ORDER
from kg.queries import canned_query
from kg.session import Session
from kg.web.app import ServeSettings, create_app
from kg.web.pages import url_name
from kg.web.pages_data import PageData

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "kg" / "web"


class Page(HTMLParser):
    """The links, element ids, form controls and number links of one HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.controls: set[str] = set()
        self.numbers: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
            if "num" in (attributes.get("class") or "").split():
                self.numbers.append(attributes["href"])
        if tag in ("input", "select") and attributes.get("name"):
            self.controls.add(attributes["name"])


@pytest.fixture(scope="module")
def client(fixture_store) -> TestClient:
    with TestClient(create_app(fixture_store, ServeSettings(workers=2, access_log=False))) as test_client:
        yield test_client


def get_page(client: TestClient, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


PAGES = ["/", "/?as_of=2024-12-31&openness=osi", "/model/open-chat-70b", "/model/closed-family",
         "/model/open-weight-models",
         "/benchmark/bench-text", "/source/parity-article", "/contradictions", "/contradictions?kind=fact",
         "/query"]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_type_renders_with_its_json_twin(client, url):
    page = get_page(client, url)
    separator = "&" if "?" in url else "?"
    assert f"{url}{separator}format=json".replace("&", "&amp;") in client.get(url).text
    twin = client.get(f"{url}{separator}format=json")
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert isinstance(twin.json(), dict)
    assert "main" in page.ids


def test_every_internal_link_on_every_page_resolves(client):
    seen: set[str] = set()
    for url in PAGES:
        for link in get_page(client, url).links:
            target = link.split("#", 1)[0]
            if target.startswith("/") and target not in seen:
                seen.add(target)
                response = client.get(target)
                assert response.status_code == 200, (url, link, response.status_code)
    assert any(target.startswith("/source/") for target in seen)
    assert any(target.startswith("/model/") for target in seen)


def test_every_number_on_the_parity_page_links_to_its_claim_on_the_source_page(client, fixture_store):
    page = get_page(client, "/")
    expected = {best["claim"] for item in answers.parity(fixture_store)["benchmarks"]
                for best in (item["best_open"], item["best_closed"]) if best}
    linked = set()
    for href in page.numbers:
        match = re.fullmatch(r"/source/([^/#]+)#claim-(.+)", href)
        assert match, href
        source_page = get_page(client, f"/source/{match.group(1)}")
        assert f"claim-{match.group(2)}" in source_page.ids, href
        linked.add(f"{match.group(1)}/{match.group(2)}")
    assert expected <= linked


def test_parity_form_offers_every_declared_parameter(client):
    declared = {url_name(p) for p in canned_query("parity").params}
    assert get_page(client, "/").controls == declared


def test_parity_page_follows_the_policy_and_its_json_is_the_answer(client, fixture_store):
    twin = client.get("/?as_of=2024-12-31&openness=osi&format=json").json()
    assert twin == client.get("/api/parity?as_of=2024-12-31&openness=osi").json()
    assert twin["rows"] == json.loads(json.dumps(
        answers.parity(fixture_store, asOf="2024-12-31", openness="osi")["benchmarks"]))
    text = client.get("/?as_of=2024-12-31&openness=osi").text
    assert "as_of = 2024-12-31" in text and "openness = osi" in text


def test_parity_chart_has_axis_title_legend_and_printed_sources(client):
    text = client.get("/").text
    svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)
    assert "score (percent; axis" in svg
    assert "best open" in svg and "best closed" in svg
    notes = re.search(r'<ol class="notes">(.*?)</ol>', text, re.S).group(1)
    assert "Open models have caught up" in notes and "/source/" in notes


def test_model_page_marks_conflicting_facts(client):
    text = client.get("/model/open-base-70b").text
    conflict_rows = re.findall(r'<tr class="conflict">(.*?)</tr>', text, re.S)
    assert len(conflict_rows) == 2
    assert all("total parameters" in row for row in conflict_rows)


def test_model_page_draws_lineage_up_and_down(client):
    for model in ("open-chat-70b", "open-base-70b"):
        text = client.get(f"/model/{model}").text
        svg = re.search(r'<h2 id="lineage">.*?(<svg.*?</svg>)', text, re.S).group(1)
        assert 'href="/model/open-chat-70b"' in svg and 'href="/model/open-base-70b"' in svg


def test_model_page_redirects_a_name_to_the_stable_id_url(client):
    response = client.get("/model/Open-Chat-70B", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/model/open-chat-70b"


def test_benchmark_page_lists_every_score_with_setting_and_source(client, fixture_store):
    text = client.get("/benchmark/bench-code").text
    scores = [c for c in answers.plain(fixture_store, "claims", benchmark="bench-code") if c["kind"] == "score"]
    assert scores
    for claim in scores:
        source, local = claim["claim"].rsplit("/claim/", 1)[1].split("/", 1)
        assert f'href="/source/{source}#claim-{local}"' in text
    assert "pass_at=10" in text or "pass@" in text


def test_source_page_shows_the_audit_of_its_comparisons(client):
    text = client.get("/source/parity-article").text
    assert 'id="audit"' in text
    assert "cheaper" in text and "across every source" in text


def test_contradictions_filter_by_verdict_and_kind(client):
    for verdict in ("conflict", "setting unstated on one side"):
        groups = client.get("/contradictions", params={"verdict": verdict, "format": "json"}).json()["rows"]
        assert groups
        assert all(any(pair["verdict"] == verdict for pair in g["pairs"]) for g in groups)
    facts = client.get("/contradictions?kind=fact&format=json").json()["rows"]
    assert facts and {g["kind"] for g in facts} == {"fact"}


@pytest.mark.parametrize(("url", "named", "accepts"), [
    ("/?as_of=yesterday", "as_of", "YYYY-MM-DD"),
    ("/?openness=free", "openness", "weights, osi"),
    ("/?threshold=-2", "threshold", "0 or more"),
    ("/?colour=red", "colour", "as_of"),
    ("/?format=xml", "format", "html, json"),
    ("/?benchmark=no-such-bench", "no-such-bench", "benchmark"),
    (f"/?as_of={'9' * 300}", "as_of", "at most 200 characters"),
    ("/contradictions?verdict=maybe", "verdict", VERDICT_ORDER[0]),
    ("/contradictions?tolerance=lots", "tolerance", "number"),
    ("/benchmark/bench-text?splits=some", "splits", "separate, pooled"),
    ("/model/open-chat-70b?as_of=2024", "as_of", "format"),
])
def test_bad_parameters_get_400_naming_the_parameter_and_what_it_accepts(client, url, named, accepts):
    for fmt in ("", "json"):
        response = client.get(url + (f"&format={fmt}" if fmt and "format=" not in url else ""))
        assert response.status_code == 400, (url, response.text[:200])
        message = response.json()["error"] if fmt and "format=" not in url else re.search(
            r'<p class="error" role="alert">(.*?)</p>', response.text, re.S).group(1)
        assert "\n" not in message and named in message and accepts in message.replace("&#39;", "'")


@pytest.mark.parametrize("url", ["/model/no-such-model", "/benchmark/no-such-bench", "/source/no-such-source"])
def test_unknown_ids_get_404_with_one_line(client, url):
    response = client.get(url)
    assert response.status_code == 404
    message = re.search(r'<p class="error" role="alert">(.*?)</p>', response.text, re.S).group(1)
    assert "no-such" in message and "\n" not in message
    assert client.get(url + "?format=json").json()["error"] == message.replace("&#39;", "'")


def test_yasgui_is_served_from_the_package_with_its_licence(client):
    text = client.get("/query").text
    assert 'src="/static/yasgui/yasgui.min.js"' in text
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert client.get("/static/yasgui/yasgui.min.css").status_code == 200
    assert "MIT License" in (WEB / "static" / "yasgui" / "LICENSE").read_text()
    assert 'data-endpoint="/sparql"' in text


def test_pages_load_nothing_from_other_hosts(client):
    for url in PAGES:
        text = client.get(url).text
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), url


def test_templates_and_static_files_ship_in_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    shipped = [path for folder in ("templates", "static") for path in (WEB / folder).rglob("*") if path.is_file()]
    assert shipped
    for path in shipped:
        assert any(path.is_relative_to(ROOT / package.replace(".", "/"))
                   and fnmatch(path.relative_to(ROOT / package.replace(".", "/")).as_posix(), pattern)
                   for package, patterns in package_data.items() for pattern in patterns), path


def test_look_ups_are_cached_until_the_store_changes_generation(fixture_store, monkeypatch):
    session = Session(fixture_store)
    data = PageData(session)
    calls = []
    assert data.cached(("k",), lambda: calls.append(1) or 1) == 1
    assert data.cached(("k",), lambda: calls.append(1) or 2) == 1
    monkeypatch.setattr(session, "names", object)  # after a build the session has a new name index
    assert data.cached(("k",), lambda: calls.append(1) or 3) == 3
    assert len(calls) == 2


def test_chart_axis_is_fitted_so_a_small_gap_shows():
    from kg.web.pages_charts import fitted_range

    low, high = fitted_range([81.5, 83.0], (0, 100))
    assert 75 <= low < 81.5 and 83.0 < high <= 90
    assert fitted_range([2.0, 99.5], (0, 100)) == (0, 100)


def test_parity_chart_numbers_every_drawn_value_with_its_source(fixture_store):
    from kg.web.pages_charts import parity_chart

    items = answers.parity(fixture_store)["benchmarks"]
    chart = parity_chart(items, "policy")
    drawn = [best for item in items if item["unit"] == "percent"
             for best in (item["best_open"], item["best_closed"]) if best]
    assert len(chart.notes) == len(drawn)
    for note in chart.notes:
        assert f"[{note['number']}]" in chart.svg and note["source"] and note["locator"]


def test_lineage_chart_puts_parents_above_children():
    from kg.web.pages_charts import lineage_chart

    edge = {"child": "Child", "child_id": "child", "parent": "Parent", "parent_id": "parent",
            "relation": "fine-tune", "status": "documented", "cross_lab": False, "source": "S",
            "locator": "table 1", "link": "/source/s"}
    grandchild = {**edge, "child": "Grandchild", "child_id": "grandchild", "parent": "Child",
                  "parent_id": "child"}
    svg = lineage_chart([edge, grandchild], "child", "Child").svg
    heights = {name: float(re.search(rf'href="/model/{name}"><rect x="[\d.]+" y="([\d.]+)"', svg).group(1))
               for name in ("parent", "child", "grandchild")}
    assert heights["parent"] < heights["child"] < heights["grandchild"]


def test_a_long_id_is_refused_and_pages_answer_head(client):
    assert client.get("/model/" + "x" * 300).status_code == 400
    assert client.head("/").status_code == 200


def test_category_roll_up_counts_every_verdict(client):
    answer = client.get("/?format=json").json()
    text = client.get("/").text
    table = re.search(r'<table class="rollup">(.*?)</table>', text, re.S).group(1)
    for row in answer["categories"]:
        cells = re.search(rf'<th scope="row">{row["category"]}</th>(.*?)</tr>', table, re.S).group(1)
        shown = sum(int(n) for n in re.findall(r"<td>(\d+)</td>", cells))
        assert shown == sum(v for k, v in row.items() if k != "category")


def test_readme_shows_every_committed_screenshot():
    readme = (ROOT / "README.md").read_text()
    committed = sorted(p.name for p in (ROOT / "docs" / "screenshots").glob("*.png"))
    assert committed
    for name in committed:
        assert f"docs/screenshots/{name}" in readme, name


def test_json_twins_carry_the_api_answers_undecorated(client):
    model = client.get("/model/open-chat-70b?format=json").json()
    assert model["claims"] == client.get("/api/claims?subject=open-chat-70b").json()
    assert model["lineage"] == client.get("/api/lineage/open-chat-70b").json()
    source = client.get("/source/parity-article?format=json").json()
    assert source["audit"] == client.get("/api/audit?source=parity-article").json()
    listed = client.get("/contradictions?kind=fact&format=json").json()
    assert listed["rows"] == client.get("/api/contradictions?kind=fact").json()["rows"]


def test_end_labels_of_many_series_never_overlap():
    from kg.web.pages_charts import price_chart

    prices = [{"property": f"price (input tokens, seller {n})", "value": 1 + n / 100, "source_date": "2026-01-01",
               "source": "S", "locator": f"row {n}", "link": "/source/s#claim-x"} for n in range(12)]
    chart = price_chart(prices, "M")
    ys = sorted(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>price \(input', chart.svg))
    assert len(ys) == 12 and all(b - a >= 12 - 1e-6 for a, b in zip(ys, ys[1:], strict=False))
    assert len(chart.notes) == 12
