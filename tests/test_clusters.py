"""Failover clusters: hosts per input, clusters, correlation across nodes, per-host clocks.

The bundles are the KB sample (``samples/kb-orphaned-checkpoint``) split over nodes; the
rule fixtures ``tests/rules/*/cluster-*`` hold the same splits as files.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import avlogparse
from avlogparse.cli import main
from avlogparse.correlation.hosts import (
    HostMap,
    folder_label,
    folder_of,
    parse_cluster_option,
)

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
RULES = Path(__file__).parent / "rules"
TWO_NODES = RULES / "orphaned-checkpoint" / "cluster-two-nodes"
STANDALONE = RULES / "orphaned-checkpoint" / "near-miss-standalone-hosts-same-vm-names"
MIGRATED = RULES / "orphaned-checkpoint" / "cluster-vm-migrated-overnight"


def _orphans(report: avlogparse.Report) -> list[avlogparse.Finding]:
    return [f for f in report.findings if f.rule_id == "orphaned-checkpoint"]


def test_two_node_split_gives_the_three_orphans_with_evidence_from_both_nodes() -> None:
    report = avlogparse.analyze(TWO_NODES)
    orphans = _orphans(report)
    assert sorted(f.vm.name for f in orphans if f.vm) == ["APP-WEB02", "File Server 03", "SQL-PROD01"]
    for finding in orphans:
        folders = {e.path.split("/")[0] for e in finding.evidence}
        assert folders == {"node1", "node2"}
        assert finding.host == "HV-NODE02"  # the owning node
        assert finding.data["cleanup_host"] == "HV-NODE01"
        assert "HV-NODE02" in finding.message and "HV-NODE01" in finding.message
        assert finding.data["explains"]
    assert [c.nodes for c in report.clusters] == [["HV-NODE01", "HV-NODE02"]]
    assert report.clusters[0].source == "inferred"
    assert len(report.clusters[0].shared_vms) == 3
    by_host = {h.name: h for h in report.hosts}
    assert by_host["HV-NODE02"].findings_by_rule == {
        "orphaned-checkpoint": 3,
        "checkpoint-merge-failed": 3,
    }
    assert "node1/avhypervvss.log" in by_host["HV-NODE01"].inputs  # the folder's host


def test_one_zip_holding_per_node_zips(tmp_path: Path) -> None:
    """``cluster-bundle.zip`` holding ``node1.zip`` and ``node2.zip``: the same three orphans,
    each inner archive taken as its node's folder."""
    outer = tmp_path / "cluster-bundle.zip"
    with zipfile.ZipFile(outer, "w") as bundle:
        for node in ("node1", "node2"):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as member:
                for item in sorted((TWO_NODES / node).iterdir()):
                    member.writestr(item.name, item.read_bytes())
            bundle.writestr(f"{node}.zip", inner.getvalue())
    report = avlogparse.analyze(outer)
    orphans = _orphans(report)
    assert len(orphans) == 3
    for finding in orphans:
        inner = {e.path.split("!")[1] for e in finding.evidence}
        assert inner == {"node1.zip", "node2.zip"}
        assert finding.host == "HV-NODE02"
    assert [c.nodes for c in report.clusters] == [["HV-NODE01", "HV-NODE02"]]


def test_standalone_hosts_with_same_vm_names_never_correlate() -> None:
    report = avlogparse.analyze(STANDALONE)
    assert _orphans(report) == []
    assert report.clusters == []
    assert {h.name for h in report.hosts} == {"HV-A", "HV-B"}
    assert len([f for f in report.findings if f.rule_id == "checkpoint-merge-failed"]) == 3


def test_given_cluster_joins_hosts_the_logs_do_not_join() -> None:
    """Two hosts that share no VM are one cluster only when the caller says so; then a merge
    failure of a VM of the job on the other node counts."""
    names = {"HV-A", "HV-B"}
    report = avlogparse.analyze(STANDALONE, clusters={"HVC": sorted(names)})
    assert report.clusters[0].name == "HVC" and report.clusters[0].source == "given"
    # host B's VMs carry other GUIDs: they are not the job's VMs, so still no orphan
    assert _orphans(report) == []


def test_migrated_vm_is_followed_to_its_new_node() -> None:
    report = avlogparse.analyze(MIGRATED)
    moved = next(f for f in _orphans(report) if f.vm and f.vm.name == "APP-WEB02")
    assert moved.data["merge_hosts"] == ["HV-NODE02", "HV-NODE03"]
    assert moved.host == "HV-NODE03"
    assert report.clusters[0].migrations == ["9B7E6D5C-4A3B-4C2D-8E1F-123456789ABC"]


def test_single_host_sample_has_one_host_and_no_cluster() -> None:
    report = avlogparse.analyze(SAMPLE)
    assert [h.name for h in report.hosts] == ["HV-NODE01"]
    assert report.clusters == []
    assert report.hosts[0].time_alignment is None  # one clock: the report's
    assert len(_orphans(report)) == 3
    assert all(f.message_id == "msg.orphaned-checkpoint" for f in _orphans(report))


