"""Bundles: folders and archives read as streams; hostile members refused, the rest still read.

Every archive is built here with zipfile/tarfile (hostile ones by patching bytes), and every
test checks the accounting: each file seen is read, unknown or refused exactly once.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import avlogparse
from avlogparse import bundle as bundle_module
from avlogparse.bundle import Bundle, open_bundle
from avlogparse.errors import ConfigError, InputAccessError, InputNotFoundError
from avlogparse.limits import Limits
from avlogparse.sources import SNIFF_BYTES

PLUGIN = b"2024-03-12 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type\r\n"
CLUSTER = b"winclustersvc INFO<0000>: DestroySnapshot executed successfully\r\n"
EVENTS = b"<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID></System></Event></Events>"


def plugin_log(lines: int) -> bytes:
    """A plug-in log of distinct lines (compresses well, but not absurdly)."""
    return b"".join(
        b"2024-03-12 00:%02d:%02d avhypervvss Info <43419>: line %d of the backup\r\n"
        % (i // 60 % 60, i % 60, i)
        for i in range(lines)
    )


# --- building archives ----------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(
    entries: dict[str, bytes],
    mode: str = "w",
    fmt: int = tarfile.PAX_FORMAT,
    extra: Callable[[tarfile.TarFile], None] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode, format=fmt) as archive:  # type: ignore[call-overload]
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if extra is not None:
            extra(archive)
    return buffer.getvalue()


def special_member(name: str, kind: bytes, linkname: str = "") -> Callable[[tarfile.TarFile], None]:
    def add(archive: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = linkname
        archive.addfile(info)

    return add


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- reading, with the accounting checked every time -------------------------------------------


def read_all(
    path: Path, limits: Limits | None = None
) -> tuple[dict[str, tuple[str, bytes]], Bundle]:
    bundle = open_bundle(path, limits or Limits())
    members = {member.path: (member.kind, stream.read()) for member, stream in bundle.members()}
    check_accounting(bundle, members)
    return members, bundle


def check_accounting(bundle: Bundle, members: dict[str, tuple[str, bytes]]) -> None:
    stats = bundle.stats
    assert stats.balanced(), stats
    assert len(bundle.inventory) == stats.seen
    logs_read = {s.path for s in bundle.inventory if s.status == "read" and s.kind not in ARCHIVES}
    assert logs_read == set(members)
    diagnosed = {d.path for d in bundle.diagnostics}
    for status in bundle.inventory:
        if status.status == "refused" or (status.reason or "").startswith("partial"):
            assert status.path in diagnosed, status
    assert "internal-error" not in codes(bundle)


ARCHIVES = {"zip", "tar", "tar.gz", "tar.bz2", "tar.xz", "gzip", "bzip2", "xz"}


def refused(bundle: Bundle) -> dict[str, str]:
    return {s.path: s.reason or "" for s in bundle.inventory if s.status == "refused"}


def status_of(bundle: Bundle, path: str) -> avlogparse.bundle.MemberStatus:
    return next(s for s in bundle.inventory if s.path == path)


def codes(bundle: Bundle) -> set[str]:
    return {d.code for d in bundle.diagnostics}


def limits_hit(bundle: Bundle) -> set[str | None]:
    return {d.limit for d in bundle.diagnostics if d.code == "limit-exceeded"}


# --- nothing outside the bundle is ever opened: an audit hook watches every open ----------------

OPENED: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if OPENED is not None and event in ("open", "os.scandir", "os.listdir") and args:
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    global OPENED
    OPENED = []
    try:
        yield OPENED
    finally:
        OPENED = None


# --- folders and single files ----------------------------------------------------------------


def test_folder_walk_is_sorted_recursive_and_sniffs_content_not_names(tmp_path: Path) -> None:
    write(tmp_path / "logs" / "avhypervvss_20190415.log.1", PLUGIN)
    write(tmp_path / "logs" / "deep" / "er" / "renamed.txt", CLUSTER)
    write(tmp_path / "vmms.dat", EVENTS)
    write(tmp_path / "notes.txt", b"hello")
    write(tmp_path / "a-first.log", CLUSTER)
    bundle = open_bundle(tmp_path)
    order = [member.path for member, _ in bundle.members()]
    assert order == [
        "a-first.log",
        "logs/avhypervvss_20190415.log.1",
        "logs/deep/er/renamed.txt",
        "vmms.dat",
    ]
    members, bundle = read_all(tmp_path)
    assert {p: k for p, (k, _) in members.items()} == {
        "a-first.log": "winclustersvc",
        "logs/avhypervvss_20190415.log.1": "avhypervvss",
        "logs/deep/er/renamed.txt": "winclustersvc",
        "vmms.dat": "event-xml",
    }
    assert members["vmms.dat"][1] == EVENTS
    assert [s.path for s in bundle.inventory if s.status == "unknown"] == ["notes.txt"]
    assert bundle.stats.directories == 3 and bundle.stats.seen == 5 and not bundle.diagnostics


def test_single_file_and_root_symlink_named_by_the_caller(tmp_path: Path) -> None:
    log = write(tmp_path / "a.log", PLUGIN * 3)
    members, bundle = read_all(log)
    assert members == {"a.log": ("avhypervvss", PLUGIN * 3)}
    assert bundle.root == str(log)
    (tmp_path / "alias.log").symlink_to(log)
    members, _ = read_all(tmp_path / "alias.log")
    assert members == {"alias.log": ("avhypervvss", PLUGIN * 3)}


def test_streams_start_at_byte_zero_past_the_sniffed_head_and_close_after_the_step(
    tmp_path: Path,
) -> None:
    big = plugin_log(2000)
    assert len(big) > 2 * SNIFF_BYTES
    write(tmp_path / "a.log", big)
    write(tmp_path / "b.zip", zip_bytes({"b.log": big}))
    bundle = open_bundle(tmp_path)
    kept = []
    for member, stream in bundle.members():
        chunks = []
        while chunk := stream.read(7):
            chunks.append(chunk)
        assert b"".join(chunks) == big, member.path
        kept.append(stream)
    assert len(kept) == 2
    with pytest.raises(ValueError):
        kept[0].read()


def test_reiterating_starts_afresh_and_gives_the_same_result(tmp_path: Path) -> None:
    write(tmp_path / "a.zip", zip_bytes({"x.log": PLUGIN, "../y.log": PLUGIN}))
    bundle = open_bundle(tmp_path)
    first = [(m.path, s.read()) for m, s in bundle.members()]
    inventory, diagnostics = list(bundle.inventory), list(bundle.diagnostics)
    second = [(m.path, s.read()) for m, s in bundle.members()]
    assert first == second and bundle.inventory == inventory and bundle.diagnostics == diagnostics


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_stopping_early_closes_every_file_and_folder(tmp_path: Path) -> None:
    write(tmp_path / "a" / "b" / "c.zip", zip_bytes({"x.log": PLUGIN, "y.log": PLUGIN}))
    write(tmp_path / "a" / "b" / "d.tgz", tar_bytes({"x.log": PLUGIN}, "w:gz"))

    def first_only() -> str:
        for member, _ in open_bundle(tmp_path).members():
            return member.path  # abandons the generator mid-archive, two folders deep
        raise AssertionError("nothing yielded")

    before = len(os.listdir("/proc/self/fd"))
    assert [first_only() for _ in range(3)] == ["a/b/c.zip!x.log"] * 3
    assert len(os.listdir("/proc/self/fd")) == before


def test_consumer_that_skips_streams_still_gets_everything_listed(tmp_path: Path) -> None:
    write(tmp_path / "t.tgz", tar_bytes({"a.log": plugin_log(3000), "b.log": CLUSTER}, "w:gz"))
    bundle = open_bundle(tmp_path)
    assert [m.path for m, _ in bundle.members()] == ["t.tgz!a.log", "t.tgz!b.log"]
    assert bundle.stats.balanced() and not bundle.diagnostics


# --- archives ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("b.zip", lambda e: zip_bytes(e), "zip"),
        ("b.zip", lambda e: zip_bytes(e, zipfile.ZIP_STORED), "zip"),
        ("b.zip", lambda e: zip_bytes(e, zipfile.ZIP_BZIP2), "zip"),
        ("b.zip", lambda e: zip_bytes(e, zipfile.ZIP_LZMA), "zip"),
        ("b.tar", lambda e: tar_bytes(e, "w"), "tar"),
        ("b.tar", lambda e: tar_bytes(e, "w", tarfile.GNU_FORMAT), "tar"),
        ("b.tar", lambda e: tar_bytes(e, "w", tarfile.USTAR_FORMAT), "tar"),
        ("b.tar.gz", lambda e: tar_bytes(e, "w:gz"), "tar.gz"),
        ("b.tgz", lambda e: tar_bytes(e, "w:gz"), "tar.gz"),
        ("b.tar.bz2", lambda e: tar_bytes(e, "w:bz2"), "tar.bz2"),
        ("b.tar.xz", lambda e: tar_bytes(e, "w:xz"), "tar.xz"),
        ("renamed.bin", lambda e: tar_bytes(e, "w:gz"), "tar.gz"),  # magic bytes, not the name
    ],
)
def test_archive_formats(
    tmp_path: Path, name: str, build: Callable[[dict[str, bytes]], bytes], kind: str
) -> None:
    entries = {
        "logs/avhypervvss.log": PLUGIN,
        "logs/winclustersvc.log": CLUSTER,
        "events/vmms.xml": EVENTS,
        "README": b"hi",
    }
    path = write(tmp_path / name, build(entries))
    members, bundle = read_all(path)
    assert members == {
        f"{name}!logs/avhypervvss.log": ("avhypervvss", PLUGIN),
        f"{name}!logs/winclustersvc.log": ("winclustersvc", CLUSTER),
        f"{name}!events/vmms.xml": ("event-xml", EVENTS),
    }
    assert status_of(bundle, name).kind == kind
    assert status_of(bundle, f"{name}!README").status == "unknown"
    assert not bundle.diagnostics


class _Unseekable(io.RawIOBase):
    """A write-only pipe: zipfile then streams, with data descriptors after each member."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.data += chunk
        return len(chunk)


