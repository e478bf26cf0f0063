"""`kg build` of this checkout against an earlier revision, side by side in one run.

Run: python benchmarks/bench_build.py --baseline REV --data DIR [--repeat 3]

The baseline revision is checked out into a temporary git worktree; the two builds then run in
turn (baseline, current, baseline, current, ...), each as a `python -m kg build` child started in
its checkout, into a fresh store and with an empty validation cache (a first build: nothing was
validated before). Per build: wall seconds, CPU seconds of the child and the worker processes it
waited for, peak RSS. Reported: medians, and the median of the pairwise ratios current/baseline,
which stays meaningful when a shared machine's speed drifts during the run.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import Sample, run_kg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def build_once(checkout: Path, data: Path, work: Path, timeout: float) -> tuple[Sample, int | None]:
    """One first build from ``checkout`` (its own kg package) into a fresh store and cache."""
    store, cache = work / "store", work / "cache"
    for path in (store, cache):
        shutil.rmtree(path, ignore_errors=True)
    for generation in work.glob(".store.*"):
        shutil.rmtree(generation, ignore_errors=True) if generation.is_dir() else generation.unlink()
    sample = run_kg(["build", "--data", str(data.resolve()), "--store", str(store)], timeout, cwd=checkout,
                    capture=True, env={"PARITYKG_CACHE": str(cache), "PYTHONPATH": str(checkout)})
    words = sample.stdout.split()
    triples = int(words[words.index("triples,") - 1]) if "triples," in words else None
    return sample, triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paritykg-bench-build-") as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        try:
            runs: dict[str, list[Sample]] = {"baseline": [], "current": []}
            counts: dict[str, int | None] = {}
            for _ in range(args.repeat):
                for name, checkout in (("baseline", base), ("current", ROOT)):
                    work = Path(tmp) / f"work-{name}"
                    work.mkdir(exist_ok=True)
                    sample, counts[name] = build_once(checkout, args.data, work, args.timeout)
                    if sample.code != 0:
                        sys.exit(f"{name} build failed: {sample.stderr.strip()[-500:]}")
                    runs[name].append(sample)
                    print(f"{name:<9} {sample.seconds:8.2f} s wall {sample.cpu:8.2f} s CPU "
                          f"{sample.rss_mb:7.0f} MB ({counts[name]} triples)", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           capture_output=True)
    print()
    print("| build | triples | median wall s | median CPU s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for name, samples in runs.items():
        print(f"| {name} | {counts[name]:,} | {statistics.median(s.seconds for s in samples):.2f} | "
              f"{statistics.median(s.cpu for s in samples):.2f} | {max(s.rss_mb for s in samples):.0f} |")
    pairs = list(zip(runs["current"], runs["baseline"], strict=True))
    wall = statistics.median(c.seconds / b.seconds for c, b in pairs)
    cpu = statistics.median(c.cpu / b.cpu for c, b in pairs)
    print(f"\ncurrent / baseline (median of {len(pairs)} pairs): wall {wall:.2f}x, CPU {cpu:.2f}x")


if __name__ == "__main__":
    main()
