"""Reading what a client sends, bounded and strict: URL parameters, bodies, and one-line errors."""

import asyncio
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

MAX_BODY = 1_000_000  # bytes of a request body
MAX_FIELDS = 200  # parameters in one URL or form


class BadRequest(Exception):
    """A request the server will not read; carries the status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line plain-text error."""
    return PlainTextResponse(" ".join(message.split()) + "\n", status_code=status, headers=headers)


def parse_form(raw: bytes, where: str) -> list[tuple[str, str]]:
    """``name=value&...`` pairs: ASCII with UTF-8 percent-escapes, at most MAX_FIELDS of them."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise BadRequest(400, f"the {where} must be ASCII; percent-encode other characters "
                              "(as UTF-8)") from None
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadRequest(400, f"the {where} has percent-escapes that are not UTF-8") from None
    except ValueError:
        raise BadRequest(400, f"the {where} has more than {MAX_FIELDS} parameters") from None


def url_parameters(request: Request) -> list[tuple[str, str]]:
    """The URL's query parameters, strictly decoded."""
    return parse_form(request.scope.get("query_string", b""), "URL query string")


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Parameter pairs grouped by name (a name may repeat)."""
    groups: dict[str, list[str]] = {}
    for name, value in pairs:
        groups.setdefault(name, []).append(value)
    return groups


async def read_body(request: Request, timeout: float, cap: int = MAX_BODY) -> bytes:
    """The request body: refused past ``cap`` bytes, or when it does not arrive within ``timeout``.

    A Content-Length that promises more than is sent ends in 408 instead of a hung connection.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BadRequest(400, f"Content-Length must be a whole number of bytes, not '{declared[:40]}'")
        if int(declared) > cap:
            raise BadRequest(413, f"the request body is {int(declared):,} bytes; the limit is {cap:,}")
    parts: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), max(deadline - loop.time(), 0.001))
        except StopAsyncIteration:
            break
        except TimeoutError:
            raise BadRequest(408, f"the request body did not arrive within {timeout:g} s "
                                  "(is Content-Length larger than the body?)") from None
        size += len(chunk)
        if size > cap:
            raise BadRequest(413, f"the request body is larger than the limit of {cap:,} bytes")
        parts.append(chunk)
    return b"".join(parts)


def decode_text(raw: bytes, what: str) -> str:
    """A body as UTF-8 text, refused if it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(400, f"the {what} is not valid UTF-8 (byte {exc.start})") from None
