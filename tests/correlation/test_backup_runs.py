"""Backup runs: a 43419 or a long pause starts one; what each run mentions and how it ended."""

from __future__ import annotations

import io

from avlogparse.correlation.collector import Collector
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import ParseStats
from avlogparse.sources.avhypervvss import SOURCE

JOB = (
    "2024-03-11 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type\n"
    "2024-03-11 00:05:13 avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'VM1<3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F>' has failed and will be skipped from backup. For details, please check 'winclustersvc.log'.\n"
    "2024-03-11 00:05:14 avhypervvss Info <0000>: Backup of Virtual machine 'VM2<9B7E6D5C-4A3B-4C2D-8E1F-123456789ABC>' completed.\n"
)


def _collect(text: str) -> Collector:
    collector = Collector(CorrelationWindows())
    stats = ParseStats(path="avhypervvss.log", kind="avhypervvss")
    records = SOURCE.parse(io.BytesIO(text.encode()), "avhypervvss.log", stats, Limits())
    collector.add_file(SOURCE, "avhypervvss.log", records)
    return collector


def test_a_43419_starts_a_run_and_the_run_keeps_its_434xx_lines() -> None:
    collector = _collect(JOB + JOB.replace("2024-03-11", "2024-03-12"))
    assert len(collector.runs) == 2
    first = collector.runs[0]
    assert [r.code for r in first.records] == [43419, 43426]
    assert first.outcome == "partial" and len(first.failures) == 1
    assert list(first.mentioned_vms) == [
        ("VM1", "3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F"),
        ("VM2", "9B7E6D5C-4A3B-4C2D-8E1F-123456789ABC"),
    ]
    assert collector.coverage.files(PLUGIN_LOG) == {"avhypervvss.log": 2}


def test_a_pause_longer_than_run_gap_starts_a_run_without_a_43419() -> None:
    quiet = (
        "2024-03-11 00:00:00 avhypervvss Info <0000>: a\n"
        "2024-03-11 02:59:00 avhypervvss Info <0000>: within three hours\n"
        "2024-03-11 06:00:00 avhypervvss Info <0000>: after a long pause\n"
    )
    collector = _collect(quiet)
    assert [(r.first.line, r.last.line) for r in collector.runs] == [(1, 2), (3, 3)]
    assert all(r.outcome == "unknown" for r in collector.runs)  # no line says how they ended


def test_a_43427_makes_the_run_failed() -> None:
    no_targets = "2024-03-11 00:05:20 avhypervvss Warning <43427>: No targets available for backup after checkpoint process.\n"
    [run] = _collect(JOB + no_targets).runs
    assert run.outcome == "failed" and run.no_targets is not None


def test_a_log_of_unparsed_lines_shows_no_plug_in_fact() -> None:
    collector = _collect("garbage\nmore garbage\n")
    assert not collector.coverage.has(PLUGIN_LOG) and collector.runs == []
    assert sum(shape.count for shape in collector.unparsed_shapes.values()) == 2
