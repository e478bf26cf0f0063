"""HTTP requests to remote SPARQL services, with credentials from the environment and one-line errors.

Credentials are read from the environment, never from the command line, and never printed:
``PARITYKG_ENDPOINT_TOKEN`` is sent as a bearer token; ``PARITYKG_ENDPOINT_USER`` and
``PARITYKG_ENDPOINT_PASSWORD`` answer a server's Basic or Digest challenge (Virtuoso's
authenticated endpoints ask for Digest).
"""

import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.errors import RemoteError


@dataclass(frozen=True)
class Reply:
    """A finished HTTP exchange: status and body (bounded)."""

    status: int
    body: bytes


def _opener(url: str) -> urllib.request.OpenerDirector:
    """An opener that answers Basic and Digest challenges of ``url``'s server with the environment's user."""
    user = os.environ.get("PARITYKG_ENDPOINT_USER")
    if not user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    parts = urllib.parse.urlsplit(url)
    passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", user,
                           os.environ.get("PARITYKG_ENDPOINT_PASSWORD", ""))
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords),
                                       urllib.request.HTTPDigestAuthHandler(passwords))


def token_headers() -> dict[str, str]:
    """The bearer token header from PARITYKG_ENDPOINT_TOKEN, or nothing."""
    token = os.environ.get("PARITYKG_ENDPOINT_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def _detail(error: urllib.error.HTTPError) -> str:
    """The first line of an error page's text, shortened, as ': detail' (or nothing)."""
    try:
        text = error.read(2000).decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("<")]
    return f": {lines[0][:200]}" if lines else ""


def send(url: str, what: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 60.0, max_bytes: int = 256 * 1024 * 1024,
         missing_ok: bool = False) -> Reply:
    """One request; HTTP errors, refusals, timeouts and oversized answers become one-line RemoteErrors.

    With ``missing_ok`` a 404 is a reply (status 404, empty body) instead of an error.
    """
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={**token_headers(), **(headers or {})})
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            content = response.read(max_bytes + 1)
            status = response.status
    except urllib.error.HTTPError as exc:
        if missing_ok and exc.code == 404:
            return Reply(404, b"")
        raise RemoteError(f"{url}: {what}: HTTP {exc.code} {exc.reason}{_detail(exc)}") from None
    except TimeoutError:
        raise RemoteError(f"{url}: {what}: no answer within {timeout:g} s") from None
    except ValueError as exc:
        raise RemoteError(f"{url}: {what}: {exc}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise RemoteError(f"{url}: {what}: no answer within {timeout:g} s") from None
        raise RemoteError(f"{url}: {what}: cannot connect ({reason})") from None
    if len(content) > max_bytes:
        raise RemoteError(f"{url}: {what}: answer larger than {max_bytes} bytes")
    return Reply(status, content)
