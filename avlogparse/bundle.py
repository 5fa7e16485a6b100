"""Reading a bundle: a folder, a single file, .zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, a
gzip/bzip2/xz-compressed single log, and archives nested inside those — as streams, never
extracted to disk.

Why it looks the way it does (the threat model and every limit: ``docs/security.md``):

* Nothing outside the bundle is ever opened. Folders are walked with ``os.scandir`` relative
  to an open directory descriptor, ``lstat`` decides, ``O_NOFOLLOW``/``O_NONBLOCK`` open and
  an ``fstat`` re-check; symlinks, FIFOs and devices are refused. Archive member names are
  only displayed, never used to build a path.
* Every byte read passes a :class:`_Meter`: it counts bytes against the per-file and
  bundle-wide caps and turns read errors (corrupt deflate data, CRC, truncated gzip) into a
  clean end of stream plus a diagnostic, so one bad member never raises into a parser.
* Archive members are gated on metadata first (type, name, encryption, method, size, ratio,
  zip overlap) because CPython 3.11.7 checks none of that when merely reading.
* Tar is read in stream mode (a negative member size then stops instead of looping,
  CVE-2025-8194) through a :class:`tarfile.TarInfo` subclass that checks every header
  before tarfile acts on it (oversized pax headers, CVE-2024-6232) and reports a corrupt
  header instead of letting tarfile end the archive silently.

Accounting: every file or member that is not a directory is *seen* once and ends up in
:attr:`Bundle.inventory` exactly once — ``read`` (a log yielded, or an archive opened),
``unknown`` (not a log kind) or ``refused`` (with a diagnostic); see :class:`BundleStats`.
"""

from __future__ import annotations

import _compression
import bz2
import gzip
import io
import lzma
import os
import shutil
import stat
import struct
import tarfile
import tempfile
import traceback
import zipfile
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, BinaryIO, Literal, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from avlogparse.errors import ConfigError, InputAccessError, InputNotFoundError
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity
from avlogparse.sources import SNIFF_BYTES, UNKNOWN, sniff_kind

if TYPE_CHECKING:
    from typing_extensions import Buffer, Self

__all__ = ["Bundle", "BundleStats", "Member", "MemberStatus", "open_bundle"]

_HEAD_BYTES = max(SNIFF_BYTES, 1024)  # enough to sniff a log and to see a tar header
_CHUNK = 1 << 16
_SPOOL_IN_MEMORY = 8 << 20  # nested zips larger than this spool to a private temp file
_MAX_EXTENDED_HEADER = 16 << 10  # pax / GNU long-name data per header (real ones: < 1 KiB)
_PAX_COST_BUDGET = 1 << 32  # sum of size² of pax headers per bundle: ≈ 8 s of 3.11.7's regex
_XZ_MEMORY = 256 << 20  # what one xz stream may take to decompress (xz -9: 65 MiB)
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after lstat must not block the open
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_USE_DIR_FD = os.open in os.supports_dir_fd and os.scandir in os.supports_fd

# What hostile or damaged data makes the stdlib readers raise (§1.3, §1.4); anything else
# reaching a boundary is reported as ``internal-error`` with its traceback.
_CORRUPT_ERRORS = (
    OSError,  # includes gzip.BadGzipFile and bz2's "Invalid data stream"
    EOFError,  # truncated gzip / bz2 / xz
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,  # includes "Bad CRC-32"
    tarfile.TarError,
    RuntimeError,  # zip: encrypted member
    NotImplementedError,  # zip: unsupported compression method
)
_ZIP_OPEN_ERRORS = (*_CORRUPT_ERRORS, ValueError, struct.error, IndexError, OverflowError)

