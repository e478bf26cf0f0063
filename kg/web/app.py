"""The ASGI application of ``kg serve``: the SPARQL endpoint, the JSON API and (if present) the pages.

``create_app(store_dir, settings)`` builds a Starlette app. Its state, for every route module:

- ``app.state.settings``: the ``ServeSettings`` in effect;
- ``app.state.store_dir``: the store's path;
- ``app.state.session``: a ``kg.session.Session`` opened once for the process (cheap reads in the
  server process, e.g. the name index for a page's form; never a long query: it would block);
- ``app.state.queries``: the ``kg.web.runner.QueryRunner`` (set when the app starts): ``await
  queries.answer(question, params)`` gives a canned question's contract object as JSON bytes,
  ``await queries.sparql(...)`` a protocol query's result; both run in worker processes under
  the time limit and row cap, and raise ``JobFailed`` (``.status``, one-line message) or
  ``QueryTimedOut``.

The pages (``kg.web.pages``, optional) add their routes through ``page_routes(state)`` and their
files under ``/static``.
"""

import asyncio
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.session import Session
from kg.web.access_log import AccessLog
from kg.web.api import api_routes
from kg.web.runner import QueryRunner
from kg.web.settings import ServeSettings
from kg.web.sparql_protocol import sparql_routes

__all__ = ["ServeSettings", "create_app"]


def _page_routes(state: State) -> list[BaseRoute]:
    """The pages' routes and their static files, when the pages module is installed."""
    if importlib.util.find_spec("kg.web.pages") is None:
        return [Route("/", _plain_home, methods=["GET"])]
    pages = importlib.import_module("kg.web.pages")
    routes = list(pages.page_routes(state))
    static = Path(pages.__file__).parent / "static"
    if static.is_dir():
        routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    return routes


async def _plain_home(request: Request) -> PlainTextResponse:
    """Where to go when the pages are not installed."""
    return PlainTextResponse("ParityKG: SPARQL 1.1 endpoint at /sparql, JSON API at /api "
                             "(described at /api/openapi.json)\n")


def _middleware(settings: ServeSettings) -> list[Middleware]:
    """The access log, and CORS as configured: read-only methods, no credentials."""
    middleware = [Middleware(AccessLog)]
    if settings.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"], allow_headers=["Accept", "Content-Type"],
            allow_credentials=False, expose_headers=["Content-Length", "Content-Type"], max_age=600))
    return middleware


async def _warm(runner: QueryRunner) -> None:
    """Answer the default parity question into the runner's cache; a failure is only logged."""
    try:
        await runner.answer("parity", {})
    except Exception as failure:  # noqa: BLE001 - a warm-up must never stop the server
        logging.getLogger("kg.serve").warning("warm-up of the parity answer failed: %s", failure)


def create_app(store_dir: Path, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app serving the store at ``store_dir`` (read-only) under ``settings``.

    Opening the session checks the store exists (``StoreError`` otherwise); the query workers
    start with the app (its lifespan) and stop with it.
    """
    settings = settings or ServeSettings()
    session = Session(store_dir)
    session.store  # noqa: B018 (fails now, with a clear message, if there is no store)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner = QueryRunner(store_dir, settings)
        await runner.start()
        app.state.queries = runner
        # the home page's default answer is computed once at start-up, so its first visitor
        # gets it from the cache instead of waiting for the parity query
        warm_up = asyncio.get_running_loop().create_task(_warm(runner))
        try:
            yield
        finally:
            warm_up.cancel()
            await runner.close()
            session.close()

    app = Starlette(routes=[*sparql_routes(), *api_routes()], middleware=_middleware(settings),
                    lifespan=lifespan)
    app.state.settings = settings
    app.state.store_dir = store_dir
    app.state.session = session
    app.router.routes.extend(_page_routes(app.state))
    return app
