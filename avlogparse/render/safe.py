"""Untrusted text (VM names, paths, messages) made safe for a terminal or a web page."""

from __future__ import annotations

import html
import re
from datetime import datetime, tzinfo

# Every character that could drive a terminal, start a line of its own, or hide or reorder
# text: C0 and C1 controls but the tab (LF and CR included: a name must never start a line
# of the report), every format character (Unicode category Cf: soft hyphen, Arabic letter
# mark, zero-width and bidi controls, word joiner and invisible operators, BOM, Mongolian
# vowel separator, interlinear annotations, the whole tag block U+E0000-E007F), the line
# and paragraph separators (Zl, Zp) and lone surrogates (a path that is not UTF-8). The
# list is checked against ``unicodedata`` in ``tests/hostile/test_hostile_output.py``.
_RANGES = (
    ("\x00", "\x08"),
    ("\x0a", "\x1f"),
    ("\x7f", "\x9f"),
    ("\u00ad", "\u00ad"),
    ("\u0600", "\u0605"),
    ("\u061c", "\u061c"),
    ("\u06dd", "\u06dd"),
    ("\u070f", "\u070f"),
    ("\u0890", "\u0891"),
    ("\u08e2", "\u08e2"),
    ("\u180e", "\u180e"),
    ("\u200b", "\u200f"),
    ("\u2028", "\u202e"),
    ("\u2060", "\u206f"),
    ("\ud800", "\udfff"),
    ("\ufeff", "\ufeff"),
    ("\ufff9", "\ufffb"),
    ("\U000110bd", "\U000110bd"),
    ("\U000110cd", "\U000110cd"),
    ("\U00013430", "\U0001343f"),
    ("\U0001bca0", "\U0001bca3"),
    ("\U0001d173", "\U0001d17a"),
    ("\U000e0000", "\U000e007f"),
)
_UNSAFE = re.compile(
    "[" + "".join(re.escape(a) + ("-" + re.escape(b) if b != a else "") for a, b in _RANGES) + "]"
)
_JSON_LINE_BREAKS = re.compile("[\u0085\u2028\u2029]")


def escape(text: str) -> str:
    """Controls (newlines too), bidi, zero-width and other invisible characters shown as
    ``\\n``/``\\xNN``/``\\uNNNN``/``\\UNNNNNNNN``, never obeyed: one value, one line."""
    return _UNSAFE.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    return ascii(match.group(0))[1:-1]


def json_line_safe(text: str) -> str:
    """JSON text with U+0085, U+2028 and U+2029 as ``\\uXXXX`` escapes (still the same JSON):
    readers that split on every Unicode line break (``str.splitlines``) see one line."""
    return _JSON_LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def html_text(text: object) -> str:
    """Untrusted text made inert for HTML and SVG: escaped as above, then entity-quoted."""
    return html.escape(escape(str(text)), quote=True)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` shown in ``zone``; kept in its own offset when that would leave the years
    ``datetime`` can hold (0001-01-01 at +09:00 is year 0): a log may say anything."""
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment
