"""models.dev (anomalyco/models.dev, MIT): model records, benchmark rows and provider prices over time.

- ``models/<lab>/<model>.toml`` at the imported revision: weights-available, release-date, licence
  and context-window facts, and benchmark rows (each citing its own source URL, kept as origin),
  as one source.
- ``providers/<provider>/models/**.toml``: input and output prices per million tokens. The last
  commit of each month is one source; the first month holds every listing, later months only the
  listings whose price changed since the month before. A source's date is the commit date: when the
  listing changed in models.dev, not when the provider's price took effect.

A listing's ``base_model`` means the listing inherits that models/ record's fields (record
inheritance): it is used to know which model a provider sells, never as training lineage. Open-weight
flags are read from models/ only, not from provider listings, which copy or override them.
"""

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, locator, settled
from kg.importers.versions import already_imported, monthly, source_id, unique_id, write_all
from kg.loading import DataTree

DATASET = "modelsdev"
REPOSITORY = "anomalyco/models.dev"
LISTING = re.compile(r"^providers/(?P<provider>[^/]+)/models/(?P<model>.+)\.toml$")
RECORD = re.compile(r"^models/(?P<lab>[^/]+)/(?P<model>.+)\.toml$")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
PERCENT_METRICS = {
    "percent correct",
    "resolved",
    "success rate",
    "resolve rate",
    "percent resolved",
    "percent",
    "pass@1",
    "average pass@1",
    "accuracy",
}
CODE_WORDS = re.compile(r"swe|terminal|aider|code|nl2repo", re.IGNORECASE)


@dataclass(frozen=True)
class Blob:
    """One file of a commit's tree: path, object id, and whether it is a symbolic link."""

    path: str
    oid: str
    link: bool


def files_at(snapshot: Snapshot, under: str) -> dict[str, Blob]:
    """Every file under a folder at this commit, by path (one ``git ls-tree``)."""
    done = subprocess.run(
        ["git", "-C", str(snapshot.checkout), "ls-tree", "-r", snapshot.commit, under],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DataError([Problem(str(snapshot.checkout), "directory", f"git ls-tree {under} failed")])
    blobs = {}
    for line in done.stdout.splitlines():
        meta, path = line.split("\t", 1)
        mode, kind, oid = meta.split()
        if kind == "blob":
            blobs[path] = Blob(path, oid, mode == "120000")
    return blobs


def read_blobs(checkout: Path, oids: list[str]) -> dict[str, str]:
    """The text of many objects at once (one ``git cat-file --batch``), by object id."""
    if not oids:
        return {}
    done = subprocess.run(
        ["git", "-C", str(checkout), "cat-file", "--batch"],
        input=("\n".join(oids) + "\n").encode(),
        capture_output=True,
        text=False,
    )
    out, texts, at = done.stdout, {}, 0
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].decode().split()
        if len(header) < 3 or header[1] != "blob":
            raise DataError([Problem(str(checkout), f"object {oid}", "is missing from the snapshot")])
        size = int(header[2])
        texts[oid] = out[end + 1 : end + 1 + size].decode("utf-8", errors="replace")
        at = end + 2 + size
    return texts


def follow(blob: Blob, blobs: dict[str, Blob], texts: dict[str, str]) -> Blob | None:
    """The file a symbolic link points to inside the tree (a provider re-listing another's file)."""
    if not blob.link:
        return blob
    target = str(PurePosixPath(blob.path).parent / texts.get(blob.oid, ""))
    parts: list[str] = []
    for part in target.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    found = blobs.get("/".join(parts))
    return found if found and not found.link else None