_ARCHIVE_KINDS = frozenset({"zip", "tar", "gzip", "bzip2", "xz", "tar.gz", "tar.bz2", "tar.xz"})
_TAR_OF = {"gzip": "tar.gz", "bzip2": "tar.bz2", "xz": "tar.xz"}
_TAR_TYPE_NAMES = {
    tarfile.CHRTYPE: "character device",
    tarfile.BLKTYPE: "block device",
    tarfile.FIFOTYPE: "FIFO",
}
_PAX_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)
_EXTENDED_TYPES = (*_PAX_TYPES, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
_COMPRESSED_SUFFIXES = (
    (".tgz", ".tar"),
    (".tbz2", ".tar"),
    (".tbz", ".tar"),
    (".txz", ".tar"),
    (".gz", ""),
    (".gzip", ""),
    (".bz2", ""),
    (".xz", ""),
)


# --- public API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One log of the bundle, as yielded by :meth:`Bundle.members`.

    ``path`` is the display chain: ``logs/avhypervvss.log`` in a folder (relative to the
    bundle root), ``bundle.zip!logs/avhypervvss.log`` in an archive,
    ``outer.tar.gz!inner.zip!x.log`` when nested. ``kind`` is sniffed from the content.
    """

    path: str
    kind: str
    size: int | None


class MemberStatus(BaseModel):
    """What became of one file of the bundle.

    ``read``: a log yielded by :meth:`Bundle.members`, or an archive that was opened (``kind``
    is then ``zip``, ``tar``, ``tar.gz``, ``gzip`` …); ``reason`` starts with ``partial:``
    when it was cut short. ``unknown``: not a log kind avlogparse parses. ``refused``: not
    read; ``reason`` starts with the diagnostic code (``path-traversal: …``).
    """

    model_config = ConfigDict(frozen=True)

    path: str
    kind: str
    size: int | None
    status: Literal["read", "unknown", "refused"]
    reason: str | None = None


class BundleStats(BaseModel):
    """Counts over one iteration of :meth:`Bundle.members`; :meth:`balanced` must hold.

    ``seen`` is counted where files and members are met, independently of the inventory;
    ``archives`` and ``partial`` are subsets of ``read``. Directories are not members.
    ``stopped_by`` names the limit that ended the walk early (the rest was not listed).
    """

    model_config = ConfigDict(frozen=True)

    seen: int = 0
    read: int = 0
    unknown: int = 0
    refused: int = 0
    archives: int = 0
    partial: int = 0
    directories: int = 0
    bytes_read: int = 0
    refused_by_reason: dict[str, int] = Field(default_factory=dict)
    stopped_by: str | None = None

    def balanced(self) -> bool:
        """True when every file seen is accounted for exactly once."""
        return self.seen == self.read + self.unknown + self.refused


class Bundle:
    """The files of a bundle; iterate :meth:`members` to read them, in a stable order.

    :attr:`inventory` and :attr:`diagnostics` fill in during the iteration and are complete
    when it ends; each new iteration starts them afresh.
    """

    def __init__(self, root: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> None:
        self.root: str = os.fspath(root)
        self.limits = limits
        self.diagnostics: list[Diagnostic] = []
        self.inventory: list[MemberStatus] = []
        self._budget = _Budget(limits)
        self._seen = 0
        self._directories = 0
        self._stopped: str | None = None
        self._member_paths: dict[str, int] = {}  # member paths given so far, with their repeats

    @property
    def stats(self) -> BundleStats:
        """Counts for the report: ``seen == read + unknown + refused``."""
        statuses = Counter(entry.status for entry in self.inventory)
        refused = Counter(
            (entry.reason or "").split(":", 1)[0]
            for entry in self.inventory
            if entry.status == "refused"
        )
        read = [entry for entry in self.inventory if entry.status == "read"]
        return BundleStats(
            seen=self._seen,
            read=statuses["read"],
            unknown=statuses["unknown"],
            refused=statuses["refused"],
            archives=sum(entry.kind in _ARCHIVE_KINDS for entry in read),
            partial=sum((entry.reason or "").startswith("partial") for entry in read),
            directories=self._directories,
            bytes_read=self._budget.total,
            refused_by_reason=dict(sorted(refused.items())),
            stopped_by=self._stopped,
        )

    def members(self) -> Iterator[tuple[Member, BinaryIO]]:
        """Yield each readable log with a binary stream positioned at its first byte.

        The stream is valid until the next step of the iteration. Unknown-kind and refused
        files are only recorded in :attr:`inventory` (refusals also in :attr:`diagnostics`).
        Never raises for bad content: a bug that escapes the per-member and per-archive
        boundaries becomes an ``internal-error`` diagnostic here.
        """
        self._reset()
        try:
            yield from self._walk_root()
        except MemoryError:
            raise
        except Exception as error:  # the bundle-wide safety net; see the docstring
            self._diagnose(
                "internal-error", _shown(self.root), _describe(error), detail=_trace(error)
            )

    # --- the root -----------------------------------------------------------------------

    def _reset(self) -> None:
        self.diagnostics.clear()
        self.inventory.clear()
        self._budget = _Budget(self.limits)
        self._seen = 0
        self._directories = 0
        self._stopped = None
        self._member_paths.clear()

    def _walk_root(self) -> Iterator[tuple[Member, BinaryIO]]:
        """The root itself may be a symlink: the caller named it, so it is followed."""
        display = _shown(os.path.basename(self.root.rstrip("/\\")) or self.root)
        try:
            info = os.stat(self.root)
        except OSError as error:
            self._diagnose("unreadable", display, f"cannot read the bundle: {error}")
            return
        if stat.S_ISDIR(info.st_mode):
            try:
                folder = _Folder.open_root(self.root)
            except OSError as error:
                self._diagnose("unreadable", display, f"cannot open the folder: {error}")
                return
            try:
                yield from self._walk(folder, "", 0)
            finally:
                folder.close()
        elif self._admit(display):
            yield from self._file(None, self.root, display, info, follow=True)

    # --- folders ------------------------------------------------------------------------

    def _walk(self, folder: _Folder, prefix: str, depth: int) -> Iterator[tuple[Member, BinaryIO]]:
        """Entries sorted by name for determinism; ``lstat`` decides what each one is."""
        try:
            entries = folder.entries()
        except OSError as error:
            self._diagnose("unreadable", prefix.rstrip("/") or ".", f"cannot list: {error}")
            return
        for name, info in entries:
            if self._stopped:
                return
            display = prefix + _shown(name)
            if isinstance(info, OSError):
                if self._admit(display):
                    self._refuse(display, None, "unreadable", str(info))
            elif stat.S_ISDIR(info.st_mode):
                yield from self._subfolder(folder, name, display, depth + 1)
            elif self._admit(display):
                yield from self._file(folder, name, display, info, follow=False)

    def _subfolder(
        self, parent: _Folder, name: str, display: str, depth: int
    ) -> Iterator[tuple[Member, BinaryIO]]:
        if depth > self.limits.max_dir_depth:
            # Listed as a refused input: whatever it holds was not read, so the report is
            # incomplete (exit 3), never a silent "healthy".
            if self._admit(display):
                message = f"folder not read: nested deeper than {self.limits.max_dir_depth}"
                self._refuse(
                    display, None, "limit-exceeded", message, "max_dir_depth", kind="directory"
                )
            return
        if not self._admit_directory(display):
            return
        try:
            child = parent.child(name)
        except OSError as error:  # e.g. ELOOP: replaced by a symlink after the listing
            self._diagnose("unreadable", display, f"folder not read: {error}")
            return
        try:
            yield from self._walk(child, display + "/", depth)
        finally:
            child.close()

    def _file(
        self,
        folder: _Folder | None,
        name: str,
        display: str,
        info: os.stat_result,
        *,
        follow: bool,
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """One file of a folder (or the root file): gated on ``lstat``, then opened safely."""
        refusal = self._file_refusal(folder, name, info)
        if refusal is not None:
            self._refuse(display, info.st_size, *refusal)
            return
        try:
            stream = _open_regular(folder, name, info, follow=follow)
        except _Changed as changed:
            self._refuse(display, info.st_size, "file-changed", str(changed))
            return
        except OSError as error:
            self._refuse(display, info.st_size, "unreadable", str(error))
            return
        with stream:
            cap = self.limits.max_file_bytes
            source = _Source(stream, display, info.st_size, 0, cap, "max_file_bytes")
            yield from self._entry(source, on_disk=stream)

    def _file_refusal(
        self, folder: _Folder | None, name: str, info: os.stat_result
    ) -> _Refusal | None:
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            target = folder.readlink(name) if folder is not None else None
            shown = f" to {_shown(target)!r}" if target is not None else ""
            return "symlink", f"symbolic link{shown} not followed", None
        if not stat.S_ISREG(mode):
            return "special-file", f"{_file_type_name(mode)}, not a regular file", None
        if folder is not None and info.st_nlink > 1:
            # Another name for this file exists, maybe outside the bundle: a hard link to a
            # file the customer's bundle should not show us is refused like a symlink.
            message = f"hard link ({info.st_nlink} names for one file) not read"
            return "hardlink", message, None
        limits = self.limits
        return _size_refusal(
            info.st_size, limits.max_file_bytes, "max_file_bytes", self._budget.remaining
        )

    # --- one entry: a log, or an archive to open ------------------------------------------

    def _entry(
        self, source: _Source, on_disk: IO[bytes] | None = None
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """Meter the stream, read its head, and decide what it is."""
        meter = _Meter(
            source.stream,
            self._budget,
            source.cap,
            source.cap_name,
            counted=source.counted,
            upstream=source.upstream,
        )
        head = meter.read_head(_HEAD_BYTES)
        yield from self._dispatch(source, meter, head, on_disk)

    def _dispatch(
        self, source: _Source, meter: _Meter, head: bytes, on_disk: IO[bytes] | None = None
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """Archives are recognised by magic bytes before the content is sniffed as a log."""
        failure = meter.failure()
        if failure is not None and not head:
            self._refuse(
                source.display,
                source.size,
                failure.code,
                failure.message,
                failure.limit,
                detail=failure.detail,
            )
            return
        archive = _archive_format(head, empty_tar=source.decompressed)
        if on_disk is not None and archive in ("zip", "gzip", "bzip2", "xz"):
            meter.exempt()  # compressed bytes on disk; what they decompress to is counted
        if archive is None:
            yield from self._log(source, meter, head)
        elif source.depth > self.limits.max_depth:
            message = f"archive nested deeper than {self.limits.max_depth} levels"
            self._refuse(
                source.display, source.size, "archive-too-deep", message, "max_depth", kind=archive
            )
        elif archive == "zip":
            yield from self._zip(source, meter, on_disk)
        elif archive == "tar":
            index = self._open_container(source, "tar")
            yield from self._tar(source, meter, index)
        else:
            yield from self._compressed(source, meter, archive)

    def _log(
        self, source: _Source, meter: _Meter, head: bytes
    ) -> Iterator[tuple[Member, BinaryIO]]:
        kind = sniff_kind(head, source.display)
        if kind == UNKNOWN:
            self._record(source.display, kind, source.size, "unknown")
            return
        reader = io.BufferedReader(meter, _CHUNK)
        try:
            yield Member(source.display, kind, source.size), cast(BinaryIO, reader)
        finally:
            reader.close()  # the stream is valid until the next step, no longer
        reason = None
        failure = meter.failure()
        if failure is None and source.size is not None and meter.eof and meter.count < source.size:
            failure = _Failure(
                "file-changed",
                f"ended after {meter.count} of its {source.size} bytes"
                " (it shrank or was cut while it was read)",
            )
        if failure is not None:
            reason = f"partial: {failure.code}: {failure.message}"
            message = f"read only in part ({meter.count} bytes): {failure.message}"
            self._report(failure, source.display, message)
        self._record(source.display, kind, source.size, "read", reason)

    # --- compressed single streams (.gz, .bz2, .xz), which may hold a tar ---------------------

    def _compressed(
        self, source: _Source, meter: _Meter, compression: str
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """A tar inside is shown as the archive itself (``x.tgz!a.log``); anything else is
        one decompressed member (``x.log.gz!x.log``) that may itself be an archive."""
        index = self._open_container(source, compression)
        inner = _Source(
            _decompressor(compression, meter),
            f"{source.display}!{_inner_name(source.display)}",
            None,
            source.depth + 1,
            self.limits.max_file_bytes,
            "max_file_bytes",
            decompressed=True,
        )
        inner_meter = _Meter(
            inner.stream, self._budget, inner.cap, inner.cap_name, upstream=meter, compressed=meter
        )
        head = inner_meter.read_head(_HEAD_BYTES)
        failure = inner_meter.failure()
        if failure is not None and not head:
            self._close_container(index, source, _as_archive_failure(failure), False)
        elif _is_tar(head, empty_ok=True):
            self._rename_container(index, _TAR_OF[compression])
            yield from self._tar(source, inner_meter, index)
        else:
            if self._admit(inner.display):
                yield from self._dispatch(inner, inner_meter, head)
            self._close_container(index, source, inner_meter.failure(), True)

    # --- zip ----------------------------------------------------------------------------

    def _zip(
        self, source: _Source, meter: _Meter, on_disk: IO[bytes] | None
    ) -> Iterator[tuple[Member, BinaryIO]]:
        """zipfile needs to seek: a file on disk is used as is; a nested zip is spooled
        (its bytes counted by the meter) into a private temporary file, never in place."""
        index = self._open_container(source, "zip")
        with ExitStack() as stack:
            if on_disk is not None:
                seekable = on_disk
                seekable.seek(0)
            else:
                seekable = stack.enter_context(
                    tempfile.SpooledTemporaryFile(_SPOOL_IN_MEMORY, prefix="avlogparse-")
                )
                shutil.copyfileobj(meter, seekable, _CHUNK)
                failure = meter.failure()
                if failure is not None:  # a zip cut short has lost its central directory
                    self._close_container(index, source, _as_archive_failure(failure), False)
                    return
                seekable.seek(0)
            try:
                view = _zip_view(seekable, self._room())
                archive = stack.enter_context(zipfile.ZipFile(view or seekable))
            except MemoryError as error:
                self._close_container(index, source, _out_of_memory(error), False)
                return
            except _ZIP_OPEN_ERRORS as error:
                failure = _Failure("archive-corrupt", f"not a readable zip: {_describe(error)}")
                self._close_container(index, source, failure, False)
                return
            problem: _Failure | None = None
            try:
                yield from self._zip_members(source, archive)
            except MemoryError as error:
                problem = _out_of_memory(error)
            except _ZIP_OPEN_ERRORS as error:
                problem = _Failure("archive-corrupt", f"zip read stopped: {_describe(error)}")
            except Exception as error:  # the per-archive safety net
                problem = _Failure("internal-error", _describe(error), detail=_trace(error))
            self._close_container(index, source, problem, True)

    def _zip_members(
        self, source: _Source, archive: zipfile.ZipFile
    ) -> Iterator[tuple[Member, BinaryIO]]:
        layout = _ZipLayout(archive)
        for info in archive.infolist():
            if self._stopped:
                return
            display = self._distinct(f"{source.display}!{_member_name(info.filename)}")
            if info.is_dir() or stat.S_ISDIR(info.external_attr >> 16):
                if info.file_size == 0:
                    if not self._admit_directory(display):
                        return
                    continue
                if not self._admit(display):  # a "directory" with data is not skipped
                    return
                message = f"directory entry that holds {info.file_size} bytes of data; not read"
                self._refuse(display, info.file_size, "special-file", message)
                continue
            if not self._admit(display):
                return
            refusal = _zip_refusal(info, layout, self.limits, self._budget.remaining)
            if refusal is not None:
                self._refuse(display, info.file_size, *refusal)
                continue
            try:
                stream = archive.open(info)
            except MemoryError:
                raise
            except _ZIP_OPEN_ERRORS as error:
                self._refuse(display, info.file_size, "member-corrupt", _describe(error))
                continue
            cap = self.limits.max_member_bytes
            with stream:
                member = _Source(
                    stream, display, info.file_size, source.depth + 1, cap, "max_member_bytes"
                )
                yield from self._entry(member)

    # --- tar ----------------------------------------------------------------------------

    def _tar(self, source: _Source, meter: _Meter, index: int) -> Iterator[tuple[Member, BinaryIO]]:
        """Stream mode over our own meter; skipped members are still bytes counted."""
        problem: _Failure | None = None
        anything_read = False
        guarded = _guarded_tarinfo(self._budget)
        try:
            with tarfile.open(fileobj=meter, mode="r|", tarinfo=guarded) as tar:
                while not self._stopped:
                    info = tar.next()
                    if info is None:
                        break
                    tar.members.clear()  # type: ignore[attr-defined]  # else kept forever
                    anything_read = True
                    if info.size < 0:  # a pax "size" record can still make it negative
                        raise _TarStop("archive-corrupt", "negative member size (CVE-2025-8194)")
                    display = self._distinct(f"{source.display}!{_member_name(info.name)}")
                    if info.isdir():
                        if not self._admit_directory(display):
                            break
                        continue
                    if not self._admit(display):
                        break
                    yield from self._tar_member(source, meter, tar, info, display)
        except _TarStop as stop:
            problem = _Failure(stop.code, stop.message)
        except MemoryError as error:
            problem = _out_of_memory(error)
        except _CORRUPT_ERRORS as error:
            problem = _Failure("archive-corrupt", f"tar read stopped: {_describe(error)}")
        except Exception as error:  # the per-archive safety net
            problem = _Failure("internal-error", _describe(error), detail=_trace(error))
        failure = meter.failure()
        if failure is not None:  # the root cause (truncated gzip, a limit) beats its symptom
            problem = _as_archive_failure(failure)
        self._close_container(index, source, problem, anything_read)

    def _tar_member(
        self,
        source: _Source,
        meter: _Meter,
        tar: tarfile.TarFile,
        info: tarfile.TarInfo,
        display: str,
    ) -> Iterator[tuple[Member, BinaryIO]]:
        # The tar stream's meter counts (and caps) its members' bytes, read-ahead included,
        # so only a sparse member, whose holes expand, is checked against what is left.
        remaining = self._budget.remaining if info.issparse() else None
        refusal = _tar_refusal(info, self.limits, remaining)
        if refusal is not None:
            self._refuse(display, info.size, *refusal)
            return
        stream = tar.extractfile(info)
        if stream is None:
            self._refuse(display, info.size, "special-file", "tarfile gives no data for it")
            return
        cap = self.limits.max_member_bytes
        with stream:
            member = _Source(
                stream,
                display,
                info.size,
                source.depth + 1,
                cap,
                "max_member_bytes",
                counted=not info.issparse(),  # the tar stream counted it, unless holes expand
                upstream=meter,
            )
            yield from self._entry(member)

    # --- containers (archives in the inventory) ---------------------------------------------

    def _open_container(self, source: _Source, kind: str) -> int:
        """An archive's inventory row comes before its members; its status is settled later."""
        self._record(source.display, kind, source.size, "read")
        return len(self.inventory) - 1

    def _rename_container(self, index: int, kind: str) -> None:
        self.inventory[index] = self.inventory[index].model_copy(update={"kind": kind})

    def _close_container(
        self, index: int, source: _Source, failure: _Failure | None, anything_read: bool
    ) -> None:
        """Refused when it failed before anything inside was met, else partial; an archive
        with no files in it says so (a NUL-filled ``.gz`` reads as an empty tar)."""
        if failure is None:
            if index == len(self.inventory) - 1:
                self._diagnose(
                    "archive-empty",
                    source.display,
                    "the archive holds no files",
                    severity=DiagnosticSeverity.INFO,
                )
            return
        update: dict[str, str]
        if anything_read:
            update = {"reason": f"partial: {failure.code}: {failure.message}"}
            self._report(failure, source.display, f"archive read in part: {failure.message}")
            # What the archive still held is an input not read: listed as refused, so the
            # report is incomplete (exit 3) even though the archive's own row says "read".
            rest = self._distinct(f"{source.display}!<rest not read>")
            self._seen += 1
            self._refuse(rest, None, failure.code, f"not read: {failure.message}", failure.limit)
        else:
            update = {"status": "refused", "reason": f"{failure.code}: {failure.message}"}
            self._report(failure, source.display, failure.message)
        self.inventory[index] = self.inventory[index].model_copy(update=update)

    # --- bookkeeping --------------------------------------------------------------------

    def _room(self) -> int:
        """Files, members and directories that may still be met under ``max_members``."""
        return max(0, self.limits.max_members - self._seen - self._directories)

    def _distinct(self, display: str) -> str:
        """An archive may hold one name twice: the repeats become ``name#2``, ``name#3`` …
        so that every evidence path names one member."""
        seen = self._member_paths.get(display, 0)
        self._member_paths[display] = seen + 1
        return display if not seen else f"{display}#{seen + 1}"

    def _admit(self, display: str) -> bool:
        """Count one file or member; past ``max_members`` (files, members and directories)
        the walk stops, said once."""
        if self._stopped:
            return False
        if self._seen + self._directories >= self.limits.max_members:
            self._stopped = "max_members"
            message = (
                f"more than {self.limits.max_members} files and folders in the bundle:"
                " this one and the rest were not read"
            )
            self._seen += 1  # the first file not read is listed as refused: the report says so
            self._refuse(display, None, "limit-exceeded", message, limit="max_members")
            return False
        self._seen += 1
        return True

    def _admit_directory(self, display: str) -> bool:
        """Count one directory (a folder, or a directory entry of an archive) against
        ``max_members``: a million empty directory headers cost time too."""
        if self._stopped:
            return False
        if self._seen + self._directories >= self.limits.max_members:
            return self._admit(display)  # refuses it, stops the walk and says so
        self._directories += 1
        return True

    def _record(
        self,
        display: str,
        kind: str,
        size: int | None,
        status: Literal["read", "unknown", "refused"],
        reason: str | None = None,
    ) -> None:
        self.inventory.append(
            MemberStatus(path=display, kind=kind, size=size, status=status, reason=reason)
        )

    def _refuse(
        self,
        display: str,
        size: int | None,
        code: str,
        message: str,
        limit: str | None = None,
        *,
        kind: str = "unknown",
        detail: str | None = None,
    ) -> None:
        self._record(display, kind, size, "refused", f"{code}: {message}")
        self._diagnose(code, display, message, limit, detail)

    def _report(self, failure: _Failure, display: str, message: str) -> None:
        self._diagnose(failure.code, display, message, failure.limit, failure.detail)

    def _diagnose(
        self,
        code: str,
        display: str,
        message: str,
        limit: str | None = None,
        detail: str | None = None,
        severity: DiagnosticSeverity = DiagnosticSeverity.WARNING,
    ) -> None:
        if code == "internal-error":
            severity = DiagnosticSeverity.ERROR
        self.diagnostics.append(
            Diagnostic(
                severity=severity,
                code=code,
                message=message,
                path=display,
                limit=limit,
                detail=detail,
            )
        )


def open_bundle(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """A :class:`Bundle` for a folder, a single file or an archive.

    Raises :class:`InputNotFoundError` when ``path`` does not exist and
    :class:`InputAccessError` when it cannot be read; everything inside it is reported in
    the bundle's diagnostics, never raised.
    """
    if not isinstance(limits, Limits):
        raise ConfigError(f"limits must be a Limits object, not {type(limits).__name__}")
    root = os.fspath(path)
    try:
        info = os.stat(root)
    except (FileNotFoundError, NotADirectoryError) as error:
        raise InputNotFoundError(f"no such file or folder: {root}") from error
    except OSError as error:
        raise InputAccessError(f"cannot read {root}: {error}") from error
    try:
        if stat.S_ISDIR(info.st_mode):
            with os.scandir(root):
                pass
        elif stat.S_ISREG(info.st_mode):
            os.close(os.open(root, _OPEN_FLAGS))
    except OSError as error:
        raise InputAccessError(f"cannot read {root}: {error}") from error
    return Bundle(root, limits)


# --- metered streams -------------------------------------------------------------------------


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class _Failure:
    """Why a stream ended early."""

    code: str
    message: str
    limit: str | None = None
    detail: str | None = None


class _Budget:
    """What the whole bundle may still cost; nested archives share it (42.zip)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0
        self.pax_cost = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limits.max_total_bytes - self.total)


class _Meter(io.RawIOBase):
    """Counts what a stream produces, enforces the caps, and never raises on a read.

    A read error (corrupt deflate data, CRC mismatch, truncated gzip) or a limit ends the
    stream cleanly instead of raising into a parser; :meth:`failure` then says why.
    :meth:`read_head` reads the first bytes for sniffing and delivers them again, uncounted
    the second time.

    What counts against ``max_total_bytes``: every byte of a plain file, of a member, of a
    decompressed stream and of a tar stream (skipped members and tarfile's read-ahead
    included) — once: a tar member's meter is ``counted`` because the tar stream's meter
    below it already counted its bytes, and the compressed bytes of an archive on disk are
    :meth:`exempt`.
    """

    def __init__(
        self,
        raw: _Readable,
        budget: _Budget,
        cap: int,
        cap_name: str,
        *,
        counted: bool = False,
        upstream: _Meter | None = None,
        compressed: _Meter | None = None,
    ) -> None:
        super().__init__()
        self._compressed = compressed  # what this stream decompresses, for max_ratio
        self.eof = False  # the source ended by itself (not by a limit or an error)
        self._raw = raw
        self._budget = budget
        self._cap = cap
        self._cap_name = cap_name
        self._counted = counted
        self._upstream = upstream
        self._replay = b""
        self._failure: _Failure | None = None
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        return super().read(size) or b""

    def readinto(self, buffer: Buffer, /) -> int:
        view = memoryview(buffer).cast("B")
        if self._replay:
            size = min(len(view), len(self._replay))
            view[:size] = self._replay[:size]
            self._replay = self._replay[size:]
            return size
        if self._failure is not None or not len(view):
            return 0
        allowed, limit = self._allowance()
        try:
            data = self._raw.read(min(len(view), allowed) if allowed > 0 else 1)
        except Exception as error:  # the per-member boundary (MemoryError too): see above
            self._failure = _failure_from(error)
            return 0
        if allowed <= 0:
            if data:  # there is more than the limit allows
                value = getattr(self._budget.limits, limit)
                self._failure = _Failure("limit-exceeded", f"{limit} ({value}) reached", limit)
            return 0
        size = len(data)
        if not size:
            self.eof = True
            return 0
        view[:size] = data
        self.count += size
        if not self._counted:
            self._budget.total += size
        if self._compressed is not None:
            self._check_ratio()
        return size

    def _check_ratio(self) -> None:
        """``max_ratio`` on a decompressed stream, as it is read: a 1 MB .tar.gz that
        inflates to 1 GiB is cut after a few MB, not read in full."""
        limits = self._budget.limits
        if self._compressed is None or self.count <= limits.ratio_threshold_bytes:
            return
        ratio = self.count / max(self._compressed.count, 1)
        if ratio > limits.max_ratio:
            message = f"decompression ratio {ratio:.0f} above max_ratio ({limits.max_ratio:g})"
            self._failure = _Failure("limit-exceeded", message, "max_ratio")

    def read_head(self, size: int) -> bytes:
        """The first ``size`` bytes (fewer at the end), delivered again by the next reads."""
        parts: list[bytes] = []
        got = 0
        while got < size and (chunk := self.read(size - got)):
            parts.append(chunk)
            got += len(chunk)
        self._replay = b"".join(parts)
        return self._replay

    def exempt(self) -> None:
        """Stop counting against the bundle total, and give back what was counted."""
        if not self._counted:
            self._budget.total -= self.count
            self._counted = True

    def failure(self) -> _Failure | None:
        """Why the stream ended early, if it did; an upstream cause wins over its symptom."""
        if self._failure is None:
            return None
        cause = self._upstream.failure() if self._upstream is not None else None
        return cause or self._failure

    def _allowance(self) -> tuple[int, str]:
        cap_left = self._cap - self.count
        if self._counted or cap_left <= self._budget.remaining:
            return cap_left, self._cap_name
        return self._budget.remaining, "max_total_bytes"


def _failure_from(error: Exception) -> _Failure:
    if isinstance(error, MemoryError):
        return _out_of_memory(error)
    if isinstance(error, lzma.LZMAError) and "memory usage limit" in str(error).lower():
        message = f"the xz stream needs more than {_XZ_MEMORY >> 20} MiB to decompress"
        return _Failure("out-of-memory", f"{message} (its dictionary size); not read")
    if isinstance(error, _CORRUPT_ERRORS):
        return _Failure("member-corrupt", _describe(error))
    return _Failure("internal-error", _describe(error), detail=_trace(error))


def _out_of_memory(error: MemoryError) -> _Failure:
    message = "MemoryError while reading it; the rest of the bundle was still read"
    return _Failure("out-of-memory", message, detail=_trace(error))


def _as_archive_failure(failure: _Failure) -> _Failure:
    """A data error under an archive reader is the archive's corruption, not a member's."""
    if failure.code == "member-corrupt":
        return replace(failure, code="archive-corrupt")
    return failure


def _decompressor(compression: str, stream: _Meter) -> _Readable:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if compression == "bzip2":
        return bz2.BZ2File(stream)
    # lzma.LZMAFile's reader with a memory limit: a 100-byte .xz may declare a 3 GiB
    # dictionary; liblzma then refuses it (LZMAError) instead of trying to allocate it.
    reader = _compression.DecompressReader(
        stream, lzma.LZMADecompressor, trailing_error=lzma.LZMAError, memlimit=_XZ_MEMORY
    )
    return io.BufferedReader(reader, _CHUNK)


# --- folders ---------------------------------------------------------------------------------


class _Changed(OSError):
    """The file changed between the listing and the open (a race, or an attack)."""


@dataclass
class _Folder:
    """A folder being walked: a directory descriptor where the OS has ``*at()`` calls, so a
    directory swapped for a symlink mid-walk cannot redirect us; else a path."""

    path: str
    fd: int | None

    @classmethod
    def open_root(cls, path: str) -> _Folder:
        return cls(path, os.open(path, _DIR_FLAGS) if _USE_DIR_FD else None)

    def child(self, name: str) -> _Folder:
        path = os.path.join(self.path, name)
        if self.fd is None:
            if os.path.islink(path):
                raise _Changed(f"{name!r} became a symbolic link")
            return _Folder(path, None)
        return _Folder(path, os.open(name, _DIR_FLAGS | _NOFOLLOW, dir_fd=self.fd))

    def entries(self) -> list[tuple[str, os.stat_result | OSError]]:
        found: list[tuple[str, os.stat_result | OSError]] = []
        with os.scandir(self.fd) if self.fd is not None else os.scandir(self.path) as listing:
            for entry in listing:
                try:
                    found.append((entry.name, entry.stat(follow_symlinks=False)))
                except OSError as error:
                    found.append((entry.name, error))
        return sorted(found, key=lambda item: item[0])

    def readlink(self, name: str) -> str | None:
        """The link's own text, for the refusal reason; the target is never opened."""
        try:
            if self.fd is not None:
                return os.readlink(name, dir_fd=self.fd)
            return os.readlink(os.path.join(self.path, name))
        except (OSError, ValueError, NotImplementedError):
            return None

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _open_regular(
    folder: _Folder | None, name: str, expected: os.stat_result, *, follow: bool
) -> BinaryIO:
    """Open without following links or blocking, then check it is still the file listed."""
    flags = _OPEN_FLAGS | (0 if follow else _NOFOLLOW)
    if folder is None:
        descriptor = os.open(name, flags)
    elif folder.fd is not None:
        descriptor = os.open(name, flags, dir_fd=folder.fd)
    else:
        descriptor = os.open(os.path.join(folder.path, name), flags)
    try:
        actual = os.fstat(descriptor)
        if not stat.S_ISREG(actual.st_mode):
            raise _Changed(f"became a {_file_type_name(actual.st_mode)} after the listing")
        moved = (expected.st_ino, expected.st_dev) != (actual.st_ino, actual.st_dev)
        if expected.st_ino and actual.st_ino and moved:
            raise _Changed("replaced by another file after the listing")
        if folder is not None and actual.st_nlink > 1:
            raise _Changed("became a hard link after the listing")
        return cast(BinaryIO, os.fdopen(descriptor, "rb"))
    except BaseException:
        os.close(descriptor)
        raise


def _file_type_name(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISLNK, "symbolic link"),
    ):
        if test(mode):
            return name
    return "special file"


# --- sources and formats ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One file or member about to be read: its stream and what applies to it."""

    stream: _Readable
    display: str
    size: int | None
    depth: int  # archives (and compression layers) around it
    cap: int
    cap_name: str
    counted: bool = False  # bytes already counted by an enclosing tar stream
    upstream: _Meter | None = None  # explains an early end of this stream
    decompressed: bool = False


_Refusal = tuple[str, str, str | None]  # code, message, limit


def _archive_format(head: bytes, *, empty_tar: bool = False) -> str | None:
    """Magic bytes, never the extension: ``zip``, ``tar``, ``gzip``, ``bzip2``, ``xz``."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4] in b"123456789" and len(head) > 3:
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if _is_tar(head, empty_ok=empty_tar):
        return "tar"
    return None


def _is_tar(head: bytes, *, empty_ok: bool) -> bool:
    """``ustar`` at 257; an all-zero start is an empty tar only inside a compression layer
    (a NUL-filled log on disk must stay a file, not become an empty archive)."""
    if head[257:262] == b"ustar":
        return True
    return empty_ok and len(head) >= 1024 and not any(head[:1024])


def _inner_name(display: str) -> str:
    base = display.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    lowered = base.lower()
    for suffix, replacement in _COMPRESSED_SUFFIXES:
        if lowered.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    return base


_RESERVED = {"\\": "\\\\", "!": "\\x21", "#": "\\x23"}


def _shown(name: str) -> str:
    """A name for display: control, bidi and other invisible characters as escapes.

    The escape is reversible, so two names never display alike: ``\\`` itself is shown
    as ``\\\\`` (a file literally named ``a\\x1b.log`` is not the one with an ESC in its
    name), and ``!`` (the member-chain separator) and ``#`` (of the ``name#2`` repeats) as
    ``\\x21`` and ``\\x23``, so no real name can pass for a member or a repeat.
    """
    return "".join(_RESERVED.get(ch, ch) if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


def _member_name(name: str) -> str:
    """An archive member name for display: ``\\`` read as ``/``, ``./`` dropped, escaped."""
    shown = name.replace("\\", "/")
    while shown.startswith("./") and len(shown) > 2:
        shown = shown[2:]
    return _shown(shown)


def _unsafe_name(name: str) -> _Refusal | None:
    """Names that would escape if anyone ever built a path from them (we never do)."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/"):
        what = "UNC" if normalised.startswith("//") else "absolute"
        return "absolute-path", f"{what} member path", None
    if normalised[1:2] == ":" and normalised[:1].isascii() and normalised[:1].isalpha():
        return "absolute-path", "drive-letter member path", None
    if ".." in normalised.split("/"):
        return "path-traversal", "member path climbs out with '..'", None
    return None


