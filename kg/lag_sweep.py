"""Each closed model's first open match on a benchmark, found in one sweep per benchmark and split.

Input: the rows of queries/lag.rq, one per model, benchmark and split with the model's side
("open" or "closed"), its best score oriented so that higher is better (``best``), that score as
published (``value``) and its release date. For a closed best ``c``, the first open model is, among
the open models whose best is at least ``c``, the one that sorts first by release date (unknown
dates last), then by IRI. Sorting both sides by best, descending, and keeping the first-sorting open
model seen so far answers every closed model of a group in one pass: n log n instead of n x m pairs.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

UNKNOWN_RELEASE = "9999-12-31"  # an open model with no release date sorts after every dated one


def _months(later: str, earlier: str) -> int:
    """Calendar months from one ISO day to another (the day of the month is not counted)."""
    return (int(later[:4]) - int(earlier[:4])) * 12 + int(later[5:7]) - int(earlier[5:7])


def _first_open(closed: list[dict[str, Any]], opened: list[dict[str, Any]]) -> list[tuple[dict, dict | None]]:
    """Each closed row with the open row that first reaches its best (None if none does)."""
    by_best = sorted(opened, key=lambda row: Decimal(str(row["best"])), reverse=True)
    pairs: list[tuple[dict, dict | None]] = []
    earliest: tuple[str, dict] | None = None
    position = 0
    for row in sorted(closed, key=lambda row: Decimal(str(row["best"])), reverse=True):
        best = Decimal(str(row["best"]))
        while position < len(by_best) and Decimal(str(by_best[position]["best"])) >= best:
            candidate = by_best[position]
            # the release then the IRI, each closed by "|", as the candidates compare as text
            order = f"{candidate['release'] or UNKNOWN_RELEASE}|{candidate['model']}|"
            if earliest is None or order < earliest[0]:
                earliest = (order, candidate)
            position += 1
        pairs.append((row, earliest[1] if earliest else None))
    return pairs


def lag_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lag answer: per benchmark, split and closed model (with a release date and a name), its
    best, the first open model reaching it with its best and release, the months between, a status."""
    groups: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in rows:
        closed, opened = groups[(row["benchmark"], row["splitKey"] or "")]
        if row["side"] == "open":
            opened.append(row)
        elif row["release"] is not None and row["modelLabel"] is not None:
            closed.append(row)
    answer: list[dict[str, Any]] = []
    for (benchmark, split), (closed, opened) in groups.items():
        for row, first in _first_open(closed, opened):
            reached = first is not None
            dated = reached and first["release"] is not None
            answer.append({
                "benchmark": benchmark, "benchmarkLabel": row["benchmarkLabel"], "split": split or None,
                "closedModelLabel": row["modelLabel"], "closedValue": row["value"],
                "closedRelease": row["release"],
                "openModelLabel": first["modelLabel"] if reached else None,
                "openValue": first["value"] if reached else None,
                "openRelease": first["release"] if dated else None,
                "lagMonths": _months(str(first["release"]), str(row["release"])) if dated else None,
                "status": ("reached" if dated else "reached (open release date unknown)") if reached
                else "not yet",
                "tools": row["tools"], "attempts": row["attempts"], "splits": row["splits"],
            })
    answer.sort(key=lambda item: (item["benchmarkLabel"], item["split"] is not None, item["split"] or "",
                                  -Decimal(str(item["closedValue"])), item["closedModelLabel"]))
    return answer
