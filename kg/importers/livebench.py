"""LiveBench (LiveBench/livebench.github.io): one source per release table, task scores by category.

``public/table_YYYY_MM_DD.csv`` holds one row per model and one column per task (a score from 0 to
100); ``public/categories_YYYY_MM_DD.json`` groups the tasks into categories; ``src/Table/modelLinks.js``
gives each model's organisation, link, display name and open-weight flag. Each release is scored on
its own question set, so the release is the score's ``split``: parity compares within a release.
Category and overall averages are not in the files and are not computed here.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import json5

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, locator, settled
from kg.importers.versions import already_imported, source_id, write_all
from kg.loading import DataTree

DATASET = "livebench"
REPOSITORY = "LiveBench/livebench.github.io"
TABLE = re.compile(r"^public/table_(\d{4})_(\d{2})_(\d{2})\.csv$")
LINKS = "src/Table/modelLinks.js"
EVALUATOR = "LiveBench team"
CATEGORY = {
    "Reasoning": "text-reasoning",
    "Coding": "code",
    "Agentic Coding": "agentic",
    "Mathematics": "math",
    "Data Analysis": "text-reasoning",
    "Language": "text-reasoning",
    "IF": "instruction-following",
    "Instruction Following": "instruction-following",
}
"""LiveBench's category names and the graph's benchmark category for each."""
EFFORT_KEY = re.compile(r"-(?P<level>minimal|low|medium|high|xhigh|max)(?:-effort)?$")


@dataclass(frozen=True)
class ModelLink:
    """One model's entry in modelLinks.js (or a variant of one), with its line for the locator."""

    key: str
    display: str | None
    organisation: str | None
    open_weight: bool
    version: str | None
    line: int
    base: str | None = None
    """For a variant ('gpt-5-high'), the key of the entry it belongs to ('gpt-5')."""


def parse_model_links(text: str, rel: str = LINKS) -> dict[str, ModelLink]:
    """The ``modelLinks`` object of modelLinks.js, by model key, variants included."""
    start = text.find("{", text.find("modelLinks"))
    end = text.find("\n};", start)
    if start < 0 or end < 0:
        raise DataError([Problem(rel, "file", "has no 'modelLinks = { ... };' object")])
    try:
        entries = json5.loads(text[start : end + 2])
    except ValueError as exc:
        raise DataError([Problem(rel, "modelLinks", f"is not a readable object literal: {exc}")]) from exc

    def line_of(key: str) -> int:
        return text.count("\n", 0, max(text.find(f'"{key}"', start), 0)) + 1

    links: dict[str, ModelLink] = {}
    for key, entry in entries.items():
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict):
            raise DataError([Problem(rel, f"line {line_of(key)}", f"entry {key!r} is not an object")])
        base = ModelLink(
            key,
            entry.get("displayName"),
            entry.get("organization"),
            entry.get("openweight") is True,
            entry.get("version"),
            line_of(key),
        )
        links[key] = base
        for variant in entry.get("variants", []):
            raw = variant.get("rawName")
            if raw:
                links[raw] = ModelLink(
                    raw,
                    base.display,
                    base.organisation,
                    base.open_weight,
                    base.version,
                    line_of(raw),
                    key,
                )
    return links


