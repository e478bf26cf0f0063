"""LMArena (Chatbot Arena) leaderboards: ratings with their 95% interval and votes, one source per version.

Two public mirrors are read, whichever ``PATH`` is:
- ``fboulnois/llm-leaderboard-csv``: ``csv/lmsys.csv``, the text leaderboard rewritten in each commit
  (2024-06 to 2025-08); the last version of each month is imported.
- ``oolong-tea-2026/arena-ai-leaderboards``: ``data/YYYY-MM-DD/<board>.json``, ten boards fetched
  daily (from 2026-03); the last folder of each ISO week is imported.

Arena scores are Elo-like ratings re-fitted on the pool of each day, so a version's date is the
score's ``split``: parity compares ratings within one leaderboard version, never across dates.
The licence column becomes licence and weights-available facts of the dataset.
"""

import csv
import io
import json
import re
from datetime import date as Date
from pathlib import Path
from typing import Any

from kg.errors import DataError, Problem
from kg.importers.core import ImportedEntities, ImportReport, Snapshot, locator, settled
from kg.importers.naming import resolve_dated
from kg.importers.versions import already_imported, monthly, source_id, write_all
from kg.loading import DataTree

DATASET = "arena"
CSV_REPOSITORY = "fboulnois/llm-leaderboard-csv"
CSV_FILE = "csv/lmsys.csv"
DAILY_REPOSITORY = "oolong-tea-2026/arena-ai-leaderboards"
FOLDER = re.compile(r"^data/(\d{4}-\d{2}-\d{2})/([a-z0-9-]+)\.json$")
CI = re.compile(r"^\+(\d+(?:\.\d+)?)/-(\d+(?:\.\d+)?)$")
TEXT_BOARD = "text"
BOARD_NAMES = {
    "code": "WebDev",
    "vision": "Vision",
    "document": "Document",
    "search": "Search",
    "text-to-image": "Text-to-Image",
    "image-edit": "Image Edit",
    "text-to-video": "Text-to-Video",
    "image-to-video": "Image-to-Video",
    "video-edit": "Video Edit",
}
"""Boards other than text, by file name, and the name the arena gives them ('code' is the WebDev arena)."""
PROPRIETARY = re.compile(r"^propr?i?etary$", re.IGNORECASE)
NOT_A_LICENCE = {"other", "license", "unknown", "n/a", ""}
"""Licence cells that name no licence: no fact is read from them."""


def parse_ci(cell: str, score: float, rel: str, row: int) -> tuple[float, float]:
    """The interval '+5/-4' around ``score`` as (low, high)."""
    match = CI.match(cell.strip())
    if not match:
        raise DataError([Problem(rel, f"row {row}", f"95% CI {cell!r} is not like '+5/-4'")])
    return score - float(match[2]), score + float(match[1])


def parse_lmsys(text: str, rel: str) -> list[dict[str, Any]]:
    """The rows of one lmsys.csv version: row number, model, organisation, licence, score, interval, votes."""
    rows = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        score_cell = cells.get("arena_score") or cells.get("arena_elo") or ""
        try:
            score = float(score_cell)
            votes = int(cells.get("votes", "").replace(",", ""))
        except ValueError:
            raise DataError(
                [
                    Problem(
                        rel,
                        f"row {number}",
                        f"score {score_cell!r} and votes {cells.get('votes')!r} must be numbers",
                    )
                ]
            ) from None
        if not cells.get("model"):
            raise DataError([Problem(rel, f"row {number}", "has no model name")])
        low, high = parse_ci(cells.get("95_pct_ci", ""), score, rel, number)
        rows.append(
            {
                "row": number,
                "model": cells["model"],
                "organisation": cells.get("organization") or None,
                "licence": cells.get("license") or None,
                "score": score,
                "uncertainty": {"ci_low": low, "ci_high": high, "ci_level": 95, "votes": votes},
            }
        )
    return rows


