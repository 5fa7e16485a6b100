"""A minimal ``.evtx`` writer for tests: XML events in, a binary Windows event log out.

No Python package writes ``.evtx`` (searched: every EVTX package on PyPI reads), so the tests
that need the KB case's VMMS events in binary form make them here. The layout follows the
libyal EVTX format description: a 4 KiB file header, 64 KiB chunks (512-byte header with the
CRC32 checksums), event records (``**\\0\\0``, size, record id, FILETIME, BinXML, size).
Each record's BinXML is a fragment holding one template instance whose definition is inline
and has no substitutions: every element, attribute and text is written literally (names
inline, values as UTF-16 strings), which is valid BinXML that readers decode as they decode
Windows' own. ``RenderingInfo`` is dropped, as Windows keeps no rendered text in ``.evtx``.
"""

from __future__ import annotations

import struct
import uuid
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone

HEADER_BYTES = 4096
CHUNK_BYTES = 65536
CHUNK_HEADER_BYTES = 512
_EPOCH_1601 = datetime(1601, 1, 1, tzinfo=timezone.utc)


def _filetime(text: str | None) -> int:
    if not text:
        return 0
    moment = datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00")
    return int((moment - _EPOCH_1601).total_seconds() * 10_000_000)


class _Chunk:
    def __init__(self) -> None:
        self.data = bytearray(CHUNK_HEADER_BYTES)

    def _name(self, out: bytearray, base: int, name: str) -> None:
        """A name offset pointing just after itself, then the name inline."""
        offset = base + len(out) + 4
        out += struct.pack("<I", offset)
        encoded = name.encode("utf-16-le")
        out += struct.pack("<IHH", 0, sum(name.encode()) & 0xFFFF, len(name))
        out += encoded + b"\x00\x00"

    @staticmethod
    def _text(out: bytearray, text: str) -> None:
        out += b"\x05\x01" + struct.pack("<H", len(text)) + text.encode("utf-16-le")

    def _element(self, out: bytearray, base: int, element: ET.Element) -> None:
        tag = element.tag
        namespace = ""
        if tag.startswith("{"):
            namespace, tag = tag[1:].split("}", 1)
        attributes = dict(element.attrib)
        if namespace and namespace != self._namespaces[-1]:
            attributes = {"xmlns": namespace, **attributes}
        self._namespaces.append(namespace)
        out += b"\x41" if attributes else b"\x01"
        out += struct.pack("<H", 0xFFFF)  # dependency identifier: none
        size_at = len(out)
        out += b"\x00\x00\x00\x00"
        self._name(out, base, tag)
        if attributes:
            list_at = len(out)
            out += b"\x00\x00\x00\x00"
            items = list(attributes.items())
            for index, (name, value) in enumerate(items):
                out += b"\x46" if index < len(items) - 1 else b"\x06"
                self._name(out, base, name.rpartition("}")[2])
                self._text(out, value)
            struct.pack_into("<I", out, list_at, len(out) - list_at - 4)
        children = [c for c in element if not str(c.tag).endswith("RenderingInfo")]
        text = element.text if element.text and element.text.strip() else None
        if not children and text is None:
            out += b"\x03"  # close empty element
        else:
            out += b"\x02"
            if text is not None:
                self._text(out, text)
            for child in children:
                self._element(out, base, child)
            out += b"\x04"
        struct.pack_into("<I", out, size_at, len(out) - size_at - 4)
        self._namespaces.pop()

    def add(self, record_id: int, event: ET.Element) -> bool:
        """Append one record; False when the chunk is full."""
        self._namespaces = [""]
        start = len(self.data)
        body = bytearray(b"\x0f\x01\x01\x00")  # fragment header
        body += b"\x0c\x01" + struct.pack("<I", record_id)  # template instance
        instance_base = start + 24 + len(body)
        definition_at = instance_base + 4
        body += struct.pack("<I", definition_at)
        template = bytearray(b"\x0f\x01\x01\x00")
        self._element(template, definition_at + 24 + 0, event)  # base fixed below
        # names hold absolute offsets: build again now that the base is known
        template = bytearray(b"\x0f\x01\x01\x00")
        self._element(template, definition_at + 24, event)
        template += b"\x00"  # end of stream
        body += struct.pack("<I", 0) + uuid.uuid4().bytes_le + struct.pack("<I", len(template))
        body += template
        body += struct.pack("<I", 0)  # no substitutions
        body += b"\x00"  # end of the record's stream
        size = 24 + len(body) + 4
        if start + size > CHUNK_BYTES:
            return False
        created = event.find("./{*}System/{*}TimeCreated")
        written = _filetime(created.get("SystemTime") if created is not None else None)
        self.data += b"\x2a\x2a\x00\x00" + struct.pack("<IQQ", size, record_id, written)
        self.data += body + struct.pack("<I", size)
        self.last_offset = start
        self.ids = [*getattr(self, "ids", []), record_id]
        return True

    def finish(self) -> bytes:
        free = len(self.data)
        data = self.data + bytes(CHUNK_BYTES - free)
        ids = self.ids
        struct.pack_into(
            "<8sQQQQIII", data, 0, b"ElfChnk\x00", ids[0], ids[-1], ids[0], ids[-1], 128,
            self.last_offset, free,
        )  # fmt: skip
        struct.pack_into("<I", data, 52, zlib.crc32(data[CHUNK_HEADER_BYTES:free]))
        struct.pack_into("<I", data, 124, zlib.crc32(data[:120] + data[128:CHUNK_HEADER_BYTES]))
        return bytes(data)


def write_evtx(events: Iterable[ET.Element]) -> bytes:
    """The events as one ``.evtx`` file; record ids from their EventRecordID (else 1, 2 …)."""
    chunks: list[bytes] = []
    chunk = _Chunk()
    next_id = 1
    for event in events:
        found = event.find("./{*}System/{*}EventRecordID")
        record_id = int(found.text) if found is not None and found.text else next_id
        next_id = record_id + 1
        if not chunk.add(record_id, event):
            chunks.append(chunk.finish())
            chunk = _Chunk()
            if not chunk.add(record_id, event):
                raise ValueError(f"event {record_id} is larger than a chunk")
    if getattr(chunk, "ids", None):
        chunks.append(chunk.finish())
    header = bytearray(HEADER_BYTES)
    struct.pack_into(
        "<8sQQQIHHHH", header, 0, b"ElfFile\x00", 0, len(chunks) - 1, next_id, 128, 1, 3,
        HEADER_BYTES, len(chunks),
    )  # fmt: skip
    struct.pack_into("<I", header, 124, zlib.crc32(header[:120]))
    return bytes(header) + b"".join(chunks)


def events_of(xml: bytes) -> list[ET.Element]:
    """The ``<Event>`` elements of an export with an ``<Events>`` root."""
    root = ET.fromstring(xml)
    return [child for child in root if str(child.tag).endswith("Event")]
