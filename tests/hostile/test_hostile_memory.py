"""Memory grows with what is kept, not with the input: repeats of a fact are counted.

The real cases (100,000 identical 43426 lines; 200,000 merge-failed events) are measured in
``benchmarks/README.md`` (peak RSS 49 MB and 42 MB, from 1.69 GB and 3.3 GB); here the
budget is shrunk to five so the same paths run in milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import avlogparse
from avlogparse.correlation import collector, runs

SAMPLE = Path(__file__).parent.parent.parent / "samples" / "kb-orphaned-checkpoint"
FAILED = (
    "2024-03-12 00:05:13 avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
    "'SQL-PROD01<3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F>' has failed and will be skipped from "
    "backup. For details, please check 'winclustersvc.log'.\n"
)


@pytest.fixture(autouse=True)
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "MAX_REPEATS", 5)


def test_identical_plug_in_failures_are_one_finding_with_their_count(tmp_path: Path) -> None:
    (tmp_path / "avhypervvss.log").write_text(FAILED * 50, encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    [failed] = [f for f in report.findings if f.rule_id == "checkpoint-creation-failed"]
    assert failed.data["repeats"] == 50 and failed.data["evidence_total"] == 50
    assert len(failed.evidence) == 5  # what was kept
    missing = [f for f in report.findings if f.rule_id == "missing-evidence"]
    assert all(f.message_args["failures"] == 50 for f in missing)
    [note] = [d for d in report.diagnostics if d.code == "repeats-counted"]
    assert note.message.startswith("45 lines or events")


def test_a_flood_of_merge_failures_keeps_a_sample_and_counts_the_attempts(
    tmp_path: Path,
) -> None:
    lines = (SAMPLE / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml").read_text(encoding="utf-8")
    lines_list = lines.splitlines(keepends=True)
    merge_failed = next(line for line in lines_list if "<EventID>19100</EventID>" in line)
    closing = lines_list.index(next(line for line in lines_list if "</Events>" in line))
    lines_list[closing:closing] = [merge_failed] * 60
    (tmp_path / "vmms.xml").write_text("".join(lines_list), encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    flooded = [f for f in report.findings if f.rule_id == "checkpoint-merge-failed"]
    # the VM of the repeated event: its 3 real failures plus 60 repeats, 5 of them kept
    top = max(flooded, key=lambda f: f.data["attempts"])
    assert top.data["attempts"] == 63 and top.data["evidence_total"] == 63
    assert len(top.evidence) < 63
    assert any(d.code == "repeats-counted" for d in report.diagnostics)


def test_nights_of_the_same_failure_are_all_kept(tmp_path: Path) -> None:
    """The budget is per run: a year of nightly failures keeps every night."""
    nights = "".join(
        f"2024-03-{day:02d} 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with "
        f"'Copy' guest backup type\n" + FAILED.replace("2024-03-12", f"2024-03-{day:02d}")
        for day in range(1, 21)
    )
    (tmp_path / "avhypervvss.log").write_text(nights, encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    failed = [f for f in report.findings if f.rule_id == "checkpoint-creation-failed"]
    assert len(failed) == 20 and not any(d.code == "repeats-counted" for d in report.diagnostics)


def test_a_log_of_nothing_but_job_starts_keeps_a_bounded_number_of_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every 43419 starts a backup run; past MAX_RUNS (here 5) the lines join the last run
    and the report says how many runs were not kept (100,000 such lines: 509 MB before,
    158 MB after)."""
    monkeypatch.setattr(runs, "MAX_RUNS", 5)
    start = (
        "2024-03-12 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' "
        "guest backup type\n"
    )
    (tmp_path / "avhypervvss.log").write_text(start * 20, encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    assert len(report.backup_runs) == 5
    [limit] = [d for d in report.diagnostics if d.limit == "MAX_RUNS"]
    assert limit.message.startswith("15 more backup runs")
