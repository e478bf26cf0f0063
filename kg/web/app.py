"""The ASGI application of ``kg serve``: the SPARQL endpoint, the JSON API and (if present) the pages.

``create_app(store_dir, settings)`` builds a Starlette app. Its state, for every route module:

- ``app.state.settings``: the ``ServeSettings`` in effect;
- ``app.state.session``: a ``kg.session.Session`` opened once for the process (cheap reads in
  the server process, e.g. the name index for a page's form);
- ``app.state.queries``: the ``QueryRunner`` that answers questions and SPARQL queries in worker
  processes, each bounded by the time limit and row cap, without blocking the server.

The pages (``kg.web.pages``, optional) add their routes through ``page_routes(state)`` and their
files under ``/static``.
"""

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from kg.session import Session
from kg.web.settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]


def _page_routes(state: State) -> list[BaseRoute]:
    """The pages' routes and their static files, when the pages module is installed."""
    if importlib.util.find_spec("kg.web.pages") is None:
        return []
    pages = importlib.import_module("kg.web.pages")
    routes = list(pages.page_routes(state))
    static = Path(pages.__file__).parent / "static"
    if static.is_dir():
        routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    return routes


def _middleware(settings: ServeSettings) -> list[Middleware]:
    """CORS as configured: read-only methods, no credentials."""
    if not settings.cors_origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                       allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                       allow_headers=["Accept", "Content-Type"], allow_credentials=False,
                       expose_headers=["Content-Length", "Content-Type"], max_age=600)]


def create_app(store_dir: Path, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app serving the store at ``store_dir`` (read-only) under ``settings``."""
    settings = settings or ServeSettings()
    session = Session(store_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            session.close()

    app = Starlette(middleware=_middleware(settings), lifespan=lifespan)
    app.state.settings = settings
    app.state.store_dir = store_dir
    app.state.session = session
    app.router.routes.extend(_page_routes(app.state))
    return app
