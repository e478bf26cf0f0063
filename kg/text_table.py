"""Text tables for terminals: columns sized to fit a width, long cells wrapped, linear in the rows.

The look is Rich's default table (heavy header, light body), drawn directly: Rich measures and
renders every cell through its layout engine, which took ~30 s for a 5,000-row answer. Cell widths
come from Rich's ``cell_len`` (East Asian wide characters count two columns).
"""

import textwrap
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells

PADDING = 1  # spaces on each side of a cell


def column_widths(natural: Sequence[int], available: int, minimum: Sequence[int] | None = None) -> list[int]:
    """Each column's width: its natural width if all fit in ``available``, else a fair share.

    Every column first gets its ``minimum`` (e.g. its header's longest word, so headers do not break
    inside words) when those fit; the rest is shared so that narrow columns keep their natural width
    and the wider ones split what remains evenly (at least one cell each).
    """
    if sum(natural) <= available:
        return list(natural)
    floor = [min(n, m) for n, m in zip(natural, minimum or [1] * len(natural), strict=True)]
    if sum(floor) > available:
        floor = [1] * len(natural)
    widths = list(floor)
    remaining, left = available - sum(floor), len(natural)
    for index in sorted(range(len(natural)), key=lambda i: natural[i] - floor[i]):
        share = remaining // left
        widths[index] = floor[index] + min(natural[index] - floor[index], share)
        remaining -= widths[index] - floor[index]
        left -= 1
    return widths


def wrap_cell(text: str, width: int) -> list[str]:
    """A cell's lines at most ``width`` columns wide, broken at spaces where possible; no character is lost
    but the spaces a break replaces."""
    if "\n" not in text and cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False) or [""]:
            lines.extend(chop_cells(line, width) if cell_len(line) > width else [line])
    return lines


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def text_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int,
               title: str | None = None) -> str:
    """``rows`` of cell texts under ``columns`` headers, drawn in at most ``width`` columns."""
    count = len(columns)
    if not count:
        return title or ""
    natural = [cell_len(header) for header in columns]
    for row in rows:
        for index, cell in enumerate(row):
            size = cell_len(cell) if "\n" not in cell else max(map(cell_len, cell.split("\n")))
            if size > natural[index]:
                natural[index] = size
    header_words = [max((cell_len(word) for word in header.split()), default=1) for header in columns]
    widths = column_widths(natural, max(count, width - (2 * PADDING + 1) * count - 1), header_words)

    def rule(left: str, line: str, join: str, right: str) -> str:
        return left + join.join(line * (w + 2 * PADDING) for w in widths) + right

    def body(cells: Sequence[str], bar: str) -> list[str]:
        wrapped = [wrap_cell(cell, w) for cell, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped)
        return [bar + bar.join(" " + _pad(lines[i] if i < len(lines) else "", w) + " "
                               for lines, w in zip(wrapped, widths, strict=True)) + bar
                for i in range(height)]

    out = [title] if title else []
    out.append(rule("┏", "━", "┳", "┓"))
    out.extend(body(columns, "┃"))
    out.append(rule("┡", "━", "╇", "┩"))
    for row in rows:
        out.extend(body(row, "│"))
    out.append(rule("└", "─", "┴", "┘"))
    return "\n".join(out)
