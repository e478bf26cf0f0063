"""What an operator sets for ``kg serve``: address, CORS, bounds on every query, worker count."""

import math
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_QUERY_TIMEOUT = 30.0  # seconds a query may run before its worker is killed
DEFAULT_ROW_CAP = 100_000  # rows an API answer may carry
DEFAULT_RESULT_BYTES = 64 * 1024 * 1024  # bytes a serialised /sparql result may take
DEFAULT_WORKERS = 4  # query worker processes (each holds its own read-only session)
DEFAULT_KEEP_ALIVE = 5  # seconds an idle HTTP/1.1 connection stays open
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024  # answers kept per store generation
DEFAULT_BODY_TIMEOUT = 10.0  # seconds for a request body to arrive in full
DEFAULT_MAX_CONNECTIONS = 1000  # open connections and requests at once; past it uvicorn answers 503
MAX_WORKERS = 64


@dataclass(frozen=True)
class ServeSettings:
    """Settings of one ``kg serve`` process; every value is checked when the settings are made.

    ``cors_origins`` is the CORS policy: ``("*",)`` (the default) lets any origin read answers,
    never with credentials; an empty tuple sends no CORS headers at all.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allow_service: bool = False
    cors_origins: tuple[str, ...] = ("*",)
    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    row_cap: int = DEFAULT_ROW_CAP
    result_bytes: int = DEFAULT_RESULT_BYTES
    workers: int = DEFAULT_WORKERS
    keep_alive: int = DEFAULT_KEEP_ALIVE
    cache_bytes: int = DEFAULT_CACHE_BYTES
    access_log: bool = True
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    body_timeout: float = DEFAULT_BODY_TIMEOUT

    def __post_init__(self) -> None:
        if not (isinstance(self.query_timeout, int | float) and math.isfinite(self.query_timeout)
                and 0 < self.query_timeout <= 3600):
            raise ValueError("--timeout needs seconds above 0 and at most 3600, "
                             f"not {self.query_timeout!r}")
        if not 1 <= self.row_cap <= 10_000_000:
            raise ValueError(f"--limit needs a whole number from 1 to 10,000,000, not {self.row_cap!r}")
        if not 2**20 <= self.result_bytes <= 4 * 2**30:
            raise ValueError(f"--max-result-mb needs 1 to 4096 MiB, not {self.result_bytes / 2**20:g}")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ValueError(f"--workers needs a whole number from 1 to {MAX_WORKERS}, not {self.workers!r}")
        if not 1 <= self.keep_alive <= 3600:
            raise ValueError(f"--keep-alive needs seconds from 1 to 3600, not {self.keep_alive!r}")
        if not 0 <= self.cache_bytes <= 16 * 1024**3:
            raise ValueError(f"--cache-mb needs 0 to 16384 MiB, not {self.cache_bytes / 2**20:g}")
        if not 1 <= self.max_connections <= 100_000:
            raise ValueError(f"max_connections needs 1 to 100,000, not {self.max_connections!r}")
        if not 0 < self.body_timeout <= 600:
            raise ValueError(f"the body timeout needs 0 to 600 seconds, not {self.body_timeout!r}")
        if not 0 <= self.port < 65536:
            raise ValueError(f"--port needs 0 to 65535, not {self.port!r}")
