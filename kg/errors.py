"""Problems found in input, worded for curators: which file, which record, which rule."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input."""

    file: str
    record: str
    rule: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.rule}"


class DataError(Exception):
    """Input that must not enter the store; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {count - 50} more" if count > 50 else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input:\n{head}{more}")


def display_path(path: Path) -> str:
    """A path as a user should see it: relative to the working directory when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


class QueryRefused(ValueError):
    """The query asks for something the read-only endpoint does not do."""


class QuerySyntaxError(QueryRefused):
    """The text is neither a SPARQL 1.1 query nor an update."""


class RemoteError(RuntimeError):
    """A remote SPARQL endpoint could not answer: refused, HTTP error, timeout or a non-JSON answer."""
