"""The canned questions of this checkout against an earlier revision, side by side on one store.

Run: python benchmarks/bench_questions.py --baseline REV --store DIR [--repeat 3]
     [--question "contradictions --model DeepSeek-V3" ...]

The baseline revision is checked out into a temporary git worktree. Each question then runs as
`python -m kg query ... -F json` in turn from the baseline and from this checkout (baseline,
current, baseline, current, ...) on the same store, so only the code and query texts differ (the
store is whatever this checkout built). Per run: wall seconds, CPU seconds, peak RSS, start-up
included. Reported: medians, the median of the pairwise CPU ratios current/baseline (meaningful
when a shared machine's speed drifts during the run), and whether the two JSON answers are equal.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import Sample, run_kg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_QUESTIONS = ("parity", "parity --sources first-party --as-of 2025-06-30", "lineage Qwen2.5-72B",
                     "contradictions --model DeepSeek-V3", "contradictions --model gpt-4o", "audit",
                     "trend --benchmark gpqa-diamond")


def _ask(checkout: Path, question: str, store: Path, timeout: float) -> Sample:
    arguments = ["query", *question.split(), "--store", str(store), "-F", "json", "--timeout", str(timeout)]
    return run_kg(arguments, timeout + 30, cwd=checkout, capture=True, env={"PYTHONPATH": str(checkout)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--store", type=Path, required=True, help="a store built by this checkout")
    parser.add_argument("--question", action="append", help="a question as for `kg query` (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    questions = args.question or list(DEFAULT_QUESTIONS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="paritykg-bench-questions-") as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        try:
            for question in questions:
                runs: dict[str, list[Sample]] = {"baseline": [], "current": []}
                for _ in range(args.repeat):
                    for name, checkout in (("baseline", base), ("current", ROOT)):
                        sample = _ask(checkout, question, args.store.resolve(), args.timeout)
                        runs[name].append(sample)
                        shown = f"{sample.seconds:7.2f} s wall {sample.cpu:7.2f} s CPU"
                        print(f"{question:<44} {name:<9} {shown} {sample.rss_mb:6.0f} MB exit {sample.code}",
                              flush=True)
                rows.append((question, runs))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           capture_output=True)
    print()
    print("| question | baseline CPU s | current CPU s | current / baseline | same answer |")
    print("|---|---:|---:|---:|---|")
    for question, runs in rows:
        done = {name: [s for s in samples if s.code == 0] for name, samples in runs.items()}
        if not done["baseline"] or not done["current"]:
            failed = {name: (samples[-1].stderr.strip().splitlines() or ["timed out"])[-1]
                      for name, samples in runs.items() if not done[name]}
            print(f"| {question} | | | | failed: {failed} |")
            continue
        pairs = list(zip(runs["current"], runs["baseline"], strict=True))
        ratio = statistics.median(c.cpu / b.cpu for c, b in pairs if c.code == 0 and b.code == 0)
        same = done["current"][-1].stdout == done["baseline"][-1].stdout
        baseline_cpu = statistics.median(s.cpu for s in done["baseline"])
        current_cpu = statistics.median(s.cpu for s in done["current"])
        answer = "yes" if same else "no"
        print(f"| {question} | {baseline_cpu:.2f} | {current_cpu:.2f} | {ratio:.2f}x | {answer} |")


if __name__ == "__main__":
    main()
