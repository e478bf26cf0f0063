"""Reading the data tree: YAML files into pydantic records, with curator-friendly errors."""

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kg.errors import DataError, Problem, display_path
from kg.records import DATE_PATTERN, SLUG_PATTERN, ReferenceFile, SourceFile
from kg.strict_yaml import SINGULAR, Limits, YamlRefused, parse_data_yaml

REFERENCE_DIR = "reference"
SOURCE_DIRS = ("sources", "prices")
IMPORTS_DIR = "imports"
IMPORTED_REFERENCE = "reference.yaml"


@dataclass
class LoadedSource:
    """A source file and where it came from."""

    path: Path
    record: SourceFile


@dataclass
class LoadedReference:
    """A reference file and where it came from."""

    path: Path
    record: ReferenceFile


@dataclass
class DataTree:
    """Everything under a data directory, parsed but not yet cross-checked."""

    references: list[LoadedReference] = field(default_factory=list)
    sources: list[LoadedSource] = field(default_factory=list)


def _regular_file_problem(path: Path, root: Path | None) -> str | None:
    """Why ``path`` must not be read as a data file (a loop, outside the tree, not a file), or None."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return f"cannot be followed ({exc.strerror or exc})" if isinstance(exc, OSError) else \
            "is a symbolic link loop"
    if root is not None and not target.is_relative_to(root.resolve()):
        return f"is a symbolic link to {target}, outside the data tree; copy the file in instead"
    mode = target.stat().st_mode
    if not stat.S_ISREG(mode):
        return "is not a regular file (a directory, FIFO or device); data files are plain files"
    return None


def read_data_bytes(path: Path, root: Path | None = None) -> bytes:
    """A data file's bytes, refused (``DataError`` naming it) if it is not a regular file of the
    tree ``root`` (a symbolic link leading out of it), cannot be read or is over the size limit."""
    name = display_path(path)
    limits = Limits.from_environment()
    refused = _regular_file_problem(path, root)
    if refused:
        raise DataError([Problem(name, "file", refused)])
    try:
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise DataError([Problem(name, "file", f"cannot be read ({exc})")]) from exc
    if len(raw) > limits.max_bytes:
        raise DataError([Problem(name, "file", (
            f"is larger than the limit of {limits.max_bytes // (1024 * 1024)} MiB "
            "(PARITYKG_MAX_FILE_MB); split the source or raise the limit"))])
    return raw


def read_yaml(path: Path, root: Path | None = None, raw: bytes | None = None) -> Any:
    """Parse one data file strictly and within limits; any problem raises ``DataError`` naming it.

    ``root`` is the data tree the file belongs to: a symbolic link leading out of it is refused.
    ``raw`` is the file's content if it was already read with :func:`read_data_bytes`.
    """
    name = display_path(path)
    limits = Limits.from_environment()
    if raw is None:
        raw = read_data_bytes(path, root)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, "file", f"cannot be read ({exc})")]) from exc
    try:
        data = parse_data_yaml(text, limits)
    except YamlRefused as exc:
        raise DataError([Problem(name, exc.record, exc.rule)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataError([Problem(name, where, f"is not valid YAML: {reason}")]) from exc
    except RecursionError as exc:
        raise DataError([Problem(name, "file", "is nested too deeply to read")]) from exc
    if data is None:
        raise DataError([Problem(name, "file", "is empty: a data file needs at least one record")])
    if not isinstance(data, dict):
        raise DataError(
            [Problem(name, "file", "must be a mapping of sections (e.g. 'source:' and 'claims:')")]
        )
    return data


def _record_label(data: Any, loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """Name the record an error is in (by its id when it has one) and the rest of the path."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        items = data.get(section) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        singular = SINGULAR.get(str(section), str(section))
        label = f"{singular} '{ident}'" if ident else f"{singular} #{index + 1}"
        rest = loc[2:]
        if item is not None and isinstance(item, dict) and rest and rest[0] == item.get("kind"):
            rest = rest[1:]
        return label, rest
    if loc and loc[0] == "source":
        ident = data.get("source", {}).get("id") if isinstance(data.get("source"), dict) else None
        return (f"source '{ident}'" if ident else "source"), loc[1:]
    return "file", loc


_UNION_MEMBER = re.compile(r"^(float|int|str|bool|none|date|function-\w+\[.*\]|constrained-\w+)$")