def parse_toml(text: str, rel: str) -> dict[str, Any]:
    """One TOML file; a syntax error names the file and its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError([Problem(rel, "file", f"is not valid TOML: {exc}")]) from None


def prices(record: dict[str, Any], rel: str) -> dict[str, float]:
    """Input and output USD per million tokens of one listing ({} when it states no cost)."""
    cost = record.get("cost") or {}
    found = {}
    for measure in ("input", "output"):
        value = cost.get(measure)
        if value is None:
            continue
        if not isinstance(value, int | float) or value < 0:
            raise DataError(
                [Problem(rel, f"cost.{measure}", f"{value!r} is not a price in USD per million tokens")]
            )
        found[measure] = float(value)
    return found


def benchmark_spec(name: str, metric: str | None) -> dict[str, Any]:
    """How to create a benchmark a models.dev row names when the reference data lacks it."""
    unit = "percent" if (metric or "").casefold() in PERCENT_METRICS else "score"
    return {
        "id": f"modelsdev-{re.sub(r'[^a-z0-9]+', '-', name.casefold()).strip('-')}",
        "category": "code" if CODE_WORDS.search(name) else "text-reasoning",
        "unit": unit,
        "higher_is_better": True,
    }


class Records:
    """The models/ records of one commit as facts and scores."""

    def __init__(self, snapshot: Snapshot, entities: ImportedEntities, report: ImportReport) -> None:
        self.snapshot, self.entities, self.report = snapshot, entities, report
        self.taken: set[str] = set()

    def model(self, lab: str, stem: str, record: dict[str, Any], where: str) -> str | None:
        """The model a record describes, by its models.dev id first; created with its lab when unknown."""
        ident = f"{lab}/{stem}"
        return self.entities.model(
            str(record.get("name") or stem), self.report, where, identifiers=[("models-dev", ident)], lab=lab
        )

    def claims(self, rel: str, record: dict[str, Any]) -> list[dict[str, Any]]:
        """The facts and scores of one models/ record."""
        match = RECORD.match(rel)
        if match is None:
            return []
        self.report.rows += 1
        subject = self.model(match["lab"], match["model"], record, rel)
        if subject is None:
            return []
        mention = str(record.get("name") or match["model"])
        at = locator(rel, "record", self.snapshot.commit, f"{match['lab']}/{match['model']}")
        base = {"kind": "fact", "subject": subject, "mention": mention, "locator": at}
        slug = unique_id(
            re.sub(r"[^a-z0-9]+", "-", f"{match['lab']}-{match['model']}".casefold()), self.taken
        )
        claims = []
        if isinstance(record.get("open_weights"), bool):
            claims.append(
                {
                    **base,
                    "id": f"{slug}-weights",
                    "property": "weights-available",
                    "value": record["open_weights"],
                }
            )
        if DATE.match(str(record.get("release_date", ""))):
            claims.append(
                {
                    **base,
                    "id": f"{slug}-release",
                    "property": "release-date",
                    "value": str(record["release_date"]),
                }
            )
        if isinstance(context := (record.get("limit") or {}).get("context"), int) and context > 0:
            claims.append({**base, "id": f"{slug}-context", "property": "context-window", "value": context})
        if (licence := record.get("license")) and (
            found := self.entities.licence(str(licence), rel, self.report)
        ):
            claims.append({**base, "id": f"{slug}-licence", "property": "licence", "value": found})
        for number, row in enumerate(record.get("benchmarks") or [], start=1):
            claims += self.score(rel, number, row, subject, mention, f"{slug}-bench-{number}")
        return claims

    def score(
        self, rel: str, number: int, row: dict[str, Any], subject: str, mention: str, ident: str
    ) -> list[dict[str, Any]]:
        """One [[benchmarks]] row as a score claim keeping the row's source URL as origin."""
        name, value, metric = row.get("name"), row.get("score"), row.get("metric")
        if not isinstance(name, str) or not isinstance(value, int | float):
            raise DataError([Problem(rel, f"benchmarks row {number}", "needs a name and a numeric score")])
        spec = benchmark_spec(name, metric)
        if spec["unit"] == "percent" and not 0 <= value <= 100:
            raise DataError([Problem(rel, f"benchmarks row {number}", f"{metric} {value!r} is not 0-100")])
        benchmark = self.entities.benchmark(name, spec, f"{rel} benchmarks row {number}", self.report)
        if benchmark is None:
            return []
        setting = {"note": f"metric: {metric}"} if metric else {}
        setting |= {"split": str(row["dataset"])} if row.get("dataset") else {}
        claim: dict[str, Any] = {
            "id": ident,
            "kind": "score",
            "subject": subject,
            "mention": mention,
            "benchmark": benchmark,
            "benchmark_mention": f"{name} ({metric})" if metric else name,
            "value": float(value),
            "run_by": "unknown",
            "setting": setting,
            "locator": locator(rel, f"benchmarks {number}", self.snapshot.commit, name),
        }
        claim |= {"origin": {"url": row["source"]}} if str(row.get("source", "")).startswith("http") else {}
        claim |= {"as_of": str(row["date"])} if DATE.match(str(row.get("date", ""))) else {}
        return [claim]


