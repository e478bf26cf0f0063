"""SWE-bench leaderboards (SWE-bench/swe-bench.github.io, data/leaderboards.json), one source per month.

Each entry is an agent system run with one or more models. An entry with exactly one model becomes
a score of that model with the system as ``setting.harness`` (the bash-only board runs every model in
the same minimal agent, mini-SWE-agent, so its scores compare models; on the other boards the harness
differs per entry, which parity and contradictions treat as a different setting). An entry naming no
model or several scores the agent system itself: the system becomes a subject (``system_kind:
agent-system``, its builder's ``Org:`` as lab, its ``folder`` as ``swe-bench`` identifier) with a
``backbone`` lineage claim to each model it names (the graph's relation for "a model the system drives").

Two openness flags, kept apart: ``os_model`` (the models' weights are open) becomes a
weights-available fact of the entry's model (of each model it names, when true); ``os_system`` (the
agent's code is open) becomes a code-available fact of the system, and is never read as a model's
openness. The entry's ``site`` is kept as the claim's origin. The leaderboard data is CC BY-NC 4.0.
"""

import json
import re
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, git, locator, settled
from kg.importers.naming import resolve_dated
from kg.importers.versions import already_imported, monthly, source_id, write_all
from kg.loading import DataTree

DATASET = "swebench"
REPOSITORY = "SWE-bench/swe-bench.github.io"
FILE = "data/leaderboards.json"
BASH_ONLY = "bash-only"
BOARDS = {
    "Verified": ("SWE-bench Verified", None),
    BASH_ONLY: ("SWE-bench Verified", None),
    "Test": ("SWE-bench", None),
    "Lite": (
        "SWE-bench Lite",
        {
            "id": "swe-bench-lite",
            "category": "code",
            "unit": "percent",
            "higher_is_better": True,
            "parent": "swe-bench",
            "url": "https://www.swebench.com/lite.html",
        },
    ),
    "Multimodal": (
        "SWE-bench Multimodal",
        {
            "id": "swe-bench-multimodal",
            "category": "code",
            "unit": "percent",
            "higher_is_better": True,
            "parent": "swe-bench",
            "url": "https://www.swebench.com/multimodal.html",
        },
    ),
}
"""Board name -> (benchmark name, how to create it when the reference data lacks it)."""
ATTEMPTS = re.compile(r"^System: Attempts - (\d+)(\+?)$")
HF_URL = re.compile(r"^https?://huggingface\.co/(?P<repo>[\w.-]+/[\w.-]+)/?$")


def tags(entry: dict[str, Any], kind: str) -> list[str]:
    """The values of an entry's tags of one kind ('Model', 'Org', 'System')."""
    prefix = f"{kind}: "
    return [t.removeprefix(prefix).strip() for t in entry.get("tags") or [] if str(t).startswith(prefix)]


def attempts(entry: dict[str, Any]) -> int | str | None:
    """Attempts per task from the 'System: Attempts - N' tag: N, or 'multiple' for 'N+'."""
    for tag in entry.get("tags") or []:
        if match := ATTEMPTS.match(str(tag)):
            return "multiple" if match[2] else int(match[1])
    return None


