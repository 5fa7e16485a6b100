"""Tell which kind of log a file is from its first bytes, not its name.

Bundles rename files (``avhypervvss_20190415.log``, rotated ``*.log.1``, any ``*.xml``), so
the content decides; the name is only a tie-breaker for files too short to tell. A binary
``.evtx`` is told by its ``ElfFile`` signature, before anything else is looked at.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum

from avlogparse.textio import detect_encoding

SNIFF_BYTES = 16_384
EVTX_MAGIC = b"ElfFile\x00"
"""Signature of a binary Windows event log (``.evtx``), whatever its name."""


class Kind(str, Enum):
    """The input kinds avlogparse can parse (values match the record ``source``, except
    ``evtx``: binary event logs give the same ``event-xml`` records as an XML export)."""

    AVHYPERVVSS = "avhypervvss"
    WINCLUSTERSVC = "winclustersvc"
    EVENT_XML = "event-xml"
    EVTX = "evtx"
    UNKNOWN = "unknown"


_AVAMAR_HEADER = re.compile(
    r"^<?(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? +)?([A-Za-z][A-Za-z0-9_.-]*)(?:\[[^\]]*\])?"
    r" +[A-Za-z]+ *<\d{4,5}>",
    re.ASCII | re.MULTILINE,
)
_XML_START = re.compile(
    r"^\s*(?:Record \d+\s*)?(?:(?:<!--(?:[^-]|-(?!-))*-->|<\?(?!xml[\s?])[^>]*\?>)\s*)*"
    r"<(?:\?xml|Events\b|Event\b)",
    re.ASCII,
)  # an optional ``Record N`` line, comments and processing instructions, then the XML
_EVENT_NS = "schemas.microsoft.com/win/2004/08/events"


def sniff_kind(head: bytes, name: str | None = None) -> Kind:
    """Classify a file from its first bytes; ``name`` only breaks ties on empty content."""
    if head.startswith(EVTX_MAGIC):
        return Kind.EVTX
    encoding = detect_encoding(head)
    text = head[encoding.bom_length : SNIFF_BYTES].decode(encoding.name, errors="replace")
    text = text.lstrip("\ufeff")
    if _XML_START.match(text) and ("<Event" in text or _EVENT_NS in text):
        return Kind.EVENT_XML
    components = Counter(match.group(1).lower() for match in _AVAMAR_HEADER.finditer(text))
    if components:
        if components["winclustersvc"] * 2 > sum(components.values()):
            return Kind.WINCLUSTERSVC
        return Kind.AVHYPERVVSS
    if not text.strip() and name is not None:
        return sniff_name(name)
    return Kind.UNKNOWN


def sniff_name(name: str) -> Kind:
    """Kind suggested by a file name alone (used only when the content cannot tell)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.startswith("avhypervvss"):
        return Kind.AVHYPERVVSS
    if base.startswith("winclustersvc"):
        return Kind.WINCLUSTERSVC
    if base.endswith(".xml"):
        return Kind.EVENT_XML
    return Kind.UNKNOWN