def test_streamed_zip_with_windows_separators(tmp_path: Path) -> None:
    pipe = _Unseekable()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Logs\\avhypervvss.log", PLUGIN)  # PowerShell 5.1 Compress-Archive
        archive.writestr("Logs\\cluster\\winclustersvc.log", CLUSTER)
    with zipfile.ZipFile(io.BytesIO(bytes(pipe.data))) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())
    members, bundle = read_all(write(tmp_path / "ps.zip", bytes(pipe.data)))
    assert set(members) == {"ps.zip!Logs/avhypervvss.log", "ps.zip!Logs/cluster/winclustersvc.log"}
    assert not bundle.diagnostics


def test_compressed_single_log_is_one_decompressed_member(tmp_path: Path) -> None:
    write(tmp_path / "a.log.gz", gzip.compress(PLUGIN))
    write(tmp_path / "b.log.bz2", bz2.compress(CLUSTER))
    write(tmp_path / "c.xz", lzma.compress(EVENTS))
    members, bundle = read_all(tmp_path)
    assert members == {
        "a.log.gz!a.log": ("avhypervvss", PLUGIN),
        "b.log.bz2!b.log": ("winclustersvc", CLUSTER),
        "c.xz!c": ("event-xml", EVENTS),
    }
    assert [status_of(bundle, p).kind for p in ("a.log.gz", "b.log.bz2", "c.xz")] == [
        "gzip",
        "bzip2",
        "xz",
    ]


