"""The command line as CI jobs and support staff use it: formats, selection, languages, jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from avlogparse.cli import main

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
SQL_PROD01 = "3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *options: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "analyze", str(SAMPLE), "--format", "json", *options)
    assert code in (0, 1)
    found: list[dict[str, object]] = json.loads(out)["findings"]
    return found


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "junit", "csv", "html"])
def test_every_format_renders_the_sample(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--format", fmt, "--lang", "en")
    assert code == 1 and err == ""
    assert "orphaned-checkpoint" in out


def test_output_file_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "analyze", str(SAMPLE), "--format", "sarif", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert run(capsys, "analyze", str(SAMPLE), "--quiet") == (1, "", "")


def test_vm_since_and_until_narrow_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    everything = findings(capsys)
    by_name = findings(capsys, "--vm", "sql-prod01")
    by_guid = findings(capsys, "--vm", "{" + SQL_PROD01.lower() + "}")
    assert by_name == by_guid and 0 < len(by_name) < len(everything)
    assert all(f["vm"]["id"] == SQL_PROD01 for f in by_name if f["vm"])  # type: ignore[index]
    # the job-level finding stays: SQL-PROD01 is one of the VMs the backup skipped
    assert {f["rule_id"] for f in by_name if not f["vm"]} == {"no-backup-targets"}
    last_night = findings(capsys, "--since", "2024-03-12")  # host time (UTC+09:00)
    assert {f["rule_id"] for f in last_night} >= {"no-backup-targets"}
    assert all(str(f["last_seen"]) >= "2024-03-12" for f in last_night)
    before = findings(capsys, "--until", "2024-03-11T00:30+09:00")
    assert before == []  # the first failure is the cleanup at 00:41 on the 11th
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--since", "yesterday-ish")
    assert code == 2 and "not a time" in err


def test_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(SAMPLE), "--lang", "ja", "--no-color")
    assert code == 1 and "孤立したチェックポイント" in out
    report = json.loads(run(capsys, "analyze", str(SAMPLE), "--format", "json", "--lang", "ja")[1])
    assert report["lang"] == "ja"
    assert {f["message_id"] for f in report["findings"]} >= {"msg.no-backup-targets"}
    assert "チェックポイント" in run(capsys, "rules", "--lang", "ja")[1]


def test_language_defaults_to_the_locale(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert "チェックポイント" in run(capsys, "analyze", str(SAMPLE))[1]


def test_several_bundles_and_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(SAMPLE), str(SAMPLE)]
    serial = run(capsys, "analyze", *paths, "--format", "sarif", "--jobs", "1")
    parallel = run(capsys, "analyze", *paths, "--format", "sarif", "--jobs", "2")
    assert serial[0] == parallel[0] == 1
    runs = [json.loads(output)["runs"] for output in (serial[1], parallel[1])]
    assert len(runs[0]) == 2
    assert [r["results"] for r in runs[0]] == [r["results"] for r in runs[1]]
    assert run(capsys, "analyze", *paths, "--format", "html")[0] == 2  # one bundle per page


def test_timeline_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", str(SAMPLE), "--vm", "SQL-PROD01")
    assert code == 0
    assert "merge-failed" in out and "Microsoft-Windows-Hyper-V-VMMS-Admin.xml:13" in out
    entries = json.loads(run(capsys, "timeline", str(SAMPLE), "--format", "json")[1])
    assert {e["kind"] for e in entries} >= {"cleanup", "merge-failed", "finding"}
    csv_rows = run(capsys, "timeline", str(SAMPLE), "--format", "csv")[1].splitlines()
    assert csv_rows[0].startswith("time,host_time") and len(csv_rows) == len(entries) + 1


def test_rules_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--format", "markdown", "--lang", "en")
    assert code == 0 and out.startswith("# Rule catalog") and "## orphaned-checkpoint" in out


def test_no_progress_line_when_stderr_is_not_a_terminal() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from avlogparse.cli import main; raise SystemExit(main())",
         "analyze", str(SAMPLE), "--fail-on", "never"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_line_on_a_terminal() -> None:
    import os
    import pty

    parent, child = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-c", "from avlogparse.cli import main; raise SystemExit(main())",
         "analyze", str(SAMPLE), "--fail-on", "never", "-o", os.devnull],
        stderr=child, stdout=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    os.close(child)
    shown = os.read(parent, 65536).decode("utf-8")
    os.close(parent)
    assert done.returncode == 0
    assert "file(s)" in shown and "MB/s" in shown and shown.endswith("\r\x1b[K")


def test_limits_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(SAMPLE), "--limit", "max_members=2", "--format",
                       "json", "--fail-on", "never")  # fmt: skip
    assert code == 3  # could not judge: a file was not read
    refused = [i for i in json.loads(out)["inputs"] if i["status"] == "refused"]
    assert [i["reason"].split(":")[0] for i in refused] == ["limit-exceeded"]
    for bad in ("max_members=0", "max_nothing=1", "max_total_bytes=lots"):
        code, _, err = run(capsys, "analyze", str(SAMPLE), "--limit", bad)
        assert code == 2 and "limit" in err and "Traceback" not in err


def test_timeline_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", str(SAMPLE), "--lang", "ja", "--vm", "SQL-PROD01")
    assert code == 0 and "マージ" in out and "Microsoft-Windows-Hyper-V-VMMS-Admin.xml:13" in out
