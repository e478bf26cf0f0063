"""Side by side in one run: `kg query trend` against one parity answer for the same benchmark.

Run: python benchmarks/bench_trend.py [--benchmark MMLU] [--repeat 3] [--store .paritykg/store]
The trend runs the parity question once per change point (a day on which a score, or a weights or
licence fact about a scored model, appeared), so its cost should be about that many parity
answers; the ratio shows whether it is.
"""

import argparse
from pathlib import Path

from timing import median_seconds

from kg import answers
from kg.canned import run_canned


def main() -> None:
    """Time one parity answer and the trend for a benchmark, and print their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--benchmark", default="MMLU")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, default=Path(".paritykg/store"))
    args = parser.parse_args()
    days = {row["date"] for row in run_canned(args.store, "trend", {"benchmark": args.benchmark})[0]}
    parity = median_seconds(lambda: answers.parity(args.store, benchmark=args.benchmark), args.repeat)
    trend = median_seconds(lambda: answers.parity_trend(args.store, benchmark=args.benchmark), args.repeat)
    print(f"{args.benchmark}: {len(days)} change points")
    print(f"trend / one parity answer: {trend / parity:.1f}x (median of {args.repeat})")


if __name__ == "__main__":
    main()
