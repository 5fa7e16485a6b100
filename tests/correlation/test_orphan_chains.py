"""The orphaned-checkpoint chain, from the collector up: cleanup success, merge failure
after it on the same host, no completion, then the next backup that included the VM."""

from __future__ import annotations

from pathlib import Path

from avlogparse.correlation.clock import given_clock
from avlogparse.correlation.collector import Collector
from avlogparse.correlation.facts import build_facts
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.sources import parse_file

SAMPLE = Path(__file__).parent.parent.parent / "samples" / "kb-orphaned-checkpoint"
FILES = ("avhypervvss.log", "winclustersvc.log", "Microsoft-Windows-Hyper-V-VMMS-Admin.xml")


def _collector(*names: str) -> Collector:
    collector = Collector(CorrelationWindows())
    for name in names:
        parsed = parse_file(SAMPLE / name)
        collector.add_file(parsed.source, name, parsed)
    return collector


def test_the_kb_chain_links_cleanup_merges_and_the_next_backup() -> None:
    facts = build_facts(_collector(*FILES), given_clock("+09:00"), CorrelationWindows())
    assert len(facts.chains) == 3
    for chain in facts.chains:
        assert chain.cleanup.succeeded and len(chain.merge_failures) == 3
        assert chain.consequence_run is not None and chain.consequence_run.index == 2
        assert [c.vm.id for c in chain.consequences] == [chain.vm.id]
        assert chain.missing_links == []
        assert facts.chain_for(chain.consequences[0]) is chain


def test_without_the_plug_in_log_the_chain_says_which_link_is_missing() -> None:
    facts = build_facts(_collector(*FILES[1:]), given_clock("+09:00"), CorrelationWindows())
    assert len(facts.chains) == 3
    assert all(c.missing_links == ["missing.next-backup-log"] for c in facts.chains)


def test_a_clock_that_puts_the_merges_before_the_cleanup_makes_no_chain() -> None:
    """At UTC+10:00 the merges fall before the cleanup: never a chain (cause after effect)."""
    facts = build_facts(_collector(*FILES), given_clock("+10:00"), CorrelationWindows())
    assert facts.chains == [] and len(facts.merge_failures) == 9


def test_failures_are_grouped_by_run_once() -> None:
    facts = build_facts(_collector(*FILES), given_clock("+09:00"), CorrelationWindows())
    assert sorted(facts.failures_by_run) == [2]  # the third backup of the sample
    assert len(facts.failures_by_run[2]) == len(facts.checkpoint_failures) == 3
