"""Facts are what was seen, per channel and log, never per file format."""

from __future__ import annotations

import io

from avlogparse.correlation.collector import Collector
from avlogparse.correlation.coverage import VMMS_ADMIN, Coverage, channel_fact
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import ParseStats
from avlogparse.sources.event_xml import SOURCE

EVENT = (
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
    "<Provider Name='{provider}'/><EventID>{event_id}</EventID>"
    "<TimeCreated SystemTime='2024-03-10T15:42:05.0Z'/>{channel}<Computer>HV01</Computer>"
    "</System></Event>\n"
)


def _events(*events: tuple[str, int, str | None]) -> Collector:
    text = "".join(
        EVENT.format(
            provider=provider,
            event_id=event_id,
            channel=f"<Channel>{channel}</Channel>" if channel else "",
        )
        for provider, event_id, channel in events
    )
    collector = Collector(CorrelationWindows())
    stats = ParseStats(path="all.xml", kind="event-xml")
    records = SOURCE.parse(io.BytesIO(text.encode()), "all.xml", stats, Limits())
    collector.add_file(SOURCE, "all.xml", records)
    return collector


def test_a_combined_export_counts_for_each_channel_it_holds() -> None:
    collector = _events(
        ("Microsoft-Windows-Hyper-V-VMMS", 19100, VMMS_ADMIN.removeprefix("channel:")),
        ("Service Control Manager", 7036, "System"),
        ("Service Control Manager", 7036, "System"),
    )
    coverage = collector.coverage
    assert coverage.has(VMMS_ADMIN) and coverage.files("channel:System") == {"all.xml": 2}
    assert coverage.channels() == ["Microsoft-Windows-Hyper-V-VMMS-Admin", "System"]
    assert len(collector.events) == 1  # the catalogued Hyper-V event is kept, SCM is not


def test_an_export_of_another_channel_holds_no_vmms_fact() -> None:
    coverage = _events(("Service Control Manager", 7036, "System")).coverage
    assert not coverage.has(VMMS_ADMIN)
    assert coverage.missing(frozenset({VMMS_ADMIN, "channel:System"})) == [VMMS_ADMIN]


def test_an_event_without_a_channel_counts_for_its_provider() -> None:
    coverage = _events(("Microsoft-Windows-Hyper-V-VMMS", 19100, None)).coverage
    assert coverage.facts() == ["provider:Microsoft-Windows-Hyper-V-VMMS"]
    assert channel_fact(None, None) == "provider:?"


def test_counts_add_up_per_file() -> None:
    coverage = Coverage()
    coverage.saw("log:winclustersvc", "a/winclustersvc.log", 3)
    coverage.saw("log:winclustersvc", "a/winclustersvc.log", 2)
    coverage.saw("log:winclustersvc", "b/winclustersvc.log")
    assert coverage.files("log:winclustersvc") == {"a/winclustersvc.log": 5, "b/winclustersvc.log": 1}
