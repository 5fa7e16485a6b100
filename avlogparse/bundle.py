"""Reading a bundle: a folder, a single file, .zip, .tar, .tar.gz/.tgz (.tar.bz2, .tar.xz),
and archives nested inside those — as streams, never extracted to disk.

Each member's kind is sniffed from its content. A member that tries to escape (``..``,
absolute or drive paths, links), is not a regular file, or passes a limit is *refused* with
a diagnostic, and the rest of the bundle is still read. Nothing outside the bundle is ever
opened: folders are walked with ``os.scandir`` without following symlinks, and archive
member names are only ever displayed, never used to build a path.
(Design and measurements: ``shared/reliability-notes.md`` §1.3 to §1.8 and §2.3.)
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import IO, BinaryIO, Literal, cast

from pydantic import BaseModel, ConfigDict

from avlogparse.errors import InputAccessError, InputNotFoundError
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity
from avlogparse.sniff import SNIFF_BYTES, Kind, sniff_kind

_COMPRESSED_TAR = {b"\x1f\x8b": gzip.GzipFile, b"BZh": bz2.BZ2File, b"\xfd7zXZ": lzma.LZMAFile}
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, RuntimeError,
                NotImplementedError, tarfile.TarError, lzma.LZMAError, ValueError)  # fmt: skip


@dataclass(frozen=True)
class Member:
    """One file of the bundle: its display path (``a.zip!logs/x.log``), kind and size."""

    path: str
    kind: Kind
    size: int | None


class MemberStatus(BaseModel):
    """What became of one file of the bundle (``read``, ``unknown`` kind, or ``refused``)."""

    model_config = ConfigDict(frozen=True)

    path: str
    kind: str
    size: int | None
    status: Literal["read", "unknown", "refused"]
    reason: str | None = None


class _Budget:
    """Bytes and members left for the whole bundle (nested archives share it: 42.zip)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total_bytes = 0
        self.members = 0


class _LimitExceeded(Exception):
    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


class _CountingReader(io.RawIOBase):
    """Counts what a member stream produces; enforces size limits; turns read errors into EOF.

    A corrupt member (bad deflate data, CRC mismatch, truncated gzip) ends early instead of
    raising into the parser; ``error`` says why, and the bundle reports the member partial.
    """

    def __init__(
        self, raw: IO[bytes], budget: _Budget, max_bytes: int, count_total: bool = True
    ) -> None:
        self.raw = raw
        self.budget = budget
        self.max_bytes = max_bytes
        self.count_total = count_total
        self.count = 0
        self.error: str | None = None
        self.limit: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            data = self.raw.read(len(buffer))
        except _READ_ERRORS as error:
            self.error = f"{type(error).__name__}: {error}"
            return 0
        size = len(data)
        self.count += size
        if self.count_total:
            self.budget.total_bytes += size
        if (
            self.count > self.max_bytes
            or self.budget.total_bytes > self.budget.limits.max_total_bytes
        ):
            self.limit = "max_member_bytes" if self.count > self.max_bytes else "max_total_bytes"
            self.error = f"{self.limit} exceeded; the rest of the member was not read"
            return 0
        buffer[:size] = data
        return size


