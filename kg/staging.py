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
from typing import Any

import pyoxigraph as ox

from kg.binding import term_text

STAGE_BEGIN = re.compile(r"^[ \t]*# stage begin(?:[ \t]+at most (?P<limit>\d+) rows)?[ \t]*\n", re.M)
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


def _innermost(text: str) -> tuple[int, int, str, int] | None:
    """Where the innermost marked group starts and ends (its mark lines included), the group, and
    the most rows it may be inlined with."""
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
    return begin.start(), end.end(), block, limit


def first_stage(text: str) -> str | None:
    """The innermost marked sub-select as a query of its own, or None if the query marks none."""
    found = _innermost(text)
    if found is None:
        return None
    start, _, block, _ = found
    prologue = "\n".join(PROLOGUE_LINE.findall(text[:start]))
    return f"{prologue}\n{block[1:-1]}"


def stage_rows_limit(text: str) -> int:
    """The most rows the innermost marked group of ``text`` is inlined with: what its ``# stage
    begin at most N rows`` line says, else ``STAGE_ROWS_LIMIT`` (a query with no stage: 0)."""
    found = _innermost(text)
    return found[3] if found else 0


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

    start, end, _, _ = _innermost(text)
    return ROWS_LINE.sub(restricted, text[:start] + block + text[end:])


def run_in_stages(text: str, run: Callable[[str, int], Solutions]) -> str:
    """The text to run for ``text``: each marked stage, innermost first, run with ``run`` and put in
    as its rows; ``text`` itself when it marks no stage (or the first rows are not written inline,
    kg.staging.second_stage; where later ones are not: the text as it stands then). ``run`` is given
    the stage's query and the most rows worth reading (one more than the stage may be inlined with)."""
    while (first := first_stage(text)) is not None:
        staged = second_stage(text, run(first, stage_rows_limit(text) + 1))
        if staged is None:
            return text
        text = staged
    return text