def test_nested_archives_show_the_whole_chain(tmp_path: Path) -> None:
    inner_zip = zip_bytes({"x/avhypervvss.log": PLUGIN})
    inner_tgz = tar_bytes({"c.log": CLUSTER}, "w:gz")
    outer = tar_bytes(
        {"logs/winclustersvc.log": CLUSTER, "inner.zip": inner_zip, "more.tgz": inner_tgz}, "w:gz"
    )
    path = write(tmp_path / "bundle.tar.gz", outer)
    members, bundle = read_all(path)
    assert members == {
        "bundle.tar.gz!logs/winclustersvc.log": ("winclustersvc", CLUSTER),
        "bundle.tar.gz!inner.zip!x/avhypervvss.log": ("avhypervvss", PLUGIN),
        "bundle.tar.gz!more.tgz!c.log": ("winclustersvc", CLUSTER),
    }
    assert bundle.stats.archives == 3
    members, _ = read_all(
        write(tmp_path / "z.zip", zip_bytes({"in.tgz": inner_tgz, "in.zip": inner_zip}))
    )
    assert set(members) == {"z.zip!in.tgz!c.log", "z.zip!in.zip!x/avhypervvss.log"}


def test_nesting_deeper_than_max_depth_is_refused(tmp_path: Path) -> None:
    data = zip_bytes({"a.log": PLUGIN})
    for level in range(3):
        data = zip_bytes({f"l{level}.zip": data, f"ok{level}.log": CLUSTER})
    path = write(tmp_path / "top.zip", data)
    members, bundle = read_all(path, Limits(max_depth=2))
    assert "top.zip!l2.zip!l1.zip!ok0.log" in members
    assert refused(bundle) == {
        "top.zip!l2.zip!l1.zip!l0.zip": "archive-too-deep: archive nested deeper than 2 levels"
    }
    assert [(d.code, d.limit) for d in bundle.diagnostics] == [("archive-too-deep", "max_depth")]
    members, _ = read_all(path, Limits(max_depth=3))
    assert "top.zip!l2.zip!l1.zip!l0.zip!a.log" in members
    members, bundle = read_all(path, Limits(max_depth=0))
    assert set(members) == {"top.zip!ok2.log"} and "top.zip!l2.zip" in refused(bundle)