def parse_leaderboards(text: str, rel: str = FILE) -> list[tuple[str, int, dict[str, Any]]]:
    """(board, entry number from 1, entry) of every result; a malformed entry names board and entry."""
    try:
        boards = json.loads(text)["leaderboards"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DataError([Problem(rel, "file", "is not a JSON object with 'leaderboards'")]) from None
    entries = []
    for board in boards:
        for number, entry in enumerate(board.get("results") or [], start=1):
            resolved = entry.get("resolved")
            if not isinstance(resolved, int | float) or not 0 <= resolved <= 100 or not entry.get("name"):
                raise DataError(
                    [
                        Problem(
                            rel,
                            f"{board.get('name')} entry {number}",
                            f"needs a name and 'resolved' from 0 to 100, not {resolved!r}",
                        )
                    ]
                )
            entries.append((str(board.get("name")), number, entry))
    return entries


def origin(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The entry's own cited page (its 'site', the first when several)."""
    site = entry.get("site")
    url = site[0] if isinstance(site, list) and site else site
    return {"url": url} if isinstance(url, str) and url.startswith("http") else None


def flags(entry: dict[str, Any]) -> str:
    """SWE-bench's two openness flags and its check, in words, kept apart."""

    def yes(value: Any) -> str:
        return "yes" if value is True else "no"

    return (
        f"SWE-bench flags: open model {yes(entry.get('os_model'))}, open system (agent code) "
        f"{yes(entry.get('os_system'))}; checked by the SWE-bench team: {yes(entry.get('checked'))}."
    )


class Month:
    """One version of leaderboards.json turned into claims."""

    def __init__(self, snapshot: Snapshot, entities: ImportedEntities, report: ImportReport) -> None:
        self.snapshot, self.entities, self.report = snapshot, entities, report
        self.claims: list[dict[str, Any]] = []
        self.weights_seen: set[str] = set()
        self.code_seen: set[str] = set()
        self.drives_seen: set[tuple[str, str]] = set()
        self.builderless: list[str] = []
        """Entries naming no model or several and no builder: their system cannot be given a lab."""

    def model(self, tag: str, lab: str | None, where: str) -> tuple[str | None, dict[str, Any]]:
        """The model a 'Model:' tag names; a dated id ('...-20250514') also resolves by its base name.

        A dated id is the evaluated snapshot (``setting.snapshot``), whichever way it resolves.
        A Hugging Face link resolves by its repository id, then its name; a provider prefix
        ('openai/gpt-5-2025-08-07') is dropped for the name look-up.
        """
        identifiers = []
        if hub := HF_URL.match(tag):
            identifiers.append(("huggingface", hub["repo"]))
        name = tag.rsplit("/", 1)[-1]
        found, setting = resolve_dated(self.entities.models, name, identifiers)
        if found.resolved:
            return found.resolved, setting
        if found.ids or lab is None:
            self.report.note_unresolved(found, where)
            return None, {}
        return self.entities.model(name, self.report, where, identifiers=identifiers, lab=lab), setting

    def add(self, board: str, number: int, entry: dict[str, Any]) -> None:
        """The claims of one entry: of its model (one named) or of its agent system (none or several)."""
        self.report.rows += 1
        where = f"{FILE} {board} entry {number}"
        models, orgs = tags(entry, "Model"), tags(entry, "Org")
        if board not in BOARDS:
            self.report.skipped.append(f"{where}: board {board!r} is not known")
            return
        if len(models) != 1:
            self.add_system(board, number, entry, where)
            return
        org = orgs[0] if orgs else None
        # On bash-only the Org tag is the model's lab; elsewhere it is the system's builder.
        subject, setting = self.model(models[0], org if board == BASH_ONLY else None, where)
        benchmark = self.entities.benchmark(*BOARDS[board], FILE, self.report)
        if subject is None or benchmark is None:
            return
        builder = self.entities.labs.resolve(org).resolved if org else None
        # The submitter ran it: on bash-only the SWE-bench team, elsewhere the system's builder.
        first_party = (
            board != BASH_ONLY and builder is not None and builder == self.entities.models.lab_of.get(subject)
        )
        if board == BASH_ONLY:
            version = entry.get("mini-swe-agent_version")
            setting["harness"] = f"mini-SWE-agent {version}" if version else "mini-SWE-agent"
        else:
            setting["harness"] = str(entry["name"])[:200]
        self.score(board, number, entry, subject, models[0], benchmark, setting, first_party)
        if isinstance(entry.get("os_model"), bool):
            self.weights(f"weights-{board.lower()}-{number}", board, number, entry, subject, models[0],
                         "From the entry's os_model flag (open-source model).")

    def score(self, board: str, number: int, entry: dict[str, Any], subject: str, mention: str,
              benchmark: str, setting: dict[str, Any], first_party: bool) -> None:
        """The score claim of one entry, of a model or of an agent system."""
        if (tried := attempts(entry)) is not None:
            setting["attempts"] = tried
        claim: dict[str, Any] = {
            "id": f"{board.lower()}-{number}",
            "kind": "score",
            "subject": subject,
            "mention": mention,
            "benchmark": benchmark,
            "benchmark_mention": f"{board}: % resolved ({entry['name']})",
            "value": float(entry["resolved"]),
            "run_by": "first-party" if first_party else "third-party",
            "setting": setting,
            "locator": self.at(board, number, entry),
            "note": flags(entry),
        }
        claim |= (
            {"as_of": entry["date"]} if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(entry.get("date"))) else {}
        )
        claim |= {"origin": site} if (site := origin(entry)) else {}
        self.claims.append(claim)

    def at(self, board: str, number: int, entry: dict[str, Any]) -> str:
        """The locator of one entry in this version."""
        return locator(FILE, f"{board} entry {number}", self.snapshot.commit, entry.get("folder"))

    def weights(self, ident: str, board: str, number: int, entry: dict[str, Any], model: str, mention: str,
                note: str) -> None:
        """A model's weights-available fact from the entry's os_model flag, once per model and version."""
        if model in self.weights_seen:
            return
        self.weights_seen.add(model)
        self.claims.append({
            "id": ident,
            "kind": "fact", "subject": model, "mention": mention, "property": "weights-available",
            "value": entry["os_model"], "locator": self.at(board, number, entry), "note": note,
        })

    def add_system(self, board: str, number: int, entry: dict[str, Any], where: str) -> None:
        """An entry naming no model or several: a score of its agent system, the system's code fact,
        a backbone lineage claim to each model it names, and (when os_model is true) their weights facts.

        The system is found by its ``swe-bench`` identifier (the entry's folder, else its name) and
        created with its builder (the first ``Org:`` tag) as lab; an entry without one is listed."""
        orgs = tags(entry, "Org")
        benchmark = self.entities.benchmark(*BOARDS[board], FILE, self.report)
        if not orgs:
            self.builderless.append(f"{board} entry {number}")
            return
        name = str(entry["name"])[:200]
        key = str(entry.get("folder") or name)
        system = self.entities.system(name, self.report, where, identifiers=[("swe-bench", key)], lab=orgs[0])
        if system is None or benchmark is None:
            return
        self.score(board, number, entry, system, name, benchmark, {}, True)
        if isinstance(entry.get("os_system"), bool) and system not in self.code_seen:
            self.code_seen.add(system)
            self.claims.append({
                "id": f"code-{board.lower()}-{number}", "kind": "fact", "subject": system, "mention": name,
                "property": "code-available", "value": entry["os_system"],
                "locator": self.at(board, number, entry),
                "note": "From the entry's os_system flag (open-source agent system): the agent's own code, "
                        "not the weights of the models it drives.",
            })
        for index, tag in enumerate(tags(entry, "Model"), start=1):
            model, _ = self.model(tag, None, where)
            if model is None:
                continue
            if entry.get("os_model") is True:
                self.weights(f"weights-{board.lower()}-{number}-{index}", board, number, entry, model, tag,
                             "From the entry's os_model flag (open-source model), which covers every model "
                             "the entry names.")
            if (system, model) in self.drives_seen:
                continue
            self.drives_seen.add((system, model))
            self.claims.append({
                "id": f"drives-{board.lower()}-{number}-{index}", "kind": "lineage",
                "child": system, "child_mention": name, "parent": model, "parent_mention": tag,
                "relation": "backbone", "status": "reported", "locator": self.at(board, number, entry),
                "note": "The entry's Model: tags name the models the agent system drives.",
            })

    def document(self, ident: str) -> dict[str, Any]:
        """The source document of this version."""
        return {
            "source": {
                "id": ident,
                "title": f"SWE-bench leaderboards, version of {self.snapshot.date}",
                "publisher": "SWE-bench team",
                "url": "https://www.swebench.com/",
                "date": self.snapshot.date,
                "kind": "leaderboard",
                "repository": REPOSITORY,
                "path": FILE,
                "commit": self.snapshot.commit,
                "licence": "CC-BY-NC-4.0",
                "licence_url": "https://creativecommons.org/licenses/by-nc/4.0/",
                "attribution": "SWE-bench leaderboards, SWE-bench team (swebench.com), CC BY-NC 4.0",
                "note": "Generated by `kg import swebench`; dated by the commit that wrote this version.",
            },
            "claims": self.claims,
        }


def readable(snapshot: Snapshot) -> bool:
    """Whether this version's file is present in the snapshot (large late versions may be absent)."""
    try:
        git(snapshot.checkout, "cat-file", "-e", f"{snapshot.commit}:{FILE}")
    except DataError:
        return False
    return True


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import the last readable version of each month of leaderboards.json, up to ``rev``."""
    head = Snapshot.open(checkout, rev)
    entities = ImportedEntities(tree, out_dir, DATASET)
    versions = head.versions(FILE)
    present = [v for v in versions if readable(v)]
    if not present:
        raise DataError([Problem(str(checkout), "directory", f"has no readable version of {FILE}")])

    def build(report: ImportReport) -> list[dict[str, Any]]:
        report.skipped += [
            f"{FILE} at {v.commit[:12]} ({v.date}): not present in the snapshot"
            for v in versions
            if v not in present
        ]
        documents: list[dict[str, Any]] = []
        for snapshot in monthly(present):
            ident = source_id(DATASET, snapshot.date, snapshot.commit)
            if already_imported(out_dir, ident, report):
                continue
            month = Month(snapshot, entities, report)
            for board, number, entry in parse_leaderboards(snapshot.show(FILE)):
                month.add(board, number, entry)
            if month.builderless:
                report.skipped.append(
                    f"{FILE} at {snapshot.commit[:12]} ({snapshot.date}): {len(month.builderless)} "
                    f"agent-system entries name no builder (Org: tag), so their system has no lab; "
                    f"first {month.builderless[0]}"
                )
            documents.append(month.document(ident))
        return documents

    documents, report = settled(entities, build)
    write_all(out_dir, documents, entities, report)
    return report
