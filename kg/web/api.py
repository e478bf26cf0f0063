"""The JSON API: one route per canned question, answering with the output contract (kg.contract).

``/api/parity?as_of=2026-03-02&openness=osi``, ``/api/lineage/{model}``,
``/api/contradictions?model=...``, ``/api/audit``, ``/api/lag``, ``/api/trend?benchmark=...``,
``/api/coverage``, ``/api/claims?subject=...``. Parameter names are the snake_case of the command
line's options (``--as-of`` is ``as_of``); values are checked by the same code as the CLI's, with
the same messages. A bad parameter is 400 with ``{"error": "one line"}``; the time limit 503.
``/api/openapi.json`` describes every route.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kg import contract
from kg.canned import ParameterError
from kg.queries import Parameter, canned_queries
from kg.web.reading import BadRequest, url_parameters
from kg.web.workers import JobFailed, QueryTimedOut

JSON = "application/json"


def json_error(status: int, message: str) -> JSONResponse:
    """A one-line error as JSON."""
    return JSONResponse({"error": " ".join(message.split())}, status_code=status)


def question_parameters(question: str, request: Request) -> dict[str, str]:
    """The request's parameters by the query's own names; repeated or unknown names are refused."""
    given: dict[str, str] = {}
    for name, value in url_parameters(request):
        if name in given:
            raise BadRequest(400, f"give {name} once")
        given[name] = value
    given.update(request.path_params)
    try:
        return contract.from_public(question, given)
    except ParameterError as exc:
        raise BadRequest(400, str(exc)) from None


async def answer_response(request: Request, question: str) -> Response:
    """The contract object answering ``question`` for this request, or a JSON error."""
    try:
        params = question_parameters(question, request)
        body = await request.app.state.queries.answer(question, params)
    except BadRequest as exc:
        return json_error(exc.status, str(exc))
    except JobFailed as exc:
        return json_error(exc.status, str(exc))
    except QueryTimedOut as exc:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": "1"})
    return Response(body, media_type=JSON)


def _endpoint(question: str):
    async def endpoint(request: Request) -> Response:
        return await answer_response(request, question)

    endpoint.__doc__ = f"The {question} question as the contract's JSON object."
    return endpoint


async def api_index(request: Request) -> Response:
    """The questions the API answers, with their summaries and routes."""
    return JSONResponse({"questions": [
        {"question": name, "summary": canned.summary, "path": _path(name)}
        for name, canned in canned_queries().items()
    ], "openapi": "/api/openapi.json"})


async def openapi_document(request: Request) -> Response:
    """The OpenAPI 3.1 description of the API."""
    return JSONResponse(openapi())


def _path(question: str) -> str:
    return "/api/lineage/{model}" if question == "lineage" else f"/api/{question}"


def _schema(param: Parameter) -> dict[str, Any]:
    if param.choices:
        schema = {"type": "string", "enum": list(param.choices)}
        return {**schema, "default": param.default} if param.default in param.choices else schema
    if param.kind == "date":
        return {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    if param.kind == "number":
        schema: dict[str, Any] = {"type": "number", "minimum": 0}
        default = contract.effective_value(param, None)
        return {**schema, "default": default} if default is not None else schema
    if param.kind == "count":
        return {"type": "integer", "minimum": 1}
    return {"type": "string"}


ANSWER_SCHEMA = {
    "type": "object",
    "required": ["question", "parameters", "policy", "rows"],
    "properties": {
        "question": {"type": "string"},
        "parameters": {"type": "object", "description": "every parameter with the value in effect"},
        "policy": {"type": ["object", "null"], "description": "the evidence policy in effect, in words"},
        "rows": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def openapi() -> dict[str, Any]:
    """The OpenAPI document, generated from the canned queries' headers."""
    paths: dict[str, Any] = {}
    for name, canned in canned_queries().items():
        parameters = []
        for param in canned.params:
            in_path = name == "lineage" and param.name == "model"
            parameters.append({
                "name": contract.public_name(param.name), "in": "path" if in_path else "query",
                "required": in_path, "description": f"{param.description} (CLI: {param.option})",
                "schema": _schema(param),
            })
        errors = {"description": "a bad parameter, an unknown name",
                  "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}
        paths[_path(name)] = {"get": {
            "operationId": name, "summary": canned.summary, "description": canned.question,
            "parameters": parameters,
            "responses": {
                "200": {"description": "the answer",
                        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Answer"}}}},
                "400": errors,
                "503": {"description": "the time limit was reached",
                        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ParityKG API", "version": _version(),
                 "description": "Canned questions over the ParityKG graph; every answer is "
                                "{question, parameters, policy, rows, ...}. See docs/api.md."},
        "paths": paths,
        "components": {"schemas": {"Answer": ANSWER_SCHEMA, "Error": ERROR_SCHEMA}},
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("paritykg")
    except PackageNotFoundError:
        return "unknown"


def api_routes() -> list[Route]:
    """Every API route."""
    routes = [Route("/api", api_index, methods=["GET"]),
              Route("/api/openapi.json", openapi_document, methods=["GET"])]
    for name in canned_queries():
        routes.append(Route(_path(name), _endpoint(name), methods=["GET"]))
    return routes
