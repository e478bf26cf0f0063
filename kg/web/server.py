"""Running the app under uvicorn: HTTP/1.1 with keep-alive and an idle timeout, one access log line
per request."""

import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import uvicorn

from kg.web.app import create_app
from kg.web.settings import ServeSettings


def serve(store_dir: Path, settings: ServeSettings, announce: Callable[[str], None] | None = None) -> None:
    """Serve the store until interrupted (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    # a level, not ``disabled``: uvicorn's logging setup enables every existing logger again
    logging.getLogger("kg.web.access").setLevel(logging.INFO if settings.access_log else logging.WARNING)
    app = create_app(store_dir, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, http="auto", lifespan="on",
                            access_log=False, timeout_keep_alive=settings.keep_alive,
                            limit_concurrency=settings.max_connections, backlog=2048,
                            log_level="warning", server_header=False)
    server = uvicorn.Server(config)
    if announce:
        announce(f"http://{settings.host}:{settings.port}")
    server.run()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextmanager
def running(store_dir: Path, settings: ServeSettings, ready_timeout: float = 60.0) -> Iterator[str]:
    """The app served by uvicorn in a background thread for a block; yields its base URL.

    For tests and benchmarks (loopback only): the server, its workers and their processes stop
    when the block ends.
    """
    if settings.port == 0:
        settings = replace(settings, port=free_port(settings.host))
    config = uvicorn.Config(create_app(store_dir, settings), host=settings.host, port=settings.port,
                            lifespan="on", access_log=False, timeout_keep_alive=settings.keep_alive,
                            limit_concurrency=settings.max_connections, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="paritykg-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{settings.host}:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(30)
