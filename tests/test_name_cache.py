"""The name index is computed once per store generation and read back by later sessions."""

from pathlib import Path

from kg.resolve import NAMES_SUFFIX, name_index
from kg.session import Session
from kg.store import current_generation, open_store


def _cache_file(store: Path) -> Path:
    generation = current_generation(store)
    return generation.with_name(generation.name + NAMES_SUFFIX)


def test_the_second_session_reads_the_index_the_first_one_wrote(scratch_store):
    with Session(scratch_store) as first:
        built = first.names()
    cached = _cache_file(scratch_store)
    assert cached.is_file()
    with Session(scratch_store) as second:
        read = second.names()
    assert read == built
    with open_store(scratch_store) as store:
        assert read == name_index(store)


def test_a_corrupt_index_file_is_rebuilt_not_trusted(scratch_store):
    with Session(scratch_store) as first:
        expected = first.names()
    _cache_file(scratch_store).write_text("{not json", encoding="utf-8")
    with Session(scratch_store) as second:
        assert second.names() == expected
    assert _cache_file(scratch_store).read_text(encoding="utf-8").startswith("{")


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