def _size_refusal(size: int, cap: int, cap_name: str, remaining: int | None) -> _Refusal | None:
    """Declared sizes are checked before reading: a log cut short could mislead the rules."""
    if size > cap:
        return "limit-exceeded", f"{size} bytes: larger than {cap_name} ({cap})", cap_name
    if remaining is not None and size > remaining:
        message = f"{size} bytes: more than the {remaining} left under max_total_bytes"
        return "limit-exceeded", message, "max_total_bytes"
    return None


# --- zip -------------------------------------------------------------------------------------


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_CD_ENTRY = struct.Struct("<4s24x3H12x")  # a central directory header: its three lengths


def _zip_view(fp: IO[bytes], room: int) -> _ZipView | None:
    """The zip cut to its first ``room + 1`` central-directory entries, when it has more.

    ``zipfile.ZipFile`` builds a ``ZipInfo`` for every entry before anyone can count them:
    3 M entries (a 22 KB ``.xz``) cost 1.4 GB and 40 s. So the end-of-central-directory
    record (zip64 too) is read here; when its size could hold more entries than are left
    under ``max_members`` (zipfile ignores the declared count and parses the whole size),
    the directory is walked header by header as far as
    ``max_members`` allows plus one, and zipfile is given a view of the file whose
    directory ends there (its own records rewritten): the extra entry stops the walk with
    one ``limit-exceeded`` as usual. ``None``: the zip is given to zipfile as it is (it has
    few enough entries, or it is too broken for this walk, and zipfile will say so).
    """
    found = _find_directory(fp)
    if found is None:
        return None
    start, size, offset = found
    if size // _CD_ENTRY.size <= room:  # zipfile parses entries until the size is used up
        return None
    used = 0
    reader = io.BufferedReader(cast(io.RawIOBase, _Window(fp, start, size)), _CHUNK)
    for _ in range(room + 1):
        fixed = reader.read(46)
        if len(fixed) < 46 or fixed[:4] != b"PK\x01\x02":
            return None  # the directory ends (or breaks) before: zipfile reads it as it is
        name, extra, comment = _CD_ENTRY.unpack(fixed)[1:]
        if len(reader.read(name + extra + comment)) < name + extra + comment:
            return None
        used += 46 + name + extra + comment
    if used >= size:
        return None
    return _ZipView(fp, start + used, _end_records(room + 1, used, offset, start + used))


