"""A picture of parity: one dumbbell row per benchmark, best open vs best closed, as plain SVG.

Rows in percent share one 0-100 axis so that gaps are comparable at a glance; benchmarks in
other units (Elo, 0-10 scores) cannot share that axis and are listed under the chart instead.
No external program is needed: the SVG is written directly.
"""

from typing import Any
from xml.sax.saxutils import escape

from kg.answers import benchmark_label

OPEN_COLOUR = "#1b7837"
CLOSED_COLOUR = "#762a83"
VERDICT_COLOUR = {"open leads": OPEN_COLOUR, "closed leads": CLOSED_COLOUR, "parity": "#555555"}
LABEL_WIDTH = 300
PLOT_WIDTH = 480
SIDE_WIDTH = 600
LABEL_CHARACTERS = 34
ROW_HEIGHT = 26
TOP = 90


def _x(value: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(100.0, value)) / 100


def _text(x: float, y: float, content: str, size: int = 12, anchor: str = "start",
          colour: str = "#222222", weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{colour}" font-weight="{weight}">{escape(content)}</text>')


def _side_label(best: dict[str, Any] | None) -> str:
    if not best:
        return "none"
    marks = ("~" if best["approximate"] else "") + (" (family)" if best["family_level"] else "")
    return f"{best['model']}{marks} {best['value']:g}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(item: dict[str, Any], y: float, category: str | None) -> list[str]:
    best_open, best_closed = item["best_open"], item["best_closed"]
    parts = [_text(LABEL_WIDTH - 10, y + 4, _short(benchmark_label(item), LABEL_CHARACTERS), anchor="end")]
    if category:
        parts.append(_text(10, y + 4, category, size=10, colour="#888888", weight="bold"))
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{y:.1f}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y2="{y:.1f}" '
                 'stroke="#eeeeee"/>')
    if best_open and best_closed:
        colour = VERDICT_COLOUR.get(item["verdict"], "#999999")
        x1, x2 = _x(best_open["value"]), _x(best_closed["value"])
        parts.append(f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
                     f'stroke="{colour}" stroke-width="3"/>')
    for best, colour, side in ((best_closed, CLOSED_COLOUR, "closed"), (best_open, OPEN_COLOUR, "open")):
        if best:
            title = escape(f"{side}: {_side_label(best)} ({best['source']}, {best['locator']})")
            parts.append(f'<circle cx="{_x(best["value"]):.1f}" cy="{y:.1f}" r="6" fill="{colour}">'
                         f"<title>{title}</title></circle>")
    summary = f"{item['verdict']}" + (f" ({item['gap']:+g})" if item["gap"] is not None else "")
    detail = f"{summary}: open {_side_label(best_open)} / closed {_side_label(best_closed)}"
    parts.append(_text(LABEL_WIDTH + PLOT_WIDTH + 12, y + 4, detail, size=11,
                       colour=VERDICT_COLOUR.get(item["verdict"], "#777777")))
    return parts


def parity_svg(result: dict[str, Any], caption: str = "") -> str:
    """The parity answer as an SVG dumbbell chart (open = green, closed = purple)."""
    drawn = [item for item in result["benchmarks"] if item["unit"] == "percent"]
    others = [item for item in result["benchmarks"] if item["unit"] != "percent"]
    width = LABEL_WIDTH + PLOT_WIDTH + SIDE_WIDTH
    height = TOP + ROW_HEIGHT * max(len(drawn), 1) + 40 + 16 * len(others) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        _text(10, 22, "Best open vs best closed model per benchmark (percent)", size=15, weight="bold"),
    ]
    words = caption.split("; ")
    for line_number, start in enumerate(range(0, len(words), 5)):
        parts.append(_text(10, 40 + 14 * line_number, "; ".join(words[start:start + 5]), size=11,
                           colour="#555555"))
    for tick in range(0, 101, 20):
        x = _x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 12}" x2="{x:.1f}" '
                     f'y2="{TOP + ROW_HEIGHT * len(drawn) - 10}" stroke="#dddddd"/>')
        parts.append(_text(x, TOP - 16, str(tick), size=10, anchor="middle", colour="#777777"))
    parts.append(_text(width - 140, 22, "● open", size=12, colour=OPEN_COLOUR))
    parts.append(_text(width - 80, 22, "● closed", size=12, colour=CLOSED_COLOUR))
    previous = None
    for index, item in enumerate(drawn):
        category = item["category"] if item["category"] != previous else None
        previous = item["category"]
        parts.extend(_row(item, TOP + ROW_HEIGHT * index, category))
    y = TOP + ROW_HEIGHT * len(drawn) + 20
    if others:
        parts.append(_text(10, y, "Other units (not on the percent axis):", size=11, weight="bold"))
        for item in others:
            y += 16
            line = (f"{benchmark_label(item)} ({item['unit']}): {item['verdict']}; "
                    f"open {_side_label(item['best_open'])} / closed {_side_label(item['best_closed'])}")
            parts.append(_text(20, y, line, size=11, colour="#444444"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
