"""Server-rendered SVG charts for the dashboard and the progress papers.

Every function here is pure: data in, SVG markup out. No JavaScript, no external libraries, no database access.
The markup is a complete ``<svg>`` element with the SVG namespace, so it can be:

* dropped into an HTML page (``{{ chart }}``: the return value is already marked safe, all text in it is
  escaped with ``django.utils.html.escape``);
* embedded in a WeasyPrint PDF the same way (WeasyPrint renders inline SVG);
* written to a ``.svg`` file and converted to PNG (e.g. with cairosvg) for a Word document.

Accessibility: each chart has ``role="img"``, a ``<title>`` and a ``<desc>`` that says in words what the
chart shows (the numbers included), and every bar segment carries its count as text. Status is never shown by
colour alone: segments wide enough carry a short text code ("R 3"), the legend names every series with its
total, and series can carry a pattern (hatching, dots) so the chart still reads when printed in greyscale.

The API (stable; the paper helper relies on it):

``stacked_bar_chart(rows, series, *, title, ...)``
    The general chart. ``rows`` is a sequence of ``(label, counts)`` pairs (or a mapping ``label -> counts``),
    ``counts`` a mapping ``series key -> int``. ``series`` is a sequence of ``Series`` or plain
    ``(key, label, colour)`` tuples, in the order the segments are stacked left to right.

``status_by_report_svg(data, **options)``
    Actions by status for each source report. ``data``: ``[(report label, {Status value: count}), ...]``,
    e.g. ``[("Laming 2009", {"not_started": 3, "in_progress": 5, "complete": 4})]``. Missing keys count 0.

``rag_by_agency_svg(data, **options)``
    Actions by RAG rating for each agency. ``data``: ``[(agency label, {Rag value: count}), ...]``,
    e.g. ``[("Social Work", {"red": 2, "amber": 1, "green": 6, "complete": 3})]``.

``progress_bar_svg(percent, *, label=None, ...)``
    One horizontal bar showing ``percent`` complete (clamped to 0..100), with the number as text.

``STATUS_SERIES`` and ``RAG_SERIES`` are the series (key, label, colour, pattern) used by the wrappers; pass
``series=`` to a wrapper to override them. Options common to the bar charts: ``title`` (the chart's
heading and accessible name), ``description`` (overrides the generated ``<desc>`` text), ``width`` (px,
default 640), ``bar_height`` (default 26), ``label_width`` (space for row labels, default 180),
``empty_text`` (default "No actions"), ``unit`` (the noun counted in the description, default "action").
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from actions.models import Status
from actions.rag import Rag

FONT = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#0b0c0c"
MUTED_COLOUR = "#505a5f"
TRACK_COLOUR = "#f3f2f1"
#: How wide a compact chart is drawn: a 375 px screen shows it at about its own size.
COMPACT_WIDTH = 340


@dataclass(frozen=True)
class Series:
    """One stacked segment kind: its key in the counts, its label, fill colour and optional pattern.

    ``pattern`` is None, "hatch", "crosshatch" or "dots": drawn over the fill so series stay distinct in
    greyscale. ``short`` is the code drawn in wide-enough segments (defaults to the label's first letter).
    """

    key: str
    label: str
    colour: str
    pattern: str | None = None
    short: str = ""

    @property
    def code(self):
        return self.short or self.label[:1].upper()

    @property
    def text_colour(self):
        return TEXT_COLOUR if _is_light(self.colour) else "#ffffff"


#: RAG colours as in static/css/app.css (.rag-red etc.), with patterns for greyscale printing.
RAG_SERIES = (
    Series(Rag.RED.value, "Red", "#b10e1e", "hatch", "R"),
    Series(Rag.AMBER.value, "Amber", "#ffdd00", None, "A"),
    Series(Rag.GREEN.value, "Green", "#00703c", None, "G"),
    Series(Rag.NO_DATE.value, "No date set", "#b1b4b6", "dots", "ND"),
    Series(Rag.COMPLETE.value, "Complete", "#1d4f91", "dots", "C"),
    Series(Rag.NOT_APPLICABLE.value, "Not applicable", "#505a5f", "crosshatch", "N/A"),
)

#: Status colours (white or near-black text on each meets 4.5:1), with patterns for greyscale printing.
STATUS_SERIES = (
    Series(Status.NOT_STARTED.value, "Not started", "#b1b4b6", None, "NS"),
    Series(Status.IN_PROGRESS.value, "In progress", "#ffdd00", "hatch", "IP"),
    Series(Status.COMPLETE.value, "Complete", "#00703c", None, "C"),
    Series(Status.ONGOING.value, "Ongoing", "#1d4f91", "dots", "O"),
    Series(Status.NOT_APPLICABLE.value, "Not applicable", "#505a5f", "crosshatch", "N/A"),
)


def stacked_bar_chart(
    rows,
    series,
    *,
    title,
    description=None,
    width=640,
    bar_height=26,
    label_width=180,
    empty_text="No actions",
    unit="action",
    compact=False,
):
    """A horizontal stacked bar per row, on a shared scale, with counts on the segments and a legend.

    ``compact``: for a phone's width. The chart is drawn 340 units wide (``width`` is ignored), each row's label on
    a line of its own above its bar, so that shown on a 375 px screen its words stay their printed size (13 px),
    where the wide chart, shrunk to fit, would write them about 6 px high.

    ``rows``: ``[(label, {series key: count}), ...]`` or a mapping ``label -> counts``.
    ``series``: ``[Series | (key, label, colour[, pattern[, short]]), ...]`` in stacking order.
    Returns safe SVG markup (``SafeString``). With no rows, or only zero counts, returns a small chart
    that says ``empty_text``.
    """
    rows = _as_rows(rows)
    series = [s if isinstance(s, Series) else Series(*s) for s in series]
    totals = [sum(counts.get(s.key, 0) for s in series) for _, counts in rows]
    ident = _chart_id(title, rows) + ("-compact" if compact else "")
    if not rows or not any(totals):
        return _empty_chart(ident, title=title, text=empty_text, width=COMPACT_WIDTH if compact else width)

    gap, top, right = 10, 8, 48
    if compact:
        width, label_width, label_height = COMPACT_WIDTH, 0, 18
    plot_left, plot_width = label_width, max(width - label_width - right, 40)
    scale = plot_width / max(totals)
    body = []
    y = top
    for (label, counts), total in zip(rows, totals, strict=True):
        if compact:
            body.append(_label_above(label, y, width - right))
            y += label_height
        else:
            body.append(_row_label(label, y, bar_height, label_width))
        x = plot_left
        for s in series:
            count = counts.get(s.key, 0)
            if count <= 0:
                continue
            seg_width = count * scale
            body.append(_segment(ident, s, label, count, x, y, seg_width, bar_height))
            x += seg_width
        body.append(
            f'<text x="{_n(x + 6)}" y="{_n(y + bar_height / 2)}" dominant-baseline="central" '
            f'font-size="13" font-weight="bold" fill="{TEXT_COLOUR}">{total}</text>'
        )
        y += bar_height + gap

    legend, legend_height = _legend(ident, series, rows, y + 4, width)
    height = y + 4 + legend_height
    desc = description or _describe(title, rows, series, totals, unit)
    return _svg(ident, title, desc, width, height, _defs(ident, series) + "".join(body) + legend)


def status_by_report_svg(data, *, title="Actions by status, by source report", series=STATUS_SERIES, **options):
    """Actions by status per source report. ``data``: ``[(report label, {Status value: count}), ...]``."""
    return stacked_bar_chart(data, series, title=title, **options)


def rag_by_agency_svg(data, *, title="Actions by RAG rating, by agency", series=RAG_SERIES, **options):
    """Actions by RAG rating per agency. ``data``: ``[(agency label, {Rag value: count}), ...]``."""
    return stacked_bar_chart(data, series, title=title, **options)


def for_every_width(chart, data, **options):
    """A bar chart drawn twice: as wide as a desktop shows it, and compact for a phone; the page's stylesheet
    shows one (``.chart-wide`` from 768 px, ``.chart-compact`` below), so the words read at their size on both."""
    return mark_safe(  # noqa: S308 - both charts are escaped where they are built
        f'<div class="chart-wide">{chart(data, **options)}</div>'
        f'<div class="chart-compact">{chart(data, compact=True, **options)}</div>'
    )


def progress_bar_svg(percent, *, label=None, text=None, width=320, height=24, colour="#00703c"):
    """A single bar filled to ``percent`` (clamped to 0..100) with "NN% complete" written beside it; an empty
    bar with "% complete not reported" when ``percent`` is None. ``text``, when given, is written in full in the
    accessible name ("8 of 51 complete (16%)"), the bar's own words staying the percentage.

    ``label`` (e.g. "Laming 2009") becomes part of the accessible name: "Laming 2009: 45% complete".
    """
    shown = "% complete not reported" if percent is None else f"{max(0, min(100, round(percent)))}% complete"
    spoken = f"{text} ({shown})" if text and percent is not None else shown
    name = f"{label}: {spoken}" if label else spoken
    percent = max(0, min(100, round(percent or 0)))
    ident = _chart_id(name, [])
    bar_width = width - 110
    fill = bar_width * percent / 100
    body = (
        f'<rect x="0" y="0" width="{_n(bar_width)}" height="{height}" fill="{TRACK_COLOUR}" '
        f'stroke="{MUTED_COLOUR}" stroke-width="1"/>'
        f'<rect x="0" y="0" width="{_n(fill)}" height="{height}" fill="{colour}"/>'
        f'<text x="{_n(bar_width + 8)}" y="{_n(height / 2)}" dominant-baseline="central" font-size="13" '
        f'font-weight="bold" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
    )
    return _svg(ident, name, f"{name}.", width, height, body)


# Building blocks ---------------------------------------------------------------------------------------------


def _as_rows(rows):
    if isinstance(rows, Mapping):
        rows = rows.items()
    return [(str(label), dict(counts)) for label, counts in rows]


def _chart_id(title, rows):
    """A deterministic id prefix, so two charts on one page do not share pattern or title ids."""
    digest = hashlib.sha1(repr((title, rows)).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"chart-{digest}"


def _n(number):
    """Numbers in SVG attributes: at most one decimal, no trailing zeros."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _text_width(text, font_size):
    return len(text) * font_size * 0.6


def _fit(text, width, font_size):
    """The text, shortened with an ellipsis to fit ``width`` (an estimate: SVG text does not wrap)."""
    if _text_width(text, font_size) <= width:
        return text
    keep = max(int(width / (font_size * 0.6)) - 1, 1)
    return text[:keep].rstrip() + "…"


def _is_light(colour):
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5


def _svg(ident, title, desc, width, height, body):
    return mark_safe(  # noqa: S308 - every piece of text in body is escaped where it is built
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{_n(width)}" '
        'style="max-width: 100%; height: auto" '
        f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _empty_chart(ident, *, title, text, width):
    body = (
        f'<rect x="0" y="0" width="{_n(width)}" height="48" fill="{TRACK_COLOUR}"/>'
        f'<text x="{_n(width / 2)}" y="24" text-anchor="middle" dominant-baseline="central" font-size="14" '
        f'fill="{TEXT_COLOUR}">{escape(text)}</text>'
    )
    return _svg(ident, title, f"{title}: {text.lower()}.", width, 48, body)


PATTERNS = {
    "hatch": '<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" stroke="{ink}" stroke-width="1.5"/>',
    "crosshatch": '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="{ink}" stroke-width="1"/>',
    "dots": '<circle cx="4" cy="4" r="1.3" fill="{ink}"/>',
}


def _defs(ident, series):
    patterns = []
    for s in series:
        if s.pattern in PATTERNS:
            ink = "#0b0c0c" if _is_light(s.colour) else "#ffffff"
            shape = PATTERNS[s.pattern].format(ink=ink)
            patterns.append(
                f'<pattern id="{ident}-{escape(s.key)}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="{s.colour}"/><g opacity="0.45">{shape}</g></pattern>'
            )
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _fill(ident, s):
    return f"url(#{ident}-{escape(s.key)})" if s.pattern in PATTERNS else s.colour


def _label_above(label, y, width):
    """A compact chart's row label: on its own line above the bar, left-aligned, as wide as the bar."""
    shown = _fit(label, width, 13)
    tooltip = f"<title>{escape(label)}</title>" if shown != label else ""
    return (
        f'<text x="0" y="{_n(y + 7)}" dominant-baseline="central" font-size="13" '
        f'fill="{TEXT_COLOUR}">{escape(shown)}{tooltip}</text>'
    )


def _row_label(label, y, bar_height, label_width):
    shown = _fit(label, label_width - 10, 13)
    tooltip = f"<title>{escape(label)}</title>" if shown != label else ""
    return (
        f'<text x="{_n(label_width - 8)}" y="{_n(y + bar_height / 2)}" text-anchor="end" '
        f'dominant-baseline="central" font-size="13" fill="{TEXT_COLOUR}">{escape(shown)}{tooltip}</text>'
    )


def _segment(ident, s, row_label, count, x, y, seg_width, bar_height):
    """One coloured segment with its count (and the series code when it fits) written on it."""
    parts = [
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(seg_width)}" height="{bar_height}" fill="{_fill(ident, s)}" '
        f'stroke="#ffffff" stroke-width="1"><title>{escape(row_label)}: {escape(s.label)} {count}</title></rect>'
    ]
    for text in (f"{s.code} {count}", str(count)):
        text_width = _text_width(text, 12)
        if text_width + 6 <= seg_width:
            # A plain patch of the series colour behind the text keeps it readable over a pattern, in any renderer.
            parts.append(
                f'<rect x="{_n(x + (seg_width - text_width) / 2 - 2)}" y="{_n(y + bar_height / 2 - 8)}" '
                f'width="{_n(text_width + 4)}" height="16" fill="{s.colour}"/>'
                f'<text x="{_n(x + seg_width / 2)}" y="{_n(y + bar_height / 2)}" text-anchor="middle" '
                f'dominant-baseline="central" font-size="12" font-weight="bold" fill="{s.text_colour}">'
                f"{escape(text)}</text>"
            )
            break
    return "".join(parts)


def _legend(ident, series, rows, top, width):
    """Swatches with each series' label, code and total, wrapped onto as many lines as the width needs."""
    items, x, y, line = [], 0.0, top, 18
    for s in series:
        total = sum(counts.get(s.key, 0) for _, counts in rows)
        text = f"{s.label} ({s.code}): {total}"
        item_width = 18 + _text_width(text, 12) + 16
        if x and x + item_width > width:
            x, y = 0.0, y + line + 4
        items.append(
            f'<rect x="{_n(x)}" y="{_n(y + 2)}" width="14" height="14" fill="{_fill(ident, s)}" '
            f'stroke="{MUTED_COLOUR}" stroke-width="0.5"/>'
            f'<text x="{_n(x + 18)}" y="{_n(y + 9)}" dominant-baseline="central" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(text)}</text>'
        )
        x += item_width
    return "".join(items), (y - top) + line


def _describe(title, rows, series, totals, unit):
    """The chart in words, e.g. "Laming 2009: 12 actions (3 not started, 9 in progress)."."""
    sentences = [f"{title}."]
    for (label, counts), total in zip(rows, totals, strict=True):
        parts = [f"{counts.get(s.key, 0)} {s.label.lower()}" for s in series if counts.get(s.key, 0)]
        noun = unit if total == 1 else f"{unit}s"
        detail = f" ({', '.join(parts)})" if parts else ""
        sentences.append(f"{label}: {total} {noun}{detail}.")
    return " ".join(sentences)
