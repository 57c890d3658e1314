"""Server-rendered SVG charts: the timeline, counts by region, the region map, the comparison.

Plain strings, no JavaScript; colours are presentation attributes (no style
attributes under the site's CSP). Every chart is drawn from the public tallies
and has a text table beside it on the page.
"""

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.utils.html import escape

from undersigned.signatures.public import DayRow, RegionRow

INK, MUTED, GRID = "#1b1b1f", "#5b5b66", "#d9d9e0"
VERIFIED, ARRIVED = "#1d7a3e", "#e6c98f"
CHECKING = "#e6c98f"
NO_DATA = "#ecebe6"
# Light to dark green: the map's classes of verified counts.
MAP_SCALE = ("#d7eedd", "#a6d8b3", "#6dbb83", "#3a9657", "#1d7a3e", "#0d4f26")
# Distinct lines for the comparison, dark enough on white.
PALETTE = ("#1d7a3e", "#0b5cad", "#b06a00", "#8e2c8e", "#a4161a", "#2f6f73", "#5b5b66", "#6b4f1d")
FONT = 'font-family="system-ui, sans-serif"'
MAP_DATA = Path(__file__).resolve().parent / "data" / "russia_map.json"


def nice_step(top: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) that covers `top` in about `ticks` steps."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="t d" {FONT} font-size="12">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>' + "".join(body) + "</svg>"
    )


@dataclass(frozen=True)
class Plot:
    """The drawing area of a chart with a date axis and a count axis."""

    left: int
    top: int
    width: int
    height: int
    first: date
    last: date
    top_value: int

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return self.left + self.width / 2
        return round(self.left + self.width * (day - self.first).days / span, 1)

    @property
    def right(self) -> int:
        return self.left + self.width

    def y(self, value: int) -> float:
        return round(self.top + self.height - self.height * value / max(self.top_value, 1), 1)


def _axes(plot: Plot) -> list[str]:
    step = nice_step(plot.top_value)
    parts = []
    for value in range(0, plot.top_value + 1, step):
        y = plot.y(value)
        parts.append(
            f'<line x1="{plot.left}" x2="{plot.right}" y1="{y}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{plot.left - 6}" y="{y + 4}" text-anchor="end" fill="{MUTED}">{value}</text>'
        )
    bottom = plot.top + plot.height
    days = sorted({plot.first, plot.last, plot.first + (plot.last - plot.first) / 2})
    for day in days:
        anchor = "end" if day == plot.last and day != plot.first else "middle"
        parts.append(
            f'<text x="{plot.x(day)}" y="{bottom + 18}" text-anchor="{anchor}" fill="{MUTED}">'
            f"{day.isoformat()}</text>"
        )
    parts.append(
        f'<line x1="{plot.left}" x2="{plot.right}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>'
    )
    return parts


def _legend(items: Sequence[tuple[str, str]], x: int, y: int) -> list[str]:
    parts = []
    for label, colour in items:
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{y}" fill="{INK}">{escape(label)}</text>'
        )
        x += 30 + 7 * len(label)
    return parts


def _line(plot: Plot, points: Sequence[tuple[date, int]]) -> str:
    """A line through running totals, each at the end of its day."""
    return " ".join(f"{plot.x(day)},{plot.y(value)}" for day, value in points)


def from_zero(points: Sequence[tuple[date, int]]) -> list[tuple[date, int]]:
    """Totals with the day before the first added at zero, so one day still draws a line."""
    if not points:
        return []
    return [(points[0][0] - timedelta(days=1), 0), *points]


def timeline_svg(rows: Sequence[DayRow], *, title: str, received: str, verified: str) -> str:
    width, height = 640, 280
    if not rows:
        return _svg(width, 60, title, title, [f'<text x="10" y="35" fill="{MUTED}">—</text>'])
    top_value = max(row.arrived for row in rows)
    step = nice_step(top_value)
    arrived = from_zero([(r.day, r.arrived) for r in rows])
    first_day, last_day = arrived[0][0], arrived[-1][0]
    plot = Plot(56, 34, width - 80, height - 76, first_day, last_day, -(-top_value // step) * step)
    arrived_line = _line(plot, arrived)
    verified_line = _line(plot, from_zero([(r.day, r.verified) for r in rows]))
    bottom = plot.top + plot.height
    first_x, last_x = plot.x(first_day), plot.x(last_day)
    body = [
        *_axes(plot),
        f'<polygon points="{first_x},{bottom} {arrived_line} {last_x},{bottom}" fill="{ARRIVED}" '
        'fill-opacity="0.6"/>',
        f'<polyline points="{arrived_line}" fill="none" stroke="#b06a00" stroke-width="2"/>',
        f'<polyline points="{verified_line}" fill="none" stroke="{VERIFIED}" stroke-width="3"/>',
        *_legend([(received, ARRIVED), (verified, VERIFIED)], plot.left, 18),
    ]
    description = f"{received}: {rows[-1].arrived}; {verified}: {rows[-1].verified}"
    return _svg(width, height, title, description, body)


def regions_svg(
    rows: Sequence[RegionRow], *, title: str, verified: str, checking: str, limit: int = 30
) -> str:
    shown = list(rows[:limit])
    width, row_height, label_width = 640, 22, 220
    height = 40 + row_height * max(len(shown), 1)
    top_value = max((r.verified + r.checking for r in shown), default=0) or 1
    bar_width = width - label_width - 70
    bar_height = row_height - 6
    body = _legend([(verified, VERIFIED), (checking, CHECKING)], label_width, 18)
    for index, row in enumerate(shown):
        y = 30 + index * row_height
        green = round(bar_width * row.verified / top_value, 1)
        amber = round(bar_width * row.checking / top_value, 1)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f"{escape(row.name[:32])}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{green}" height="{bar_height}" '
            f'fill="{VERIFIED}"/>'
            f'<rect x="{label_width + green}" y="{y + 3}" width="{amber}" height="{bar_height}" '
            f'fill="{CHECKING}"/>'
            f'<text x="{label_width + green + amber + 6}" y="{y + 15}" fill="{MUTED}">'
            f"{row.verified} + {row.checking}</text>"
        )
    description = "; ".join(f"{r.name}: {r.verified} / {r.checking}" for r in shown)
    return _svg(width, height, title, description, body)


@cache
def map_shapes() -> tuple[float, float, dict[str, str]]:
    data = json.loads(MAP_DATA.read_text(encoding="utf-8"))
    return data["width"], data["height"], data["regions"]


# Cities too small to see at this scale get a round marker as well.
CITY_MARKERS = ("RU-MOW", "RU-SPE", "X-SEV")


@cache
def marker_centres() -> dict[str, tuple[float, float]]:
    _, _, shapes = map_shapes()
    centres = {}
    for code in CITY_MARKERS:
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", shapes[code])]
        xs, ys = numbers[0::2], numbers[1::2]
        centres[code] = (round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1))
    return centres


