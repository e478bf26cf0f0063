"""Evaluation in steps of a query whose costly sub-selects are marked: their rows first, then the rest.

A canned query may mark a sub-select group with a ``# stage begin`` line before its opening brace
and a ``# stage end`` line after its closing one, and may put ``# rows ?var`` lines inside later
groups that join on a variable a marked sub-select returns (``# stage begin at most N rows`` also
says how many rows that stage is worth inlining; ``STAGE_ROWS_LIMIT`` if not). Marked groups may
nest: a stage may hold a smaller stage and the lookups that follow from its rows. Run whole (any
engine), the marks are comments. The embedded store runs it in steps instead, innermost stage first:

1. the marked sub-select alone (with the query's prefixes);
2. the query with the marked group replaced by a VALUES block of those rows, and each ``# rows
   ?var`` line whose variables those rows hold by a VALUES block of the distinct values ?var took
   in them; then the next stage of that text, until none is left.

SPARQL evaluates a sub-select on its own, so its rows as an inline VALUES block give the same
solutions; a ``# rows`` block only keeps the values the outer group already holds, so it changes
nothing either, and it is left out (the line stays a comment, for a later stage's rows) when some
row leaves ?var unbound, where it would, and when it would hold more than ``ROWS_LIMIT`` values (or
the N of a ``# rows ?var at most N`` line): there, usually, a scan and a hash join (how Oxigraph
evaluates a group it is not given rows for) costs less than a lookup per value. Why: Oxigraph 0.5
evaluates a join or OPTIONAL that follows a sub-select over the whole store before joining, but
loops over an inline VALUES block's rows, looking each one up (parity on the 1M-triple benchmark
tree: 54 s whole, 9 s in two steps, same rows; contradictions for one model on the committed data:
8.7 s whole, 0.1 s in three nested stages).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.binding import term_text

STAGE_BEGIN = re.compile(
    r"^[ \t]*# stage begin(?:[ \t]+at most (?P<limit>\d+) rows(?P<batches>[ \t]+in batches)?)?[ \t]*\n", re.M)
STAGE_END = re.compile(r"^[ \t]*# stage end[ \t]*$", re.M)
ROWS_LINE = re.compile(
    r"^(?P<indent>[ \t]*)# rows(?P<variables>(?:[ \t]+\?\w+)+)(?:[ \t]+at most[ \t]+(?P<limit>\d+))?[ \t]*$",
    re.M,
)
PROLOGUE_LINE = re.compile(r"^[ \t]*(?:PREFIX|BASE)\b[^\n]*$", re.M | re.I)

ROWS_LIMIT = 2000
"""Most values a ``# rows`` block is written with, unless its line says ``# rows ?var at most N``;
beyond, the line stays a comment."""

STAGE_ROWS_LIMIT = 5000
"""Most rows a stage is written inline with, unless its ``# stage begin at most N rows`` line says
otherwise; beyond, the text is run as it stands from there (inlined, tens of thousands of rows cost
more to write and parse than the scans they save)."""

Solutions = tuple[list[str], list[Sequence[Any]]]
"""A SELECT result as its variable names and its rows of pyoxigraph terms (None when unbound)."""


@dataclass(frozen=True)
class _Stage:
    """The innermost marked group of a text: where it starts and ends (its mark lines included),
    the group, the most rows it is inlined with, and whether more rows go in batches."""

    start: int
    end: int
    block: str
    limit: int
    batches: bool


def _innermost(text: str) -> _Stage | None:
    end = STAGE_END.search(text)
    if end is None:
        return None
    begins = [match for match in STAGE_BEGIN.finditer(text, 0, end.start())]
    if not begins:
        raise ValueError("a '# stage end' line without its '# stage begin' line")
    begin = begins[-1]
    block = text[begin.end():end.start()].strip()
    if not (block.startswith("{") and block.endswith("}")):
        raise ValueError("a '# stage begin' ... '# stage end' block must be one { SELECT ... } group")
    limit = int(begin.group("limit")) if begin.group("limit") else STAGE_ROWS_LIMIT
    return _Stage(begin.start(), end.end(), block, limit, bool(begin.group("batches")))


def first_stage(text: str) -> str | None:
    """The innermost marked sub-select as a query of its own, or None if the query marks none."""
    found = _innermost(text)
    if found is None:
        return None
    prologue = "\n".join(PROLOGUE_LINE.findall(text[:found.start]))
    return f"{prologue}\n{found.block[1:-1]}"


def stage_rows_limit(text: str) -> int:
    """The most rows the innermost marked group of ``text`` is inlined with: what its ``# stage
    begin at most N rows`` line says, else ``STAGE_ROWS_LIMIT`` (a query with no stage: 0)."""
    found = _innermost(text)
    return found.limit if found else 0


def second_stage(text: str, solutions: Solutions) -> str | None:
    """The query with its innermost marked group replaced by ``solutions`` and the ``# rows`` lines
    those rows can fill filled; None if a value cannot be written inline (a blank node), so the
    query must run whole; None too when there are more rows than the stage's limit
    (``stage_rows_limit``)."""
    variables, rows = solutions
    if len(rows) > stage_rows_limit(text):
        return None
    try:
        written = [[term_text(term) if term is not None else "UNDEF" for term in row] for row in rows]
    except (TypeError, ValueError):
        return None
    if any(isinstance(term, ox.BlankNode) for row in rows for term in row):
        return None
    heading = " ".join("?" + name for name in variables)
    block = f"VALUES ({heading}) {{\n" + "\n".join("  (" + " ".join(row) + ")" for row in written) + "\n}"
    column = {name: index for index, name in enumerate(variables)}

    def restricted(match: re.Match) -> str:
        limit = int(match.group("limit")) if match.group("limit") else ROWS_LIMIT
        lines = []
        for name in re.findall(r"\?(\w+)", match.group("variables")):
            values = [row[column[name]] for row in written] if name in column else ["UNDEF"]
            if "UNDEF" in values:
                return match.group(0)  # some row leaves it unbound: restricting would change the answer
            distinct = sorted(set(values))
            if len(distinct) > limit:
                return match.group(0)
            lines.append(f"{match.group('indent')}VALUES ?{name} {{ {' '.join(distinct)} }}")
        return "\n".join(lines)

    found = _innermost(text)
    return ROWS_LINE.sub(restricted, text[:found.start] + block + text[found.end:])


def staged_texts(text: str, run: Callable[[str, int | None], Solutions]) -> list[str]:
    """The texts to run for ``text``, whose rows together are its answer (kg.staging.combined):
    each marked stage, innermost first, run with ``run`` and put in as its rows. ``[text]`` when it
    marks no stage, or when a stage's rows cannot be written inline (kg.staging.second_stage; for a
    later stage: the text as it stands then). A stage with more rows than its limit is run as it
    stands, unless its mark says ``in batches``: then each batch of rows makes texts of its own.
    ``run`` is given the stage's query and the most rows worth reading (one more than the stage may
    be inlined with; None for a stage in batches: all of them)."""
    found = _innermost(text)
    if found is None:
        return [text]
    names, rows = run(first_stage(text), None if found.batches else found.limit + 1)
    if len(rows) <= found.limit or not found.batches:
        staged = second_stage(text, (names, rows))
        return [text] if staged is None else staged_texts(staged, run)
    if LIMIT_CLAUSE.search(_tail(text)):
        raise ValueError("a stage in batches in a query with LIMIT or OFFSET (each batch would be cut)")
    texts: list[str] = []
    for start in range(0, len(rows), found.limit):
        staged = second_stage(text, (names, rows[start:start + found.limit]))
        if staged is None:
            return [text]
        texts.extend(staged_texts(staged, run))
    return texts


COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*$", re.M)
TOP_SELECT = re.compile(r"\bSELECT\s+(?P<distinct>DISTINCT\b)?", re.I)
LIMIT_CLAUSE = re.compile(r"\b(?:LIMIT|OFFSET)\b", re.I)
ORDER_BY = re.compile(r"\bORDER\s+BY\b(?P<keys>.*)$", re.I | re.S)
ORDER_KEY = re.compile(r"(?P<direction>ASC|DESC)\s*\(\s*\?(?P<wrapped>\w+)\s*\)|\?(?P<bare>\w+)", re.I)


def _tail(text: str) -> str:
    """What follows the query's last closing brace: its solution modifiers."""
    return text[text.rfind("}") + 1:]


def _order_key(value: Any) -> tuple:
    """A plain value's place in SPARQL's ORDER BY: unbound first, then numbers, then text."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float | Decimal):
        return (2, value)
    return (3, str(value))


def combined(text: str, parts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The answer of ``text`` from the rows of its batches (``staged_texts``): in one list, without
    repeats if it is SELECT DISTINCT, ordered by its ORDER BY (plain, ASC or DESC variables)."""
    if len(parts) == 1:
        return parts[0]
    rows = [row for part in parts for row in part]
    if TOP_SELECT.search(COMMENT_LINE.sub("", text)).group("distinct"):
        rows = list({tuple(row.items()): row for row in rows}.values())
    order = ORDER_BY.search(_tail(text))
    if order is not None:
        for key in reversed(list(ORDER_KEY.finditer(order.group("keys")))):
            name = key.group("wrapped") or key.group("bare")
            rows.sort(key=lambda row, name=name: _order_key(row.get(name)),
                      reverse=(key.group("direction") or "").upper() == "DESC")
    return rows
