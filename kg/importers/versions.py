"""Dataset versions over git history: a bounded, dated selection, and skipping those already imported.

Several datasets publish their history as git commits (a CSV rewritten each week, a folder added each
day). Each selected version becomes its own dated source; ``monthly`` keeps the last version of each
calendar month, so re-running on a newer snapshot adds the new months and never rewrites old ones.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.importers.core import ImportedEntities, ImportReport, Snapshot, write_import


def monthly(versions: Iterable[Snapshot]) -> list[Snapshot]:
    """The last version of each calendar month (by commit date), oldest first."""
    last: dict[str, Snapshot] = {}
    for version in sorted(versions, key=lambda v: v.date):
        last[version.date[:7]] = version
    return [last[month] for month in sorted(last)]


def already_imported(out_dir: Path, source_id: str, report: ImportReport) -> bool:
    """True (and noted as unchanged) when this version's source file exists: a re-run is a no-op.

    The file is not regenerated, so curated reference changes made since never rewrite history.
    """
    path = out_dir / f"{source_id}.yaml"
    if path.exists():
        report.unchanged.append(path)
        return True
    return False


def source_id(prefix: str, date: str, commit: str) -> str:
    """The one form of a dataset version's source id: prefix, version date, commit prefix."""
    return f"{prefix}-{date}-{commit[:12]}"


def write_all(
    out_dir: Path, documents: list[dict[str, Any]], entities: ImportedEntities, report: ImportReport
) -> None:
    """Write the versions' documents once all were built, so a bad row leaves nothing half-imported.

    The new entities, all made while building, are written (and counted) once, with the first document.
    """
    for number, document in enumerate(documents):
        write_import(out_dir, document, entities if number == 0 else None, report)


def unique_id(base: str, taken: set[str]) -> str:
    """``base`` as a claim id, or ``base-2``, ``base-3``... when two keys slug alike ('K2.5', 'k2-5')."""
    ident, number = base, 2
    while ident in taken:
        ident, number = f"{base}-{number}", number + 1
    taken.add(ident)
    return ident
