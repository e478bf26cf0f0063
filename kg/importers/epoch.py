"""Epoch AI benchmark-stitching (data/): external benchmark scores, model versions, distillation.

One dataset commit is one source. ``external_benchmark_*.csv`` rows become score claims (the one
percent column named in ``HEADLINE``), each keeping the row's cited origin; ``model_versions.csv``
gives release-date and developer facts and the Hugging Face ids used to resolve and create models;
``distilled_models.csv`` gives Epoch's judgement whether a model was distilled, as a fact with
Epoch's confidence (the file names no teacher, so it cannot be a lineage edge).
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, locator, settled, write_import
from kg.loading import DataTree

DATASET = "epoch"
SOURCE_PREFIX = "epoch-benchmark-stitching"
REPOSITORY = "epoch-research/benchmark-stitching"
PREFIX = "data/external_benchmark_"
VERSIONS = "data/model_versions.csv"
DISTILLED = "data/distilled_models.csv"


@dataclass(frozen=True)
class Headline:
    """The one percent column read from a file, and how to create its benchmark if unknown."""

    column: str
    sign: bool = True
    stderr: str | None = None
    split: str | None = None
    create: tuple[str, str, str] | None = None
    """(id, name, category) of a benchmark the reference data lacks."""


HEADLINE = {
    "aider_polyglot": Headline("Percent correct", sign=False),
    "anli": Headline("Score", create=("anli", "ANLI", "text-reasoning")),
        "arc_ai2": Headline("Challenge score", create=("arc-challenge", "ARC-Challenge", "text-reasoning")),
    "balrog": Headline("Average progress", stderr="Average Standard error",
                       create=("balrog", "BALROG", "agentic")),
    "bbh": Headline("Average"),
    "boolq": Headline("Score", create=("boolq", "BoolQ", "text-reasoning")),
    "cadeval": Headline("Overall pass (%)", create=("cadeval", "CadEval", "code")),
    "csqa2": Headline("Score", create=("csqa2", "CommonsenseQA 2.0", "text-reasoning")),
    "cybench": Headline("Unguided % Solved", split="unguided", create=("cybench", "Cybench", "agentic")),
    "deepresearch": Headline("Average score", create=("deepresearch-bench", "DeepResearch Bench", "agentic")),
    "gsm8k": Headline("EM"),
    "gso_bench": Headline("Score OPT@1", split="OPT@1", create=("gso-bench", "GSO", "code")),
    "hellaswag": Headline("Overall accuracy", create=("hellaswag", "HellaSwag", "text-reasoning")),
    "lambada": Headline("Score", create=("lambada", "LAMBADA", "text-reasoning")),
    "mmlu": Headline("EM"),
    "openbookqa": Headline("Accuracy", create=("openbookqa", "OpenBookQA", "knowledge")),
    "os_world": Headline("Score", sign=False),
    "osuniverse": Headline("Weighted Score", create=("osuniverse", "OSUniverse", "computer-use")),
    "piqa": Headline("Score", create=("piqa", "PIQA", "text-reasoning")),
    "scienceqa": Headline("Score", create=("scienceqa", "ScienceQA", "multimodal")),
    "simple_bench": Headline("Score (AVG@5)", create=("simplebench", "SimpleBench", "text-reasoning")),
    "superglue": Headline("Score", create=("superglue", "SuperGLUE", "text-reasoning")),
    "terminal_bench": Headline("Accuracy mean", stderr="Accuracy SE"),
    "the_agent_company": Headline("% Resolved", create=("theagentcompany", "TheAgentCompany", "agentic")),
    "triviaqa": Headline("EM", create=("triviaqa", "TriviaQA", "knowledge")),
    "videomme": Headline("Overall (no subtitles)", split="without subtitles"),
    "vpct": Headline("Correct", create=("vpct", "VPCT", "vision")),
    "weirdml": Headline("Accuracy", create=("weirdml", "WeirdML", "code")),
    "winogrande": Headline("Accuracy", create=("winogrande", "WinoGrande", "text-reasoning")),
}
"""Files not listed (no percent column; an Elo, a time horizon or many unranked columns; ARC-AGI,
whose file does not say which ARC-AGI version) are reported as skipped."""

EFFORT = re.compile(r"^(?P<base>.+)_(?P<effort>minimal|low|medium|high|xhigh)$")
BUDGET = re.compile(r"^(?P<base>.+)_(?P<budget>\d+K)$")
DATED = re.compile(r"^(?P<base>.+?)-20\d{2}-?\d{2}-?\d{2}$")
"""A lab's dated snapshot id (gpt-4o-2024-11-20, claude-3-5-sonnet-20241022): the undated model's
version, recorded as the setting's snapshot; the undated name is tried when the dated one is unknown."""
CONFIDENCE = {"high", "medium", "low"}


