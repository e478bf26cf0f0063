"""Charts for the explorer pages as inline SVG, with their sources printed, not hidden in tooltips.

Each chart numbers the values it draws ([1], [2], ...) and returns those notes; the page lists them
under the chart with the source, its locator and a link. Axes have titles and a range fitted to
the values drawn (so a two-point gap is visible), and a legend names every colour.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from kg.answers import benchmark_label
from kg.canned import as_of_day

OPEN = "#1b7837"
CLOSED = "#762a83"
SERIES = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
FONT = 'font-family="system-ui, sans-serif"'


@dataclass
class Notes:
    """The numbered source notes of one chart."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, what: str, value: Any, source: str | None, locator: str | None,
            link: str | None) -> int:
        """Number one drawn value and remember where it comes from."""
        self.items.append({"number": len(self.items) + 1, "what": what, "value": value,
                           "source": source, "locator": locator, "link": link})
        return len(self.items)


@dataclass
class Chart:
    """An SVG picture, its accessible title and its source notes."""

    svg: str
    title: str
    notes: list[dict[str, Any]]


def _text(x: float, y: float, content: str, size: int = 12, anchor: str = "start",
          colour: str = "#222", weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" '
            f'font-weight="{weight}">{escape(content)}</text>')


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT} aria-label={quoteattr(title)}>'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def fitted_range(values: list[float], bounds: tuple[float, float] | None = None) -> tuple[float, float]:
    """An axis range around ``values`` with some room, on round numbers, within ``bounds``."""
    low, high = min(values), max(values)
    spread = high - low or max(abs(high) * 0.1, 1.0)
    step = 10 ** math.floor(math.log10(spread)) if spread > 0 else 1
    low = math.floor((low - spread * 0.15) / step) * step
    high = math.ceil((high + spread * 0.15) / step) * step
    if bounds:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return (low, high) if high > low else (low - 1, high + 1)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if raw <= step * m)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def _legend(x: float, y: float, entries: list[tuple[str, str]],
            max_width: float = math.inf) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping at ``max_width``; the parts and the last row's y."""
    parts, start = [], x
    for colour, label in entries:
        step = 18 + 7 * len(label)
        if x > start and x + step > start + max_width:
            x, y = start, y + 18
        parts.append(f'<circle cx="{x:.1f}" cy="{y - 4:.1f}" r="5" fill="{colour}"/>')
        parts.append(_text(x + 9, y, label, size=12))
        x += step
    return parts, y


def _value_text(best: dict[str, Any]) -> str:
    return ("~" if best.get("approximate") else "") + f"{best['value']:g}"


