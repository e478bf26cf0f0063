"""The days on which a benchmark's best open or best closed score changed, found in one sweep.

Input: the rows of queries/trend.rq, one per admitted score claim and openness period of its
subject. A day's best on a side is the claim with the highest rank key (kg/keys.py: oriented
value, then claim IRI) among the claims dated on or before that day whose subject is on that side
on that day; a subject is on the side of the openness period in force that day (``from`` <= day <
``until``), and on neither side before its first period or without one, as in parity.rq. What a
reader of the trend sees change is the best model and its value, per split.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

OPEN, CLOSED = "open", "closed"


@dataclass
class _Subject:
    """One subject's best claim so far per split and its openness periods."""

    periods: set[tuple[str, str | None, str]] = field(default_factory=set)
    best: dict[str, tuple[str, Any]] = field(default_factory=dict)  # split -> (rank key, value)

    def side(self, day: str) -> str | None:
        for start, until, side in self.periods:
            if start <= day and (until is None or day < until):
                return side
        return None


def change_days(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Every day on which some split's (best open, best closed) (model, value) differs from the day before.

    Candidate days are the claims' effective dates and the bounds of their subjects' openness
    periods; a day on which neither side has a best is not a change. Each day recomputes only the
    splits its events touch (a new claim's split; every split of a subject whose side changes).
    """
    subjects: dict[str, _Subject] = defaultdict(_Subject)
    claims: dict[str, tuple[str, str, str, str, Any]] = {}
    bounds: dict[str, set[str]] = defaultdict(set)  # day -> subjects whose period starts or ends
    for row in rows:
        subject = subjects[row["subject"]]
        if row.get("from") is not None:
            until = str(row["until"]) if row.get("until") is not None else None
            subject.periods.add((str(row["from"]), until, str(row["side"])))
            for day in (str(row["from"]), until):
                if day:
                    bounds[day].add(row["subject"])
        claims[row["claim"]] = (str(row["date"]), row["split"] or "", row["subject"], str(row["key"]),
                                row["value"])
    dated = sorted(claims.values())
    in_split: dict[str, dict[str, _Subject]] = defaultdict(dict)
    last: dict[str, tuple] = {}
    changed: list[str] = []
    position = 0
    for day in sorted({claim[0] for claim in dated} | set(bounds)):
        touched = {split for name in bounds.get(day, ()) for split in subjects[name].best}
        while position < len(dated) and dated[position][0] <= day:
            _, split, name, key, value = dated[position]
            held = subjects[name].best.get(split)
            if held is None or key > held[0]:
                subjects[name].best[split] = (key, value)
            in_split[split][name] = subjects[name]
            touched.add(split)
            position += 1
        changed_today = False
        for split in sorted(touched):
            best = _best_of(in_split[split], split, day)
            if best != (None, None) and last.get(split) != best:
                last[split] = best
                changed_today = True
        if changed_today:
            changed.append(day)
    return changed


def _best_of(subjects: dict[str, _Subject], split: str, day: str) -> tuple:
    """((model, value) of the best open claim or None, the same for closed) on ``day``."""
    best: dict[str, tuple[str, str, Any]] = {}
    for name, subject in subjects.items():
        key, value = subject.best[split]
        side = subject.side(day)
        if side in (OPEN, CLOSED) and (side not in best or key > best[side][0]):
            best[side] = (key, name, value)
    return tuple((best[side][1], best[side][2]) if side in best else None for side in (OPEN, CLOSED))
