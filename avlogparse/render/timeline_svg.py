"""The per-VM timeline as an inline SVG, in pure Python (no matplotlib, no script).

One lane per VM (plus a lane for the job and host), a marker per moment, a halo around
each finding, and a bar for each backup run. Every marker has an SVG ``<title>``, which
browsers show as a tooltip: time, kind id, label and ``path:line``. All text is escaped;
the words of the chart (title, legend, job lane, time skipped) are in the chosen language.
"""

from __future__ import annotations

from collections.abc import Sequence

from avlogparse.i18n import display_width, text
from avlogparse.models.timeline import TimelineEntry
from avlogparse.render.safe import html_text
from avlogparse.render.timeline_layout import (
    JOB_LANE,
    KIND_STYLES,
    TimelineLayout,
    backup_spans,
    entry_colour,
    kind_name,
    layout,
)

WIDTH = 1200
LABEL_WIDTH = 180
RIGHT_MARGIN = 24
TOP = 26
LANE_HEIGHT = 30
AXIS_HEIGHT = 34
LEGEND_HEIGHT = 30
MARKER = 5.5


def timeline_svg(entries: Sequence[TimelineEntry], lang: str = "en") -> str:
    """The timeline as one ``<svg>`` element (a short paragraph when there is nothing).

    ``lang`` is the language of the chart's own words; the entries' labels are shown as
    they are (see :func:`~avlogparse.i18n.localize_report`).
    """
    if not entries:
        return f'<p class="avl-empty">{html_text(text("timeline.empty", lang))}</p>'
    plan = layout(entries, lang=lang)
    height = TOP + LANE_HEIGHT * len(plan.lanes) + AXIS_HEIGHT + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="avl-timeline" role="img"'
        f' viewBox="0 0 {WIDTH} {height}" width="100%" font-family="sans-serif"'
        f' font-size="12">',
        f"<title>{html_text(text('timeline.title', lang))}</title>",
        *_lanes(plan),
        *_gaps(plan, height),
        *_axis(plan),
        *_run_bars(plan, entries),
        *(_marker(plan, entry) for entry in entries if entry.kind == "finding"),
        *(_marker(plan, entry) for entry in entries if entry.kind != "finding"),
        *_legend(TOP + LANE_HEIGHT * len(plan.lanes) + AXIS_HEIGHT, lang),
        "</svg>",
    ]
    return "\n".join(parts)


def _x(plan: TimelineLayout, entry: TimelineEntry) -> float:
    return LABEL_WIDTH + plan.x(entry.host_time) * (WIDTH - LABEL_WIDTH - RIGHT_MARGIN)


def _y(lane: int) -> float:
    return TOP + LANE_HEIGHT * lane + LANE_HEIGHT / 2


def _lanes(plan: TimelineLayout) -> list[str]:
    parts = []
    for index, lane in enumerate(plan.lanes):
        top = TOP + LANE_HEIGHT * index
        fill = "#f6f8fa" if index % 2 == 0 else "#ffffff"
        weight = ' font-style="italic"' if lane.key.endswith(JOB_LANE) else ""
        parts.append(
            f'<rect x="0" y="{top}" width="{WIDTH}" height="{LANE_HEIGHT}" fill="{fill}"/>'
            f'<text x="{LABEL_WIDTH - 10}" y="{_y(index) + 4:.1f}" text-anchor="end"{weight}>'
            f"{html_text(_shorten(lane.label, 26))}<title>{html_text(lane.label)}</title></text>"
        )
    return parts


def _gaps(plan: TimelineLayout, height: int) -> list[str]:
    """Hatched bands where the axis skips quiet time, labelled with the time skipped."""
    scale = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    width = plan.gap_fraction * scale
    bottom = height - LEGEND_HEIGHT - AXIS_HEIGHT
    parts = []
    for middle, skipped in plan.breaks():
        x = LABEL_WIDTH + middle * scale
        parts.append(
            f'<rect x="{x - width / 2:.1f}" y="{TOP}" width="{width:.1f}"'
            f' height="{bottom - TOP}" fill="#d0d7de" opacity="0.6"/>'
            f'<text x="{x:.1f}" y="{TOP - 8}" text-anchor="middle" fill="#57606a">'
            f"{html_text(skipped)}</text>"
        )
    return parts