def parity_chart(items: list[dict[str, Any]], caption: str) -> Chart | None:
    """Best open and best closed score per benchmark (percent benchmarks with a score), one row each.

    The values, their note numbers and the gap are printed in a column right of the plot, so
    nothing overlaps however close the dots are; the axis is drawn above and below the rows.
    """
    rows = [i for i in items if i["unit"] == "percent" and (i["best_open"] or i["best_closed"])]
    if not rows:
        return None
    values = [best["value"] for i in rows for best in (i["best_open"], i["best_closed"]) if best]
    low, high = fitted_range(values, (0, 100))
    left, width, row_height, top, column = 250, 470, 24, 84, 300
    bottom = top + row_height * (len(rows) - 1) + 12
    height = bottom + 50

    def x_of(value: float) -> float:
        return left + width * (value - low) / (high - low)

    notes = Notes()
    axis_title = f"score (percent; axis {low:g} to {high:g})"
    title = f"Best open vs best closed score per benchmark, percent ({caption})"
    body = [_text(10, 20, "Best open vs best closed score per benchmark", size=15, weight="bold"),
            *_legend(10, 42, [(OPEN, "best open"), (CLOSED, "best closed"), ("#999", "gap")])[0],
            _text(left + width / 2, 54, axis_title, anchor="middle", colour="#444"),
            _text(left + width / 2, height - 8, axis_title, anchor="middle", colour="#444"),
            _text(left + width + 16, 54, "open [note] / closed [note]: gap", colour="#444")]
    for tick in _ticks(low, high):
        x = x_of(tick)
        body.append(f'<line x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
        body.append(_text(x, top - 16, f"{tick:g}", size=10, anchor="middle", colour="#555"))
        body.append(_text(x, bottom + 14, f"{tick:g}", size=10, anchor="middle", colour="#555"))
    for index, item in enumerate(rows):
        y = top + row_height * index
        label = benchmark_label(item)
        body.append(_text(left - 8, y + 4, label if len(label) <= 33 else label[:32] + "…", anchor="end"))
        sides = [(item["best_open"], OPEN, "open"), (item["best_closed"], CLOSED, "closed")]
        if item["best_open"] and item["best_closed"]:
            body.append(f'<line x1="{x_of(item["best_open"]["value"]):.1f}" y1="{y}" '
                        f'x2="{x_of(item["best_closed"]["value"]):.1f}" y2="{y}" stroke="#999" '
                        'stroke-width="3"/>')
        printed = []
        for best, colour, side in sides:
            if not best:
                printed.append("none")
                continue
            number = notes.add(f"{label}: best {side}, {best['model']}", _value_text(best),
                               best["source"], best["locator"], best.get("link"))
            body.append(f'<circle cx="{x_of(best["value"]):.1f}" cy="{y}" r="5.5" fill="{colour}"/>')
            printed.append(f"{_value_text(best)} [{number}]")
        gap = f": {item['gap']:+g}" if item["gap"] is not None else ""
        body.append(_text(left + width + 16, y + 4, f"{printed[0]} / {printed[1]}{gap}", size=11,
                          colour="#333"))
    return Chart(_svg(left + width + column, height, title, body), title, notes.items)


def _day(text: str) -> int:
    """A date (partial dates mean the last day they cover, as everywhere in ParityKG) as a day number."""
    return dt.date.fromisoformat(as_of_day(str(text)[:10], "date")).toordinal()


def _time_axis(body: list[str], first: int, last: int, x_of, y: float) -> None:
    years = range(dt.date.fromordinal(first).year, dt.date.fromordinal(last).year + 2)
    for year in years:
        for month in (1, 7) if last - first < 3 * 365 else (1,):
            day = dt.date(year, month, 1).toordinal()
            if first <= day <= last:
                body.append(f'<line x1="{x_of(day):.1f}" y1="{y}" x2="{x_of(day):.1f}" y2="{y + 5}" '
                            'stroke="#555"/>')
                body.append(_text(x_of(day), y + 17, f"{year}-{month:02d}", size=10, anchor="middle",
                                  colour="#555"))


def _frame(body: list[str], left: float, top: float, width: float, height: float, low: float,
           high: float, y_title: str) -> None:
    for tick in _ticks(low, high):
        y = top + height * (1 - (tick - low) / (high - low))
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(_text(left - 6, y + 4, f"{tick:g}", size=10, anchor="end", colour="#555"))
    body.append(f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" '
                'stroke="#555"/>')
    body.append(f'<text transform="translate(16 {top + height / 2:.1f}) rotate(-90)" font-size="12" '
                f'text-anchor="middle" fill="#444">{escape(y_title)}</text>')


def _spread(wanted: list[float], gap: float, lowest: float) -> list[float]:
    """Label positions near ``wanted`` (sorted), at least ``gap`` apart, centred on them, none above
    ``lowest``."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    if not placed:
        return placed
    shift = max((sum(wanted) - sum(placed)) / len(placed), lowest - placed[0])
    return [y + shift for y in placed]


def step_chart(title: str, series: list[tuple[str, str, list[dict[str, Any]]]], y_title: str,
               bounds: tuple[float, float] | None) -> Chart | None:
    """Values over time as step lines (a value holds until the next one), one colour per series.

    ``series`` holds (name, colour, points); a point has ``date``, ``value`` (number),
    ``label`` (printed), ``what``, ``source``, ``locator`` and ``link``. With a few series each
    value is printed at its dot; with many, each series is labelled at its right end (spread so
    labels never overlap) and earlier values carry their note number at the dot.
    """
    points = [p for _, _, pts in series for p in pts]
    if not points:
        return None
    days = [_day(p["date"]) for p in points]
    first, last = min(days), max(days)
    first, last = first - 20, last + max((last - first) // 10, 40)
    low, high = fitted_range([p["value"] for p in points], bounds)
    many = len(series) > 4
    left, width, height = 70, 640, 240
    legend, legend_y = _legend(10, 42, [(colour, name) for name, colour, _ in series], left + width)
    if many:  # the series are named at their ends instead
        legend, legend_y = [], 24
    top = legend_y + 24

    def x_of(day: int) -> float:
        return left + width * (day - first) / (last - first)

    def y_of(value: float) -> float:
        return top + height * (1 - (value - low) / (high - low))

    notes = Notes()
    body = [_text(10, 20, title, size=15, weight="bold"), *legend]
    _frame(body, left, top, width, height, low, high, y_title)
    _time_axis(body, first, last, x_of, top + height)
    body.append(_text(left + width / 2, top + height + 36, "date of the source (or of the claim's as-of day)",
                      anchor="middle", colour="#444"))
    ends = []
    for series_index, (name, colour, pts) in enumerate(series):
        ordered = sorted(pts, key=lambda p: _day(p["date"]))
        for index, point in enumerate(ordered):
            x, y = x_of(_day(point["date"])), y_of(point["value"])
            end = x_of(_day(ordered[index + 1]["date"])) if index + 1 < len(ordered) else left + width
            body.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{end:.1f}" y2="{y:.1f}" stroke="{colour}" '
                        'stroke-width="2.5"/>')
            if index + 1 < len(ordered):
                body.append(f'<line x1="{end:.1f}" y1="{y:.1f}" x2="{end:.1f}" '
                            f'y2="{y_of(ordered[index + 1]["value"]):.1f}" stroke="{colour}" '
                            'stroke-dasharray="3,2"/>')
            number = notes.add(point["what"], point["label"], point["source"], point["locator"],
                               point["link"])
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>')
            if many and index + 1 == len(ordered):
                ends.append((y, f"{name}: {point['label']} [{number}]", colour))
            elif many:
                body.append(_text(x + 5, y - 5, f"[{number}]", size=9, colour=colour))
            else:
                below = series_index % 2 == 0  # alternate series print below their line, not on each other
                body.append(_text(x + 6, y + 15 if below else y - 6, f"{point['label']} [{number}]", size=10,
                                  colour=colour))
    ends.sort()
    label_ys = _spread([y + 4 for y, _, _ in ends], 12, top)
    for (y, text, colour), label_y in zip(ends, label_ys, strict=True):
        body.append(f'<line x1="{left + width:.1f}" y1="{y:.1f}" x2="{left + width + 14:.1f}" '
                    f'y2="{label_y - 4:.1f}" stroke="{colour}"/>')
        body.append(_text(left + width + 16, label_y, text, size=10, colour=colour))
    bottom = max([top + height + 50, *(y + 10 for y in label_ys)])
    right = 420 if many else 120
    return Chart(_svg(left + width + right, bottom, title, body), title, notes.items)


def trend_charts(points: list[dict[str, Any]], benchmark: str) -> list[Chart]:
    """One step chart per split: the best open and best closed score on each change day."""
    by_split: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        by_split[point["split"]].append(point)
    charts = []
    for split, split_points in by_split.items():
        name = f"{benchmark} [{split}]" if split else benchmark
        series = []
        for side, colour, label in (("best_open", OPEN, "best open"), ("best_closed", CLOSED, "best closed")):
            drawn, held = [], None
            for p in split_points:  # a side's best is drawn where it changes, then held
                if p[side] and (p[side]["id"], p[side]["value"]) != held:
                    held = (p[side]["id"], p[side]["value"])
                    drawn.append({"date": p["date"], "value": p[side]["value"], "label": _value_text(p[side]),
                                  "what": f"{p['date']}: {label}, {p[side]['model']}",
                                  "source": p[side]["source"], "locator": p[side]["locator"],
                                  "link": p[side].get("link")})
            series.append((label, colour, drawn))
        unit = split_points[0]["unit"]
        chart = step_chart(f"{name}: best open vs best closed over time", series, f"score ({unit})",
                           (0, 100) if unit == "percent" else None)
        if chart:
            charts.append(chart)
    return charts


def price_chart(prices: list[dict[str, Any]], model: str) -> Chart | None:
    """A model's prices over time, one series per price measure and provider."""
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in prices:
        if isinstance(claim.get("value"), int | float):
            series[claim["property"]].append({
                "date": claim["source_date"], "value": float(claim["value"]),
                "label": f"${claim['value']:g}", "what": f"{claim['property']} on {claim['source_date']}",
                "source": claim["source"], "locator": claim["locator"], "link": claim.get("link")})
    named = [(name, SERIES[i % len(SERIES)], pts) for i, (name, pts) in enumerate(sorted(series.items()))]
    return step_chart(f"{model}: prices over time", named, "USD per million tokens", (0, math.inf))


def lineage_chart(edges: list[dict[str, Any]], centre_id: str, centre_label: str) -> Chart | None:
    """Ancestors above, descendants below the model, one row per generation, edges labelled."""
    if not edges:
        return None
    level = {centre_id: 0}
    labels = {centre_id: centre_label}
    changed = True
    while changed:  # levels: parents one row up, children one row down, from the centre outwards
        changed = False
        for edge in edges:
            labels[edge["child_id"]], labels[edge["parent_id"]] = edge["child"], edge["parent"]
            child, parent = edge["child_id"], edge["parent_id"]
            if child in level and parent not in level and level[child] <= 0:
                level[parent], changed = level[child] - 1, True
            elif parent in level and child not in level and level[parent] >= 0:
                level[child], changed = level[parent] + 1, True
    rows: dict[int, list[str]] = defaultdict(list)
    for node, depth in sorted(level.items(), key=lambda item: labels[item[0]]):
        rows[depth].append(node)
    box_width, box_height, gap_x, gap_y = 190, 34, 24, 80
    widest = max(len(nodes) for nodes in rows.values())
    width = max(widest * (box_width + gap_x) + gap_x, 600)
    top_level = min(rows)
    height = (max(rows) - top_level + 1) * (box_height + gap_y) + 40
    position = {}
    for depth, nodes in rows.items():
        span = len(nodes) * (box_width + gap_x) - gap_x
        for index, node in enumerate(nodes):
            position[node] = ((width - span) / 2 + index * (box_width + gap_x),
                              30 + (depth - top_level) * (box_height + gap_y))
    notes = Notes()
    title = f"Lineage of {centre_label}: what it is built on (above) and what is built on it (below)"
    body = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
            "</marker></defs>",
            _text(10, 18, "Arrows point from a model to what it is built on; labels give relation, status "
                  "and [source note]", size=11, colour="#444")]
    for edge in edges:
        if edge["child_id"] not in position or edge["parent_id"] not in position:
            continue
        (cx, cy), (px, py) = position[edge["child_id"]], position[edge["parent_id"]]
        x1, y1 = cx + box_width / 2, cy if py < cy else cy + box_height
        x2, y2 = px + box_width / 2, py + box_height if py < cy else py
        dashed = ' stroke-dasharray="5,3"' if edge["status"] != "documented" else ""
        colour = "#c0392b" if edge["cross_lab"] else "#555"
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                    f'stroke-width="1.6" marker-end="url(#arrow)"{dashed}/>')
        how = f"{edge['relation']}, {edge['status']}"
        number = notes.add(f"{edge['child']} built on {edge['parent']}", how, edge["source"], edge["locator"],
                           edge.get("link"))
        leftwards = x2 < x1 - 1
        anchor = "end" if leftwards else "start"
        label_x = (x1 + x2) / 2 + (-6 if leftwards else 6)
        body.append(_text(label_x, (y1 + y2) / 2 + 4, f"{how} [{number}]", size=10, anchor=anchor,
                          colour=colour))
    for node, (x, y) in position.items():
        fill = "#fdf1d6" if node == centre_id else "#eef3f8"
        label = labels[node] if len(labels[node]) <= 26 else labels[node][:25] + "…"
        body.append(f'<a href="/model/{escape(node)}"><rect x="{x:.1f}" y="{y:.1f}" width="{box_width}" '
                    f'height="{box_height}" rx="5" fill="{fill}" stroke="#567"/>'
                    + _text(x + box_width / 2, y + 21, label, size=12, anchor="middle") + "</a>")
    legend_y = height - 8
    body.append(_text(10, legend_y, "solid: documented by the lab; dashed: reported or alleged; "
                      "red: across labs", size=11, colour="#444"))
    return Chart(_svg(width, height, title, body), title, notes.items)
