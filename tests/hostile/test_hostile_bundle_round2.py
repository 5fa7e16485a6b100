"""Hostile bundles, round 2: costs bounded before the stdlib pays them, and no silent "healthy".

Each case is crafted in the test, small and fast: a zip whose central directory holds two
million entries (90 MB in a 90 KB gzip), a tar of directory headers, an xz header declaring
a 3 GiB dictionary, a tar.gz bomb, directories holding data, a folder deeper than
``max_dir_depth``, a file cut while it is read, names that display alike, a hard link.
Every run goes through the harness (``harness.py``): 60 s and 1 GiB at most, no traceback,
counts that add up, exit 3 exactly when the report is incomplete.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest
from harness import CliRunner
from test_hostile_archives import PLUGIN_43426, reasons_by_code, sample_members, zip_with

import avlogparse
from avlogparse import bundle as bundle_module
from avlogparse.bundle import open_bundle
from avlogparse.limits import Limits

Findings = set[tuple[str, "str | None"]]


# --- the central directory, counted before zipfile lists it ---------------------------------


def directory_only_zip(entries: int) -> bytes:
    """One local header (``d/``) and a zip64 central directory of ``entries`` copies of it."""
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, 2, 0) + b"d/"
    mode = (stat.S_IFDIR | 0o755) << 16 | 0x10
    entry = (
        struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, mode, 0
        )
        + b"d/"
    )
    directory = entry * entries
    offset, size = len(local), len(directory)
    zip64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + size, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return local + directory + zip64 + locator + end


def test_a_central_directory_of_millions_is_cut_before_zipfile_lists_it(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    """2 M entries: zipfile alone needs ≈ 1 GB and 20 s to list them (MemoryError under the
    harness's cap); cut at ``max_members`` it is a few milliseconds."""
    (bundle / "zz-dirs.zip.gz").write_bytes(gzip.compress(directory_only_zip(2_000_000), 1))
    run = avlogparse_cli(bundle, "--limit", "max_ratio=1e6")
    [stop] = run.diagnostics("limit-exceeded")
    assert stop["limit"] == "max_members" and stop["path"].startswith("zz-dirs.zip.gz!")
    assert run.code == 3 and sample_findings <= run.findings()


def test_the_cut_view_of_a_zip_holds_one_entry_more_than_the_room_left() -> None:
    data = directory_only_zip(5_000)
    view = bundle_module._zip_view(io.BytesIO(data), 10)
    assert view is not None and len(zipfile.ZipFile(view).infolist()) == 11
    assert bundle_module._zip_view(io.BytesIO(data), 5_000) is None  # all of it fits
    real = io.BytesIO()
    with zipfile.ZipFile(real, "w") as archive:
        for name, content in sample_members().items():
            archive.writestr(name, content)
    view = bundle_module._zip_view(real, 1)
    assert view is not None
    [first, _] = zipfile.ZipFile(view).infolist()
    assert zipfile.ZipFile(view).read(first) == sample_members()[first.filename]


def test_directory_headers_of_a_tar_count_against_max_members(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in sample_members().items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    folder = tarfile.TarInfo("d/")
    folder.type = tarfile.DIRTYPE
    body = archive.getvalue()[: -1024 * 2].rstrip(b"\0")
    body += bytes(-len(body) % 512)
    headers = folder.tobuf(tarfile.USTAR_FORMAT) * 30_000  # a million in the issue
    path = tmp_path / "dirs.tar"
    path.write_bytes(body + headers + bytes(10240))
    run = avlogparse_cli(path)
    [stop] = run.diagnostics("limit-exceeded")
    assert stop["limit"] == "max_members" and run.code == 3
    assert sample_findings <= run.findings()


# --- memory: one member fails alone ---------------------------------------------------------


def xz_declaring_dictionary(dict_property: int) -> bytes:
    """A valid .xz of one log line whose LZMA2 filter property says another dictionary
    size (39: 3 GiB, 40: 4 GiB); the block header's CRC32 is fixed up."""
    data = bytearray(lzma.compress(PLUGIN_43426.format(name="XZ-VM").encode()))
    header_size = (data[12] + 1) * 4
    flags, position = data[13], 14
    for present in (0x40, 0x80):  # compressed and uncompressed sizes, as varints
        if flags & present:
            while data[position] & 0x80:
                position += 1
            position += 1
    assert data[position : position + 2] == b"\x21\x01"  # LZMA2, one property byte
    data[position + 2] = dict_property
    crc = zlib.crc32(bytes(data[12 : 12 + header_size - 4]))
    data[12 + header_size - 4 : 12 + header_size] = struct.pack("<L", crc)
    return bytes(data)


def test_an_xz_declaring_a_3_gib_dictionary_fails_alone(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    (bundle / "zz-huge-dict.log.xz").write_bytes(xz_declaring_dictionary(39))
    run = avlogparse_cli(bundle)  # under the harness's 1 GiB address-space cap
    assert reasons_by_code(run.refused()) == {"zz-huge-dict.log.xz": "out-of-memory"}
    assert run.code == 3 and sample_findings <= run.findings()


def test_a_memory_error_in_one_member_costs_that_member_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exhausting:
        def read(self, size: int = -1, /) -> bytes:
            raise MemoryError

    folder = tmp_path / "b"
    folder.mkdir()
    for name, data in sample_members().items():
        (folder / name).write_bytes(data)
    (folder / "zz.log.bz2").write_bytes(b"BZh9" + bytes(100))
    monkeypatch.setattr(bundle_module, "_decompressor", lambda kind, stream: Exhausting())
    report = avlogparse.analyze(folder)
    rows = {i.path: i for i in report.inputs}
    assert rows["zz.log.bz2"].status == "refused"
    assert (rows["zz.log.bz2"].reason or "").startswith("out-of-memory")
    assert report.findings and not report.complete


def test_a_tar_gz_bomb_is_cut_by_the_streaming_ratio(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name, data in sample_members().items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        zeros = tarfile.TarInfo("zeros-avhypervvss.log")
        zeros.size = 64 << 20
        tar.addfile(zeros, io.BytesIO(bytes(zeros.size)))
    path = tmp_path / "bomb.tar.gz"
    path.write_bytes(gzip.compress(archive.getvalue(), 9))
    run = avlogparse_cli(path)
    limits = [d["limit"] for d in run.diagnostics("limit-exceeded")]
    assert "max_ratio" in limits and run.code == 3
    assert run.report["stats"]["files"] >= 4 and sample_findings <= run.findings()


# --- nothing skipped in silence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode"),
    [("hidden-avhypervvss.log/", None), ("hidden-avhypervvss.log", stat.S_IFDIR | 0o755)],
)
def test_a_zip_directory_entry_holding_data_is_reported(
    tmp_path: Path,
    avlogparse_cli: CliRunner,
    sample_findings: Findings,
    name: str,
    mode: int | None,
) -> None:
    payload = PLUGIN_43426.format(name="HIDDEN-VM").encode()
    archive = zip_with(tmp_path / "b.zip", {name: payload}, {name: mode} if mode else None)
    run = avlogparse_cli(archive)
    assert reasons_by_code(run.refused()) == {f"b.zip!{name}": "special-file"}
    assert run.code == 3 and sample_findings <= run.findings()


def test_a_log_deeper_than_max_dir_depth_makes_the_report_incomplete(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    deep = bundle.joinpath(*["d"] * (Limits().max_dir_depth + 1))
    deep.mkdir(parents=True)
    (deep / "avhypervvss.log").write_text(PLUGIN_43426.format(name="DEEP-VM"))
    run = avlogparse_cli(bundle)
    [(path, code)] = reasons_by_code(run.refused()).items()
    assert code == "limit-exceeded" and path.count("/") == Limits().max_dir_depth
    assert run.code == 3 and sample_findings <= run.findings()


def test_a_file_cut_while_it_is_read_is_marked_partial(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    victim = folder / "avhypervvss.log"
    victim.write_text(PLUGIN_43426.format(name="CUT-VM") * 20_000)
    bundle = open_bundle(folder)
    for member, stream in bundle.members():
        assert member.path == "avhypervvss.log"
        stream.read(1000)
        os.truncate(victim, 100_000)
        stream.read()
    [row] = bundle.inventory
    assert row.status == "read" and (row.reason or "").startswith("partial: file-changed")
    assert [d.code for d in bundle.diagnostics] == ["file-changed"]
    assert bundle.stats.partial == 1


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_names_that_would_display_alike_stay_distinct_and_refusals_stay_listed(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    path = tmp_path / "b.zip"
    payload = PLUGIN_43426.format(name="X").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in sample_members().items():
            archive.writestr(name, data)
        archive.writestr("a.log", payload)
        archive.writestr("a.log", payload)  # made "encrypted" below: refused
        archive.writestr("a.log#2", payload)
        archive.writestr("x.zip!a.log", payload)
    data = bytearray(path.read_bytes())
    entries = [at for at in range(len(data)) if data[at : at + 4] == b"PK\x01\x02"]
    data[entries[len(sample_members()) + 1] + 8] |= 0x1  # the central directory's flags
    path.write_bytes(bytes(data))
    run = avlogparse_cli(path)
    rows = {i["path"]: i["status"] for i in run.report["inputs"] if "a.log" in i["path"]}
    assert rows == {
        "b.zip!a.log": "read",
        "b.zip!a.log#2": "refused",
        "b.zip!a.log\\x232": "read",
        "b.zip!x.zip\\x21a.log": "read",
    }
    assert run.code == 3 and sample_findings <= run.findings()


def test_a_control_character_and_its_spelling_display_differently(
    bundle: Path, avlogparse_cli: CliRunner
) -> None:
    line = PLUGIN_43426.format(name="X")
    (bundle / "a\x1b.log").write_text(line)
    (bundle / "a\\x1b.log").write_text(line)
    run = avlogparse_cli(bundle)
    paths = {i["path"] for i in run.report["inputs"]}
    assert {"a\\x1b.log", "a\\\\x1b.log"} <= paths and run.code == 0


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_hard_link_in_a_folder_is_refused(
    tmp_path: Path, bundle: Path, avlogparse_cli: CliRunner, sample_findings: Findings
) -> None:
    secret = tmp_path / "secret-avhypervvss.log"  # outside the bundle
    secret.write_text(PLUGIN_43426.format(name="SECRET-VM"))
    os.link(secret, bundle / "zz-linked-avhypervvss.log")
    run = avlogparse_cli(bundle, audit=True)
    assert reasons_by_code(run.refused()) == {"zz-linked-avhypervvss.log": "hardlink"}
    assert all(vm != "SECRET-VM" for _, vm in run.findings())
    assert run.code == 3 and sample_findings <= run.findings()
