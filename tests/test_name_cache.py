"""The name index is computed once per store generation and read back by later sessions."""

from pathlib import Path

import pytest

from kg.resolve import NAMES_SUFFIX, ResolveError, StoredNameIndex, name_index
from kg.session import Session
from kg.store import current_generation, open_store


def _cache_file(store: Path) -> Path:
    generation = current_generation(store)
    return generation.with_name(generation.name + NAMES_SUFFIX)


def _answers(names, asked):
    """What an index answers for each (name, kinds) asked: an IRI or the error message."""
    answers = []
    for name, kinds in asked:
        try:
            answers.append(names.resolve(name, kinds))
        except ResolveError as error:
            answers.append(str(error))
    return answers


def test_the_second_session_reads_the_index_the_first_one_wrote(scratch_store):
    with Session(scratch_store) as first:
        built = first.names()
    cached = _cache_file(scratch_store)
    assert cached.is_file()
    with Session(scratch_store) as second:
        read = second.names()
    assert isinstance(read, StoredNameIndex)
    assert sorted(read.all_names()) == sorted(built.all_names())
    asked = [(name, kinds) for name, (_, kind) in sorted(built.all_names())[::7]
             for kinds in ((kind,), ("model", "family"))]
    asked += [("no such model at all", ("model",)), ("DeepSeek", ("model",)), ("deepseek-v3", ("model",))]
    with open_store(scratch_store) as store:
        assert _answers(read, asked) == _answers(built, asked) == _answers(name_index(store), asked)


def test_a_corrupt_index_file_is_rebuilt_not_trusted(scratch_store):
    with Session(scratch_store) as first:
        expected = first.names()
    _cache_file(scratch_store).write_text("not a database", encoding="utf-8")
    with Session(scratch_store) as second:
        assert sorted(second.names().all_names()) == sorted(expected.all_names())
    assert _cache_file(scratch_store).read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(ResolveError, match="ambiguous|no model"):
        StoredNameIndex(_cache_file(scratch_store)).resolve("zzz-not-a-model", ("model",))


def test_a_new_generation_gets_its_own_index_and_the_old_file_goes(scratch_store, data_copy):
    from kg.pipeline import build

    with Session(scratch_store) as first:
        first.names()
    old = _cache_file(scratch_store)
    build(data_copy, scratch_store)
    assert not old.exists()
    with Session(scratch_store) as second:
        second.names()
    assert _cache_file(scratch_store) != old and _cache_file(scratch_store).is_file()
