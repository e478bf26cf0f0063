"""The explorer: server-rendered pages for people over the same answers as the API and the CLI.

``page_routes(state)`` gives the routes; the app mounts ``kg/web/static`` at ``/static``. Every
page has a stable URL (its parameters in the query string) and a JSON twin (``?format=json``);
every number links to its source page, anchored at the claim, with the locator beside it.
Bad parameters get 400 naming the parameter and what it accepts; unknown ids get 404.
"""

import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from kg.budget import QueryBounded
from kg.canned import ParameterError
from kg.comparability import VERDICT_ORDER
from kg.queries import Parameter, canned_query
from kg.resolve import ResolveError
from kg.vocabulary import CATEGORIES
from kg.web.pages_charts import lineage_chart, parity_chart, price_chart, trend_charts
from kg.web.pages_data import NotFound, PageData, claim_link

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_VALUE = 200
FORMATS = ("html", "json")
MAX_GROUPS = 300


class BadParameter(ValueError):
    """A page parameter that is not allowed: the message names it and what it accepts."""


def url_name(param: Parameter) -> str:
    """A query parameter's name in URLs, as the API spells it: ``asOf`` -> ``as_of``."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", param.name).lower()


def _read(request: Request, accepted: dict[str, str]) -> dict[str, str]:
    """The request's non-empty parameters, checked against ``accepted`` (URL name -> what it takes)."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name == "format":
            if value not in FORMATS:
                raise BadParameter(f"format: must be one of {', '.join(FORMATS)}, not '{value[:40]}'")
            continue
        if name not in accepted:
            takes = ", ".join(["format", *accepted]) if accepted else "format"
            raise BadParameter(f"unknown parameter '{name[:40]}'; this page takes: {takes}")
        if len(value) > MAX_VALUE:
            raise BadParameter(f"{name}: at most {MAX_VALUE} characters")
        if name in values:
            raise BadParameter(f"{name}: give it once")
        if value.strip():
            values[name] = value.strip()
    return values


def _url_names(message: str) -> str:
    """A parameter message with command-line option names as the URL spells them: ``--as-of`` -> ``as_of``."""
    return re.sub(r"--([a-z][a-z-]*)", lambda match: match.group(1).replace("-", "_"), message)


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def _link_sides(item: dict[str, Any]) -> None:
    for side in ("best_open", "best_closed"):
        if item.get(side):
            item[side]["link"] = claim_link(item[side]["claim"])