def _find_directory(fp: IO[bytes]) -> tuple[int, int, int] | None:
    """(start, size, offset field) of the central directory, found as
    zipfile finds it (the last EOCD, a zip64 record just before it); None if there is none."""
    fp.seek(0, os.SEEK_END)
    end = fp.tell()
    tail_start = max(0, end - (_EOCD.size + 0xFFFF))
    fp.seek(tail_start)
    tail = fp.read(end - tail_start)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    _, _, _, _, _, size, offset, _ = _EOCD.unpack_from(tail, at)
    location = tail_start + at
    records = location
    if location >= _EOCD64_LOCATOR.size + _EOCD64.size:
        fp.seek(location - _EOCD64_LOCATOR.size - _EOCD64.size)
        both = fp.read(_EOCD64.size + _EOCD64_LOCATOR.size)
        if both[_EOCD64.size :].startswith(b"PK\x06\x07") and both.startswith(b"PK\x06\x06"):
            fields = _EOCD64.unpack_from(both)
            size, offset = fields[8], fields[9]
            records = location - _EOCD64_LOCATOR.size - _EOCD64.size
    start = records - size  # == offset, unless bytes were prepended (zipfile's "concat")
    if start < 0 or size < 0:
        return None
    return start, size, offset


def _end_records(entries: int, size: int, offset: int, position: int) -> bytes:
    """End-of-central-directory records for a directory of ``entries`` in ``size`` bytes."""
    if entries < 0xFFFF and size < 0xFFFFFFFF and offset < 0xFFFFFFFF:
        return _EOCD.pack(b"PK\x05\x06", 0, 0, entries, entries, size, offset, 0)
    zip64 = _EOCD64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset)
    locator = _EOCD64_LOCATOR.pack(b"PK\x06\x07", 0, position, 1)
    plain = _EOCD.pack(b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return zip64 + locator + plain


class _Window(io.RawIOBase):
    """``size`` bytes of ``fp`` from ``start``, read in order."""

    def __init__(self, fp: IO[bytes], start: int, size: int) -> None:
        super().__init__()
        self._fp, self._position, self._left = fp, start, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer, /) -> int:
        view = memoryview(buffer).cast("B")
        self._fp.seek(self._position)
        data = self._fp.read(min(len(view), self._left))
        view[: len(data)] = data
        self._position += len(data)
        self._left -= len(data)
        return len(data)