def _source(
    ident: str, title: str, snapshot: Snapshot, path: str, note: str, claims: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "source": {
            "id": ident,
            "title": title,
            "publisher": "models.dev",
            "url": "https://models.dev/",
            "date": snapshot.date,
            "kind": "dataset",
            "repository": REPOSITORY,
            "path": path,
            "commit": snapshot.commit,
            "licence": "MIT",
            "licence_url": f"https://github.com/{REPOSITORY}/blob/{snapshot.commit}/LICENSE",
            "attribution": "Copyright (c) 2025 models.dev",
            "note": f"Generated by `kg import modelsdev`. {note}",
        },
        "claims": claims,
    }


def _records(
    head: Snapshot, out_dir: Path, entities: ImportedEntities, report: ImportReport
) -> list[dict[str, Any]]:
    """The models/ records at ``head`` as one source document, unless already imported."""
    snapshot = Snapshot.open(head.checkout, head.commit, "models/")
    ident = source_id("modelsdev-models", snapshot.date, snapshot.commit)
    if already_imported(out_dir, ident, report):
        return []
    blobs = {p: b for p, b in files_at(snapshot, "models/").items() if p.endswith(".toml") and not b.link}
    texts = read_blobs(snapshot.checkout, [b.oid for b in blobs.values()])
    records = Records(snapshot, entities, report)
    claims = [
        c
        for path, blob in sorted(blobs.items())
        for c in records.claims(path, parse_toml(texts[blob.oid], path))
    ]
    title, note = "models.dev model records", "Facts and benchmark rows of the models/ records."
    return [_source(ident, title, snapshot, "models/", note, claims)]