def test_empty_archives(tmp_path: Path) -> None:
    write(tmp_path / "e.zip", zip_bytes({}))
    write(tmp_path / "e.tar.gz", tar_bytes({}, "w:gz"))
    write(tmp_path / "e.tar", tar_bytes({}, "w"))  # no ustar magic in an empty tar: a file
    members, bundle = read_all(tmp_path)
    assert members == {}
    assert [(d.path, d.code, d.severity.value) for d in bundle.diagnostics] == [
        ("e.tar.gz", "archive-empty", "info"),  # said, so an empty archive is not a silence
        ("e.zip", "archive-empty", "info"),
    ]
    assert [(s.path, s.kind, s.status) for s in bundle.inventory] == [
        ("e.tar", "unknown", "unknown"),
        ("e.tar.gz", "tar.gz", "read"),
        ("e.zip", "zip", "read"),
    ]


def test_gzip_of_a_single_log_is_analysed(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
    log = next(p for p in sample.iterdir() if p.name.startswith("avhypervvss"))
    write(tmp_path / "x.log.gz", gzip.compress(log.read_bytes()))
    report = avlogparse.analyze(tmp_path / "x.log.gz")
    assert [i.path for i in report.inputs if i.status == "read"] == ["x.log.gz!x.log"]


# --- hostile names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../../evil.log", "path-traversal"),
        ("logs/../../evil.log", "path-traversal"),
        ("..\\..\\bs.log", "path-traversal"),
        ("/etc/abs.log", "absolute-path"),
        ("C:\\win\\x.log", "absolute-path"),
        ("c:x.log", "absolute-path"),
        ("\\\\server\\share\\x.log", "absolute-path"),
    ],
)
def test_escaping_member_names_are_refused_in_zip_and_tar(
    tmp_path: Path, name: str, code: str
) -> None:
    for archive, data in [
        ("b.zip", zip_bytes({name: PLUGIN, "ok.log": PLUGIN})),
        ("b.tar", tar_bytes({name: PLUGIN, "ok.log": PLUGIN})),
    ]:
        members, bundle = read_all(write(tmp_path / archive, data))
        assert list(members) == [f"{archive}!ok.log"]
        (reason,) = refused(bundle).values()
        assert reason.startswith(code + ":")


def test_control_characters_in_names_are_shown_escaped(tmp_path: Path) -> None:
    members, _ = read_all(write(tmp_path / "b.zip", zip_bytes({"a\x1b[31m\u202e.log": PLUGIN})))
    assert list(members) == ["b.zip!a\\x1b[31m\\u202e.log"]


# --- links, devices and other non-files --------------------------------------------------------


def test_links_devices_and_fifos_in_tar_are_refused_with_their_type(tmp_path: Path) -> None:
    def specials(archive: tarfile.TarFile) -> None:
        for name, kind in [
            ("sym.log", tarfile.SYMTYPE),
            ("hard.log", tarfile.LNKTYPE),
            ("dev.log", tarfile.CHRTYPE),
            ("blk.log", tarfile.BLKTYPE),
            ("fifo.log", tarfile.FIFOTYPE),
        ]:
            special_member(name, kind, "good.log" if kind == tarfile.LNKTYPE else "/etc/passwd")(
                archive
            )

    path = write(tmp_path / "l.tar", tar_bytes({"good.log": PLUGIN}, extra=specials))
    members, bundle = read_all(path)
    assert list(members) == ["l.tar!good.log"]
    assert refused(bundle) == {
        "l.tar!sym.log": "symlink: symbolic link to '/etc/passwd'",
        "l.tar!hard.log": "hardlink: hard link to 'good.log'",
        "l.tar!dev.log": "special-file: character device member, not a regular file",
        "l.tar!blk.log": "special-file: block device member, not a regular file",
        "l.tar!fifo.log": "special-file: FIFO member, not a regular file",
    }


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        (stat.S_IFLNK | 0o777, "symlink"),
        (stat.S_IFCHR | 0o600, "special-file"),
        (stat.S_IFIFO | 0o600, "special-file"),
    ],
)
def test_zip_members_that_are_not_regular_files_are_refused(
    tmp_path: Path, mode: int, code: str
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link.log")
        info.external_attr = mode << 16
        archive.writestr(info, "/etc/passwd")
        archive.writestr("ok.log", PLUGIN)
    members, bundle = read_all(write(tmp_path / "s.zip", buffer.getvalue()))
    assert list(members) == ["s.zip!ok.log"]
    assert refused(bundle)["s.zip!link.log"].startswith(code + ":")


def test_symlinks_fifos_and_outside_files_in_a_folder_are_never_opened(
    tmp_path: Path, opened: list[str]
) -> None:
    outside = write(tmp_path / "outside" / "secret.log", PLUGIN)
    root = tmp_path / "bundle"
    root.mkdir()
    (root / "link.log").symlink_to(outside)
    (root / "dirlink").symlink_to(outside.parent)
    (root / "loop").symlink_to(".")
    os.mkfifo(root / "pipe.log")
    write(root / "real.log", CLUSTER)
    write(root / "case.zip", zip_bytes({"../../outside/secret.log": PLUGIN, "ok.log": PLUGIN}))
    opened.clear()  # watch the bundle reader only, not the set-up above
    members, bundle = read_all(root)
    assert list(members) == ["case.zip!ok.log", "real.log"]
    reasons = refused(bundle)
    assert reasons["link.log"] == f"symlink: symbolic link to '{outside}' not followed"
    assert reasons["dirlink"].startswith("symlink:") and reasons["loop"].startswith("symlink:")
    assert reasons["pipe.log"] == "special-file: FIFO, not a regular file"
    assert reasons["case.zip!../../outside/secret.log"].startswith("path-traversal:")
    names = {Path(p).name for p in opened}
    assert not names & {"secret.log", "outside", "link.log", "dirlink", "loop", "pipe.log"}, opened
    assert {"real.log", "case.zip"} <= names


def test_path_based_walk_where_the_os_has_no_dir_fd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_module, "_USE_DIR_FD", False)
    write(tmp_path / "outside.log", PLUGIN)
    root = tmp_path / "b"
    write(root / "sub" / "a.log", CLUSTER)
    (root / "sub" / "link.log").symlink_to(tmp_path / "outside.log")
    (root / "dirlink").symlink_to(tmp_path)
    os.mkfifo(root / "pipe")
    members, bundle = read_all(root)
    assert list(members) == ["sub/a.log"]
    assert set(refused(bundle)) == {"dirlink", "pipe", "sub/link.log"}


