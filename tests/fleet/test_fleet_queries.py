"""The standard queries on a known fixture: the sample bundle and the missing-evidence ones.

Expected values are computed from ``avlogparse.analyze()`` of the same bundles (the store
must agree with the reports), plus the facts samples/README.md states.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest

import avlogparse
from avlogparse import fleet
from avlogparse.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "kb-orphaned-checkpoint"
PLUGIN_ONLY = ROOT / "tests" / "rules" / "missing-evidence" / "plugin-log-only"
ALL_LOGS = ROOT / "tests" / "rules" / "missing-evidence" / "all-logs-present"
BUNDLES = (SAMPLE, PLUGIN_ONLY, ALL_LOGS)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "known.duckdb"
    result = fleet.add([str(b) for b in BUNDLES], path, workers=1)
    assert (result.analysed, result.failed) == (3, 0)
    return path


@pytest.fixture(scope="module")
def reports() -> dict[str, avlogparse.Report]:
    return {str(b): avlogparse.analyze(b) for b in BUNDLES}


def test_findings_by_rule_match_the_reports(store: Path, reports: dict[str, avlogparse.Report]) -> None:
    expected = Counter(f.rule_id for r in reports.values() for f in r.findings)
    with fleet.open(store) as opened:
        frame = opened.findings("rule")
    assert dict(zip(frame.rule, frame.findings, strict=True)) == expected
    assert list(frame.findings) == sorted(frame.findings, reverse=True)
    bundles = {rule: sum(any(f.rule_id == rule for f in r.findings) for r in reports.values())
               for rule in expected}
    assert dict(zip(frame.rule, frame.bundles, strict=True)) == bundles


def test_findings_by_host_vm_and_week(store: Path, reports: dict[str, avlogparse.Report]) -> None:
    expected: Counter[tuple[object, ...]] = Counter()
    for report in reports.values():
        for f in report.findings:
            vm = (f.vm.name or f.vm.id) if f.vm else None
            assert f.first_seen is not None
            day = f.first_seen.astimezone(timezone.utc).date()
            week = day - timedelta(days=day.weekday())
            expected[(f.host, vm, week)] += 1
    with fleet.open(store) as opened:
        frame = opened.findings(["host", "vm", "week"])
    got = Counter()
    for host, vm, week, count in zip(frame.host, frame.vm, frame.week, frame.findings,
                                     strict=True):
        key = (None if host is None or host != host else host,
               None if vm is None or vm != vm else vm, week.date() if hasattr(week, "date") else week)
        got[key] += count
    assert got == expected
    # the sample: three orphaned checkpoints on HV-NODE01, in the week of 2024-03-04 (UTC)
    with fleet.open(store) as opened:
        orphans = opened.findings(["rule", "host", "week"], since="2024-03-01",
                                  until=date(2024, 3, 31), min_severity="error")
    row = orphans[orphans.rule == "orphaned-checkpoint"]
    assert list(row.host) == ["HV-NODE01"] and list(row.findings) == [3]
    assert str(row.week.iloc[0])[:10] == "2024-03-04"
    with fleet.open(store) as opened, pytest.raises(ValueError, match="by: one or more"):
        opened.findings("planet")


def test_new_rule_ids_and_hresults_since_a_date(store: Path) -> None:
    with fleet.open(store) as opened:
        since_2020 = opened.new_since("2020-01-01", what="rule")
        hresults = opened.new_since(date(2024, 1, 1), what="hresult")
        none_new = opened.new_since("2024-04-01T00:00:00+09:00", what="hresult")
        everything = opened.new_since("2000-01-01", what="rule")
    # the missing-evidence bundles are from 2019: only the rules the 2024 sample adds are new
    assert set(since_2020.rule) == {"orphaned-checkpoint", "checkpoint-merge-failed"}
    assert list(hresults.hresult) == ["0x8007052F"]
    assert list(hresults.hosts.iloc[0]) == ["HV-NODE01"]
    assert none_new.empty
    assert "missing-evidence" in set(everything.rule)


def test_recurring_failures_per_host(store: Path, reports: dict[str, avlogparse.Report]) -> None:
    with fleet.open(store) as opened:
        once = opened.recurring(min_days=1)
        twice = opened.recurring(min_days=2)
    days: dict[tuple[str, str], set[date]] = {}
    for report in reports.values():
        for f in report.findings:
            if f.host and f.first_seen and f.severity.rank >= 2:
                day = f.first_seen.astimezone(timezone.utc).date()
                days.setdefault((f.host, f.rule_id), set()).add(day)
    assert {(h, r): d for h, r, d in zip(once.host, once.rule_id, once.days, strict=True)} == {
        key: len(value) for key, value in days.items()
    }
    assert set(zip(twice.host, twice.rule_id, strict=True)) == {
        key for key, value in days.items() if len(value) >= 2
    }


def test_unexplained_lists_the_failures_no_cause_explains(store: Path) -> None:
    with fleet.open(store) as opened:
        frame = opened.unexplained()
    findings = frame[frame.what == "finding"]
    keys = dict(zip(findings.key, findings.bundles, strict=True))
    # plugin-log-only: three 43426 with no winclustersvc.log and no VMMS export to explain them
    assert keys["checkpoint-creation-failed"] >= 1
    # the sample's 43426 are explained by its orphaned checkpoints: not counted for it
    with fleet.open(store) as opened:
        sample_unexplained = opened.sql(
            "SELECT count(*) AS n FROM findings f JOIN bundles b USING (content_hash)"
            " WHERE b.path = ? AND f.rule_id = 'checkpoint-creation-failed'"
            " AND len(f.explained_by) = 0", [str(SAMPLE)]
        )
    assert sample_unexplained.n[0] == 0
    assert "orphaned-checkpoint" not in set(findings.key)


def test_unparsed_shapes_and_diagnostics_are_stored(tmp_path: Path) -> None:
    bundle = tmp_path / "noisy"
    bundle.mkdir()
    for member in SAMPLE.iterdir():
        (bundle / member.name).write_bytes(member.read_bytes())
    with open(bundle / "avhypervvss.log", "a", encoding="utf-8", newline="") as log:
        log.write("@@ something no parser knows 42 @@\r\n" * 3)
    report = avlogparse.analyze(bundle)
    assert report.unparsed_shapes
    path = tmp_path / "noisy.duckdb"
    fleet.add([str(bundle)], path, workers=1)
    with fleet.open(path) as opened:
        shapes = opened.sql("SELECT template, count, example_line FROM unparsed_shapes")
        unexplained = opened.unexplained()
        diagnostics = opened.sql("SELECT count(*) AS n FROM diagnostics")
    assert [(s.template, s.count, s.example_line) for s in report.unparsed_shapes] == list(
        zip(shapes.template, shapes["count"], shapes.example_line, strict=True)
    )
    assert "unparsed-shape" in set(unexplained.what)
    assert diagnostics.n[0] == len(report.diagnostics)


def test_findings_rows_keep_message_args_hresult_and_evidence(store: Path,
                                                              reports: dict[str, avlogparse.Report]) -> None:
    report = reports[str(SAMPLE)]
    with fleet.open(store) as opened:
        rows = opened.sql(
            "SELECT f.* FROM findings f JOIN bundles b USING (content_hash) WHERE b.path = ?"
            " ORDER BY f.ordinal", [str(SAMPLE)]
        )
        evidence = opened.sql(
            "SELECT e.* FROM evidence e JOIN bundles b USING (content_hash) WHERE b.path = ?"
            " ORDER BY e.finding_ordinal, e.ordinal", [str(SAMPLE)]
        )
        bundle = opened.bundles().set_index("path").loc[str(SAMPLE)]
    assert list(rows.finding_id) == [f.id for f in report.findings]
    assert [json.loads(a) for a in rows.message_args] == [
        json.loads(json.dumps(f.message_args, default=str)) for f in report.findings
    ]
    orphan = rows[rows.rule_id == "orphaned-checkpoint"].iloc[0]
    assert orphan.hresult == "0x8007052F" and orphan.host == "HV-NODE01"
    assert str(orphan.first_seen) == "2024-03-10 15:41:00"  # 00:41 at UTC+09:00
    assert list(evidence.text) == [e.text for f in report.findings for e in f.evidence]
    assert bundle.host == "HV-NODE01" and bundle.time_offset_minutes == 540
    assert (bundle.time_source, bundle.status, bundle.findings) == ("inferred", "done", 10)
    assert bundle.content_hash.startswith("sha256-tree:")


def test_cli_add_queries_and_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "cli.duckdb")
    assert main(["fleet", "add", str(SAMPLE), "--store", path, "--workers", "1"]) == 0
    assert "1 bundle(s): 1 analysed, 0 failed, 0 already in" in capsys.readouterr().out
    assert main(["fleet", "add", str(SAMPLE), "--store", path]) == 0
    assert "0 analysed, 0 failed, 1 already in" in capsys.readouterr().out

    assert main(["fleet", "findings", "--store", path, "--by", "rule,host", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["rule"] for r in rows} >= {"orphaned-checkpoint", "no-backup-targets"}
    assert main(["fleet", "new", "--store", path, "--since", "2024-01-01", "--what", "hresult",
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("0x8007052F,")
    assert main(["fleet", "sql", "SELECT count(*) AS n FROM findings", "--store", path]) == 0
    assert capsys.readouterr().out.split() == ["n", "10"]
    parquet = tmp_path / "recurring.parquet"
    assert main(["fleet", "recurring", "--store", path, "--min-days", "1", "--format",
                 "parquet", "-o", str(parquet)]) == 0
    import pandas

    assert "HV-NODE01" in set(pandas.read_parquet(parquet).host)
    assert main(["fleet", "unexplained", "--store", path, "--format", "parquet"]) == 2
    assert main(["fleet", "summary", "--store", path]) == 0
    assert "done" in capsys.readouterr().out
    assert main(["fleet", "failed", "--store", path]) == 0
    assert "(no rows)" in capsys.readouterr().out
    assert main(["fleet", "findings", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "no fleet store" in capsys.readouterr().err


def test_a_database_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(fleet.StoreError, match="not an avlogparse fleet store"):
        fleet.open(other)


def test_cli_add_interrupted_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import avlogparse.fleet.runner

    def interrupted(*args: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(avlogparse.fleet.runner, "add", interrupted)
    store = str(tmp_path / "x.duckdb")
    assert main(["fleet", "add", str(SAMPLE), "--store", store]) == 130
    assert "run the same command again" in capsys.readouterr().err