class Listings:
    """Provider listings over the monthly versions, each month's changed prices as claims."""

    def __init__(self, entities: ImportedEntities, report: ImportReport) -> None:
        self.entities, self.report = entities, report
        self.parsed: dict[str, dict[str, Any]] = {}
        self.providers: dict[str, str] = {}
        self.subjects: dict[tuple[str, str], str | None] = {}

    def read(self, snapshot: Snapshot) -> dict[str, tuple[Blob, dict[str, Any]]]:
        """Every listing of a commit with its parsed record (symbolic links followed)."""
        blobs = files_at(snapshot, "providers/")
        links = [b.oid for b in blobs.values() if b.link]
        texts = read_blobs(snapshot.checkout, links)
        wanted = [
            b.oid
            for b in blobs.values()
            if not b.link and b.path.endswith(".toml") and b.oid not in self.parsed
        ]
        texts |= read_blobs(snapshot.checkout, sorted(set(wanted)))
        for blob in blobs.values():
            if blob.oid in texts and not blob.link and blob.oid not in self.parsed:
                self.parsed[blob.oid] = parse_toml(texts[blob.oid], blob.path)
        listings = {}
        for path, blob in blobs.items():
            target = follow(blob, blobs, texts)
            if LISTING.match(path) and target is not None and target.oid in self.parsed:
                listings[path] = (target, self.parsed[target.oid])
            elif path.endswith("/provider.toml") and blob.oid in self.parsed:
                self.providers[path.split("/")[1]] = str(
                    self.parsed[blob.oid].get("name") or path.split("/")[1]
                )
        return listings

    def subject(self, provider: str, stem: str, record: dict[str, Any], where: str) -> str | None:
        """The model a listing sells: by its base_model's models.dev id, then by its name and id."""
        base = record.get("base_model")
        name = str(record.get("name") or stem.rsplit("/", 1)[-1])
        key = (str(base), name)
        if key not in self.subjects:
            identifiers = [("models-dev", str(base))] if base else []
            found = self.entities.models.resolve(name, identifiers)
            if found.resolved is None and not found.ids:
                found = self.entities.models.resolve(stem.rsplit("/", 1)[-1])
            if found.resolved is None:
                self.report.note_unresolved(found, where)
            self.subjects[key] = found.resolved
        return self.subjects[key]

    def claims(
        self,
        snapshot: Snapshot,
        listings: dict[str, tuple[Blob, dict[str, Any]]],
        before: dict[str, dict[str, float]],
    ) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
        """Price claims of listings whose prices differ from ``before``, and this month's prices."""
        now: dict[str, dict[str, float]] = {}
        taken: set[str] = set()
        claims: list[dict[str, Any]] = []
        for path, (blob, record) in sorted(listings.items()):
            match = LISTING.match(path)
            if match is None:
                continue
            found = prices(record, blob.path)
            now[path] = found
            if not found or found == before.get(path):
                continue
            self.report.rows += 1
            subject = self.subject(match["provider"], match["model"], record, path)
            if subject is None:
                continue
            provider = self.providers.get(match["provider"], match["provider"])
            slug = unique_id(
                re.sub(r"[^a-z0-9]+", "-", f"{match['provider']}-{match['model']}".casefold()).strip("-"),
                taken,
            )
            for measure, value in found.items():
                claims.append(
                    {
                        "id": f"{slug}-{measure}",
                        "kind": "price",
                        "subject": subject,
                        "mention": str(record.get("name") or match["model"]),
                        "provider": provider,
                        "measure": measure,
                        "value": value,
                        "unit": "usd-per-mtok",
                        "locator": locator(
                            path, f"cost.{measure}", snapshot.commit, f"{match['provider']}/{match['model']}"
                        ),
                    }
                )
        return claims, now


def _prices(
    head: Snapshot, out_dir: Path, entities: ImportedEntities, report: ImportReport
) -> list[dict[str, Any]]:
    """The monthly price versions not yet imported, as source documents."""
    documents: list[dict[str, Any]] = []
    listings = Listings(entities, report)
    before: dict[str, dict[str, float]] = {}
    for snapshot in monthly(head.versions("providers/")):
        ident = source_id("modelsdev-prices", snapshot.date, snapshot.commit)
        first = not before
        claims, before = listings.claims(snapshot, listings.read(snapshot), before)
        if already_imported(out_dir, ident, report):
            continue
        note = (
            "Every listing's input and output price."
            if first
            else "Only listings whose price changed since the previous month's version."
        )
        title = f"models.dev provider prices, version of {snapshot.date}"
        documents.append(_source(ident, title, snapshot, "providers/", note, claims))
    return documents


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import the models/ records at ``rev`` and the monthly provider-price versions up to it."""
    head = Snapshot.open(checkout, rev)
    entities = ImportedEntities(tree, out_dir, DATASET)
    if not head.versions("providers/"):
        raise DataError([Problem(str(checkout), "directory", "has no providers/ folder of models.dev")])
    with_records = bool(head.versions("models/"))

    def build(report: ImportReport) -> list[dict[str, Any]]:
        documents = _records(head, out_dir, entities, report) if with_records else []
        return documents + _prices(head, out_dir, entities, report)

    documents, report = settled(entities, build)
    write_all(out_dir, documents, entities, report)
    return report
