"""Start and stop external SPARQL engines on 127.0.0.1 for tests and benchmarks.

Each engine runs in a scratch directory of its own, on free loopback ports, and is stopped when
the ``with`` block ends. An engine whose program is not installed raises ``EngineMissing``
(tests turn that into a skip naming the engine and how to install it).

- Oxigraph server: PyPI ``oxigraph`` (``oxigraph serve``), query ``/query``, Graph Store ``/store``.
- Virtuoso 7: Debian ``virtuoso-opensource-7`` (``virtuoso-t``), query ``/sparql``, Graph Store
  ``/sparql-graph-crud-auth`` (Digest authentication as the ``dba`` user).
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


class EngineMissing(RuntimeError):
    """The engine's program is not installed on this machine."""


@dataclass
class EngineServer:
    """A running engine: where to ask questions, where to push graphs, and the credentials to push."""

    name: str
    query_url: str
    store_url: str
    credentials: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(query_url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    probe = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the engine stopped at start-up; see {log}")
        try:
            urllib.request.urlopen(probe, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the engine did not answer within {seconds:g} s; see {log}")


@contextmanager
def _running(command: list[str], query_url: str, log: Path, start_seconds: float) -> Iterator[None]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(query_url, process, start_seconds, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextmanager
def oxigraph_server(work: Path) -> Iterator[EngineServer]:
    """A writable Oxigraph server whose default graph is the union of its named graphs."""
    program = shutil.which("oxigraph")
    if program is None:
        raise EngineMissing("the Oxigraph server is not installed (pip install oxigraph)")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [program, "serve", "--location", str(work / "db"), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with _running(command, base + "/query", work / "oxigraph.log", 30):
        yield EngineServer("oxigraph", base + "/query", base + "/store")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {work}/virtuoso.db
ErrorLogFile = {work}/virtuoso.log
LockFile = {work}/virtuoso.lck
TransactionFile = {work}/virtuoso.trx
xa_persistent_file = {work}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {work}/virtuoso-temp.db
TransactionFile = {work}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {work}/vsp
ServerThreads = 10
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@contextmanager
def virtuoso_server(work: Path, memory_mb: int = 512) -> Iterator[EngineServer]:
    """A Virtuoso 7 server in ``work``; queries see every graph (Virtuoso's default dataset)."""
    program = shutil.which("virtuoso-t")
    if program is None:
        raise EngineMissing("Virtuoso is not installed (apt-get install virtuoso-opensource-7)")
    work.mkdir(parents=True, exist_ok=True)
    (work / "vsp").mkdir(exist_ok=True)
    buffers = max(2000, memory_mb * 1024 // 8 * 2 // 3 // 8 * 8)
    ini = work / "virtuoso.ini"
    http_port = free_port()
    ini.write_text(VIRTUOSO_INI.format(work=work, sql_port=free_port(), http_port=http_port,
                                       buffers=buffers, dirty=buffers * 3 // 4), encoding="utf-8")
    base = f"http://127.0.0.1:{http_port}"
    command = [program, "+foreground", "+configfile", str(ini)]
    with _running(command, base + "/sparql", work / "virtuoso.out", 120):
        yield EngineServer("virtuoso", base + "/sparql", base + "/sparql-graph-crud-auth",
                           {"PARITYKG_ENDPOINT_USER": "dba", "PARITYKG_ENDPOINT_PASSWORD": "dba"})


ENGINES = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
"""Every external engine the portability tests and the scale-out benchmark run on."""


@contextmanager
def credentials(server: EngineServer) -> Iterator[None]:
    """The engine's push credentials in the environment, for the block only."""
    saved = {key: os.environ.get(key) for key in server.credentials}
    os.environ.update(server.credentials)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _comparable(value):
    return float(f"{value:.12g}") if isinstance(value, float) else value


def canonical(rows: list[dict]) -> list[str]:
    """Rows as sorted JSON texts, numbers to 12 significant digits: equal answers compare equal."""
    return sorted(json.dumps({k: _comparable(v) for k, v in row.items()}, sort_keys=True, default=str)
                  for row in rows)
