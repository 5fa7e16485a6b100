"""The command line with hostile paths and hostile moments: several bundles where one is bad,
paths that are not UTF-8, ``-o`` pointing somewhere wrong, Ctrl-C, ``--tz -12:00``.

No run may print a traceback or lose the results of the bundles that could be analysed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import SAMPLE, TIMEOUT_SECONDS, findings_of, run_capped
from harness import _command as avlogparse_command

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "csv", "html")


def analyze(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return run_capped([*avlogparse_command(), "analyze", *map(str, argv)])


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    shutil.copytree(SAMPLE, folder)
    return folder


@pytest.fixture
def unanalysable(tmp_path: Path) -> Path:
    folder = tmp_path / "notes-only"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing to see\n")
    return folder


# --- several bundles: each one's fate in the document -----------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_bundle_among_several_costs_only_itself(
    tmp_path: Path, good: Path, unanalysable: Path, jobs: str
) -> None:
    missing = tmp_path / "missing"
    done = analyze(
        good, missing, unanalysable, "--jobs", jobs, "--format", "json", "--fail-on", "never"
    )
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr
    reports = json.loads(done.stdout)
    assert [r["bundle"] for r in reports] == [str(good), str(missing), str(unanalysable)]
    assert findings_of(reports[0]) and reports[0]["inputs"][0]["status"] == "read"
    fates = [(r["inputs"][0]["status"], r["diagnostics"][0]["code"]) for r in reports[1:]]
    assert fates == [("refused", "not-found"), ("refused", "nothing-analysable")]
    assert len(done.stderr.splitlines()) == 2
    with_findings = analyze(good, missing, "--jobs", jobs, "--format", "text")
    assert with_findings.returncode == 1 and "no such file or folder" in with_findings.stderr


def test_when_no_bundle_can_be_analysed_it_is_a_usage_error(
    tmp_path: Path, unanalysable: Path
) -> None:
    done = analyze(tmp_path / "missing", unanalysable)
    assert done.returncode == 2 and not done.stdout and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].endswith("none of the 2 bundles could be analysed")


# --- paths that are not UTF-8 -----------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte paths")
def test_a_bundle_path_that_is_not_utf8_never_costs_the_output(tmp_path: Path) -> None:
    bundle = tmp_path / os.fsdecode(b"bundle-\xff")
    shutil.copytree(SAMPLE, bundle)
    done = analyze(bundle, "--format", "json")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["bundle"].endswith("bundle-\\xff")
    for fmt in FORMATS:
        output = tmp_path / os.fsdecode(b"out-\xfe." + fmt.encode())
        done = analyze(bundle, "--format", fmt, "-o", output)
        assert done.returncode == 1 and not done.stderr, (fmt, done.stderr)
        assert output.read_bytes().decode("utf-8")  # written, and valid UTF-8


# --- -o -------------------------------------------------------------------------------------------


def test_output_to_a_folder_or_a_missing_folder_is_a_usage_error(
    tmp_path: Path, good: Path
) -> None:
    for output in (tmp_path, tmp_path / "no-such-folder" / "report.json"):
        done = analyze(good, "-o", output)
        assert done.returncode == 2 and "internal error" not in done.stderr, done.stderr
        assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_output_naming_an_input_is_refused_and_the_input_kept(tmp_path: Path, good: Path) -> None:
    log = good / "avhypervvss.log"
    before = log.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(log)
    for bundle, output in ((good, log), (log, log), (good, link)):
        done = analyze(bundle, "-o", output)
        assert done.returncode == 2 and "inputs" in done.stderr, done.stderr
    assert log.read_bytes() == before


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--tz", "-12:00"], ["--tz", "-05"], ["--tz=-12:00"]])
def test_a_negative_offset_may_follow_tz_as_its_own_word(good: Path, argv: list[str]) -> None:
    done = analyze(good, *argv, "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["time_alignment"]["source"] == "given"


# --- Ctrl-C ----------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_is_one_line_and_exit_130_also_with_workers(tmp_path: Path, jobs: str) -> None:
    line = (SAMPLE / "avhypervvss.log").read_bytes()
    bundles = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "avhypervvss.log").write_bytes(line * (24_000_000 // len(line)))
        bundles.append(str(folder))
    process = subprocess.Popen(
        [*avlogparse_command(), "analyze", *bundles, "--jobs", jobs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches it and its workers
    )
    time.sleep(1.5)
    os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 130 and stderr == "avlogparse: interrupted\n", stderr
    assert time.monotonic() - started < 10
