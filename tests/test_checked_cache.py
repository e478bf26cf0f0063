"""A rebuild reuses the remembered outcome of unchanged source files: same store, edits re-checked."""

import shutil

import pytest

from kg import pipeline, source_check
from kg.checked_cache import checked_dir
from kg.errors import DataError
from kg.store import open_store
from tests.conftest import FIXTURE_DATA


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A writable fixture tree and an empty cache of its own."""
    monkeypatch.setenv("PARITYKG_CACHE", str(tmp_path / "cache"))
    copy = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, copy)
    return copy


def _quads(store_dir):
    with open_store(store_dir) as store:
        return {str(quad) for quad in store}


def _count_parsed(monkeypatch) -> list[str]:
    parsed: list[str] = []
    original = source_check.load_source_file

    def counting(path, root=None, raw=None):
        parsed.append(path.name)
        return original(path, root, raw)

    monkeypatch.setattr(source_check, "load_source_file", counting)
    return parsed


def test_a_rebuild_parses_only_the_edited_file_and_writes_the_same_store(data, tmp_path, monkeypatch):
    pipeline.build(data, tmp_path / "first")
    assert any(checked_dir().iterdir())
    edited = sorted((data / "sources").glob("*.yaml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    parsed = _count_parsed(monkeypatch)
    pipeline.build(data, tmp_path / "second")
    assert parsed == [edited.name]
    monkeypatch.setenv("PARITYKG_CACHE", str(tmp_path / "cold"))
    pipeline.build(data, tmp_path / "cold-store")
    assert _quads(tmp_path / "second") == _quads(tmp_path / "cold-store")


def test_an_edit_that_breaks_a_remembered_file_is_reported(data, tmp_path):
    pipeline.build(data, tmp_path / "store")
    source = sorted((data / "sources").glob("*.yaml"))[0]
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("claims:", "claims:\n- id: broken\n  kind: score\n", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        pipeline.build(data, tmp_path / "store")
    assert source.name in str(caught.value) and "broken" in str(caught.value)


def test_an_unreadable_cache_entry_is_ignored(data, tmp_path, monkeypatch):
    pipeline.build(data, tmp_path / "first")
    for entry in checked_dir().iterdir():
        entry.write_bytes(b"not a pickle")
    parsed = _count_parsed(monkeypatch)
    pipeline.build(data, tmp_path / "second")
    assert len(parsed) == len(list((data / "sources").glob("*.yaml")))
    assert _quads(tmp_path / "first") == _quads(tmp_path / "second")


def test_a_renamed_file_is_checked_again_under_its_new_name(data, tmp_path):
    """The file name is part of the key: a renamed source breaks the name rule even though its bytes were seen."""
    pipeline.build(data, tmp_path / "first")
    source = sorted((data / "sources").glob("*.yaml"))[0]
    source.rename(source.with_name("renamed-" + source.name))
    with pytest.raises(DataError) as caught:
        pipeline.build(data, tmp_path / "second")
    assert "file name must be the source id" in str(caught.value)


def test_a_change_to_the_code_that_makes_an_outcome_changes_every_key(monkeypatch):
    from kg import checked_cache

    before = checked_cache.checked_key("a.yaml", b"x", "ref")
    monkeypatch.setattr(checked_cache, "_outcome_code_digest", lambda: "other code")
    assert checked_cache.checked_key("a.yaml", b"x", "ref") != before