def parse_board(text: str, rel: str) -> list[dict[str, Any]]:
    """The rows of one daily board file: row N is the N-th entry of ``models``."""
    try:
        board = json.loads(text)
        models = board["models"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DataError([Problem(rel, "file", "is not a leaderboard JSON object with 'models'")]) from None
    rows = []
    for number, entry in enumerate(models, start=1):
        score, ci, votes = entry.get("score"), entry.get("ci"), entry.get("votes")
        if not entry.get("model") or not isinstance(score, int | float):
            continue
        if not (ci is None or isinstance(ci, int | float)) or not (votes is None or isinstance(votes, int)):
            raise DataError([Problem(rel, f"row {number}", "ci and votes must be numbers or null")])
        uncertainty: dict[str, Any] = {"votes": votes} if votes is not None else {}
        if ci is not None:
            uncertainty |= {"ci_low": score - ci, "ci_high": score + ci}
        rows.append(
            {
                "row": number,
                "model": entry["model"],
                "organisation": entry.get("vendor"),
                "licence": entry.get("license"),
                "score": float(score),
                "uncertainty": uncertainty or None,
            }
        )
    return rows


class Version:
    """One dated leaderboard version turned into claims; shared by both mirrors."""

    def __init__(
        self, snapshot: Snapshot, day: str, entities: ImportedEntities, report: ImportReport
    ) -> None:
        self.snapshot, self.day, self.entities, self.report = snapshot, day, entities, report
        self.claims: list[dict[str, Any]] = []
        self.openness_seen: set[str] = set()

    def benchmark(self, board: str, rel: str) -> str | None:
        """The benchmark of a board: Chatbot Arena for text, else an arena board created when unknown."""
        if board == TEXT_BOARD:
            return self.entities.benchmark("Chatbot Arena", None, rel, self.report)
        name = f"LMArena {BOARD_NAMES.get(board, board)}"
        return self.entities.benchmark(
            name,
            {
                "id": f"lmarena-{board}",
                "category": "human-preference",
                "unit": "elo",
                "higher_is_better": True,
                "url": f"https://lmarena.ai/leaderboard/{board}",
            },
            rel,
            self.report,
        )

    def model(self, name: str, organisation: str | None, where: str) -> tuple[str | None, dict[str, Any]]:
        """The model a row names (a dated name also by its undated base, kept as the snapshot).

        Unknown models are created with the row's organisation as lab; ambiguous names are reported.
        """
        found, setting = resolve_dated(self.entities.models, name, [("arena", name)])
        if found.resolved or found.ids:
            if found.resolved is None:
                self.report.note_unresolved(found, where)
            return found.resolved, setting
        return self.entities.model(
            name, self.report, where, identifiers=[("arena", name)], lab=organisation
        ), (setting)

    def add(self, rows: list[dict[str, Any]], rel: str, board: str, note: str | None) -> None:
        """Score claims of one board's rows, and each model's licence facts once per version."""
        benchmark = self.benchmark(board, rel)
        for row in rows:
            self.report.rows += 1
            where = f"{rel} row {row['row']}"
            subject, dated = self.model(row["model"], row["organisation"], where)
            if subject is None or benchmark is None:
                continue
            key = f"{board}-{len(self.claims) + 1}"
            at = locator(rel, row["row"], self.snapshot.commit, row["model"])
            claim: dict[str, Any] = {
                "id": key,
                "kind": "score",
                "subject": subject,
                "mention": row["model"],
                "benchmark": benchmark,
                "benchmark_mention": f"{board} leaderboard",
                "value": row["score"],
                "run_by": "third-party",
                "setting": {"split": f"leaderboard {self.day}"} | dated,
                "locator": at,
            }
            claim |= {"uncertainty": row["uncertainty"]} if row["uncertainty"] else {}
            claim |= {"note": note} if note else {}
            self.claims.append(claim)
            if subject not in self.openness_seen and row["licence"]:
                self.openness_seen.add(subject)
                self.claims += self.licence_claims(subject, row["model"], row["licence"], at, where)

    def licence_claims(
        self, subject: str, mention: str, licence: str, at: str, where: str
    ) -> list[dict[str, Any]]:
        """weights-available (and, where the licence is known, licence) facts from the licence column.

        A named licence other than proprietary means the weights are published under it; the licence
        fact is written only when the name resolves to a reference or SPDX licence (others are reported).
        """
        base = {"kind": "fact", "subject": subject, "mention": mention, "locator": at}
        ident = f"{subject}-{len(self.claims) + 1}"
        if PROPRIETARY.match(licence):
            found = self.entities.licence("proprietary", where, self.report)
            weights = False
        elif licence.casefold() == "open":
            return [
                {
                    **base,
                    "id": f"weights-{ident}",
                    "property": "weights-available",
                    "value": True,
                    "note": "The board's licence field says 'open'.",
                }
            ]
        elif licence.casefold() in NOT_A_LICENCE:
            return []
        else:
            found, weights = self.entities.licence(licence, where, self.report), True
        claims = [
            {
                **base,
                "id": f"weights-{ident}",
                "property": "weights-available",
                "value": weights,
                "note": f"Read from the licence column: {licence}.",
            }
        ]
        if found:
            claims.append({**base, "id": f"licence-{ident}", "property": "licence", "value": found})
        return claims


def _document(
    ident: str,
    title: str,
    day: str,
    repository: str,
    rel: str,
    snapshot: Snapshot,
    claims: list[dict[str, Any]],
    licence: str,
    attribution: str,
) -> dict[str, Any]:
    return {
        "source": {
            "id": ident,
            "title": title,
            "publisher": "LMArena (via a public mirror)",
            "url": f"https://github.com/{repository}",
            "date": day,
            "kind": "leaderboard",
            "repository": repository,
            "path": rel,
            "commit": snapshot.commit,
            "licence": licence,
            "licence_url": f"https://github.com/{repository}/blob/{snapshot.commit}/LICENSE",
            "attribution": attribution,
            "note": (
                f"Generated by `kg import arena`. The mirror copies lmarena.ai's leaderboard; the date is "
                f"the commit date ({snapshot.date}), when the mirror saved that version."
            ),
        },
        "claims": claims,
    }


def _lmsys(
    head: Snapshot, out_dir: Path, entities: ImportedEntities, report: ImportReport
) -> list[dict[str, Any]]:
    """The monthly versions of lmsys.csv not yet imported, as source documents."""
    documents: list[dict[str, Any]] = []
    for snapshot in monthly(v for v in head.versions(CSV_FILE)):
        if CSV_FILE not in snapshot.names("csv/"):
            continue
        ident = source_id("arena-lmsys", snapshot.date, snapshot.commit)
        if already_imported(out_dir, ident, report):
            continue
        version = Version(snapshot, snapshot.date, entities, report)
        version.add(
            parse_lmsys(snapshot.show(CSV_FILE), CSV_FILE),
            CSV_FILE,
            TEXT_BOARD,
            "Rating as published on the day's text leaderboard (95% CI as +/-).",
        )
        documents.append(
            _document(
                ident,
                f"LMArena text leaderboard, version of {snapshot.date}",
                snapshot.date,
                CSV_REPOSITORY,
                CSV_FILE,
                snapshot,
                version.claims,
                "MPL-2.0",
                "fboulnois/llm-leaderboard-csv (data from lmarena.ai)",
            )
        )
    return documents


def weekly(days: list[str]) -> list[str]:
    """The last day of each ISO week among ``days``, oldest first."""
    last: dict[tuple[int, int], str] = {}
    for day in sorted(days):
        year, week, _ = Date.fromisoformat(day).isocalendar()
        last[year, week] = day
    return [last[key] for key in sorted(last)]


def _daily(
    head: Snapshot, out_dir: Path, entities: ImportedEntities, report: ImportReport
) -> list[dict[str, Any]]:
    """The weekly daily folders not yet imported, as source documents."""
    documents: list[dict[str, Any]] = []
    files = [
        (m[1], m[2], rel) for rel in head.names("data/") if (m := FOLDER.match(rel)) and m[2] != "_index"
    ]
    for day in weekly(sorted({day for day, _, _ in files})):
        snapshot = Snapshot.open(head.checkout, head.commit, f"data/{day}/")
        ident = source_id("arena-daily", day, snapshot.commit)
        if already_imported(out_dir, ident, report):
            continue
        version = Version(snapshot, day, entities, report)
        for _, board, rel in (f for f in files if f[0] == day):
            version.add(
                parse_board(snapshot.show(rel), rel),
                rel,
                board,
                "The interval is the +/- the board shows; the mirror does not state its level.",
            )
        documents.append(
            _document(
                ident,
                f"LMArena leaderboards, snapshot of {day}",
                day,
                DAILY_REPOSITORY,
                f"data/{day}/",
                snapshot,
                version.claims,
                "MIT",
                "Copyright (c) 2026 Wu Long (oolong-tea-2026); data from arena.ai",
            )
        )
    return documents


def run(checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
    """Import the selected versions up to ``rev`` of whichever arena mirror ``checkout`` is."""
    head = Snapshot.open(checkout, rev)
    entities = ImportedEntities(tree, out_dir, DATASET)
    if head.versions(CSV_FILE):
        mirror = _lmsys
    elif any(FOLDER.match(rel) for rel in head.names("data/")):
        mirror = _daily
    else:
        raise DataError(
            [
                Problem(
                    str(checkout),
                    "directory",
                    f"has neither {CSV_FILE} history nor data/YYYY-MM-DD/*.json folders",
                )
            ]
        )
    documents, report = settled(entities, lambda report: mirror(head, out_dir, entities, report))
    write_all(out_dir, documents, entities, report)
    return report