def _explain(error: dict[str, Any], rest: tuple[Any, ...]) -> str:
    """Turn one pydantic error into a sentence a curator understands."""
    where = ".".join(str(p) for p in rest)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown key '{where}' (not part of the format; see docs/data-format.md)"
    if kind == "missing":
        return f"required key '{where}' is missing"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{where}' is {given!r}, which is not one of: {expected}"
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"'kind' is {error.get('ctx', {}).get('tag')!r}, which is not one of: {expected}"
    if kind == "union_tag_not_found":
        return "claim has no 'kind' (score, price, fact, lineage, comparison or stance)"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        form = {SLUG_PATTERN: "an id: lower-case letters, digits, '.', '-' or '_' (e.g. 'qwen2.5-72b')",
                DATE_PATTERN: "a date: YYYY-MM-DD, YYYY-MM or YYYY"}.get(pattern, f"of the form {pattern}")
        return f"'{where}' is {given!r}, but it must be {form}"
    message = error["msg"].removeprefix("Value error, ")
    prefix = f"'{where}': " if where else ""
    return f"{prefix}{message} (given {given!r})" if kind != "value_error" else f"{prefix}{message}"


def parse_records(path: Path, data: Any, model: type[BaseModel]) -> Any:
    """Validate parsed YAML against a record type; raise ``DataError`` listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        name = display_path(path)
        problems = []
        seen: set[tuple[str, tuple[Any, ...]]] = set()
        for error in exc.errors():
            label, rest = _record_label(data, tuple(error["loc"]))
            rest = rest[:1] + tuple(p for p in rest[1:] if not _UNION_MEMBER.match(str(p)))
            if (label, rest) in seen:
                continue  # one message per key, not one per member of a type union
            seen.add((label, rest))
            problems.append(Problem(name, label, _explain(error, rest)))
        raise DataError(problems) from exc


def load_source_file(path: Path, root: Path | None = None, raw: bytes | None = None) -> LoadedSource:
    """Read and shape-check one source file (of the data tree ``root``, if it belongs to one);
    ``raw`` is its content if already read."""
    return LoadedSource(path, parse_records(path, read_yaml(path, root, raw), SourceFile))


def load_reference_file(path: Path, root: Path | None = None) -> LoadedReference:
    """Read and shape-check one reference file (of the data tree ``root``)."""
    return LoadedReference(path, parse_records(path, read_yaml(path, root), ReferenceFile))


def data_files(data_dir: Path) -> tuple[list[Path], list[Path]]:
    """The reference files and the source files of a data tree, in a stable order."""
    imported = sorted((data_dir / IMPORTS_DIR).rglob("*.yaml"))
    references = sorted((data_dir / REFERENCE_DIR).glob("*.yaml"))
    references += [p for p in imported if p.name == IMPORTED_REFERENCE]
    sources = sorted(p for d in SOURCE_DIRS for p in (data_dir / d).glob("*.yaml"))
    sources += [p for p in imported if p.name != IMPORTED_REFERENCE]
    return references, sources


def _no_directory(data_dir: Path) -> DataError:
    return DataError([Problem(display_path(data_dir), "directory", "does not exist")])


def load_references(data_dir: Path, reference_paths: list[Path]) -> list[LoadedReference]:
    """Read every reference file of a data tree; collect the problems of all files before raising."""
    if not data_dir.is_dir():
        raise _no_directory(data_dir)
    if not reference_paths:
        raise DataError(
            [Problem(display_path(data_dir / REFERENCE_DIR), "directory", "has no *.yaml files")]
        )
    return _load_all(reference_paths, data_dir, load_reference_file)


def _load_all(paths: list[Path], data_dir: Path, load: Any) -> list[Any]:
    loaded: list[Any] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load(path, data_dir))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return loaded


def load_tree(data_dir: Path) -> DataTree:
    """Read every file of a data tree; collect the problems of all files before raising."""
    if not data_dir.is_dir():
        raise _no_directory(data_dir)
    reference_paths, source_paths = data_files(data_dir)
    tree = DataTree()
    problems: list[Problem] = []
    try:
        tree.references = load_references(data_dir, reference_paths)
    except DataError as exc:
        problems.extend(exc.problems)
    try:
        tree.sources = _load_all(source_paths, data_dir, load_source_file)
    except DataError as exc:
        problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return tree
