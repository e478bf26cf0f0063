"""Side by side in one run: the audit query with and without restricting pairs to compared subjects.

Run: python benchmarks/bench_audit.py [--repeat 5] [--store .paritykg/store]
The unrestricted variant is the committed query minus its ``SELECT DISTINCT ?left ?right``
line, i.e. the formulation used before 2026-11-24. Both must return the same rows.
"""

import argparse
import statistics
import time
from pathlib import Path

from kg.queries import canned_queries
from kg.store import open_store, query

RESTRICTION_MARK = "SELECT DISTINCT ?left ?right"


def variants() -> dict[str, str]:
    """The committed audit query and the same query without the pair restriction."""
    text = canned_queries()["audit"].text
    lines = text.splitlines()
    kept = [line for line in lines if RESTRICTION_MARK not in line]
    if len(kept) != len(lines) - 1:
        raise SystemExit(f"queries/audit.rq no longer has exactly one '{RESTRICTION_MARK}' line")
    return {"restricted (committed)": text, "unrestricted": "\n".join(kept)}


def main() -> None:
    """Time both variants on one store and print their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, default=Path(".paritykg/store"))
    args = parser.parse_args()
    seconds: dict[str, float] = {}
    results: dict[str, list[str]] = {}
    with open_store(args.store) as store:
        for name, text in variants().items():
            samples = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                rows = list(query(store, text, {}))
                samples.append(time.perf_counter() - start)
            seconds[name] = statistics.median(samples)
            results[name] = sorted(str(list(row)) for row in rows)
    same = len({tuple(rows) for rows in results.values()}) == 1
    print(f"same rows: {same} ({len(results['restricted (committed)'])} rows)")
    print(f"unrestricted / restricted: {seconds['unrestricted'] / seconds['restricted (committed)']:.1f}x "
          f"(median of {args.repeat})")


if __name__ == "__main__":
    main()