def test_a_fifo_as_the_root_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    members, bundle = read_all(tmp_path / "pipe")
    assert members == {} and refused(bundle) == {"pipe": "special-file: FIFO, not a regular file"}


def test_folder_depth_cap(tmp_path: Path) -> None:
    write(tmp_path / "a" / "b" / "c" / "deep.log", PLUGIN)
    write(tmp_path / "a" / "shallow.log", PLUGIN)
    members, bundle = read_all(tmp_path, Limits(max_dir_depth=2))
    assert list(members) == ["a/shallow.log"]
    assert [(d.path, d.limit) for d in bundle.diagnostics] == [("a/b/c", "max_dir_depth")]


# --- zip bombs and limits ----------------------------------------------------------------------


def test_zip_bomb_by_ratio_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bomb.zip", zip_bytes({"big.log": PLUGIN + b"\n" * (3 << 20), "ok.log": PLUGIN})
    )
    members, bundle = read_all(path)
    assert list(members) == ["bomb.zip!ok.log"]
    assert refused(bundle)["bomb.zip!big.log"].startswith("limit-exceeded: compression ratio")
    assert limits_hit(bundle) == {"max_ratio"}
    assert bundle.stats.bytes_read < 1 << 20


def test_member_count_limit_stops_the_walk_and_says_so_once(tmp_path: Path) -> None:
    path = write(tmp_path / "many.zip", zip_bytes({f"{i}.log": PLUGIN for i in range(50)}))
    members, bundle = read_all(path, Limits(max_members=4))
    assert list(members) == ["many.zip!0.log", "many.zip!1.log", "many.zip!2.log"]  # + the zip
    assert bundle.stats.stopped_by == "max_members" and bundle.stats.seen == 5
    assert list(refused(bundle)) == ["many.zip!3.log"]  # the first one not read: walk stops
    assert [d.limit for d in bundle.diagnostics] == ["max_members"]


def test_declared_sizes_over_a_limit_are_refused_and_the_rest_read(tmp_path: Path) -> None:
    write(tmp_path / "a-big.log", plugin_log(400))
    write(tmp_path / "b-small.log", PLUGIN)
    write(tmp_path / "c.zip", zip_bytes({"big.log": plugin_log(400), "small.log": PLUGIN}))
    members, bundle = read_all(tmp_path, Limits(max_total_bytes=10_000))
    assert set(members) == {"b-small.log", "c.zip!small.log"}
    assert set(refused(bundle)) == {"a-big.log", "c.zip!big.log"}
    assert limits_hit(bundle) == {"max_total_bytes"}
    members, bundle = read_all(tmp_path, Limits(max_member_bytes=1000, max_file_bytes=100_000))
    assert set(members) == {"a-big.log", "b-small.log", "c.zip!small.log"}
    assert limits_hit(bundle) == {"max_member_bytes"}


