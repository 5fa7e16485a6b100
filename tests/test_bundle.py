"""Bundles: folders and archives are read as streams; hostile members are refused, the rest read."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

import avlogparse
from avlogparse.bundle import open_bundle
from avlogparse.limits import Limits
from avlogparse.sniff import Kind

PLUGIN = b"2024-03-12 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type\r\n"
CLUSTER = b"winclustersvc INFO<0000>: DestroySnapshot executed successfully\r\n"
EVENTS = b"<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID></System></Event></Events>"


def read_all(path: Path, limits: Limits | None = None) -> tuple[dict[str, tuple[Kind, bytes]], avlogparse.Bundle]:
    bundle = open_bundle(path, limits or Limits())
    members = {m.path: (m.kind, s.read()) for m, s in bundle.members()}
    return members, bundle


def refused(bundle: avlogparse.Bundle) -> dict[str, str]:
    return {s.path: s.reason or "" for s in bundle.inventory if s.status == "refused"}


def test_folder_walk_sniffs_content_not_names(tmp_path: Path) -> None:
    (tmp_path / "logs" / "deep").mkdir(parents=True)
    (tmp_path / "logs" / "avhypervvss_20190415.log.1").write_bytes(PLUGIN)
    (tmp_path / "logs" / "deep" / "renamed.txt").write_bytes(CLUSTER)
    (tmp_path / "vmms.dat").write_bytes(EVENTS)
    (tmp_path / "notes.txt").write_bytes(b"hello")
    members, bundle = read_all(tmp_path)
    assert {p: k for p, (k, _) in members.items()} == {
        "logs/avhypervvss_20190415.log.1": Kind.AVHYPERVVSS,
        "logs/deep/renamed.txt": Kind.WINCLUSTERSVC,
        "vmms.dat": Kind.EVENT_XML,
    }
    assert members["vmms.dat"][1] == EVENTS
    assert [s.path for s in bundle.inventory if s.status == "unknown"] == ["notes.txt"]


def test_single_file(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(PLUGIN * 3)
    members, _ = read_all(tmp_path / "a.log")
    assert members == {"a.log": (Kind.AVHYPERVVSS, PLUGIN * 3)}


def make_zip(path: Path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def make_tar(path: Path, entries: dict[str, bytes], mode: str = "w:gz") -> None:
    with tarfile.open(path, mode) as archive:  # type: ignore[call-overload]
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_zip_tar_and_nested_archives(tmp_path: Path) -> None:
    make_zip(tmp_path / "inner.zip", {"x/avhypervvss.log": PLUGIN})
    make_tar(tmp_path / "bundle.tgz", {
        "logs/winclustersvc.log": CLUSTER,
        "inner.zip": (tmp_path / "inner.zip").read_bytes(),
    })  # fmt: skip
    members, _ = read_all(tmp_path / "bundle.tgz")
    assert members == {
        "bundle.tgz!logs/winclustersvc.log": (Kind.WINCLUSTERSVC, CLUSTER),
        "bundle.tgz!inner.zip!x/avhypervvss.log": (Kind.AVHYPERVVSS, PLUGIN),
    }
    make_tar(tmp_path / "plain.tar", {"a.log": PLUGIN}, "w")
    members, _ = read_all(tmp_path / "plain.tar")
    assert members == {"plain.tar!a.log": (Kind.AVHYPERVVSS, PLUGIN)}


@pytest.mark.parametrize(
    ("name", "code"),
    [("../../evil.log", "path-traversal"), ("/etc/abs.log", "absolute-path"),
     ("..\\..\\bs.log", "path-traversal"), ("C:\\win\\x.log", "absolute-path")],
)  # fmt: skip
def test_escaping_zip_members_are_refused(tmp_path: Path, name: str, code: str) -> None:
    make_zip(tmp_path / "b.zip", {name: PLUGIN, "ok.log": PLUGIN})
    members, bundle = read_all(tmp_path / "b.zip")
    assert list(members) == ["b.zip!ok.log"]
    assert any(reason.startswith(code) for reason in refused(bundle).values())


def test_links_and_devices_in_tar_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.tar"
    with tarfile.open(path, "w") as archive:
        for name, kind in [("sym.log", tarfile.SYMTYPE), ("hard.log", tarfile.LNKTYPE),
                           ("dev.log", tarfile.CHRTYPE), ("fifo.log", tarfile.FIFOTYPE)]:  # fmt: skip
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd"
            archive.addfile(info)
        info = tarfile.TarInfo("good.log")
        info.size = len(PLUGIN)
        archive.addfile(info, io.BytesIO(PLUGIN))
    members, bundle = read_all(path)
    assert list(members) == ["l.tar!good.log"]
    reasons = refused(bundle)
    assert reasons["l.tar!sym.log"].startswith("symlink")
    assert reasons["l.tar!hard.log"].startswith("hardlink")
    assert reasons["l.tar!dev.log"].startswith("special-file")


def test_zip_symlink_member_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as archive:
        info = zipfile.ZipInfo("link.log")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    members, bundle = read_all(tmp_path / "s.zip")
    assert not members and refused(bundle)["s.zip!link.log"].startswith("symlink")


def test_symlinks_and_fifos_in_folders_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.log"
    outside.write_bytes(PLUGIN)
    bundle_dir = tmp_path / "bundle"
    bundle_dir.mkdir()
    (bundle_dir / "link.log").symlink_to(outside)
    (bundle_dir / "dirlink").symlink_to(tmp_path)
    os.mkfifo(bundle_dir / "pipe.log")
    (bundle_dir / "real.log").write_bytes(CLUSTER)
    members, bundle = read_all(bundle_dir)
    assert list(members) == ["real.log"]
    reasons = refused(bundle)
    assert reasons["link.log"].startswith("symlink") and reasons["dirlink"].startswith("symlink")
    assert reasons["pipe.log"].startswith("special-file")


def test_zip_bomb_by_ratio_and_limits(tmp_path: Path) -> None:
    make_zip(tmp_path / "bomb.zip", {"big.log": PLUGIN + b"\n" * (3 << 20), "ok.log": PLUGIN})
    members, bundle = read_all(tmp_path / "bomb.zip")
    assert list(members) == ["bomb.zip!ok.log"]
    assert any(d.limit == "max_ratio" for d in bundle.diagnostics)
    make_zip(tmp_path / "many.zip", {f"{i}.log": PLUGIN for i in range(5)})
    members, bundle = read_all(tmp_path / "many.zip", Limits(max_members=3))
    assert len(members) == 3 and any(d.limit == "max_members" for d in bundle.diagnostics)


def test_total_bytes_limit_cuts_a_member_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(PLUGIN * 2000)
    members, bundle = read_all(tmp_path, Limits(max_total_bytes=10_000))
    assert len(members["a.log"][1]) <= 10_000 + 65_536
    assert next(s.reason or "" for s in bundle.inventory if s.path == "a.log").startswith("partial")
    assert any(d.limit == "max_total_bytes" for d in bundle.diagnostics)


def test_truncated_tar_gz_and_corrupt_zip_keep_what_was_read(tmp_path: Path) -> None:
    make_tar(tmp_path / "t.tgz", {"a.log": PLUGIN, "b.log": PLUGIN * 5000})
    data = (tmp_path / "t.tgz").read_bytes()
    (tmp_path / "t.tgz").write_bytes(data[: len(data) // 2])
    members, bundle = read_all(tmp_path / "t.tgz")
    assert members["t.tgz!a.log"] == (Kind.AVHYPERVVSS, PLUGIN)
    assert bundle.diagnostics
    make_zip(tmp_path / "c.zip", {"a.log": PLUGIN * 2000})
    raw = bytearray((tmp_path / "c.zip").read_bytes())
    raw[60:80] = b"\xff" * 20
    (tmp_path / "c.zip").write_bytes(bytes(raw))
    read_all(tmp_path / "c.zip")  # no exception: a diagnostic at most


def test_overlapping_zip_entries_are_refused(tmp_path: Path) -> None:
    make_zip(tmp_path / "o.zip", {"a.log": PLUGIN, "b.log": PLUGIN})
    with zipfile.ZipFile(tmp_path / "o.zip") as archive:
        infos = archive.infolist()
    raw = bytearray((tmp_path / "o.zip").read_bytes())
    # point b's central-directory entry at a's local header: both share one body
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 42 : central + 46] = infos[0].header_offset.to_bytes(4, "little")
    (tmp_path / "o.zip").write_bytes(bytes(raw))
    _, bundle = read_all(tmp_path / "o.zip")
    assert any(reason.startswith("zip-overlap") for reason in refused(bundle).values())


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(avlogparse.InputNotFoundError):
        open_bundle(tmp_path / "nope")


def test_analyze_reads_a_zip_bundle_and_lists_refusals(tmp_path: Path) -> None:
    sample = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
    entries = {f"bundle/{p.name}": p.read_bytes() for p in sample.iterdir()}
    entries["../escape.log"] = PLUGIN
    make_zip(tmp_path / "case.zip", entries)
    report = avlogparse.analyze(tmp_path / "case.zip")
    assert {f.rule_id for f in report.findings} >= {"orphaned-checkpoint", "no-backup-targets"}
    assert [i.status for i in report.inputs].count("refused") == 1
    assert not report.complete
    gz = gzip.compress((sample / "avhypervvss.log").read_bytes())
    assert gz  # gzip of plain text is not a tar: tolerated below
    (tmp_path / "x.log.gz").write_bytes(gz)
    with pytest.raises(avlogparse.NotABundleError):
        avlogparse.analyze(tmp_path / "x.log.gz")
