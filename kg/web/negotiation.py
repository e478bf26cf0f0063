"""HTTP content negotiation (RFC 9110 section 12.5.1): the offered type a client's Accept prefers.

Each media range in ``Accept`` carries a quality (``q``, default 1); an offered type takes the
quality of the most specific range that matches it (``text/csv`` over ``text/*`` over ``*/*``);
``q=0`` refuses a type. Among the types of the highest quality the server's own order decides.
No acceptable type means 406.
"""

from collections.abc import Sequence
from dataclasses import dataclass

MAX_RANGES = 64  # media ranges read from one Accept header (it is client input: bounded)


@dataclass(frozen=True)
class MediaRange:
    """One media range of an Accept header with its quality."""

    type: str
    subtype: str
    quality: float
    parameters: tuple[tuple[str, str], ...] = ()

    def specificity(self, media: str) -> int:
        """How specifically this range matches ``media`` (-1: not at all)."""
        kind, _, sub = media.partition("/")
        params = _params(media)
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub.split(";")[0].strip():
            return -1
        if self.parameters:
            return 3 if set(self.parameters) <= set(params) else -1
        return 2


def _params(media: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in media.split(";")[1:]:
        key, _, value = part.partition("=")
        pairs.append((key.strip().lower(), value.strip().strip('"')))
    return tuple(pairs)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed ranges are skipped, the count is bounded."""
    ranges = []
    for part in header.split(",")[:MAX_RANGES]:
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        quality, parameters = 1.0, []
        for field in fields[1:]:
            key, _, value = field.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
            elif key:
                parameters.append((key, value))
        ranges.append(MediaRange(kind, sub, quality, tuple(parameters)))
    return ranges


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered one if no header);
    None if none is acceptable."""
    if not header or not header.strip():
        return offered[0] if offered else None
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for position, media in enumerate(offered):
        matches = [(r.specificity(media), r.quality) for r in ranges]
        matches = [m for m in matches if m[0] >= 0]
        if not matches:
            continue
        quality = max(matches)[1]  # the most specific matching range decides
        if quality <= 0:
            continue
        if best is None or (quality, -position) > best:
            best, chosen = (quality, -position), media
    return chosen
