"""Load and fault figures for ``kg serve`` (127.0.0.1 only, bounded in time and clients).

Starts ``kg serve`` as a separate process on a free loopback port, then measures with
keep-alive HTTP/1.1 clients (asyncio + httpx):

1. cold: the first answer of each request (computed by a worker, nothing cached yet);
2. single client: one client asking the same request back to back (latency p50/p99);
3. parity: N clients asking ``/api/parity`` for S seconds, while one pathological query (a
   cross product) runs again and again until the time limit stops it, and a probe asks a
   trivial ASK (a new text each time, so never from the cache) twice a second;
4. mixed: the same with each request drawn from a mix of API questions and small SPARQL
   queries (half of them new texts, so computed by a worker, not cached).

Reports errors (any status but 200, except the pathological query's expected 503), p50/p99
against the single-client figures, and the probe's latency while the pathological query runs.

    python benchmarks/bench_serve.py --store .paritykg/store --clients 32 --seconds 30
"""

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CLAIM_COUNT = ("SELECT (COUNT(?c) AS ?n) WHERE {{ ?c <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }} "
               "# request {n}")
SOURCES_PAGE = ("SELECT ?s ?title WHERE {{ ?s a <https://w3id.org/paritykg/vocab#Source> ; "
                "<http://purl.org/dc/terms/title> ?title }} ORDER BY ?s LIMIT 20 OFFSET {offset}")
PARITY = "/api/parity"


