"""Canonical form of data files: what ``kg lint`` writes and the tests demand."""

from pathlib import Path

import yaml
from pydantic import BaseModel

from kg.errors import DataError, Problem, display_path
from kg.loading import data_files, load_reference_file, load_source_file
from kg.records import ReferenceFile


def canonical_text(record: BaseModel) -> str:
    """A record as canonical YAML.

    Fields in declared order (a claim's id and kind first), defaults and nulls left out,
    reference entities sorted by id, claims in the order the source makes them.
    """
    data = record.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    if isinstance(record, ReferenceFile):
        data = {section: sorted(items, key=lambda e: e["id"]) for section, items in data.items()}
    else:
        data["claims"] = [_leading(claim, ("id", "kind")) for claim in data["claims"]]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def _leading(item: dict, keys: tuple[str, ...]) -> dict:
    """The same mapping with ``keys`` first, the rest in declared order."""
    return {**{k: item[k] for k in keys if k in item}, **{k: v for k, v in item.items() if k not in keys}}


def canonical_form(path: Path, reference: bool, root: Path | None = None) -> str:
    """The canonical text of one data file (it must already be valid)."""
    loaded = load_reference_file(path, root) if reference else load_source_file(path, root)
    return canonical_text(loaded.record)


def lint_tree(data_dir: Path, write: bool = True) -> list[Path]:
    """The files of a data tree not in canonical form; rewritten in place when ``write``."""
    if not data_dir.is_dir():
        raise DataError([Problem(display_path(data_dir), "directory", "does not exist")])
    references, sources = data_files(data_dir)
    changed = []
    for path, is_reference in [*((p, True) for p in references), *((p, False) for p in sources)]:
        text = canonical_form(path, is_reference, data_dir)
        if path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if write:
                path.write_text(text, encoding="utf-8")
    return changed
