"""Open LLM Leaderboard v2, as mirrored in fboulnois/llm-leaderboard-csv (csv/huggingface_v2.csv).

One version of the file (the last commit at or before ``rev`` that changed it) is one source.
Each row is one evaluation of one Hugging Face repository at one revision and precision:

- six raw scores (the ``*_value`` columns, a 0-1 fraction, written here as percent), never the
  ``*_normalized_score`` columns, which rescale against random guessing and so cannot be set
  beside a lab's raw percent. The setting names the harness, the evaluator, the shots and the
  evaluated revision and precision;
- facts of the model: total parameters, the hub licence (when it is an SPDX id), and that its
  weights were downloadable (the leaderboard evaluates public Hub weights), as of submission;
- ``base_model`` when it differs from the model: a lineage claim, relation from the row's type
  (adapter, merge, fine-tune, continued pre-training), status ``reported`` (the uploader's card
  metadata, restated by the leaderboard). Rows whose type states no relation are counted in the
  report as skipped lineage.
"""

import csv
import io
import re
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, locator, settled, write_import
from kg.loading import DataTree

DATASET = "openllm"
SOURCE_PREFIX = "open-llm-leaderboard-v2"
REPOSITORY = "fboulnois/llm-leaderboard-csv"
FILE = "csv/huggingface_v2.csv"
ABOUT = "https://huggingface.co/docs/leaderboards/open_llm_leaderboard/about"

BENCHMARKS = {
    # CSV prefix: (name the reference data knows or gets, shots, benchmark to create if unknown)
    "ifeval": ("IFEval", 0, None),
    "bbh": ("BBH", 3, None),
    "math": ("MATH Lvl 5", 4, {"id": "math-lvl-5", "category": "math", "unit": "percent",
                               "version": "Level 5 problems", "parent": "math",
                               "variant_of": [{"benchmark": "math", "relation": "subset-of"}]}),
    "gpqa": ("GPQA", 0, None),
    "musr": ("MuSR", 0, {"id": "musr", "category": "text-reasoning", "unit": "percent",
                         "url": "https://arxiv.org/abs/2310.16049"}),
    "mmlu_pro": ("MMLU-Pro", 5, None),
}
"""Shots per task as the leaderboard states them (IFEval 0, BBH 3, MATH Lvl 5 4, GPQA 0, MuSR 0,
MMLU-Pro 5: its About page and its result cards)."""

RELATION_BY_TYPE = {
    "fine-tunedondomain-specificdatasets": "fine-tune",
    "chatmodels": "fine-tune",
    "basemergesandmoerges": "merge",
    "continuouslypretrained": "continued-pretraining",
}
"""``model_type`` values (as the CSV writes them) whose base model relation is stated."""

MERGE_MARK = re.compile(r"\s*\(Merge\)$")
"""The leaderboard writes a merge's own name with ' (Merge)' as its base model: no distinct parent."""

OFFICIAL = "features_is_official_provider"

REQUIRED = ["model_name", "model_sha", "model_precision", "model_type", "model_weight_type",
            "metadata_base_model", "metadata_hub_license", "metadata_params_billions",
            "metadata_submission_date", *(f"evaluations_{p}_value" for p in BENCHMARKS)]


def _relation(row: dict[str, str]) -> str | None:
    if row["model_weight_type"].casefold() == "adapter":
        return "adapter"
    if row.get("features_is_merged", "").upper() == "TRUE":
        return "merge"
    return RELATION_BY_TYPE.get(row["model_type"])


def _fraction(cell: str, rel: str, row: int, column: str) -> float | None:
    """A 0-1 score cell as percent with the digits the fraction justifies; '' is None."""
    if not cell:
        return None
    try:
        value = float(cell)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise DataError([Problem(rel, f"row {row}", f"'{column}' is {cell!r}, not a fraction from 0 to 1")])
    return round(value * 100, 4)