def test_bytes_actually_produced_are_capped(tmp_path: Path) -> None:
    """No declared size for a decompressed .gz: the meter cuts it and flags it partial."""
    write(tmp_path / "a.log.gz", gzip.compress(plugin_log(2000)))
    members, bundle = read_all(tmp_path, Limits(max_file_bytes=20_000))
    assert len(members["a.log.gz!a.log"][1]) == 20_000
    assert (
        status_of(bundle, "a.log.gz!a.log").reason
        == "partial: limit-exceeded: max_file_bytes (20000) reached"
    )
    assert limits_hit(bundle) == {"max_file_bytes"}
    members, bundle = read_all(tmp_path, Limits(max_total_bytes=30_000))
    assert len(members["a.log.gz!a.log"][1]) <= 30_000
    assert limits_hit(bundle) == {"max_total_bytes"}


def test_total_bytes_are_shared_across_a_tar_stream(tmp_path: Path) -> None:
    """Skipped and read-ahead bytes count too: the tar stream itself is what is metered."""
    data = tar_bytes({"a.log": PLUGIN, "b.log": plugin_log(1000), "c.log": CLUSTER}, "w:gz")
    members, bundle = read_all(write(tmp_path / "t.tgz", data), Limits(max_total_bytes=20_000))
    assert members["t.tgz!a.log"] == ("avhypervvss", PLUGIN)
    assert (
        status_of(bundle, "t.tgz!b.log").reason
        == "partial: limit-exceeded: max_total_bytes (20000) reached"
    )
    assert (
        status_of(bundle, "t.tgz").reason
        == "partial: limit-exceeded: max_total_bytes (20000) reached"
    )
    assert "t.tgz!c.log" not in members
    assert bundle.stats.bytes_read <= 20_000


def test_overlapping_zip_entries_are_refused(tmp_path: Path) -> None:
    data = zip_bytes({"a.log": PLUGIN, "b.log": PLUGIN, "c.log": CLUSTER})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        a_offset = archive.infolist()[0].header_offset
    raw = bytearray(data)
    # point b's central-directory entry at a's local header: both share one body
    central_b = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 1)
    raw[central_b + 42 : central_b + 46] = a_offset.to_bytes(4, "little")
    members, bundle = read_all(write(tmp_path / "o.zip", bytes(raw)))
    assert list(members) == ["o.zip!c.log"]
    assert refused(bundle) == {
        "o.zip!a.log": "zip-overlap: another entry shares this member's data (zip bomb)",
        "o.zip!b.log": "zip-overlap: another entry shares this member's data (zip bomb)",
    }


def test_zip_member_whose_data_runs_into_the_next_entry_is_refused(tmp_path: Path) -> None:
    data = zip_bytes({"a.log": PLUGIN, "b.log": CLUSTER}, zipfile.ZIP_STORED)
    raw = bytearray(data)
    central_a = raw.index(b"PK\x01\x02")
    raw[central_a + 20 : central_a + 24] = (len(PLUGIN) + 200).to_bytes(
        4, "little"
    )  # compress_size
    members, bundle = read_all(write(tmp_path / "q.zip", bytes(raw)))
    assert list(members) == ["q.zip!b.log"]
    assert refused(bundle)["q.zip!a.log"].startswith("zip-overlap:")


def test_encrypted_and_unsupported_zip_members_are_refused(tmp_path: Path) -> None:
    raw = bytearray(zip_bytes({"enc.log": PLUGIN, "odd.log": PLUGIN, "ok.log": CLUSTER}))
    first = raw.index(b"PK\x01\x02")
    second = raw.index(b"PK\x01\x02", first + 1)
    raw[first + 8] |= 0x01  # general-purpose flag: encrypted
    raw[second + 10 : second + 12] = (99).to_bytes(2, "little")  # AES method
    members, bundle = read_all(write(tmp_path / "e.zip", bytes(raw)))
    assert list(members) == ["e.zip!ok.log"]
    assert refused(bundle) == {
        "e.zip!enc.log": "encrypted: encrypted member",
        "e.zip!odd.log": "unsupported-method: compression method 99",
    }


# --- damaged archives --------------------------------------------------------------------------


