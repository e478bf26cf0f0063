"""Checked source files remembered by content, so a rebuild reuses what an unchanged file gave.

A source file that passed every check is stored (its outline, claim ids, N-Quads and comparable
claims) under a key made of its name, its bytes, the reference data it was checked against and
the rules (``kg.validation.source_digest``: shapes, vocabulary, converter code), and the code that
makes the stored outcome (checking, outlines, comparable claims). A rebuild reads
each file's bytes, and for a known key takes the stored outcome instead of parsing, converting and
validating again. Entries are local files this program wrote (pickles: do not share a cache
directory with people you do not trust); one that cannot be read is ignored and rewritten.
"""

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.validation import cache_dir, source_digest


def checked_dir() -> Path:
    """Where checked sources are kept: beside the validation marks (``$PARITYKG_CACHE``)."""
    return cache_dir().parent / "checked"


OUTCOME_MODULES = ("source_check.py", "derive.py", "comparability.py", "integrity.py", "checked_cache.py")
"""The modules whose code shapes a stored outcome: a change to any of them makes every entry stale."""


@lru_cache(maxsize=1)
def _outcome_code_digest() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for module in OUTCOME_MODULES:
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def checked_key(name: str, raw: bytes, reference_digest: str) -> str:
    """The key of one source file's outcome: its name, its content, the reference data, the rules
    and the code that makes the outcome."""
    text = f"{name}\0{source_digest(raw, reference_digest)}\0{_outcome_code_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()


def load_checked(key: str) -> Any | None:
    """The stored outcome for ``key``, or None if there is none (or it cannot be read)."""
    try:
        with (checked_dir() / key).open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def store_checked(key: str, outcome: Any) -> None:
    """Remember a clean outcome under ``key`` (written whole or not at all)."""
    folder = checked_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / key)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