def _axis(plan: TimelineLayout) -> list[str]:
    scale = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    axis_y = TOP + LANE_HEIGHT * len(plan.lanes)
    parts = [
        f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{WIDTH - RIGHT_MARGIN}" y2="{axis_y}"'
        ' stroke="#57606a"/>'
    ]
    for position, moment, anchor in plan.ticks():
        x = LABEL_WIDTH + position * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#57606a"/>'
            f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="{anchor}" fill="#24292f">'
            f"{html_text(moment)}</text>"
        )
    return parts


def _run_bars(plan: TimelineLayout, entries: Sequence[TimelineEntry]) -> list[str]:
    parts = []
    for start, end in backup_spans(entries):
        left, right = _x(plan, start), _x(plan, end)
        y = _y(plan.lane(end))
        parts.append(
            f'<rect x="{left:.1f}" y="{y - 4:.1f}" width="{max(right - left, 1):.1f}"'
            f' height="8" rx="3" fill="{entry_colour(end)}" opacity="0.25"/>'
        )
    return parts


def _marker(plan: TimelineLayout, entry: TimelineEntry) -> str:
    x, y = _x(plan, entry), _y(plan.lane(entry))
    colour = entry_colour(entry)
    shape = _shape(KIND_STYLES[entry.kind].shape, x, y, colour)
    vm = f" — {entry.vm.label()}" if entry.vm else ""
    tip = (
        f"{entry.host_time:%Y-%m-%d %H:%M:%S %z} {entry.kind}{vm}: {entry.label}"
        f" ({entry.location})"
    )
    return f"<g>{shape}<title>{html_text(tip)}</title></g>"


def _shape(shape: str, x: float, y: float, colour: str) -> str:
    """One marker centred on (x, y)."""
    m = MARKER
    if shape == "ring":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{m * 2:.1f}" fill="{colour}"'
            f' fill-opacity="0.18" stroke="{colour}" stroke-width="2.5"/>'
        )
    if shape == "circle-outline":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{m * 1.5:.1f}" fill="none"'
            f' stroke="{colour}" stroke-width="2"/>'
        )
    if shape == "square":
        size = f'width="{2 * m}" height="{2 * m}"'
        return f'<rect x="{x - m:.1f}" y="{y - m:.1f}" {size} fill="{colour}"/>'
    if shape == "cross":
        return (
            f'<path d="M{x - m:.1f},{y - m:.1f}L{x + m:.1f},{y + m:.1f}'
            f'M{x - m:.1f},{y + m:.1f}L{x + m:.1f},{y - m:.1f}" stroke="{colour}"'
            ' stroke-width="3"/>'
        )
    points = {
        "diamond": ((0, -1.3), (1, 0), (0, 1.3), (-1, 0)),
        "triangle-right": ((-1, -1.1), (1.2, 0), (-1, 1.1)),
        "triangle-left": ((1, -1.1), (-1.2, 0), (1, 1.1)),
    }[shape]
    corners = " ".join(f"{x + dx * m:.1f},{y + dy * m:.1f}" for dx, dy in points)
    return f'<polygon points="{corners}" fill="{colour}"/>'


def _legend(top: int, lang: str) -> list[str]:
    parts = []
    x = float(LABEL_WIDTH)
    y = top + LEGEND_HEIGHT / 2
    for kind, style in KIND_STYLES.items():
        name = kind_name(kind, lang)
        parts.append(_shape(style.shape, x, y, style.colour))
        parts.append(f'<text x="{x + 14:.1f}" y="{y + 4:.1f}">{html_text(name)}</text>')
        x += 30 + 7 * display_width(name)
    return parts


def _shorten(label: str, limit: int) -> str:
    """``label`` cut to ``limit`` columns (a wide character takes two).

    One pass over at most ``limit + 1`` characters: a 40,000-character VM name costs what a
    30-character one does (cutting a character at a time and measuring again was quadratic).
    """
    head = label[: limit + 1]  # no character is narrower than one column
    if len(head) <= limit and display_width(head) <= limit:
        return label
    used = 0
    for index, char in enumerate(head):
        used += display_width(char)
        if used > limit - 1:
            return head[:index] + "…"
    return label  # not reached: a head that fits was returned above