def test_truncated_tar_gz_keeps_what_was_read(tmp_path: Path) -> None:
    data = tar_bytes({"a.log": PLUGIN, "b.log": plugin_log(20_000), "c.log": CLUSTER}, "w:gz")
    write(tmp_path / "t.tgz", data[: len(data) // 2])
    write(tmp_path / "z.log", CLUSTER)
    members, bundle = read_all(tmp_path)
    assert members["t.tgz!a.log"] == ("avhypervvss", PLUGIN)
    assert 0 < len(members["t.tgz!b.log"][1]) < len(plugin_log(20_000))
    assert status_of(bundle, "t.tgz!b.log").reason.startswith("partial:")  # type: ignore[union-attr]
    assert status_of(bundle, "t.tgz").reason.startswith("partial:")  # type: ignore[union-attr]
    assert "EOFError" in " ".join(d.message for d in bundle.diagnostics)
    assert "z.log" in members  # the rest of the bundle is still read


def test_corrupt_deflate_data_ends_the_member_cleanly(tmp_path: Path) -> None:
    data = bytearray(zip_bytes({"a.log": plugin_log(5000), "b.log": CLUSTER}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("a.log")
    body = info.header_offset + 30 + len("a.log")
    middle = body + info.compress_size // 2
    data[middle : middle + 64] = bytes(range(64))
    members, bundle = read_all(write(tmp_path / "c.zip", bytes(data)))
    assert members["c.zip!b.log"] == ("winclustersvc", CLUSTER)
    assert status_of(bundle, "c.zip!a.log").reason.startswith("partial: member-corrupt:")  # type: ignore[union-attr]
    assert "member-corrupt" in codes(bundle)


def test_bad_crc_in_a_stored_member_is_a_partial_read(tmp_path: Path) -> None:
    log = plugin_log(2000)
    data = bytearray(zip_bytes({"a.log": log}, zipfile.ZIP_STORED))
    spot = data.index(log) + len(log) - 10
    data[spot] ^= 0x01
    members, bundle = read_all(write(tmp_path / "c.zip", bytes(data)))
    assert len(members["c.zip!a.log"][1]) < len(log)
    assert "Bad CRC-32" in status_of(bundle, "c.zip!a.log").reason  # type: ignore[operator]


def test_unreadable_archives_are_refused_and_the_rest_read(tmp_path: Path) -> None:
    write(tmp_path / "bad.zip", b"PK\x03\x04" + b"\x00" * 100)
    write(tmp_path / "bad.tgz", b"\x1f\x8b\x08\x00" + b"\xff" * 100)
    write(tmp_path / "bad.tar", b"x" * 257 + b"ustar" + b"y" * 250)
    write(tmp_path / "ok.log", PLUGIN)
    members, bundle = read_all(tmp_path)
    assert list(members) == ["ok.log"]
    reasons = refused(bundle)
    assert set(reasons) == {"bad.zip", "bad.tgz", "bad.tar"}
    assert all(r.startswith("archive-corrupt:") for r in reasons.values()), reasons


def negative_size_header(raw: bytearray, at: int = 0) -> None:
    raw[at + 124 : at + 136] = b"\xff" + (256**11 - 512).to_bytes(11, "big")  # base-256 -512
    raw[at + 148 : at + 156] = b" " * 8
    raw[at + 148 : at + 156] = b"%06o\x00 " % sum(raw[at : at + 512])


def test_negative_tar_member_size_stops_the_archive_not_the_bundle(tmp_path: Path) -> None:
    raw = bytearray(
        tar_bytes(
            {"ok.log": PLUGIN, "evil.log": PLUGIN, "after.log": PLUGIN}, fmt=tarfile.USTAR_FORMAT
        )
    )
    negative_size_header(raw, 512 + 512)  # ok.log: header + one data block
    write(tmp_path / "n.tar", bytes(raw))
    write(tmp_path / "z.log", CLUSTER)
    started = time.monotonic()
    members, bundle = read_all(tmp_path)
    assert time.monotonic() - started < 10  # CPython 3.11.7 alone loops forever here
    assert set(members) == {"n.tar!ok.log", "z.log"}
    assert (
        status_of(bundle, "n.tar").reason
        == "partial: archive-corrupt: negative member size (CVE-2025-8194)"
    )


def test_negative_size_from_a_pax_record_is_caught_too(tmp_path: Path) -> None:
    def evil(archive: tarfile.TarFile) -> None:
        info = tarfile.TarInfo("evil.log")
        info.pax_headers = {"size": "-512"}
        archive.addfile(info)

    path = write(tmp_path / "p.tar", tar_bytes({"ok.log": PLUGIN}, extra=evil))
    members, bundle = read_all(path)
    assert list(members) == ["p.tar!ok.log"]
    assert "negative member size" in (status_of(bundle, "p.tar").reason or "")


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_oversized_tar_extended_headers_are_refused_fast(tmp_path: Path, fmt: int) -> None:
    def huge(archive: tarfile.TarFile) -> None:
        if fmt == tarfile.PAX_FORMAT:  # CVE-2024-6232: digits make 3.11.7's regex quadratic
            info = tarfile.TarInfo("big.log")
            info.pax_headers = {"comment": "1" * 70_000}
        else:  # a GNU long name would be read into memory whole
            info = tarfile.TarInfo("d/" * 10_000 + "big.log")
        info.size = len(PLUGIN)
        archive.addfile(info, io.BytesIO(PLUGIN))

    path = write(tmp_path / "h.tar", tar_bytes({"ok.log": PLUGIN}, fmt=fmt, extra=huge))
    started = time.monotonic()
    members, bundle = read_all(path)
    assert time.monotonic() - started < 5  # 64 KiB of digits costs ~10 s in 3.11.7's tarfile
    assert list(members) == ["h.tar!ok.log"]
    assert "tar-header-too-large" in codes(bundle)


# --- errors the caller must handle -------------------------------------------------------------


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        open_bundle(tmp_path / "nope")
    write(tmp_path / "file.log", PLUGIN)
    with pytest.raises(FileNotFoundError):  # InputNotFoundError is also a FileNotFoundError
        open_bundle(tmp_path / "file.log" / "below")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_root_is_an_access_error(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.log", PLUGIN)
    locked.chmod(0)
    with pytest.raises(InputAccessError):
        open_bundle(locked)
    folder = tmp_path / "folder"
    folder.mkdir()
    folder.chmod(0)
    try:
        with pytest.raises(PermissionError):
            open_bundle(folder)
    finally:
        folder.chmod(0o700)


def test_bad_limits_are_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        open_bundle(tmp_path, limits={"max_members": 3})  # type: ignore[arg-type]


def test_analyze_reads_a_zip_bundle_and_lists_refusals(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
    entries = {f"bundle/{p.name}": p.read_bytes() for p in sorted(sample.iterdir()) if p.is_file()}
    entries["../escape.log"] = PLUGIN
    path = write(tmp_path / "case.zip", zip_bytes(entries))
    report = avlogparse.analyze(path)
    assert [i.status for i in report.inputs].count("refused") == 1
    assert any(i.status == "read" for i in report.inputs)
    assert not report.complete
    write(tmp_path / "only" / "notes.txt", b"nothing to see")
    with pytest.raises(avlogparse.NotABundleError):
        avlogparse.analyze(tmp_path / "only")


# --- property: mutated archives never raise, never hit the safety net, always balance ----------

SEEDS = [
    zip_bytes(
        {"a.log": plugin_log(200), "b/c.log": CLUSTER, "in.zip": zip_bytes({"x.log": PLUGIN})}
    ),
    zip_bytes({"a.log": plugin_log(200), "e.xml": EVENTS}, zipfile.ZIP_STORED),
    tar_bytes(
        {"a.log": plugin_log(200), "in.zip": zip_bytes({"x.log": PLUGIN}), "c.log": CLUSTER}, "w:gz"
    ),
    tar_bytes({"a.log": plugin_log(200), "c.log": CLUSTER}, "w", tarfile.GNU_FORMAT),
    tar_bytes({"a.log": plugin_log(200)}, "w:bz2"),
    gzip.compress(plugin_log(200)),
]


@settings(max_examples=80, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    keep=st.floats(0.05, 1),
    limits=st.sampled_from(
        [Limits(), Limits(max_total_bytes=4000), Limits(max_members=2), Limits(max_depth=0)]
    ),
)
def test_mutated_archives_are_handled(
    seed: bytes, edits: list[tuple[float, int]], keep: float, limits: Limits
) -> None:
    data = bytearray(seed)
    for where, value in edits:
        data[int(where * len(data))] = value
    data = data[: max(1, int(len(data) * keep))]
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "input.bin", bytes(data))
        read_all(path, limits)  # asserts the accounting and "no internal-error"


def test_a_name_twice_in_one_archive_gives_two_distinct_paths(tmp_path: Path) -> None:
    """Evidence must name one member: the second ``a.log`` of a zip or tar is ``a.log#2``."""
    line = b"2024-03-10 00:05:04 avhypervvss Info <43419>: x\n"
    with zipfile.ZipFile(tmp_path / "twice.zip", "w") as archive:
        archive.writestr("avhypervvss.log", line)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("avhypervvss.log", line * 2)

    def again(archive: tarfile.TarFile) -> None:
        info = tarfile.TarInfo("avhypervvss.log")
        info.size = len(line) * 3
        archive.addfile(info, io.BytesIO(line * 3))

    write(tmp_path / "twice.tar", tar_bytes({"avhypervvss.log": line}, extra=again))
    members, _ = read_all(tmp_path)
    assert {path: data for path, (_, data) in members.items()} == {
        "twice.tar!avhypervvss.log": line,
        "twice.tar!avhypervvss.log#2": line * 3,
        "twice.zip!avhypervvss.log": line,
        "twice.zip!avhypervvss.log#2": line * 2,
    }