def _shift_local_times(text: str, delta: timedelta) -> str:
    """Host-local stamps of the Avamar logs (``2024-03-10 00:05:07``, group ``20240310000504``)
    moved by ``delta``: the same night on a host with another clock setting."""

    def iso(match: re.Match[str]) -> str:
        moment = datetime.strptime(match.group(0), "%Y-%m-%d %H:%M:%S") + delta
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def compact(match: re.Match[str]) -> str:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S") + delta
        return "-" + moment.strftime("%Y%m%d%H%M%S") + "-"

    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", iso, text)
    return re.sub(r"-(\d{14})-", compact, text)


def test_each_host_gets_its_own_clock(tmp_path: Path) -> None:
    """Two standalone hosts, one at UTC+09:00, one at UTC+01:00: each clock is inferred from
    its own logs, and each host's orphans are found."""
    for host, hours in (("HV-A", 0), ("HV-B", -8)):
        folder = tmp_path / host.lower()
        folder.mkdir()
        for item in SAMPLE.iterdir():
            text = item.read_text(encoding="utf-8").replace("HV-NODE01", host)
            if item.suffix == ".log":
                text = _shift_local_times(text, timedelta(hours=hours))
            if hours:  # other VM GUIDs on host B: two standalone hosts
                text = re.sub(r"\b[0-9A-F]([0-9A-F]{7}-[0-9A-F]{4}-)", r"B\1", text)
            (folder / item.name).write_text(text, encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    offsets = {h.name: h.time_alignment.offset_minutes for h in report.hosts if h.time_alignment}
    assert offsets == {"HV-A": 540, "HV-B": 60}
    assert report.clusters == []
    orphans = _orphans(report)
    assert sorted(f.host or "" for f in orphans) == ["HV-A"] * 3 + ["HV-B"] * 3
    for finding in orphans:
        assert {e.path.split("/")[0] for e in finding.evidence} == {finding.host.lower()}  # type: ignore[union-attr]


def test_host_map_folder_rules() -> None:
    assert folder_of("node1/x.log") == "node1"
    assert folder_of("b.zip!node2.zip!x.xml") == "b.zip!node2.zip"
    assert folder_of("x.log") == ""
    assert folder_label("b.zip!node2.zip") == "NODE2"
    hosts = HostMap()
    for path in ("n1/a.log", "n1/b.xml", "n2/c.log", "n3/d.xml", "root.log"):
        hosts.add_path(path)
    hosts.note("n1/b.xml", "hv-node01.corp.example", 5)
    hosts.note("n3/d.xml", "HV-NODE03", 1)
    hosts.settle_paths()
    assert hosts.path_host("n1/a.log") == "HV-NODE01"  # its folder's host
    assert hosts.path_host("n2/c.log") == "N2"  # a folder per node, naming none
    assert hosts.named_host("n2/c.log") is None  # ... which only lists it
    assert hosts.path_host("root.log") is None
    hosts.note_vm("HV-NODE01", "GUID-1")
    hosts.note_vm("N2", "GUID-1")
    hosts.settle_clusters()
    assert hosts.related("HV-NODE01", "N2")
    assert not hosts.related("HV-NODE01", "OTHER")


def test_one_host_sorted_into_folders_is_one_host(tmp_path: Path) -> None:
    """``plugin/``, ``cluster/``, ``events/`` of one host: one host, no cluster, the same
    findings as the flat sample."""
    for folder, name in (
        ("plugin", "avhypervvss.log"),
        ("cluster", "winclustersvc.log"),
        ("events", "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"),
    ):
        (tmp_path / folder).mkdir()
        shutil.copy(SAMPLE / name, tmp_path / folder / name)
    split, flat = avlogparse.analyze(tmp_path), avlogparse.analyze(SAMPLE)
    assert [h.name for h in split.hosts] == ["HV-NODE01"] and split.clusters == []

    def key(report: avlogparse.Report) -> list[tuple[str, str | None, int]]:
        return sorted((f.rule_id, f.message, len(f.evidence)) for f in report.findings)

    assert key(split) == key(flat)


def test_cluster_option_parsing() -> None:
    assert parse_cluster_option("HVC=a,b.corp") == ("HVC", ["A", "B"])
    for bad in ("HVC", "=a,b", "HVC=a"):
        with pytest.raises(ValueError):
            parse_cluster_option(bad)


def test_cli_cluster_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(RULES / "missing-evidence" / "cluster-node-without-vmms", bundle)
    (bundle / "expected.json").unlink()
    main(["analyze", str(bundle), "--format", "json", "--cluster", "HVC01=HV-NODE01,HV-NODE02"])
    report = avlogparse.Report.model_validate_json(capsys.readouterr().out)
    assert report.clusters[0].name == "HVC01"
    missing = [f for f in report.findings if f.data.get("node") == "HV-NODE02"]
    assert [f.rule_id for f in missing] == ["missing-evidence"]
