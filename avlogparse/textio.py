"""Bytes to numbered text lines: encoding sniffing, decoding and line splitting.

Windows tools write UTF-8 with or without BOM, UTF-16 LE/BE with BOM (PowerShell 5.1),
and the ANSI code page. Lines end in CRLF, LF or a lone CR. Only those three end a line:
``str.splitlines`` also splits at form feed, NEL and friends, which would shift line numbers
away from what an editor shows, so it is used only on chunks that contain none of them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 1 << 20

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_EXOTIC_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Where ``str.splitlines`` also splits, but editors and grep do not."""
_LINE_BREAK = re.compile("\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Encoding:
    """The result of sniffing: a codec name and the BOM length to skip."""

    name: str
    bom_length: int
    fallback: str | None = None  # per-line fallback codec for ASCII-compatible text


def detect_encoding(head: bytes) -> Encoding:
    """Sniff the encoding from the first bytes (BOM first, then NUL patterns)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            fallback = "cp1252" if name == "utf-8" else None
            return Encoding(name, len(bom), fallback)
    sample = head[:4096]
    if len(sample) >= 16:  # shorter samples are too ambiguous to call UTF-16
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return Encoding("utf-16-le", 0)
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return Encoding("utf-16-be", 0)
    return Encoding("utf-8", 0, "cp1252")


def decode_text(data: bytes, encoding: Encoding) -> tuple[str, bool]:
    """Decode ASCII-compatible bytes, falling back to the per-line codec; never raises.

    Returns the text and whether the fallback was needed.
    """
    try:
        return data.decode(encoding.name), False
    except UnicodeDecodeError:
        return data.decode(encoding.fallback or encoding.name, errors="replace"), True


def split_lines(text: str) -> list[str]:
    """Split at CRLF, CR and LF only (the terminators editors and grep count)."""
    if not _has_exotic_breaks(text):
        return text.splitlines()
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith(("\n", "\r")):
        text = text[:-1]
    return _LINE_BREAK.split(text)


def _has_exotic_breaks(text: str) -> bool:
    """Whether ``splitlines`` would split somewhere an editor does not. One ``in`` per
    character: 50x faster than a character-class search on non-ASCII text (VM names)."""
    breaks = _EXOTIC_BREAKS[:5] if text.isascii() else _EXOTIC_BREAKS  # the ASCII ones first
    return any(char in text for char in breaks)


@dataclass
class LineStats:
    """What the reader saw; parsers fold it into their ``ParseStats``."""

    encoding: str = "utf-8"
    bytes_read: int = 0
    truncated_lines: int = 0
    decode_fallback_lines: int = 0


def iter_line_batches(
    stream: BinaryIO, stats: LineStats, max_line_chars: int = 65_536
) -> Iterator[tuple[list[str], frozenset[int]]]:
    """Yield the lines of a binary stream in batches (one per chunk read), in order.

    Each batch comes with the indexes (within the batch) of lines cut to ``max_line_chars``:
    an over-long line keeps its prefix and the rest of it is skipped. Reads 1 MiB chunks, so
    memory stays flat; batches keep the per-line work of the caller to a bare ``for`` loop.
    """
    head = stream.read(CHUNK_BYTES)
    stats.bytes_read = len(head)
    encoding = detect_encoding(head)
    stats.encoding = encoding.name
    texts = _decoded_chunks(stream, head[encoding.bom_length :], encoding, stats, max_line_chars)
    carry = ""
    skipping_rest_of_long_line = False
    no_cuts: frozenset[int] = frozenset()
    for text, final in texts:
        text = carry + text
        if final:
            complete, carry = text, ""
        else:
            cut = max(text.rfind("\n"), text.rfind("\r"))
            if cut == len(text) - 1 and text[cut] == "\r":
                # a CR at the end may be the first half of a CRLF: wait for the next chunk
                cut = max(text.rfind("\n", 0, cut), text.rfind("\r", 0, cut))
            complete, carry = text[: cut + 1], text[cut + 1 :]
        lines = split_lines(complete) if complete else []
        if skipping_rest_of_long_line and lines:
            del lines[0]
            skipping_rest_of_long_line = False
        cuts = no_cuts
        if len(complete) > max_line_chars and max(map(len, lines), default=0) > max_line_chars:
            cuts = frozenset(i for i, line in enumerate(lines) if len(line) > max_line_chars)
            for index in cuts:
                lines[index] = lines[index][:max_line_chars]
        if len(carry) > max_line_chars and not skipping_rest_of_long_line:
            lines.append(carry[:max_line_chars])
            cuts = cuts | {len(lines) - 1}
            skipping_rest_of_long_line = True
        if skipping_rest_of_long_line:
            carry = carry[-1:] if carry.endswith("\r") else ""
        stats.truncated_lines += len(cuts)
        if lines:
            yield lines, cuts


def _decoded_chunks(
    stream: BinaryIO, first: bytes, encoding: Encoding, stats: LineStats, max_line_chars: int
) -> Iterator[tuple[str, bool]]:
    """Yield ``(text, is_final)`` pieces of the decoded stream.

    UTF-16/32 go through an incremental decoder (chunk edges and odd bytes cannot raise).
    ASCII-compatible text is cut at the last line break byte so a multi-byte character is
    never split, then decoded strictly, or per line with the fallback codec when invalid.
    """
    chunk = first
    if encoding.fallback is None:
        decoder = codecs.getincrementaldecoder(encoding.name)("replace")
        while chunk:
            yield decoder.decode(chunk), False
            chunk = stream.read(CHUNK_BYTES)
            stats.bytes_read += len(chunk)
        yield decoder.decode(b"", True), True
        return
    pending = b""
    while chunk:
        data = pending + chunk
        cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if cut < 0 and len(data) <= 4 * max_line_chars:
            pending = data
        else:
            end = cut + 1 if cut >= 0 else len(data)
            pending = data[end:]
            yield _decode_with_fallback(data[:end], encoding, stats), False
        chunk = stream.read(CHUNK_BYTES)
        stats.bytes_read += len(chunk)
    yield _decode_with_fallback(pending, encoding, stats), True


def _decode_with_fallback(data: bytes, encoding: Encoding, stats: LineStats) -> str:
    """Decode whole when valid; otherwise line by line so one bad line costs one line."""
    try:
        return data.decode(encoding.name)
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    for part in _BYTE_LINE_BREAK.split(data):
        decoded, fell_back = decode_text(part, encoding)
        stats.decode_fallback_lines += fell_back
        out.append(decoded)
    return "".join(out)
