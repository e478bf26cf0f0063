"""Model names that carry a snapshot date ('GPT-4o-2024-05-13', 'claude-opus-4-5-20251101')."""

import re
from typing import Any

from kg.importers.core import Identifiers, Resolution, Resolver

DATED = re.compile(r"^(?P<base>.+?)-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
"""A name ending in a full date, YYYYMMDD or YYYY-MM-DD (shorter MMDD suffixes are left alone)."""


def resolve_dated(
    models: Resolver, name: str, identifiers: Identifiers = ()
) -> tuple[Resolution, dict[str, Any]]:
    """Resolve a model name; a dated name also resolves by its undated base.

    The dated name is the evaluated snapshot: the setting returned holds it as ``snapshot``
    whichever way the name resolved. A base that is ambiguous or unknown leaves the name's own
    resolution, so the report names what the dataset wrote.
    """
    found = models.resolve(name, identifiers)
    dated = DATED.match(name)
    setting = {"snapshot": name} if dated else {}
    if found.resolved is None and not found.ids and dated:
        base = models.resolve(dated["base"])
        found = base if base.ids else found
    return found, setting
