"""Unknown lines grouped by shape, so a new product version reads as "12 lines in 2 shapes".

Numbers, GUIDs, hex codes, paths and quoted strings are masked; what remains is the
template. The first line of each template is kept as its example.
"""

from __future__ import annotations

import re

_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"'[^']{0,256}'|\"[^\"]{0,256}\""), "<STR>"),
    (
        re.compile(
            r"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?"
        ),
        "<GUID>",
    ),
    (
        re.compile(r"(?:[A-Za-z]:|\\\\)[\\/][^\s'\"<>]{0,256}|(?<!\w)/[\w.-]+(?:/[\w.-]+)+"),
        "<PATH>",
    ),
    (re.compile(r"0x[0-9A-Fa-f]+"), "<HEX>"),
    (re.compile(r"\d+"), "<N>"),
)
MAX_TEMPLATE_CHARS = 200


def line_template(text: str) -> str:
    """The shape of a line: variable parts masked, whitespace squeezed, length capped.

    >>> line_template("2024-03-12 00:05:05 newcomp Info 'VM 1' at C:\\\\vms\\\\a.avhdx code 0x1F")
    '<N>-<N>-<N> <N>:<N>:<N> newcomp Info <STR> at <PATH> code <HEX>'
    """
    shape = text[: MAX_TEMPLATE_CHARS * 4]
    for pattern, mask in _MASKS:
        shape = pattern.sub(mask, shape)
    return " ".join(shape.split())[:MAX_TEMPLATE_CHARS]