def parse_table(
    text: str, rel: str, skipped: list[str] | None = None
) -> list[tuple[int, str, dict[str, float]]]:
    """(row number, model key, task scores) of a release table; empty cells are left out.

    A row with too few or too many cells cannot be matched to its tasks: it is left out and listed in
    ``skipped`` (file and row). A cell that is not a score from 0 to 100 stops the import.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0] != "model":
        raise DataError([Problem(rel, "row 1", "first column must be 'model'")])
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(header) or not cells[0].strip():
            if skipped is not None:
                skipped.append(f"{rel} row {number}: {len(cells)} cells where the header has {len(header)}")
            continue
        scores = {}
        for task, cell in zip(header[1:], cells[1:], strict=True):
            if not cell.strip():
                continue
            try:
                value = float(cell)
            except ValueError:
                value = -1.0
            if not 0 <= value <= 100:
                raise DataError(
                    [Problem(rel, f"row {number}", f"{task} score {cell!r} is not a number 0-100")]
                )
            scores[task] = value
        rows.append((number, cells[0].strip(), scores))
    return rows


def parse_categories(text: str, rel: str) -> dict[str, str]:
    """Task -> LiveBench category name, from a categories JSON file."""
    try:
        groups = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError([Problem(rel, "file", f"is not JSON: {exc.msg}")]) from exc
    if not isinstance(groups, dict):
        raise DataError([Problem(rel, "file", "must map category names to lists of tasks")])
    return {task: category for category, tasks in groups.items() for task in tasks}


def effort(key: str) -> dict[str, str]:
    """The reasoning-effort setting a model key ends with ('gpt-5-high', 'claude-opus-4-7-xhigh-effort')."""
    match = EFFORT_KEY.search(key)
    if not match:
        return {}
    return {"reasoning_effort": match["level"], "reasoning_effort_mention": match[0].lstrip("-")}


class Release:
    """One release table read at one commit, turned into a source document."""

    def __init__(
        self,
        snapshot: Snapshot,
        rel: str,
        links: dict[str, ModelLink],
        entities: ImportedEntities,
        report: ImportReport,
    ) -> None:
        self.release = "-".join(TABLE.findall(rel)[0])
        self.snapshot, self.rel, self.links, self.entities, self.report = (
            snapshot,
            rel,
            links,
            entities,
            report,
        )
        self.benchmarks: dict[tuple[str, str | None], str | None] = {}
        self.categories_rel = rel.replace("table_", "categories_").replace(".csv", ".json")

    def benchmark(self, task: str, category: str | None) -> str | None:
        """The benchmark of one task, created (with its category as parent) when unknown."""
        if (task, category) not in self.benchmarks:
            self.benchmarks[task, category] = self._benchmark(task, category)
        return self.benchmarks[task, category]

    def _benchmark(self, task: str, category: str | None) -> str | None:
        def percent(ident: str, kind: str, parent: str | None) -> dict[str, Any]:
            return {
                "id": ident,
                "category": kind,
                "unit": "percent",
                "higher_is_better": True,
                "parent": parent,
            }

        parent = self.entities.benchmark(
            "LiveBench",
            percent("livebench", "text-reasoning", None) | {"url": "https://livebench.ai/"},
            self.rel,
            self.report,
        )
        kind = CATEGORY.get(category or "", "text-reasoning")
        if category:
            parent = self.entities.benchmark(
                f"LiveBench {category}",
                percent(f"livebench-{category}", kind, parent),
                self.categories_rel,
                self.report,
            )
        return self.entities.benchmark(
            f"LiveBench {task}", percent(f"livebench-{task}", kind, parent), self.rel, self.report
        )

    def claims(self) -> list[dict[str, Any]]:
        """Score claims of every cell of the table."""
        names = self.snapshot.names("public/")
        categories = (
            parse_categories(self.snapshot.show(self.categories_rel), self.categories_rel)
            if self.categories_rel in names
            else {}
        )
        evaluator = self.entities.lab(EVALUATOR, (), self.rel, self.report)
        claims: list[dict[str, Any]] = []
        for number, key, scores in parse_table(self.snapshot.show(self.rel), self.rel, self.report.skipped):
            self.report.rows += 1
            subject, setting = find_model(
                key, self.links, self.entities, self.report, f"{self.rel} row {number}"
            )
            if subject is None:
                continue
            setting |= {"split": f"release {self.release}", "harness": "LiveBench"}
            setting |= {"evaluator": evaluator} if evaluator else {}
            for task, value in scores.items():
                benchmark = self.benchmark(task, categories.get(task))
                if benchmark is None:
                    continue
                claims.append(
                    {
                        "id": f"row-{number}-{task.lower().replace('_', '-')}",
                        "kind": "score",
                        "subject": subject,
                        "mention": key,
                        "benchmark": benchmark,
                        "benchmark_mention": f"{task} ({categories.get(task, 'no category')})",
                        "value": value,
                        "run_by": "third-party",
                        "setting": dict(setting),
                        "locator": locator(self.rel, number, self.snapshot.commit, f"{key}, column {task}"),
                    }
                )
        return claims

    def document(self, ident: str) -> dict[str, Any]:
        """The source document of this release."""
        return _document(
            ident,
            f"LiveBench leaderboard, release {self.release}",
            self.release,
            self.rel,
            self.snapshot,
            self.claims(),
        )


def find_model(
    key: str, links: dict[str, ModelLink], entities: ImportedEntities, report: ImportReport, where: str
) -> tuple[str | None, dict[str, Any]]:
    """The model a table key names and the setting its variant or version implies.

    Resolved by its LiveBench id, then its own key, then modelLinks' display name; created with the
    organisation modelLinks gives when none of these is known; reported when ambiguous.
    """
    link = links.get(key)
    ids = [("livebench", key)]
    setting: dict[str, Any] = effort(key)
    if link and link.version and not link.base:
        setting["snapshot"] = key
    found = entities.models.resolve(key, ids)
    if found.resolved is None and not found.ids and link and link.display:
        found = entities.models.resolve(link.display)
    if found.resolved:
        return found.resolved, setting
    if found.ids:
        report.note_unresolved(found, where)
        return None, setting
    name = link.display if link and link.display else key
    lab = link.organisation if link else None
    return entities.model(name, report, where, identifiers=ids, lab=lab), setting


def weight_claims(
    keys: set[str],
    links: dict[str, ModelLink],
    snapshot: Snapshot,
    entities: ImportedEntities,
    report: ImportReport,
) -> list[dict[str, Any]]:
    """weights-available facts of the models scored in some table whose modelLinks entry is flagged open.

    An entry without the flag is not read as closed: the flag's absence is not a statement.
    """
    claims: list[dict[str, Any]] = []
    flagged: set[str] = set()
    for key in sorted(keys):
        link = links.get(key)
        if not (link and link.open_weight):
            continue
        where = f"{LINKS} line {link.line}"
        subject, _ = find_model(key, links, entities, report, where)
        if subject is None or subject in flagged:
            continue
        flagged.add(subject)
        claims.append(
            {
                "id": f"weights-{len(claims) + 1}",
                "kind": "fact",
                "subject": subject,
                "mention": key,
                "property": "weights-available",
                "value": True,
                "locator": locator(
                    LINKS, f"line {link.line}", snapshot.commit, f"{link.base or key}: openweight"
                ),
            }
        )
    return claims


def _document(
    ident: str, title: str, date: str, rel: str, snapshot: Snapshot, claims: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "source": {
            "id": ident,
            "title": title,
            "publisher": "LiveBench",
            "url": "https://livebench.ai/",
            "date": date,
            "kind": "leaderboard",
            "repository": REPOSITORY,
            "path": rel,
            "commit": snapshot.commit,
            "attribution": "LiveBench (livebench.ai)",
            "note": (
                f"Generated by `kg import livebench` from the file as of commit {snapshot.commit[:12]} "
                f"({snapshot.date}). The repository states no licence: reuse beyond citing it is not "
                "granted."
            ),
        },
        "claims": claims,
    }


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import every release table of commit ``rev`` (each at the last commit that changed it) as a source.

    Model metadata comes from modelLinks.js at ``rev``; its open-weight flags form one more source.
    """
    head = Snapshot.open(checkout, rev)
    entities = ImportedEntities(tree, out_dir, DATASET)
    tables = [rel for rel in head.names("public/") if TABLE.match(rel)]
    if not tables:
        raise DataError([Problem(str(checkout), "directory", "has no public/table_YYYY_MM_DD.csv files")])
    links_snapshot = Snapshot.open(checkout, head.commit, LINKS)
    links = parse_model_links(links_snapshot.show(LINKS))

    def build(report: ImportReport) -> list[dict[str, Any]]:
        keys: set[str] = set()
        documents: list[dict[str, Any]] = []
        for rel in tables:
            snapshot = Snapshot.open(checkout, head.commit, rel)
            release = Release(snapshot, rel, links, entities, report)
            keys |= {key for _, key, _ in parse_table(snapshot.show(rel), rel)}
            ident = source_id(DATASET, release.release, snapshot.commit)
            if not already_imported(out_dir, ident, report):
                documents.append(release.document(ident))
        ident = source_id(f"{DATASET}-models", links_snapshot.date, links_snapshot.commit)
        if not already_imported(out_dir, ident, report):
            claims = weight_claims(keys, links, links_snapshot, entities, report)
            title = "LiveBench model list (modelLinks.js)"
            documents.append(_document(ident, title, links_snapshot.date, LINKS, links_snapshot, claims))
        return documents

    documents, report = settled(entities, build)
    write_all(out_dir, documents, entities, report)
    return report
