"""Which bundles a ``fleet add PATH…`` names, and the content hash that identifies each.

Pure standard library: the driver runs this before anything is analysed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
"""File names taken as bundle archives when a folder of bundles is scanned."""
LOG_SUFFIXES = (".log", ".xml", ".txt")
"""Loose files of these suffixes inside a folder make the folder itself a bundle (when sniffed)."""
SNIFF_BYTES = 16_384
CHUNK = 1 << 20
_GLOB_CHARS = frozenset("*?[")


def _is_archive(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(ARCHIVE_SUFFIXES)


def _is_log(path: str) -> bool:
    """A regular file whose content (or, empty, whose name) looks like a log avlogparse reads."""
    name = os.path.basename(path)
    if not name.lower().endswith(LOG_SUFFIXES):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    from avlogparse import sniff_kind  # the public one: where it lives inside may change

    kind = sniff_kind(head, name)  # a str (or a str enum) naming the kind
    return str(getattr(kind, "value", kind)) != "unknown"


def is_bundle_folder(folder: str) -> bool:
    """A folder is one bundle when it directly holds a log file; otherwise a folder of bundles."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return True  # let the analysis say why it cannot be read
    if any(entry.is_file(follow_symlinks=False) and _is_log(entry.path) for entry in entries):
        return True
    return not any(e.is_dir(follow_symlinks=False) or _is_archive(e.name) for e in entries)


def discover(paths: Iterable[str]) -> list[str]:
    """The bundles named by ``paths``: files, bundle folders, folders of bundles and globs.

    A file is a bundle (an archive or one log). A folder that directly holds a log is a
    bundle; any other folder is searched for bundles: its archives and its sub-folders, in
    name order. Links to folders are not followed. A pattern with ``*``, ``?`` or ``[`` that
    is not itself a path is expanded (``**`` recursively). The result has no duplicates.
    """
    found: list[str] = []
    seen: set[str] = set()
    for given in paths:
        if not os.path.lexists(given) and _GLOB_CHARS & set(given):
            expanded = sorted(glob.glob(given, recursive=True))
        else:
            expanded = [given]
        for path in expanded:
            for bundle in _bundles_under(path):
                key = os.path.normpath(os.path.abspath(bundle))
                if key not in seen:
                    seen.add(key)
                    found.append(bundle)
    return found


def _bundles_under(path: str) -> Iterator[str]:
    if not os.path.isdir(path) or os.path.islink(path):
        yield path  # a missing path too: its analysis fails with the reason, as a row
        return
    if is_bundle_folder(path):
        yield path
        return
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _bundles_under(entry.path)
        elif entry.is_file(follow_symlinks=False) and _is_archive(entry.name):
            yield entry.path


def file_sha256(path: str) -> tuple[int, str]:
    """Size and sha256 of one file, streamed a MiB at a time."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def content_hash(path: str) -> tuple[int, str]:
    """``(size in bytes, "sha256:…")`` of a bundle: its bytes, or for a folder its files.

    A folder's hash is the sha256 over its files sorted by relative path, each as
    ``path NUL size NUL sha256 LF``; so renaming, moving or re-archiving nothing changes it,
    and any changed byte or name does. Links are never followed out of the folder: a link
    to a file inside it counts as that file, any other link as ``path NUL link NUL`` and its
    target text, and links to folders are not entered.
    """
    info = os.stat(path)
    if not stat.S_ISDIR(info.st_mode):
        size, digest = file_sha256(path)
        return size, f"sha256:{digest}"
    root = os.path.realpath(path)
    entries: list[tuple[str, str]] = []
    total = 0
    for folder, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            full = os.path.join(folder, name)
            relative = os.path.relpath(full, path).replace(os.sep, "/")
            if os.path.islink(full):
                target = os.path.realpath(full)
                inside = os.path.commonpath([root, target]) == root
                if inside and os.path.isfile(target):
                    size, digest = file_sha256(target)
                    total += size
                    entries.append((relative, f"{size}\0{digest}"))
                else:
                    entries.append((relative, f"link\0{os.readlink(full)}"))
                continue
            if not os.path.isfile(full):
                entries.append((relative, "special\0"))
                continue
            size, digest = file_sha256(full)
            total += size
            entries.append((relative, f"{size}\0{digest}"))
    outer = hashlib.sha256()
    for relative, value in sorted(entries):
        outer.update(f"{relative}\0{value}\n".encode("utf-8", "surrogateescape"))
    return total, f"sha256-tree:{outer.hexdigest()}"