@dataclass
class Phase:
    """Latencies (seconds) and failures of one measured phase."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        """The latency below which ``share`` of the requests finished (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    def summary(self) -> dict:
        """Counts and percentiles in milliseconds."""
        return {"requests": len(self.latencies), "errors": len(self.errors),
                "p50_ms": round(self.percentile(0.5) * 1000, 1),
                "p99_ms": round(self.percentile(0.99) * 1000, 1),
                "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1),
                "first_errors": self.errors[:3]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(store: Path, workers: int, timeout: float, port: int, log: Path) -> subprocess.Popen:
    """``kg serve`` in its own process (loopback only), once it answers; its stderr goes to ``log``."""
    command = [sys.executable, "-m", "kg", "serve", "--store", str(store), "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--timeout", str(timeout), "--no-access-log"]
    with log.open("ab") as sink:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kg serve stopped: {log.read_text(errors='replace')[-500:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("kg serve did not answer within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server (and its workers: they are in its session)."""
    try:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


async def _ask(client: httpx.AsyncClient, target: str, phase: Phase, expected: int = 200) -> float:
    started = time.perf_counter()
    try:
        response = await client.get(target)
        await response.aread()
        status = response.status_code
    except httpx.HTTPError as exc:
        phase.errors.append(f"{target[:60]}: {type(exc).__name__}")
        return time.perf_counter() - started
    seconds = time.perf_counter() - started
    if status != expected:
        phase.errors.append(f"{target[:60]}: HTTP {status}")
    phase.latencies.append(seconds)
    return seconds


def _sparql(text: str) -> str:
    return "/sparql?" + httpx.QueryParams({"query": text}).__str__()


MOST_CLAIMED = ("PREFIX pk: <https://w3id.org/paritykg/vocab#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                "SELECT ?label (COUNT(?c) AS ?n) WHERE { ?c pk:subject ?m . ?m a pk:Model ; "
                "skos:prefLabel ?label } GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 3")


async def most_claimed_models(base: str) -> list[str]:
    """The three models with the most claims in the served store (the mix asks about them)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        response = await client.get(_sparql(MOST_CLAIMED))
    response.raise_for_status()
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


def mixed_targets(count: int, seed: int, models: list[str]) -> list[str]:
    """The mixed workload's requests: cached API answers and new SPARQL texts, half each."""
    rng = random.Random(seed)
    cached = [PARITY, "/api/parity?openness=osi", "/api/parity?as_of=2025-06-30", "/api/lag",
              _sparql("ASK { ?s ?p ?o }")]
    for model in models:
        name = httpx.QueryParams({"model": model})
        cached += [f"/api/claims?{httpx.QueryParams({'subject': model})}", f"/api/contradictions?{name}",
                   f"/api/lineage/{quote(model, safe='')}"]
    targets = []
    for n in range(count):
        if n % 2:
            targets.append(rng.choice(cached))
        elif n % 4:
            targets.append(_sparql(CLAIM_COUNT.format(n=n)))
        else:
            targets.append(_sparql(SOURCES_PAGE.format(offset=rng.randrange(0, 100))))
    return targets


async def _client_loop(base: str, targets, stop: float, phase: Phase) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while time.monotonic() < stop:
            await _ask(client, next(targets), phase)


async def _pathological_loop(base: str, stop: float, phase: Phase) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        while time.monotonic() < stop:
            await _ask(client, _sparql(PATHOLOGICAL), phase, expected=503)


async def _probe_loop(base: str, stop: float, phase: Phase) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for n in itertools.count():
            if time.monotonic() >= stop:
                return
            await _ask(client, _sparql(f"ASK {{ ?s ?p {n} }}"), phase)
            await asyncio.sleep(0.5)


async def single_client(base: str, targets: list[str], seconds: float) -> Phase:
    """One client, back to back, for ``seconds``."""
    phase = Phase()
    await _client_loop(base, itertools.cycle(targets), time.monotonic() + seconds, phase)
    return phase


async def under_load(base: str, make_targets, clients: int, seconds: float,
                     pathological: bool) -> tuple[Phase, Phase, Phase]:
    """``clients`` clients for ``seconds``, with the pathological query and the probe alongside."""
    load, slow, probe = Phase(), Phase(), Phase()
    stop = time.monotonic() + seconds
    tasks = [_client_loop(base, make_targets(index), stop, load) for index in range(clients)]
    if pathological:
        tasks.append(_pathological_loop(base, stop, slow))
        await asyncio.sleep(0)  # the pathological query starts first
    tasks.append(_probe_loop(base, stop, probe))
    await asyncio.gather(*tasks)
    return load, slow, probe


async def cold(base: str, targets: list[str]) -> dict[str, float]:
    """The first (computed) latency of each distinct request, in milliseconds."""
    times = {}
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        for target in dict.fromkeys(targets):
            phase = Phase()
            times[target] = round(await _ask(client, target, phase) * 1000, 1)
            if phase.errors:
                raise RuntimeError(f"warm-up failed: {phase.errors[0]}")
    return times


async def run(store: Path, clients: int, seconds: float, single_seconds: float, workers: int,
              timeout: float, port: int | None = None) -> dict:
    """Every phase against one server (started here unless ``port`` names a running one)."""
    log = Path(tempfile.gettempdir()) / "bench_serve_server.log"
    server = None if port else start_server(store, workers, timeout, port := _free_port(), log)
    base = f"http://127.0.0.1:{port}"
    try:
        models = await most_claimed_models(base)
        mix = mixed_targets(400, 1, models)
        cached_mix = [t for t in mix if not t.startswith("/sparql?query=SELECT")]
        results: dict = {"clients": clients, "seconds": seconds, "workers": workers, "timeout_s": timeout,
                         "cold_ms": await cold(base, [PARITY, *cached_mix])}
        results["single_parity"] = (await single_client(base, [PARITY], single_seconds)).summary()
        results["single_mixed"] = (await single_client(base, mix, single_seconds)).summary()
        for name, make_targets in (("parity", lambda _i: itertools.repeat(PARITY)),
                                   ("mixed", lambda i: itertools.cycle(mixed_targets(400, 100 + i, models)))):
            load, slow, probe = await under_load(base, make_targets, clients, seconds, pathological=True)
            results[name] = {"load": load.summary(), "pathological": slow.summary(), "probe": probe.summary()}
        return results
    finally:
        if server:
            stop_server(server)


def verdicts(results: dict) -> dict[str, bool]:
    """The issue's targets, checked on the results."""
    checks = {}
    for name in ("parity", "mixed"):
        phase, single = results[name], results[f"single_{name}"]
        checks[f"{name}: zero errors"] = phase["load"]["errors"] == 0 and phase["probe"]["errors"] == 0
        checks[f"{name}: p99 <= 3x single-client p99"] = phase["load"]["p99_ms"] <= 3 * single["p99_ms"]
        checks[f"{name}: trivial ASK within 1 s while the pathological query runs"] = (
            phase["probe"]["max_ms"] < 1000)
        checks[f"{name}: the pathological query was stopped"] = phase["pathological"]["requests"] >= 1
    return checks


def table(results: dict) -> str:
    """The results as a Markdown table."""
    lines = ["| workload | requests | errors | p50 ms | p99 ms | single-client p50 / p99 ms "
             "| p99 / single p99 | trivial ASK max ms (pathological running) | pathological stopped (503) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in ("parity", "mixed"):
        phase, single = results[name], results[f"single_{name}"]
        load = phase["load"]
        lines.append(
            f"| {name} | {load['requests']} | {load['errors'] + phase['probe']['errors']} | {load['p50_ms']} "
            f"| {load['p99_ms']} | {single['p50_ms']} / {single['p99_ms']} "
            f"| {load['p99_ms'] / single['p99_ms']:.1f} | {phase['probe']['max_ms']} "
            f"| {phase['pathological']['requests']} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print the table, the checks and the raw figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path(".paritykg/store"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--single-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=20.0, help="the server's query time limit")
    parser.add_argument("--port", type=int, help="measure a kg serve already running on 127.0.0.1:PORT")
    args = parser.parse_args()
    if not (1 <= args.clients <= 256 and 0 < args.seconds <= 600 and 0 < args.single_seconds <= 120):
        parser.error("--clients 1..256, --seconds up to 600, --single-seconds up to 120")
    results = asyncio.run(run(args.store, args.clients, args.seconds, args.single_seconds, args.workers,
                              args.timeout, args.port))
    print(table(results))
    for check, ok in verdicts(results).items():
        print(f"{'PASS' if ok else 'FAIL'} {check}")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
