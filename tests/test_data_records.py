"""One test per curated record of data/ (record id as test id): it validates and its references hold.

The imported datasets' generated records (data/imports/) are checked as a whole: the run's build of
all of data/ validates every one (tests/test_build_data.py), and the whole-tree test below.
"""

import tempfile
from pathlib import Path

import pytest

from kg.integrity import check_sources, index_reference
from kg.lint import canonical_form
from kg.loading import data_files, load_tree
from kg.pipeline import validate_tree
from tests.conftest import REAL_DATA, curated_view

CURATED = curated_view(REAL_DATA, Path(tempfile.mkdtemp(prefix="paritykg-curated-")) / "data")
TREE = load_tree(CURATED)
INDEX, REFERENCE_PROBLEMS = index_reference(TREE)
SOURCE_PROBLEMS = check_sources(TREE.sources, INDEX)
ALL_PROBLEMS = REFERENCE_PROBLEMS + SOURCE_PROBLEMS

ENTITY_IDS = [
    (loaded.path.name, section, record.id)
    for loaded in TREE.references
    for section in ("labs", "families", "models", "cohorts", "benchmarks", "licences", "propositions")
    for record in getattr(loaded.record, section)
]
CLAIM_IDS = [
    (loaded.path.name, loaded.record.source.id, claim.id)
    for loaded in TREE.sources
    for claim in loaded.record.claims
]


def _problems_of(file_name: str, record_label: str) -> list[str]:
    return [str(p) for p in ALL_PROBLEMS
            if Path(p.file).name == file_name and p.record == record_label]


@pytest.mark.parametrize(("file_name", "section", "ident"), ENTITY_IDS,
                         ids=[f"{s}:{i}" for _, s, i in ENTITY_IDS])
def test_entity_record(file_name, section, ident):
    singular = {"labs": "lab", "families": "family", "models": "model", "cohorts": "cohort",
                "benchmarks": "benchmark", "licences": "licence", "propositions": "proposition"}
    assert _problems_of(file_name, f"{singular[section]} '{ident}'") == []


@pytest.mark.parametrize(("file_name", "source_id", "claim_id"), CLAIM_IDS,
                         ids=[f"{s}/{c}" for _, s, c in CLAIM_IDS])
def test_claim_record(file_name, source_id, claim_id):
    assert _problems_of(file_name, f"claim '{claim_id}'") == []


@pytest.mark.parametrize("loaded", TREE.sources, ids=[s.record.source.id for s in TREE.sources])
def test_source_record_is_cited(loaded):
    source = loaded.record.source
    assert _problems_of(loaded.path.name, f"source '{source.id}'") == []
    assert source.title.strip()
    assert source.url or source.repository or source.stored_copy or source.note, (
        f"{loaded.path.name}: a source needs a URL, a repository or a stored copy to be found again")
    if source.repository:
        assert source.path, f"{loaded.path.name}: cite the path read in {source.repository}"
        assert source.commit or source.note, f"{loaded.path.name}: cite the commit, or say why not"


@pytest.mark.usefixtures("real_build")  # after the run's kg build of the curated data: SHACL outcomes from its cache
def test_whole_curated_tree_conforms():
    # the whole of data/, imports included, is validated by the run's `kg build` of it (test_build_data)
    validated = validate_tree(CURATED)
    assert validated.claim_count == len(CLAIM_IDS)


def test_data_files_are_canonical():
    # the curated files: data/imports/ is written by the importers through the same canonical writer
    references, sources = data_files(CURATED)
    stale = [
        str(path) for path, is_reference in [*((p, True) for p in references),
                                             *((p, False) for p in sources)]
        if path.read_text(encoding="utf-8") != canonical_form(path, is_reference)
    ]
    assert not stale, f"not in canonical form (run `kg lint` to fix): {stale}"
