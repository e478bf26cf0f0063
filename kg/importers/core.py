"""Shared importer core: resolving names against the reference records, writing source files."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem, display_path
from kg.lint import canonical_text
from kg.loading import DataTree
from kg.records import SourceFile
from kg.resolve import normalise


@dataclass
class Resolution:
    """What a name found: one id, several (ambiguous) or none (unknown)."""

    name: str
    ids: list[str]

    @property
    def resolved(self) -> str | None:
        """The one id the name names, or None when it is ambiguous or unknown."""
        return self.ids[0] if len(self.ids) == 1 else None


@dataclass
class Resolver:
    """Ids, names and aliases of the reference entities of one kind, normalised."""

    by_id: dict[str, str]
    by_name: dict[str, set[str]]

    @classmethod
    def of(cls, tree: DataTree, section: str) -> "Resolver":
        """Index the ``section`` ('models', 'benchmarks', ...) of every reference file."""
        by_id: dict[str, str] = {}
        by_name: dict[str, set[str]] = {}
        for loaded in tree.references:
            for entity in getattr(loaded.record, section):
                by_id[entity.id] = entity.id
                for name in [entity.id, entity.name, *getattr(entity, "aliases", [])]:
                    by_name.setdefault(normalise(name), set()).add(entity.id)
        return cls(by_id, by_name)

    def resolve(self, name: str) -> Resolution:
        """Resolve by exact id first, then by normalised name or alias; never guess between several."""
        if name in self.by_id:
            return Resolution(name, [name])
        return Resolution(name, sorted(self.by_name.get(normalise(name), set())))


@dataclass
class ImportReport:
    """What one import run wrote and what it could not place."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    claims: int = 0
    skipped: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)

    def note_unresolved(self, resolution: Resolution, where: str) -> None:
        """Remember a name that matched no entity or several, with where it was seen."""
        state = "ambiguous: " + ", ".join(resolution.ids) if resolution.ids else "unknown"
        self.unresolved.setdefault(f"{resolution.name} ({state})", []).append(where)


def percent_value(text: str, path: str, row: int) -> float:
    """A percent cell such as '63.3%' as a number; anything else is a one-line ``DataError``."""
    cell = text.strip()
    try:
        if cell.endswith("%"):
            return float(cell.removesuffix("%"))
    except ValueError:
        pass
    raise DataError([Problem(path, f"row {row}", f"score {cell!r} is not a percentage like '63.3%'")])


def write_source(out_dir: Path, source_id: str, document: dict[str, Any], report: ImportReport) -> None:
    """Write one generated source file; the same content again is a no-op, other content is refused.

    A dataset version is written once: a new version gets a new source id and file, so history is
    never rewritten.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{source_id}.yaml"
    text = canonical_text(SourceFile.model_validate(document))
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            report.unchanged.append(path)
            return
        raise DataError([Problem(display_path(path), "file", (
            "already holds a different import of this dataset version; imports never rewrite "
            "history (delete the file yourself to regenerate it)"))])
    path.write_text(text, encoding="utf-8")
    report.written.append(path)
    report.claims += len(document.get("claims", []))
