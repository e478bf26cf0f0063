"""One log line per request: client, method, target, status, bytes sent and time taken."""

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOG = logging.getLogger("kg.web.access")
MAX_TARGET = 200  # characters of the request target written to the log


class AccessLog:
    """ASGI middleware writing ``client "METHOD /path?query HTTP/1.1" status bytes ms`` per request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and log it when the response is sent (or the handler fails)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "bytes": 0}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            target = scope.get("path", "")
            if scope.get("query_string"):
                target += "?" + scope["query_string"].decode("latin-1")
            if len(target) > MAX_TARGET:
                target = target[:MAX_TARGET] + "..."
            client = scope.get("client") or ("-", 0)
            LOG.info('%s "%s %s HTTP/%s" %d %d %.1fms', client[0], scope["method"], target,
                     scope.get("http_version", "1.1"), seen["status"], seen["bytes"],
                     (time.perf_counter() - started) * 1000)