def map_classes(top: int) -> list[int]:
    """Lower bounds of the map's colour classes for counts up to `top` (1 always first)."""
    if top <= len(MAP_SCALE):
        return list(range(1, max(top, 1) + 1))
    bounds = [1]
    for index in range(1, len(MAP_SCALE)):
        bound = round(top ** (index / (len(MAP_SCALE) - 1)))
        if bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def fill_for(count: int, bounds: list[int]) -> str:
    if not count:
        return NO_DATA
    index = max(i for i, bound in enumerate(bounds) if count >= bound)
    return MAP_SCALE[min(index, len(MAP_SCALE) - 1)]


def map_svg(
    rows: Sequence[RegionRow],
    names: dict[str, str],
    *,
    title: str,
    legend_title: str,
    unmapped_title: str = "",
) -> str:
    """Russia's regions coloured by verified count; each region names itself and its count.

    Counted regions the map has no shape for are listed under it, so no count goes unseen.
    """
    width, height, shapes = map_shapes()
    verified = {row.code: row.verified for row in rows}
    bounds = map_classes(max(verified.values(), default=0))
    body = []
    for code, path in shapes.items():
        count = verified.get(code, 0)
        body.append(
            f'<path d="{path}" fill="{fill_for(count, bounds)}" stroke="#fff" '
            f'stroke-width="0.6" data-region="{code}">'
            f"<title>{escape(names.get(code, code))}: {count}</title></path>"
        )
    for code, (cx, cy) in marker_centres().items():
        count = verified.get(code, 0)
        body.append(
            f'<circle cx="{cx}" cy="{cy}" r="5" fill="{fill_for(count, bounds)}" stroke="{INK}" '
            f'stroke-width="1" data-region="{code}"><title>{escape(names.get(code, code))}: {count}'
            "</title></circle>"
        )
    legend_y = int(height) + 24
    body.append(f'<text x="10" y="{legend_y}" fill="{INK}">{escape(legend_title)}</text>')
    x = 10 + 8 * len(legend_title) + 10
    for index, bound in enumerate(bounds):
        upper = bounds[index + 1] - 1 if index + 1 < len(bounds) else None
        label = str(bound) if upper == bound else f"{bound}\u2013{upper}" if upper else f"{bound}+"
        body.append(
            f'<rect x="{x}" y="{legend_y - 11}" width="14" height="14" '
            f'fill="{MAP_SCALE[min(index, len(MAP_SCALE) - 1)]}"/>'
            f'<text x="{x + 19}" y="{legend_y}" fill="{INK}">{label}</text>'
        )
        x += 30 + 8 * len(label)
    unmapped = [r for r in rows if r.verified and r.code not in shapes]
    extra = 0
    if unmapped:
        extra = 24
        listed = "; ".join(f"{names.get(r.code, r.name)}: {r.verified}" for r in unmapped)
        body.append(
            f'<text x="10" y="{legend_y + 24}" fill="{INK}">'
            f"{escape(unmapped_title)} {escape(listed)}</text>"
        )
    description = "; ".join(
        f"{names.get(r.code, r.code)}: {r.verified}" for r in rows if r.verified
    )
    return _svg(int(width), int(height) + 40 + extra, title, description or title, body)


def compare_svg(series: Sequence[tuple[str, Sequence[tuple[date, int]]]], *, title: str) -> str:
    """Verified counts over time of several campaigns, one line each."""
    width, height = 640, 300
    series = [(label, from_zero(line)) for label, line in series]
    points = [p for _, line in series for p in line]
    if not points:
        return _svg(width, 60, title, title, [f'<text x="10" y="35" fill="{MUTED}">—</text>'])
    top_value = max(value for _, value in points)
    step = nice_step(top_value)
    plot = Plot(
        56,
        20 + 18 * len(series),
        width - 80,
        height - 60 - 18 * len(series),
        min(d for d, _ in points),
        max(d for d, _ in points),
        -(-max(top_value, 1) // step) * step,
    )
    body = _axes(plot)
    for index, (label, line) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        if line:
            extended = [*line, (plot.last, line[-1][1])] if line[-1][0] < plot.last else list(line)
            body.append(
                f'<polyline points="{_line(plot, extended)}" fill="none" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
        body.append(
            f'<rect x="{plot.left}" y="{6 + 18 * index}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{plot.left + 18}" y="{16 + 18 * index}" fill="{INK}">'
            f"{escape(label[:80])}</text>"
        )
    description = "; ".join(f"{label}: {line[-1][1] if line else 0}" for label, line in series)
    return _svg(width, height, title, description, body)
