"""The benchmark tools run end to end at a tiny size: counts add up, planted incidents found.

No timing is asserted (the host is noisy); only that every generated line and event is
accounted for by the parsers and that the correlation finds exactly what was planted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
LINES, EVENTS = 3_000, 500


def _generate(out: Path, *extra: str) -> dict[str, Any]:
    subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "generate.py"),
            str(out),
            "--lines",
            str(LINES),
            "--events",
            str(EVENTS),
            "--seed",
            "7",
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    truth: dict[str, Any] = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    return truth


@pytest.fixture(scope="module")
def run_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("bench")
    out = data / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--lines",
            str(LINES),
            "--events",
            str(EVENTS),
            "--repeat",
            "1",
            "--encoding",
            "both",
            "--data",
            str(data),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout or "MISS" in done.stdout
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_generator_counts_are_what_is_on_disk(tmp_path: Path, encoding: str) -> None:
    truth = _generate(tmp_path, "--encoding", encoding)
    files = truth["files"]
    assert files["avhypervvss.log"]["lines"] == LINES
    assert files["vmms.xml"]["events"] == EVENTS
    codec = "utf-16" if encoding == "utf-16" else "utf-8"
    for name in ("avhypervvss.log", "winclustersvc.log"):
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith(b"\xff\xfe") == (encoding == "utf-16")
        text = raw.decode(codec)
        assert text.count("\r\n") == files[name]["lines"] == text.count("\n")
        counted = sum(
            files[name][key]
            for key in ("record_lines", "continuation_lines", "blank_lines", "unparsed_lines")
        )
        assert counted == files[name]["lines"]
    xml = (tmp_path / "vmms.xml").read_bytes().decode(codec)
    assert xml.count("<Event xmlns=") == EVENTS
    lines = (tmp_path / "avhypervvss.log").read_bytes().decode(codec).split("\r\n")
    for expected in truth["no_backup_targets"]:
        assert "<43427>" in lines[expected["line"] - 1]
    assert truth["orphaned_checkpoint"] and truth["no_backup_targets"]
    assert {d["kind"] for d in truth["decoys"]} == {
        "far-from-cleanup",
        "merge-recovered",
        "same-name-other-host",
    }


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a")
    second = _generate(tmp_path / "b")
    for name in ("avhypervvss.log", "winclustersvc.log", "vmms.xml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first["orphaned_checkpoint"] == second["orphaned_checkpoint"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_runner_accounts_for_every_line_and_event(
    run_report: dict[str, Any], encoding: str
) -> None:
    summary = run_report["encodings"][encoding]
    generated = summary["ground_truth"]["files"]
    files = summary["files"]
    for name in ("avhypervvss.log", "winclustersvc.log"):
        stats = files[name]["parse"]
        assert stats["lines_total"] == generated[name]["lines"]
        assert stats["unparsed_lines"] == generated[name]["unparsed_lines"]
        assert stats["balanced"] and stats["complete"]
    xml = files["vmms.xml"]["parse"]
    assert xml["events_seen"] == generated["vmms.xml"]["events"] == EVENTS
    assert xml["event_records"] == EVENTS and xml["balanced"]
    assert files["vmms.xml"]["iterparse"]["events"] == EVENTS
    assert all(row["ok"] for row in summary["counts"]), summary["counts"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_runner_finds_exactly_the_planted_incidents(
    run_report: dict[str, Any], encoding: str
) -> None:
    summary = run_report["encodings"][encoding]
    for name, result in summary["accuracy"].items():
        assert result["expected"] > 0, name
        assert result["precision"] == 1.0 and result["recall"] == 1.0, (name, result)
    clock = summary["clock"]
    assert clock["inferred_offset_minutes"] == clock["expected_offset_minutes"]


def test_runner_reports_every_target(run_report: dict[str, Any]) -> None:
    summary = run_report["encodings"]["utf-8"]
    names = " ".join(row["target"] for row in summary["targets"])
    for label in ("T1", "T3", "T5", "analyze / sum of parses"):
        assert label in names
    for row in summary["targets"]:
        assert row["value"] >= 0 and isinstance(row["pass"], bool)
    assert "T4" in " ".join(row["target"] for row in run_report["encodings"]["utf-16"]["targets"])


def test_evtx_benchmark_runs_and_counts_agree(tmp_path: Path) -> None:
    pytest.importorskip("evtx")
    out = tmp_path / "evtx.json"
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "evtx_bench.py"), "--repeat", "1", "--json", str(out)],
        check=True,
        capture_output=True,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["events"] == 8971  # every event of tests/data/evtx, read both ways
    assert set(result["events_per_second"]) == {"evtx", "xml"} and result["target"] == 3.0


def test_cluster_bundle_incidents_found_across_nodes(tmp_path: Path) -> None:
    """``--cluster``: folder per node, incident merges on the next node; every planted chain
    is found (by VM and cleanup group) with its owning node, nothing else, and the spare host
    stays out of the cluster."""
    import avlogparse

    truth = _generate(tmp_path, "--cluster")
    assert truth["layout"] == "cluster"
    report = avlogparse.analyze(tmp_path)
    orphans = [f for f in report.findings if f.rule_id == "orphaned-checkpoint"]
    found = {(f.vm.id if f.vm else None, f.data["group"]): f.host for f in orphans}
    expected = {(o["vm_id"], o["cleanup_group"]): o["owner"] for o in truth["orphaned_checkpoint"]}
    assert expected and found == expected
    assert any(o["owner"] != o["host"] for o in truth["orphaned_checkpoint"])
    no_targets = {
        f.evidence[-1].line for f in report.findings if f.rule_id == "no-backup-targets"
    }
    assert no_targets == {e["line"] for e in truth["no_backup_targets"]}
    assert [c.nodes for c in report.clusters] == [truth["cluster_nodes"]]
    assert truth["standalone_hosts"][0] in {h.name for h in report.hosts}
