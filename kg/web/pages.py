"""The explorer: server-rendered pages for people over the same answers as the API and the CLI.

``page_routes(state)`` gives the routes; the app mounts ``kg/web/static`` at ``/static``. Canned
answers come from ``state.queries`` (the app's query runner: worker processes, time limit, the
cache the API shares) in the output contract's shape; descriptive look-ups (labels, a source's
metadata, form options) from ``state.session``. Every page has a stable URL (its parameters in
the query string) and a JSON twin (``?format=json``); every number links to its source page,
anchored at the claim, with the locator beside it. Bad parameters get 400 naming the parameter
and what it accepts; unknown ids get 404.
"""

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from kg.comparability import VERDICT_ORDER
from kg.contract import public_name
from kg.queries import Parameter, canned_query
from kg.resolve import ResolveError
from kg.vocabulary import CATEGORIES
from kg.web.pages_charts import lineage_chart, parity_chart, price_chart, trend_charts
from kg.web.pages_data import NotFound, PageData, claim_link
from kg.web.workers import JobFailed, QueryTimedOut

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_VALUE = 200
FORMATS = ("html", "json")
MAX_GROUPS = 100


class BadParameter(ValueError):
    """A page parameter that is not allowed: the message names it and what it accepts."""


class Refused(RuntimeError):
    """The query runner refused or could not answer: an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def url_name(param: Parameter) -> str:
    """A query parameter's name in URLs, as the API spells it: ``asOf`` -> ``as_of``."""
    return public_name(param.name)


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
        """Look-ups for the pages, from the session the app opened (created on first use)."""
        if self._data is None or self._data.session is not self.state.session:
            self._data = PageData(self.state.session)
        return self._data

    async def look_up(self, method: Callable[..., Any], *args: Any) -> Any:
        """A ``PageData`` look-up, run off the event loop."""
        return await run_in_threadpool(method, *args)

    async def ask(self, question: str, params: dict[str, str]) -> dict[str, Any]:
        """A canned question's contract object from the app's query runner."""
        try:
            body = await self.state.queries.answer(question, params)
        except JobFailed as exc:
            raise Refused(exc.status, _url_names(str(exc))) from None
        except QueryTimedOut as exc:
            raise Refused(503, str(exc)) from None
        return json.loads(body)

    def render(self, request: Request, template: str, context: dict[str, Any]) -> Response:
        """The page, with the link to its JSON twin (the handler answers ``format=json`` itself,
        with the answers as the API gives them, before decorating them for the page)."""
        query = dict(request.query_params)
        query["format"] = "json"
        context.update(request=request, json_url=f"{request.url.path}?{urlencode(query)}")
        return TEMPLATES.TemplateResponse(request, template, context)

    def failure(self, request: Request, status: int, message: str) -> Response:
        """A one-line error, as a small page or as JSON."""
        message = " ".join(message.split())
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                          status_code=status)

    def guarded(self, handler):
        """``handler`` with every expected problem turned into a 400, 404 or 503 with one line."""
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except BadParameter as exc:
                return self.failure(request, 400, str(exc))
            except NotFound as exc:
                return self.failure(request, 404, str(exc))
            except Refused as exc:
                return self.failure(request, exc.status, str(exc))
        return endpoint

    # parity ---------------------------------------------------------------------------------

    async def policy_params(self, request: Request, question: str = "parity",
                            fixed: tuple[str, ...] = ()) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """A question's parameters from the query string (URL names) and the form's controls.

        The controls come from the question's own parameter declarations, so the form offers
        exactly what the query takes.
        """
        declared = [p for p in canned_query(question).params if p.name not in fixed]
        given = _read(request, {url_name(p): p.description for p in declared})
        params = {p.name: given[url_name(p)] for p in declared if url_name(p) in given}
        controls = [await self.control(p, given.get(url_name(p), "")) for p in declared]
        return params, controls

    async def control(self, param: Parameter, value: str) -> dict[str, Any]:
        """One form control for a declared parameter: a select for choices and known entities."""
        control = {"name": url_name(param), "label": url_name(param).replace("_", " "),
                   "help": param.description, "value": value, "kind": param.kind, "options": None,
                   "default": param.default}
        if param.choices:
            control["options"] = [(choice, choice) for choice in param.choices]
        elif param.kind == "category":
            control["options"] = [("", "every category")] + [(c.slug, c.label) for c in CATEGORIES]
        elif param.kind in ("benchmark", "source"):
            listed = await self.look_up(self.data.listing, param.kind)
            control["options"] = [("", f"every {param.kind}"), *listed]
        return control

    async def home(self, request: Request) -> Response:
        """The parity table and chart as of a date under a policy, with the form to change them."""
        params, controls = await self.policy_params(request)
        answer = await self.ask("parity", params)
        if _wants_json(request):
            return JSONResponse(answer)
        items = answer["rows"]
        for item in items:
            _link_sides(item)
        policy = "; ".join(f"{name} = {value}" for name, value in answer["policy"].items())
        scored = [item for item in items if item["verdict"] != "no data"]
        order = ("open_leads", "parity", "closed_leads")  # the roll-up's keys (snake_case verdicts)
        verdicts = sorted({key for row in answer["categories"] for key in row if key != "category"},
                          key=lambda v: (order.index(v) if v in order else len(order), v))
        context = {"items": scored, "unscored": [i for i in items if i["verdict"] == "no data"],
                   "verdicts": verdicts,
                   "controls": controls, "policy": policy, "categories": answer["categories"],
                   "parity_chart": parity_chart(scored, policy), "api_url": _api("/api/parity", request)}
        return self.render(request, "home.html", context)

    # model ----------------------------------------------------------------------------------

    async def _entity_id(self, request: Request, kinds: tuple[str, ...]) -> tuple[str, str] | Response:
        """The (kind, id) a path names, or a redirect to the canonical URL of the entity it names."""
        name = request.path_params["id"]
        if len(name) > MAX_VALUE:
            raise BadParameter(f"id: at most {MAX_VALUE} characters")
        names = await self.look_up(self.data.session.names)
        try:
            iri = names.resolve(name, kinds)
        except ResolveError as exc:
            raise NotFound(str(exc)) from exc
        kind, ident = iri.rsplit("/", 2)[-2:]
        if ident != name:
            target = request.url.path.rsplit("/", 1)[0] + "/" + ident
            return RedirectResponse(target + (f"?{request.url.query}" if request.url.query else ""), 308)
        return kind, ident

    async def model(self, request: Request) -> Response:
        """A model's (or family's, or cohort's) facts, scores, prices and lineage, each with its sources."""
        _read(request, {})
        found = await self._entity_id(request, ("model", "family", "cohort"))
        if isinstance(found, Response):
            return found
        kind, ident = found
        entity = await self.look_up(self.data.entity, kind, ident)
        no_lineage = {"question": "lineage", "rows": []}  # a cohort ("open models") has no lineage
        listed, conflicts, lineage = await asyncio.gather(  # the workers answer them side by side
            self.ask("claims", {"subject": ident}), self.ask("contradictions", {"model": ident}),
            self.ask("lineage", {"model": ident}) if kind != "cohort" else asyncio.sleep(0, no_lineage))
        if _wants_json(request):
            return JSONResponse({"entity": entity, "claims": listed, "contradictions": conflicts,
                                 "lineage": lineage})
        titles = await self.look_up(self.data.source_ids_by_title)
        verdict_of = {claim["claim"]: group["verdict"] for group in conflicts["rows"]
                      for claim in group["claims"]}
        claims = listed["rows"]
        for claim in claims:
            claim["link"] = claim_link(claim["claim"])
            claim["verdict"] = verdict_of.get(claim["claim"])
            if claim["kind"] in ("score", "comparison"):
                claim["benchmark_id"] = await self.look_up(self.data.benchmark_id, claim["property"])
        edges = lineage["rows"]
        for edge in edges:
            source_id = titles.get(edge["source"])
            edge["link"] = f"/source/{source_id}" if source_id else None
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for claim in claims:
            by_kind.setdefault(claim["kind"], []).append(claim)
        for group in by_kind.values():
            group.sort(key=lambda c: (str(c["property"]), str(c["source_date"])))
        context = {"entity": entity, "kind": kind, "by_kind": by_kind, "conflicts": conflicts["rows"],
                   "lineage": edges, "lineage_chart": lineage_chart(edges, ident, entity["label"]),
                   "price_chart": price_chart(by_kind.get("price", []), entity["label"]),
                   "api_url": f"/api/claims?subject={ident}"}
        return self.render(request, "model.html", context)

    # benchmark ------------------------------------------------------------------------------

    async def benchmark(self, request: Request) -> Response:
        """A benchmark's parity over time and every score on it, with setting and source."""
        params, controls = await self.policy_params(request, "trend", fixed=("benchmark",))
        found = await self._entity_id(request, ("benchmark",))
        if isinstance(found, Response):
            return found
        _, ident = found
        entity = await self.look_up(self.data.entity, "benchmark", ident)
        trend, listed = await asyncio.gather(self.ask("trend", {**params, "benchmark": ident}),
                                             self.ask("claims", {"benchmark": ident}))
        if _wants_json(request):
            return JSONResponse({"entity": entity, "trend": trend, "claims": listed})
        points = trend["rows"]
        for point in points:
            _link_sides(point)
        scores = [dict(c, link=claim_link(c["claim"])) for c in listed["rows"] if c["kind"] == "score"]
        scores.sort(key=lambda c: (-(c.get("value") or c.get("max") or 0), c["subject"]))
        context = {"entity": entity, "points": points, "scores": scores, "controls": controls,
                   "charts": trend_charts(points, entity["label"]),
                   "policy": "; ".join(f"{k} = {v}" for k, v in trend["policy"].items()),
                   "api_url": _api(f"/api/trend?benchmark={ident}", request)}
        return self.render(request, "benchmark.html", context)

    # source ---------------------------------------------------------------------------------

    async def source(self, request: Request) -> Response:
        """A source's metadata, every claim it makes, and the audit of its comparisons."""
        _read(request, {})
        ident = request.path_params["id"]
        if len(ident) > MAX_VALUE:
            raise BadParameter(f"id: at most {MAX_VALUE} characters")
        meta = await self.look_up(self.data.source, ident)
        listed, audit = await asyncio.gather(self.ask("claims", {"source": ident}),
                                             self.ask("audit", {"source": ident}), return_exceptions=True)
        for outcome in (listed, audit):
            if isinstance(outcome, BaseException) and not (outcome is audit and isinstance(outcome, Refused)
                                                           and outcome.status == 503):
                raise outcome
        audit_problem = str(audit) if isinstance(audit, Refused) else None
        if audit_problem:  # the claims are worth showing even when the audit runs out of time
            audit = {"rows": [], "error": audit_problem}
        if _wants_json(request):
            return JSONResponse({"source": meta, "claims": listed, "audit": audit})
        titles = await self.look_up(self.data.source_ids_by_title)
        claims = listed["rows"]
        for claim in claims:
            claim["anchor"] = "claim-" + claim["claim"].split("/", 1)[1]
            if claim["kind"] in ("score", "comparison"):
                claim["benchmark_id"] = await self.look_up(self.data.benchmark_id, claim["property"])
        comparisons = audit["rows"]
        for item in comparisons:
            item["anchor"] = "claim-" + item["comparison"].split("/", 1)[1]
            for pair in item["same_source"] + item["other_sources"]:
                pair["left_source_id"] = titles.get(pair["left_source"])
                pair["right_source_id"] = titles.get(pair["right_source"])
        context = {"source": meta, "claims": claims, "comparisons": comparisons,
                   "audit_problem": audit_problem, "api_url": f"/api/claims?source={ident}"}
        return self.render(request, "source.html", context)

    # contradictions -------------------------------------------------------------------------

    async def contradictions(self, request: Request) -> Response:
        """Pairs of disagreeing claims, filtered by model, benchmark, kind, verdict and tolerance."""
        declared = canned_query("contradictions").params
        accepted = {url_name(p): p.description for p in declared}
        accepted["verdict"] = "one verdict: " + ", ".join(VERDICT_ORDER)
        given = _read(request, accepted)
        verdict = given.pop("verdict", None)
        if verdict is not None and verdict not in VERDICT_ORDER:
            raise BadParameter(f"verdict: must be one of {', '.join(VERDICT_ORDER)}, not '{verdict}'")
        params = {p.name: given[url_name(p)] for p in declared if url_name(p) in given}
        answer = await self.ask("contradictions", params)
        groups = [g for g in answer["rows"] if verdict is None or any(
            pair["verdict"] == verdict for pair in g["pairs"])]
        if _wants_json(request):
            return JSONResponse({**answer, "verdict": verdict, "rows": groups})
        shown = groups[:MAX_GROUPS]
        for group in shown:
            for claim in group["claims"]:
                claim["link"] = claim_link(claim["claim"])
        controls = [await self.control(p, given.get(url_name(p), "")) for p in declared]
        controls.append({"name": "verdict", "label": "verdict", "help": accepted["verdict"],
                         "value": verdict or "", "kind": "choice",
                         "options": [("", "every verdict")] + [(v, v) for v in VERDICT_ORDER]})
        for control in controls:
            if control["name"] == "kind":
                control["options"] = [("", "every kind"), *control["options"]]
        context = {"groups": shown, "total": len(groups), "limit": MAX_GROUPS, "controls": controls,
                   "api_url": _api("/api/contradictions", request)}
        return self.render(request, "contradictions.html", context)

    # SPARQL ---------------------------------------------------------------------------------

    async def query(self, request: Request) -> Response:
        """The SPARQL editor (YASGUI, served from the package) pointed at ``/sparql``."""
        _read(request, {})
        if _wants_json(request):
            return JSONResponse({"endpoint": "/sparql", "example": EXAMPLE_QUERY})
        return self.render(request, "query.html", {"example": EXAMPLE_QUERY, "api_url": "/sparql"})


def _api(path: str, request: Request) -> str:
    """The API route answering the same question, with the page's parameters (not ``format``)."""
    query = urlencode([(key, value) for key, value in request.query_params.multi_items()
                       if key not in ("format", "verdict")])
    joiner = "&" if "?" in path else "?"
    return path + (joiner + query if query else "")


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