class _ZipView(io.RawIOBase):
    """A zip file's first ``keep`` bytes followed by ``tail`` (new end records): seekable,
    read-only, never written anywhere."""

    def __init__(self, fp: IO[bytes], keep: int, tail: bytes) -> None:
        super().__init__()
        self._fp, self._keep, self._tail = fp, keep, tail
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position}.get(
            whence, self._keep + len(self._tail)
        )
        if base + offset < 0:
            raise OSError("negative seek position")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer: Buffer, /) -> int:
        view = memoryview(buffer).cast("B")
        got = 0
        if self._position < self._keep:
            self._fp.seek(self._position)
            data = self._fp.read(min(len(view), self._keep - self._position))
            view[: len(data)] = data
            got = len(data)
        else:
            start = self._position - self._keep
            data = self._tail[start : start + len(view)]
            view[: len(data)] = data
            got = len(data)
        self._position += got
        return got


class _ZipLayout:
    """Where each member's data lies, to refuse overlapping entries ("quoted overlap" bomb,
    CVE-2024-0450, undetected by CPython 3.11.7): a member's data must end before the next
    local header (or the central directory), and no two entries may share a header."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._fp = archive.fp
        self._offsets = sorted(info.header_offset for info in archive.infolist())
        self._shared = {offset for offset, n in Counter(self._offsets).items() if n > 1}
        self._end = archive.start_dir

    def refusal(self, info: zipfile.ZipInfo) -> _Refusal | None:
        if info.header_offset in self._shared:
            return "zip-overlap", "another entry shares this member's data (zip bomb)", None
        start = self._data_start(info.header_offset)
        if start is None:
            return "member-corrupt", "no local file header where the directory points", None
        following = bisect_right(self._offsets, info.header_offset)
        end = self._offsets[following] if following < len(self._offsets) else self._end
        if start + info.compress_size > end:
            return "zip-overlap", "member data runs into the next entry (zip bomb)", None
        return None

    def _data_start(self, offset: int) -> int | None:
        if self._fp is None:
            return None
        try:
            self._fp.seek(offset)
            header = self._fp.read(30)
        except (OSError, ValueError):
            return None
        if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
            return None
        name_length = int.from_bytes(header[26:28], "little")
        extra_length = int.from_bytes(header[28:30], "little")
        return offset + 30 + name_length + extra_length


def _zip_refusal(
    info: zipfile.ZipInfo, layout: _ZipLayout, limits: Limits, remaining: int
) -> _Refusal | None:
    """The metadata gate: everything is checked before one byte of the member is read."""
    unsafe = _unsafe_name(info.filename)
    if unsafe is not None:
        return unsafe
    mode = info.external_attr >> 16  # 0 when the zip records no Unix mode (Windows tools)
    if stat.S_ISLNK(mode):
        return "symlink", "symbolic link member (its data is a link target)", None
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "special-file", f"{_file_type_name(mode)} member", None
    if info.flag_bits & 0x1:
        return "encrypted", "encrypted member", None
    if info.compress_type not in _ZIP_METHODS:
        return "unsupported-method", f"compression method {info.compress_type}", None
    overlap = layout.refusal(info)
    if overlap is not None:
        return overlap
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_threshold_bytes and ratio > limits.max_ratio:
        message = f"compression ratio {ratio:.0f} above max_ratio ({limits.max_ratio:g})"
        return "limit-exceeded", message, "max_ratio"
    return _size_refusal(info.file_size, limits.max_member_bytes, "max_member_bytes", remaining)


# --- tar -------------------------------------------------------------------------------------


class _TarStop(Exception):
    """Stop reading a tar: a header cannot be trusted, so nothing after it can be located."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# tarfile's HeaderError subclasses (absent from typeshed), by name.
