"""The canned questions on the embedded store against the same questions on external engines.

Starts each engine asked for on 127.0.0.1 (benchmarks/engine_servers.py), fills it with
`kg push` from a built store, then times every question (embedded through one Session, remote
through kg.remote.RemoteEndpoint, the same parameters, alternating so that noise hits both) and
checks that both give the same rows. Prints a Markdown table of medians and the remote/embedded
ratio; with --write-docs, replaces the measured table in docs/scale-out.md.

    python benchmarks/bench_scale_out.py --store /tmp/paritykg-scale/seed7-1m/store \\
        --manifest /tmp/paritykg-scale/seed7-1m/manifest.json --engines oxigraph
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.engine_servers import ENGINES, EngineMissing, canonical, credentials  # noqa: E402
from kg.budget import QueryBudget, use_budget  # noqa: E402
from kg.canned import run_canned  # noqa: E402
from kg.push import push_store  # noqa: E402
from kg.remote import RemoteEndpoint  # noqa: E402
from kg.session import Session  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "scale-out.md"
MARK_START, MARK_END = "<!-- scale-out table: start -->", "<!-- scale-out table: end -->"


def questions(manifest: dict | None) -> list[tuple[str, dict[str, str]]]:
    """The questions to time: full forms, and narrowed forms when a scale manifest names targets."""
    asked = [("parity", {}), ("parity", {"asOf": "2025-06-30", "openness": "osi"}), ("contradictions", {}),
             ("audit", {}), ("coverage", {})]
    if manifest:
        narrow = manifest.get("narrow", {})
        model, benchmark = narrow.get("model"), narrow.get("benchmark")
        root, leaf, source = narrow.get("root"), narrow.get("leaf"), narrow.get("source")
        if source:
            asked.append(("audit", {"source": source}))
        if model:
            asked.append(("contradictions", {"model": model}))
            asked.append(("claims", {"subject": model}))
        if benchmark:
            asked += [("lag", {"benchmark": benchmark}), ("trend", {"benchmark": benchmark}),
                      ("parity", {"benchmark": benchmark})]
        if root:
            asked.append(("lineage", {"model": root, "direction": "down"}))
        if leaf:
            asked.append(("lineage", {"model": leaf, "direction": "up"}))
    return asked


def timed(engine, name: str, params: dict[str, str]) -> tuple[float, list[dict]]:
    """Seconds for one answer, and the rows."""
    start = time.perf_counter()
    rows, _ = run_canned(engine, name, dict(params))
    return time.perf_counter() - start, rows


def measure(store: Path, engine_names: list[str], asked: list[tuple[str, dict]], repeat: int,
            timeout: float) -> list[dict]:
    """Median seconds per question, embedded and on each engine, in one run."""
    results = []
    with tempfile.TemporaryDirectory(prefix="paritykg-scale-out-") as scratch, Session(store) as session:
        for engine_name in engine_names:
            try:
                context = ENGINES[engine_name](Path(scratch) / engine_name, **(
                    {"memory_mb": 4096} if engine_name == "virtuoso" else {}))
                server = context.__enter__()
            except EngineMissing as missing:
                print(f"skipping {engine_name}: {missing}", file=sys.stderr)
                continue
            try:
                start = time.perf_counter()
                with credentials(server):
                    push_store(store, server.store_url, timeout=3600)
                push_seconds = time.perf_counter() - start
                results.append({"engine": engine_name, "question": "kg push (whole store)",
                                "embedded": None, "remote": push_seconds, "same": None})
                remote = RemoteEndpoint(server.query_url, timeout=timeout)
                with use_budget(QueryBudget(timeout=timeout, limit=10_000_000)):
                    remote.names()
                    session.names()
                    for name, params in asked:
                        here, there, same = [], [], True
                        for _ in range(repeat):
                            seconds, local_rows = timed(session, name, params)
                            here.append(seconds)
                            try:
                                seconds, remote_rows = timed(remote, name, params)
                            except Exception as failure:  # noqa: BLE001 - reported in the table
                                there, same = [], f"failed: {str(failure)[:80]}"
                                break
                            there.append(seconds)
                            same = same and canonical(local_rows) == canonical(remote_rows)
                        label = name + "".join(f" --{k} {v}" for k, v in params.items())
                        results.append({"engine": engine_name, "question": label,
                                        "embedded": statistics.median(here),
                                        "remote": statistics.median(there) if there else None,
                                        "same": same})
                        print(json.dumps(results[-1]), file=sys.stderr)
            finally:
                context.__exit__(None, None, None)
    return results


def table(results: list[dict]) -> str:
    """Results as a Markdown table."""
    lines = ["| engine | question | embedded s | engine s | engine / embedded | same rows |",
             "|---|---|---|---|---|---|"]
    for row in results:
        here = f"{row['embedded']:.3f}" if row["embedded"] is not None else ""
        there = f"{row['remote']:.3f}" if row["remote"] is not None else "failed"
        ratio = (f"{row['remote'] / row['embedded']:.1f}x"
                 if row["embedded"] and row["remote"] is not None else "")
        same = {True: "yes", False: "NO", None: ""}.get(row["same"], row["same"])
        lines.append(f"| {row['engine']} | {row['question']} | {here} | {there} | {ratio} | {same} |")
    return "\n".join(lines)


def main() -> None:
    """Run the comparison and print (or write) the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="a store built by kg build")
    parser.add_argument("--manifest", type=Path, help="the scale tree's manifest.json (narrowing targets)")
    parser.add_argument("--engines", default="oxigraph", help="comma-separated: oxigraph,virtuoso")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--write-docs", action="store_true", help="replace the table in docs/scale-out.md")
    args = parser.parse_args()
    manifest = json.loads(args.manifest.read_text()) if args.manifest else None
    results = measure(args.store, args.engines.split(","), questions(manifest), args.repeat, args.timeout)
    text = table(results)
    print(text)
    if args.write_docs:
        doc = DOCS.read_text(encoding="utf-8")
        head, rest = doc.split(MARK_START, 1)
        _, tail = rest.split(MARK_END, 1)
        DOCS.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
