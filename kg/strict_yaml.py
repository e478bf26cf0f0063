"""Strict, bounded YAML for data files: no duplicate keys, no aliases, no exotic tags, size caps.

Data files are plain YAML: mappings, sequences and scalars of the core schema. Anything else
(an alias, a ``!!binary`` or ``!!python/...`` tag, the same key twice in one mapping) is a
mistake or an attack, and is refused with the line it is on. Limits bound the work a file can
cause; each can be raised through an environment variable (documented in the README):

- ``PARITYKG_MAX_FILE_MB``: size of one data file, default 32 MiB;
- ``PARITYKG_MAX_STRING``: characters in one scalar, default 100,000;
- ``PARITYKG_MAX_DEPTH``: nesting of mappings and sequences, default 32.

Parsing uses libyaml (PyYAML's C loader) when it is installed, the pure-Python loader otherwise.
"""

import os
from dataclasses import dataclass
from typing import Any

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


@dataclass(frozen=True)
class Limits:
    """What one data file may contain; defaults from the environment (see the module docstring)."""

    max_bytes: int
    max_string: int
    max_depth: int

    @classmethod
    def from_environment(cls) -> "Limits":
        """The limits in effect: the defaults, or the values the environment sets."""
        return cls(max_bytes=_env_int("PARITYKG_MAX_FILE_MB", 32) * 1024 * 1024,
                   max_string=_env_int("PARITYKG_MAX_STRING", 100_000),
                   max_depth=_env_int("PARITYKG_MAX_DEPTH", 32))


class YamlRefused(ValueError):
    """A data file that is valid YAML but breaks a rule of the data format; names line and record."""

    def __init__(self, record: str, rule: str):
        self.record = record
        self.rule = rule
        super().__init__(f"{record}: {rule}")


class _DataLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text (pydantic checks them, with a clear error)."""


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

SINGULAR = {"claims": "claim", "labs": "lab", "families": "family", "models": "model",
            "cohorts": "cohort", "benchmarks": "benchmark", "licences": "licence",
            "propositions": "proposition"}


def _item_label(section: str, index: int, node: yaml.Node) -> str:
    """"claim 'x'" for a list item with an id, else "claim #3"."""
    singular = SINGULAR.get(section, section)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
                return f"{singular} '{value.value}'"
    return f"{singular} #{index + 1}"


def _check(root: yaml.Node, limits: Limits) -> None:
    """Walk the composed document once; raise ``YamlRefused`` at the first broken rule."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int, str, str | None]] = [(root, 1, "file", None)]
    while stack:
        node, depth, record, section = stack.pop()
        line = f"line {node.start_mark.line + 1}"
        if id(node) in seen:
            raise YamlRefused(record, f"a YAML alias (*name) repeats the value anchored on {line}; "
                                      "aliases are not allowed in data files: write the value out")
        seen.add(id(node))
        if depth > limits.max_depth:
            raise YamlRefused(record, f"{line}: nested more than {limits.max_depth} levels deep "
                                      "(PARITYKG_MAX_DEPTH)")
        if node.tag not in CORE_TAGS:
            raise YamlRefused(record, f"{line}: the YAML tag '{node.tag}' is not allowed; data files use "
                                      "plain strings, numbers, booleans, lists and mappings")
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > limits.max_string:
                raise YamlRefused(record, f"{line}: a value of {len(node.value):,} characters is longer "
                                          f"than the limit of {limits.max_string:,} (PARITYKG_MAX_STRING)")
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                label = _item_label(section, index, item) if section else record
                stack.append((item, depth + 1, label, None))
        else:
            keys: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in keys:
                        raise YamlRefused(record, (
                            f"line {key.start_mark.line + 1}: key '{key.value}' appears twice in one "
                            f"mapping (first on line {keys[(key.tag, key.value)]}); the second would "
                            "silently replace the first"))
                    keys[(key.tag, key.value)] = key.start_mark.line + 1
                child_record = record
                if depth == 1 and isinstance(key, yaml.ScalarNode) and key.value == "source":
                    child_record = "source"
                child_section = (key.value if depth == 1 and isinstance(key, yaml.ScalarNode)
                                 and key.value in SINGULAR else None)
                stack.append((key, depth + 1, record, None))
                stack.append((value, depth + 1, child_record, child_section))


def parse_data_yaml(text: str, limits: Limits | None = None) -> Any:
    """Parse the text of one data file under the strict rules; ``yaml.YAMLError`` for bad syntax."""
    limits = limits or Limits.from_environment()
    loader = _DataLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check(root, limits)
        return loader.construct_document(root)
    finally:
        loader.dispose()
