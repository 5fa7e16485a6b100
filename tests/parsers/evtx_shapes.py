"""The export shapes an ``.evtx`` file's events are found in as XML (shared/domain.md §4).

Used to make the committed fixtures of ``tests/data/evtx/xml/`` (once, from ``evtx``'s
``records()``) and, at test time, the same shapes of the larger samples.
"""

from __future__ import annotations

import re

_DECLARATION = re.compile(r"\A<\?xml[^>]*\?>\s*")
SHAPES = ("bare", "events-root", "record-n", "utf16le")


def shapes(records: list[tuple[int, str]]) -> dict[str, bytes]:
    """``(header record id, record XML as evtx renders it)`` pairs in each export shape:
    wevtutil-style bare events, an ``<Events>`` root (Event Viewer "Save as XML"), Rust
    ``evtx_dump``'s ``Record N`` layout, and the ``<Events>`` shape in UTF-16 LE with a BOM."""
    bare = "\n".join(_DECLARATION.sub("", xml).rstrip() for _, xml in records) + "\n"
    root = f'<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n{bare}</Events>\n'
    record_n = "".join(f"Record {number}\n{xml.rstrip()}\n" for number, xml in records)
    utf16 = root.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return {
        "bare": bare.encode("utf-8"),
        "events-root": root.encode("utf-8"),
        "record-n": record_n.encode("utf-8"),
        "utf16le": b"\xff\xfe" + utf16.encode("utf-16-le"),
    }