class Pages:
    """The page handlers, sharing one ``PageData`` over the app's session."""

    def __init__(self, state: Any):
        self.state = state
        self._data: PageData | None = None

    @property
    def data(self) -> PageData:
        """Answers for the pages, from the session the app opened (created on first use)."""
        if self._data is None or self._data.session is not self.state.session:
            self._data = PageData(self.state.session)
        return self._data

    def respond(self, request: Request, template: str, context: dict[str, Any],
                twin: dict[str, Any]) -> Response:
        """The page, or its JSON twin when ``format=json``."""
        if _wants_json(request):
            return JSONResponse(twin)
        query = dict(request.query_params)
        query["format"] = "json"
        context.update(request=request, json_url=f"{request.url.path}?{urlencode(query)}")
        return TEMPLATES.TemplateResponse(request, template, context)

    def failure(self, request: Request, status: int, message: str) -> Response:
        """A one-line error, as a small page or as JSON."""
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                          status_code=status)

    def guarded(self, handler):
        """``handler`` with every expected problem turned into a 400, 404 or 503 with one line."""
        def endpoint(request: Request) -> Response:
            try:
                return handler(request)
            except (BadParameter, ParameterError) as exc:
                return self.failure(request, 400, str(exc))
            except NotFound as exc:
                return self.failure(request, 404, str(exc))
            except QueryBounded as exc:
                return self.failure(request, 503, str(exc))
        return endpoint

    # parity ---------------------------------------------------------------------------------

    def parity_params(self, request: Request, question: str = "parity",
                      fixed: tuple[str, ...] = ()) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """A question's parameters from the query string (URL names) and the form's controls.

        The controls come from the question's own parameter declarations, so the form offers
        exactly what the query takes.
        """
        declared = [p for p in canned_query(question).params if p.name not in fixed]
        given = _read(request, {url_name(p): p.description for p in declared})
        params = {p.name: given[url_name(p)] for p in declared if url_name(p) in given}
        controls = [self.control(p, given.get(url_name(p), "")) for p in declared]
        return params, controls

    def control(self, param: Parameter, value: str) -> dict[str, Any]:
        """One form control for a declared parameter: a select for choices and known entities."""
        control = {"name": url_name(param), "label": url_name(param).replace("_", " "),
                   "help": param.description, "value": value, "kind": param.kind, "options": None}
        if param.choices:
            control["options"] = [(choice, choice) for choice in param.choices]
        elif param.kind == "category":
            control["options"] = [("", "every category")] + [(c.slug, c.label) for c in CATEGORIES]
        elif param.kind in ("benchmark", "source"):
            control["options"] = [("", f"every {param.kind}")] + self.data.listing(param.kind)
        return control

    def _ask(self, question: str, params: dict[str, str]) -> dict[str, Any]:
        """A canned answer; an unknown name among the parameters is a bad parameter (400)."""
        try:
            return self.data.answer(question, **params)
        except (ResolveError, ParameterError) as exc:
            raise BadParameter(_url_names(str(exc))) from exc

    def home(self, request: Request) -> Response:
        """The parity table and chart as of a date under a policy, with the form to change them."""
        params, controls = self.parity_params(request)
        result = self._ask("parity", params)
        items = copy.deepcopy(result["benchmarks"])
        for item in items:
            _link_sides(item)
        policy = "; ".join(f"{name} = {value}" for name, value in result["policy"].items())
        scored = [item for item in items if item["verdict"] != "no data"]
        context = {"items": scored, "unscored": [i for i in items if i["verdict"] == "no data"],
                   "controls": controls, "policy": policy, "categories": result["categories"],
                   "chart": parity_chart(scored, policy),
                   "api_url": "/api/parity" + (f"?{request.url.query}" if request.url.query else "")}
        return self.respond(request, "home.html", context, result)

    # model ----------------------------------------------------------------------------------

    def _entity_id(self, request: Request, kinds: tuple[str, ...]) -> tuple[str, str] | Response:
        """The (kind, id) a path names, or a redirect to the canonical URL of the entity it names."""
        name = request.path_params["id"]
        if len(name) > MAX_VALUE:
            raise BadParameter(f"id: at most {MAX_VALUE} characters")
        try:
            iri = self.data.session.names().resolve(name, kinds)
        except ResolveError as exc:
            raise NotFound(str(exc)) from exc
        kind, ident = iri.rsplit("/", 2)[-2:]
        if ident != name:
            target = request.url.path.rsplit("/", 1)[0] + "/" + ident
            return RedirectResponse(target + (f"?{request.url.query}" if request.url.query else ""), 308)
        return kind, ident

    def model(self, request: Request) -> Response:
        """A model's (or family's) facts, scores, prices and lineage, each with its sources."""
        _read(request, {})
        found = self._entity_id(request, ("model", "family"))
        if isinstance(found, Response):
            return found
        kind, ident = found
        entity = self.data.entity(kind, ident)
        claims = copy.deepcopy(self.data.claims(model=ident))
        conflicts = self.data.answer("contradictions", model=ident)
        verdict_of = {claim["claim"]: group["verdict"] for group in conflicts["groups"]
                      for claim in group["claims"]}
        titles = self.data.source_ids_by_title()
        for claim in claims:
            claim["link"] = claim_link(claim["claim"])
            claim["verdict"] = verdict_of.get(claim["claim"])
            if claim["kind"] in ("score", "comparison"):
                claim["benchmark_id"] = self.data.benchmark_id(claim["property"])
        lineage = copy.deepcopy(self.data.lineage(ident))
        for edge in lineage["edges"]:
            source_id = titles.get(edge["source"])
            edge["source_id"] = source_id
            edge["link"] = f"/source/{source_id}" if source_id else None
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for claim in claims:
            by_kind.setdefault(claim["kind"], []).append(claim)
        for group in by_kind.values():
            group.sort(key=lambda c: (str(c["property"]), str(c["source_date"])))
        prices = by_kind.get("price", [])
        context = {"entity": entity, "kind": kind, "by_kind": by_kind, "conflicts": conflicts["groups"],
                   "lineage": lineage["edges"],
                   "lineage_chart": lineage_chart(lineage["edges"], ident, entity["label"]),
                   "price_chart": price_chart(prices, entity["label"]),
                   "api_url": f"/api/lineage/{ident}"}
        twin = {"entity": entity, "claims": claims, "contradictions": conflicts, "lineage": lineage}
        return self.respond(request, "model.html", context, twin)

    # benchmark ------------------------------------------------------------------------------

    def benchmark(self, request: Request) -> Response:
        """A benchmark's parity over time and every score on it, with setting and source."""
        found = self._entity_id(request, ("benchmark",))
        if isinstance(found, Response):
            _read(request, {url_name(p): "" for p in canned_query("trend").params})
            return found
        _, ident = found
        params, controls = self.parity_params(request, "trend", fixed=("benchmark",))
        entity = self.data.entity("benchmark", ident)
        trend = self._ask("trend", {**params, "benchmark": ident})
        points = copy.deepcopy(trend["points"])
        for point in points:
            _link_sides(point)
        scores = copy.deepcopy([c for c in self.data.claims(benchmark=ident) if c["kind"] == "score"])
        for claim in scores:
            claim["link"] = claim_link(claim["claim"])
        scores.sort(key=lambda c: (-(c.get("value") or c.get("max") or 0), c["subject"]))
        context = {"entity": entity, "points": points, "scores": scores, "controls": controls,
                   "charts": trend_charts(points, entity["label"]),
                   "policy": "; ".join(f"{k} = {v}" for k, v in trend["policy"].items()),
                   "api_url": f"/api/trend?benchmark={ident}"}
        return self.respond(request, "benchmark.html", context,
                            {"entity": entity, "trend": trend, "scores": scores})

    # source ---------------------------------------------------------------------------------

    def source(self, request: Request) -> Response:
        """A source's metadata, every claim it makes, and the audit of its comparisons."""
        _read(request, {})
        ident = request.path_params["id"]
        if len(ident) > MAX_VALUE:
            raise BadParameter(f"id: at most {MAX_VALUE} characters")
        meta = self.data.source(ident)
        claims = copy.deepcopy(self.data.claims(source=ident))
        for claim in claims:
            claim["anchor"] = "claim-" + claim["claim"].split("/", 1)[1]
            if claim["kind"] in ("score", "comparison"):
                claim["benchmark_id"] = self.data.benchmark_id(claim["property"])
        audit = self.data.answer("audit", source=ident)
        comparisons = copy.deepcopy(audit["comparisons"])
        titles = self.data.source_ids_by_title()
        for item in comparisons:
            item["anchor"] = "claim-" + item["comparison"].split("/", 1)[1]
            for pair in item["same_source"] + item["other_sources"]:
                pair["left_source_id"] = titles.get(pair["left_source"])
                pair["right_source_id"] = titles.get(pair["right_source"])
        context = {"source": meta, "claims": claims, "comparisons": comparisons,
                   "api_url": f"/api/audit?source={ident}"}
        twin = {"source": meta, "claims": claims, "audit": audit}
        return self.respond(request, "source.html", context, twin)

    # contradictions -------------------------------------------------------------------------

    def contradictions(self, request: Request) -> Response:
        """Pairs of disagreeing claims, filtered by model, benchmark, kind, verdict and tolerance."""
        declared = canned_query("contradictions").params
        accepted = {url_name(p): p.description for p in declared}
        accepted["verdict"] = "one verdict: " + ", ".join(VERDICT_ORDER)
        given = _read(request, accepted)
        verdict = given.pop("verdict", None)
        if verdict is not None and verdict not in VERDICT_ORDER:
            raise BadParameter(f"verdict: must be one of {', '.join(VERDICT_ORDER)}, not '{verdict}'")
        params = {p.name: given[url_name(p)] for p in declared if url_name(p) in given}
        result = self._ask("contradictions", params)
        groups = [g for g in result["groups"] if verdict is None or any(
            pair["verdict"] == verdict for pair in g["pairs"])]
        shown = copy.deepcopy(groups[:MAX_GROUPS])
        for group in shown:
            for claim in group["claims"]:
                claim["link"] = claim_link(claim["claim"])
        controls = [self.control(p, given.get(url_name(p), "")) for p in declared]
        controls.append({"name": "verdict", "label": "verdict", "help": accepted["verdict"],
                         "value": verdict or "", "kind": "choice",
                         "options": [("", "every verdict")] + [(v, v) for v in VERDICT_ORDER]})
        for control in controls:
            if control["name"] == "kind":
                control["options"] = [("", "every kind"), *control["options"]]
        context = {"groups": shown, "total": len(groups), "limit": MAX_GROUPS, "controls": controls,
                   "api_url": "/api/contradictions" + (f"?{request.url.query}" if request.url.query else "")}
        twin = {**result, "verdict": verdict, "groups": groups}
        return self.respond(request, "contradictions.html", context, twin)

    # SPARQL ---------------------------------------------------------------------------------

    def query(self, request: Request) -> Response:
        """The SPARQL editor (YASGUI, served from the package) pointed at ``/sparql``."""
        _read(request, {})
        return self.respond(request, "query.html", {"example": EXAMPLE_QUERY, "api_url": "/sparql"},
                            {"endpoint": "/sparql", "example": EXAMPLE_QUERY})


EXAMPLE_QUERY = """PREFIX pk: <https://w3id.org/paritykg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?benchmark (COUNT(?claim) AS ?scores) WHERE {
  ?claim a pk:ScoreClaim ; pk:benchmark ?b .
  ?b skos:prefLabel ?benchmark .
}
GROUP BY ?benchmark
ORDER BY DESC(?scores)
LIMIT 20
"""


def page_routes(state: Any) -> list[BaseRoute]:
    """The explorer's routes; ``state.session`` is the app's ``kg.session.Session``."""
    pages = Pages(state)
    return [
        Route("/", pages.guarded(pages.home), name="home"),
        Route("/model/{id:path}", pages.guarded(pages.model), name="model"),
        Route("/benchmark/{id:path}", pages.guarded(pages.benchmark), name="benchmark"),
        Route("/source/{id:path}", pages.guarded(pages.source), name="source"),
        Route("/contradictions", pages.guarded(pages.contradictions), name="contradictions"),
        Route("/query", pages.guarded(pages.query), name="query"),
    ]