def _rows(snapshot: Snapshot, rel: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line-based row numbers (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(snapshot.show(rel)))
    return [(number, {k.strip(): (v or "").strip() for k, v in row.items() if k})
            for number, row in enumerate(reader, start=2)]


def _percent(cell: str, sign: bool, rel: str, row: int) -> float:
    """A percent cell ('63.3%', or '88.000' in files that omit the sign) as a number in 0-100."""
    text = cell.removesuffix("%") if sign and cell.endswith("%") else (None if sign else cell)
    try:
        value = float(text) if text is not None else None
    except ValueError:
        value = None
    if value is None or not 0 <= value <= 100:
        form = "a percentage like '63.3%'" if sign else "a number from 0 to 100"
        raise DataError([Problem(rel, f"row {row}", f"score {cell!r} is not {form}")])
    return value


def _key(row: dict[str, str]) -> str | None:
    return row.get("id") or row.get("ID") or row.get("UUID") or None


def _origin(row: dict[str, str]) -> dict[str, str] | None:
    title = row.get("Source") or None
    url = row.get("Source link") or row.get("Source link (site from table)") or None
    return {k: v for k, v in (("title", title), ("url", url)) if v} or None


def _hf_repo(link: str) -> str | None:
    found = re.match(r"^https?://huggingface\.co/([\w.-]+/[\w.-]+)", link)
    return found.group(1) if found else None


class _Models:
    """Resolve Epoch model-version ids (with their reasoning-effort suffix) to model ids."""

    def __init__(self, entities: ImportedEntities, versions: dict[str, dict[str, str]],
                 report: ImportReport) -> None:
        self.entities, self.versions, self.report = entities, versions, report

    def find(self, version: str, name: str, where: str) -> tuple[str | None, dict[str, Any], str]:
        """(model id or None, the setting the suffix implies, the mention) of one row."""
        setting: dict[str, Any] = {}
        base = version
        if match := EFFORT.match(version):
            base, setting = match["base"], {"reasoning_effort": match["effort"]}
        elif match := BUDGET.match(version):
            base, setting = match["base"], {"reasoning_effort_mention": f"thinking budget {match['budget']}"}
        mention = version or name
        if not mention:
            return None, setting, mention
        meta = self.versions.get(base, {})
        identifiers = [("epoch", base)] if base else []
        if repo := _hf_repo(meta.get("Link", "")):
            identifiers.append(("huggingface", repo))
        developer = meta.get("Hugging Face developer id") or None
        lab_ids = [("huggingface", developer)] if developer else []
        dated = DATED.match(base)
        if dated:
            setting["snapshot"] = base
        model = self.entities.model(base or name, self.report, where, identifiers=identifiers,
                                    lab=developer, lab_identifiers=lab_ids,
                                    also=[dated["base"]] if dated else [])
        return model, setting, mention


def _score_claims(snapshot: Snapshot, rel: str, benchmark: str, spec: Headline, models: _Models,
                  report: ImportReport) -> list[dict[str, Any]]:
    stem = Path(rel).stem.removeprefix(Path(PREFIX).name)
    claims = []
    for number, row in _rows(snapshot, rel):
        if spec.column not in row:
            raise DataError([Problem(rel, f"row {number}", f"has no column '{spec.column}'")])
        report.rows += 1
        cell = row[spec.column]
        if not cell:
            continue
        value = _percent(cell, spec.sign, rel, number)
        where = f"{rel} row {number}"
        model, setting, mention = models.find(row.get("Model version", ""), row.get("Name", ""), where)
        if model is None:
            continue
        shots = re.fullmatch(r"(\d+)(-shot)?", row.get("Shots", ""))
        setting |= {"shots": int(shots.group(1))} if shots else {}
        setting |= {"split": spec.split} if spec.split else {}
        setting |= {"harness": row["Agent"][:200]} if row.get("Agent") else {}
        claim: dict[str, Any] = {
            "id": f"{stem}-row-{number}", "kind": "score", "subject": model, "mention": mention,
            "benchmark": benchmark, "benchmark_mention": f"{stem}: {spec.column}", "value": value,
            "run_by": "unknown", "setting": setting,
            "locator": locator(rel, number, snapshot.commit, _key(row)), "origin": _origin(row),
        }
        if spec.stderr and row.get(spec.stderr):
            claim["uncertainty"] = {"stderr": _percent(row[spec.stderr], spec.sign, rel, number)}
        claims.append(claim)
    return claims


def _version_claims(snapshot: Snapshot, rows: list[tuple[int, dict[str, str]]], models: _Models,
                    report: ImportReport) -> list[dict[str, Any]]:
    """Release-date and developer facts of model_versions.csv."""
    claims = []
    for number, row in rows:
        report.rows += 1
        version = row.get("id", "")
        date, developer = row.get("Version release date", ""), row.get("Hugging Face developer id", "")
        if not version or not (date or developer):
            continue
        where = f"{VERSIONS} row {number}"
        model, _, mention = models.find(version, row.get("Model", ""), where)
        if model is None:
            continue
        base = {"subject": model, "mention": mention, "kind": "fact",
                "locator": locator(VERSIONS, number, snapshot.commit, version)}
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            claims.append({**base, "id": f"release-date-row-{number}", "property": "release-date",
                           "value": date})
        elif date:
            raise DataError([Problem(VERSIONS, f"row {number}", f"release date {date!r} is not YYYY-MM-DD")])
        lab = None
        if developer:
            lab = models.entities.lab(developer, [("huggingface", developer)], where, report)
        if lab:
            claims.append({**base, "id": f"developer-row-{number}", "property": "developer", "value": lab,
                           "qualifier": f"Hugging Face developer id {developer}"})
    return claims


def _distilled_claims(snapshot: Snapshot, models: _Models, report: ImportReport) -> list[dict[str, Any]]:
    """Epoch's judgement whether each model was distilled, with its confidence."""
    claims = []
    for number, row in _rows(snapshot, DISTILLED):
        report.rows += 1
        flag, confidence = row.get("distilled", "").upper(), row.get("confidence", "").lower()
        if flag not in ("TRUE", "FALSE") or confidence not in CONFIDENCE:
            raise DataError([Problem(DISTILLED, f"row {number}",
                                     "needs distilled TRUE/FALSE and confidence high/medium/low")])
        where = f"{DISTILLED} row {number}"
        model, _, mention = models.find(row.get("model", ""), "", where)
        if model is None:
            continue
        claims.append({"id": f"distilled-row-{number}", "kind": "fact", "subject": model, "mention": mention,
                       "property": "distilled", "value": flag == "TRUE",
                       "qualifier": f"Epoch AI's confidence: {confidence}",
                       "approximate": confidence != "high",
                       "locator": locator(DISTILLED, number, snapshot.commit, row.get("model"))})
    return claims


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import one commit (``rev``) of a git directory or checkout of the repository into one source."""
    snapshot = Snapshot.open(checkout, rev)
    entities = ImportedEntities(tree, out_dir, DATASET)
    names = snapshot.names("data/")
    version_rows = _rows(snapshot, VERSIONS) if VERSIONS in names else []
    versions = {row.get("id", ""): row for _, row in version_rows}

    def build(report: ImportReport) -> list[dict[str, Any]]:
        models = _Models(entities, versions, report)
        claims: list[dict[str, Any]] = []
        for rel in (n for n in names if n.startswith(PREFIX) and n.endswith(".csv")):
            stem = Path(rel).stem.removeprefix(Path(PREFIX).name)
            spec = HEADLINE.get(stem)
            if spec is None:
                report.skipped.append(f"{rel}: no headline percent column")
                continue
            create = None
            if spec.create:
                ident, _, category = spec.create
                create = {"id": ident, "category": category, "unit": "percent", "higher_is_better": True}
            name = spec.create[1] if spec.create else stem
            benchmark = entities.benchmark(name, create, rel, report)
            if benchmark is not None:
                claims += _score_claims(snapshot, rel, benchmark, spec, models, report)
        claims += _version_claims(snapshot, version_rows, models, report)
        if DISTILLED in names:
            claims += _distilled_claims(snapshot, models, report)
        return claims

    claims, report = settled(entities, build)
    source_id = f"{SOURCE_PREFIX}-{snapshot.commit[:12]}"
    document = {
        "source": {
            "id": source_id, "title": "Epoch AI benchmark-stitching: benchmark and model-version data",
            "publisher": "Epoch AI", "url": f"https://github.com/{REPOSITORY}", "date": snapshot.date,
            "kind": "dataset", "repository": REPOSITORY, "path": "data/", "commit": snapshot.commit,
            "licence": "MIT", "licence_url": f"https://github.com/{REPOSITORY}/blob/{snapshot.commit}/LICENSE",
            "attribution": "Copyright (c) 2025 Epoch AI", "note": "Generated by `kg import epoch`.",
        },
        "claims": claims,
    }
    write_import(out_dir, document, entities, report)
    return report