class Bundle:
    """The files of a bundle; iterate :meth:`members` once to read them in order."""

    def __init__(self, root: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.root = root
        self.limits = limits
        self.diagnostics: list[Diagnostic] = []
        self.inventory: list[MemberStatus] = []
        self._budget = _Budget(limits)

    def members(self) -> Iterator[tuple[Member, BinaryIO]]:
        """Yield each readable member of a known kind with a stream at its first byte.

        The stream is valid until the next step of the iteration. Unknown and refused
        files are only recorded in :attr:`inventory` (and :attr:`diagnostics`).
        """
        if self.root.is_dir():
            yield from self._folder(self.root, "", 0)
        else:
            try:
                with open(self.root, "rb") as stream:
                    yield from self._stream(stream, self.root.name, self._size(self.root), 0)
            except OSError as error:
                self._refuse(self.root.name, None, "unreadable", str(error))

    # --- folders ------------------------------------------------------------------------

    def _folder(self, folder: Path, prefix: str, depth: int) -> Iterator[tuple[Member, BinaryIO]]:
        if depth > self.limits.max_dir_depth:
            self._refuse(prefix or ".", None, "limit-exceeded", "folder nesting too deep",
                         limit="max_dir_depth")  # fmt: skip
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self._refuse(prefix or ".", None, "unreadable", str(error))
            return
        for entry in entries:
            display = f"{prefix}{entry.name}"
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                self._refuse(display, None, "unreadable", str(error))
                continue
            if stat.S_ISLNK(info.st_mode):
                self._refuse(display, None, "symlink", "symbolic links are not followed")
            elif stat.S_ISDIR(info.st_mode):
                yield from self._folder(Path(entry.path), f"{display}/", depth + 1)
            elif not stat.S_ISREG(info.st_mode):
                self._refuse(
                    display, None, "special-file", "not a regular file (device, FIFO, socket)"
                )
            elif self._count_member(display):
                try:
                    flags = (
                        os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                    )
                    descriptor = os.open(entry.path, flags)
                except OSError as error:
                    self._refuse(display, info.st_size, "unreadable", str(error))
                    continue
                with os.fdopen(descriptor, "rb") as stream:
                    yield from self._stream(stream, display, info.st_size, 0)

    @staticmethod
    def _size(path: Path) -> int | None:
        try:
            return path.stat().st_size
        except OSError:
            return None

    # --- one stream: a log, or an archive to open ------------------------------------------

    def _stream(
        self, stream: IO[bytes], display: str, size: int | None, depth: int, in_tar: bool = False
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """Sniff one stream and read it as a log, or open it as an archive.

        Members of a tar are already counted against the bundle total by the tar's reader.
        """
        try:
            head = stream.read(max(SNIFF_BYTES, 512))
        except _READ_ERRORS as error:
            self._refuse(display, size, "member-corrupt", f"{type(error).__name__}: {error}")
            return
        archive = _archive_kind(head)
        if archive is not None:
            if depth >= self.limits.max_depth + 1:
                self._refuse(display, size, "archive-too-deep",
                             f"archive nested deeper than {self.limits.max_depth}",
                             limit="max_depth")  # fmt: skip
                return
            rest = cast(IO[bytes], _Prefixed(head, stream))
            if archive == "zip":
                yield from self._zip(rest, display, size, depth)
            else:
                yield from self._tar(rest, display, archive, depth)
            return
        kind = sniff_kind(head, display)
        if kind is Kind.UNKNOWN:
            self.inventory.append(
                MemberStatus(path=display, kind=kind.value, size=size, status="unknown")
            )
            return
        reader = _CountingReader(
            cast(IO[bytes], _Prefixed(head, stream)),
            self._budget,
            self.limits.max_file_bytes,
            not in_tar,
        )
        yield Member(display, kind, size), cast(BinaryIO, io.BufferedReader(reader, 1 << 16))
        self._finish(display, kind, size, reader)

    def _finish(self, display: str, kind: Kind, size: int | None, reader: _CountingReader) -> None:
        reason = None
        if reader.error is not None:
            reason = f"partial: {reader.error}"
            self._diagnose(
                "limit-exceeded" if reader.limit else "member-corrupt", display,
                f"member read only in part ({reader.count} bytes): {reader.error}", reader.limit,
            )  # fmt: skip
        self.inventory.append(
            MemberStatus(path=display, kind=kind.value, size=size, status="read", reason=reason)
        )

    # --- zip ----------------------------------------------------------------------------

    def _zip(
        self, stream: IO[bytes], display: str, size: int | None, depth: int
    ) -> Iterator[tuple[Member, BinaryIO]]:
        seekable = _seekable(stream, self.limits, self._budget)
        if seekable is None:
            self._refuse(display, size, "limit-exceeded", "nested archive too large to open",
                         limit="max_member_bytes")  # fmt: skip
            return
        try:
            archive = zipfile.ZipFile(seekable)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            self._refuse(display, size, "archive-corrupt", f"not a readable zip: {error}")
            return
        with archive:
            infos = archive.infolist()
            overlapping = _overlapping(infos)
            for info in infos:
                if info.is_dir():
                    continue
                name = f"{display}!{_escaped(info.filename)}"
                refusal = _zip_refusal(info, overlapping, self.limits)
                if refusal is not None:
                    self._refuse(name, info.file_size, *refusal)
                    continue
                if not self._count_member(name):
                    continue
                try:
                    member_stream = archive.open(info)
                except _READ_ERRORS as error:
                    self._refuse(name, info.file_size, "member-corrupt", str(error))
                    continue
                with member_stream:
                    yield from self._stream(member_stream, name, info.file_size, depth + 1)

    # --- tar ----------------------------------------------------------------------------

    def _tar(
        self, stream: IO[bytes], display: str, archive: str, depth: int
    ) -> Iterator[tuple[Member, BinaryIO]]:
        opener = _COMPRESSED_TAR.get(archive.encode("latin-1"))
        raw = cast(IO[bytes], opener(fileobj=stream)) if opener else stream
        counted = _CountingReader(raw, self._budget, self.limits.max_total_bytes)
        try:
            tar = tarfile.open(fileobj=io.BufferedReader(counted), mode="r|")  # noqa: SIM115
            for info in tar:
                name = f"{display}!{_escaped(info.name)}"
                if info.isdir():
                    continue
                refusal = _tar_refusal(info, self.limits)
                if refusal is not None:
                    self._refuse(name, info.size, *refusal)
                    continue
                if not self._count_member(name):
                    break
                member_stream = tar.extractfile(info)
                if member_stream is None:
                    self._refuse(name, info.size, "special-file", "not a regular file")
                    continue
                yield from self._stream(member_stream, name, info.size, depth + 1, in_tar=True)
        except _READ_ERRORS as error:
            self._diagnose(
                "archive-corrupt", display, f"archive read stopped: {type(error).__name__}: {error}"
            )
        if counted.error is not None:
            self._diagnose("limit-exceeded" if counted.limit else "archive-corrupt", display,
                           f"archive read stopped: {counted.error}", counted.limit)  # fmt: skip

    # --- bookkeeping --------------------------------------------------------------------

    def _count_member(self, display: str) -> bool:
        self._budget.members += 1
        if self._budget.members > self.limits.max_members:
            self._refuse(display, None, "limit-exceeded", "too many files in the bundle",
                         limit="max_members")  # fmt: skip
            return False
        return True

    def _refuse(
        self, display: str, size: int | None, code: str, reason: str, limit: str | None = None
    ) -> None:
        self.inventory.append(
            MemberStatus(
                path=display,
                kind="unknown",
                size=size,
                status="refused",
                reason=f"{code}: {reason}",
            )
        )
        self._diagnose(code, display, reason, limit)

    def _diagnose(self, code: str, display: str, message: str, limit: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                severity=DiagnosticSeverity.WARNING,
                code=code,
                message=message,
                path=display,
                limit=limit,
            )
        )


def open_bundle(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """A :class:`Bundle` for a folder, a file or an archive.

    Raises :class:`InputNotFoundError` or :class:`InputAccessError` for the path itself;
    everything inside it is reported, not raised.
    """
    root = Path(path)
    try:
        info = root.stat()
    except FileNotFoundError as error:
        raise InputNotFoundError(f"no such file or folder: {root}") from error
    except OSError as error:
        raise InputAccessError(f"cannot read {root}: {error}") from error
    if not os.access(root, os.R_OK) or (
        stat.S_ISDIR(info.st_mode) and not os.access(root, os.X_OK)
    ):
        raise InputAccessError(f"cannot read {root}")
    return Bundle(root, limits)


# --- helpers ---------------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A stream that first re-delivers the bytes already read for sniffing."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data, self.head = self.head + self.rest.read(), b""
            return data
        return super().read(size) or b""


def _archive_kind(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    for magic in _COMPRESSED_TAR:
        if head.startswith(magic):
            return magic.decode("latin-1")
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def _seekable(stream: IO[bytes], limits: Limits, budget: _Budget) -> IO[bytes] | None:
    """Zip needs seeking: use the file itself, or spool a nested member (counted)."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError):
        pass
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 (returned open)
    copied = 0
    while chunk := stream.read(1 << 20):
        copied += len(chunk)
        budget.total_bytes += len(chunk)
        if copied > limits.max_member_bytes or budget.total_bytes > limits.max_total_bytes:
            spool.close()
            return None
        spool.write(chunk)
    spool.seek(0)
    return spool


def _escaped(name: str) -> str:
    """A member name for display: separators normalised, control characters visible."""
    shown = name.replace("\\", "/")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)


def _unsafe_name(name: str) -> tuple[str, str] | None:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or normalised.startswith("//"):
        return "absolute-path", "absolute member path"
    if len(normalised) >= 2 and normalised[1] == ":":
        return "absolute-path", "drive-letter member path"
    if ".." in normalised.split("/"):
        return "path-traversal", "member path climbs out with '..'"
    if any(ord(ch) < 32 for ch in normalised):
        return "path-traversal", "control character in member path"
    return None


def _overlapping(infos: list[zipfile.ZipInfo]) -> set[str]:
    """Members whose data overlaps the next local header (the "quoted overlap" zip bomb)."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    bad: set[str] = set()
    for current, following in pairwise(ordered):
        if current.header_offset + 30 + current.compress_size > following.header_offset:
            bad.add(current.filename)
            bad.add(following.filename)
    return bad


def _zip_refusal(
    info: zipfile.ZipInfo, overlapping: set[str], limits: Limits
) -> tuple[str, str] | tuple[str, str, str] | None:
    unsafe = _unsafe_name(info.filename)
    if unsafe is not None:
        return unsafe
    file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip records no Unix mode
    if file_type == stat.S_IFLNK:
        return "symlink", "symbolic link member"
    if file_type not in (0, stat.S_IFREG):
        return "special-file", "not a regular file"
    if info.flag_bits & 0x1:
        return "encrypted", "encrypted member"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                  zipfile.ZIP_LZMA):  # fmt: skip
        return "unsupported", f"compression method {info.compress_type}"
    if info.filename in overlapping:
        return "zip-overlap", "member data overlaps another member (zip bomb)"
    if info.file_size > limits.max_member_bytes:
        return (
            "limit-exceeded",
            f"member larger than {limits.max_member_bytes} bytes",
            "max_member_bytes",
        )
    if (
        info.file_size > limits.ratio_threshold_bytes
        and info.file_size / max(info.compress_size, 1) > limits.max_ratio
    ):
        return "limit-exceeded", f"compression ratio above {limits.max_ratio:g}", "max_ratio"
    return None


def _tar_refusal(
    info: tarfile.TarInfo, limits: Limits
) -> tuple[str, str] | tuple[str, str, str] | None:
    unsafe = _unsafe_name(info.name)
    if unsafe is not None:
        return unsafe
    if info.issym():
        return "symlink", f"symbolic link to {_escaped(info.linkname)!r}"
    if info.islnk():
        return "hardlink", f"hard link to {_escaped(info.linkname)!r}"
    if not info.isreg():
        return "special-file", "device, FIFO or other special member"
    if info.size < 0:
        return "archive-corrupt", "negative member size"
    if info.size > limits.max_member_bytes:
        return (
            "limit-exceeded",
            f"member larger than {limits.max_member_bytes} bytes",
            "max_member_bytes",
        )
    return None
