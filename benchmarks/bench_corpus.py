"""Recall and precision of reported conflicts, and label agreement, on the labelled corpus.

The corpus (tests/fixtures/disagreements.yaml) lists real pairs of claims from data/ that
disagree, each labelled by a curator the way a careful analyst would: conflict, setting,
unstated, variant, mislabel or date. This compares those labels with the verdicts
``kg query contradictions`` gives the same pairs.

    python benchmarks/bench_corpus.py [--store DIR]    # builds data/ into a temporary store if none
"""

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import answers  # noqa: E402
from kg.budget import QueryBudget, use_budget  # noqa: E402
from kg.pipeline import build  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "disagreements.yaml"
VERDICT_OF_LABEL = {
    "conflict": "conflict",
    "setting": "explained by setting",
    "unstated": "setting unstated on one side",
    "variant": "explained by benchmark variant",
    "mislabel": "same number under another benchmark",
    "date": "explained by date",
}


def load_corpus(path: Path = CORPUS) -> list[dict]:
    """The labelled pairs."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]


def verdicts(store: Path) -> dict[frozenset[str], str]:
    """Every reported pair of the contradictions question, by its two claim ids."""
    with use_budget(QueryBudget(timeout=600, limit=10_000_000)):
        result = answers.contradictions(store)
    return {frozenset((p["a"], p["b"])): p["verdict"] for g in result["groups"] for p in g["pairs"]}


def score(corpus: list[dict], found: dict[frozenset[str], str]) -> dict:
    """Recall and precision of "conflict", label agreement, and every disagreeing pair."""
    outcomes = []
    for pair in corpus:
        expected = VERDICT_OF_LABEL[pair["label"]]
        given = found.get(frozenset((pair["a"], pair["b"])), "not reported")
        outcomes.append((pair, expected, given))
    true_conflicts = sum(1 for _, e, g in outcomes if e == "conflict" and g == "conflict")
    reported = sum(1 for _, _, g in outcomes if g == "conflict")
    labelled = sum(1 for _, e, _ in outcomes if e == "conflict")
    agree = sum(1 for _, e, g in outcomes if e == g)
    return {
        "pairs": len(outcomes),
        "labels": dict(Counter(p["label"] for p in corpus)),
        "recall": true_conflicts / labelled if labelled else 1.0,
        "precision": true_conflicts / reported if reported else 1.0,
        "agreement": agree / len(outcomes) if outcomes else 1.0,
        "mismatches": [{"a": p["a"], "b": p["b"], "label": p["label"], "given": g}
                       for p, e, g in outcomes if e != g],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="a store built from data/ (default: build one)")
    args = parser.parse_args()
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp()) / "store"
        build(ROOT / "data", store)
    print(json.dumps(score(load_corpus(), verdicts(store)), indent=2))


if __name__ == "__main__":
    main()
