"""Hostile bundles, end to end through the CLI: XML bombs, escaping names, links, bombs, limits.

Every case puts the sample's three files beside (or inside the same archive as) the hostile
member and checks, besides what the harness checks on every run (``conftest.py``), that the
member is refused or defused with its reason in the JSON report and that the sample's
findings are all still found.

Covered in depth elsewhere, at the library level (not repeated here):
``tests/test_bundle.py`` — every refusal code of the bundle reader one by one (Windows
separators, control characters in names, overlapping zip entries, encrypted and unsupported
members, corrupt deflate, bad CRC, truncated tar.gz, negative tar sizes, oversized pax
headers, folder depth, a FIFO as the root, races between listing and opening) and the
mutated-archive property test; ``tests/parsers/test_event_xml.py`` — billion laughs timing,
XXE at the parser, entity declarations inside an event, ``max_event_bytes`` and
``max_xml_depth``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import SAMPLE, TIMEOUT_SECONDS, CliRunner, Run, cli_command, run_capped

from avlogparse.limits import Limits

VMMS_NS = "http://schemas.microsoft.com/win/2004/08/events/event"
PLUGIN_43426 = (
    "2024-03-13 00:05:09 avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
    "'{name}<C0FFEE00-1234-4ABC-9DEF-00112233AABB>' has failed and will be skipped from backup."
    " For details, please check 'winclustersvc.log'.\r\n"
)


def sample_members() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SAMPLE.iterdir())}


def zip_with(path: Path, extra: dict[str, bytes], unix_modes: dict[str, int] | None = None) -> Path:
    """A zip of the sample's files plus ``extra`` members (names stored verbatim)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**sample_members(), **extra}.items():
            info = zipfile.ZipInfo(name, (2024, 3, 13, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = (unix_modes or {}).get(name)
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


def tar_with(path: Path, specials: list[tarfile.TarInfo]) -> Path:
    """A tar of the sample's files followed by header-only ``specials``."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in sample_members().items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in specials:
            archive.addfile(info)
    return path


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def reasons_by_code(refused: dict[str, str]) -> dict[str, str]:
    """Refused path → the diagnostic code its reason starts with."""
    return {path: reason.split(":", 1)[0] for path, reason in refused.items()}


# --- XML: entities, DTDs, external references -----------------------------------------------


def test_billion_laughs_is_defused_and_opens_nothing(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    levels = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE Events [<!ENTITY lol0 "lol">{levels}]>\n'
        f"<Events><Event xmlns='{VMMS_NS}'><System><EventID>18012</EventID>"
        "<Computer>&lol9;</Computer></System></Event></Events>\n"
    )
    (bundle / "laughs.xml").write_text(bomb)
    run = avlogparse_cli(bundle, audit=True)
    assert [d["line"] for d in run.diagnostics("dtd-forbidden")] == [2]
    laughs = run.input("laughs.xml")
    assert laughs["status"] == "read" and laughs["records"] == 0 and laughs["unparsed"] == 1
    assert "lollol" not in str(run.report)
    assert sample_findings <= run.findings()


def test_external_entities_and_dtds_are_never_fetched(
    tmp_path: Path,
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
) -> None:
    secret = tmp_path / "secret.txt"  # outside the bundle folder
    secret.write_text("TOP-SECRET-VALUE")
    event = (
        f"<Event xmlns='{VMMS_NS}'><System><EventID>18012</EventID>"
        "<Computer>&xxe;&net;</Computer></System></Event>"
    )
    (bundle / "xxe.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE Events [\n'
        f'<!ENTITY xxe SYSTEM "file://{secret}">\n'
        '<!ENTITY net SYSTEM "http://127.0.0.1:9/steal">\n'
        f'<!ENTITY % remote SYSTEM "file://{secret}"> %remote;\n]>\n<Events>{event}</Events>\n'
    )
    (bundle / "external-dtd.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE Events SYSTEM "file://{secret}">\n<Events>{event}</Events>\n'
    )
    run = avlogparse_cli(bundle, audit=True)
    assert {d["path"] for d in run.diagnostics("dtd-forbidden")} == {"xxe.xml", "external-dtd.xml"}
    assert "TOP-SECRET" not in str(run.report)
    assert sample_findings <= run.findings()


# --- names that would escape ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../../evil-avhypervvss.log", "path-traversal"),
        ("logs/..\\..\\evil-avhypervvss.log", "path-traversal"),
        ("/tmp/evil-avhypervvss.log", "absolute-path"),
        ("C:\\Windows\\Temp\\evil-avhypervvss.log", "absolute-path"),
        ("//server/share/evil-avhypervvss.log", "absolute-path"),
    ],
)
def test_escaping_member_names_are_refused(
    tmp_path: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
    name: str,
    code: str,
) -> None:
    payload = PLUGIN_43426.format(name="EVIL-VM").encode()
    archive = zip_with(tmp_path / "bundle.zip", {name: payload})
    run = avlogparse_cli(archive, audit=True)
    assert run.code == 3
    assert list(reasons_by_code(run.refused()).values()) == [code]
    assert all(vm != "EVIL-VM" for _, vm in run.findings())
    assert sample_findings <= run.findings()
    assert not (tmp_path.parent / "evil-avhypervvss.log").exists()


# --- links and special files ---------------------------------------------------------------


def test_links_devices_and_fifos_in_a_tar_are_refused(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    archive = tar_with(
        tmp_path / "bundle.tar",
        [
            special("passwd-avhypervvss.log", tarfile.SYMTYPE, "/etc/passwd"),
            special("up-avhypervvss.log", tarfile.SYMTYPE, "../../../etc/shadow"),
            special("again-avhypervvss.log", tarfile.LNKTYPE, "avhypervvss.log"),
            special("tty.log", tarfile.CHRTYPE),
            special("disk.log", tarfile.BLKTYPE),
            special("pipe.log", tarfile.FIFOTYPE),
        ],
    )
    run = avlogparse_cli(archive, audit=True)
    assert run.code == 3
    shown = {path.split("!", 1)[1]: code for path, code in reasons_by_code(run.refused()).items()}
    assert shown == {
        "passwd-avhypervvss.log": "symlink",
        "up-avhypervvss.log": "symlink",
        "again-avhypervvss.log": "hardlink",
        "tty.log": "special-file",
        "disk.log": "special-file",
        "pipe.log": "special-file",
    }
    assert "FIFO" in run.refused()["bundle.tar!pipe.log"]
    assert sample_findings <= run.findings()


def test_symlink_member_of_a_zip_is_refused(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    name = "passwd-avhypervvss.log"
    archive = zip_with(tmp_path / "b.zip", {name: b"/etc/passwd"}, {name: stat.S_IFLNK | 0o777})
    run = avlogparse_cli(archive, audit=True)
    assert reasons_by_code(run.refused()) == {f"b.zip!{name}": "symlink"}
    assert sample_findings <= run.findings()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs symlinks and FIFOs")
def test_symlinks_and_a_fifo_in_a_folder_are_never_opened(
    tmp_path: Path,
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
) -> None:
    secret = tmp_path / "secret-avhypervvss.log"
    secret.write_text(PLUGIN_43426.format(name="SECRET-VM"))
    (bundle / "link-avhypervvss.log").symlink_to(secret)
    (bundle / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(bundle / "pipe-avhypervvss.log")  # opening it would block for ever
    run = avlogparse_cli(bundle, audit=True)
    assert reasons_by_code(run.refused()) == {
        "link-avhypervvss.log": "symlink",
        "linked-folder": "symlink",
        "pipe-avhypervvss.log": "special-file",
    }
    assert all(vm != "SECRET-VM" for _, vm in run.findings())
    assert sample_findings <= run.findings()


# --- bombs and limits ------------------------------------------------------------------------


def test_zip_bomb_by_ratio_is_refused_before_reading(
    tmp_path: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    archive = zip_with(tmp_path / "bomb.zip", {"zeros-avhypervvss.log": bytes(20 << 20)})
    assert archive.stat().st_size < 100_000
    run = avlogparse_cli(archive)
    [diagnostic] = run.diagnostics("limit-exceeded")
    assert diagnostic["limit"] == "max_ratio" and diagnostic["path"].endswith(
        "zeros-avhypervvss.log"
    )
    assert run.code == 3 and sample_findings <= run.findings()


def test_too_many_members_stops_the_walk_and_says_so_once(
    tmp_path: Path,
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
) -> None:
    many = Limits().max_members + 5
    with zipfile.ZipFile(bundle / "zz-many.zip", "w") as archive:  # walked after the sample
        for index in range(many):
            archive.writestr(f"empty-{index:05}.txt", b"")
    run = avlogparse_cli(bundle)
    [diagnostic] = run.diagnostics("limit-exceeded")
    assert diagnostic["limit"] == "max_members"
    listed = [i for i in run.report["inputs"] if i["path"].startswith("zz-many.zip!")]
    # the sample's three files and the archive itself count too; the first member not read
    # is listed as refused (so the report is incomplete: exit 3)
    assert len(listed) + 3 + 1 == Limits().max_members + 1
    assert listed[-1]["status"] == "refused" and run.code == 3
    assert sample_findings <= run.findings()


def test_archives_nested_deeper_than_the_limit_are_refused(
    tmp_path: Path,
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
) -> None:
    data = PLUGIN_43426.format(name="DEEP-VM").encode()
    name = "avhypervvss.log"
    for level in range(Limits().max_depth + 2):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, data)
        data, name = buffer.getvalue(), f"level{level}.zip"
    (bundle / name).write_bytes(data)
    run = avlogparse_cli(bundle)
    [refused] = run.diagnostics("archive-too-deep")
    assert refused["limit"] == "max_depth" and refused["path"].count("!") == Limits().max_depth + 1
    assert all(vm != "DEEP-VM" for _, vm in run.findings())
    assert run.code == 3 and sample_findings <= run.findings()


def test_total_bytes_limit_through_the_api(
    bundle: Path,
    avlogparse_api: Callable[[Path, Limits], Run],
    sample_findings: set[tuple[str, str | None]],
) -> None:
    """``max_total_bytes`` is not a CLI option: set it through ``analyze(limits=...)``."""
    sample_bytes = sum(p.stat().st_size for p in SAMPLE.iterdir())
    line = PLUGIN_43426.format(name="BIG-VM").encode()
    (bundle / "zz-big-avhypervvss.log").write_bytes(line * 2000)
    run = avlogparse_api(bundle, Limits(max_total_bytes=sample_bytes + 50_000))
    [diagnostic] = run.diagnostics("limit-exceeded")
    assert diagnostic["limit"] == "max_total_bytes"
    assert reasons_by_code(run.refused()) == {"zz-big-avhypervvss.log": "limit-exceeded"}
    assert run.code == 3 and sample_findings <= run.findings()


def test_the_audit_hook_does_see_a_file_outside_the_bundle(tmp_path: Path, bundle: Path) -> None:
    """The audit-based guarantees above are only worth something if the hook can fail."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "avhypervvss.log").write_text(PLUGIN_43426.format(name="ELSEWHERE"))
    offences_file = tmp_path / "offences.json"
    command = cli_command(bundle, (), offences_file)
    command[command.index(str(bundle), command.index("analyze"))] = str(elsewhere)
    subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    offences = json.loads(offences_file.read_text())
    assert any(str(elsewhere) in offence for offence in offences), offences


# --- nothing analysable: the one-line error says why -----------------------------------------


def _nothing_analysable(bundle: Path) -> str:
    done = run_capped([*cli_command(bundle, (), None)])
    assert done.returncode == 2 and not done.stdout and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    return line


def test_a_truncated_tgz_alone_names_the_broken_archive(tmp_path: Path) -> None:
    whole = tmp_path / "whole.tgz"
    with tarfile.open(whole, "w:gz") as archive:
        for path in sorted(SAMPLE.iterdir()):
            archive.add(path, arcname=f"bundle/{path.name}")
    cut = tmp_path / "cut.tgz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    line = _nothing_analysable(cut)
    assert "cut.tgz: archive-corrupt:" in line and "end-of-stream" in line


def test_a_nul_filled_gz_is_an_empty_archive_and_says_so(tmp_path: Path) -> None:
    nuls = tmp_path / "avhypervvss.log.gz"
    nuls.write_bytes(gzip.compress(bytes(4 << 20)))
    assert "avhypervvss.log.gz: archive-empty: the archive holds no files" in _nothing_analysable(
        nuls
    )


def test_member_names_in_the_error_line_cannot_drive_the_terminal(tmp_path: Path) -> None:
    archive = tmp_path / "escape.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../\x1b]0;owned\x07\x1b[2J.log", b"x")
    line = _nothing_analysable(archive)
    assert "path-traversal" in line and "\x1b" not in line and "\\x1b" in line


def test_an_empty_archive_beside_the_sample_is_a_diagnostic_not_a_silence(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    zipfile.ZipFile(bundle / "empty.zip", "w").close()
    run = avlogparse_cli(bundle)
    [empty] = run.diagnostics("archive-empty")
    assert empty["path"] == "empty.zip" and empty["severity"] == "info"
    assert run.code == 0 and sample_findings <= run.findings()