class _Rows:
    """Turn the rows of one file version into claims, one model at a time."""

    def __init__(self, snapshot: Snapshot, entities: ImportedEntities, report: ImportReport,
                 benchmarks: dict[str, str], evaluator: str | None) -> None:
        self.snapshot, self.entities, self.report = snapshot, entities, report
        self.benchmarks, self.evaluator = benchmarks, evaluator
        self.facts_done: set[str] = set()
        self.edges_done: set[tuple[str, str]] = set()

    def model(self, repo: str, where: str) -> str | None:
        org, _, name = repo.partition("/")
        if not org or not name:
            self.report.skipped.append(f"{where}: '{repo}' is not a Hugging Face repository id")
            return None
        return self.entities.model(repo, self.report, where, identifiers=[("huggingface", repo)], lab=org,
                                   lab_identifiers=[("huggingface", org)], name_lab_only=True, also=[name])

    def claims(self, number: int, row: dict[str, str]) -> list[dict[str, Any]]:
        where = f"{FILE} row {number}"
        repo = row["model_name"]
        model = self.model(repo, where)
        if model is None:
            return []
        place = locator(FILE, number, self.snapshot.commit)
        submitted = row["metadata_submission_date"]
        as_of = {"as_of": submitted} if re.fullmatch(r"\d{4}-\d{2}-\d{2}", submitted) else {}
        claims = []
        for prefix, (_, shots, _) in BENCHMARKS.items():
            value = _fraction(row[f"evaluations_{prefix}_value"], FILE, number, f"evaluations_{prefix}_value")
            if value is None or prefix not in self.benchmarks:
                continue
            setting = {"shots": shots, "harness": "lm-evaluation-harness (Open LLM Leaderboard v2)",
                       "snapshot": f"{repo}@{row['model_sha'][:12]} {row['model_precision']}"}
            if self.evaluator:
                setting["evaluator"] = self.evaluator
            claims.append({"id": f"{prefix.replace('_', '-')}-row-{number}", "kind": "score",
                           "subject": model, "mention": repo, "benchmark": self.benchmarks[prefix],
                           "benchmark_mention": row.get(f"evaluations_{prefix}_name") or prefix,
                           "value": value, "run_by": "third-party", "setting": setting, "locator": place,
                           **as_of})
        if model not in self.facts_done:
            self.facts_done.add(model)
            claims += self._facts(number, row, model, place, as_of, where)
        claims += self._lineage(number, row, model, place, where)
        return claims

    def _facts(self, number: int, row: dict[str, str], model: str, place: str, as_of: dict[str, str],
               where: str) -> list[dict[str, Any]]:
        repo = row["model_name"]
        base = {"kind": "fact", "subject": model, "mention": repo, "locator": place, **as_of}
        facts = [{**base, "id": f"weights-row-{number}", "property": "weights-available", "value": True,
                  "note": "The leaderboard evaluates public Hugging Face Hub weights."}]
        params = row["metadata_params_billions"]
        try:
            billions = float(params) if params else 0.0
        except ValueError as exc:
            raise DataError([Problem(FILE, f"row {number}", f"'metadata_params_billions' is {params!r}, "
                                     "not a number")]) from exc
        if billions > 0:
            facts.append({**base, "id": f"parameters-row-{number}", "property": "total-parameters",
                          "value": billions})
        tag = row["metadata_hub_license"]
        licence = self.entities.licence(tag, where, self.report) if tag else None
        if licence:
            facts.append({**base, "id": f"licence-row-{number}", "property": "licence", "value": licence,
                          "qualifier": f"Hugging Face Hub licence tag {tag}"})
        return facts

    def _lineage(self, number: int, row: dict[str, str], model: str, place: str,
                 where: str) -> list[dict[str, Any]]:
        parent_repo = MERGE_MARK.sub("", row["metadata_base_model"])
        if not parent_repo or parent_repo.casefold() == row["model_name"].casefold():
            return []
        relation = _relation(row)
        if relation is None:
            self.report.skipped.append(f"{where}: base model stated, relation not ('{row['model_type']}')")
            return []
        parent = self.model(parent_repo, where)
        if parent is None or parent == model or (model, parent) in self.edges_done:
            return []
        self.edges_done.add((model, parent))
        return [{"id": f"lineage-row-{number}", "kind": "lineage", "child": model,
                 "child_mention": row["model_name"], "parent": parent, "parent_mention": parent_repo,
                 "relation": relation, "status": "reported", "locator": place}]


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import the version of csv/huggingface_v2.csv current at ``rev`` into one source file."""
    return _import(checkout, tree, out_dir, rev, official_only=False)


def run_official(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import only the rows the leaderboard marks as from official providers (a lab's own upload).

    The policy "models with a lab's own release" (a few hundred rows), for when the thousands of
    community uploads are more than a build should carry; its source is separate from the full one.
    """
    return _import(checkout, tree, out_dir, rev, official_only=True)


def _import(checkout: Path, tree: DataTree, out_dir: Path, rev: str, official_only: bool) -> ImportReport:
    snapshot = Snapshot.open(checkout, rev, FILE)
    entities = ImportedEntities(tree, out_dir, DATASET)
    reader = csv.DictReader(io.StringIO(snapshot.show(FILE)))
    required = [*REQUIRED, OFFICIAL] if official_only else REQUIRED
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError([Problem(FILE, "header", f"lacks the column(s) {', '.join(missing)}")])
    table = [(number, {k: (v or "").strip() for k, v in row.items() if k})
             for number, row in enumerate(reader, start=2)]

    def build(report: ImportReport) -> list[dict[str, Any]]:
        benchmarks = {prefix: ident for prefix, (name, _, create) in BENCHMARKS.items()
                      if (ident := entities.benchmark(name, create and {"higher_is_better": True, **create},
                                                      FILE, report))}
        evaluator = entities.lab("Hugging Face", [("huggingface", "open-llm-leaderboard")], FILE, report)
        rows = _Rows(snapshot, entities, report, benchmarks, evaluator)
        claims: list[dict[str, Any]] = []
        for number, row in table:
            report.rows += 1
            if official_only and row[OFFICIAL].upper() != "TRUE":
                continue
            claims += rows.claims(number, row)
        return claims

    claims, report = settled(entities, build)
    subset = "-official" if official_only else ""
    source_id = f"{SOURCE_PREFIX}{subset}-{snapshot.date}-{snapshot.commit[:8]}"
    rows_taken = "official providers' rows" if official_only else "results"
    document = {
        "source": {
            "id": source_id, "title": f"Open LLM Leaderboard v2 {rows_taken} (CSV mirror, {snapshot.date})",
            "publisher": "Hugging Face (Open LLM Leaderboard); CSV by fboulnois/llm-leaderboard-csv",
            "url": f"https://github.com/{REPOSITORY}", "date": snapshot.date, "kind": "leaderboard",
            "repository": REPOSITORY, "path": FILE, "commit": snapshot.commit,
            "licence": "MPL-2.0", "licence_url": f"https://github.com/{REPOSITORY}/blob/{snapshot.commit}/LICENSE",
            "attribution": "Open LLM Leaderboard (Hugging Face); CSV mirror by fboulnois/llm-leaderboard-csv",
            "note": f"Generated by `kg import openllm`. Raw scores only; tasks and shots per {ABOUT}.",
        },
        "claims": claims,
    }
    write_import(out_dir, document, entities, report)
    return report
