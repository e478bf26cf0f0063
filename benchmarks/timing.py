"""Timing shared by the benchmark scripts: the median of repeated runs."""

import statistics
import time
from collections.abc import Callable


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    """Run ``function`` ``repeat`` times and return the median wall-clock seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
