"""Running the app under uvicorn: HTTP/1.1 with keep-alive and an idle timeout, one access log line
per request."""

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn

from kg.web.app import create_app
from kg.web.settings import ServeSettings


def serve(store_dir: Path, settings: ServeSettings, announce: Callable[[str], None] | None = None) -> None:
    """Serve the store until interrupted (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    logging.getLogger("kg.web.access").disabled = not settings.access_log
    app = create_app(store_dir, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, http="auto", lifespan="on",
                            access_log=False, timeout_keep_alive=settings.keep_alive,
                            limit_concurrency=settings.max_connections, backlog=2048,
                            log_level="warning", server_header=False)
    server = uvicorn.Server(config)
    if announce:
        announce(f"http://{settings.host}:{settings.port}")
    server.run()