_HEADER_PROBLEMS = {
    "EmptyHeaderError": "the archive ends without its end-of-archive marker (truncated)",
    "TruncatedHeaderError": "the archive ends inside a header (truncated)",
    "InvalidHeaderError": "corrupt header (bad checksum or number)",
}


def _guarded_tarinfo(budget: _Budget) -> type[tarfile.TarInfo]:
    """A TarInfo class that checks every header before tarfile acts on it.

    Without it, tarfile (3.11.7) silently ends the archive at a corrupt header, loops on a
    negative size (CVE-2025-8194), runs a quadratic regex over a large pax header
    (CVE-2024-6232: 64 KiB ≈ 10 s here) and reads long-name data of any size into memory.
    """

    class GuardedTarInfo(tarfile.TarInfo):
        __slots__ = ()

        @classmethod
        def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Self:
            try:
                info = super().frombuf(buf, encoding, errors)
            except tarfile.HeaderError as error:
                if type(error).__name__ == "EOFHeaderError":
                    raise  # the zero block: a proper end of the archive
                problem = _HEADER_PROBLEMS.get(type(error).__name__, f"bad header: {error}")
                raise _TarStop("archive-corrupt", problem) from None
            _check_tar_header(info, budget)
            return info

    return GuardedTarInfo


def _check_tar_header(info: tarfile.TarInfo, budget: _Budget) -> None:
    if info.size < 0:
        raise _TarStop("archive-corrupt", "negative member size (CVE-2025-8194)")
    if info.type not in _EXTENDED_TYPES:
        return
    if info.size > _MAX_EXTENDED_HEADER:
        raise _TarStop(
            "tar-header-too-large",
            f"extended header of {info.size} bytes (more than {_MAX_EXTENDED_HEADER};"
            " CVE-2024-6232); the rest of the archive was not read",
        )
    if info.type in _PAX_TYPES:
        budget.pax_cost += info.size * info.size
        if budget.pax_cost > _PAX_COST_BUDGET:
            raise _TarStop(
                "tar-header-too-large", "too many large pax headers in the bundle (CVE-2024-6232)"
            )


def _tar_refusal(info: tarfile.TarInfo, limits: Limits, remaining: int | None) -> _Refusal | None:
    unsafe = _unsafe_name(info.name)
    if unsafe is not None:
        return unsafe
    if info.issym():
        return "symlink", f"symbolic link to {_shown(info.linkname)!r}", None
    if info.islnk():
        return "hardlink", f"hard link to {_shown(info.linkname)!r}", None
    if not info.isreg():
        kind = _TAR_TYPE_NAMES.get(info.type, f"type {info.type!r}")
        return "special-file", f"{kind} member, not a regular file", None
    return _size_refusal(info.size, limits.max_member_bytes, "max_member_bytes", remaining)


# --- small helpers ---------------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _trace(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))
