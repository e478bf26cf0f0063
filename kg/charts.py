"""Pictures of parity as plain SVG: a dumbbell row per benchmark, and a benchmark over time.

In the dumbbell chart, rows in percent share one 0-100 axis so that gaps are comparable at a
glance; benchmarks in other units (Elo, 0-10 scores) cannot share that axis and are listed under
the chart instead. The trend chart draws each side's best score as a step line over time (it
holds until the next change), one panel per split. No external program is needed.
"""

import datetime as dt
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


TREND_LEFT = 70
TREND_WIDTH = 760
TREND_PANEL = 200
TREND_TOP = 70


def _day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def _steps(points: list[dict[str, Any]], side: str, x_of, y_of, end_x: float) -> list[str]:
    """One side's best score as a step line: it holds until the next change, dots at changes."""
    held = [(x_of(p["date"]), p[side]) for p in points if p[side]]
    colour = OPEN_COLOUR if side == "best_open" else CLOSED_COLOUR
    parts = []
    for index, (x, best) in enumerate(held):
        next_x = held[index + 1][0] if index + 1 < len(held) else end_x
        y = y_of(best["value"])
        parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{next_x:.1f}" y2="{y:.1f}" '
                     f'stroke="{colour}" stroke-width="2.5"/>')
        if index + 1 < len(held):
            parts.append(f'<line x1="{next_x:.1f}" y1="{y:.1f}" x2="{next_x:.1f}" '
                         f'y2="{y_of(held[index + 1][1]["value"]):.1f}" stroke="{colour}" '
                         'stroke-width="1.5" stroke-dasharray="3,2"/>')
        title = escape(f"{_side_label(best)} ({best['source']}, {best['locator']})")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">'
                     f"<title>{title}</title></circle>")
    return parts


def _trend_panel(points: list[dict[str, Any]], top: float, first: int, last: int) -> list[str]:
    values = [p[side]["value"] for p in points for side in ("best_open", "best_closed") if p[side]]
    if points[0]["unit"] == "percent":
        low, high = 0.0, 100.0
    else:
        spread = (max(values) - min(values)) or 1.0
        low, high = min(values) - spread * 0.1, max(values) + spread * 0.1
    height = TREND_PANEL - 50
    span = max(last - first, 1)

    def x_of(text: str) -> float:
        return TREND_LEFT + TREND_WIDTH * (_day(text) - first) / span

    def y_of(value: float) -> float:
        return top + 20 + height * (1 - (value - low) / (high - low))

    parts = [_text(TREND_LEFT, top + 8, f"{benchmark_label(points[0])} ({points[0]['unit']})", size=13,
                   weight="bold")]
    for step in range(5):
        value = low + (high - low) * step / 4
        y = y_of(value)
        parts.append(f'<line x1="{TREND_LEFT}" y1="{y:.1f}" x2="{TREND_LEFT + TREND_WIDTH}" y2="{y:.1f}" '
                     'stroke="#eeeeee"/>')
        parts.append(_text(TREND_LEFT - 6, y + 4, f"{value:g}", size=10, anchor="end", colour="#777777"))
    for year in range(dt.date.fromordinal(first).year + 1, dt.date.fromordinal(last).year + 1):
        x = x_of(f"{year}-01-01")
        parts.append(f'<line x1="{x:.1f}" y1="{top + 20}" x2="{x:.1f}" y2="{top + 20 + height}" '
                     'stroke="#dddddd"/>')
        parts.append(_text(x, top + 34 + height, str(year), size=10, anchor="middle", colour="#777777"))
    end_x = TREND_LEFT + TREND_WIDTH
    for side in ("best_closed", "best_open"):
        parts.extend(_steps(points, side, x_of, y_of, end_x))
    latest = points[-1]
    summary = latest["verdict"] + (f" ({latest['gap']:+g})" if latest["gap"] is not None else "")
    parts.append(_text(end_x, top + 8, f"latest ({latest['date']}): {summary}", size=11, anchor="end",
                       colour=VERDICT_COLOUR.get(latest["verdict"], "#777777")))
    return parts


def trend_svg(result: dict[str, Any], caption: str = "") -> str:
    """The parity trend as SVG: best open and best closed score over time, one panel per split."""
    by_split: dict[str | None, list[dict[str, Any]]] = {}
    for point in result["points"]:
        by_split.setdefault(point["split"], []).append(point)
    days = [_day(p["date"]) for p in result["points"]] or [dt.date.today().toordinal()]
    first, last = min(days), max(days) + max((max(days) - min(days)) // 12, 30)
    width = TREND_LEFT + TREND_WIDTH + 40
    height = TREND_TOP + TREND_PANEL * max(len(by_split), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        _text(10, 22, "Best open vs best closed score over time", size=15, weight="bold"),
        _text(width - 140, 22, "● open", size=12, colour=OPEN_COLOUR),
        _text(width - 80, 22, "● closed", size=12, colour=CLOSED_COLOUR),
    ]
    words = caption.split("; ")
    for line_number, start in enumerate(range(0, len(words), 6)):
        parts.append(_text(10, 40 + 14 * line_number, "; ".join(words[start:start + 6]), size=11,
                           colour="#555555"))
    if not by_split:
        parts.append(_text(10, TREND_TOP + 20, "No scores on this benchmark under this policy.", size=12))
    for index, points in enumerate(by_split.values()):
        parts.extend(_trend_panel(points, TREND_TOP + TREND_PANEL * index, first, last))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
