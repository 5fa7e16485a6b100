"""Generated bundles whose host clock follows a zone's daylight-saving rules, analysed without
``tz``: every planted orphaned checkpoint is found, nothing else, across a US spring-forward,
an EU fall-back, an Australian (southern-hemisphere) fall-back and in a zone without DST
(``benchmarks/generate.py --tz``)."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from avlogparse import analyze
from avlogparse.models.report import Report

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

CASES = {
    # zone, first night, rule family, offsets, switch night
    "us-spring": ("America/New_York", date(2024, 3, 3), "US", [-300, -240], "2024-03-10"),
    "eu-fall": ("Europe/Berlin", date(2024, 10, 20), "EU", [60, 120], "2024-10-27"),
    "au-fall": ("Australia/Sydney", date(2024, 3, 31), "AU", [600, 660], "2024-04-07"),
    "no-dst": ("Asia/Tokyo", date(2024, 3, 3), None, [540], None),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any], Report]:
    name = request.param
    zone, first, *_ = CASES[name]
    out = tmp_path_factory.mktemp(name)
    truth = generate(out, 40_000, 6_000, 5, tz=zone, start=first, incidents=6)
    return name, truth, analyze(out)


def test_every_planted_incident_is_found_and_nothing_else(
    case: tuple[str, dict[str, Any], Report],
) -> None:
    _name, truth, report = case
    found = [
        (f.vm.id if f.vm else None, f.data.get("group"))
        for f in report.findings
        if f.rule_id == "orphaned-checkpoint"
    ]
    expected = {(o["vm_id"], o["cleanup_group"]) for o in truth["orphaned_checkpoint"]}
    assert len(found) == len(set(found)) and set(found) == expected
    no_targets = {
        e.line
        for f in report.findings
        if f.rule_id == "no-backup-targets"
        for e in f.evidence
        if e.role == "no-backup-targets"
    }
    assert no_targets == {n["line"] for n in truth["no_backup_targets"]}


def test_incidents_sit_next_to_the_switch_night(case: tuple[str, dict[str, Any], Report]) -> None:
    name, truth, _ = case
    switch = CASES[name][4]
    assert truth["switch_nights"] == ([switch] if switch else [])
    if switch is None:
        return
    nights = {date.fromisoformat(o["night"]) for o in truth["orphaned_checkpoint"]}
    day = date.fromisoformat(switch)
    assert nights & {day - timedelta(days=1), day, day + timedelta(days=1)}


def test_the_report_names_the_zone_and_its_evidence(
    case: tuple[str, dict[str, Any], Report],
) -> None:
    name, _truth, report = case
    _, _, family, offsets, switch = CASES[name]
    alignment = report.time_alignment
    assert alignment.source == "inferred"
    assert (alignment.rule_family, alignment.offsets_minutes) == (family, offsets)
    assert [e.verdict for e in alignment.evidence if e.kind == "abbreviation"]
    assert all(e.verdict == "agrees" for e in alignment.evidence if e.kind == "abbreviation")
    if switch is None:
        assert (alignment.offset_minutes, alignment.switches) == (540, [])
        return
    assert alignment.zone_name is not None and alignment.offset_minutes is None
    assert [f"{s.local:%Y-%m-%d}" for s in alignment.switches] == [switch]
    assert alignment.zone == alignment.zone_name and alignment.host_zone() is not None
    flagged = [d for d in report.diagnostics if d.code == "clock-switch-hour"]
    assert bool(flagged) == bool(alignment.switches[0].records_in_window)
    data = json.loads(report.model_dump_json())["time_alignment"]
    assert data["switches"][0]["kind"] in ("forward", "back")
    # a rival that fits as many anchors (Cuba's -05:00/-04:00 switches at midnight the same
    # night) lost on the printed zone names (EST/EDT, not CST/CDT)
    assert all(r["rule_family"] != family for r in data["rivals"])
