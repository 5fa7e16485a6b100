"""Untrusted text (VM names, paths, messages) made safe for a terminal or a web page."""

from __future__ import annotations

import html
import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """Control, bidi and zero-width characters shown as ``\\xNN``/``\\uNNNN``, not obeyed."""
    return _UNSAFE.sub(lambda m: ascii(m.group(0))[1:-1], text)


def html_text(text: object) -> str:
    """Untrusted text made inert for HTML and SVG: escaped as above, then entity-quoted."""
    return html.escape(escape(str(text)), quote=True)
