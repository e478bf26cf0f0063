"""Rendering result rows for people (text tables) and programs (JSON, CSV, TSV)."""

import csv
import io
import json
import shutil
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

import pyoxigraph as ox

from kg.terms import plain_value
from kg.text_table import text_table

EXPORT_FORMATS = ("ttl", "nq", "jsonld")


class Format(StrEnum):
    """Output formats for row results."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def term_value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (numbers and booleans typed, IRIs as text)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return plain_value(term.value, term.datatype.value)
    return term.value


def iter_rows(solutions: ox.QuerySolutions) -> Iterator[dict[str, Any]]:
    """SELECT results as dicts, one per solution, unbound variables as None, lazily."""
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: term_value(solution[name]) for name in names}


def solutions_to_rows(solutions: ox.QuerySolutions) -> list[dict[str, Any]]:
    """SELECT results as a list of dicts, one per solution, unbound variables as None."""
    return list(iter_rows(solutions))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


PIPE_WIDTH = 200  # table width when stdout is not a terminal and $COLUMNS is unset
MIN_WIDTH = 40


def table_width() -> int:
    """Width for text tables: $COLUMNS or the terminal's width, else PIPE_WIDTH; never below MIN_WIDTH."""
    return max(MIN_WIDTH, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)


def render_rows(rows: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[str] | None = None,
                title: str | None = None, width: int | None = None) -> str:
    """Rows as text in the chosen format (JSON keeps nesting; CSV/TSV flatten to JSON cells).

    Tables fit ``width`` columns (default: :func:`table_width`); long cells wrap inside their column.
    """
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == Format.json:
        return json.dumps(list(rows), indent=2, ensure_ascii=False, default=str)
    if fmt in (Format.csv, Format.tsv):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == Format.csv else "\t",
                            lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return buffer.getvalue().rstrip("\n")
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    text = text_table(columns, cells, max(MIN_WIDTH, width or table_width()), title)
    return text + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
